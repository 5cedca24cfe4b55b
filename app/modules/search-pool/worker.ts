// One search worker (pool.server.ts): a read-only connection to the registry's SQLite file
// and the directory's own functions, so a search answers the same here as on the event
// loop; also the whole-registry figures (endorsements per pledge, the statistics, counts by
// status and by year). Each task is one read transaction: the count, the page and its
// pledges see one commit. Bundled by server/build.ts into BUILD_DIR/search-worker.js.
import { existsSync, writeFileSync } from "node:fs";
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
  /** Tests only (SEARCH_TEST_HOOKS=1): a search for "zzslow" holds this thread as a long
   * SQLite step would (saying so in `releaseFile`.held), until `releaseFile` exists or for
   * `slowMs`; one for "zzstuck" for a
   * minute; one for "zzcrash" ends the thread. */
  testHooks?: TestHooks;
}

const { databasePath, testHooks } = workerData as WorkerData;
const db = openReadOnly(databasePath);

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
