// npm run bench:profile -- [PATH] [--count N] [--uncached]
//
// Where the server's time goes for one address: the production server (as `npm start`
// runs it) under node's CPU profiler, on a fresh database of N signatories (default 61),
// loaded for BENCH_SECONDS (default 10) by autocannon, or with --uncached by sequential
// requests each after a commit (so every one searches and renders anew). Prints the
// functions with the most self time and keeps the .cpuprofile (for Chrome's DevTools).
// The server's own functions are in BUILD_DIR/server-main.js (server/, bundled without
// minifying, so they keep their names), the app's in BUILD_DIR/server/index.js.
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { freePort, say, startApp, stopApp, synth } from "./lib.mjs";

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const path = args.find((a, i) => a.startsWith("/") && args[i - 1] !== "--count") ?? "/api/v1/signatories?q=trend%20micro";
const count = Number(option("--count") ?? 61);
const uncached = args.includes("--uncached");
const seconds = Number(process.env.BENCH_SECONDS ?? 10);

execFileSync(process.execPath, ["scripts/build-if-needed.mjs"], { stdio: "inherit" });
const dir = mkdtempSync(join(tmpdir(), "accord-profile-"));
const dbPath = join(dir, "registry.db");

say(`preparing ${count.toLocaleString("en")} signatories in ${dir}`);
let app = await startApp(dbPath, await freePort());
await stopApp(app);
if (count > 34) synth(dbPath, count - 34);

app = await startApp(dbPath, await freePort(), ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
const url = app.url + path;
const warm = await fetch(url);
await warm.arrayBuffer();
if (warm.status !== 200) throw new Error(`${path} answered ${warm.status}`);
let requests = 0;
if (uncached) {
  say(`${path}: sequential requests, a commit before each, for ${seconds} s`);
  const db = new Database(dbPath);
  const bump = db.prepare("update data_version set version = version + 1 where id = 1");
  for (const end = performance.now() + seconds * 1000; performance.now() < end; requests++) {
    bump.run();
    await (await fetch(url)).arrayBuffer();
  }
  db.close();
} else {
  say(`${path}: autocannon, 8 connections, ${seconds} s`);
  const result = await autocannon({ url, connections: 8, duration: seconds, headers: { "accept-encoding": "identity" } });
  requests = result.requests.total;
}
await stopApp(app);

const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
const profile = JSON.parse(readFileSync(join(dir, file), "utf8"));
const here = `${pathToFileURL(process.cwd()).href}/`;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const { functionName, url: source, lineNumber } = nodes.get(id).callFrame;
  const where = source ? ` ${source.replace(here, "")}:${lineNumber + 1}` : "";
  const name = `${functionName || "(anonymous)"}${where}`;
  const dt = profile.timeDeltas[i] ?? 0;
  self.set(name, (self.get(name) ?? 0) + dt);
  total += dt;
});
console.log(`\n${requests.toLocaleString("en")} requests; self time by function (${(total / 1e6).toFixed(1)} s sampled):`);
for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
}
console.log(`\nprofile: ${join(dir, file)}`);
