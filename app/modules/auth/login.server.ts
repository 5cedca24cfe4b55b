// Signing in: the password step, then (when the account has an authenticator) the code
// step. Failed attempts are counted in the database, in two budgets of
// LOGIN_LIMIT_PER_15MIN each: per client address, and per account and client address.
// So one address can neither try many accounts nor hammer one, while failures from
// elsewhere never lock the owner out (a budget keyed by the e-mail alone let anyone do
// that). Failures on an account from all addresses together are only counted, and a
// warning is logged once per window when they reach the budget.
// Each attempt reserves its place in the budgets before the password is verified (so
// parallel attempts cannot all pass one check) and gives it back when it succeeds (so
// successes spend nothing). The window slides: nobody is locked out for good. Unknown
// e-mail, wrong password and deactivated account look the same from outside and cost
// the same work.
import { fromFlag } from "../../../db/booleans";
import { appendAudit } from "~/modules/audit/audit.server";
import type { DB } from "~/modules/database/db.server";
import { fail, ok, type Result } from "~/modules/result";
import { checkLimit, recordHit, releaseHits, reserveHits, type Limit } from "~/modules/security/rate-limit.server";
import { staffEmail, staffActor, type Actor } from "~/modules/staff/staff.server";
import { getEnv } from "~/utils/env.server";
import { log } from "~/utils/log.server";
import { claimTotpCode, useRecoveryCode } from "./mfa.server";
import { authenticationOptions, auditRefusal, checkAssertion, passkeyCount, passkeysOf, REFUSED } from "./passkeys.server";
import { hashPassword, needsRehash, verifyPassword } from "./password.server";
import { bindingOfSession, bindingOfVisitor } from "./webauthn-challenge.server";
import { clearSessionCookie, createSession, currentSession, deleteSession, pruneSessions } from "./session.server";

const WINDOW_MS = 15 * 60 * 1000;

/** The budgets an attempt from `ip` on the account `email` spends. */
function budgets(email: string, ip: string): Limit[] {
  const max = getEnv().LOGIN_LIMIT_PER_15MIN;
  return [
    { bucket: "login-ip", key: ip, max, windowMs: WINDOW_MS },
    { bucket: "login-account-ip", key: `${email} ${ip}`, max, windowMs: WINDOW_MS },
  ];
}

/** Failures on an account from every address: counted to be noticed, never to refuse. */
function accountFailures(email: string): Limit {
  return { bucket: "login-email", key: email, max: getEnv().LOGIN_LIMIT_PER_15MIN, windowMs: WINDOW_MS };
}

const anonymous = (ip: string): Actor => ({ actor: "anonymous", actorLabel: "Not signed in", ip });

export type Attempt = { ok: true; ids: number[] } | { ok: false; retryAfterSeconds: number };

/**
 * Reserves one failure in the budgets of `email` from `ip` before a secret is checked;
 * refused (with the wait) when either is used up. The reservation stays when the secret
 * was wrong and is given back (settleAttempt) when it was right.
 */
export async function beginAttempt(db: DB, email: string, ip: string, requestId: string): Promise<Attempt> {
  const reservation = await reserveHits(db, budgets(email, ip));
  if (!reservation.limited) return { ok: true, ids: reservation.ids };
  log.warn({ event: "sign_in_rate_limited", ip, requestId });
  // One audit entry per address per window, however many e-mails it tries: the log is
  // append-only, so what an attacker types must not be able to fill it. The e-mail that
  // met the limit is the entry's target (shown to admins only); the reason is ours.
  const first = await reserveHits(db, [{ bucket: "login-limited-audit", key: ip, max: 1, windowMs: WINDOW_MS }]);
  if (!first.limited) {
    await db.transaction().execute((trx) =>
      appendAudit(trx, {
        ...anonymous(ip),
        action: "auth.rate_limited",
        targetType: "login",
        targetId: email.slice(0, 254),
        reason: `too many failed sign-ins from this address; refused for ${reservation.retryAfterSeconds} s`,
      }),
    );
  }
  return { ok: false, retryAfterSeconds: reservation.retryAfterSeconds };
}

/** A right secret takes its reservation back: successes spend no budget. */
export async function settleAttempt(db: DB, attempt: { ids: number[] }): Promise<void> {
  await releaseHits(db, attempt.ids);
}

/**
 * A wrong secret: its reservation stays; the account's failures from all addresses are
 * counted, and reaching the budget is logged once per window (a sign of a distributed
 * guess at one account, which the per-address budgets alone do not show).
 */
export async function failedAttempt(db: DB, email: string, staffId: number | null, ip: string, requestId: string): Promise<void> {
  const all = accountFailures(email);
  await recordHit(db, all);
  if (staffId === null || !(await checkLimit(db, all)).limited) return;
  const first = await reserveHits(db, [{ bucket: "login-saturated-log", key: email, max: 1, windowMs: WINDOW_MS }]);
  if (!first.limited) {
    log.warn({
      event: "sign_in_account_saturated",
      staffId,
      username: email,
      failures: all.max,
      windowMinutes: WINDOW_MS / 60_000,
      ip,
      requestId,
    });
  }
}

async function recordFailure(db: DB, email: string, staffId: number | null, ip: string, reason: string, requestId: string) {
  await failedAttempt(db, email, staffId, ip, requestId);
  log.warn({ event: "sign_in_failed", username: email, ip, requestId, reason });
  await db.transaction().execute((trx) =>
    appendAudit(trx, {
      ...anonymous(ip),
      action: "auth.sign_in_failed",
      targetType: "staff",
      targetId: staffId === null ? "unknown" : String(staffId),
      reason,
    }),
  );
}

async function completeSignIn(
  db: DB,
  staff: { id: number; name: string; email: string },
  ip: string,
  how: string,
  requestId: string,
  passkey?: { name: string; counter: number; backedUp: boolean },
) {
  const now = new Date().toISOString();
  await pruneSessions(db);
  const session = await createSession(db, staff.id, "full", ip, { passkey: passkey !== undefined });
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("staff").set({ last_sign_in_at: now }).where("id", "=", staff.id).execute();
    await appendAudit(trx, {
      ...staffActor(staff, ip),
      action: "auth.sign_in",
      targetType: "staff",
      targetId: String(staff.id),
      reason: how,
      // A passkey's use: which one, its signature counter and backup state as it answered.
      after: passkey ? { passkey: passkey.name, counter: passkey.counter, backed_up: passkey.backedUp } : null,
    });
  });
  log.info({ event: "sign_in", actorId: staff.id, username: staff.email, ip, requestId });
  return session;
}

/** What a sign-in step gives the browser: its new session cookie, and whether a second
 * factor is still to come. */
export type SignedIn = { setCookie: string; next: "done" | "second_factor" };

export const WRONG_PASSWORD = "The e-mail address or password is not right.";
const WRONG_CODE = "That code is not right, or it was used already. Try the next one your app shows.";
const TOO_SLOW = "Your sign-in took too long. Please enter your e-mail and password again.";
const PASSKEY_REQUIRED = "The registry asks for your passkey to sign in: use it above.";

function minutes(seconds: number) {
  const m = Math.ceil(seconds / 60);
  return m === 1 ? "1 minute" : `${m} minutes`;
}

const limited = (retryAfterSeconds: number, what: "sign-ins" | "attempts") =>
  fail({ kind: "limited", retryAfterSeconds, message: `Too many failed ${what}. Try again in ${minutes(retryAfterSeconds)}.` });

/** The second factors a sign-in may finish with: the authenticator app (and its recovery
 * codes) unless STAFF_MFA=passkey asks for the account's passkey, and its passkeys. */
export type SecondFactors = { totp: boolean; passkey: boolean };

function secondFactorsOf(staff: { totp_secret: string | null }, passkeys: number): SecondFactors {
  const passkey = passkeys > 0;
  return { totp: staff.totp_secret !== null && !(passkey && getEnv().STAFF_MFA === "passkey"), passkey };
}

/** Which step the browser's sign-in is at: the code (or passkey), when its password was
 * right, with the second factors it may use. */
export async function signInStep(db: DB, request: Request): Promise<{ step: "password" } | ({ step: "code" } & SecondFactors)> {
  const session = await currentSession(db, request);
  if (session?.stage !== "mfa") return { step: "password" };
  const staff = await db.selectFrom("staff").select(["totp_secret"]).where("id", "=", session.staffId).executeTakeFirst();
  if (!staff) return { step: "password" };
  return { step: "code", ...secondFactorsOf(staff, await passkeyCount(db, session.staffId)) };
}

/** Starts again: the half-finished sign-in's session ends. The cookie to send back. */
export async function cancelSignIn(db: DB, request: Request): Promise<string> {
  const session = await currentSession(db, request);
  if (session) await deleteSession(db, session.idHash);
  return clearSessionCookie();
}

/**
 * The password step. A session the browser already had (of this or another account)
 * ends first: sign-in always starts a new one with a new id.
 */
export async function signInWithPassword(
  db: DB,
  request: Request,
  input: { email: string; password: string; ip: string; requestId: string },
): Promise<Result<SignedIn>> {
  const previous = await currentSession(db, request);
  if (previous) await deleteSession(db, previous.idHash);
  const email = staffEmail(input.email);
  const attempt = await beginAttempt(db, email, input.ip, input.requestId);
  if (!attempt.ok) return limited(attempt.retryAfterSeconds, "sign-ins");

  const staff = await db.selectFrom("staff").selectAll().where("email", "=", email).executeTakeFirst();
  // Always one argon2 verification: against the account's hash, or a dummy one.
  const passwordOk = await verifyPassword(staff?.password_hash ?? null, input.password);
  if (!staff || !passwordOk || !fromFlag(staff.active)) {
    const why = !staff ? "unknown e-mail" : !passwordOk ? "wrong password" : "account deactivated";
    await recordFailure(db, email, staff ? staff.id : null, input.ip, why, input.requestId);
    return fail({ kind: "unauthorised", message: WRONG_PASSWORD });
  }
  await settleAttempt(db, attempt);
  if (needsRehash(staff.password_hash)) {
    await db
      .updateTable("staff")
      .set({ password_hash: await hashPassword(input.password) })
      .where("id", "=", staff.id)
      .execute();
  }
  if (staff.totp_secret || (await passkeyCount(db, staff.id)) > 0) {
    const session = await createSession(db, staff.id, "mfa", input.ip);
    log.info({ event: "sign_in_password_ok", actorId: staff.id, ip: input.ip, requestId: input.requestId });
    return ok({ setCookie: session.setCookie, next: "second_factor" });
  }
  const session = await completeSignIn(db, staff, input.ip, "password", input.requestId);
  return ok({ setCookie: session.setCookie, next: "done" });
}

/**
 * The code step, for a session whose password was right: a code from the authenticator
 * (each accepted once) or an unused recovery code. Success replaces the waiting session
 * with a new one (a new id again).
 */
export async function signInWithSecondFactor(
  db: DB,
  request: Request,
  input: { code: string; ip: string; requestId: string },
): Promise<Result<SignedIn>> {
  const session = await currentSession(db, request);
  if (!session || session.stage !== "mfa") return fail({ kind: "invalid", message: TOO_SLOW });
  const staff = await db.selectFrom("staff").selectAll().where("id", "=", session.staffId).executeTakeFirst();
  if (!staff || !fromFlag(staff.active) || !staff.totp_secret) {
    await deleteSession(db, session.idHash);
    return fail({ kind: "invalid", message: TOO_SLOW });
  }
  if (!secondFactorsOf(staff, await passkeyCount(db, staff.id)).totp) {
    return fail({ kind: "unauthorised", errors: { code: PASSKEY_REQUIRED } });
  }
  const attempt = await beginAttempt(db, staff.email, input.ip, input.requestId);
  if (!attempt.ok) return limited(attempt.retryAfterSeconds, "attempts");

  let how: string | null = (await claimTotpCode(db, staff, input.code)) ? "password and authenticator code" : null;
  if (!how && (await useRecoveryCode(db, staff.id, input.code))) how = "password and recovery code";
  if (!how) {
    await recordFailure(db, staff.email, staff.id, input.ip, "wrong authentication code", input.requestId);
    return fail({ kind: "unauthorised", errors: { code: WRONG_CODE } });
  }
  await settleAttempt(db, attempt);
  await deleteSession(db, session.idHash);
  const full = await completeSignIn(db, staff, input.ip, how, input.requestId);
  return ok({ setCookie: full.setCookie, next: "done" });
}

/**
 * Sign-out: the session row goes, so the cookie is worthless even if it was copied. The
 * cookie to send back (which clears it in the browser).
 */
export async function signOut(db: DB, request: Request, ip: string, requestId: string): Promise<string> {
  const session = await currentSession(db, request);
  if (!session) return clearSessionCookie();
  const staff = await db.selectFrom("staff").select(["id", "name", "email"]).where("id", "=", session.staffId).executeTakeFirst();
  await db.transaction().execute(async (trx) => {
    await deleteSession(trx, session.idHash);
    if (staff) {
      await appendAudit(trx, { ...staffActor(staff, ip), action: "auth.sign_out", targetType: "staff", targetId: String(staff.id) });
    }
  });
  log.info({ event: "sign_out", actorId: session.staffId, ip, requestId });
  return clearSessionCookie();
}

/**
 * The options for a passkey at sign-in. With a password already right (a session waiting
 * for its second factor): one of that account's passkeys, bound to that session. Otherwise
 * any passkey of this site, the account unknown until it answers (no e-mail address typed),
 * bound to the visitor's anti-forgery id.
 */
export async function passkeySignInOptions(db: DB, request: Request, input: { csrfId: string }) {
  const session = await currentSession(db, request);
  if (session?.stage === "mfa") {
    const passkeys = await passkeysOf(db, session.staffId);
    if (passkeys.length === 0)
      return fail({ kind: "invalid", message: "This account has no passkey. Enter a code from your app instead." });
    const options = await authenticationOptions(db, {
      purpose: "second_factor",
      binding: bindingOfSession(session.idHash),
      staffId: session.staffId,
      allow: passkeys,
    });
    return options ? ok(options) : fail({ kind: "invalid", message: REFUSED.unavailable.message });
  }
  const options = await authenticationOptions(db, { purpose: "sign_in", binding: bindingOfVisitor(input.csrfId), staffId: null });
  return options ? ok(options) : fail({ kind: "invalid", message: REFUSED.unavailable.message });
}

/**
 * Signing in with a passkey: on its own (the passkey names the account and verified the
 * person), or as the second step after a right password (it must be that account's). A
 * refusal says which check failed, is audited and counts as a failed sign-in from the
 * address; a success starts a new session that remembers a passkey opened it.
 */
export async function signInWithPasskey(
  db: DB,
  request: Request,
  input: { credential: string; csrfId: string; ip: string; requestId: string },
): Promise<Result<SignedIn>> {
  const session = await currentSession(db, request);
  const waiting = session?.stage === "mfa" ? session : null;
  const owner = waiting
    ? await db.selectFrom("staff").select(["id", "name", "email", "active"]).where("id", "=", waiting.staffId).executeTakeFirst()
    : undefined;
  if (waiting && (!owner || !fromFlag(owner.active))) {
    await deleteSession(db, waiting.idHash);
    return fail({ kind: "invalid", message: TOO_SLOW });
  }
  // Without an e-mail address, the budget per account and address is the passkey's own.
  const attempt = await beginAttempt(db, owner?.email ?? PASSKEY_BUDGET, input.ip, input.requestId);
  if (!attempt.ok) return limited(attempt.retryAfterSeconds, "sign-ins");

  const check = waiting
    ? await checkAssertion(db, input.credential, {
        purpose: "second_factor",
        binding: bindingOfSession(waiting.idHash),
        staffId: waiting.staffId,
      })
    : await checkAssertion(db, input.credential, { purpose: "sign_in", binding: bindingOfVisitor(input.csrfId) });
  const staff = check.ok
    ? await db.selectFrom("staff").select(["id", "name", "email", "active"]).where("id", "=", check.passkey.staff_id).executeTakeFirst()
    : undefined;
  if (!check.ok || !staff || !fromFlag(staff.active)) {
    const refusal = check.ok ? REFUSED.unknownCredential : check.refusal;
    const staffId = check.ok ? check.passkey.staff_id : check.staffId;
    const known = staffId === null ? null : await db.selectFrom("staff").select("email").where("id", "=", staffId).executeTakeFirst();
    await failedAttempt(db, known?.email ?? owner?.email ?? PASSKEY_BUDGET, staffId, input.ip, input.requestId);
    log.warn({ event: "passkey_refused", staffId, ip: input.ip, requestId: input.requestId, reason: refusal.audit });
    const step = waiting ? "second step" : "sign-in";
    await auditRefusal(db, {
      actor: anonymous(input.ip),
      staffId,
      step,
      refusal: check.ok ? { ...refusal, audit: "account deactivated" } : refusal,
    });
    return fail({ kind: "unauthorised", message: refusal.message });
  }
  await settleAttempt(db, attempt);
  // Sign-in always starts a new session: the one the browser brought ends.
  if (session) await deleteSession(db, session.idHash);
  const how = waiting ? "password and passkey" : "passkey";
  const full = await completeSignIn(db, staff, input.ip, how, input.requestId, {
    name: check.passkey.name,
    counter: check.counter,
    backedUp: check.backedUp,
  });
  return ok({ setCookie: full.setCookie, next: "done" });
}

/** The budget key of passkey sign-ins that name no account beforehand. */
const PASSKEY_BUDGET = "(passkey)";
