// What the benchmark scripts share: starting the production server exactly as `npm start`
// does, stopping it, free ports, and growing a database with synthetic signatories.
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer as netServer } from "node:net";

export const say = (msg) => console.log(`bench: ${msg}`);

// The server runs exactly as `npm start` runs it: its last command, node's flags included,
// with the script's `${BUILD_DIR:-build}` expanded as the shell would.
export const SERVER_ARGS = JSON.parse(readFileSync("package.json", "utf8"))
  .scripts.start.split("&&")
  .at(-1)
  .trim()
  .split(/\s+/)
  .slice(1)
  .map((arg) => arg.replace("${BUILD_DIR:-build}", process.env.BUILD_DIR ?? "build"));

export function freePort() {
  return new Promise((resolve) => {
    const s = netServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** The server on `dbPath` (a SQLite file or a postgres:// URL); `nodeArgs` go before
 * node's own flags (a profiler, say); `extraEnv` after the bench's settings. */
export async function startApp(dbPath, port, nodeArgs = [], extraEnv = {}) {
  const env = {
    ...process.env,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    DATABASE_URL: dbPath,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SESSION_SECRET: "bench-secret-bench-secret-bench-secret-0000",
    LOG_LEVEL: "warn",
    // The bench is one client address asking for thousands of uncached renders on purpose.
    READ_LIMIT_PER_MINUTE: "0",
    ...extraEnv,
  };
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, ...SERVER_ARGS], { env, stdio: ["ignore", "inherit", "inherit"] });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error("the server exited during start-up");
    try {
      const res = await fetch(`${url}/signatories`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, url, coldStartMs: performance.now() - started };
}

export function stopApp(app) {
  return new Promise((resolve) => {
    app.child.once("exit", resolve);
    app.child.kill("SIGTERM");
  });
}

/** Adds `count` synthetic signatories to the database at `dbPath` (npm run db:synth). */
export const synth = (dbPath, count) =>
  execFileSync(process.execPath, ["--import", "tsx", "app/cli/synth.ts", "--count", String(count)], {
    env: { ...process.env, DATABASE_URL: dbPath, LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
