// Signing in: the password step, then (when the account has an authenticator) the code
// step. Failed attempts are counted per client address and per e-mail in the database
// (LOGIN_LIMIT_PER_15MIN each); the attempt after the limit is refused with a wait, and
// the window slides, so nobody is locked out for good. Unknown e-mail, wrong password and
// deactivated account look the same from outside and cost the same work.
import { appendAudit } from "~/modules/audit/audit.server";
import type { DB } from "~/modules/db/db.server";
import { checkLimit, consumeLimit, recordHit, type Limit, type LimitState } from "~/modules/security/rate-limit.server";
import { normaliseEmail, staffActor, type Actor } from "~/modules/staff/staff.server";
import { getEnv } from "~/utils/env.server";
import { log } from "~/utils/log.server";
import { decryptTotpSecret, useRecoveryCode, verifyTotp } from "./mfa.server";
import { hashPassword, needsRehash, verifyPassword } from "./password.server";
import { createSession, deleteSession, pruneSessions } from "./session.server";

const WINDOW_MS = 15 * 60 * 1000;

function limits(email: string, ip: string): Limit[] {
  const max = getEnv().LOGIN_LIMIT_PER_15MIN;
  return [
    { bucket: "login-ip", key: ip, max, windowMs: WINDOW_MS },
    { bucket: "login-email", key: email, max, windowMs: WINDOW_MS },
  ];
}

const anonymous = (ip: string): Actor => ({ actor: "anonymous", actorLabel: "Not signed in", ip });

/** Limited when either the address or the e-mail has used up its failures. */
async function loginLimited(db: DB, email: string, ip: string, requestId: string): Promise<LimitState> {
  let worst: LimitState = { limited: false };
  for (const limit of limits(email, ip)) {
    const state = await checkLimit(db, limit);
    if (state.limited && (!worst.limited || state.retryAfterSeconds > worst.retryAfterSeconds)) worst = state;
  }
  if (worst.limited) {
    log.warn({ event: "sign_in_rate_limited", ip, requestId });
    // One audit entry per address and e-mail per window, however often the door is tried.
    const first = await consumeLimit(db, { bucket: "login-limited-audit", key: `${ip} ${email}`, max: 1, windowMs: WINDOW_MS });
    if (!first.limited) {
      await db.transaction().execute((trx) =>
        appendAudit(trx, {
          ...anonymous(ip),
          action: "auth.rate_limited",
          targetType: "login",
          targetId: email,
          reason: `too many failed sign-ins; refused for ${worst.limited ? worst.retryAfterSeconds : 0} s`,
        }),
      );
    }
  }
  return worst;
}

async function recordFailure(db: DB, email: string, ip: string, targetId: string, reason: string, requestId: string) {
  for (const limit of limits(email, ip)) await recordHit(db, limit);
  log.warn({ event: "sign_in_failed", username: email, ip, requestId, reason });
  await db.transaction().execute((trx) =>
    appendAudit(trx, { ...anonymous(ip), action: "auth.sign_in_failed", targetType: "staff", targetId, reason }),
  );
}

async function completeSignIn(db: DB, staff: { id: number; name: string; email: string }, ip: string, how: string, requestId: string) {
  const now = new Date().toISOString();
  await pruneSessions(db);
  const session = await createSession(db, staff.id, "full", ip);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("staff").set({ last_sign_in_at: now }).where("id", "=", staff.id).execute();
    await appendAudit(trx, {
      ...staffActor(staff, ip),
      action: "auth.sign_in",
      targetType: "staff",
      targetId: String(staff.id),
      reason: how,
    });
  });
  log.info({ event: "sign_in", actorId: staff.id, username: staff.email, ip, requestId });
  return session;
}

export type SignInResult =
  | { kind: "signed_in"; setCookie: string }
  | { kind: "second_factor"; setCookie: string }
  | { kind: "invalid" }
  | { kind: "limited"; retryAfterSeconds: number };

/** The password step. */
export async function signInWithPassword(
  db: DB,
  input: { email: string; password: string; ip: string; requestId: string },
): Promise<SignInResult> {
  const email = normaliseEmail(input.email);
  const limited = await loginLimited(db, email, input.ip, input.requestId);
  if (limited.limited) return { kind: "limited", retryAfterSeconds: limited.retryAfterSeconds };

  const staff = await db.selectFrom("staff").selectAll().where("email", "=", email).executeTakeFirst();
  // Always one argon2 verification: against the account's hash, or a dummy one.
  const passwordOk = await verifyPassword(staff?.password_hash ?? null, input.password);
  if (!staff || !passwordOk || staff.active !== 1) {
    const why = !staff ? "unknown e-mail" : !passwordOk ? "wrong password" : "account deactivated";
    await recordFailure(db, email, input.ip, staff ? String(staff.id) : "unknown", why, input.requestId);
    return { kind: "invalid" };
  }
  if (needsRehash(staff.password_hash)) {
    await db.updateTable("staff").set({ password_hash: await hashPassword(input.password) }).where("id", "=", staff.id).execute();
  }
  if (staff.totp_secret) {
    const session = await createSession(db, staff.id, "mfa", input.ip);
    log.info({ event: "sign_in_password_ok", actorId: staff.id, ip: input.ip, requestId: input.requestId });
    return { kind: "second_factor", setCookie: session.setCookie };
  }
  const session = await completeSignIn(db, staff, input.ip, "password", input.requestId);
  return { kind: "signed_in", setCookie: session.setCookie };
}

/**
 * The code step, for a session whose password was right: a code from the authenticator
 * (each accepted once) or an unused recovery code. Success replaces the waiting session
 * with a new one (a new id again).
 */
export async function signInWithSecondFactor(
  db: DB,
  input: { sessionHash: string; staffId: number; code: string; ip: string; requestId: string },
): Promise<SignInResult> {
  const staff = await db.selectFrom("staff").selectAll().where("id", "=", input.staffId).executeTakeFirst();
  if (!staff || staff.active !== 1 || !staff.totp_secret) {
    await deleteSession(db, input.sessionHash);
    return { kind: "invalid" };
  }
  const limited = await loginLimited(db, staff.email, input.ip, input.requestId);
  if (limited.limited) return { kind: "limited", retryAfterSeconds: limited.retryAfterSeconds };

  const secret = decryptTotpSecret(staff.totp_secret);
  let how: string | null = null;
  if (secret) {
    const step = await verifyTotp(secret, input.code, staff.totp_last_step);
    if (step !== null) {
      // Conditional: of two requests with the same code, one wins.
      const claimed = await db
        .updateTable("staff")
        .set({ totp_last_step: step })
        .where("id", "=", staff.id)
        .where((eb) => eb.or([eb("totp_last_step", "is", null), eb("totp_last_step", "<", step)]))
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 1) how = "password and authenticator code";
    }
  }
  if (!how && (await useRecoveryCode(db, staff.id, input.code))) how = "password and recovery code";
  if (!how) {
    await recordFailure(db, staff.email, input.ip, String(staff.id), "wrong authentication code", input.requestId);
    return { kind: "invalid" };
  }
  await deleteSession(db, input.sessionHash);
  const session = await completeSignIn(db, staff, input.ip, how, input.requestId);
  return { kind: "signed_in", setCookie: session.setCookie };
}

/** Sign-out: the session row goes, so the cookie is worthless even if it was copied. */
export async function signOut(db: DB, session: { idHash: string; staffId: number }, ip: string, requestId: string) {
  const staff = await db.selectFrom("staff").select(["id", "name", "email"]).where("id", "=", session.staffId).executeTakeFirst();
  await db.transaction().execute(async (trx) => {
    await deleteSession(trx, session.idHash);
    if (staff) {
      await appendAudit(trx, { ...staffActor(staff, ip), action: "auth.sign_out", targetType: "staff", targetId: String(staff.id) });
    }
  });
  log.info({ event: "sign_out", actorId: session.staffId, ip, requestId });
}
