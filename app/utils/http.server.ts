// Small response helpers shared by routes: the contract's error shapes, ETags, and the
// one place where a domain failure becomes an HTTP status.
import { etagOf, ifNoneMatch } from "./etag.server";
import type { DomainError } from "~/modules/result";

const STATUS: Record<DomainError["kind"], number> = {
  invalid: 400,
  unauthorised: 401,
  not_found: 404,
  conflict: 409,
  limited: 429,
};

/** The HTTP status of a domain failure (app/modules/result.ts). */
export function errorStatus(error: DomainError): number {
  return STATUS[error.kind];
}

/** The headers a domain failure's answer carries: Retry-After when it is a limit. */
export function errorHeaders(error: DomainError): Record<string, string> {
  return error.kind === "limited" ? { "Retry-After": String(error.retryAfterSeconds) } : {};
}

/** A JSON error in the contract's shape: {"error": {"code", "message"}}. */
export function apiError(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status, headers: { "Cache-Control": "no-store" } });
}

/** An HTML route's error: thrown, it renders the nearest ErrorBoundary with this status.
 * The message travels in the body: a status text must be bytes, and messages quote
 * what the visitor typed, in any script. */
export function httpError(status: number, message: string): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/**
 * JSON with a strong ETag of its bytes, answered with 304 when the client already
 * holds them (CONTRACT §4).
 */
export function jsonWithEtag(request: Request, data: unknown, headers: HeadersInit = {}): Response {
  const body = JSON.stringify(data);
  const etag = etagOf(body);
  const responseHeaders = new Headers(headers);
  responseHeaders.set("ETag", etag);
  responseHeaders.set("Access-Control-Allow-Origin", "*");
  if (!responseHeaders.has("Cache-Control")) {
    responseHeaders.set("Cache-Control", "public, max-age=0, must-revalidate");
  }
  if (ifNoneMatch(request.headers.get("If-None-Match"), etag)) {
    return new Response(null, { status: 304, headers: responseHeaders });
  }
  responseHeaders.set("Content-Type", "application/json; charset=utf-8");
  return new Response(body, { status: 200, headers: responseHeaders });
}
