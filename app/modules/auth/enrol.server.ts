// Enrolling (or replacing) a staff member's authenticator. The secret comes back from the
// enrolment form sealed for this account; a right code from the new app proves it was
// scanned. Replacing one that is enrolled (or adding one beside a passkey) also needs
// proof that it is still the owner:
// the current authenticator's code, a recovery code or the password (a session alone
// could otherwise swap the second factor for an attacker's). New recovery codes replace
// any old ones and are returned to be shown once.
import { appendAudit } from "~/modules/audit/audit.server";
import type { DB } from "~/modules/database/db.server";
import { errorMessage, fail, ok, type Result } from "~/modules/result";
import type { StaffUser } from "./require-staff.server";
import { encryptTotpSecret, replaceRecoveryCodes, unsealEnrolment, verifyTotp } from "./mfa.server";
import { reauthenticate } from "./reauth.server";

/** Sets up the authenticator whose secret the form carries; the new recovery codes, or
 * why not: beside `code` or `reauth`, or for the whole form when it has expired. */
export async function enrolAuthenticator(
  db: DB,
  me: StaffUser,
  input: { sealed: string; code: string; reauth: string },
  requestId: string,
): Promise<Result<{ recoveryCodes: string[] }>> {
  const secret = unsealEnrolment(input.sealed, me.id);
  if (!secret) return fail({ kind: "invalid", message: "This set-up form has expired. Scan the new QR code below and try again." });
  const step = await verifyTotp(secret, input.code, null);
  if (step === null) {
    return fail({ kind: "invalid", errors: { code: "That code is not right. Enter the 6-digit code your app shows now." } });
  }
  const replacing = me.totpEnrolled;
  // A second factor already set up (an app, or a passkey) is the owner's: only the owner adds another.
  if (me.mfaEnrolled) {
    if (input.reauth.trim() === "") {
      return fail({
        kind: "invalid",
        errors: { reauth: "Enter the code your current authenticator shows, a recovery code or your password." },
      });
    }
    const proof = await reauthenticate(
      db,
      me,
      input.reauth,
      { password: true, secondFactor: true },
      "wrong proof when replacing the authenticator",
      requestId,
    );
    if (!proof.ok && proof.error.kind === "limited") return fail({ ...proof.error, errors: { reauth: errorMessage(proof.error) } });
    if (!proof.ok) {
      return fail({ kind: "invalid", errors: { reauth: "That is not a current code, an unused recovery code or your password." } });
    }
  }
  const recoveryCodes = await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("staff")
      .set({ totp_secret: encryptTotpSecret(secret), totp_enrolled_at: new Date().toISOString(), totp_last_step: step })
      .where("id", "=", me.id)
      .execute();
    const codes = await replaceRecoveryCodes(trx, me.id);
    // Other sessions were opened without this factor: they end.
    await trx.deleteFrom("staff_sessions").where("staff_id", "=", me.id).where("id_hash", "!=", me.sessionHash).execute();
    await appendAudit(trx, {
      ...me.actor,
      action: "auth.mfa_enrolled",
      targetType: "staff",
      targetId: String(me.id),
      before: { mfa: replacing },
      after: { mfa: true, recovery_codes: codes.length },
    });
    return codes;
  });
  return ok({ recoveryCodes });
}
