// npm run bench: the registry against a static baseline, in one run.
//
// Starts the production server on a fresh database, captures the exact bytes (and
// headers) of each measured response, serves those from a bare node:http server as the
// baseline, and measures both alternately with autocannon. Then grows the registry to
// 100,000 signatories and measures again. Prints requests/s, p50 and p99 for each, the
// ratios, the server's peak RSS, its cold start, and the JavaScript the directory sends;
// what a first visit transfers; and at 100,000 the mixed load of issue 16 (bench/mixed.mjs).
//
//   npm run bench                          # everything, on SQLite (~12 minutes)
//   npm run bench -- --engine postgres     # the same on PostgreSQL (TEST_DATABASE_URL or
//                                          # BENCH_DATABASE_URL names a server where the
//                                          # user may create databases)
//   npm run bench -- --only mixed          # first-visit bytes and the mixed load only
//   npm run bench -- --only uncached       # uncached searches at 61 and at the large size only
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import pg from "pg";
import { SERVER_ARGS, freePort, say, startApp, stopApp, synth } from "./lib.mjs";
import { cachedLoad, mixedLoad, transferredBytes } from "./mixed.mjs";

const option = (name) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const ENGINE = option("--engine") ?? "sqlite";
const ONLY = option("--only");
if (!["sqlite", "postgres"].includes(ENGINE)) throw new Error("--engine is sqlite or postgres");
const MIXED_SECONDS = Number(process.env.BENCH_MIXED_SECONDS ?? 30);
/** One application through the form every this many ms during the mixed load (0: none). */
const WRITE_EVERY_MS = Number(process.env.BENCH_WRITE_EVERY_MS ?? 1_000);

const DURATION = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const UNCACHED_RUNS = Number(process.env.BENCH_UNCACHED_RUNS ?? 100);
const LARGE = Number(process.env.BENCH_LARGE ?? 100_000);

/** Peak resident memory of a process (VmHWM), in MB. */
function peakRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

/** Exact bytes and headers of a response, as the benchmark's requests receive them. */
async function capture(url) {
  const res = await fetch(url, { headers: { "accept-encoding": "identity" } });
  const body = Buffer.from(await res.arrayBuffer());
  const headers = {};
  for (const [k, v] of res.headers)
    if (!["date", "connection", "keep-alive", "transfer-encoding", "set-cookie"].includes(k)) headers[k] = v;
  return { status: res.status, headers, body };
}

/** The baseline in its own process, as the app is (in this one it would share a core with
 * autocannon): bench/baseline.mjs serving the captured responses. */
async function startBaseline(captured) {
  const file = join(tmpdir(), `accord-bench-baseline-${process.pid}.json`);
  const json = {};
  for (const [path, c] of captured) json[path] = { status: c.status, headers: c.headers, body: c.body.toString("base64") };
  writeFileSync(file, JSON.stringify(json));
  const child = spawn(process.execPath, ["bench/baseline.mjs", file], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once("data", (chunk) => resolve(Number(String(chunk).trim())));
    child.once("exit", () => reject(new Error("the baseline server exited during start-up")));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => {
      rmSync(file, { force: true });
      return stopApp({ child });
    },
  };
}

function run(url) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers: { "accept-encoding": "identity" } }, (err, result) => {
      if (err) reject(err);
      else resolve(result);
    });
  });
}

/**
 * Search without the response cache: before each request a commit bumps the data version
 * (as any approval does), so the server searches, counts its facets and renders anew.
 * Sequential requests, timed here; p50 and p99 in ms.
 */
async function uncached(app, path, count = UNCACHED_RUNS) {
  const db = await versionBumper();
  const times = [];
  try {
    for (let i = 0, late = 0; i < count;) {
      await db.bump();
      // PostgreSQL: the server learns of another process's commit from its notification, a
      // few milliseconds later (decision 025); until then it may still answer from the cache.
      if (ENGINE === "postgres") await new Promise((resolve) => setTimeout(resolve, 20));
      const started = performance.now();
      const res = await fetch(app.url + path, { headers: { "accept-encoding": "identity" } });
      await res.arrayBuffer();
      if (res.headers.get("x-cache") === "miss") {
        times.push(performance.now() - started);
        i++;
      } else if (ENGINE !== "postgres" || ++late > count) {
        throw new Error(`${path} was not rendered anew (${res.headers.get("x-cache")})`);
      }
    }
  } finally {
    await db.close();
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(count * 0.5)], p99: times[Math.min(count - 1, Math.floor(count * 0.99))] };
}

/** Moves the data version forward with a commit to a public table, as any approval does
 * (SQLite file or PostgreSQL; there its trigger also notifies the server, decision 025). */
async function versionBumper() {
  const statement = "update pledges set title = title where code = 'stronger-defense'";
  if (ENGINE === "postgres") {
    const client = new pg.Client({ connectionString: dbPath });
    await client.connect();
    return { bump: () => client.query(statement), close: () => client.end() };
  }
  const db = new Database(dbPath);
  const bump = db.prepare(statement);
  return { bump: async () => bump.run(), close: async () => db.close() };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(label, app, paths) {
  const captured = new Map();
  for (const path of paths) captured.set(path, await capture(app.url + path));
  const baseline = await startBaseline(captured);
  const baseUrl = baseline.url;
  const rows = [];
  for (const path of paths) {
    const a = [];
    const b = [];
    for (let round = 0; round < ROUNDS; round++) {
      a.push(await run(app.url + path));
      b.push(await run(baseUrl + path));
    }
    const pick = (results) => ({
      rps: median(results.map((r) => r.requests.average)),
      p50: median(results.map((r) => r.latency.p50)),
      p99: median(results.map((r) => r.latency.p99)),
      errors: results.reduce((n, r) => n + r.errors + r.non2xx, 0),
    });
    const row = { set: label, path, bytes: captured.get(path).body.length, app: pick(a), base: pick(b) };
    rows.push(row);
    say(`${label} ${path}: app ${row.app.rps.toFixed(0)} req/s, baseline ${row.base.rps.toFixed(0)} req/s`);
  }
  await baseline.stop();
  return rows;
}

function table(rows) {
  const head = ["set", "path", "bytes", "app req/s", "base req/s", "ratio", "app p50", "app p99", "base p50", "base p99", "errors"];
  const lines = rows.map((r) => [
    r.set,
    r.path,
    String(r.bytes),
    r.app.rps.toFixed(0),
    r.base.rps.toFixed(0),
    `${(r.app.rps / r.base.rps).toFixed(2)}×`,
    `${r.app.p50} ms`,
    `${r.app.p99} ms`,
    `${r.base.p50} ms`,
    `${r.base.p99} ms`,
    String(r.app.errors),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [fmt(head), fmt(widths.map((w) => "-".repeat(w))), ...lines.map(fmt)].join("\n");
}

/** JavaScript the directory page loads: its module scripts and their imports, gzipped. */
async function directoryJsGzipKb(app) {
  const html = await (await fetch(`${app.url}/signatories`)).text();
  const files = new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]));
  let total = 0;
  for (const file of files) total += gzipSync(Buffer.from(await (await fetch(app.url + file)).arrayBuffer())).length;
  return { kb: total / 1024, files: files.size };
}

// The same build step as npm start: only when the sources are newer than the build.
execFileSync(process.execPath, ["scripts/build-if-needed.mjs"], { stdio: "inherit" });

/** A throw-away database: a SQLite file, or a new database on the PostgreSQL server. */
async function createDatabase() {
  if (ENGINE === "sqlite") return join(tmpdir(), `accord-bench-${process.pid}.db`);
  const admin = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!admin?.startsWith("postgres")) throw new Error("--engine postgres needs TEST_DATABASE_URL (or BENCH_DATABASE_URL)=postgres://…");
  const name = `accord_bench_${process.pid}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`drop database if exists ${name}`);
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

const dbPath = await createDatabase();
const cleanup = async () => {
  if (ENGINE === "sqlite") {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(dbPath + suffix, { force: true });
    return;
  }
  const client = new pg.Client({ connectionString: process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL });
  await client.connect();
  await client.query(`drop database if exists ${new URL(dbPath).pathname.slice(1)} with (force)`);
  await client.end();
};
if (ENGINE === "sqlite") await cleanup();

const PATHS = [
  "/signatories",
  "/signatories?q=secure",
  "/signatories?q=trend%20micro",
  "/signatories?q=cloud&country=US",
  "/signatories/nokia",
  "/api/v1/signatories",
  "/api/v1/signatories?q=secure",
  "/api/v1/signatories?q=trend%20micro",
];

const SEARCHES = PATHS.filter((p) => p.includes("q="));

async function measureUncached(label, app) {
  const results = new Map();
  for (const path of SEARCHES) {
    const r = await uncached(app, path);
    results.set(path, r);
    say(`${label} ${path} uncached: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`);
  }
  return results;
}

/** Cached addresses of the mixed load (pages and API answers a news story sends people to). */
const MIXED_CACHED = ["/", "/signatories", "/signatories/nokia", "/api/v1/signatories", "/api/v1/signatories?q=trend%20micro", "/pledges"];

/** Issue 16's mixed load at the large size: the same cached reads on the static baseline,
 * on the app alone, then on the app while two clients walk uncached searches and the form
 * takes applications. */
async function measureMixed() {
  const eventLoopFile = join(tmpdir(), `accord-bench-loop-${process.pid}.json`);
  const app = await startApp(dbPath, await freePort(), [], {
    BENCH_EVENT_LOOP_FILE: eventLoopFile,
    APPLY_LIMIT_PER_HOUR: "0",
    WRITE_LIMIT_PER_MINUTE: "0",
  });
  try {
    const captured = new Map();
    for (const path of MIXED_CACHED) {
      captured.set(path, await capture(app.url + path));
      await (await fetch(app.url + path, { headers: { "accept-encoding": "br, gzip" } })).arrayBuffer();
    }
    const baseline = await startBaseline(captured);
    const warm = Math.max(2, Math.round(MIXED_SECONDS / 3));
    say(`mixed load: cached reads on the baseline (${warm} s)`);
    const base = await cachedLoad(baseline.url, MIXED_CACHED, warm, CONNECTIONS);
    await baseline.stop();
    say(`mixed load: cached reads on the app alone (${warm} s)`);
    const alone = await cachedLoad(app.url, MIXED_CACHED, warm, CONNECTIONS);
    say(`mixed load: cached reads + 2 clients walking uncached searches + an application a second (${MIXED_SECONDS} s)`);
    const mixed = await mixedLoad({
      url: app.url,
      pid: app.child.pid,
      eventLoopFile,
      cachedPaths: MIXED_CACHED,
      seconds: MIXED_SECONDS,
      connections: CONNECTIONS,
      writeEveryMs: WRITE_EVERY_MS,
    });
    const rss = peakRssMb(app.child.pid);
    say(
      `mixed load: ${mixed.cached.rps.toFixed(0)} cached req/s (p99 ${mixed.cached.p99} ms), ${mixed.searches.count} searches (p99 ${mixed.searches.p99.toFixed(0)} ms)`,
    );
    return { base, alone, mixed, rss };
  } finally {
    rmSync(eventLoopFile, { force: true });
    await stopApp(app);
  }
}

function mixedReport(label, { base, alone, mixed, rss }) {
  const c = mixed.cached;
  const s = mixed.searches;
  return [
    `mixed load at ${label} (${ENGINE}), ${MIXED_SECONDS} s, ${CONNECTIONS} connections of cached reads over ${MIXED_CACHED.length} addresses:`,
    `  cached reads, static baseline alone: ${base.requests.average.toFixed(0)} req/s, p50 ${base.latency.p50} / p99 ${base.latency.p99} ms`,
    `  cached reads, app alone:             ${alone.requests.average.toFixed(0)} req/s, p50 ${alone.latency.p50} / p99 ${alone.latency.p99} ms (${(alone.requests.average / base.requests.average).toFixed(2)}× baseline)`,
    `  cached reads, app under mixed load:  ${c.rps.toFixed(0)} req/s, p50 ${c.p50} / p99 ${c.p99} ms (${(c.rps / base.requests.average).toFixed(2)}× baseline, ${(c.rps / alone.requests.average).toFixed(2)}× alone), ${c.errors} errors of ${c.requests}`,
    `  uncached searches (2 clients, pages 1–40 of broad queries): ${s.count} in ${MIXED_SECONDS} s, p50 ${s.p50.toFixed(1)} / p99 ${s.p99.toFixed(1)} ms, statuses ${JSON.stringify(s.statuses)}`,
    `  applications through the form: statuses ${JSON.stringify(mixed.writes)}`,
    `  event-loop delay (server, monitorEventLoopDelay): p50 ${mixed.eventLoop.p50} / p99 ${mixed.eventLoop.p99} / max ${mixed.eventLoop.max} ms`,
    `  server peak RSS (VmHWM, search pool included): ${rss.toFixed(0)} MB`,
  ].join("\n");
}

function uncachedReport(small, large) {
  return SEARCHES.map((path) => {
    const [a, b] = [small.get(path), large.get(path)];
    return `search uncached (a commit before each of ${UNCACHED_RUNS} requests) ${path}: p50 ${a.p50.toFixed(1)} / p99 ${a.p99.toFixed(1)} ms at 61 → p50 ${b.p50.toFixed(1)} / p99 ${b.p99.toFixed(1)} ms at ${LARGE} (p99 ${(b.p99 / a.p99).toFixed(1)}×)`;
  }).join("\n");
}

function bytesReport(rows) {
  return rows
    .map(
      (r) =>
        `first visit ${r.path} (br, gzip as sent): ${(r.total / 1024).toFixed(1)} KB = HTML ${(r.html / 1024).toFixed(1)} + JS ${(r.js / 1024).toFixed(1)} + CSS ${(r.css / 1024).toFixed(1)} KB (${r.files} files)`,
    )
    .join("\n");
}

const largeLabel = LARGE >= 1000 ? `${LARGE / 1000}k` : String(LARGE);

try {
  say(`engine: ${ENGINE}`);
  say(`cold start on an empty database (migrate + seed)`);
  let app = await startApp(dbPath, await freePort());
  const cold = app.coldStartMs;
  const js = await directoryJsGzipKb(app);
  const bytes = await transferredBytes(app.url, ["/", "/signatories", "/apply"]);
  await stopApp(app);
  console.log(bytesReport(bytes));

  if (ONLY === "mixed") {
    say(`growing the registry to ${LARGE.toLocaleString("en")} signatories`);
    synth(dbPath, LARGE - 34);
    console.log(`\n${mixedReport(largeLabel, await measureMixed())}`);
    console.log(`settings: node ${process.version}, server: node ${SERVER_ARGS.join(" ")}`);
  } else if (ONLY === "uncached") {
    say("growing the registry to 61 signatories (34 real + 27 synthetic)");
    synth(dbPath, 27);
    app = await startApp(dbPath, await freePort());
    const small = await measureUncached("61", app);
    await stopApp(app);
    say(`growing the registry to ${LARGE.toLocaleString("en")} signatories`);
    synth(dbPath, LARGE - 61);
    app = await startApp(dbPath, await freePort());
    const large = await measureUncached(String(LARGE), app);
    await stopApp(app);
    console.log(`\n${uncachedReport(small, large)}`);
    console.log(`settings: node ${process.version}, server: node ${SERVER_ARGS.join(" ")}`);
  } else {
    say("growing the registry to 61 signatories (34 real + 27 synthetic)");
    synth(dbPath, 27);
    app = await startApp(dbPath, await freePort());
    const small = await measure("61", app, PATHS);
    const uncachedSmall = await measureUncached("61", app);
    const rssSmall = peakRssMb(app.child.pid);
    await stopApp(app);

    say(`growing the registry to ${LARGE.toLocaleString("en")} signatories`);
    const t = performance.now();
    synth(dbPath, LARGE - 61);
    say(`synthesised in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    app = await startApp(dbPath, await freePort());
    const large = await measure(largeLabel, app, PATHS);
    const uncachedLarge = await measureUncached(String(LARGE), app);
    const rssLarge = peakRssMb(app.child.pid);
    await stopApp(app);
    const mixed = await measureMixed();

    console.log(`\n${table([...small, ...large])}\n`);
    const p99 = (rows, path) => rows.find((r) => r.path === path).app.p99;
    for (const path of SEARCHES) {
      // autocannon's latencies are whole milliseconds: a 0 ms p99 counts as 1 ms.
      const [a, b] = [Math.max(p99(small, path), 1), Math.max(p99(large, path), 1)];
      console.log(
        `search p99 as served ${path}: ${p99(small, path)} ms at 61 → ${p99(large, path)} ms at ${LARGE} (${(b / a).toFixed(1)}×)`,
      );
    }
    console.log(uncachedReport(uncachedSmall, uncachedLarge));
    console.log(`server peak RSS: ${rssSmall.toFixed(0)} MB at 61, ${rssLarge.toFixed(0)} MB at ${LARGE}`);
    console.log(`cold start to first 200 (empty database: migrate + seed): ${cold.toFixed(0)} ms`);
    console.log(`JavaScript for /signatories: ${js.kb.toFixed(1)} KB gzip in ${js.files} files`);
    console.log(`server: node ${SERVER_ARGS.join(" ")}`);
    console.log(
      `settings: ${CONNECTIONS} connections, ${DURATION} s a run, ${ROUNDS} alternating rounds, medians; node ${process.version}, ${readdirSync("/sys/devices/system/cpu").filter((d) => /^cpu\d+$/.test(d)).length} CPUs`,
    );
    console.log(`\n${mixedReport(largeLabel, mixed)}`);
    console.log(bytesReport(bytes));
  }
} finally {
  await cleanup();
}
