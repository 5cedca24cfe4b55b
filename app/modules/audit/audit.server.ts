// The tamper-evident audit log. Each entry's hash is SHA-256 over the previous entry's
// hash and the canonical JSON (RFC 8785) of the entry, so changing, removing or
// reordering any entry breaks every hash after it. Appends run inside the caller's
// transaction: the entry exists exactly when the action it records committed.
//
// What may have to be erased one day never enters the chain itself (issue 13,
// docs/decisions/017): an entry's erasable part (what a moderator wrote about an
// application, which can name its contact) is kept in personal_json with a random salt,
// and the hash covers only its SHA-256. Erasing the part (eraseAuditPersonalData) leaves
// the digest: the chain still verifies, and without the salt the digest reveals nothing.
import { takeTurns } from "../../../db/engine";
import canonicalize from "canonicalize";
import { createHash, randomBytes } from "node:crypto";
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
  /** Text that may name a person outside the staff (an applicant's contact): kept out of
   * the chain, erasable. Shown with the entry until it is erased. */
  personal?: Record<string, string> | null;
}

/** The erasable part of an entry as stored: the values and the salt of its digest. */
export interface PersonalPart {
  salt: string;
  values: Record<string, string>;
}

type Entry = Selectable<AuditLogTable>;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The fields a hash covers: the entry's content (its place in the chain is prevHash), and
 * the digest of its erasable part when it has one (entries without one hash as before). */
function hashOf(prevHash: string, e: Omit<Entry, "id" | "hash" | "prev_hash" | "personal_json" | "personal_erased_at">): string {
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
    ...(e.personal_digest === null ? {} : { personal: e.personal_digest }),
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
  const personal =
    input.personal && Object.keys(input.personal).length > 0
      ? JSON.stringify({ salt: randomBytes(16).toString("hex"), values: input.personal } satisfies PersonalPart)
      : null;
  const personalDigest = personal === null ? null : sha256(personal);
  const hash = hashOf(prevHash, { ...row, personal_digest: personalDigest });
  const { id } = await trx
    .insertInto("audit_log")
    .values({ ...row, personal_json: personal, personal_digest: personalDigest, personal_erased_at: null, prev_hash: prevHash, hash })
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
      // An erased part is simply absent; one that is there must be the one the chain covers.
      if (entry.personal_json !== null && (entry.personal_digest === null || sha256(entry.personal_json) !== entry.personal_digest)) {
        return {
          ok: false,
          count,
          brokenId: entry.id,
          reason: "its erasable part does not match the digest its hash covers (it was changed)",
        };
      }
      prevHash = entry.hash;
      lastId = entry.id;
      count++;
    }
  }
}

/** The values of an entry's erasable part, or null when it has none or it was erased. */
export function personalValues(personalJson: string | null): Record<string, string> | null {
  if (personalJson === null) return null;
  try {
    return (JSON.parse(personalJson) as PersonalPart).values;
  } catch {
    return null;
  }
}

/**
 * Erases the erasable parts of the entries about these targets (an application's
 * reference): the text and its salt go, the digest the chain covers stays. Returns how
 * many entries had something to erase.
 */
export async function eraseAuditPersonalData(trx: DB, targetType: string, targetIds: string[], at = new Date()): Promise<number> {
  if (targetIds.length === 0) return 0;
  let erased = 0;
  for (let i = 0; i < targetIds.length; i += 500) {
    const result = await trx
      .updateTable("audit_log")
      .set({ personal_json: null, personal_erased_at: at.toISOString() })
      .where("target_type", "=", targetType)
      .where("target_id", "in", targetIds.slice(i, i + 500))
      .where("personal_json", "is not", null)
      .executeTakeFirst();
    erased += Number(result.numUpdatedRows);
  }
  return erased;
}
