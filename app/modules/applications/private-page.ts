// What the applicant's private pages (the status page, the e-mail verification page)
// answer with: their token is in the address, so no cache keeps them, and no request to
// another site learns the address. "same-origin" rather than "no-referrer": under
// no-referrer browsers send `Origin: null` with the page's own forms, which the
// cross-site check must refuse.
import type { HeadersFunction } from "@remix-run/node";

export const PRIVATE = { "Cache-Control": "no-store", "Referrer-Policy": "same-origin" };

/** The route's headers: PRIVATE on every answer, its error answers included (Remix takes a
 * document's headers from the routes down to the boundary), and a Retry-After when set. */
export const privateHeaders: HeadersFunction = ({ actionHeaders, loaderHeaders, errorHeaders }) => {
  const headers = new Headers(PRIVATE);
  const retryAfter = actionHeaders.get("Retry-After") ?? loaderHeaders.get("Retry-After") ?? errorHeaders?.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};
