// Decisions happen exactly once, over real HTTP against the production server: ten
// moderators pressing "Approve" on one application at the same moment make one signatory,
// one audit entry, one mail to the applicant, one 303 and nine 409s; approve against
// reject likewise; ten same-named organisations approved at once get ten slugs. Also over HTTP: sign-in cookies, no-store, logs without secrets, and
// the sign-in limit that a spoofed X-Forwarded-For cannot reset. [2.3.3, 2.3.4, 6.3.1, 15.3.4]
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "~/modules/audit/audit.server";
import { openDatabase, type DB } from "~/modules/database/db.server";
import { slugify } from "~/modules/directory/slug";
import { startServer, type TestServer } from "../helpers/server";
import { dropDatabase, freshDatabaseUrl } from "../helpers/engine";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp";
import { HttpClient, PASSWORD, createStaffUser, insertApplication, type TestApplication } from "./staff-fixtures";

const MODERATORS = 10;
let dbPath: string;
let server: TestServer;
let smtp: TestSmtp;
let db: DB;
let clients: HttpClient[];

beforeAll(async () => {
  smtp = await startTestSmtp();
  dbPath = await freshDatabaseUrl("staff-http");
  // Ten moderators share this machine's address here; the general write limit (per
  // address) is not what these tests are about.
  server = await startServer({
    DATABASE_URL: dbPath,
    SMTP_URL: smtp.url,
    LOG_LEVEL: "info",
    WRITE_LIMIT_PER_MINUTE: "0",
    STAFF_MFA: "optional",
  });
  db = openDatabase(dbPath);
  clients = [];
  for (let i = 0; i < MODERATORS; i++) {
    const staff = await createStaffUser(db);
    const client = new HttpClient(server.url);
    const response = await client.signIn(staff.email, staff.password);
    expect(response.status).toBe(303);
    clients.push(client);
  }
}, 120_000);

afterAll(async () => {
  await db?.destroy();
  await Promise.allSettled([server?.stop(), smtp?.close()]);
  await dropDatabase(dbPath);
});

async function outcome(app: TestApplication) {
  const row = await db.selectFrom("applications").select(["status", "signatory_id"]).where("id", "=", app.id).executeTakeFirstOrThrow();
  const signatories = await db.selectFrom("signatories").select("id").where("name", "=", app.name).execute();
  const audit = await db
    .selectFrom("audit_log")
    .select("action")
    .where("target_type", "=", "application")
    .where("target_id", "=", app.ref)
    .execute();
  const outbox = await db.selectFrom("mail_outbox").select(["id", "status", "kind"]).where("to_address", "=", app.contactEmail).execute();
  return { row, signatories, audit: audit.map((a) => a.action), outbox };
}

/** Waits until the server's sender has delivered every queued mail, then reads what arrived. */
async function delivered(to: string) {
  await expect
    .poll(async () => (await db.selectFrom("mail_outbox").select("id").where("status", "!=", "sent").execute()).length, { timeout: 20_000 })
    .toBe(0);
  return smtp.mails.filter((m) => m.to === to);
}

async function race(app: TestApplication, intents: Record<string, string>[]) {
  const path = `/moderation/applications/${app.ref}`;
  const responses = await Promise.all(clients.map((client, i) => client.post(path, intents[i % intents.length])));
  return responses;
}

describe("ten moderators decide one application at the same moment", () => {
  it.each([1, 2, 3])("approve ×10 (round %i): one signatory, one audit entry, one mail, one 303, nine 409s", async () => {
    const app = await insertApplication(db);
    const responses = await race(app, [{ intent: "approve", joined_on: "" }]);
    const statuses = responses.map((r) => r.response.status).sort();
    console.log(`approve ×10 on ${app.ref}: statuses ${statuses.join(", ")}`);
    expect(statuses).toEqual([303, ...Array(9).fill(409)]);
    const winner = responses.find((r) => r.response.status === 303)!;
    expect(winner.response.headers.get("Location")).toBe(`/moderation/applications/${app.ref}?done=approved`);
    for (const loser of responses.filter((r) => r.response.status === 409)) {
      expect(loser.body).toContain("This application was already decided (it is now approved); nothing was changed.");
    }
    const result = await outcome(app);
    expect(result.row.status).toBe("approved");
    expect(result.signatories).toHaveLength(1);
    expect(result.row.signatory_id).toBe(result.signatories[0].id);
    expect(result.audit).toEqual(["application.approve"]);
    expect(result.outbox.map((m) => m.kind)).toEqual(["application_approved"]);
    const mails = await delivered(app.contactEmail);
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toContain(app.ref);
    const slug = app.name.toLowerCase().replace(/\s+/g, "-");
    expect(mails[0].links).toContain(`${server.url}/signatories/${slug}`);
  });

  it.each([1, 2, 3, 4])("approve against reject (round %i): exactly one wins, and the rest agrees with it", async (round) => {
    const app = await insertApplication(db);
    const approve = { intent: "approve", joined_on: "" };
    const reject = { intent: "reject", reason: "Not a technology company." };
    // Alternate which intent is sent first, so both outcomes happen.
    const responses = await race(app, round % 2 ? [approve, reject] : [reject, approve]);
    const statuses = responses.map((r) => r.response.status).sort();
    expect(statuses).toEqual([303, ...Array(9).fill(409)]);
    const result = await outcome(app);
    console.log(`approve ×5 vs reject ×5 on ${app.ref}: statuses ${statuses.join(", ")}; final ${result.row.status}`);
    if (result.row.status === "approved") {
      expect(result.signatories).toHaveLength(1);
      expect(result.audit).toEqual(["application.approve"]);
      expect(result.outbox.map((m) => m.kind)).toEqual(["application_approved"]);
    } else {
      expect(result.row.status).toBe("rejected");
      expect(result.signatories).toEqual([]);
      expect(result.row.signatory_id).toBeNull();
      expect(result.audit).toEqual(["application.reject"]);
      expect(result.outbox.map((m) => m.kind)).toEqual(["application_rejected"]);
    }
    expect(await delivered(app.contactEmail)).toHaveLength(1);
  });

  it("leaves an audit chain that verifies, in process and with npm run audit:verify", async () => {
    const check = await verifyAuditChain(db);
    expect(check.ok).toBe(true);
    const run = spawnSync("npm", ["run", "-s", "audit:verify"], {
      env: { ...process.env, DATABASE_URL: dbPath },
      encoding: "utf8",
      timeout: 60_000,
    });
    console.log(run.stdout.trim());
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`intact, ${check.count} entries`);
  });
});

describe("ten organisations of the same name approved at the same moment", () => {
  it.each([1, 2])("get ten signatories with ten distinct slugs: ten 303s, no 5xx (round %i)", async (round) => {
    // Different domains (insertApplication's default), one name: only the slug collides.
    const name = `Twin Shield ${round} ${randomUUID().slice(0, 6)}`;
    const apps: TestApplication[] = [];
    for (let i = 0; i < MODERATORS; i++) apps.push(await insertApplication(db, { name }));
    const responses = await Promise.all(
      apps.map((app, i) => clients[i].post(`/moderation/applications/${app.ref}`, { intent: "approve", joined_on: "" })),
    );
    const statuses = responses.map((r) => r.response.status);
    console.log(`approve ten "${name}" at once: statuses ${statuses.join(", ")}`);
    expect(statuses).toEqual(Array(MODERATORS).fill(303));
    responses.forEach((r, i) => expect(r.response.headers.get("Location")).toBe(`/moderation/applications/${apps[i].ref}?done=approved`));
    const signatories = await db.selectFrom("signatories").select(["id", "slug"]).where("name", "=", name).execute();
    expect(signatories).toHaveLength(MODERATORS);
    const base = slugify(name);
    expect(signatories.map((s) => s.slug).sort()).toEqual(
      [base, ...Array.from({ length: MODERATORS - 1 }, (_, i) => `${base}-${i + 2}`)].sort(),
    );
    const rows = await db
      .selectFrom("applications")
      .select(["status", "signatory_id"])
      .where(
        "ref",
        "in",
        apps.map((a) => a.ref),
      )
      .execute();
    expect(rows.every((r) => r.status === "approved")).toBe(true);
    expect(new Set(rows.map((r) => r.signatory_id))).toEqual(new Set(signatories.map((s) => s.id)));
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });
});

describe("over HTTP", () => {
  it("sets the session cookie with the contract's attributes, and staff pages are never cached", async () => {
    const staff = await createStaffUser(db);
    const client = new HttpClient(server.url);
    const page = await client.get("/login");
    expect(page.response.headers.get("Cache-Control")).toBe("no-store");
    const response = await client.post("/login", { email: staff.email, password: staff.password });
    expect(response.response.status).toBe(303);
    expect(response.response.headers.get("Location")).toBe("/moderation");
    const session = response.response.headers.getSetCookie().find((c) => c.startsWith("staff_session="))!;
    expect(session).toMatch(/^staff_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/);
    expect(response.response.headers.get("Cache-Control")).toBe("no-store");
    for (const path of ["/moderation", "/moderation/audit", "/moderation/signatories", "/account"]) {
      const { response: r, body } = await client.get(path);
      expect(r.status, path).toBe(200);
      expect(r.headers.get("Cache-Control"), path).toBe("no-store");
      // The session id appears in no page.
      expect(body).not.toContain(client.cookies.get("staff_session")!);
    }
    const moderatorOnAdmin = await client.get("/admin/users");
    expect(moderatorOnAdmin.response.status).toBe(403);
    expect(moderatorOnAdmin.response.headers.get("Cache-Control")).toBe("no-store");
    expect(moderatorOnAdmin.body).toContain("This page is for administrators only.");
    const anonymous = await new HttpClient(server.url).get("/moderation/audit");
    expect(anonymous.response.status).toBe(303);
    expect(anonymous.response.headers.get("Location")).toBe("/login?redirectTo=%2Fmoderation%2Faudit");
    expect(anonymous.response.headers.get("Cache-Control")).toBe("no-store");

    const out = await client.post("/logout", {});
    expect(out.response.status).toBe(303);
    expect(out.response.headers.get("Location")).toBe("/login");
    expect((await client.get("/moderation")).response.status).toBe(303);
  });

  it("writes no password, session id or secret to the server log [16.2.5]", () => {
    const output = server.output();
    expect(output).toContain('"event":"sign_in"');
    expect(output).not.toContain(PASSWORD);
    for (const client of clients) expect(output).not.toContain(client.cookies.get("staff_session")!);
  });

  it("answers the 11th failed sign-in from one address with 429, whatever X-Forwarded-For says [15.3.4]", async () => {
    const client = new HttpClient(server.url);
    await client.get("/login");
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 1; i <= 11; i++) {
      const { response } = await client.post(
        "/login",
        { email: `nobody-${i}@registry.test`, password: "not the password" },
        { "X-Forwarded-For": `198.51.100.${i}` },
      );
      statuses.push(response.status);
      last = response;
    }
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    expect(Number(last!.headers.get("Retry-After"))).toBeGreaterThan(0);
  });
});
