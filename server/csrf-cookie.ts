// The visitor's anti-forgery cookie: a random id that form tokens are derived from
// (HMAC with SESSION_SECRET, csrf.server.ts), so a token copied from another visitor
// fails. Pages rendered by the app get it; cached answers are shared and carry none
// (decision 004).
import { randomBytes } from "node:crypto";
import type { Request, Response } from "express";
import { readCookie } from "~/utils/cookies";

/** The cookie's name: `__Host-` over https binds it to this host and path. */
const csrfCookieName = (https: boolean) => (https ? "__Host-csrf" : "csrf");

/** Returns the visitor's anti-forgery id; a new visitor gets one, and the cookie with it. */
export function visitorCsrfId(req: Request, res: Response, https: boolean): string {
  const name = csrfCookieName(https);
  const csrfId = readCookie(req.headers.cookie, name);
  if (csrfId && /^[A-Za-z0-9_-]{43}$/.test(csrfId)) return csrfId;
  const fresh = randomBytes(32).toString("base64url");
  res.append("Set-Cookie", `${name}=${fresh}; Path=/; HttpOnly; SameSite=Lax${https ? "; Secure" : ""}`);
  return fresh;
}
