// The production server (`node build/server-main.js`, as `npm start` runs it) in a child
// process, for the browser and HTTP tests: a free port on 127.0.0.1 and a throw-away
// database (see engine.ts) that the server migrates and seeds at start-up, exactly as
// `npm start` does.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { dropDatabase, freshDatabaseUrl } from "./engine";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
// BUILD_DIR lets several builds live side by side (as npm run build and npm start read it).
const BUILD_DIR = process.env.BUILD_DIR ?? "build";
const START_TIMEOUT_MS = 30_000;

/** node's arguments exactly as `npm start` runs the server (its flags included), as the
 * bench does: memory figures measured in tests are those of the real server. The script's
 * `${BUILD_DIR:-build}` is expanded as the shell would. */
export const SERVER_ARGS: string[] = (
  JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } }
).scripts.start
  .split("&&")
  .at(-1)!
  .trim()
  .split(/\s+/)
  .slice(1)
  .map((arg) => arg.replace("${BUILD_DIR:-build}", BUILD_DIR));

/** What the server runs: the Remix build and the server's bundle beside it. */
const BUILD_OUTPUTS = [join(BUILD_DIR, "server", "index.js"), SERVER_ARGS.at(-1)!].map((file) => resolve(ROOT, file));
const STOP_TIMEOUT_MS = 15_000;

export interface TestServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Everything the server printed so far (stdout and stderr, interleaved). */
  output(): string;
  /** SIGTERM, wait for the process to exit, then delete its database files. */
  stop(): Promise<void>;
  /** How the process ended (after stop()): its exit code, or null when killed by a signal. */
  exitCode(): number | null;
  /** The server's DATABASE_URL (a SQLite file, or a PostgreSQL database). */
  databasePath: string;
}

/** A port nobody listens on right now: bind port 0, note what the kernel gave, close. */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error("could not find a free port"))));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startServer(extraEnv: Record<string, string> = {}): Promise<TestServer> {
  const missing = BUILD_OUTPUTS.find((file) => !existsSync(file));
  if (missing) {
    throw new Error(
      `The production build is missing (${missing}). Run \`npm run build\` first ` + "(`npm test` builds before it runs the tests).",
    );
  }

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dbPath = extraEnv.DATABASE_URL ?? (await freshDatabaseUrl("e2e"));

  // The test runner's own settings (NODE_ENV=test, its DATABASE_URL, VITEST_*) stay out.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    DATABASE_URL: dbPath,
    PUBLIC_URL: url,
    SESSION_SECRET: randomBytes(32).toString("hex"),
    LOG_LEVEL: "warn",
    // No scheduled security.txt checks (issue 18): they would look up the seed's real
    // domains. A test that wants them sets the interval and its own DNS_SERVERS.
    SECURITY_TXT_INTERVAL_HOURS: "0",
    ...extraEnv,
  };
  for (const key of Object.keys(env)) if (key.startsWith("VITEST") || key === "TEST") delete env[key];

  const child = spawn(process.execPath, SERVER_ARGS, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));

  // Never leave a server behind, even when the test process ends abruptly.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  // A database the caller passed in is the caller's to remove.
  const removeDatabase = () => (extraEnv.DATABASE_URL ? Promise.resolve() : dropDatabase(dbPath));
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      process.removeListener("exit", killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
        await exited(child);
        clearTimeout(timer);
      }
      await removeDatabase();
    })();
    return stopped;
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  let lastProblem = "no answer yet";
  while (Date.now() < deadline) {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(
        `The server exited before it was ready (${spawnError?.message ?? `exit code ${child.exitCode}, signal ${child.signalCode}`}).\n` +
          `--- server output ---\n${output}`,
      );
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) {
        return { url, output: () => output, stop, exitCode: () => child.exitCode, databasePath: dbPath };
      }
      lastProblem = `GET /healthz answered ${response.status}`;
    } catch (error) {
      lastProblem = error instanceof Error ? `${error.message}${error.cause ? ` (${String(error.cause)})` : ""}` : String(error);
    }
    await sleep(150);
  }
  await stop();
  throw new Error(
    `The server at ${url} was not ready within ${START_TIMEOUT_MS / 1000} s (${lastProblem}).\n` + `--- server output ---\n${output}`,
  );
}
