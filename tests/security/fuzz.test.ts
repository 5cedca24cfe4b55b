// Generated inputs (fast-check) through the real loaders and actions: query strings for
// every public read of the directory and the open data, and form bodies for EVERY action
// (applying, the applicant's status page, verification, sign-in, sign-out, moderation,
// signatory editing, staff accounts, second factor). Whatever comes in, never a 5xx and
// never anything thrown but a Response. [ASVS 2.2.1, 16.5.3, catalogue 25-27]
import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken, newRef, newToken } from "~/modules/applications/tokens.server";
import { DIRECTORY_PARAMS } from "~/modules/directory/query";
import { HONEYPOT_FIELD, STARTED_FIELD, startedToken } from "~/modules/security/honeypot.server";
import * as account from "~/routes/account";
import * as adminUsers from "~/routes/admin.users";
import * as openapi from "~/routes/api.v1.openapi[.]json";
import * as apiPledges from "~/routes/api.v1.pledges";
import * as apiSignatory from "~/routes/api.v1.signatories.$slug";
import * as apiSignatories from "~/routes/api.v1.signatories._index";
import * as apiStats from "~/routes/api.v1.stats";
import * as statusPage from "~/routes/applications.$ref";
import * as apply from "~/routes/apply";
import * as verify from "~/routes/apply_.verify";
import * as login from "~/routes/login";
import * as logout from "~/routes/logout";
import * as decide from "~/routes/moderation.applications.$ref";
import * as editSignatory from "~/routes/moderation.signatories.$slug";
import * as csv from "~/routes/signatories[.]csv";
import * as directory from "~/routes/signatories._index";
import { useSeededDatabase } from "../helpers/db";
import { formPost, loaderArgs, visitor } from "../helpers/remix";
import { createStaffUser, insertApplication, sessionCookie, withCookie } from "../integration/staff-fixtures";

const getDb = useSeededDatabase();

type Handler<A> = ((args: A) => Promise<unknown>) | undefined;
const tally = { queries: 0, forms: 0, serverErrors: 0, byStatus: {} as Record<string, number>, perAction: {} as Record<string, number> };
afterAll(() => {
  console.log(
    `generated inputs: ${tally.queries} query strings, ${tally.forms} form bodies ` +
      `(${JSON.stringify(tally.perAction)}); answers ${JSON.stringify(tally.byStatus)}; 5xx: ${tally.serverErrors}`,
  );
});

/** The status Remix would send: a returned or thrown Response's, 200 for data, 500 for anything else thrown. */
async function statusOf<A>(handler: Handler<A>, args: A): Promise<{ status: number; error?: unknown }> {
  try {
    const result = await handler!(args);
    if (result instanceof Response) {
      await result.arrayBuffer();
      return { status: result.status };
    }
    return { status: 200 };
  } catch (error) {
    if (error instanceof Response) return { status: error.status };
    return { status: 500, error };
  }
}

function count(status: number, error?: unknown) {
  tally.byStatus[status] = (tally.byStatus[status] ?? 0) + 1;
  if (status >= 500) {
    tally.serverErrors++;
    throw new Error(`5xx (${status}): ${error instanceof Error ? error.stack : String(error)}`);
  }
}

// ---------- query strings ----------

const plausible = fc.constantFrom(
  "",
  "FI",
  "us",
  "XX",
  "security",
  "telecom",
  "stronger-defense",
  "paris-call",
  "2018",
  "2018-2020",
  "2020-2018",
  "1",
  "0",
  "-1",
  "all",
  "active",
  "withdrawn",
  "suspended",
  "relevance",
  "-joined",
  "joined",
  "name",
  "100",
  "101",
  "1e3",
  "0x10",
  "9".repeat(30),
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
  "<script>alert(1)</script>",
  "' OR 1=1 --",
);
const text = fc.oneof(fc.string({ unit: "binary", maxLength: 60 }), fc.string({ unit: "grapheme", maxLength: 30 }));
const paramName = fc.oneof(fc.constantFrom(...DIRECTORY_PARAMS, "_data", "format", "callback", "__proto__"), text);
const queryString = fc.oneof(
  fc.array(fc.tuple(paramName, fc.oneof(plausible, text)), { maxLength: 7 }).map((pairs) => new URLSearchParams(pairs).toString()),
  fc.string({ unit: "binary", maxLength: 120 }).map((s) => s.replace(/#/g, "%23")),
);
const slug = fc.oneof(fc.constantFrom("microsoft", "trend-micro", "nobody", "", "..", "%2e%2e", "a/b"), text);

const reads: { name: string; runs: number; args: fc.Arbitrary<LoaderFunctionArgs>; loader: Handler<LoaderFunctionArgs> }[] = [
  { name: "/signatories", runs: 1300, loader: directory.loader, args: queryString.map((q) => loaderArgs(`/signatories?${q}`)) },
  { name: "/signatories.csv", runs: 700, loader: csv.loader, args: queryString.map((q) => loaderArgs(`/signatories.csv?${q}`)) },
  {
    name: "/api/v1/signatories",
    runs: 1300,
    loader: apiSignatories.loader,
    args: queryString.map((q) => loaderArgs(`/api/v1/signatories?${q}`)),
  },
  {
    name: "/api/v1/signatories/:slug",
    runs: 700,
    loader: apiSignatory.loader,
    args: fc.tuple(slug, queryString).map(([s, q]) => loaderArgs(`/api/v1/signatories/${encodeURIComponent(s)}?${q}`, { slug: s })),
  },
  { name: "/api/v1/pledges", runs: 400, loader: apiPledges.loader, args: queryString.map((q) => loaderArgs(`/api/v1/pledges?${q}`)) },
  { name: "/api/v1/stats", runs: 400, loader: apiStats.loader, args: queryString.map((q) => loaderArgs(`/api/v1/stats?${q}`)) },
  {
    name: "/api/v1/openapi.json",
    runs: 300,
    loader: openapi.loader,
    args: queryString.map((q) => loaderArgs(`/api/v1/openapi.json?${q}`)),
  },
];

describe("generated query strings: never a 5xx [ASVS 2.2.1, 16.5.3]", () => {
  it(`${reads.reduce((n, r) => n + r.runs, 0)} queries over the directory, the CSV and every API route`, async () => {
    for (const read of reads) {
      await fc.assert(
        fc.asyncProperty(read.args, async (args) => {
          tally.queries++;
          const { status, error } = await statusOf(read.loader, args);
          count(status, error);
          expect([200, 304, 400, 404]).toContain(status);
        }),
        { numRuns: read.runs },
      );
    }
    expect(tally.queries).toBeGreaterThanOrEqual(5000);
  }, 240_000);
});

// ---------- form bodies ----------

const long = fc.integer({ min: 1_000, max: 11_000 }).map((n) => "é".repeat(n));
const nasty = fc.oneof(
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 3 }),
  long,
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "\u202Emoc.elgoog",
    "\r\n",
    "on",
    "1",
    "0",
    "-1",
    "1e309",
    "NaN",
    "2018-04-17",
    "2099-12-31",
    "2018-02-30",
    "today",
    "approve",
    "reject",
    "request_changes",
    "note",
    "save",
    "withdraw",
    "suspend",
    "reinstate",
    "create",
    "deactivate",
    "reactivate",
    "enrol",
    "resend",
    "resubmit",
    "password",
    "code",
    "cancel",
    "admin",
    "moderator",
    "GB",
    "security",
    "stronger-defense",
    "https://example.com",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    "Robert'); DROP TABLE applications;--",
    "x@registry.test",
    "/moderation",
    "//evil.example",
  ),
);

/** A body: the action's own fields with generated values, plus made-up fields, duplicates and prototype keys. */
function body(fields: string[], fixed: Record<string, fc.Arbitrary<string>> = {}) {
  const name = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...fields) },
    fc.constantFrom("__proto__", "constructor[prototype][x]", "status", "id", "csrf", ""),
    fc.string({ maxLength: 10 }),
  );
  return fc
    .tuple(
      fc.array(fc.tuple(name, nasty), { maxLength: 12 }),
      fc.record(Object.fromEntries(Object.entries(fixed).map(([k, a]) => [k, fc.option(a, { nil: undefined })]))),
    )
    .map(([pairs, chosen]) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(chosen)) if (v !== undefined) params.append(k, v);
      for (const [k, v] of pairs) params.append(k, v);
      return params;
    });
}

let n = 0;
/** A visitor of its own: per-address limits do not end the run early. */
const freshVisitor = (): AppLoadContext => {
  n++;
  return visitor(`198.18.${(n >> 8) & 255}.${n & 255}`, `fuzz-visitor-${n}`.padEnd(43, "x"));
};

let adminCookie = "";
let moderatorCookie = "";
let ref = "";
let statusToken = "";
let verifyToken = "";
let staffIds: string[] = [];

beforeAll(async () => {
  const db = getDb();
  const admin = await createStaffUser(db, { role: "admin" });
  const moderator = await createStaffUser(db, { role: "moderator" });
  adminCookie = (await sessionCookie(db, admin.id)).cookie;
  moderatorCookie = (await sessionCookie(db, moderator.id)).cookie;
  staffIds = [String(admin.id), String(moderator.id)];
  for (const status of ["pending", "unverified", "changes_requested"] as const) {
    const application = await insertApplication(db, { status });
    const r = newRef();
    const s = newToken();
    const v = newToken();
    await db
      .updateTable("applications")
      .set({ ref: r, status_token_hash: hashToken(s), verify_token_hash: hashToken(v) })
      .where("id", "=", application.id)
      .execute();
    if (status === "changes_requested") [ref, statusToken, verifyToken] = [r, s, v];
  }
});

const refs = () => fc.oneof(fc.constant(ref), fc.constantFrom("AR-NOTHERE", "", "AR-23456789"), fc.string({ maxLength: 14 }));
const cookie = () => fc.constantFrom<string | null>(adminCookie, adminCookie, moderatorCookie, null);

interface Action {
  name: string;
  runs: number;
  action: Handler<ActionFunctionArgs>;
  args: () => fc.Arbitrary<ActionFunctionArgs>;
}

const post = (path: string, params: Record<string, string>, form: URLSearchParams, who: string | null = null) =>
  withCookie(formPost(path, form, { params, context: freshVisitor() }), who);

const actions: Action[] = [
  {
    name: "POST /apply",
    runs: 300,
    action: apply.action,
    args: () =>
      body(["name", "website", "country", "sector", "description", "contact_name", "contact_title", "contact_email", "pledges", "accept"], {
        [STARTED_FIELD]: fc.constant(startedToken(Date.now() - 10_000)),
        [HONEYPOT_FIELD]: fc.constant(""),
      }).map((form) => post("/apply", {}, form)),
  },
  {
    name: "POST /applications/:ref",
    runs: 300,
    action: statusPage.action,
    args: () =>
      fc
        .tuple(
          refs(),
          body(["intent", "token", "name", "website", "description", "pledges", "accept"], {
            token: fc.constant(statusToken),
            intent: fc.constantFrom("withdraw", "resend", "resubmit"),
          }),
        )
        .map(([r, form]) => post(`/applications/${encodeURIComponent(r)}`, { ref: r }, form)),
  },
  {
    name: "POST /apply/verify (resend)",
    runs: 200,
    action: verify.action,
    args: () =>
      body(["intent", "token"], { token: fc.constantFrom(verifyToken, newToken()), intent: fc.constant("resend") }).map((form) =>
        post("/apply/verify", {}, form),
      ),
  },
  {
    name: "POST /login",
    runs: 150,
    action: login.action,
    args: () => body(["email", "password", "redirectTo", "intent", "code"]).map((form) => post("/login", {}, form)),
  },
  {
    name: "POST /logout",
    runs: 150,
    action: logout.action,
    args: () =>
      fc
        .tuple(body(["intent"]), fc.constantFrom<string | null>(null, "staff_session=not-a-session"))
        .map(([form, c]) => post("/logout", {}, form, c)),
  },
  {
    name: "POST /moderation/applications/:ref",
    runs: 400,
    action: decide.action,
    args: () =>
      fc
        .tuple(
          refs(),
          cookie(),
          body(["intent", "reason", "joined_on", "body"], { intent: fc.constantFrom("approve", "reject", "request_changes", "note") }),
        )
        .map(([r, c, form]) => post(`/moderation/applications/${encodeURIComponent(r)}`, { ref: r }, form, c)),
  },
  {
    name: "POST /moderation/signatories/:slug",
    runs: 400,
    action: editSignatory.action,
    args: () =>
      fc
        .tuple(
          fc.constantFrom("microsoft", "trend-micro", "nobody", ""),
          cookie(),
          body(["intent", "reason", "on", "name", "website", "country", "sector", "description"], {
            intent: fc.constantFrom("save", "withdraw", "suspend", "reinstate"),
          }),
        )
        .map(([s, c, form]) => post(`/moderation/signatories/${s}`, { slug: s }, form, c)),
  },
  {
    name: "POST /admin/users",
    runs: 200,
    action: adminUsers.action,
    args: () =>
      fc
        .tuple(
          cookie(),
          body(["intent", "name", "email", "role", "password", "staff_id", "reason"], {
            intent: fc.constantFrom("create", "deactivate", "reactivate"),
            staff_id: fc.constantFrom(...staffIds, "999999"),
          }),
        )
        .map(([c, form]) => post("/admin/users", {}, form, c)),
  },
  {
    name: "POST /account",
    runs: 100,
    action: account.action,
    args: () =>
      fc
        .tuple(cookie(), body(["intent", "sealed", "code"], { intent: fc.constant("enrol") }))
        .map(([c, form]) => post("/account", {}, form, c)),
  },
];

describe("generated form bodies through every action: never a 5xx [ASVS 2.2.1, 16.5.3, 15.3.3]", () => {
  it.each(actions.map((a) => [a.name, a.runs, a] as const))(
    "%s (%i bodies)",
    async (_name, runs, spec) => {
      await fc.assert(
        fc.asyncProperty(spec.args(), async (args) => {
          tally.forms++;
          tally.perAction[spec.name] = (tally.perAction[spec.name] ?? 0) + 1;
          const { status, error } = await statusOf(spec.action, args);
          count(status, error);
          expect(status).toBeLessThan(500);
        }),
        { numRuns: runs },
      );
      // Prototype keys in a body changed no object of the process.
      expect(({} as Record<string, unknown>).x).toBeUndefined();
      expect(({} as Record<string, unknown>).isModerator).toBeUndefined();
    },
    240_000,
  );

  it("covered every action with at least 2,000 bodies in all", () => {
    expect(tally.forms).toBeGreaterThanOrEqual(2000);
  });
});
