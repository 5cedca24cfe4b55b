// Staff pages hold personal data and moderation state: no cache (browser, proxy or
// back-forward) may keep them. Every response under /moderation, /admin, /account and
// /login carries this header, error pages and redirects included.
import type { HeadersFunction } from "@remix-run/node";

export const NO_STORE = { "Cache-Control": "no-store" } as const;

/**
 * A route's `headers` export for staff pages: no-store, plus a Retry-After the action or
 * loader set (a document response takes its headers from here, not from the action's).
 */
export const noStoreHeaders: HeadersFunction = ({ actionHeaders, loaderHeaders, errorHeaders }) => {
  const headers = new Headers(NO_STORE);
  const retryAfter = actionHeaders.get("Retry-After") ?? errorHeaders?.get("Retry-After") ?? loaderHeaders.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};
