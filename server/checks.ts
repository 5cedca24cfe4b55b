// Refusals made before any route runs, each with the status CONTRACT §7 names: another
// host name (421: DNS rebinding), a malformed request target (400), a form from another
// site (403), a method nobody serves (405), a POST that is not a form (415), a body over
// the cap (413). The rules themselves are plain functions the app shares
// (origin.server.ts, request-checks.server.ts; decision 011).
import express, { type ErrorRequestHandler, type RequestHandler } from "express";
import type { Logger } from "pino";
import type { Site } from "~/modules/security/origin.server";
import { isFormContentType, requestTargetProblem } from "~/modules/security/request-checks.server";

/** Forms here are small: 64 KiB for every body (CONTRACT §7)… */
const BODY_LIMIT = 64 * 1024;
/** …except a logo upload (CONTRACT §8): a multipart form to the two forms that take one, the
 * application and a moderator's replacement. The file itself may be 2 MiB (logos.server.ts);
 * the rest of the form fits in the 64 KiB beside it. */
const UPLOAD_LIMIT = 2 * 1024 * 1024 + BODY_LIMIT;
const UPLOAD_PATHS = [/^\/apply$/, /^\/moderation\/signatories\/[^/]+$/];

/** Whether a request is a logo upload, which alone may send more than 64 KiB. */
export function isLogoUpload(req: { method: string; path: string; headers: { "content-type"?: string } }): boolean {
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  return req.method === "POST" && type === "multipart/form-data" && UPLOAD_PATHS.some((path) => path.test(req.path));
}

const ALLOWED_METHODS = new Set(["GET", "HEAD", "POST", "OPTIONS"]);

/** Requests for another host name and malformed addresses are refused before anything
 * else reads them. Load balancers may ask /healthz by any name. */
export function hostAndTarget(site: Site, log: Logger): RequestHandler {
  return (req, res, next) => {
    if (!site.hostAllowed(req.headers.host) && req.path !== "/healthz") {
      log.info({ event: "host_refused", requestId: res.locals.requestId, host: String(req.headers.host ?? "").slice(0, 100) });
      res.status(421).type("text/plain").send("This server does not answer for that host name.");
      return;
    }
    const problem = requestTargetProblem(req.url);
    if (problem) {
      res.status(400).type("text/plain").send(problem);
      return;
    }
    next();
  };
}

/** Cross-site submissions are refused before any action runs (403). Actions check the
 * form's anti-forgery token as well (csrf.server.ts). */
export function crossSiteRefusal(site: Site, log: Logger): RequestHandler {
  return (req, res, next) => {
    if (req.method !== "POST") return next();
    const origin = req.headers.origin;
    if ((origin !== undefined && !site.originAllowed(origin, req.headers.host)) || req.headers["sec-fetch-site"] === "cross-site") {
      log.warn({ event: "csrf_rejected", requestId: res.locals.requestId, reason: "origin", path: req.path });
      res.status(403).type("text/plain").send("This form could not be accepted: it was sent from another site.");
      return;
    }
    next();
  };
}

export const methodAllowList: RequestHandler = (req, res, next) => {
  if (ALLOWED_METHODS.has(req.method)) return next();
  res.set("Allow", "GET, HEAD, POST").status(405).type("text/plain").send("Method not allowed");
};

/** Every action reads a form: another kind of body is a 415 before anything reads it. */
export const formBodiesOnly: RequestHandler = (req, res, next) => {
  if (req.method !== "POST" || isFormContentType(req.headers["content-type"])) return next();
  res
    .set("Connection", "close")
    .status(415)
    .type("text/plain")
    .send("Send forms as application/x-www-form-urlencoded or multipart/form-data, as a browser does.");
};

/** What body-parser's errors carry (http-errors). */
function httpErrorOf(error: unknown): { type?: unknown; status?: unknown } {
  return typeof error === "object" && error !== null ? error : {};
}

const readBody = express.raw({ type: () => true, limit: BODY_LIMIT });
const readUpload = express.raw({ type: () => true, limit: UPLOAD_LIMIT });

/**
 * Bodies are read whole (into `req.body`, a Buffer, for adapter.ts), up to the cap (64 KiB,
 * or 2 MiB more for a logo upload);
 * beyond it, 413 without reading the rest. The second handler turns the reader's errors
 * into answers.
 */
export const bodyCap: [RequestHandler, ErrorRequestHandler] = [
  (req, res, next) => (req.method !== "POST" ? next() : isLogoUpload(req) ? readUpload(req, res, next) : readBody(req, res, next)),
  (error, req, res, next) => {
    const { type, status } = httpErrorOf(error);
    if (type === "entity.too.large") {
      const message = isLogoUpload(req)
        ? "The form is too large: a logo may be at most 2 MiB. Go back, choose a smaller file and send the form again."
        : "Request body too large (the limit is 64 KiB)";
      res.set("Connection", "close").status(413).type("text/plain").send(message);
    } else if (typeof status === "number" && status && status < 500) {
      res.status(status).type("text/plain").send("Bad request");
    } else next(error);
  },
];
