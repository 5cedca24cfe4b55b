// Cross-site submission protection (CONTRACT §7) for every state-changing form: a token
// bound to the visitor's anti-forgery cookie (set by server.mjs) plus an Origin check.
// A token taken from another visitor does not match this visitor's cookie.
import type { AppLoadContext } from "@remix-run/node";
import { createHmac, timingSafeEqual } from "node:crypto";
import { getEnv } from "~/utils/env.server";
import { log } from "~/utils/log.server";

export const CSRF_FIELD = "csrf";

/** The token a form carries in its hidden `csrf` field. */
export function csrfToken(context: Pick<AppLoadContext, "csrfId">): string {
  return createHmac("sha256", getEnv().SESSION_SECRET).update(`csrf:${context.csrfId}`).digest("base64url");
}

/** Throws a 403 Response unless the request comes from this site with this visitor's token. */
export function assertSameSite(request: Request, context: Pick<AppLoadContext, "csrfId" | "requestId">, form: FormData) {
  const origin = request.headers.get("Origin");
  const site = request.headers.get("Sec-Fetch-Site");
  // Same origin: the public address, or the host the browser itself addressed (a page
  // on another site cannot make a browser send this host with its own origin).
  const host = request.headers.get("Host");
  const sameOrigin = [new URL(getEnv().PUBLIC_URL).origin, ...(host ? [`http://${host}`, `https://${host}`] : [])];
  const crossSite = (origin !== null && !sameOrigin.includes(origin)) || site === "cross-site";
  const given = form.get(CSRF_FIELD);
  const expected = csrfToken(context);
  const tokenOk =
    typeof given === "string" &&
    given.length === expected.length &&
    timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  if (crossSite || !tokenOk) {
    log.warn({ event: "csrf_rejected", requestId: context.requestId, reason: crossSite ? "origin" : "token" });
    throw new Response("This form could not be accepted: it did not come from this site's page, or the page is too old. Go back, reload the page and try again.", {
      status: 403,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
}
