// On PostgreSQL the data version is pushed to each server process (LISTEN/NOTIFY, migration
// 028, docs/decisions/025), so cached pages are answered before Express as on SQLite. Two
// production servers on one database, as behind a load balancer: A's hits take the fast
// path; a write through A is seen on A by the very next request; a write on B, or one made
// straight in SQL, reaches A when its notification does (polled, never timed); and while
// A's listener is gone (its backend terminated) A answers through Express, reading the
// version, until it has listened and read again. Runs in the PostgreSQL pass only.
//
// Which path answered is told by A's request log (LOG_LEVEL=info): a hit answered before
// Express logs its line with `cache: "hit"` (server/request-log.ts), one answered by the
// middleware without it.
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase, type DB } from "~/modules/database/db.server";
import { down as withoutNotify, up as withNotify } from "../../db/migrations/028_data_version_notify";
import { LISTENER_APPLICATION_NAME } from "../../db/pushed-version";
import { describeOnPostgres, dropDatabase, freshDatabaseUrl } from "../helpers/engine";
import { startServer, type TestServer } from "../helpers/server";
import { createStaffUser, HttpClient, type TestStaff } from "./staff-fixtures";

const RECORD = "/api/v1/signatories/nokia";
/** Long enough for a notification on a loaded machine; the polls end as soon as they pass. */
const WAIT = { timeout: 20_000, interval: 25 };

interface LogLine {
  event?: string;
  requestId?: string;
  cache?: string;
}

function logLines(server: TestServer): LogLine[] {
  const lines: LogLine[] = [];
  for (const line of server.output().split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      lines.push(JSON.parse(line) as LogLine);
    } catch {
      // A line still being written.
    }
  }
  return lines;
}

/** How `server` answered the request with this id: before Express ("fast") or not. */
async function pathOf(server: TestServer, requestId: string): Promise<"fast" | "express"> {
  let line: LogLine | undefined;
  await expect.poll(() => (line = logLines(server).find((l) => l.event === "request" && l.requestId === requestId)), WAIT).toBeDefined();
  return line!.cache === "hit" ? "fast" : "express";
}

async function record(server: TestServer) {
  const res = await fetch(server.url + RECORD);
  const body = (await res.json()) as { data: { status: string; description: string } };
  return {
    status: body.data.status,
    description: body.data.description,
    cache: res.headers.get("x-cache"),
    requestId: res.headers.get("x-request-id")!,
  };
}

describeOnPostgres("the data version pushed to each instance (PostgreSQL)", () => {
  let a: TestServer;
  let b: TestServer;
  let db: DB;
  let databaseUrl: string;
  let staff: TestStaff;

  beforeAll(async () => {
    databaseUrl = await freshDatabaseUrl("pushed_version");
    const shared = { DATABASE_URL: databaseUrl, SESSION_SECRET: process.env.SESSION_SECRET!, STAFF_MFA: "optional" };
    a = await startServer({ ...shared, LOG_LEVEL: "info" });
    b = await startServer(shared);
    db = openDatabase(databaseUrl);
    staff = await createStaffUser(db);
  }, 120_000);

  afterAll(async () => {
    await db?.destroy();
    await Promise.allSettled([a?.stop(), b?.stop()]);
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  /** Polls until A answers the record from its cache before Express. */
  async function fastOnA() {
    await expect
      .poll(async () => {
        const r = await record(a);
        return r.cache === "hit" && (await pathOf(a, r.requestId)) === "fast";
      }, WAIT)
      .toBe(true);
  }

  /** A moderator on `server` withdraws or reinstates Nokia, as the form does. */
  async function moderate(server: TestServer, intent: "withdraw" | "reinstate") {
    const moderator = new HttpClient(server.url);
    expect((await moderator.signIn(staff.email, staff.password)).status).toBe(303);
    await moderator.get("/moderation/signatories/nokia");
    const { response, body } = await moderator.post("/moderation/signatories/nokia", {
      intent,
      reason: `pushed version test: ${intent}`,
      on: "",
    });
    expect(response.status, body.slice(0, 200)).toBe(303);
  }

  it("answers a cached page before Express, with X-Cache: hit", async () => {
    await fastOnA();
    const again = await record(a);
    expect(again.cache).toBe("hit");
    expect(await pathOf(a, again.requestId)).toBe("fast");
  });

  it("shows a write made through A on A's very next request, every time", async () => {
    // Without notifications (the bump function as before migration 028), A learns of its
    // own writes only from the version read that follows each: PostgreSQL tells listeners
    // of a commit before the committer hears it is done, so with them this would pass
    // even if A ignored its own writes.
    await withoutNotify(db);
    try {
      let status = (await record(a)).status;
      expect(status).toBe("active");
      for (let round = 0; round < 6; round++) {
        await fastOnA(); // the cached record of the old status, answered before Express
        const intent = status === "active" ? "withdraw" : "reinstate";
        await moderate(a, intent);
        status = intent === "withdraw" ? "withdrawn" : "active";
        expect((await record(a)).status, `round ${round}`).toBe(status);
      }
    } finally {
      await withNotify(db);
    }
  });

  it("shows a write made on B, or straight in SQL, on A once its notification arrives", async () => {
    await fastOnA();
    const before = (await record(a)).status;
    const intent = before === "active" ? "withdraw" : "reinstate";
    await moderate(b, intent);
    const after = intent === "withdraw" ? "withdrawn" : "active";
    await expect.poll(async () => (await record(a)).status, WAIT).toBe(after);
    await fastOnA();

    const description = `Changed in SQL at ${Date.now()}.`;
    await db.updateTable("signatories").set({ description }).where("slug", "=", "nokia").execute();
    await expect.poll(async () => (await record(a)).description, WAIT).toBe(description);
    await fastOnA();
    // Never an older page after the newer one was seen.
    for (let i = 0; i < 20; i++) expect((await record(a)).description).toBe(description);
  });

  it("answers through Express while its listener is gone, then listens again", async () => {
    await fastOnA();
    const lostBefore = logLines(a).filter((l) => l.event === "data_version_listener_lost").length;
    // Requests all the while, so some land while the listener is down.
    let asking = true;
    const asker = (async () => {
      while (asking) await record(a);
    })();
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      const killed = await admin.query(
        "select pg_terminate_backend(pid) as done from pg_stat_activity where datname = current_database() and application_name = $1",
        [LISTENER_APPLICATION_NAME],
      );
      expect(killed.rows.length).toBeGreaterThanOrEqual(1); // A's (and B's)
      await expect.poll(() => logLines(a).filter((l) => l.event === "data_version_listener_lost").length, WAIT).toBeGreaterThan(lostBefore);
      // A write while (or just after) it is down is seen, and never lost.
      const description = `Changed while the listener was down, ${Date.now()}.`;
      await db.updateTable("signatories").set({ description }).where("slug", "=", "nokia").execute();
      await expect.poll(async () => (await record(a)).description, WAIT).toBe(description);
      await expect.poll(() => logLines(a).some((l) => l.event === "data_version_listener_back"), WAIT).toBe(true);
      await fastOnA();
      const listening = await admin.query(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = $1",
        [LISTENER_APPLICATION_NAME],
      );
      expect(listening.rows[0].n).toBeGreaterThanOrEqual(1);
    } finally {
      asking = false;
      await asker;
      await admin.end();
    }
    // In A's log, between the loss and the return, no hit was answered before Express.
    const lines = logLines(a);
    const lost = lines.findIndex(
      (l, i) =>
        l.event === "data_version_listener_lost" &&
        lines.slice(0, i).filter((m) => m.event === "data_version_listener_lost").length === lostBefore,
    );
    const back = lines.findIndex((l, i) => i > lost && l.event === "data_version_listener_back");
    expect(lost).toBeGreaterThanOrEqual(0);
    expect(back).toBeGreaterThan(lost);
    const during = lines.slice(lost + 1, back).filter((l) => l.event === "request");
    expect(during.length).toBeGreaterThan(0); // the retry alone waits 250 ms
    expect(during.filter((l) => l.cache === "hit")).toEqual([]);
    expect(a.output()).not.toMatch(/uncaught|unhandled/i);
  });
});
