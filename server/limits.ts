// The budgets that keep one client address from taking the server: reads that cost a
// render (READ_LIMIT_PER_MINUTE, in memory: read-limit.server.ts) and forms sent
// (WRITE_LIMIT_PER_MINUTE, in the database: write-limit.server.ts). Both answer 429 with
// Retry-After (CONTRACT §7; decisions 004 and 011).
import type { Request, RequestHandler, Response } from "express";
import type { Logger } from "pino";
import { ReadLimit } from "~/modules/security/read-limit.server";
import type { ServerHooks } from "./hooks";

export interface ReadBudget {
  /** Counts a render against the client's read budget; answers 429 and returns false past it. */
  take(req: Request, res: Response): boolean;
  /** Every other read that renders (past the cache and the static files) counts too;
   * `/healthz` is free. */
  middleware: RequestHandler;
}

export function readBudget(perMinute: number, log: Logger): ReadBudget {
  const limit = new ReadLimit(perMinute);
  const take = (req: Request, res: Response): boolean => {
    const state = limit.take(req.ip ?? "unknown");
    if (!state.limited) return true;
    log.warn({ event: "read_rate_limited", requestId: res.locals.requestId, ip: req.ip });
    res
      .set({ "Retry-After": String(state.retryAfterSeconds), "Cache-Control": "no-store" })
      .status(429)
      .type("text/plain")
      .send(`Too many pages were requested from your network address in the last minute. Try again in ${state.retryAfterSeconds} s.`);
    return false;
  };
  return {
    take,
    middleware: (req, res, next) => {
      if ((req.method === "GET" || req.method === "HEAD") && req.path !== "/healthz" && !take(req, res)) return;
      next();
    },
  };
}

/** The general write limit: every POST per client address across every form, checked
 * before the body is read, so a refused request costs one small query. */
export function writeLimit(consumeWriteLimit: ServerHooks["consumeWriteLimit"]): RequestHandler {
  return async (req, res, next) => {
    if (req.method !== "POST") return next();
    try {
      const state = await consumeWriteLimit(req.ip ?? "unknown", res.locals.requestId);
      if (!state.limited) return next();
      res
        .set({ "Retry-After": String(state.retryAfterSeconds), Connection: "close" })
        .status(429)
        .type("text/plain")
        .send(`Too many forms were sent from your network address in the last minute. Try again in ${state.retryAfterSeconds} s.`);
    } catch (error) {
      next(error);
    }
  };
}
