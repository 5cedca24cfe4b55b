// Crash safety (security catalogue 35): 200 applications sent at once while the server is
// killed with SIGKILL at a random moment, ten rounds on one database. After each crash
// the database passes PRAGMA integrity_check, every application that got its 303 is there
// whole (row, pledges, 'submitted' event, mail in the outbox), no application anywhere is
// partial, and the server starts again on it.
import Sqlite from "better-sqlite3";
import { randomBytes, randomInt, randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applicationFields, Client, fillTime, REQUIRED_PLEDGES } from "../security/client";
import { spawnServer, stopServer } from "../security/process";

const ROUNDS = 10;
const CLIENTS = 200;
const dbPath = join(tmpdir(), `accord-crash-${randomUUID()}.db`);
const SECRET = randomBytes(32).toString("hex");
// Behind a (pretend) proxy: 200 clients with addresses of their own, so only the crash
// decides what happens (not the per-address limits); the hourly limit is off as allowed.
const ENV = { DATABASE_URL: dbPath, SESSION_SECRET: SECRET, TRUST_PROXY: "1", APPLY_LIMIT_PER_HOUR: "0" };
const PLEDGES = [...REQUIRED_PLEDGES, "paris-call"];
const figures = { acknowledged: 0, lost: 0, partial: 0, rounds: 0, rowsAfterCrash: 0 };

afterAll(() => {
  console.log(
    `crash: ${figures.rounds} rounds of ${CLIENTS} concurrent applications killed with SIGKILL; ` +
      `${figures.acknowledged} acknowledged (303), ${figures.lost} lost, ${figures.partial} partial, ${figures.rowsAfterCrash} applications on disk at the end`,
  );
  for (const suffix of ["", "-wal", "-shm"]) rmSync(dbPath + suffix, { force: true });
});

function check(acknowledged: { ref: string; email: string }[]) {
  const db = new Sqlite(dbPath);
  try {
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    const one = (sql: string, ...args: unknown[]) => db.prepare(sql).get(...args) as Record<string, number | string> | undefined;
    for (const { ref, email } of acknowledged) {
      const row = one("select id, status from applications where ref = ?", ref);
      if (!row) {
        figures.lost++;
        continue;
      }
      expect(row.status).toBe("unverified");
      expect(one("select count(*) as n from application_pledges where application_id = ?", row.id)!.n).toBe(PLEDGES.length);
      expect(one("select count(*) as n from application_events where application_id = ? and kind = 'submitted'", row.id)!.n).toBe(1);
      expect(one("select count(*) as n from mail_outbox where to_address = ? and kind = 'application_received'", email)!.n).toBe(1);
    }
    // Nothing half-written anywhere, acknowledged or not.
    const partial = one(`
      select count(*) as n from applications a
      where (select count(*) from application_pledges p where p.application_id = a.id) <> ${PLEDGES.length}
         or (select count(*) from application_events e where e.application_id = a.id and e.kind = 'submitted') <> 1
         or (select count(*) from mail_outbox m where m.to_address = a.contact_email and m.kind = 'application_received') <> 1`)!.n;
    figures.partial += Number(partial);
    expect(partial).toBe(0);
    figures.rowsAfterCrash = Number(one("select count(*) as n from applications")!.n);
  } finally {
    db.close();
  }
}

describe("SIGKILL while 200 applications are being written [catalogue 35, ASVS 2.3.3]", () => {
  it(`${ROUNDS} rounds: integrity_check ok, every acknowledged application present and whole`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      const server = await spawnServer(ENV);
      const clients = Array.from(
        { length: CLIENTS },
        (_, i) => new Client(server.url, { "X-Forwarded-For": `10.${round}.${i >> 8}.${i & 255}` }),
      );
      await Promise.all(clients.map((c) => c.get("/apply")));
      await fillTime();
      // The kill comes as the k-th acknowledgement arrives: a random moment inside the
      // burst, with writes in flight.
      const killAt = randomInt(1, CLIENTS - 20);
      const acknowledged: { ref: string; email: string }[] = [];
      let killed = false;
      const kill = () => {
        if (killed) return;
        killed = true;
        server.child.kill("SIGKILL");
      };
      await Promise.allSettled(
        clients.map(async (client, i) => {
          const domain = `crash-${round}-${i}-${randomBytes(2).toString("hex")}.example`;
          const fields = applicationFields(domain, { pledges: PLEDGES });
          const { response } = await client.post("/apply", fields);
          if (response.status !== 303) throw new Error(`status ${response.status}`);
          // (A 303 that arrives after the kill was sent still promises the row: it counts.)
          acknowledged.push({ ref: /ref=(AR-[A-Z0-9]+)/.exec(response.headers.get("Location")!)![1], email: String(fields.contact_email) });
          if (acknowledged.length >= killAt) kill();
        }),
      );
      kill();
      expect((await server.exited).signal).toBe("SIGKILL");
      expect(acknowledged.length).toBeGreaterThanOrEqual(Math.min(killAt, 1));
      figures.acknowledged += acknowledged.length;
      check(acknowledged);
      figures.rounds++;
    }
    expect(figures.lost).toBe(0);
    // And the server starts on what the last crash left.
    const last = await spawnServer(ENV);
    expect((await fetch(`${last.url}/healthz`)).status).toBe(200);
    expect(await stopServer(last)).toEqual({ code: 0, signal: null });
  });
});
