// Sliding-window rate limits counted in the database (not in memory), so a limit holds
// across restarts and across server instances.
import { takeTurns } from "../../../db/engine";
import { immediateTransaction, type DB } from "~/modules/database/db.server";

/** The first key of the PostgreSQL advisory locks on limits (the second is the limit's key hashed). */
const LIMIT_LOCK = 7_263_002;

export interface Limit {
  /** What is limited ("apply", "login-ip", "login-email"). */
  bucket: string;
  /** Who is limited (a client address, an e-mail). */
  key: string;
  /** Allowed hits per window; 0 means no limit. */
  max: number;
  windowMs: number;
}

export type LimitState = { limited: false } | { limited: true; retryAfterSeconds: number };

/** Whether the key has used up its window, without counting a new hit. */
export async function checkLimit(db: DB, limit: Limit, now = Date.now()): Promise<LimitState> {
  if (limit.max <= 0) return { limited: false };
  const since = now - limit.windowMs;
  const hits = await db
    .selectFrom("rate_limit_hits")
    .select("at_ms")
    .where("bucket", "=", limit.bucket)
    .where("key", "=", limit.key)
    .where("at_ms", ">", since)
    .orderBy("at_ms", "desc")
    .limit(limit.max)
    .execute();
  if (hits.length < limit.max) return { limited: false };
  // Free again when the oldest of the last `max` hits leaves the window.
  const oldest = Number(hits[hits.length - 1].at_ms);
  return { limited: true, retryAfterSeconds: Math.max(1, Math.ceil((oldest + limit.windowMs - now) / 1000)) };
}

export async function recordHit(db: DB, limit: Limit, now = Date.now()): Promise<void> {
  if (limit.max <= 0) return;
  await db.insertInto("rate_limit_hits").values({ bucket: limit.bucket, key: limit.key, at_ms: now }).execute();
}

/** Checks, and counts the hit when it is allowed. */
export async function consumeLimit(db: DB, limit: Limit, now = Date.now()): Promise<LimitState> {
  const state = await checkLimit(db, limit, now);
  if (!state.limited) await recordHit(db, limit, now);
  return state;
}

/** Forgets hits older than any window in use (a day), keeping the table small. */
export async function pruneHits(db: DB, now = Date.now()): Promise<void> {
  await db
    .deleteFrom("rate_limit_hits")
    .where("at_ms", "<", now - 24 * 60 * 60 * 1000)
    .execute();
}

/**
 * Makes concurrent transactions that check and count the same limits take turns, until
 * the transaction `trx` ends: on SQLite every transaction here already holds the write lock
 * from its start (BEGIN IMMEDIATE); on PostgreSQL a transaction-scoped advisory lock per
 * limit, always taken in the same order so two callers never wait on each other in a circle.
 */
export async function lockLimits(trx: DB, limits: Limit[]): Promise<void> {
  const keys = [...new Set(limits.map((l) => `${l.bucket}\n${l.key}`))].sort();
  for (const key of keys) await takeTurns(trx, LIMIT_LOCK, key);
}

export type Reservation = { limited: false; ids: number[] } | { limited: true; retryAfterSeconds: number };

/**
 * Checks every limit and, only when none is used up, counts a hit on each, as one step:
 * parallel callers take turns (BEGIN IMMEDIATE on SQLite, a transaction-scoped advisory
 * lock per key on PostgreSQL), so N requests at once never all see "one hit left".
 * The ids returned let the caller take the hits back (releaseHits) when the attempt
 * turns out not to count, e.g. a sign-in that succeeded.
 */
export async function reserveHits(db: DB, limits: Limit[], now = Date.now()): Promise<Reservation> {
  const counted = limits.filter((l) => l.max > 0);
  if (counted.length === 0) return { limited: false, ids: [] };
  return immediateTransaction(db, async (trx) => {
    await lockLimits(trx, counted);
    let worst: LimitState = { limited: false };
    for (const limit of counted) {
      const state = await checkLimit(trx, limit, now);
      if (state.limited && (!worst.limited || state.retryAfterSeconds > worst.retryAfterSeconds)) worst = state;
    }
    if (worst.limited) return worst;
    const ids: number[] = [];
    for (const limit of counted) {
      const row = await trx
        .insertInto("rate_limit_hits")
        .values({ bucket: limit.bucket, key: limit.key, at_ms: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      ids.push(Number(row.id));
    }
    return { limited: false, ids };
  });
}

/** Takes back the hits of a reservation. */
export async function releaseHits(db: DB, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom("rate_limit_hits").where("id", "in", ids).execute();
}
