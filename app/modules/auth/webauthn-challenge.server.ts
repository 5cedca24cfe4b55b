// The challenges of passkey ceremonies, kept in the database (webauthn_challenges), so any
// instance can check an answer to a challenge another one issued. Each is bound to what
// asked for it (a staff session, or a visitor's anti-forgery id before sign-in), used
// once (the row is deleted when it is claimed, by a conditional delete, so of two answers
// to one challenge only one is checked) and valid for CHALLENGE_MS.
import { createHash } from "node:crypto";
import type { WebAuthnPurpose } from "../../../db/schema";
import type { DB } from "~/modules/database/db.server";

/** How long a browser has to answer a challenge. */
export const CHALLENGE_MS = 5 * 60 * 1000;

/** What a challenge is bound to, as stored: a SHA-256, never the raw id. */
export function bindingOfVisitor(csrfId: string): string {
  return createHash("sha256").update(`visitor:${csrfId}`).digest("hex");
}

export function bindingOfSession(sessionIdHash: string): string {
  return createHash("sha256").update(`session:${sessionIdHash}`).digest("hex");
}

export async function storeChallenge(
  db: DB,
  input: { challenge: string; purpose: WebAuthnPurpose; binding: string; staffId: number | null },
  now = Date.now(),
): Promise<void> {
  // Forget challenges nobody answered (the table stays small).
  await db.deleteFrom("webauthn_challenges").where("expires_at", "<", new Date(now).toISOString()).execute();
  await db
    .insertInto("webauthn_challenges")
    .values({
      challenge: input.challenge,
      purpose: input.purpose,
      binding: input.binding,
      staff_id: input.staffId,
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + CHALLENGE_MS).toISOString(),
    })
    .execute();
}

/** Why a challenge cannot be used. */
export type ChallengeProblem = "unknown" | "other_session" | "expired" | "wrong_purpose";

export type Claim = { ok: true; staffId: number | null } | { ok: false; problem: ChallengeProblem };

/**
 * Uses up the challenge an answer signed, when it was issued for `purpose` to `binding`
 * and is still valid. A challenge bound to someone else is left alone (it is theirs to
 * use); an expired one or one for another purpose is deleted all the same.
 */
export async function claimChallenge(
  db: DB,
  challenge: string,
  expected: { purpose: WebAuthnPurpose; binding: string },
  now = Date.now(),
): Promise<Claim> {
  if (challenge.length === 0 || challenge.length > 200) return { ok: false, problem: "unknown" };
  const row = await db.selectFrom("webauthn_challenges").selectAll().where("challenge", "=", challenge).executeTakeFirst();
  if (!row) return { ok: false, problem: "unknown" };
  if (row.binding !== expected.binding) return { ok: false, problem: "other_session" };
  const deleted = await db
    .deleteFrom("webauthn_challenges")
    .where("challenge", "=", challenge)
    .where("binding", "=", expected.binding)
    .executeTakeFirst();
  // Another request claimed it between the two statements: this one is the replay.
  if (Number(deleted.numDeletedRows) !== 1) return { ok: false, problem: "unknown" };
  if (Date.parse(row.expires_at) <= now) return { ok: false, problem: "expired" };
  if (row.purpose !== expected.purpose) return { ok: false, problem: "wrong_purpose" };
  return { ok: true, staffId: row.staff_id };
}
