// What every response carries, static files, refusals and errors included (CONTRACT §7):
// the security headers, a Content-Security-Policy with a per-request script nonce, and
// the request id. Answers from the response cache carry the same headers with the nonce
// swapped for their inline scripts' hashes (response-cache.server.ts).
import { randomBytes } from "node:crypto";
import type { RequestHandler } from "express";

export interface ResponseHeaders {
  /** The headers every answer carries, cache entries' pre-built heads included. */
  security: Record<string, string>;
  /** The CSP for one response, allowing the scripts that carry `nonce`. */
  csp(nonce: string): string;
  /** Sets the nonce, the security headers and the request id before anything else runs;
   * while shutting down, `Connection: close` too. */
  middleware: RequestHandler;
}

export function responseHeaders({ https, dev, isStopping }: { https: boolean; dev: boolean; isStopping(): boolean }): ResponseHeaders {
  const csp = (nonce: string) =>
    [
      "default-src 'self'",
      // Vite's dev client evaluates modules, styles inline and talks over a web socket.
      `script-src 'self' 'nonce-${nonce}'${dev ? " 'unsafe-eval'" : ""}`,
      `style-src 'self'${dev ? " 'unsafe-inline'" : ""}`,
      "img-src 'self' data:",
      `connect-src 'self'${dev ? " ws:" : ""}`,
      "font-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join("; ");

  const security: Record<string, string> = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    ...(https ? { "Strict-Transport-Security": "max-age=31536000; includeSubDomains" } : {}),
  };

  const middleware: RequestHandler = (_req, res, next) => {
    res.locals.nonce = randomBytes(16).toString("base64");
    res.set({ ...security, "Content-Security-Policy": csp(res.locals.nonce), "X-Request-Id": res.locals.requestId });
    // Shutting down: this answer is the connection's last, so busy keep-alive connections
    // end too (shutdown.ts: the server waits for every connection to end).
    if (isStopping()) res.set("Connection", "close");
    next();
  };

  return { security, csp, middleware };
}
