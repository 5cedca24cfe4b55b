// Enrolling (or replacing) a staff member's authenticator. The secret comes back from the
// enrolment form sealed for this account; a right code from the new app proves it was
// scanned. Replacing one that is enrolled also needs proof that it is still the owner:
// the current authenticator's code, a recovery code or the password (a session alone
// could otherwise swap the second factor for an attacker's). New recovery codes replace
// any old ones and are returned to be shown once.
import { appendAudit } from "~/modules/audit/audit.server";
import type { DB } from "~/modules/database/db.server";
import type { StaffUser } from "./require-staff.server";
import { encryptTotpSecret, replaceRecoveryCodes, unsealEnrolment, verifyTotp } from "./mfa.server";
import { reauthenticate } from "./reauth.server";

export type EnrolResult =
  | { ok: true; recoveryCodes: string[] }
  | { ok: false; field: "code" | "form" | "reauth"; message: string; retryAfterSeconds?: number };

export async function enrolAuthenticator(
  db: DB,
  me: StaffUser,
  input: { sealed: string; code: string; reauth: string },
  requestId: string,
): Promise<EnrolResult> {
  const secret = unsealEnrolment(input.sealed, me.id);
  if (!secret) return { ok: false, field: "form", message: "This set-up form has expired. Scan the new QR code below and try again." };
  const step = await verifyTotp(secret, input.code, null);
  if (step === null) {
    return { ok: false, field: "code", message: "That code is not right. Enter the 6-digit code your app shows now." };
  }
  const replacing = me.mfaEnrolled;
  if (replacing) {
    if (input.reauth.trim() === "") {
      return { ok: false, field: "reauth", message: "Enter the code your current authenticator shows, a recovery code or your password." };
    }
    const proof = await reauthenticate(db, me, input.reauth, { password: true, secondFactor: true }, "wrong proof when replacing the authenticator", requestId);
    if (!proof.ok && proof.limited) {
      const minutes = Math.ceil(proof.retryAfterSeconds / 60);
      return {
        ok: false,
        field: "reauth",
        message: `Too many wrong answers. Try again in ${minutes === 1 ? "1 minute" : `${minutes} minutes`}.`,
        retryAfterSeconds: proof.retryAfterSeconds,
      };
    }
    if (!proof.ok) {
      return { ok: false, field: "reauth", message: "That is not a current code, an unused recovery code or your password." };
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
  return { ok: true, recoveryCodes };
}
