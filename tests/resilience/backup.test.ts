// Backups of a live database (security catalogue 37, 40): `npm run db:backup` while the
// server takes applications and a command-line writer (db:synth, BEGIN IMMEDIATE) adds
// signatories. The copy opens, passes integrity_check, holds at least what was there when
// it started, passes audit:verify, and a server started on it (the restore procedure of
// docs/operations.md) serves the same directory as the original for every signatory it has.
import Sqlite from "better-sqlite3";
import { spawn } from "node:child_process";
import { copyFileSync, rmSync } from "node:fs";
import { randomBytes, randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applicationFields, Client, fillTime } from "../security/client";
import { ROOT, serverEnv, spawnServer, stopServer } from "../security/process";

const dbPath = join(tmpdir(), `accord-backup-src-${randomUUID()}.db`);
const backupPath = join(tmpdir(), `accord-backup-copy-${randomUUID()}.db`);
const restoredPath = join(tmpdir(), `accord-backup-restored-${randomUUID()}.db`);
afterAll(() => {
  for (const file of [dbPath, backupPath, restoredPath]) for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
});

function run(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { cwd: ROOT, env: serverEnv(env) });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

const counts = (file: string) => {
  const db = new Sqlite(file, { readonly: true });
  const n = (table: string) => Number((db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n);
  const result = { signatories: n("signatories"), applications: n("applications"), audit: n("audit_log") };
  db.close();
  return result;
};

async function directory(base: string): Promise<Map<string, unknown>> {
  const all = new Map<string, unknown>();
  for (let page = 1; ; page++) {
    const body = (await fetch(`${base}/api/v1/signatories?status=all&per_page=100&page=${page}`).then((r) => r.json())) as {
      data: { slug: string; url: string }[];
      meta: { pages: number };
    };
    for (const { url: _url, ...s } of body.data) all.set(s.slug, s);
    if (page >= body.meta.pages) return all;
  }
}

describe("a backup taken while writes run [catalogue 40, 37]", () => {
  it("is consistent, complete up to its start, and serves the same directory once restored", async () => {
    const env = { DATABASE_URL: dbPath, TRUST_PROXY: "1", APPLY_LIMIT_PER_HOUR: "0" };
    const server = await spawnServer(env);
    // Writers: 60 applications through the server, and db:synth beside it.
    const clients = Array.from({ length: 60 }, (_, i) => new Client(server.url, { "X-Forwarded-For": `10.99.0.${i + 1}` }));
    await Promise.all(clients.map((c) => c.get("/apply")));
    await fillTime();
    const synth = run("app/cli/synth.ts", ["--count", "6000"], env);
    await new Promise((r) => setTimeout(r, 300));
    const applying = Promise.all(
      clients.map(async (c, i) => {
        await new Promise((r) => setTimeout(r, i * 15));
        return (await c.post("/apply", applicationFields(`backup-${i}-${randomBytes(2).toString("hex")}.example`))).response.status;
      }),
    );
    const atStart = counts(dbPath);
    const backup = await run("app/cli/backup.ts", [backupPath], env);
    const [synthDone, statuses] = await Promise.all([synth, applying]);
    expect(backup.code, backup.out).toBe(0);
    expect(backup.out).toContain("integrity_check ok");
    expect(synthDone.code, synthDone.out).toBe(0);
    expect(synthDone.out).not.toMatch(/SQLITE_BUSY|database is locked/);
    expect(
      statuses.every((s) => s === 303),
      `${JSON.stringify(statuses)}\n${server.output().slice(0, 3000)}`,
    ).toBe(true);

    const copy = new Sqlite(backupPath, { readonly: true });
    expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
    copy.close();
    const inCopy = counts(backupPath);
    expect(inCopy.signatories).toBeGreaterThanOrEqual(atStart.signatories);
    expect(inCopy.applications).toBeGreaterThanOrEqual(atStart.applications);
    console.log(
      `backup under load: at its start ${JSON.stringify(atStart)}, in the copy ${JSON.stringify(inCopy)}, at the end ${JSON.stringify(counts(dbPath))}`,
    );

    // Restore as docs/operations.md says: copy the file (no -wal/-shm), start, verify.
    copyFileSync(backupPath, restoredPath);
    const verify = await run("app/cli/audit-verify.ts", [], { DATABASE_URL: restoredPath });
    expect(verify.code, verify.out).toBe(0);
    const restored = await spawnServer({ DATABASE_URL: restoredPath });
    expect((await fetch(`${restored.url}/healthz`)).status).toBe(200);
    const [original, fromBackup] = await Promise.all([directory(server.url), directory(restored.url)]);
    expect(fromBackup.size).toBe(inCopy.signatories);
    for (const [slug, signatory] of fromBackup) expect(signatory, slug).toEqual(original.get(slug));
    await Promise.all([stopServer(server), stopServer(restored)]);
  });
});
