// Generated form bodies (fast-check) thrown at POST /apply's action: arbitrary strings,
// NUL, lone surrogates, text-direction overrides, 10,000-character values, fields
// duplicated, missing or made up (status=approved, __proto__[x]=1), invalid UTF-8.
// Whatever comes in: never a 5xx (only 303, 400, 403, 429), never a partial write
// (applications = 'submitted' events = application mails), and a stored value is the
// normalised input.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  FIELDS,
  normaliseEmail,
  normaliseLine,
  normaliseText,
  normaliseWebsite,
  validateApplication,
  type ApplicationOptions,
  type ApplicationValues,
} from "~/modules/applications/schema";
import { csrfToken } from "~/modules/security/csrf.server";
import { HONEYPOT_FIELD, STARTED_FIELD, startedToken } from "~/modules/security/honeypot.server";
import * as applyRoute from "~/routes/apply";
import { useSeededDatabase } from "../helpers/db";
import { TEST_ORIGIN } from "../helpers/remix";
import { freshVisitor, next, REQUIRED_PLEDGES, validFields } from "./apply-fixtures";

const getDb = useSeededDatabase();

const tally = { bodies: 0, byStatus: {} as Record<string, number>, serverErrors: 0, accepted: 0 };
afterAll(() => {
  console.log(
    `apply fuzz: ${tally.bodies} generated bodies, answers ${JSON.stringify(tally.byStatus)}, 5xx: ${tally.serverErrors}; ` +
      `${tally.accepted} accepted bodies compared with their stored rows`,
  );
});

/** Calls the action as the server would; anything but a Response is a 500. */
async function send(body: BodyInit, context = freshVisitor(), headers: Record<string, string> = {}): Promise<Response> {
  const request = new Request(`${TEST_ORIGIN}/apply`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: TEST_ORIGIN, ...headers },
    body,
  });
  tally.bodies++;
  let response: Response;
  try {
    const result = await applyRoute.action({ request, params: {}, context });
    response = result instanceof Response ? result : Response.json(result);
  } catch (error) {
    response = error instanceof Response ? error : new Response(String(error), { status: 500 });
  }
  const status = response.status;
  tally.byStatus[status] = (tally.byStatus[status] ?? 0) + 1;
  if (status >= 500) tally.serverErrors++;
  return response;
}

/** applications, 'submitted' events and application mails: always the same number. */
async function counts() {
  const db = getDb();
  const n = async (q: { executeTakeFirstOrThrow(): Promise<{ n: number | string | bigint }> }) =>
    Number((await q.executeTakeFirstOrThrow()).n);
  return {
    applications: await n(db.selectFrom("applications").select((eb) => eb.fn.countAll<number>().as("n"))),
    submitted: await n(
      db
        .selectFrom("application_events")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("kind", "=", "submitted"),
    ),
    mails: await n(
      db
        .selectFrom("mail_outbox")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("kind", "=", "application_received"),
    ),
  };
}

async function expectConsistent() {
  const c = await counts();
  expect(c.submitted).toBe(c.applications);
  expect(c.mails).toBe(c.applications);
}

const OK = [303, 400, 403, 429];

// Strings meant to hurt.
const long = fc
  .tuple(fc.string({ minLength: 1, maxLength: 3 }), fc.integer({ min: 9_000, max: 11_000 }))
  .map(([s, n]) => s.repeat(Math.ceil(n / s.length)).slice(0, n));
const loneSurrogates = fc.string({
  unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 4,
});
const nasty = fc.oneof(
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.string({ maxLength: 30 }),
  loneSurrogates,
  long,
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "a\u0000b",
    "\u202Emoc.elgoog",
    "\u2066x\u2069",
    "\uFEFF",
    "\r\n\r\n",
    "javascript:alert(1)",
    "https://",
    "https://xn--",
    "https://[::1]",
    "<script>alert(1)</script>",
    "Robert'); DROP TABLE applications;--",
    "' OR 1=1 --",
    "%00",
    "on",
    "GB",
    "security",
    "stronger-defense",
  ),
);
const fieldName = fc.oneof(
  fc.constantFrom(
    ...FIELDS,
    "csrf",
    STARTED_FIELD,
    HONEYPOT_FIELD,
    "status",
    "id",
    "signatory_id",
    "__proto__",
    "__proto__[x]",
    "constructor[prototype][x]",
    "intent",
    "",
  ),
  fc.string({ maxLength: 12 }),
);

describe("POST /apply with generated bodies", () => {
  it("answers 303, 400, 403 or 429 to anything, and never writes half an application (800 bodies)", async () => {
    const shared = freshVisitor(); // some bodies share an address, so the limit is met too
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          base: fc.boolean(),
          drop: fc.array(fc.constantFrom(...FIELDS, STARTED_FIELD), { maxLength: 3 }),
          extra: fc.array(fc.tuple(fieldName, nasty), { maxLength: 8 }),
          csrf: fc.constantFrom("valid", "valid", "valid", "valid", "valid", "valid", "missing", "garbage", "other"),
          started: fc.constantFrom("old", "old", "fresh", "none", "garbage"),
          sharedAddress: fc.boolean(),
        }),
        async ({ base, drop, extra, csrf, started, sharedAddress }) => {
          const context = sharedAddress ? shared : freshVisitor();
          const body = new URLSearchParams();
          if (base) {
            for (const [name, value] of Object.entries(validFields())) {
              if (name === STARTED_FIELD || drop.includes(name as never)) continue;
              for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
            }
          }
          for (const [name, value] of extra) body.append(name, value);
          if (started === "old") body.append(STARTED_FIELD, startedToken(Date.now() - 10_000));
          if (started === "fresh") body.append(STARTED_FIELD, startedToken());
          if (started === "garbage") body.append(STARTED_FIELD, "1700000000000.forged");
          if (csrf === "valid") body.append("csrf", csrfToken(context));
          if (csrf === "garbage") body.append("csrf", "x".repeat(43));
          if (csrf === "other") body.append("csrf", csrfToken(freshVisitor()));

          const response = await send(body, context);
          expect(OK).toContain(response.status);
          if (response.status === 400 && response.headers.get("Content-Type")?.includes("json")) {
            const answer = await response.json();
            expect(Object.keys(answer.errors).every((f) => (FIELDS as readonly string[]).includes(f))).toBe(true);
          }
          await expectConsistent();
        },
      ),
      { numRuns: 800 },
    );
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    const statuses = await getDb().selectFrom("applications").select("status").distinct().execute();
    expect(statuses.map((s) => s.status)).toEqual(expect.arrayContaining(["unverified"]));
    expect(statuses).toHaveLength(1);
  }, 300_000);

  it("survives bytes that are not UTF-8 and bodies that are not forms (100 bodies)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.constantFrom("encoded", "raw"), async (bytes, mode) => {
        const context = freshVisitor();
        const encoded = mode === "encoded" ? [...bytes].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("") : Buffer.from(bytes);
        const tail = `&csrf=${csrfToken(context)}&${STARTED_FIELD}=${encodeURIComponent(startedToken(Date.now() - 10_000))}`;
        const body = typeof encoded === "string" ? `name=${encoded}${tail}` : Buffer.concat([encoded, Buffer.from(tail)]);
        const response = await send(body, context);
        expect(OK).toContain(response.status);
        await expectConsistent();
      }),
      { numRuns: 100 },
    );
    // Not a form at all.
    const context = freshVisitor();
    for (const [type, body] of [
      ["multipart/form-data; boundary=x", "--y\r\nnonsense"],
      ["application/json", '{"name":"x"}'],
      ["text/plain", "name=x"],
    ]) {
      const response = await send(body, context, { "Content-Type": type });
      expect(OK, type).toContain(response.status);
    }
  });

  it("stores exactly the normalised input of what it accepts (300 bodies)", async () => {
    let accepted = 0;
    const spaces = fc.constantFrom("", " ", "  ", "\t", "\n", "\u00A0", "\u3000", "\r\n");
    const padded = (core: fc.Arbitrary<string>) => fc.tuple(spaces, core, spaces).map(([a, b, c]) => a + b + c);
    /** Mostly right (with noise a normaliser must clean), now and then anything at all. */
    const mostly = (right: fc.Arbitrary<string>, wrong: fc.Arbitrary<string> = nasty) =>
      fc.oneof({ arbitrary: padded(right), weight: 12 }, { arbitrary: wrong, weight: 1 });
    const words = (min: number, max: number) =>
      fc
        .string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzéøßñ ÄÖ-'.&,0123456789"), minLength: min, maxLength: max })
        .filter((w) => normaliseLine(w).length >= min);
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          name: mostly(
            fc.oneof(
              fc.constantFrom(
                "Northwind Security",
                "No\u0308rthwind  Sécurité S.A.",
                "株式会社ノースウィンド",
                "شركة الرياح",
                "O'Brien & Søn",
                "Robert'); DROP TABLE applications;--",
              ),
              words(2, 60),
            ),
          ),
          description: mostly(
            fc.oneof(
              fc.lorem({ mode: "sentences", maxCount: 8 }).filter((t) => t.length >= 20 && t.length <= 1000),
              words(20, 300),
            ),
          ),
          contact_name: mostly(fc.oneof(fc.constantFrom("Jane Doe", "Zoë  Ångström"), words(2, 40))),
          contact_title: mostly(fc.oneof(fc.constantFrom("CISO", "Head of Security"), words(2, 40))),
          websiteShape: fc.oneof(
            {
              arbitrary: fc.constantFrom(
                "https://www.%",
                "HTTPS://WWW.%/",
                "https://%/about/?lang=en#top",
                " https://shop.%/ ",
                "https://%:443/",
              ),
              weight: 12,
            },
            { arbitrary: fc.constantFrom("http://%", "%", "javascript:%"), weight: 1 },
          ),
          emailShape: fc.oneof(
            { arbitrary: fc.constantFrom("jane@%", " Jane.Doe@MAIL.% ", "JANE@%", "j.o'brien+apply@%"), weight: 12 },
            { arbitrary: fc.constantFrom("jane@evil.com", "jane", "jane@gmail.com"), weight: 1 },
          ),
          country: fc.oneof(
            { arbitrary: fc.constantFrom("GB", "gb", " FI ", "jp"), weight: 12 },
            { arbitrary: fc.constantFrom("XX", ""), weight: 1 },
          ),
          sector: fc.oneof(
            { arbitrary: fc.constantFrom("security", " software ", "telecom"), weight: 12 },
            { arbitrary: fc.constant("banking"), weight: 1 },
          ),
          pledges: fc.oneof(
            {
              arbitrary: fc
                .subarray(["paris-call", "paris-call", "cyber-mercenaries", "coordinated-vulnerability-disclosure"])
                .chain((optional) => fc.shuffledSubarray([...REQUIRED_PLEDGES, ...optional], { minLength: 4 + optional.length })),
              weight: 12,
            },
            { arbitrary: fc.subarray(REQUIRED_PLEDGES), weight: 1 },
          ),
        }),
        async (input) => {
          const n = next();
          const domain = `northwind-${n}.co.uk`;
          const values: ApplicationValues = {
            name: input.name,
            website: input.websiteShape.replace("%", domain),
            country: input.country,
            sector: input.sector,
            description: input.description,
            contact_name: input.contact_name,
            contact_title: input.contact_title,
            contact_email: input.emailShape.replace("%", domain.toUpperCase()),
            pledges: input.pledges,
            accept: "on",
          };
          const fields = validFields({ ...values }, n);
          const context = freshVisitor();
          const body = new URLSearchParams();
          for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
          body.append("csrf", csrfToken(context));
          const response = await send(body, context);
          expect([303, 400]).toContain(response.status);
          if (response.status !== 303) return;
          accepted++;
          const ref = new URL(response.headers.get("Location")!, TEST_ORIGIN).searchParams.get("ref")!;
          const row = await getDb().selectFrom("applications").selectAll().where("ref", "=", ref).executeTakeFirstOrThrow();
          // What a browser sends is what URLSearchParams encodes: lone surrogates become U+FFFD.
          const sent = (s: string) => new TextDecoder().decode(new TextEncoder().encode(s));
          expect(row).toMatchObject({
            name: normaliseLine(sent(values.name)),
            website: normaliseWebsite(values.website),
            country: values.country.trim().toUpperCase(),
            sector: values.sector.trim(),
            description: normaliseText(sent(values.description)),
            contact_name: normaliseLine(sent(values.contact_name)),
            contact_title: normaliseLine(sent(values.contact_title)),
            contact_email: normaliseEmail(values.contact_email),
            domain,
          });
          const pledges = await getDb()
            .selectFrom("application_pledges")
            .select("pledge_code")
            .where("application_id", "=", row.id)
            .execute();
          expect(pledges.map((p) => p.pledge_code).sort()).toEqual([...new Set(values.pledges)].sort());
          for (const code of REQUIRED_PLEDGES) expect(values.pledges).toContain(code);
          await expectConsistent();
        },
      ),
      { numRuns: 300 },
    );
    // Most bodies are right, so the stored values are compared many times.
    expect(accepted).toBeGreaterThan(100);
    tally.accepted = accepted;
  }, 300_000);
});

describe("the schema alone", () => {
  const options: ApplicationOptions = {
    sectors: ["security", "software"],
    pledges: [
      { code: "stronger-defense", title: "Stronger defense", required: true },
      { code: "paris-call", title: "Support for the Paris Call", required: false },
    ],
  };

  it("never throws, and what it accepts is a fixed point of its normalisation (300 runs)", () => {
    fc.assert(
      fc.property(
        fc.record({
          name: fc.oneof(nasty, fc.string({ minLength: 2, maxLength: 30 })),
          description: fc.oneof(nasty, fc.lorem({ maxCount: 20 })),
          contact_name: fc.oneof(nasty, fc.constant(" Jane  Doe ")),
          contact_title: fc.oneof(nasty, fc.constant("CISO")),
          website: fc.oneof(
            nasty,
            fc.constantFrom("https://www.northwind.co.uk/", " HTTPS://Northwind.co.uk ", "https://a.b.northwind.co.uk/x?y#z"),
          ),
          contact_email: fc.oneof(nasty, fc.constantFrom("jane@northwind.co.uk", " JANE@Mail.Northwind.CO.UK ")),
          country: fc.oneof(nasty, fc.constantFrom("GB", "gb")),
          sector: fc.oneof(nasty, fc.constant("security")),
          accept: fc.oneof(nasty, fc.constant("on")),
          pledges: fc.array(fc.oneof(nasty, fc.constantFrom("stronger-defense", "paris-call")), { maxLength: 4 }),
        }),
        (values) => {
          const first = validateApplication(values, options);
          if (!first.ok) {
            expect(Object.keys(first.errors).length).toBeGreaterThan(0);
            return;
          }
          const { domain: _domain, ...data } = first.data;
          const again = validateApplication({ ...data, accept: "on" }, options);
          expect(again).toEqual(first);
        },
      ),
      { numRuns: 300 },
    );
  });
});
