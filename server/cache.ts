// Anonymous reads of public pages are answered from the response cache, first and
// cheaply (docs/performance.md); staff, who may see more, and every write go to the app.
// Two ways in, one rule: `cacheKeyOf` decides for both which requests the cache answers
// and under which key.
//
// - The fast path, before Express (http.createServer's handler in index.ts): a hit is a
//   synchronous version read (SQLite's file; on PostgreSQL the version pushed to the
//   process, docs/decisions/025), a lookup and one write, and Express's request machinery
//   would cost more than that. Anything it cannot answer at once (a miss, a version only
//   an asynchronous read gives: PostgreSQL after this process wrote or while its listener
//   is down; a host name the checks would refuse, a shutdown in progress) goes to Express.
// - The middleware, after the refusals (checks.ts): the hits the fast path left, and every miss.
//   A miss is rendered for the canonical address (only the parameters the route reads),
//   without the visitor's cookies or conditional headers, so the entry depends on nothing
//   but its key. Cached pages are shared, so they carry no anti-forgery identity: the
//   render gets a random one that no visitor has, and the cookie is set by the pages
//   with forms.
import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import type { Logger } from "pino";
import type { CacheRouter } from "~/modules/cache/cache-policy";
import type { CacheEntry } from "~/modules/cache/response-cache.server";
import type { Site } from "~/modules/security/origin.server";
import { readCookie } from "~/utils/cookies";
import { ifNoneMatch } from "~/utils/etag.server";
import type { Adapter } from "./adapter";
import type { ServerHooks } from "./hooks";
import type { ReadBudget } from "./limits";
import { logCacheHit } from "./request-log";
import type { RemixApp } from "./remix";

export interface CacheOptions {
  hooks: ServerHooks;
  log: Logger;
  /** Which addresses routes declared cacheable, and their canonical keys (cache-policy.ts). */
  router: CacheRouter;
  /** False under Vite's dev server: every request renders anew. */
  enabled: boolean;
  /** The security headers every entry's head carries (headers.ts). */
  securityHeaders: Record<string, string>;
  /** The nonce CSP a render gets; an entry keeps it with the nonce swapped for hashes. */
  csp(nonce: string): string;
  site: Site;
  readBudget: ReadBudget;
  adapter: Adapter;
  handle: RemixApp["handle"];
  isStopping(): boolean;
}

export interface ResponseCaching {
  /** Answers a cache hit before Express; false when Express must take the request. */
  answerFromCache(req: IncomingMessage, res: ServerResponse): boolean;
  middleware: RequestHandler;
}

// The day is part of a cache key: some pages (years up to this one) change with the date.
const dated = (key: string) => `${new Date().toISOString().slice(0, 10)} ${key}`;

export function responseCaching(options: CacheOptions): ResponseCaching {
  const { hooks, log, router, enabled, site, readBudget, adapter, handle, isStopping } = options;
  const cache = hooks.createResponseCache(options.securityHeaders);
  const staffCookie = hooks.sessionCookieName();
  const logHits = log.isLevelEnabled("info");

  /** The one rule: an anonymous GET or HEAD of an address a route declared cacheable gets
   * its canonical key; anything else null. */
  function cacheKeyOf(req: IncomingMessage): string | null {
    if (!enabled || (req.method !== "GET" && req.method !== "HEAD")) return null;
    if (readCookie(req.headers.cookie, staffCookie) !== undefined) return null;
    return router(req.url ?? "/");
  }

  /** Answers a GET or HEAD from an entry: 304 when the client has it, else its bytes in
   * the encoding the client prefers. */
  function writeEntry(req: IncomingMessage, res: ServerResponse, entry: CacheEntry, state: "hit" | "miss", requestId: string): void {
    if (ifNoneMatch(req.headers["if-none-match"], entry.etag)) {
      res.writeHead(304, [...entry.heads["304"], "X-Cache", state, "X-Request-Id", requestId]).end();
      return;
    }
    const encoding = hooks.chooseEncoding(req.headers["accept-encoding"]);
    res.writeHead(entry.status, [...entry.heads[encoding], "X-Cache", state, "X-Request-Id", requestId]);
    res.end(req.method === "HEAD" ? undefined : entry[encoding]);
  }

  function answerFromCache(req: IncomingMessage, res: ServerResponse): boolean {
    if (isStopping() || !site.hostAllowed(req.headers.host)) return false;
    const key = cacheKeyOf(req);
    if (key === null) return false;
    const version = hooks.committedDataVersion();
    if (version === undefined) return false;
    const entry = cache.get(dated(key), version);
    if (!entry) return false;
    const requestId = randomUUID();
    if (logHits) {
      const url = req.url ?? "/";
      const q = url.indexOf("?");
      logCacheHit(log, req, res, requestId, q === -1 ? url : url.slice(0, q));
    }
    writeEntry(req, res, entry, "hit", requestId);
    return true;
  }

  const middleware: RequestHandler = async (req, res, next) => {
    const key = cacheKeyOf(req);
    if (key === null) return next();
    try {
      // Read before rendering: see response-cache.server.ts for why that order is safe.
      const version = await hooks.currentDataVersion();
      const entry = cache.get(dated(key), version);
      if (entry) return writeEntry(req, res, entry, "hit", res.locals.requestId);
      if (!readBudget.take(req, res)) return;
      // Rendered as a GET even for HEAD, so the entry has the body later GETs need.
      const request = adapter.toRequest(req, res, { method: "GET", path: key, anonymous: true });
      const response = await handle(request, adapter.contextFor(req, res, randomBytes(32).toString("base64url")));
      const filed = await cache.put(dated(key), version, response, options.csp(res.locals.nonce));
      if (filed.entry) return writeEntry(req, res, filed.entry, "miss", res.locals.requestId);
      if (req.method === "HEAD") {
        adapter.setHeaders(res, filed.response);
        await filed.response.body?.cancel();
        res.end();
      } else {
        await adapter.sendResponse(res, filed.response);
      }
    } catch (error) {
      next(error);
    }
  };

  return { answerFromCache, middleware };
}
