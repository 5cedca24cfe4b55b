// Proving it is still you, for changes that decide how the account signs in (replacing
// the authenticator, changing the password): a session alone is not enough, since it may
// have been left open or stolen (ASVS 7.5.1). Wrong answers spend the same budgets as
// failed sign-ins from that address and are audited.
import { appendAudit } from "~/modules/audit/audit.server";
import type { DB } from "~/modules/database/db.server";
import { fail, ok as succeed, type Result } from "~/modules/result";
import { log } from "~/utils/log.server";
import { beginAttempt, failedAttempt, settleAttempt } from "./login.server";
import { claimTotpCode, looksLikeRecoveryCode, useRecoveryCode } from "./mfa.server";
import { verifyPassword } from "./password.server";
import type { StaffUser } from "./require-staff.server";

/** What the person may answer with. */
export type ReauthMethods = { password: boolean; secondFactor: boolean };

/**
 * Checks `answer` as the account's password and, when `methods.secondFactor`, also as a
 * current authenticator code (each accepted once) or an unused recovery code (used up).
 * `purpose` says in the audit log and the logs what it was for.
 */
export async function reauthenticate(
  db: DB,
  me: StaffUser,
  answer: string,
  methods: ReauthMethods,
  purpose: string,
  requestId: string,
): Promise<Result> {
  const ip = me.actor.ip ?? "unknown";
  const attempt = await beginAttempt(db, me.email, ip, requestId);
  if (!attempt.ok) {
    const minutes = Math.ceil(attempt.retryAfterSeconds / 60);
    const message = `Too many wrong answers. Try again in ${minutes === 1 ? "1 minute" : `${minutes} minutes`}.`;
    return fail({ kind: "limited", retryAfterSeconds: attempt.retryAfterSeconds, message });
  }
  const staff = await db
    .selectFrom("staff")
    .select(["id", "password_hash", "totp_secret", "totp_last_step"])
    .where("id", "=", me.id)
    .executeTakeFirstOrThrow();

  let ok = false;
  const otp = answer.replace(/\s+/g, "");
  if (methods.secondFactor && /^\d{6}$/.test(otp)) {
    ok = await claimTotpCode(db, staff, otp);
  } else {
    if (methods.secondFactor && looksLikeRecoveryCode(answer)) ok = await useRecoveryCode(db, staff.id, answer);
    // Passwords are at least 12 characters, so never 6 digits; one may look like a recovery code.
    if (!ok && methods.password) ok = await verifyPassword(staff.password_hash, answer);
  }

  if (ok) {
    await settleAttempt(db, attempt);
    return succeed();
  }
  await failedAttempt(db, me.email, me.id, ip, requestId);
  log.warn({ event: "reauth_failed", actorId: me.id, ip, requestId, purpose });
  await db
    .transaction()
    .execute((trx) =>
      appendAudit(trx, { ...me.actor, action: "auth.reauth_failed", targetType: "staff", targetId: String(me.id), reason: purpose }),
    );
  return fail({ kind: "unauthorised" });
}
