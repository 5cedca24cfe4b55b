// Where a directory search runs (issue 16, docs/decisions/023): on SQLite, in the search
// pool's worker threads (pool.server.ts) when the server started one, so a broad search
// never holds the event loop that answers cache hits; on PostgreSQL, in this process (pg
// is asynchronous) inside a read-only transaction with a statement_timeout. Either way a
// search has a time budget, and one over it is answered 503 with a message and
// Retry-After, never a hang. Without a pool (tests calling loaders, the CLIs, inside a
// worker itself) a SQLite search runs here, as it always did.
import { existsSync, writeFileSync } from "node:fs";
import { sql } from "kysely";
import { isPostgres, type DB } from "~/modules/database/db.server";
import type { DirectoryQuery } from "~/modules/directory/query";
import { log } from "~/utils/log.server";

/** What the pool's workers run: the directory's own functions, by name. */
export type SearchTask = "search" | "facets";

/** Whole-registry figures the workers compute, by name (worker.ts maps them): at 100,000
 * signatories each holds a thread for 10–300 ms, once per data version. */
export type Figure = "endorsements" | "stats" | "by status" | "joins by year";

export interface SearchRunner {
  run<T>(task: SearchTask, query: DirectoryQuery): Promise<T>;
  figure<T>(name: Figure): Promise<T>;
}

/** What every search gets, on either engine. */
export interface SearchLimits {
  /** A search (its wait for a worker included) longer than this is cancelled. */
  budgetMs: number;
  /** Seconds a 503 asks the client to wait before trying again. */
  retryAfterSeconds: number;
  /** Tests only (SEARCH_TEST_HOOKS=1): on PostgreSQL the same hooks as the worker's
   * (worker.ts), the slow ones as pg_sleep in the search's transaction. */
  testHooks?: TestHooks;
}

export interface TestHooks {
  /** How long a search for "zzslow" holds at most… */
  slowMs: number;
  /** …or until this file exists (it writes `${releaseFile}.held` when it starts holding). */
  releaseFile?: string;
}

export const DEFAULT_LIMITS: SearchLimits = { budgetMs: 3_000, retryAfterSeconds: 5 };

let runner: SearchRunner | undefined;
let limits: SearchLimits = DEFAULT_LIMITS;

/** Called by the pool when it starts (and with undefined when it stops). */
export function installSearchRunner(next: SearchRunner | undefined, nextLimits: SearchLimits = DEFAULT_LIMITS): void {
  runner = next;
  limits = nextLimits;
}

export function searchLimits(): SearchLimits {
  return limits;
}

export type Unavailable = "timeout" | "busy" | "failed";

const MESSAGES: Record<Unavailable, string> = {
  timeout: "This search took longer than the registry allows and was stopped. Please try again in a few seconds, or narrow it.",
  busy: "The registry is answering many searches right now. Please try again in a few seconds.",
  failed: "This search could not be completed. Please try again in a few seconds.",
};

/**
 * The answer to a search that could not run: 503, `{"error": {"code", "message"}}` (the
 * API's error shape; an HTML route's error boundary shows its page for it), Retry-After,
 * never cached. Thrown from a loader: a resource route returns it as it is.
 */
export function searchUnavailable(reason: Unavailable): Response {
  return Response.json(
    { error: { code: `search_${reason}`, message: MESSAGES[reason] } },
    {
      status: 503,
      headers: {
        "Retry-After": String(limits.retryAfterSeconds),
        "Cache-Control": "no-store",
        "Access-Control-Allow-Origin": "*",
      },
    },
  );
}

/**
 * Runs `task` for `query` off the event loop when a pool runs (its workers call the same
 * function, `work`, on their read-only connection), else here: on PostgreSQL under the
 * statement timeout. Over budget, busy or crashed: throws searchUnavailable's Response.
 */
export async function offEventLoop<T>(db: DB, task: SearchTask, query: DirectoryQuery, work: (db: DB) => Promise<T>): Promise<T> {
  if (isPostgres(db)) return withStatementTimeout(db, query, work);
  if (!runner) return work(db);
  try {
    return await runner.run<T>(task, query);
  } catch (error) {
    throw searchUnavailable(unavailableReason(error));
  }
}

/**
 * Computes a whole-registry figure off the event loop when a pool runs, else here (on
 * PostgreSQL the queries do not hold the event loop). A figure is never refused: when the
 * pool is busy with searches, over budget or fails, it is computed here after all, since
 * pages such as /stats and /pledges must answer; the log says so.
 */
export async function figureOffEventLoop<T>(db: DB, name: Figure, work: (db: DB) => Promise<T>): Promise<T> {
  if (isPostgres(db) || !runner) return work(db);
  try {
    return await runner.figure<T>(name);
  } catch (error) {
    log.warn({ event: "figure_on_event_loop", figure: name, reason: unavailableReason(error) });
    return work(db);
  }
}

/** What a failure of the pool means for the client. Every failure of a worker is a 503: a
 * search that crashed its thread may succeed on the next one (the pool replaces it). */
function unavailableReason(error: unknown): Unavailable {
  if (error instanceof Error && error.name === "AbortError") return "timeout";
  if (error instanceof Error && /queue is at limit|no task queue/i.test(error.message)) return "busy";
  return "failed";
}

async function testPause(trx: DB, query: DirectoryQuery, hooks: TestHooks): Promise<void> {
  if (query.words.includes("zzstuck")) await sql`select pg_sleep(60)`.execute(trx);
  if (!query.words.includes("zzslow")) return;
  if (hooks.releaseFile) writeFileSync(`${hooks.releaseFile}.held`, "");
  const until = Date.now() + hooks.slowMs;
  while (Date.now() < until && !(hooks.releaseFile && existsSync(hooks.releaseFile))) await sql`select pg_sleep(0.02)`.execute(trx);
}

async function withStatementTimeout<T>(db: DB, query: DirectoryQuery, work: (db: DB) => Promise<T>): Promise<T> {
  try {
    return await db
      .transaction()
      .setAccessMode("read only")
      .execute(async (trx) => {
        // SET takes no parameters: the budget is an integer from the configuration.
        await sql`set local statement_timeout = ${sql.raw(String(Math.trunc(limits.budgetMs)))}`.execute(trx);
        if (limits.testHooks) await testPause(trx, query, limits.testHooks);
        return work(trx);
      });
  } catch (error) {
    // 57014 query_canceled: the statement ran past statement_timeout.
    if (typeof error === "object" && error !== null && "code" in error && error.code === "57014") {
      throw searchUnavailable("timeout");
    }
    throw error;
  }
}
