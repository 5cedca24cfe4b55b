// Where SQLite and PostgreSQL differ, beyond what Kysely hides, in one module: the rest of
// the code asks these questions and stays portable. Part of db/: it imports nothing from
// app/. (The full-text search index, which differs wholesale, has its own interface in
// app/modules/database/search.server.ts; migrations use ./migrations/dialect.ts.)
import { sql, type RawBuilder } from "kysely";
import type { DB } from "./connection";
import { isPostgres } from "./migrations/dialect";

/**
 * Makes transactions that name the same `key` take turns until `trx` ends. On SQLite every
 * write transaction here already holds the database's write lock from its start (BEGIN
 * IMMEDIATE), so there is nothing to do; on PostgreSQL, a transaction-scoped advisory lock.
 * Callers taking several keys take them in one order, so two never wait on each other.
 */
export async function takeTurns(trx: DB, space: number, key?: string): Promise<void> {
  if (!isPostgres(trx)) return;
  if (key === undefined) await sql`select pg_advisory_xact_lock(${space})`.execute(trx);
  else await sql`select pg_advisory_xact_lock(${space}, hashtext(${key}))`.execute(trx);
}

/**
 * Whether `error` is a unique violation of one constraint: PostgreSQL (pg) gives SQLSTATE
 * 23505 and the constraint's name; SQLite (better-sqlite3) a message naming the column,
 * "UNIQUE constraint failed: table.column".
 */
export function isUniqueViolation(error: unknown, where: { constraint: string; column: string }): boolean {
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown } | null;
  if (!e || typeof e !== "object") return false;
  if (e.code === "23505") return e.constraint === where.constraint;
  return typeof e.message === "string" && e.message.includes(`UNIQUE constraint failed: ${where.column}`);
}

/**
 * `lower(column)` compared by code point on both engines: SQLite compares text byte by
 * byte, PostgreSQL by the database's collation (en_US and the like skip spaces and
 * punctuation), so without "C" the same page could list different rows on the two.
 */
export function sortableLower(db: DB, column: string): RawBuilder<string> {
  return isPostgres(db) ? sql<string>`lower(${sql.ref(column)}) collate "C"` : sql<string>`lower(${sql.ref(column)})`;
}
