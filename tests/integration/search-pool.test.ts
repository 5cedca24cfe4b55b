// Searches that never block cache hits (issue 16, docs/decisions/023), over HTTP on the
// production server: a search runs off the event loop (SQLite: the search pool's worker
// threads; PostgreSQL: pg's own asynchronous client) within a budget, and one over it is
// answered 503 with a message and Retry-After. The server's test hooks (SEARCH_TEST_HOOKS=1)
// make a search for "zzslow" hold its worker (or its PostgreSQL statement) until the test
// creates the release file, one for "zzstuck" for a minute, one for "zzcrash" end its
// worker. Nothing here is timed: each claim is an order of events or an answer's content.
import { randomUUID } from "node:crypto";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directoryFacets, knownCodes, searchSignatories } from "~/modules/directory/directory.server";
import { parseDirectoryQuery } from "~/modules/directory/query";
import { searchPoolSettings, startSearchPool, type SearchPool } from "~/modules/search-pool/pool.server";
import { figureOffEventLoop, offEventLoop } from "~/modules/search-pool/run.server";
import { computeStats } from "~/modules/opendata/stats.server";
import { endorsementCounts, joinCounts, statusCounts } from "~/modules/directory/directory.server";
import { addSynthetic } from "~/modules/synth/generate.server";
import { useSeededDatabase } from "../helpers/db";
import { onPostgres } from "../helpers/engine";
import { startServer, type TestServer } from "../helpers/server";

const release = join(tmpdir(), `accord-search-release-${randomUUID()}`);
let server: TestServer;
beforeAll(async () => {
  server = await startServer({
    SEARCH_TEST_HOOKS: "1",
    SEARCH_TEST_RELEASE_FILE: release,
    SEARCH_TEST_SLOW_MS: "30000",
    // The held search must end within it on a loaded machine, the stuck one never.
    SEARCH_BUDGET_MS: "5000",
    SEARCH_WORKERS: "1",
    READ_LIMIT_PER_MINUTE: "0",
  });
});
afterAll(async () => {
  await server?.stop();
  for (const file of [release, `${release}.held`]) rmSync(file, { force: true });
});

const get = (path: string) => fetch(server.url + path);

describe("searches off the event loop", () => {
  it("answers cached requests while a search is still running, then the search", async () => {
    const cached = ["/signatories", "/api/v1/signatories?q=trend%20micro", "/signatories/nokia"];
    for (const path of cached) await (await get(path)).arrayBuffer();

    const order: string[] = [];
    const slow = get("/api/v1/signatories?q=zzslow").then(async (response) => {
      order.push("search");
      return { status: response.status, body: (await response.json()) as { data: unknown[] } };
    });
    // The search holds the pool's one worker until the release file exists: every answer
    // below comes while it runs (with the search on the event loop, none would come at all).
    while (!existsSync(`${release}.held`)) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const path of cached) {
      const hit = await get(path);
      await hit.arrayBuffer();
      expect(hit.status, path).toBe(200);
      expect(hit.headers.get("X-Cache"), path).toBe("hit");
      order.push(`hit ${path}`);
    }
    expect(order, "no search answered before the release").not.toContain("search");
    writeFileSync(release, "");
    const search = await slow;
    expect(order.at(-1), "the slow search answered after every cached request").toBe("search");
    expect(search.status).toBe(200);
    expect(search.body.data).toEqual([]);
  });

  it("stops a search over its budget and says so: 503, a message, Retry-After", async () => {
    const api = await get("/api/v1/signatories?q=zzstuck");
    expect(api.status).toBe(503);
    expect(Number(api.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(api.headers.get("Cache-Control")).toBe("no-store");
    const body = (await api.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("search_timeout");
    expect(body.error.message).toMatch(/took longer than the registry allows.*try again/);

    const page = await get("/signatories?q=zzstuck");
    expect(page.status).toBe(503);
    expect(Number(page.headers.get("Retry-After"))).toBeGreaterThan(0);
    // The page says what happened (the JSON's message), not the generic "Something went wrong".
    const html = await page.text();
    expect(html).toMatch(/took longer than the registry allows and was stopped/);
    expect(html).not.toMatch(/Something went wrong/);

    // The CSV export reads its pages in the pool too: the same 503 before any row is sent.
    const csv = await get("/signatories.csv?q=zzstuck");
    expect(csv.status).toBe(503);
    expect(Number(csv.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(((await csv.json()) as { error: { code: string } }).error.code).toBe("search_timeout");

    // The next search is answered (the stopped worker was replaced), and the 503 was not cached.
    const after = await get("/api/v1/signatories?q=trend%20micro&per_page=3");
    expect(after.status).toBe(200);
    expect(((await after.json()) as { data: { slug: string }[] }).data.map((s) => s.slug)).toContain("trend-micro");
    const again = await get("/api/v1/signatories?q=zzstuck");
    expect(again.status).toBe(503);
    await again.arrayBuffer();
  }, 60_000);

  it.skipIf(onPostgres)("survives a worker that crashes: that search is a 503, the next one is answered", async () => {
    const crashed = await get("/api/v1/signatories?q=zzcrash");
    expect(crashed.status).toBe(503);
    expect(((await crashed.json()) as { error: { code: string } }).error.code).toBe("search_failed");
    for (const q of ["nokia", "secure"]) {
      const response = await get(`/api/v1/signatories?q=${q}`);
      expect(response.status, q).toBe(200);
      expect(((await response.json()) as { meta: { total: number } }).meta.total, q).toBeGreaterThan(0);
    }
    // The CSV export, read in the pool a page at a time: every signatory the API counts.
    const total = ((await (await get("/api/v1/signatories?status=all")).json()) as { meta: { total: number } }).meta.total;
    const csv = await get("/signatories.csv?status=all");
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trimEnd().split("\r\n");
    expect(lines[0]).toMatch(/^slug,name,/);
    expect(lines.length - 1).toBe(total);
    // The page with its facet counts (the second task a directory page gives the pool).
    const page = await get("/signatories?q=secure&country=US");
    expect(page.status).toBe(200);
    await page.arrayBuffer();
    expect(server.output()).not.toMatch(/unhandled_error/);
  });
});

describe.skipIf(onPostgres)("the pool's answers", () => {
  const getDb = useSeededDatabase();
  let pool: SearchPool | undefined;
  afterAll(async () => {
    await pool?.stop();
  });

  it("are those of the same functions run in this process, on the same file", async () => {
    const db = getDb();
    await addSynthetic(db, 400, { batch: 400 });
    const known = await knownCodes(db);
    const queries = [
      "",
      "q=secure",
      "q=secure&page=3",
      "q=cloud&country=US&sort=-joined",
      "q=micro&status=all",
      "sector=security&pledge=no-offense&joined=2019-2024&per_page=100&page=2",
      "founding=0&sort=joined",
      "q=zzzz-nothing",
    ].map((search) => {
      const parsed = parseDirectoryQuery(new URLSearchParams(search), known);
      if (!parsed.ok) throw new Error(`${search}: ${parsed.message}`);
      return parsed.query;
    });
    // No pool yet: both functions run here, as in the CLIs and before this issue.
    const inProcess = [];
    for (const query of queries) inProcess.push([await searchSignatories(db, query), await directoryFacets(db, query)]);
    const figuresHere = [await endorsementCounts(db), await computeStats(db), await statusCounts(db), await joinCounts(db)];

    pool = startSearchPool(
      process.env.DATABASE_URL!,
      searchPoolSettings({ SEARCH_WORKERS: "2" }),
      resolve(process.env.BUILD_DIR ?? "build", "search-worker.js"),
    );
    const notHere = () => Promise.reject(new Error("ran in the test's process, not in the pool"));
    const pooled = await Promise.all(
      queries.map((query) => Promise.all([offEventLoop(db, "search", query, notHere), offEventLoop(db, "facets", query, notHere)])),
    );
    expect(pooled).toEqual(inProcess);
    expect(pool.stats().completed).toBe(queries.length * 2);
    expect(inProcess.some(([page]) => (page as { total: number }).total > 100)).toBe(true);

    // The whole-registry figures too: the pool computes them, and they are the same.
    const figures = await Promise.all(
      (["endorsements", "stats", "by status", "joins by year"] as const).map((name) => figureOffEventLoop(db, name, notHere)),
    );
    expect(figures).toEqual(figuresHere);
    expect(pool.stats().completed).toBe(queries.length * 2 + 4);
  });

  it("computes a figure here when every worker is busy and the queue is full: the page still answers", async () => {
    await pool?.stop();
    const held = join(tmpdir(), `accord-figure-release-${randomUUID()}`);
    pool = startSearchPool(
      process.env.DATABASE_URL!,
      searchPoolSettings({ SEARCH_WORKERS: "1", SEARCH_QUEUE: "0", SEARCH_TEST_HOOKS: "1", SEARCH_TEST_RELEASE_FILE: held }),
      resolve(process.env.BUILD_DIR ?? "build", "search-worker.js"),
    );
    const db = getDb();
    const known = await knownCodes(db);
    const parsed = parseDirectoryQuery(new URLSearchParams("q=zzslow"), known);
    if (!parsed.ok) throw new Error(parsed.message);
    const slow = offEventLoop(db, "search", parsed.query, () => Promise.reject(new Error("not in the pool")));
    try {
      while (!existsSync(`${held}.held`)) await new Promise((r) => setTimeout(r, 20));
      // A search now is refused (the pool is busy)…
      const refused = await offEventLoop(db, "search", parsed.query, () => Promise.reject(new Error("not in the pool"))).catch(
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(Response);
      expect((refused as Response).status).toBe(503);
      // …a figure is computed here instead.
      let here = 0;
      const counts = await figureOffEventLoop(db, "endorsements", (d) => (here++, endorsementCounts(d)));
      expect(here).toBe(1);
      expect(counts).toEqual(await endorsementCounts(db));
    } finally {
      writeFileSync(held, "");
      await slow.catch(() => undefined);
      for (const file of [held, `${held}.held`]) rmSync(file, { force: true });
    }
  });
});
