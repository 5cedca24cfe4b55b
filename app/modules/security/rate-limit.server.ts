// Sliding-window rate limits counted in the database (not in memory), so a limit holds
// across restarts and across server instances.
import type { DB } from "~/modules/db/db.server";

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
  await db.deleteFrom("rate_limit_hits").where("at_ms", "<", now - 24 * 60 * 60 * 1000).execute();
}

/** The 429 page or JSON body's companion header. */
export function retryAfterHeaders(state: { retryAfterSeconds: number }): HeadersInit {
  return { "Retry-After": String(state.retryAfterSeconds) };
}
