// One JSON line per request, with its id, status and time. The path only: query strings
// can carry tokens (status links, verification). Cache hits answered before Express log
// the same line, marked `cache: "hit"` (cache.ts), when the level lets info through.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import type { Logger } from "pino";

/** Milliseconds since `started`, to a tenth. */
const elapsed = (started: bigint) => Math.round((Number(process.hrtime.bigint() - started) / 1e6) * 10) / 10;

/** Gives the request its id and logs it when its answer is finished. */
export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    res.locals.requestId = randomUUID();
    res.locals.started = process.hrtime.bigint();
    res.on("finish", () => {
      log.info({
        event: "request",
        requestId: res.locals.requestId,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: elapsed(res.locals.started),
        ip: req.ip,
      });
    });
    next();
  };
}

/** The same line for a cache hit answered before Express (no client address: Express computes that). */
export function logCacheHit(log: Logger, req: IncomingMessage, res: ServerResponse, requestId: string, path: string): void {
  const started = process.hrtime.bigint();
  res.on("finish", () => {
    log.info({ event: "request", requestId, method: req.method, path, status: res.statusCode, ms: elapsed(started), cache: "hit" });
  });
}
