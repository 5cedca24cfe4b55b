// Staff sessions live in the database (staff_sessions); the cookie carries only a random
// 256-bit id and the table only its SHA-256, so a copy of the database holds no usable
// session. Sign-out, deactivation and expiry are enforced here, on the server.
import { createHash, randomBytes } from "node:crypto";
import { fromFlag, toFlag } from "../../../db/booleans";
import type { DB } from "~/modules/database/db.server";
import { readCookie } from "~/utils/cookies";
import { getEnv } from "~/utils/env.server";

const IDLE_MS = 2 * 60 * 60 * 1000;
const ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** How long a correct password waits for its second factor. */
const SECOND_FACTOR_MS = 10 * 60 * 1000;
/** last_seen_at is written at most this often (a read of every page need not write). */
const TOUCH_EVERY_MS = 60 * 1000;

/** `__Host-` over https: the browser then insists on Secure, Path=/ and no Domain. */
export function sessionCookieName(): string {
  return isHttps() ? "__Host-staff_session" : "staff_session";
}

function isHttps(): boolean {
  return getEnv().PUBLIC_URL.startsWith("https:");
}

export function hashSessionId(id: string): string {
  return createHash("sha256").update(id).digest("hex");
}

function cookie(value: string, maxAgeSeconds: number): string {
  const parts = [`${sessionCookieName()}=${value}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAgeSeconds}`];
  if (isHttps()) parts.push("Secure");
  return parts.join("; ");
}

/** The Set-Cookie value that removes the session cookie. */
export function clearSessionCookie(): string {
  return cookie("", 0);
}

/** The raw session id the request's cookie carries, if it looks like one of ours. */
export function sessionIdFrom(request: Request): string | null {
  const value = readCookie(request.headers.get("Cookie"), sessionCookieName());
  return value !== undefined && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
}

export type SessionStage = "mfa" | "full";

/**
 * Starts a session with a fresh id (never one the browser brought) and returns its cookie.
 * `passkey`: a passkey opened it (STAFF_MFA=passkey asks for such sessions).
 */
export async function createSession(
  db: DB,
  staffId: number,
  stage: SessionStage,
  ip: string | null,
  options: { passkey?: boolean; now?: number } = {},
): Promise<{ idHash: string; setCookie: string }> {
  const now = options.now ?? Date.now();
  const id = randomBytes(32).toString("base64url");
  const idHash = hashSessionId(id);
  const at = new Date(now).toISOString();
  await db
    .insertInto("staff_sessions")
    .values({ id_hash: idHash, staff_id: staffId, stage, created_at: at, last_seen_at: at, ip, passkey: toFlag(options.passkey === true) })
    .execute();
  const lifetime = stage === "full" ? ABSOLUTE_MS : SECOND_FACTOR_MS;
  return { idHash, setCookie: cookie(id, Math.floor(lifetime / 1000)) };
}

export interface SessionRow {
  idHash: string;
  staffId: number;
  stage: SessionStage;
  createdAt: string;
  /** A passkey opened this session, or was registered in it. */
  passkey: boolean;
}

/** Whether a session row is still alive at `now`. */
function sessionAlive(row: { stage: SessionStage; created_at: string; last_seen_at: string }, now: number): boolean {
  const created = Date.parse(row.created_at);
  const seen = Date.parse(row.last_seen_at);
  if (row.stage === "mfa") return now - created < SECOND_FACTOR_MS;
  return now - created < ABSOLUTE_MS && now - seen < IDLE_MS;
}

/**
 * The live session of the request, or null. An expired session's row is deleted when it is
 * met, so it can never come back; a live one is marked as seen (the idle clock restarts).
 */
export async function currentSession(db: DB, request: Request, now = Date.now()): Promise<SessionRow | null> {
  const id = sessionIdFrom(request);
  if (!id) return null;
  const idHash = hashSessionId(id);
  const row = await db.selectFrom("staff_sessions").selectAll().where("id_hash", "=", idHash).executeTakeFirst();
  if (!row) return null;
  if (!sessionAlive(row, now)) {
    await db.deleteFrom("staff_sessions").where("id_hash", "=", idHash).execute();
    return null;
  }
  if (row.stage === "full" && now - Date.parse(row.last_seen_at) > TOUCH_EVERY_MS) {
    await db
      .updateTable("staff_sessions")
      .set({ last_seen_at: new Date(now).toISOString() })
      .where("id_hash", "=", idHash)
      .execute();
  }
  return { idHash, staffId: row.staff_id, stage: row.stage, createdAt: row.created_at, passkey: fromFlag(row.passkey) };
}

export async function deleteSession(db: DB, idHash: string): Promise<void> {
  await db.deleteFrom("staff_sessions").where("id_hash", "=", idHash).execute();
}

/** Ends every session of an account (deactivation, a new second factor). */
export async function deleteSessionsOf(db: DB, staffId: number): Promise<number> {
  const result = await db.deleteFrom("staff_sessions").where("staff_id", "=", staffId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Marks a session as proven by a passkey (one was registered in it). */
export async function markSessionPasskey(db: DB, idHash: string): Promise<void> {
  await db
    .updateTable("staff_sessions")
    .set({ passkey: toFlag(true) })
    .where("id_hash", "=", idHash)
    .execute();
}

/** Forgets sessions that can no longer be used (at each sign-in: the table stays small). */
export async function pruneSessions(db: DB, now = Date.now()): Promise<void> {
  await db
    .deleteFrom("staff_sessions")
    .where((eb) =>
      eb.or([
        eb("created_at", "<", new Date(now - ABSOLUTE_MS).toISOString()),
        eb("last_seen_at", "<", new Date(now - IDLE_MS).toISOString()),
        eb.and([eb("stage", "=", "mfa"), eb("created_at", "<", new Date(now - SECOND_FACTOR_MS).toISOString())]),
      ]),
    )
    .execute();
}
