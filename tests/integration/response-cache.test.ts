// The response cache never serves a page older than the last commit, whoever commits
// (here: another process's connection, as a CLI or a second instance would), and never
// caches staff or applicant pages. On PostgreSQL another process's commit reaches the
// server's cached pages with its notification, milliseconds after the commit (decision
// 025), so there the reads after a commit wait for it (polled, never timed); on SQLite
// they must see it at once. tests/integration/pushed-data-version.test.ts holds the
// server's own writes to "at once" on PostgreSQL too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DB } from "~/modules/database/db.server";
import { setSignatoryStatus, updateSignatory } from "~/modules/directory/write.server";
import { onPostgres } from "../helpers/engine";
import { startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let db: DB;
beforeAll(async () => {
  server = await startServer();
  db = openDatabase(server.databasePath);
});
afterAll(async () => {
  await db?.destroy();
  await server?.stop();
});

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(server.url + path, { headers: { "accept-encoding": "identity", ...headers } });
  return { res, text: await res.text() };
}

/** A check of what the server answers after a commit of the test's own connection: at once
 * on SQLite; on PostgreSQL once the commit's notification has reached the server. */
async function afterCommit(check: () => Promise<void>): Promise<void> {
  if (!onPostgres) return check();
  await expect
    .poll(
      () =>
        check().then(
          () => true,
          () => false,
        ),
      { timeout: 10_000, interval: 10 },
    )
    .toBe(true);
  await check(); // its own failure message, should it still fail
}

// A seeded-PRNG so a failure can be replayed.
function random(seed: number) {
  let a = seed;
  return () => (a = (a * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}

describe("response cache", () => {
  it("hits on a repeated read and answers 304 to its ETag", async () => {
    await get("/signatories/nokia");
    const second = await get("/signatories/nokia");
    expect(second.res.headers.get("x-cache")).toBe("hit");
    const etag = second.res.headers.get("etag")!;
    const again = await fetch(server.url + "/signatories/nokia", { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
  });

  it("serves compressed bytes that decompress to the same page", async () => {
    const plain = await get("/pledges");
    const br = await fetch(server.url + "/pledges", { headers: { "accept-encoding": "br" } });
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(await br.text()).toBe(plain.text); // fetch decodes brotli
  });

  it("never serves a page older than the last commit, across 100 random writes and reads", async () => {
    const rand = random(20261126);
    const id = (await db.selectFrom("signatories").select("id").where("slug", "=", "nokia").executeTakeFirstOrThrow()).id;
    let expected = "Finnish maker of telecommunications equipment.";
    let status: "active" | "withdrawn" = "active";
    await db.transaction().execute((trx) => updateSignatory(trx, id, { description: expected }));
    // Figures memoised per data version (perVersion) must move with the same commits.
    const active = JSON.parse((await get("/api/v1/stats")).text).data.active as number;
    const endorsing = JSON.parse((await get("/api/v1/pledges")).text).data.find((p: { code: string }) => p.code === "no-offense")
      .endorsements as number;
    const reads = [
      async () => expect((await get("/signatories/nokia")).text).toContain(expected.replace(/'/g, "&#x27;")),
      async () => expect(JSON.parse((await get("/api/v1/signatories/nokia")).text).data.description).toBe(expected),
      async () => {
        const body = JSON.parse((await get("/api/v1/signatories?country=FI&status=all")).text);
        const nokia = body.data.find((s: { slug: string }) => s.slug === "nokia");
        expect(nokia).toMatchObject({ description: expected, status });
      },
      async () => {
        const body = JSON.parse((await get("/api/v1/signatories?country=FI")).text);
        expect(body.data.some((s: { slug: string }) => s.slug === "nokia")).toBe(status === "active");
      },
      async () => expect(JSON.parse((await get("/api/v1/stats")).text).data.active).toBe(active - (status === "active" ? 0 : 1)),
      async () => {
        const pledges = JSON.parse((await get("/api/v1/pledges")).text).data;
        expect(pledges.find((p: { code: string }) => p.code === "no-offense").endorsements).toBe(endorsing - (status === "active" ? 0 : 1));
      },
    ];
    let writes = 0;
    for (let step = 0; step < 100; step++) {
      if (rand() < 0.4) {
        writes++;
        if (rand() < 0.7) {
          expected = `Finnish network maker, revision ${step}.`;
          await db.transaction().execute((trx) => updateSignatory(trx, id, { description: expected }));
        } else {
          status = status === "active" ? "withdrawn" : "active";
          await db.transaction().execute((trx) => setSignatoryStatus(trx, id, status, { on: "2026-01-01", reason: `cache test ${step}` }));
        }
      } else {
        await afterCommit(reads[Math.floor(rand() * reads.length)]);
      }
    }
    expect(writes).toBeGreaterThan(20);
  });

  it("keeps public pages when an application is sent, and moves /transparency when it is confirmed", async () => {
    // Migration 027: an application nobody has confirmed is shown and counted nowhere, so
    // sending one (as the form does, here from another connection) leaves the cache be.
    const waiting = async () => Number(/<strong>([\d,]+)<\/strong> waiting for a decision now/.exec((await get("/transparency")).text)![1]);
    const before = await waiting();
    for (const path of ["/signatories", "/pledges", "/transparency"]) await get(path);
    const at = new Date().toISOString();
    await db
      .insertInto("applications")
      .values({
        ref: "AR-CACHE01",
        name: "Cache Probe",
        name_key: "cache probe",
        website: "https://cache-probe.example",
        domain: "cache-probe.example",
        country: "FI",
        sector: "security",
        description: "Sent to see what the cache keeps.",
        contact_name: "P",
        contact_title: "T",
        contact_email: "p@cache-probe.example",
        status: "unverified",
        verify_token_hash: "v-cache01",
        verify_expires_at: at,
        status_token_hash: "s-cache01",
        client_ip: "127.0.0.1",
        created_at: at,
        updated_at: at,
      })
      .execute();
    for (const path of ["/signatories", "/pledges", "/transparency"]) {
      expect((await get(path)).res.headers.get("x-cache"), path).toBe("hit");
    }
    // Confirmed, it waits for a moderator: public now, and no page may say otherwise.
    await db.updateTable("applications").set({ status: "pending", verified_at: at }).where("ref", "=", "AR-CACHE01").execute();
    await afterCommit(async () => expect(await waiting()).toBe(before + 1));
    await db.deleteFrom("applications").where("ref", "=", "AR-CACHE01").execute();
    await afterCommit(async () => expect(await waiting()).toBe(before));
  });

  it("does not cache applicant, staff or form pages, nor staff visitors", async () => {
    for (const path of ["/apply", "/login", "/applications/AR-NOPE?token=x", "/moderation"]) {
      const { res } = await get(path);
      expect(res.headers.get("x-cache"), path).toBeNull();
    }
    const { res } = await get("/signatories", { cookie: "staff_session=abc" });
    expect(res.headers.get("x-cache")).toBeNull();
  });
});
