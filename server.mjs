// The HTTP server: Express in front of the Remix build (or Vite's dev middleware with
// --dev). It owns what every response shares: security headers with a per-request CSP
// nonce, the anti-forgery cookie, the client address, the 64 KiB body cap, the method
// allow-list, request logs, and a graceful shutdown. The database is migrated, and
// seeded when empty, before it listens.
import { createRequestHandler, writeReadableStreamToWritable } from "@remix-run/node";
import express from "express";
import http from "node:http";
import net from "node:net";
import { randomBytes, randomUUID } from "node:crypto";

const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";
const buildDir = process.env.BUILD_DIR ?? "build";
const BODY_LIMIT = 64 * 1024;
const CSRF_COOKIE = "__Host-csrf";

const vite = dev
  ? await import("vite").then((v) => v.createServer({ server: { middlewareMode: true } }))
  : undefined;
const loadBuild = () =>
  vite ? vite.ssrLoadModule("virtual:remix/server-build") : import(`./${buildDir}/server/index.js`);

const build = await loadBuild();
/** @type {typeof import("./app/entry.server")} */
const app$ = build.entry.module;
let env;
try {
  env = app$.getEnv();
  await app$.startup();
} catch (error) {
  console.error(`start-up failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
const log = app$.log;
const https = env.PUBLIC_URL.startsWith("https:");
const csrfCookie = https ? CSRF_COOKIE : "csrf";
const staffCookie = app$.sessionCookieName();
const site = app$.siteOf(env);
// Which addresses the response cache answers, and under which canonical key: declared by
// the routes themselves (`handle.cache`, see cache-policy.ts).
const cacheKeyOf = app$.createCacheRouter(build.routes);
const readLimit = new app$.ReadLimit(env.READ_LIMIT_PER_MINUTE);

const handle = createRequestHandler(vite ? loadBuild : build, vite ? "development" : "production");

const app = express();
app.disable("x-powered-by");
app.set("trust proxy", env.TRUST_PROXY ? 1 : false);

const cspWithNonce = (nonce) =>
  [
    "default-src 'self'",
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

const SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
  ...(https ? { "Strict-Transport-Security": "max-age=31536000; includeSubDomains" } : {}),
};

// Headers for every response, static files and errors included.
app.use((req, res, next) => {
  res.locals.nonce = randomBytes(16).toString("base64");
  res.locals.requestId = randomUUID();
  res.locals.started = process.hrtime.bigint();
  res.set({ ...SECURITY_HEADERS, "Content-Security-Policy": cspWithNonce(res.locals.nonce), "X-Request-Id": res.locals.requestId });
  // Shutting down: this answer is the connection's last, so busy keep-alive connections
  // end too (server.close() waits for every connection to end).
  if (stopping) res.set("Connection", "close");
  res.on("finish", () => {
    const ms = Number(process.hrtime.bigint() - res.locals.started) / 1e6;
    // The path only: query strings can carry tokens (status links, verification).
    log.info({ event: "request", requestId: res.locals.requestId, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10, ip: req.ip });
  });
  next();
});

// Requests for another host name (DNS rebinding) and malformed addresses are refused
// before anything else reads them (origin.server.ts, request-checks.server.ts). Load
// balancers may ask /healthz by any name.
app.use((req, res, next) => {
  if (!site.hostAllowed(req.headers.host) && req.path !== "/healthz") {
    log.info({ event: "host_refused", requestId: res.locals.requestId, host: String(req.headers.host ?? "").slice(0, 100) });
    res.status(421).type("text/plain").send("This server does not answer for that host name.");
    return;
  }
  const problem = app$.requestTargetProblem(req.url);
  if (problem) {
    res.status(400).type("text/plain").send(problem);
    return;
  }
  next();
});

// Cross-site submissions are refused before any action runs (CONTRACT §7: 403). Actions
// check the form's anti-forgery token as well (csrf.server.ts).
const publicOrigin = new URL(env.PUBLIC_URL).origin;
app.use((req, res, next) => {
  if (req.method !== "POST") return next();
  const origin = req.headers.origin;
  if ((origin !== undefined && !site.originAllowed(origin, req.headers.host)) || req.headers["sec-fetch-site"] === "cross-site") {
    log.warn({ event: "csrf_rejected", requestId: res.locals.requestId, reason: "origin", path: req.path });
    res.status(403).type("text/plain").send("This form could not be accepted: it was sent from another site.");
    return;
  }
  next();
});

const ALLOWED = new Set(["GET", "HEAD", "POST", "OPTIONS"]);
app.use((req, res, next) => {
  if (ALLOWED.has(req.method)) return next();
  res.set("Allow", "GET, HEAD, POST").status(405).type("text/plain").send("Method not allowed");
});

/** The visitor's anti-forgery cookie value; a new visitor gets one. */
function visitorCsrfId(req, res) {
  const csrfId = app$.readCookie(req.headers.cookie, csrfCookie);
  if (csrfId && /^[A-Za-z0-9_-]{43}$/.test(csrfId)) return csrfId;
  const fresh = randomBytes(32).toString("base64url");
  res.append("Set-Cookie", `${csrfCookie}=${fresh}; Path=/; HttpOnly; SameSite=Lax${https ? "; Secure" : ""}`);
  return fresh;
}

const contextFor = (req, res, csrfId) => ({ nonce: res.locals.nonce, csrfId, clientIp: req.ip ?? "unknown", requestId: res.locals.requestId });

/** Anonymous GET or HEAD of an address a route declared cacheable: its cache key, else null. */
function cacheableKey(req) {
  if (vite || (req.method !== "GET" && req.method !== "HEAD")) return null;
  if (app$.readCookie(req.headers.cookie, staffCookie) !== undefined) return null;
  return cacheKeyOf(req.url ?? "/");
}

/** Counts a render against the client's read budget; answers 429 and returns false past it. */
function withinReadLimit(req, res) {
  const state = readLimit.take(req.ip ?? "unknown");
  if (!state.limited) return true;
  log.warn({ event: "read_rate_limited", requestId: res.locals.requestId, ip: req.ip });
  res
    .set({ "Retry-After": String(state.retryAfterSeconds), "Cache-Control": "no-store" })
    .status(429)
    .type("text/plain")
    .send(`Too many pages were requested from your network address in the last minute. Try again in ${state.retryAfterSeconds} s.`);
  return false;
}

// Anonymous reads of public pages are answered from the response cache, first and
// cheaply (docs/performance.md); staff, who may see more, and every write go to the app.
// A miss is rendered for the canonical address (only the parameters the route reads),
// without the visitor's cookies or conditional headers, so the entry depends on nothing
// but its key. Cached pages are shared, so they carry no anti-forgery identity: the
// render gets a random one that no visitor has, and the cookie is set by the pages
// with forms.
const cache = new app$.ResponseCache(SECURITY_HEADERS);
app.use(async (req, res, next) => {
  const key = cacheableKey(req);
  if (key === null) return next();
  try {
    // Read before rendering: see response-cache.server.ts for why that order is safe.
    const version = await app$.currentDataVersion();
    const entry = cache.get(dated(key), version);
    if (entry) return writeEntry(req, res, entry, "hit", res.locals.requestId);
    if (!withinReadLimit(req, res)) return;
    // Rendered as a GET even for HEAD, so the entry has the body later GETs need.
    const request = toRequest(req, res, { method: "GET", path: key, anonymous: true });
    const response = await handle(request, contextFor(req, res, randomBytes(32).toString("base64url")));
    const filed = await cache.put(dated(key), version, response, res.get("Content-Security-Policy"));
    if (filed.entry) return writeEntry(req, res, filed.entry, "miss", res.locals.requestId);
    if (req.method === "HEAD") {
      setHeaders(res, filed.response);
      await filed.response.body?.cancel();
      res.end();
    } else {
      await sendResponse(res, filed.response);
    }
  } catch (error) {
    next(error);
  }
});

if (vite) {
  app.use(vite.middlewares);
} else {
  // Fingerprinted assets can be cached for good; everything else briefly.
  app.use("/assets", express.static(`${buildDir}/client/assets`, { immutable: true, maxAge: "1y", index: false }));
  app.use(express.static(`${buildDir}/client`, { maxAge: "1h", index: false, dotfiles: "ignore" }));
}

// Every other read that renders counts against the same budget as cache misses.
app.use((req, res, next) => {
  if ((req.method === "GET" || req.method === "HEAD") && req.path !== "/healthz" && !withinReadLimit(req, res)) return;
  next();
});

// The general write limit: 60 POSTs a minute per client address, across every form
// (write-limit.server.ts), checked before the body is read.
app.use(async (req, res, next) => {
  if (req.method !== "POST") return next();
  try {
    const state = await app$.consumeWriteLimit(req.ip ?? "unknown", res.locals.requestId);
    if (!state.limited) return next();
    res
      .set({ "Retry-After": String(state.retryAfterSeconds), Connection: "close" })
      .status(429)
      .type("text/plain")
      .send(`Too many forms were sent from your network address in the last minute. Try again in ${state.retryAfterSeconds} s.`);
  } catch (error) {
    next(error);
  }
});

// Every action reads a form: another kind of body is a 415 before anything reads it.
app.use((req, res, next) => {
  if (req.method !== "POST" || app$.isFormContentType(req.headers["content-type"])) return next();
  res
    .set("Connection", "close")
    .status(415)
    .type("text/plain")
    .send("Send forms as application/x-www-form-urlencoded or multipart/form-data, as a browser does.");
});

// Bodies are read whole, up to the cap (forms here are small); beyond it, 413 without
// reading the rest.
const readBody = express.raw({ type: () => true, limit: BODY_LIMIT });
app.use((req, res, next) => (req.method === "POST" ? readBody(req, res, next) : next()));
app.use((error, _req, res, next) => {
  if (error?.type === "entity.too.large") {
    res.set("Connection", "close").status(413).type("text/plain").send("Request body too large (the limit is 64 KiB)");
  } else if (error?.status && error.status < 500) {
    res.status(error.status).type("text/plain").send("Bad request");
  } else next(error);
});

app.all("*", async (req, res, next) => {
  try {
    const csrfId = visitorCsrfId(req, res);
    await sendResponse(res, await handle(toRequest(req, res), contextFor(req, res, csrfId)));
  } catch (error) {
    next(error);
  }
});

// The day is part of a cache key: some pages (years up to this one) change with the date.
const dated = (key) => `${new Date().toISOString().slice(0, 10)} ${key}`;

/** Answers a GET or HEAD from a cache entry: 304 when the client has it, else its bytes
 * in the encoding the client prefers. */
function writeEntry(req, res, entry, state, requestId) {
  const match = req.headers["if-none-match"];
  if (match && match.split(",").some((t) => t.trim().replace(/^W\//, "") === entry.etag)) {
    res.writeHead(304, [...entry.heads["304"], "X-Cache", state, "X-Request-Id", requestId]).end();
    return;
  }
  const encoding = app$.chooseEncoding(req.headers["accept-encoding"]);
  res.writeHead(entry.status, [...entry.heads[encoding], "X-Cache", state, "X-Request-Id", requestId]);
  res.end(req.method === "HEAD" ? undefined : entry[encoding]);
}

app.use((error, _req, res, _next) => {
  log.error({ event: "unhandled_error", requestId: res.locals.requestId, err: error });
  if (!res.headersSent) res.status(500).type("text/plain").send(`Something went wrong (error id ${res.locals.requestId})`);
});

// What a shared (cached) render must not depend on: who asks and what they hold.
const PERSONAL_HEADERS = new Set(["cookie", "if-none-match", "if-modified-since", "authorization"]);

/**
 * A Fetch Request for Remix. The origin is PUBLIC_URL's (never a client's Host header).
 * `path` replaces the request's address (the canonical one for a cached render);
 * `anonymous` leaves out the visitor's cookies and conditional headers.
 */
function toRequest(req, res, { method = req.method, path = req.originalUrl, anonymous = false } = {}) {
  const url = new URL(path, env.PUBLIC_URL);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (anonymous && PERSONAL_HEADERS.has(name)) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  // The origin was checked above; Remix checks it again against Host, so a request to
  // PUBLIC_URL through a proxy that rewrites Host must name the public host.
  if (req.headers.origin === publicOrigin) headers.set("host", new URL(publicOrigin).host);
  if (!env.TRUST_PROXY) headers.delete("x-forwarded-host");
  const controller = new AbortController();
  res.on("close", () => controller.abort());
  const init = { method, headers, signal: controller.signal };
  if (method !== "GET" && method !== "HEAD") {
    init.body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  }
  return new Request(url, init);
}

function setHeaders(res, response) {
  res.status(response.status);
  for (const [name, value] of response.headers.entries()) {
    if (name === "set-cookie") continue;
    res.setHeader(name, value);
  }
  for (const cookie of response.headers.getSetCookie()) res.append("Set-Cookie", cookie);
}

async function sendResponse(res, response) {
  setHeaders(res, response);
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}

/**
 * Cache hits on SQLite skip Express: a response cache hit is a lookup and one write, and
 * Express's request machinery would cost more than that (docs/performance.md). Same
 * headers, same rules as the cache middleware above; anything else goes to Express.
 */
function answerFromCache(req, res) {
  if (stopping || !site.hostAllowed(req.headers.host)) return false;
  const key = cacheableKey(req);
  if (key === null) return false;
  const version = app$.committedDataVersion();
  if (version === undefined) return false;
  const entry = cache.get(dated(key), version);
  if (!entry) return false;
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  const requestId = randomUUID();
  if (logHits) {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.info({ event: "request", requestId, method: req.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10, cache: "hit" });
    });
  }
  writeEntry(req, res, entry, "hit", requestId);
  return true;
}
const logHits = log.isLevelEnabled("info");

const server = http.createServer((req, res) => {
  try {
    if (answerFromCache(req, res)) return;
  } catch (error) {
    log.error({ event: "cache_fast_path_error", err: error });
  }
  app(req, res);
});
server.listen(port, host, () => {
  log.info({ event: "listening", url: `http://${host === "0.0.0.0" ? "localhost" : host}:${server.address().port}` });
  console.log(`Accord Registry listening on http://${host === "0.0.0.0" ? "localhost" : host}:${server.address().port}`);
});
const background = app$.startBackground();

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ event: "shutdown", signal });
    // Stop accepting new connections, but do not cut the open ones: http.Server.close()
    // would also drop "idle" keep-alive connections, and one may hold a request that the
    // busy event loop has not read yet. Instead every answer from now on says
    // `Connection: close`, and a connection with nothing more to say ends at its
    // keep-alive timeout. When the last one has ended, the mail sender stops and the
    // database closes. A stuck request cannot hold the process past 10 s.
    // The listener stays open for a short grace first: connections the kernel already
    // accepted but a busy event loop has not taken yet would be reset by closing it.
    setTimeout(() => process.exit(1), 10_000).unref();
    server.keepAliveTimeout = 1_000;
    setTimeout(() => {
      net.Server.prototype.close.call(server, async () => {
        await background.stop();
        await app$.shutdown();
        process.exit(0);
      });
    }, 1_500);
  });
}

