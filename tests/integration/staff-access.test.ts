// Authorization, walked over EVERY staff route module (every file under app/routes whose
// path starts /moderation, /admin or /account, found by glob, so a new page is walked
// too): its loader and its action, without a session and with the wrong role. Nothing
// renders, nothing changes. [8.2.1, 8.3.1]
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { useSeededDatabase } from "../helpers/db";
import { createStaffUser, getAs, insertApplication, postAs, respond, sessionCookie, type TestApplication } from "./staff-fixtures";

interface RouteModule {
  default?: unknown;
  loader?: (args: LoaderFunctionArgs) => Promise<unknown>;
  action?: (args: ActionFunctionArgs) => Promise<unknown>;
}

const modules = import.meta.glob<RouteModule>(
  ["../../app/routes/moderation*.tsx", "../../app/routes/admin*.tsx", "../../app/routes/account*.{ts,tsx}"],
  {
    eager: true,
  },
);

/** The URL of a flat-route file, with its parameters filled in. */
function urlOf(file: string, params: Record<string, string>): { path: string; params: Record<string, string> } {
  const name = file
    .split("/")
    .pop()!
    .replace(/\.tsx?$/, "");
  const used: Record<string, string> = {};
  const segments = name
    .split(".")
    .filter((s) => s !== "_index")
    .map((s) => {
      // "account_": a route outside its parent's layout, at the same address.
      if (!s.startsWith("$")) return s.replace(/_$/, "");
      const key = s.slice(1);
      used[key] = params[key];
      return params[key];
    });
  return { path: `/${segments.join("/")}`, params: used };
}

const getDb = useSeededDatabase();
let application: TestApplication;
let moderatorCookie: string;
let params: Record<string, string>;

beforeAll(async () => {
  application = await insertApplication(getDb());
  params = { ref: application.ref, slug: "nokia" };
  const moderator = await createStaffUser(getDb());
  moderatorCookie = (await sessionCookie(getDb(), moderator.id)).cookie;
});

/** Everything an action could change, to compare before and after. */
async function snapshot() {
  const db = getDb();
  const count = async (
    table:
      | "audit_log"
      | "signatories"
      | "staff"
      | "application_notes"
      | "mail_outbox"
      | "signatory_events"
      | "staff_recovery_codes"
      | "staff_passkeys"
      | "webauthn_challenges",
  ) =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    audit: await count("audit_log"),
    signatories: await count("signatories"),
    staff: await count("staff"),
    notes: await count("application_notes"),
    mail: await count("mail_outbox"),
    events: await count("signatory_events"),
    codes: await count("staff_recovery_codes"),
    passkeys: await count("staff_passkeys"),
    challenges: await count("webauthn_challenges"),
    application: await db
      .selectFrom("applications")
      .select(["status", "signatory_id"])
      .where("ref", "=", application.ref)
      .executeTakeFirst(),
    nokia: await db.selectFrom("signatories").select(["name", "status", "updated_at"]).where("slug", "=", "nokia").executeTakeFirst(),
    active: (await db.selectFrom("staff").select(["id", "active"]).orderBy("id").execute()).map((s) => `${s.id}:${s.active}`).join(),
  };
}

/** What each action would do if it were allowed: every intent it knows. */
const INTENTS: Record<string, string>[] = [
  { intent: "approve", joined_on: "" },
  { intent: "reject", reason: "Not a technology company." },
  { intent: "request_changes", reason: "Please describe your products." },
  { intent: "note", body: "Looks fine." },
  {
    intent: "save",
    name: "Nokia Renamed",
    website: "https://www.nokia.com",
    country: "FI",
    sector: "telecom",
    description: "A description long enough to pass.",
    joined_on: "2018-04-17",
  },
  { intent: "withdraw", reason: "Left." },
  { intent: "suspend", reason: "Complaint." },
  { intent: "create", name: "Eve Intruder", email: "eve@registry.test", role: "admin", password: "a long and unusual passphrase" },
  { intent: "deactivate", staff_id: "1" },
  { intent: "enrol", sealed: "x", code: "123456", reauth: "a long and unusual passphrase" },
  { intent: "passkey_register", name: "Eve's key", credential: "{}", reauth: "a long and unusual passphrase" },
  { intent: "passkey_remove", passkey_id: "1", reauth: "a long and unusual passphrase" },
  { intent: "reset_authenticators", staff_id: "1" },
  {
    intent: "password",
    current_password: "a long and unusual passphrase",
    new_password: "glacier pepper mosaic lanterns",
    confirm_password: "glacier pepper mosaic lanterns",
  },
];

const routes = Object.entries(modules).map(([file, mod]) => ({ file: file.replace("../../app/routes/", ""), mod }));

describe("every staff route requires a session", () => {
  it("walks all of them (a route added later is walked too)", () => {
    const names = routes.map((r) => r.file).sort();
    expect(names).toEqual(
      expect.arrayContaining([
        "account.tsx",
        "account_.passkey.ts",
        "admin._index.tsx",
        "admin.users.tsx",
        "moderation._index.tsx",
        "moderation.applications.$ref.tsx",
        "moderation.audit.tsx",
        "moderation.signatories.$slug.tsx",
        "moderation.signatories._index.tsx",
      ]),
    );
    for (const { file, mod } of routes) expect(mod.loader ?? mod.action, file).toBeTypeOf("function");
  });

  describe.each(routes)("$file", ({ file, mod }) => {
    it("GET without a session: 303 to /login?redirectTo=…, uncached", async () => {
      if (!mod.loader) return;
      const { path, params: p } = urlOf(file, params);
      const response = await respond(mod.loader, getAs(`${path}?page=1`, null, p));
      expect(response.status).toBe(303);
      expect(response.headers.get("Location")).toBe(`/login?${new URLSearchParams({ redirectTo: `${path}?page=1` })}`);
      expect(response.headers.get("Cache-Control")).toBe("no-store");
    });

    it("POST without a session, with every intent: 303 to /login, nothing changes", async () => {
      if (!mod.action) return;
      const { path, params: p } = urlOf(file, params);
      const before = await snapshot();
      for (const fields of INTENTS) {
        const response = await respond(mod.action, postAs(path, fields, null, { params: p }));
        expect(response.status, fields.intent).toBe(303);
        expect(response.headers.get("Location")).toBe(`/login?${new URLSearchParams({ redirectTo: path })}`);
      }
      // A forged session cookie is no session either.
      const forged = await respond(mod.action, postAs(path, INTENTS[0], "staff_session=" + "A".repeat(43), { params: p }));
      expect(forged.status).toBe(303);
      expect(await snapshot()).toEqual(before);
    });

    const adminOnly = file.startsWith("admin");
    it(adminOnly ? "as a moderator: 403, nothing changes" : "as a moderator: allowed", async () => {
      const { path, params: p } = urlOf(file, params);
      if (mod.loader) {
        const response = await respond(mod.loader, getAs(path, moderatorCookie, p));
        // A resource route (no page of its own) sends a GET to its page.
        const page = "default" in mod;
        expect(response.status).toBe(adminOnly ? 403 : page ? 200 : 303);
        expect(response.headers.get("Cache-Control")).toBe("no-store");
      }
      if (mod.action && adminOnly) {
        const before = await snapshot();
        for (const fields of INTENTS) {
          const response = await respond(mod.action, postAs(path, fields, moderatorCookie, { params: p }));
          expect(response.status, fields.intent).toBe(403);
        }
        expect(await snapshot()).toEqual(before);
      }
    });
  });

  it("an admin may open the admin pages", async () => {
    const admin = await createStaffUser(getDb(), { role: "admin" });
    const { cookie } = await sessionCookie(getDb(), admin.id);
    const users = modules["../../app/routes/admin.users.tsx"];
    expect((await respond(users.loader, getAs("/admin/users", cookie))).status).toBe(200);
    const index = await respond(modules["../../app/routes/admin._index.tsx"].loader, getAs("/admin", cookie));
    expect(index.status).toBe(303);
    expect(index.headers.get("Location")).toBe("/admin/users");
  });
});
