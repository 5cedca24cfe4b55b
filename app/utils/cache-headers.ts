// The headers of pages no cache may keep, and the routes' `headers` exports that carry them
// onto every answer, error pages and redirects included (Remix takes a document's headers
// from the routes down to the boundary, not from the loader's or action's own).
import { json, type HeadersFunction } from "@remix-run/node";

/** Staff pages and everything under /moderation, /admin, /account and /login: personal
 * data and moderation state that no browser, proxy or back-forward cache may keep. */
export const NO_STORE = { "Cache-Control": "no-store" } as const;

/**
 * The applicant's private pages (the status page, the verification page): their token is
 * in the address, so no cache keeps them, and no request to another site learns the
 * address. "same-origin" rather than "no-referrer": under no-referrer browsers send
 * `Origin: null` with the page's own forms, which the cross-site check must refuse.
 */
export const PRIVATE = { ...NO_STORE, "Referrer-Policy": "same-origin" } as const;

/** A route's `headers` export: `base`, plus a Retry-After its loader or action set. */
function routeHeaders(base: Record<string, string>): HeadersFunction {
  return ({ actionHeaders, loaderHeaders, errorHeaders }) => {
    const headers = new Headers(base);
    const retryAfter = actionHeaders.get("Retry-After") ?? errorHeaders?.get("Retry-After") ?? loaderHeaders.get("Retry-After");
    if (retryAfter) headers.set("Retry-After", retryAfter);
    return headers;
  };
}

export const noStoreHeaders = routeHeaders(NO_STORE);
export const privateHeaders = routeHeaders(PRIVATE);

/** A loader's or action's JSON answer with `base` and any `headers` (a Retry-After). */
function replyWith(base: Record<string, string>) {
  return <T>(data: T, status = 200, headers: HeadersInit = {}) =>
    json(data, { status, headers: { ...base, ...Object.fromEntries(new Headers(headers)) } });
}

/** The JSON answer of a staff page's form or loader. */
export const noStoreReply = replyWith(NO_STORE);
/** The JSON answer of an applicant's private page or form. */
export const privateReply = replyWith(PRIVATE);
