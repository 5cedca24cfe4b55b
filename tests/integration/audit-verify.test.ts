// The audit log is tamper-evident: every entry is chained to the one before by SHA-256.
// The database refuses changes (append-only triggers); with the triggers dropped, as an
// attacker with file access could, a one-character change to any stored entry, or a
// removed entry, makes `npm run audit:verify` fail naming that entry. [16.4.2]
import { spawnSync } from "node:child_process";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "~/modules/audit/audit.server";
import { signInWithPassword } from "~/modules/auth/login.server";
import { addNote, approveApplication, rejectApplication, requestChanges } from "~/modules/moderation/decide.server";
import { useSeededDatabase } from "../helpers/db";
import { createStaffUser, insertApplication } from "./staff-fixtures";
import { onPostgres } from "../helpers/engine";

const getDb = useSeededDatabase();

const COLUMNS = [
  "at",
  "actor",
  "actor_label",
  "action",
  "target_type",
  "target_id",
  "reason",
  "before_json",
  "after_json",
  "ip",
  "prev_hash",
  "hash",
] as const;
type Column = (typeof COLUMNS)[number];

/** The value with one character changed (or, for an empty field, one character added). */
function oneCharacterOff(value: string | null): string {
  if (!value) return "x";
  const at = Math.floor(value.length / 2);
  return value.slice(0, at) + (value[at] === "a" ? "b" : "a") + value.slice(at + 1);
}

async function setColumn(id: number, column: Column, value: string | null) {
  await sql`update audit_log set ${sql.ref(column)} = ${value} where id = ${id}`.execute(getDb());
}

function auditVerify() {
  const run = spawnSync("npm", ["run", "-s", "audit:verify"], {
    cwd: process.cwd(),
    env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "silent" },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout.trim(), stderr: run.stderr.trim() };
}

beforeAll(async () => {
  const db = getDb();
  const admin = await createStaffUser(db, { role: "admin" });
  const moderator = await createStaffUser(db);
  const request = new Request("http://registry.test/login", { method: "POST" });
  await signInWithPassword(db, request, { email: moderator.email, password: moderator.password, ip: "192.0.2.1", requestId: "t" });
  await signInWithPassword(db, request, { email: moderator.email, password: "wrong password entirely", ip: "192.0.2.1", requestId: "t" });
  const by = {
    id: moderator.id,
    actor: { actor: `staff:${moderator.id}`, actorLabel: `${moderator.name} <${moderator.email}>`, ip: "192.0.2.1" },
  };
  const [a, b, c] = [await insertApplication(db), await insertApplication(db), await insertApplication(db)];
  await addNote(db, a.ref, "Checked the company register: “Northwind” exists.", by);
  await approveApplication(db, a.ref, "2024-05-01", by);
  await rejectApplication(db, b.ref, "Not a technology company.", by);
  await requestChanges(db, c.ref, "Please name your products.", by);
  expect(admin.id).toBeGreaterThan(0);
});

describe("the audit chain", () => {
  it("verifies, and the CLI says so with the number of entries", async () => {
    const check = await verifyAuditChain(getDb());
    expect(check).toEqual({ ok: true, count: 8 });
    const run = auditVerify();
    console.log(`npm run audit:verify (intact) → exit ${run.code}\n${run.stdout}${run.stderr}`);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^audit:verify: intact, 8 entries/);
  });

  it("is refused changes and deletions by the database itself", async () => {
    await expect(setColumn(1, "reason", "edited")).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where id = 1`.execute(getDb())).rejects.toThrow(/append-only/);
  });

  /** What an attacker with write access to the database file or server would do first. */
  async function dropAppendOnlyTrigger(which: "update" | "delete") {
    if (onPostgres) {
      // One trigger guards both on PostgreSQL.
      await sql`drop trigger if exists audit_log_no_update on audit_log`.execute(getDb());
    } else if (which === "update") {
      await sql`drop trigger audit_log_no_update`.execute(getDb());
    } else {
      await sql`drop trigger audit_log_no_delete`.execute(getDb());
    }
  }

  it("names any entry with any field changed by one character", async () => {
    await dropAppendOnlyTrigger("update");
    const entries = await getDb().selectFrom("audit_log").selectAll().orderBy("id").execute();
    let tampered = 0;
    for (const entry of entries) {
      for (const column of COLUMNS) {
        const original = entry[column];
        await setColumn(entry.id, column, oneCharacterOff(original));
        const check = await verifyAuditChain(getDb());
        expect(check, `entry #${entry.id}, ${column}`).toMatchObject({ ok: false, brokenId: entry.id });
        await setColumn(entry.id, column, original);
        tampered++;
      }
    }
    expect(tampered).toBe(entries.length * COLUMNS.length);
    expect((await verifyAuditChain(getDb())).ok).toBe(true);
  });

  it("makes `npm run audit:verify` exit 1 naming the changed entry", async () => {
    const entries = await getDb().selectFrom("audit_log").selectAll().orderBy("id").execute();
    const cases: [number, Column][] = [
      [entries[0].id, "actor_label"],
      [entries[4].id, "after_json"],
      [entries.at(-1)!.id, "reason"],
    ];
    for (const [id, column] of cases) {
      const original = entries.find((e) => e.id === id)![column];
      await setColumn(id, column, oneCharacterOff(original));
      const run = auditVerify();
      console.log(`npm run audit:verify (entry #${id} ${column} changed by one character) → exit ${run.code}\n${run.stderr}${run.stdout}`);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`BROKEN at entry #${id}: its content does not match its hash (it was changed)`);
      await setColumn(id, column, original);
    }
    expect(auditVerify().code).toBe(0);
  });

  it("names the entry after a removed one", async () => {
    await dropAppendOnlyTrigger("delete");
    const entries = await getDb().selectFrom("audit_log").select("id").orderBy("id").execute();
    await sql`delete from audit_log where id = ${entries[3].id}`.execute(getDb());
    const run = auditVerify();
    console.log(`npm run audit:verify (entry #${entries[3].id} deleted) → exit ${run.code}\n${run.stderr}${run.stdout}`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`BROKEN at entry #${entries[4].id}: its previous-hash does not match`);
  });
});
