// Authorization in one place. Every loader and action under /moderation, /admin and
// /account calls requireStaff first; nothing there renders or acts without it.
import { fromFlag } from "../../../db/booleans";
import type { AppLoadContext } from "@remix-run/node";
import type { StaffRole } from "../../../db/schema";
import { getDb } from "~/modules/database/db.server";
import { staffActor, type Actor } from "~/modules/staff/staff.server";
import { getEnv } from "~/utils/env.server";
import { log } from "~/utils/log.server";
import { NO_STORE } from "~/utils/cache-headers";
import { returnPath } from "./redirect";
import { passkeyCount } from "./passkeys.server";
import { clearSessionCookie, currentSession, deleteSession, sessionIdFrom } from "./session.server";

export interface StaffUser {
  id: number;
  email: string;
  name: string;
  role: StaffRole;
  /** A second factor is set up: an authenticator app or a passkey. */
  mfaEnrolled: boolean;
  /** An authenticator app (TOTP) is set up. */
  totpEnrolled: boolean;
  /** How many passkeys the account has. */
  passkeys: number;
  /** A passkey opened this session (or was registered in it). */
  sessionPasskey: boolean;
  /** The password was set by an admin: it must be changed before anything else. */
  mustChangePassword: boolean;
  /** SHA-256 of the session id (for sign-out). */
  sessionHash: string;
  /** Who this is in the audit log, with the request's client address. */
  actor: Actor;
}

type Context = Pick<AppLoadContext, "clientIp" | "requestId">;

/** The signed-in staff member of a request (full session, active account), or null. */
export async function signedInStaff(request: Request, context: Context): Promise<StaffUser | null> {
  const db = getDb();
  const session = await currentSession(db, request);
  if (!session || session.stage !== "full") return null;
  const staff = await db
    .selectFrom("staff")
    .select(["id", "email", "name", "role", "active", "totp_enrolled_at", "must_change_password"])
    .where("id", "=", session.staffId)
    .executeTakeFirst();
  if (!staff || !fromFlag(staff.active)) return null;
  const passkeys = await passkeyCount(db, staff.id);
  return {
    id: staff.id,
    email: staff.email,
    name: staff.name,
    role: staff.role,
    mfaEnrolled: staff.totp_enrolled_at !== null || passkeys > 0,
    totpEnrolled: staff.totp_enrolled_at !== null,
    passkeys,
    sessionPasskey: session.passkey,
    mustChangePassword: fromFlag(staff.must_change_password),
    sessionHash: session.idHash,
    actor: staffActor(staff, context.clientIp),
  };
}

/**
 * The signed-in staff member, or a thrown response: 303 to /login?redirectTo=… without a
 * (live) session, 403 when a role is required that the account does not have, 303 to
 * /account to change an admin-set password first, or to set up a second factor first when
 * STAFF_MFA=required (an authenticator app or a passkey), or a passkey when
 * STAFF_MFA=passkey. Only /account itself opens before those (`allowUnfinished`).
 * With STAFF_MFA=passkey, a session of an account that has a passkey must have been opened
 * with one: any other (one from before the setting changed) ends, and sign-in asks again.
 */
export async function requireStaff(
  request: Request,
  context: Context,
  role?: StaffRole,
  options: { allowUnfinished?: boolean } = {},
): Promise<StaffUser> {
  let staff = await signedInStaff(request, context);
  const path = new URL(request.url).pathname;
  const mode = getEnv().STAFF_MFA;
  if (staff && mode === "passkey" && staff.passkeys > 0 && !staff.sessionPasskey) {
    log.warn({
      event: "authz_denied",
      reason: "passkey_required",
      staffId: staff.id,
      path,
      ip: context.clientIp,
      requestId: context.requestId,
    });
    await deleteSession(getDb(), staff.sessionHash);
    staff = null;
  }
  if (!staff) {
    log.warn({ event: "authz_denied", reason: "no_session", path, ip: context.clientIp, requestId: context.requestId });
    const headers = new Headers(NO_STORE);
    headers.set("Location", `/login?${new URLSearchParams({ redirectTo: returnPath(request) })}`);
    // A cookie that names no live session is removed.
    if (sessionIdFrom(request)) headers.append("Set-Cookie", clearSessionCookie());
    throw new Response(null, { status: 303, headers });
  }
  if (role === "admin" && staff.role !== "admin") {
    log.warn({ event: "authz_denied", reason: "role", staffId: staff.id, path, ip: context.clientIp, requestId: context.requestId });
    throw new Response("This page is for administrators only.", {
      status: 403,
      headers: { ...NO_STORE, "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  if (staff.mustChangePassword && !options.allowUnfinished) {
    throw new Response(null, { status: 303, headers: { ...NO_STORE, Location: "/account?password=change" } });
  }
  if (!staff.mfaEnrolled && !options.allowUnfinished && mode === "required") {
    throw new Response(null, { status: 303, headers: { ...NO_STORE, Location: "/account?mfa=required" } });
  }
  if (staff.passkeys === 0 && !options.allowUnfinished && mode === "passkey") {
    throw new Response(null, { status: 303, headers: { ...NO_STORE, Location: "/account?passkey=required" } });
  }
  return staff;
}
