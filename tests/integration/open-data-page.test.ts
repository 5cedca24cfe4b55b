// /open-data (issue 13) through its real loader: the licence from DATA_LICENCE, a field
// dictionary generated from the API's own schemas (every field, nothing invented), the
// CSV's columns in order, example requests on PUBLIC_URL, and when the data last changed
// (the data version's time, moved by every write on both engines). The directory offers
// its results with the filters in force.
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { getDb } from "~/modules/database/db.server";
import { updateSignatory } from "~/modules/directory/write.server";
import { CSV_COLUMNS } from "~/modules/opendata/csv.server";
import { OPEN_DATA_SCHEMAS } from "~/modules/opendata/schemas";
import { loader as openDataLoader } from "~/routes/open-data";
import { loader as directoryLoader } from "~/routes/signatories._index";
import { resetEnvForTests } from "~/utils/env.server";
import { useSeededDatabase } from "../helpers/db";
import { loaderArgs } from "../helpers/remix";

useSeededDatabase();

afterAll(() => {
  delete process.env.DATA_LICENCE;
  delete process.env.OPERATOR_NAME;
  resetEnvForTests();
});

describe("the open-data page", () => {
  it("describes every field of the API's signatory, from its schema, and the CSV's columns in their order", async () => {
    const data = await openDataLoader();
    const shape = z.toJSONSchema(OPEN_DATA_SCHEMAS.Signatory) as { properties: Record<string, unknown> };
    const topLevel = data.dictionary.signatory.filter((r) => !r.name.includes(".")).map((r) => r.name);
    expect(topLevel).toEqual(Object.keys(shape.properties));
    expect(data.dictionary.signatory.map((r) => r.name)).toEqual(
      expect.arrayContaining(["pledges[].endorsed_on", "sources[].url", "sources[].retrieved_on", "joined_precision", "updated_at"]),
    );
    for (const row of data.dictionary.signatory) expect(row.description, row.name).not.toBe("");
    expect(data.dictionary.signatory.find((r) => r.name === "joined_precision")).toMatchObject({ type: "one of: day, month, year" });
    expect(data.dictionary.signatory.find((r) => r.name === "withdrawn_on")).toMatchObject({ type: "date (YYYY-MM-DD), or null" });
    expect(data.dictionary.csv.map((r) => r.name)).toEqual([...CSV_COLUMNS]);
    for (const row of data.dictionary.csv) expect(row.description, row.name).not.toBe("");
    expect(data.dictionary.coverage.map((r) => r.name)).toEqual(
      expect.arrayContaining(["recorded", "published", "published[].as_of", "published[].qualifier", "published[].source.url"]),
    );
  });

  it("gives the licence (CC BY 4.0 by default), copyable example requests on PUBLIC_URL, and how to cite", async () => {
    const data = await openDataLoader();
    expect(data.licence).toEqual({
      id: "CC-BY-4.0",
      name: "Creative Commons Attribution 4.0 International",
      url: "https://creativecommons.org/licenses/by/4.0/",
      attribution: true,
    });
    expect(data.examples.map((e) => e.command)).toContain("curl -s 'http://registry.test/api/v1/signatories?country=FI'");
    expect(data.formats.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        "/api/v1/signatories",
        "/api/v1/openapi.json",
        "/signatories.csv?status=all",
        "/feed.xml",
        "/api/v1/coverage",
      ]),
    );
    expect(data.citation).toMatch(
      /^Accord Registry\. Signatories of the Cybersecurity Tech Accord \(all statuses\), CSV export\. http:\/\/registry\.test\/signatories\.csv\?status=all \(retrieved \d{1,2} \w+ \d{4}\)\.$/,
    );
    expect(data.coverage.latest).toMatchObject({ count: 150, qualifier: "more than" });
  });

  it("takes the licence and the operator from the configuration", async () => {
    process.env.DATA_LICENCE = "CC0-1.0";
    process.env.OPERATOR_NAME = "The Example Foundation";
    resetEnvForTests();
    const data = await openDataLoader();
    expect(data.licence).toMatchObject({ id: "CC0-1.0", attribution: false, url: "https://creativecommons.org/publicdomain/zero/1.0/" });
    expect(data.operator).toBe("The Example Foundation");
    expect(data.citation).toMatch(/^Accord Registry \(The Example Foundation\)\./);
    process.env.DATA_LICENCE = "Some-Own-Licence-1.0";
    resetEnvForTests();
    expect((await openDataLoader()).licence).toMatchObject({
      name: "Some-Own-Licence-1.0",
      url: "https://spdx.org/licenses/Some-Own-Licence-1.0.html",
    });
    process.env.DATA_LICENCE = "not a licence";
    resetEnvForTests();
    await expect(openDataLoader()).rejects.toThrow(/DATA_LICENCE: must be an SPDX licence identifier/);
    delete process.env.DATA_LICENCE;
    delete process.env.OPERATOR_NAME;
    resetEnvForTests();
  });

  it("says when the data last changed: the data version's time, which every write moves", async () => {
    const before = (await openDataLoader()).changedAt;
    expect(before).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await getDb()
      .transaction()
      .execute(async (trx) => {
        const nokia = await trx.selectFrom("signatories").select("id").where("slug", "=", "nokia").executeTakeFirstOrThrow();
        await updateSignatory(trx, nokia.id, {
          description: "Finnish telecommunications equipment and network technology company (edited).",
        });
      });
    const after = (await openDataLoader()).changedAt!;
    expect(after > before!).toBe(true);
    expect(Date.now() - Date.parse(after)).toBeLessThan(60_000);
  });
});

describe("Download these results", () => {
  it("links the CSV and the JSON with the directory's filters, without the page", async () => {
    const data = await directoryLoader(loaderArgs("/signatories?sector=telecom&country=FI&page=1&per_page=10&utm_source=x"));
    expect(data.downloads).toEqual({
      csv: "/signatories.csv?country=FI&sector=telecom",
      json: "/api/v1/signatories?country=FI&sector=telecom&per_page=100",
    });
    const all = await directoryLoader(loaderArgs("/signatories"));
    expect(all.downloads).toEqual({ csv: "/signatories.csv", json: "/api/v1/signatories?per_page=100" });
  });
});
