// A staff member's own passkeys on /account: adding one (a WebAuthn registration, checked
// by passkeys.server.ts) and removing one. Both change how the account signs in, so once
// the account has a second factor, adding needs proof that it is still the owner (as
// replacing the authenticator app does, L7), and removing always does: the password, a
// current code from the app or a recovery code (reauth.server.ts). Every registration,
// removal and refusal is audited.
import type { PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import { appendAudit } from "~/modules/audit/audit.server";
import type { DB } from "~/modules/database/db.server";
import { errorMessage, fail, ok, type Result } from "~/modules/result";
import { getEnv } from "~/utils/env.server";
import { log } from "~/utils/log.server";
import { auditRefusal, checkRegistration, passkeysOf, REFUSED, registrationOptions } from "./passkeys.server";
import { reauthenticate } from "./reauth.server";
import type { StaffUser } from "./require-staff.server";
import { markSessionPasskey } from "./session.server";
import { bindingOfSession } from "./webauthn-challenge.server";

const PROOF_WANTED = "Enter your password, the code your authenticator app shows now, or an unused recovery code.";
const PROOF_WRONG = "That is not your password, a current code or an unused recovery code.";

/** Checks the owner's proof; a failure as the form shows it, beside `reauth`. */
async function proveOwner(db: DB, me: StaffUser, answer: string, purpose: string, requestId: string): Promise<Result> {
  if (answer.trim() === "") return fail({ kind: "invalid", errors: { reauth: PROOF_WANTED } });
  const proof = await reauthenticate(db, me, answer, { password: true, secondFactor: true }, purpose, requestId);
  if (proof.ok) return proof;
  if (proof.error.kind === "limited") return fail({ ...proof.error, errors: { reauth: errorMessage(proof.error) } });
  return fail({ kind: "unauthorised", errors: { reauth: PROOF_WRONG } });
}

// An administrator set the password and still knows it: a passkey added before the person
// chose their own would be a way in that outlives the password change.
const OWN_PASSWORD_FIRST = "Choose your own password first (above); then add a passkey.";

/** The options for adding a passkey in this session (the browser asks for them first). */
export async function passkeyRegistrationOptions(db: DB, me: StaffUser): Promise<Result<PublicKeyCredentialCreationOptionsJSON>> {
  if (me.mustChangePassword) return fail({ kind: "invalid", message: OWN_PASSWORD_FIRST });
  const options = await registrationOptions(db, me, bindingOfSession(me.sessionHash));
  return options ? ok(options) : fail({ kind: "invalid", message: REFUSED.unavailable.message });
}

/**
 * Stores the passkey a registration answer describes, under `name`. The answer must sign
 * the challenge issued to this session, for this registry; the session then counts as
 * opened with a passkey (STAFF_MFA=passkey lets it in).
 */
export async function registerPasskey(
  db: DB,
  me: StaffUser,
  input: { credential: string; name: string; reauth: string },
  requestId: string,
): Promise<Result<{ name: string }>> {
  if (me.mustChangePassword) return fail({ kind: "invalid", message: OWN_PASSWORD_FIRST });
  if (input.credential.trim() === "") {
    return fail({ kind: "invalid", message: "Adding a passkey needs JavaScript in this browser: turn it on for this site and try again." });
  }
  if (me.mfaEnrolled) {
    const proof = await proveOwner(db, me, input.reauth, "wrong proof when adding a passkey", requestId);
    if (!proof.ok) return proof;
  }
  const check = await checkRegistration(db, me.id, input.credential, bindingOfSession(me.sessionHash));
  if (!check.ok) {
    log.warn({ event: "passkey_refused", staffId: me.id, ip: me.actor.ip, requestId, reason: check.refusal.audit });
    await auditRefusal(db, { actor: me.actor, staffId: me.id, step: "registration", refusal: check.refusal });
    return fail({ kind: "unauthorised", message: check.refusal.message });
  }
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("staff_passkeys")
      .values({ ...check.passkey, staff_id: me.id, name: input.name, created_at: now, last_used_at: null })
      .execute();
    await markSessionPasskey(trx, me.sessionHash);
    await appendAudit(trx, {
      ...me.actor,
      action: "auth.passkey_registered",
      targetType: "staff",
      targetId: String(me.id),
      after: {
        passkey: input.name,
        backup_eligible: check.passkey.backup_eligible === 1,
        backed_up: check.passkey.backed_up === 1,
        aaguid: check.passkey.aaguid,
        passkeys: me.passkeys + 1,
      },
    });
  });
  log.info({ event: "passkey_registered", staffId: me.id, ip: me.actor.ip, requestId });
  return ok({ name: input.name });
}

/**
 * Removes one of the account's passkeys, after the owner's proof. The last second factor
 * the configuration requires cannot go (STAFF_MFA=passkey: the last passkey;
 * STAFF_MFA=required: the last passkey of an account without an authenticator app).
 */
export async function removePasskey(
  db: DB,
  me: StaffUser,
  input: { id: number; reauth: string },
  requestId: string,
): Promise<Result<{ name: string }>> {
  const mine = await passkeysOf(db, me.id);
  const passkey = mine.find((p) => p.id === input.id);
  if (!passkey) return fail({ kind: "not_found", message: "That passkey is not one of yours, or it was removed already." });
  const mode = getEnv().STAFF_MFA;
  if (mine.length === 1 && mode === "passkey") {
    return fail({
      kind: "conflict",
      message: "The registry requires a passkey for staff: add another passkey before you remove this one.",
    });
  }
  if (mine.length === 1 && mode === "required" && !me.totpEnrolled) {
    return fail({
      kind: "conflict",
      message: "The registry requires two-step sign-in: add another passkey or set up an authenticator app before you remove this one.",
    });
  }
  const proof = await proveOwner(db, me, input.reauth, "wrong proof when removing a passkey", requestId);
  if (!proof.ok) return proof;
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("staff_passkeys").where("id", "=", passkey.id).where("staff_id", "=", me.id).execute();
    await appendAudit(trx, {
      ...me.actor,
      action: "auth.passkey_removed",
      targetType: "staff",
      targetId: String(me.id),
      before: { passkey: passkey.name, created_at: passkey.created_at, last_used_at: passkey.last_used_at },
      after: { passkeys: mine.length - 1 },
    });
  });
  log.info({ event: "passkey_removed", staffId: me.id, ip: me.actor.ip, requestId });
  return ok({ name: passkey.name });
}
