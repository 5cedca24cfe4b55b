// Retention that is real (issue 13, docs/decisions/017): applicants' personal data is
// erased RETENTION_DAYS after the decision by the background worker, and at once by
// `npm run privacy:erase -- --email E`; afterwards no table holds it (not the application,
// the moderators' words about it, the mails, the limits' counters, nor the audit log), the
// audit chain still verifies (library and `npm run audit:verify`), and an approved record
// keeps its evidence.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { personalValues, verifyAuditChain } from "~/modules/audit/audit.server";
import { getSignatory } from "~/modules/directory/directory.server";
import { addNote, approveApplication, rejectApplication, requestChanges } from "~/modules/moderation/decide.server";
import { ERASED, eraseExpiredPersonalData, erasePersonalDataByEmail, startRetention } from "~/modules/privacy/erasure.server";
import { useSeededDatabase } from "../helpers/db";
import { tableNames } from "./catalogue";
import { createStaffUser, insertApplication, type TestApplication } from "./staff-fixtures";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const getDb = useSeededDatabase();
const DAY = 24 * 60 * 60 * 1000;

type Moderator = { id: number; actor: { actor: string; actorLabel: string; ip: string } };
let by: Moderator;

/** Every row of every table, as text: what a search of the whole database would find. */
async function everything(): Promise<string> {
  const db = getDb();
  const tables = (await tableNames(db)).filter((t) => !t.startsWith("signatory_search") && !t.startsWith("kysely_"));
  const dumps: string[] = [];
  for (const table of tables) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    dumps.push(`${table}: ${JSON.stringify(rows)}`);
  }
  return dumps.join("\n");
}

/** An application whose contact is this person, taken through the moderators' hands. */
async function handled(person: { name: string; email: string; ip: string }, outcome: "approve" | "reject") {
  const db = getDb();
  const app = await insertApplication(db, { domain: person.email.split("@")[1] });
  await db
    .updateTable("applications")
    .set({ contact_name: person.name, contact_email: person.email, client_ip: person.ip })
    .where("id", "=", app.id)
    .execute();
  // A resubmission event that quotes the old and new contact values (migration 013).
  await db
    .insertInto("application_events")
    .values({
      application_id: app.id,
      kind: "resubmitted",
      reason: null,
      actor: "applicant",
      detail: JSON.stringify({
        changes: [{ field: "contact_email", from: `old.${person.email}`, to: person.email }],
        reverify: true,
        sentTo: person.email,
      }),
      created_at: new Date().toISOString(),
    })
    .execute();
  await addNote(db, app.ref, `Spoke to ${person.name} (${person.email}) on the phone.`, by);
  await requestChanges(db, app.ref, `Dear ${person.name}, please name your products.`, by);
  if (outcome === "approve") await approveApplication(db, app.ref, "2024-05-01", by);
  else await rejectApplication(db, app.ref, `${person.name}: not a technology company.`, by);
  // The mails went out (the sender is not running in this test).
  await db.updateTable("mail_outbox").set({ status: "sent", sent_at: new Date().toISOString() }).where("status", "=", "pending").execute();
  return app;
}

const decidedAt = async (app: TestApplication) =>
  (await getDb().selectFrom("applications").select("decided_at").where("id", "=", app.id).executeTakeFirstOrThrow()).decided_at!;

const JANE = { name: "Jane Quixote", email: "jane.quixote@northwind-privacy.example", ip: "198.51.100.71" };
const BOB = { name: "Bob Zanzibar", email: "bob.zanzibar@eastwind-privacy.example", ip: "198.51.100.72" };
const CARL = { name: "Carl Keepme", email: "carl.keepme@westwind-privacy.example", ip: "198.51.100.73" };
const ERIN = { name: "Erin Forgetme", email: "erin.forgetme@southwind-privacy.example", ip: "198.51.100.74" };

let jane: TestApplication;
let bob: TestApplication;
let carl: TestApplication;

beforeAll(async () => {
  const moderator = await createStaffUser(getDb());
  by = {
    id: moderator.id,
    actor: { actor: `staff:${moderator.id}`, actorLabel: `${moderator.name} <${moderator.email}>`, ip: "192.0.2.1" },
  };
  jane = await handled(JANE, "approve");
  bob = await handled(BOB, "reject");
  carl = await insertApplication(getDb(), { domain: "westwind-privacy.example" });
  await getDb()
    .updateTable("applications")
    .set({ contact_name: CARL.name, contact_email: CARL.email, client_ip: CARL.ip })
    .where("id", "=", carl.id)
    .execute();
});

describe("before any erasure", () => {
  it("the audit log holds what moderators wrote only in its erasable part, which the chain covers by digest", async () => {
    const entries = await getDb().selectFrom("audit_log").selectAll().where("target_id", "=", jane.ref).orderBy("id").execute();
    expect(entries.map((e) => e.action)).toEqual(["application.note", "application.request_changes", "application.approve"]);
    for (const e of entries) {
      // Nothing the chain itself covers names the contact.
      expect(JSON.stringify([e.reason, e.before_json, e.after_json, e.target_id, e.actor_label, e.ip])).not.toContain(JANE.name);
    }
    expect(personalValues(entries[0].personal_json)).toEqual({ body: `Spoke to ${JANE.name} (${JANE.email}) on the phone.` });
    expect(personalValues(entries[1].personal_json)).toEqual({ reason: `Dear ${JANE.name}, please name your products.` });
    expect(entries[0].personal_digest).toMatch(/^[0-9a-f]{64}$/);
    expect((await verifyAuditChain(getDb())).ok).toBe(true);
  });

  it("a changed erasable part breaks the chain at its entry", async () => {
    const db = getDb();
    const entry = await db
      .selectFrom("audit_log")
      .select(["id", "personal_json"])
      .where("personal_json", "is not", null)
      .executeTakeFirstOrThrow();
    // The database refuses the change outright…
    await expect(
      db
        .updateTable("audit_log")
        .set({ personal_json: `${entry.personal_json} ` })
        .where("id", "=", entry.id)
        .execute(),
    ).rejects.toThrow(/append-only/);
    // …and refuses an "erasure" that changes anything else with it.
    await expect(
      db
        .updateTable("audit_log")
        .set({ personal_json: null, personal_erased_at: new Date().toISOString(), reason: "rewritten" })
        .where("id", "=", entry.id)
        .execute(),
    ).rejects.toThrow(/append-only/);
  });
});

describe("the retention job", () => {
  it("erases nothing before RETENTION_DAYS have passed", async () => {
    const report = await eraseExpiredPersonalData(getDb(), { retentionDays: 365, now: new Date(Date.now() + 300 * DAY) });
    expect(report.applications).toEqual([]);
    expect(await everything()).toContain(JANE.email);
  });

  it("erases decided applicants' data everywhere RETENTION_DAYS after the decision; the chain still verifies", async () => {
    const now = new Date(Date.parse(await decidedAt(bob)) + 366 * DAY);
    const report = await eraseExpiredPersonalData(getDb(), { retentionDays: 365, now });
    expect(report.applications.sort()).toEqual([jane.ref, bob.ref].sort());
    expect(report.auditEntries).toBe(2 + 3); // note + request + reject (Bob has three); note + request (Jane)
    expect(report.mails).toBeGreaterThanOrEqual(4);

    const dump = await everything();
    for (const person of [JANE, BOB]) {
      for (const value of [person.name, person.email, person.ip, `old.${person.email}`]) expect(dump, value).not.toContain(value);
    }
    // The open application is not due: kept.
    for (const value of [CARL.name, CARL.email, CARL.ip]) expect(dump).toContain(value);

    const row = await getDb().selectFrom("applications").selectAll().where("id", "=", jane.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      contact_name: ERASED,
      contact_title: ERASED,
      contact_email: ERASED,
      client_ip: ERASED,
      personal_data_erased_at: now.toISOString(),
      status: "approved",
      domain: jane.domain,
    });
    const audit = await getDb().selectFrom("audit_log").selectAll().where("target_id", "=", bob.ref).orderBy("id").execute();
    expect(audit.filter((e) => e.personal_digest !== null).every((e) => e.personal_json === null && e.personal_erased_at !== null)).toBe(
      true,
    );
    const retention = await getDb().selectFrom("audit_log").selectAll().where("action", "=", "privacy.retention").execute();
    expect(retention).toHaveLength(1);
    expect(retention[0]).toMatchObject({ actor: "system" });
    expect(JSON.parse(retention[0].after_json!).applications.sort()).toEqual([jane.ref, bob.ref].sort());

    expect(await verifyAuditChain(getDb())).toMatchObject({ ok: true });
    const cli = await run("app/cli/audit-verify.ts", []);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/^audit:verify: intact, \d+ entries/);
  });

  it("leaves the approved record its evidence: the application, the domain and the dates", async () => {
    const slug = (await getDb().selectFrom("signatories").select("slug").where("name", "=", jane.name).executeTakeFirstOrThrow()).slug;
    const signatory = (await getDb()
      .transaction()
      .execute(async (trx) => getSignatory(trx, slug)))!;
    expect(signatory.sources[0]).toMatchObject({ kind: "evidence", title: expect.stringContaining(jane.ref) });
    expect(signatory.sources[0].quote).toContain(jane.domain);
  });

  it("is idempotent, and runs on its own in the background worker's schedule", async () => {
    const again = await eraseExpiredPersonalData(getDb(), { retentionDays: 365, now: new Date(Date.now() + 400 * DAY) });
    expect(again.applications).toEqual([]);
    // An application decided two days ago, with RETENTION_DAYS=1: the worker's first run erases it.
    const ann = await handled({ name: "Ann Quickly", email: "ann.quickly@quick-privacy.example", ip: "198.51.100.75" }, "reject");
    const twoDaysAgo = new Date(Date.now() - 2 * DAY).toISOString();
    await getDb().updateTable("applications").set({ decided_at: twoDaysAgo }).where("id", "=", ann.id).execute();
    await getDb()
      .updateTable("mail_outbox")
      .set({ created_at: twoDaysAgo })
      .where("to_address", "=", "ann.quickly@quick-privacy.example")
      .execute();
    const reports: string[][] = [];
    const worker = startRetention(getDb(), {
      retentionDays: () => 1,
      firstAfterMs: 10,
      everyMs: 60_000,
      onReport: (r) => reports.push(r.applications),
    });
    try {
      await expect.poll(() => reports.length, { timeout: 10_000 }).toBeGreaterThan(0);
    } finally {
      worker.stop();
    }
    expect(reports[0]).toEqual([ann.ref]);
    expect(await everything()).not.toContain("Ann Quickly");
  });
});

/** An npm script's entry point as an operator runs it (tsx), on this test's database. */
function run(entry: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "warn" };
    for (const key of Object.keys(env)) if (key.startsWith("VITEST")) delete env[key];
    const child = spawn(join(ROOT, "node_modules/.bin/tsx"), [entry, ...args], { cwd: ROOT, env });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run privacy:erase -- --email E", () => {
  it("erases at once every application of that address (any case), withdrawing an open one, and the chain still verifies", async () => {
    const db = getDb();
    const erin = await insertApplication(db, { domain: "southwind-privacy.example" });
    await db
      .updateTable("applications")
      .set({ contact_name: ERIN.name, contact_email: ERIN.email, client_ip: ERIN.ip })
      .where("id", "=", erin.id)
      .execute();
    await addNote(db, erin.ref, `${ERIN.name} asked us to hurry.`, by);
    await db
      .insertInto("mail_outbox")
      .values({
        kind: "application_received",
        to_address: ERIN.email,
        subject: "Confirm your application",
        text_body: `Hello ${ERIN.name}`,
        html_body: "<p>Hello</p>",
        status: "sent",
        next_attempt_at: new Date().toISOString(),
        created_at: new Date().toISOString(),
      })
      .execute();
    await db.insertInto("rate_limit_hits").values({ bucket: "verify-mail-to", key: ERIN.email, at_ms: Date.now() }).execute();
    expect(await everything()).toContain(ERIN.email);

    const result = await run("app/cli/privacy-erase.ts", ["--email", ERIN.email.toUpperCase()]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`erased the personal data of 1 application(s) (${erin.ref})`);
    expect(result.stdout).toContain(`withdrawn first: ${erin.ref}`);
    expect(result.stdout).toMatch(/Audit chain intact \(\d+ entries\)/);

    const dump = await everything();
    for (const value of [ERIN.name, ERIN.email, ERIN.ip]) expect(dump, value).not.toContain(value);
    expect(await db.selectFrom("applications").select("status").where("id", "=", erin.id).executeTakeFirstOrThrow()).toEqual({
      status: "withdrawn",
    });
    const entry = await db.selectFrom("audit_log").selectAll().where("action", "=", "privacy.erase").executeTakeFirstOrThrow();
    expect(entry.actor).toMatch(/^cli:/);
    expect(JSON.stringify(entry)).not.toContain("southwind");

    const verify = await run("app/cli/audit-verify.ts", []);
    expect(verify.code).toBe(0);
    // Carl's open application is someone else's: untouched.
    expect(dump).toContain(CARL.email);
  }, 60_000);

  it("says so when it holds nothing for the address, and refuses a missing or bad --email", async () => {
    const none = await run("app/cli/privacy-erase.ts", ["--email", "nobody@nowhere-privacy.example"]);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain("holds no personal data for this address");
    const bad = await run("app/cli/privacy-erase.ts", ["--email", "not-an-address"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--email must be an e-mail address");
    const missing = await run("app/cli/privacy-erase.ts", []);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("--email is required");
  }, 60_000);

  it("works as a library too (erasePersonalDataByEmail), audited without the address", async () => {
    const report = await erasePersonalDataByEmail(getDb(), CARL.email, { actor: "cli:test", actorLabel: "test" });
    expect(report.applications).toEqual([carl.ref]);
    expect(report.withdrawn).toEqual([carl.ref]);
    expect(await everything()).not.toContain(CARL.email);
    expect((await verifyAuditChain(getDb())).ok).toBe(true);
  });
});
