// What every open-data response shares: CORS open for reading (any site may fetch the
// data), an answer to the browser's preflight, a cache lifetime suited to the route, and
// ETags with 304 for bodies that are built whole before they are sent.
import { etagOf, ifNoneMatch } from "~/utils/etag.server";
import { apiError, jsonWithEtag } from "~/utils/http.server";

/** Cache lifetimes. Clients revalidate with If-None-Match after them (cheap: a 304). */
export const CACHE = {
  /** The directory changes when a moderator acts: a minute is stale enough. */
  directory: "public, max-age=60, must-revalidate",
  /** Counts move slowly; badges must show a withdrawal within minutes (issue 5). */
  slow: "public, max-age=300, must-revalidate",
  /** The document changes only with a release (or a new sector or pledge code). */
  document: "public, max-age=3600, must-revalidate",
} as const;

const CORS_HEADERS = {
  "Access-Control-Allow-Origin": "*",
  // ETag is not a CORS-safelisted response header: without this a script elsewhere
  // could not read it to send If-None-Match.
  "Access-Control-Expose-Headers": "ETag, Content-Disposition",
} as const;

/** Adds the CORS headers to a response (errors included, so other sites can read them). */
export function withCors(response: Response): Response {
  for (const [name, value] of Object.entries(CORS_HEADERS)) response.headers.set(name, value);
  return response;
}

/**
 * Remix hands an OPTIONS request to the route's loader. A CORS preflight (a script
 * elsewhere that sends If-None-Match, say) gets a 204 allowing GET and HEAD with the
 * conditional headers; a plain OPTIONS gets the same with Allow.
 */
export function preflight(request: Request): Response | null {
  if (request.method !== "OPTIONS") return null;
  return new Response(null, {
    status: 204,
    headers: {
      ...CORS_HEADERS,
      Allow: "GET, HEAD, OPTIONS",
      "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
      "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since, Accept",
      "Access-Control-Max-Age": "86400",
      "Cache-Control": "public, max-age=86400",
    },
  });
}

/** JSON in the contract's error shape, readable cross-origin. */
export function openDataError(status: number, code: string, message: string): Response {
  return withCors(apiError(status, code, message));
}

/** JSON with ETag/304 (jsonWithEtag), this route's cache lifetime and CORS. */
export function openDataJson(request: Request, data: unknown, cacheControl: string): Response {
  return withCors(jsonWithEtag(request, data, { "Cache-Control": cacheControl }));
}

/** A text body (XML, SVG) with a strong ETag, answered with 304 when the client holds it. */
export function textWithEtag(
  request: Request,
  body: string,
  headers: { contentType: string; cacheControl: string; status?: number; cors?: boolean },
): Response {
  const etag = etagOf(body);
  const responseHeaders = new Headers({ ETag: etag, "Cache-Control": headers.cacheControl });
  if (headers.cors) for (const [name, value] of Object.entries(CORS_HEADERS)) responseHeaders.set(name, value);
  const status = headers.status ?? 200;
  if (status === 200 && ifNoneMatch(request.headers.get("If-None-Match"), etag))
    return new Response(null, { status: 304, headers: responseHeaders });
  responseHeaders.set("Content-Type", headers.contentType);
  return new Response(body, { status, headers: responseHeaders });
}
