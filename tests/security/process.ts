// The production server as a process the test owns outright: its pid (to read its memory),
// any signal (SIGKILL for crash tests, SIGTERM for shutdown tests), and a restart on the
// same database. tests/helpers/server.ts covers the usual case; this is for the tests
// that must do to the process what an operator or a power cut would.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, SERVER_ARGS } from "../helpers/server";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BUILD_DIR = process.env.BUILD_DIR ?? "build";

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  pid: number;
  output(): string;
  /** Resolves with the exit code (null when a signal ended it) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resident memory of the process in bytes (Linux /proc). */
  rss(): number;
}

/** The environment a production server gets, without the test runner's own settings. */
export function serverEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    SESSION_SECRET: randomBytes(32).toString("hex"),
    LOG_LEVEL: "warn",
    BUILD_DIR,
  };
  for (const key of Object.keys(env)) if (key.startsWith("VITEST") || key === "TEST") delete env[key];
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Runs the server as `npm start` does and waits until it is listening (or exited). */
export async function spawnServer(extra: Record<string, string | undefined>, { waitReady = true } = {}): Promise<ServerProcess> {
  const port = extra.PORT ? Number(extra.PORT) : await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, SERVER_ARGS, {
    cwd: ROOT,
    env: serverEnv({ PORT: String(port), PUBLIC_URL: url, ...extra }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (c: string) => (output += c));
  child.stderr!.setEncoding("utf8").on("data", (c: string) => (output += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  void exited.then(() => process.removeListener("exit", killOnExit));
  const server: ServerProcess = {
    url,
    port,
    child,
    pid: child.pid!,
    output: () => output,
    exited,
    rss() {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
    },
  };
  if (!waitReady) return server;
  const deadline = Date.now() + 30_000;
  let ended = false;
  void exited.then(() => (ended = true));
  while (Date.now() < deadline) {
    if (ended) throw new Error(`the server exited before it was ready:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return server;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`the server was not ready within 30 s:\n${output}`);
}

/** SIGTERM (or the signal given) and wait for the exit. */
export async function stopServer(server: ServerProcess, signal: NodeJS.Signals = "SIGTERM") {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill(signal);
  const timer = setTimeout(() => server.child.kill("SIGKILL"), 15_000);
  const result = await server.exited;
  clearTimeout(timer);
  return result;
}

/** The JSON log lines the server printed (anything else is returned as a string). */
export function logLines(output: string): (Record<string, unknown> | string)[] {
  return output
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return line;
      }
    });
}

export const dbFile = (label: string) => join(tmpdir(), `accord-${label}-${randomBytes(6).toString("hex")}.db`);
