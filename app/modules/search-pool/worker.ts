// One search worker (pool.server.ts): a read-only connection to the registry's SQLite file
// and the directory's own functions, so a search answers the same here as on the event
// loop; also the whole-registry figures (endorsements per pledge, the statistics, counts by
// status and by year). Each task is one read transaction: the count, the page and its
// pledges see one commit. Bundled by server/build.ts into BUILD_DIR/search-worker.js.
import { existsSync, readlinkSync, writeFileSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import { workerData } from "node:worker_threads";
import { openReadOnly } from "~/modules/database/reader.server";
import type { DB } from "~/modules/database/db.server";
import {
  directoryFacets,
  endorsementCounts,
  joinCounts,
  searchSignatories,
  statusCounts,
  type DirectoryPage,
  type Facets,
} from "~/modules/directory/directory.server";
import type { DirectoryQuery } from "~/modules/directory/query";
import { computeStats } from "~/modules/opendata/stats.server";
import type { Figure, SearchTask, TestHooks } from "./run.server";

export interface WorkerData {
  databasePath: string;
  /** The thread's scheduling priority (a nice value, 0–19). */
  nice: number;
  /** Tests only (SEARCH_TEST_HOOKS=1): a search for "zzslow" holds this thread as a long
   * SQLite step would (saying so in `releaseFile`.held), until `releaseFile` exists or for
   * `slowMs`; one for "zzstuck" for a
   * minute; one for "zzcrash" ends the thread. */
  testHooks?: TestHooks;
}

const { databasePath, nice, testHooks } = workerData as WorkerData;
const db = openReadOnly(databasePath);

/**
 * Where the cores are shared (issue 16: 2 cores, the event loop and this thread), a search
 * must not take a core from the event loop that answers cache hits: this thread runs at a
 * lower priority (SEARCH_WORKER_NICE, +10 by default), so it gets whatever CPU the event
 * loop leaves. On Linux setpriority on a thread's own id applies to that thread alone
 * (/proc/thread-self names it); elsewhere, or if refused, the thread keeps the process's.
 */
try {
  const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
  if (Number.isInteger(tid) && tid !== process.pid) setPriority(tid, Math.max(getPriority(tid), nice));
} catch {
  // Not Linux: the scheduler's default.
}

export type WorkerTask = { task: SearchTask; query: DirectoryQuery } | { task: "figure"; figure: Figure };

/** The whole-registry figures, by name: the same functions the event loop would run. */
const FIGURES: Record<Figure, (db: DB) => Promise<unknown>> = {
  endorsements: endorsementCounts,
  stats: computeStats,
  "by status": statusCounts,
  "joins by year": joinCounts,
};

export default async function run(message: WorkerTask) {
  if (message.task === "figure") return db.transaction().execute((trx) => FIGURES[message.figure](trx));
  const { task, query } = message;
  if (testHooks) {
    if (query.words.includes("zzcrash")) process.exit(1);
    // Blocks the thread (no event loop turns), as a synchronous SQLite query does.
    const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    if (query.words.includes("zzstuck")) pause(60_000);
    if (query.words.includes("zzslow")) {
      if (testHooks.releaseFile) writeFileSync(`${testHooks.releaseFile}.held`, "");
      const until = Date.now() + testHooks.slowMs;
      while (Date.now() < until && !(testHooks.releaseFile && existsSync(testHooks.releaseFile))) pause(20);
    }
  }
  return db
    .transaction()
    .execute<DirectoryPage | Facets>((trx) => (task === "search" ? searchSignatories(trx, query) : directoryFacets(trx, query)));
}
