// Express → Fetch Request for Remix, and the Fetch Response back. Hand-written rather than
// @remix-run/express's adapter because the server must control what that adapter decides
// for itself (decisions 004 and 013): the body is the Buffer the body cap read (413
// beyond it, without reading the rest), never a stream of the socket; the request's
// origin is always PUBLIC_URL's, never a client's Host or X-Forwarded-Host; a cached
// render gets the canonical address without the visitor's cookies; and the response's
// headers replace the security headers set before it, instead of being appended beside
// them.
import { writeReadableStreamToWritable, type AppLoadContext } from "@remix-run/node";
import type { Request as ExpressRequest, Response as ExpressResponse } from "express";

/** What a shared (cached) render must not depend on: who asks and what they hold. */
const PERSONAL_HEADERS = new Set(["cookie", "if-none-match", "if-modified-since", "authorization"]);

interface RequestOptions {
  method?: string;
  /** Replaces the request's address (the canonical one for a cached render). */
  path?: string;
  /** Leaves out the visitor's cookies and conditional headers. */
  anonymous?: boolean;
}

export interface Adapter {
  toRequest(req: ExpressRequest, res: ExpressResponse, options?: RequestOptions): Request;
  /** What every loader and action receives (app/utils/context.ts). */
  contextFor(req: ExpressRequest, res: ExpressResponse, csrfId: string): AppLoadContext;
  /** The response's status and headers, its cookies appended to any already set. */
  setHeaders(res: ExpressResponse, response: Response): void;
  sendResponse(res: ExpressResponse, response: Response): Promise<void>;
}

export function createAdapter({ publicUrl, trustProxy }: { publicUrl: string; trustProxy: boolean }): Adapter {
  const publicOrigin = new URL(publicUrl).origin;
  const publicHost = new URL(publicOrigin).host;

  function setHeaders(res: ExpressResponse, response: Response): void {
    res.status(response.status);
    for (const [name, value] of response.headers.entries()) {
      if (name === "set-cookie") continue;
      res.setHeader(name, value);
    }
    for (const cookie of response.headers.getSetCookie()) res.append("Set-Cookie", cookie);
  }

  return {
    /** The origin is PUBLIC_URL's (never a client's Host header). */
    toRequest(req, res, { method = req.method, path = req.originalUrl, anonymous = false } = {}) {
      const url = new URL(path, publicUrl);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (anonymous && PERSONAL_HEADERS.has(name)) continue;
        if (Array.isArray(value)) for (const v of value) headers.append(name, v);
        else if (value !== undefined) headers.set(name, value);
      }
      // The origin was checked (checks.ts); the app checks it again against Host, so a
      // request to PUBLIC_URL through a proxy that rewrites Host must name the public host.
      if (req.headers.origin === publicOrigin) headers.set("host", publicHost);
      if (!trustProxy) headers.delete("x-forwarded-host");
      const controller = new AbortController();
      res.on("close", () => controller.abort());
      const init: RequestInit = { method, headers, signal: controller.signal };
      if (method !== "GET" && method !== "HEAD") {
        // express.raw's Buffer.concat: backed by a plain ArrayBuffer, never a shared one.
        init.body = Buffer.isBuffer(req.body) ? (req.body as Buffer<ArrayBuffer>) : Buffer.alloc(0);
      }
      return new Request(url, init);
    },

    contextFor: (req, res, csrfId) => ({ nonce: res.locals.nonce, csrfId, clientIp: req.ip ?? "unknown", requestId: res.locals.requestId }),

    setHeaders,

    async sendResponse(res, response) {
      setHeaders(res, response);
      if (response.body) await writeReadableStreamToWritable(response.body, res);
      else res.end();
    },
  };
}
