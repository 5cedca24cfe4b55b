// The search pool (issue 16, docs/decisions/023): worker threads (piscina), each with a
// read-only connection to the SQLite file, that run the directory's searches and facet
// counts so that a broad search never blocks the event loop that answers cache hits.
// Bounded: SEARCH_WORKERS threads, a queue of SEARCH_QUEUE searches beyond them (then
// 503 busy), and SEARCH_BUDGET_MS per search, its wait included (then the worker running
// it is terminated and replaced, and the client gets 503 with Retry-After). Writes stay
// on the process's one connection. Started and stopped with the server
// (lifecycle.server.ts); on PostgreSQL only the budget applies (run.server.ts).
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import { z } from "zod";
import { isPostgresUrl, sqlitePath } from "../../../db/connection";
import type { DirectoryQuery } from "~/modules/directory/query";
import { log } from "~/utils/log.server";
import { installSearchRunner, type Figure, type SearchLimits, type SearchTask, type TestHooks } from "./run.server";
import type { WorkerData, WorkerTask } from "./worker";

const settingsSchema = z.object({
  // One core is the event loop's: on the 2-core machine, one search thread (measured in
  // docs/performance.md: a second one takes CPU from cache hits).
  // 0: no pool, searches on the event loop as before issue 16 (for comparisons: the bench).
  SEARCH_WORKERS: z.coerce
    .number()
    .int()
    .min(0)
    .max(64)
    .default(Math.max(1, Math.min(4, availableParallelism() - 1))),
  SEARCH_QUEUE: z.coerce.number().int().min(0).max(10_000).optional(),
  SEARCH_BUDGET_MS: z.coerce.number().int().min(10).max(600_000).default(3_000),
  SEARCH_TEST_HOOKS: z.enum(["0", "1", ""]).optional(),
  SEARCH_TEST_SLOW_MS: z.coerce.number().int().min(0).default(2_000),
  SEARCH_TEST_RELEASE_FILE: z.string().min(1).optional(),
});

export type SearchPoolSettings = z.infer<typeof settingsSchema>;

/** The pool's settings from the environment; throws naming a bad value. */
export function searchPoolSettings(env: Record<string, string | undefined> = process.env): SearchPoolSettings {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${String(issue.path[0])}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * The worker's file: BUILD_DIR/search-worker.js beside the Remix build's server/index.js
 * (which this module is part of), or worker.ts from the sources (npm run dev, under tsx,
 * whose loader the worker threads inherit).
 */
export function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith(".ts") ? join(dirname(here), "worker.ts") : join(dirname(here), "..", "search-worker.js");
}

export interface SearchPool {
  /** Threads and queued searches right now (for the bench's log line and tests). */
  stats(): { threads: number; queued: number; completed: number };
  stop(): Promise<void>;
}

/** Starts the pool for this DATABASE_URL (SQLite), or only the budget (PostgreSQL, or
 * SEARCH_WORKERS=0). */
export function startSearchPool(
  databaseUrl: string,
  settings: SearchPoolSettings = searchPoolSettings(),
  filename: string = workerFile(),
): SearchPool {
  const testHooks: TestHooks | undefined =
    settings.SEARCH_TEST_HOOKS === "1"
      ? { slowMs: settings.SEARCH_TEST_SLOW_MS, releaseFile: settings.SEARCH_TEST_RELEASE_FILE }
      : undefined;
  const limits: SearchLimits = { budgetMs: settings.SEARCH_BUDGET_MS, retryAfterSeconds: 5, testHooks };
  if (isPostgresUrl(databaseUrl) || settings.SEARCH_WORKERS === 0) {
    installSearchRunner(undefined, limits);
    return { stats: () => ({ threads: 0, queued: 0, completed: 0 }), stop: async () => installSearchRunner(undefined) };
  }
  const workerData: WorkerData = {
    databasePath: sqlitePath(databaseUrl),
    testHooks,
  };
  const pool = new Piscina({
    filename,
    minThreads: settings.SEARCH_WORKERS,
    maxThreads: settings.SEARCH_WORKERS,
    maxQueue: settings.SEARCH_QUEUE ?? settings.SEARCH_WORKERS * 8,
    // Never idle out: a thread that starts for the first search after a quiet spell would
    // add its start-up (loading the bundle, opening the file) to that search.
    idleTimeout: Infinity,
    workerData,
  });
  // A worker that fails outside a task (its start-up) is replaced by the pool; without a
  // listener the event would end the process.
  pool.on("error", (error: unknown) => log.error({ event: "search_worker_error", err: error }));
  installSearchRunner(
    {
      run: <T>(task: SearchTask, query: DirectoryQuery) =>
        pool.run({ task, query } satisfies WorkerTask, { signal: AbortSignal.timeout(limits.budgetMs) }) as Promise<T>,
      figure: <T>(figure: Figure) =>
        pool.run({ task: "figure", figure } satisfies WorkerTask, { signal: AbortSignal.timeout(limits.budgetMs) }) as Promise<T>,
    },
    limits,
  );
  let stopped: Promise<void> | undefined;
  return {
    stats: () => ({ threads: pool.threads.length, queued: pool.queueSize, completed: pool.completed }),
    stop() {
      stopped ??= (async () => {
        installSearchRunner(undefined);
        await pool.destroy();
      })();
      return stopped;
    },
  };
}
