// The database connection (SQLite or PostgreSQL), its migrations and transactions. Part of
// db/: it imports nothing from app/ (the app gives it what it needs, such as a logger).
import Sqlite from "better-sqlite3";
import { CompiledQuery, Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Driver } from "kysely";
import { isPostgres } from "./migrations/dialect";
import pg from "pg";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { migrationProvider } from "./migrations";
import { listenForDataVersion, PushedVersion, type ListenerOptions } from "./pushed-version";
import type { Database } from "./schema";

export type DB = Kysely<Database>;

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export { isPostgres } from "./migrations/dialect";

/** The SQLite file a DATABASE_URL names (`file:PATH` or a plain path). */
export function sqlitePath(url: string): string {
  if (isPostgresUrl(url)) throw new Error("DATABASE_URL names PostgreSQL; this needs a SQLite file");
  return resolve(url.replace(/^file:(\/\/)?/, ""));
}

// COUNT(*) and bigint columns arrive as strings by default; every such value here (ids,
// counts, millisecond times) fits a JavaScript number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface OpenOptions {
  /** Told when PostgreSQL ends an idle pooled connection (the pool opens a new one). */
  onConnectionLost?: (message: string) => void;
}

export function openDatabase(url: string, options: OpenOptions = {}): DB {
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({ connectionString: url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
    // An idle connection that the server ends (a restart, a failover) must not crash the
    // process: the pool drops it and opens a new one for the next query.
    pool.on("error", (error) => options.onConnectionLost?.(error.message));
    const pushed = new PushedVersion();
    // Every connection the pool opens reports the statements that may have written: the
    // one place this process's own writes are seen (docs/decisions/025).
    pool.on("connect", (client) => reportWrites(client, () => pushed.wrote()));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    pushedVersions.set(db, { url, pushed });
    return db;
  }
  const path = sqlitePath(url);
  mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Sqlite(path);
  sqlite.pragma("journal_mode = WAL");
  // FULL: an acknowledged write survives power loss, not just a process crash.
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
  sqliteFiles.set(db, path);
  return db;
}

/**
 * Every transaction takes the write lock at its start (BEGIN IMMEDIATE, not Kysely's
 * deferred BEGIN). A deferred transaction that reads, then writes after another process
 * (a CLI: db:synth, db:import, user:create) committed, fails at once with "database is
 * locked" instead of waiting busy_timeout: issue 6's backup-under-load test found it.
 * Within the process nothing changes (Kysely runs one transaction at a time).
 */
class ImmediateSqliteDialect extends SqliteDialect {
  createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection) => {
      await connection.executeQuery(CompiledQuery.raw("begin immediate"));
    };
    return driver;
  }
}

const sqliteFiles = new WeakMap<DB, string>();
const committedReaders = new Map<string, Sqlite.Database>();

/**
 * SQLite only: a second, read-only connection to the same file. In WAL mode it sees
 * committed data only, and it never waits behind the main connection, whose queries
 * Kysely runs one at a time (a transaction holds it until it ends). For small, frequent
 * reads of committed state (the data version).
 */
export function committedReader(db: DB): Sqlite.Database | undefined {
  const path = sqliteFiles.get(db);
  if (!path) return undefined;
  let reader = committedReaders.get(path);
  if (!reader) {
    reader = new Sqlite(path, { readonly: true, fileMustExist: true });
    reader.pragma("busy_timeout = 5000");
    committedReaders.set(path, reader);
  }
  return reader;
}

const pushedVersions = new WeakMap<DB, { url: string; pushed: PushedVersion; listener?: { stop(): Promise<void> } }>();

/**
 * PostgreSQL only: starts the process's listener of data-version notifications (once; it
 * stops with closeDatabase). Only a process that serves requests needs one: the server
 * starts it after its migrations (lifecycle.server.ts); tests, CLIs and the search
 * workers read the version instead.
 */
export function listenForDataVersionChanges(db: DB, options: ListenerOptions = {}): void {
  const state = pushedVersions.get(db);
  if (state && !state.listener) state.listener = listenForDataVersion(state.url, state.pushed, options);
}

/** PostgreSQL: the pushed data version while it is known to be current (pushed-version.ts). */
export function pushedDataVersion(db: DB): number | undefined {
  return pushedVersions.get(db)?.pushed.current();
}

/** Statements that cannot change committed data; anything else (insert, update, delete,
 * commit, with …, set, explain analyze …) counts as a write. */
const READ_ONLY = /^\s*(select|begin|start transaction|rollback|savepoint|release|show)\b/i;

/**
 * Makes a pooled client call `wrote` when a statement that may write has finished (done
 * or failed: a failed commit is told too, which costs one read and nothing else), before
 * its caller goes on, so a request that wrote never sees the version from before it.
 */
function reportWrites(client: pg.PoolClient, wrote: () => void): void {
  const query: (...args: unknown[]) => unknown = client.query.bind(client);
  const patched = (...args: unknown[]): unknown => {
    const first = args[0];
    const text = typeof first === "string" ? first : (first as { text?: unknown } | undefined)?.text;
    if (typeof text === "string" && READ_ONLY.test(text)) return query(...args);
    const last = args.at(-1);
    if (typeof last === "function") {
      args[args.length - 1] = (...result: unknown[]) => {
        wrote();
        return last(...result);
      };
      return query(...args);
    }
    // A submittable (a cursor: Kysely's streams): told when the server says it is done.
    const submittable = first as { submit?: unknown; handleReadyForQuery?: (...a: unknown[]) => unknown } | undefined;
    if (typeof submittable?.submit === "function" && typeof submittable.handleReadyForQuery === "function") {
      const ready = submittable.handleReadyForQuery.bind(submittable);
      submittable.handleReadyForQuery = (...a: unknown[]) => {
        wrote();
        return ready(...a);
      };
      return query(...args);
    }
    const result = query(...args);
    if (result instanceof Promise) {
      return result.then(
        (value: unknown) => {
          wrote();
          return value;
        },
        (error: unknown) => {
          wrote();
          throw error;
        },
      );
    }
    wrote();
    return result;
  };
  Object.assign(client, { query: patched });
}

/** Closes a database opened here, its committed-data reader and its listener included. */
export async function closeDatabase(db: DB): Promise<void> {
  const state = pushedVersions.get(db);
  if (state?.listener) {
    await state.listener.stop();
    state.listener = undefined;
  }
  const path = sqliteFiles.get(db);
  if (path) {
    committedReaders.get(path)?.close();
    committedReaders.delete(path);
  }
  await db.destroy();
}

/** Applies pending migrations; throws (never half-starts) when one fails. */
export async function migrateToLatest(db: DB): Promise<string[]> {
  // Unordered: migrations written on parallel branches may land out of name order.
  const migrator = new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    const cause = error instanceof Error ? error.message : String(error ?? "");
    throw new Error(`Migration ${failed?.migrationName ?? ""} failed: ${cause}`.trim());
  }
  return (results ?? []).map((r) => r.migrationName);
}

/**
 * A write transaction that takes SQLite's write lock at its start (BEGIN IMMEDIATE), so
 * a command-line writer waits its turn (busy_timeout) instead of failing half-way with
 * SQLITE_BUSY when the server writes at the same time.
 */
export async function immediateTransaction<T>(db: DB, work: (trx: DB) => Promise<T>): Promise<T> {
  if (isPostgres(db)) return db.transaction().execute(work);
  return db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await work(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn);
      throw error;
    }
  });
}
