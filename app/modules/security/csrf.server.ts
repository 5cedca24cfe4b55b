// Cross-site submission protection (CONTRACT §7) for every state-changing form: a token
// bound to the visitor's anti-forgery cookie (set by server/csrf-cookie.ts) plus an Origin check.
// A token taken from another visitor does not match this visitor's cookie.
import type { AppLoadContext } from "@remix-run/node";
import { createHmac, timingSafeEqual } from "node:crypto";
import { getEnv, type Env } from "~/utils/env.server";
import { siteOf, type Site } from "./origin.server";
import { log } from "~/utils/log.server";

export const CSRF_FIELD = "csrf";

const sites = new WeakMap<Env, Site>();
/** This site's rules for origins (origin.server.ts), for the configuration in force. */
function currentSite(): Site {
  const env = getEnv();
  let site = sites.get(env);
  if (!site) sites.set(env, (site = siteOf(env)));
  return site;
}

/** The token a form carries in its hidden `csrf` field. */
export function csrfToken(context: Pick<AppLoadContext, "csrfId">): string {
  return createHmac("sha256", getEnv().SESSION_SECRET).update(`csrf:${context.csrfId}`).digest("base64url");
}

/** Throws a 403 Response unless the request comes from this site with this visitor's token. */
export function assertSameSite(request: Request, context: Pick<AppLoadContext, "csrfId" | "requestId">, form: FormData) {
  const origin = request.headers.get("Origin");
  const crossSite =
    (origin !== null && !currentSite().originAllowed(origin, request.headers.get("Host") ?? undefined)) ||
    request.headers.get("Sec-Fetch-Site") === "cross-site";
  const given = form.get(CSRF_FIELD);
  const expected = csrfToken(context);
  const tokenOk =
    typeof given === "string" && given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  if (crossSite || !tokenOk) {
    log.warn({ event: "csrf_rejected", requestId: context.requestId, reason: crossSite ? "origin" : "token" });
    throw new Response(
      "This form could not be accepted: it did not come from this site's page, or the page is too old. Go back, reload the page and try again.",
      {
        status: 403,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      },
    );
  }
}
