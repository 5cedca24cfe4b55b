// Builds only when the build is missing or older than the sources: `npm start` runs this
// file, and the tests' global setup (tests/helpers/global-setup.ts) imports buildIfNeeded.
// BUILD_DIR names the build (default ./build), as vite.config.ts and server/build.ts write it.
import { execSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** What the build is made from: a change to any of these makes the build stale. */
export const SOURCES = ["app", "db", "server", "public", "vite.config.ts", "tsconfig.json", "package.json"];

/** What `npm run build` writes, relative to the build directory: the Remix build, the
 * server's bundle and the search pool's worker (server/build.ts). */
export const OUTPUTS = ["server/index.js", "server-main.js", "search-worker.js"];

export function buildDir() {
  return resolve(ROOT, process.env.BUILD_DIR ?? "build");
}

/** Newest change below a path; a directory's own time counts, so removing a file counts too. */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** Why the build must be made again, or null when it is current. */
export function staleReason() {
  const outputs = OUTPUTS.map((output) => join(buildDir(), output));
  const missing = outputs.find((output) => !existsSync(output));
  if (missing) return `${missing} is missing`;
  const built = Math.min(...outputs.map((output) => statSync(output).mtimeMs));
  const sources = SOURCES.map((source) => join(ROOT, source)).filter(existsSync);
  return Math.max(...sources.map(newest)) > built ? "sources changed since the last build" : null;
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/**
 * Builds when stale. Processes sharing one BUILD_DIR (two test runs in one checkout) take
 * turns through a lock directory, and the second finds the first one's build current.
 */
export async function buildIfNeeded({ log = console.log } = {}) {
  if (!staleReason()) {
    log("build: up to date");
    return false;
  }
  const lock = `${buildDir()}.lock`;
  for (let waited = 0; ; waited += 250) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      // A lock older than five minutes was left by a build that died.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      if (waited % 10_000 === 0) log(`build: waiting for another build of ${buildDir()} (${lock})`);
      await sleep(250);
    }
  }
  try {
    const reason = staleReason();
    if (!reason) {
      log("build: up to date (built by another process)");
      return false;
    }
    log(`build: ${reason}, building ${buildDir()}…`);
    // The outputs get the time the build started: a source saved during the build is newer.
    const started = new Date();
    // A test runner's own settings (NODE_ENV=test, VITEST_*) stay out of the build.
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith("VITEST")) delete env[key];
    if (env.NODE_ENV === "test") delete env.NODE_ENV;
    execSync("npm run -s build", { cwd: ROOT, stdio: "inherit", env });
    for (const output of OUTPUTS) utimesSync(join(buildDir(), output), started, started);
    return true;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await buildIfNeeded();
}
