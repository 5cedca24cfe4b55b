// No query string of any shape produces a 5xx: generated queries through the real
// loaders answer with results or a 400 naming a parameter.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DIRECTORY_PARAMS } from "~/modules/directory/query";
import { loader as apiListLoader } from "~/routes/api.v1.signatories._index";
import { loader as directoryLoader } from "~/routes/signatories._index";
import { useSeededDatabase } from "../helpers/db";
import { loaderArgs } from "../helpers/remix";

useSeededDatabase();

const plausible = fc.constantFrom(
  "",
  "FI",
  "us",
  "XX",
  "security",
  "telecom",
  "stronger-defense",
  "cyber-mercenaries",
  "2018",
  "2018-2020",
  "2020-2018",
  "1",
  "0",
  "-1",
  "all",
  "active",
  "withdrawn",
  "relevance",
  "-joined",
  "100",
  "101",
  "1e3",
  "micro",
  "trend micro",
  '"',
  "*",
  "NEAR(",
  "a OR b",
  "%",
  "%zz",
  "\u0000",
  "\u202e",
  "null",
  "[]",
);
const text = fc.oneof(fc.string({ unit: "binary", maxLength: 60 }), fc.string({ unit: "grapheme", maxLength: 30 }));
const pair = fc.tuple(fc.oneof(fc.constantFrom(...DIRECTORY_PARAMS), text), fc.oneof(plausible, text));
const queryString = fc.oneof(
  fc.array(pair, { maxLength: 6 }).map((pairs) => new URLSearchParams(pairs).toString()),
  fc.string({ unit: "binary", maxLength: 120 }),
);

describe("generated query strings", () => {
  it("never make the HTML directory fail with anything but a 400", async () => {
    await fc.assert(
      fc.asyncProperty(queryString, async (search) => {
        try {
          const data = await directoryLoader(loaderArgs(`/signatories?${search}`));
          expect(data.total).toBeGreaterThanOrEqual(0);
        } catch (error) {
          expect(error).toBeInstanceOf(Response);
          expect((error as Response).status).toBe(400);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("never make the API answer anything but 200 or a 400 in the error shape", async () => {
    await fc.assert(
      fc.asyncProperty(queryString, async (search) => {
        const response = await apiListLoader(loaderArgs(`/api/v1/signatories?${search}`));
        expect([200, 400]).toContain(response.status);
        const body = await response.json();
        if (response.status === 400) expect(body.error.code).toBe("invalid_parameter");
        else expect(Array.isArray(body.data)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});
