// The tamper-evident audit log. Each entry's hash is SHA-256 over the previous entry's
// hash and the canonical JSON (RFC 8785) of the entry, so changing, removing or
// reordering any entry breaks every hash after it. Appends run inside the caller's
// transaction: the entry exists exactly when the action it records committed.
import { takeTurns } from "../../../db/engine";
import canonicalize from "canonicalize";
import { createHash } from "node:crypto";
import type { Selectable } from "kysely";
import type { AuditLogTable } from "../../../db/schema";
import { type DB } from "~/modules/database/db.server";

const GENESIS_HASH = "0".repeat(64);
const AUDIT_CHAIN_LOCK = 7_263_001;

export interface AuditInput {
  actor: string;
  actorLabel: string;
  action: string;
  targetType: string;
  targetId: string;
  reason?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  ip?: string | null;
}

type Entry = Selectable<AuditLogTable>;

/** The fields a hash covers: the entry's content (its place in the chain is prevHash). */
function hashOf(prevHash: string, e: Omit<Entry, "id" | "hash" | "prev_hash">): string {
  const canonical = canonicalize({
    at: e.at,
    actor: e.actor,
    actor_label: e.actor_label,
    action: e.action,
    target_type: e.target_type,
    target_id: e.target_id,
    reason: e.reason,
    before: e.before_json,
    after: e.after_json,
    ip: e.ip,
  });
  return createHash("sha256")
    .update(prevHash)
    .update(canonical ?? "")
    .digest("hex");
}

/**
 * Appends an entry. Call it with the transaction of the action it records. SQLite runs
 * one write transaction at a time, so reading the chain's head here cannot race another
 * append; on PostgreSQL an advisory lock gives the same guarantee.
 */
export async function appendAudit(trx: DB, input: AuditInput): Promise<{ id: number; hash: string }> {
  // PostgreSQL runs writers side by side: a transaction-scoped lock makes appends take
  // turns, so two can never chain onto the same head (the lock ends with the transaction).
  await takeTurns(trx, AUDIT_CHAIN_LOCK);
  const head = await trx.selectFrom("audit_log").select(["id", "hash"]).orderBy("id", "desc").limit(1).executeTakeFirst();
  const prevHash = head?.hash ?? GENESIS_HASH;
  const at = new Date().toISOString();
  const row = {
    at,
    actor: input.actor,
    actor_label: input.actorLabel,
    action: input.action,
    target_type: input.targetType,
    target_id: input.targetId,
    reason: input.reason ?? null,
    before_json: input.before ? JSON.stringify(input.before) : null,
    after_json: input.after ? JSON.stringify(input.after) : null,
    ip: input.ip ?? null,
  };
  const hash = hashOf(prevHash, row);
  const { id } = await trx
    .insertInto("audit_log")
    .values({ ...row, prev_hash: prevHash, hash })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id, hash };
}

export type ChainCheck = { ok: true; count: number } | { ok: false; count: number; brokenId: number; reason: string };

/** Recomputes the chain from the first entry; names the first entry that does not fit. */
export async function verifyAuditChain(db: DB): Promise<ChainCheck> {
  let prevHash = GENESIS_HASH;
  let count = 0;
  let lastId = 0;
  for (;;) {
    const batch = await db.selectFrom("audit_log").selectAll().where("id", ">", lastId).orderBy("id").limit(1000).execute();
    if (batch.length === 0) return { ok: true, count };
    for (const entry of batch) {
      if (entry.prev_hash !== prevHash) {
        return {
          ok: false,
          count,
          brokenId: entry.id,
          reason: "its previous-hash does not match the entry before it (an entry was removed or reordered)",
        };
      }
      if (hashOf(prevHash, entry) !== entry.hash) {
        return { ok: false, count, brokenId: entry.id, reason: "its content does not match its hash (it was changed)" };
      }
      prevHash = entry.hash;
      lastId = entry.id;
      count++;
    }
  }
}
