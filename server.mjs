// The HTTP server: Express in front of the Remix build (or Vite's dev middleware with
// --dev). It owns what every response shares: security headers with a per-request CSP
// nonce, the anti-forgery cookie, the client address, the 64 KiB body cap, the method
// allow-list, request logs, and a graceful shutdown. The database is migrated, and
// seeded when empty, before it listens.
import { createRequestHandler, writeReadableStreamToWritable } from "@remix-run/node";
import express from "express";
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
/** @type {{ getEnv(): any, log: any, startBackground(): { stop(): Promise<void> }, shutdown(): Promise<void> }} */
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

const handle = createRequestHandler(vite ? loadBuild : build, vite ? "development" : "production");

const app = express();
app.disable("x-powered-by");
app.set("trust proxy", env.TRUST_PROXY ? 1 : false);

// Headers for every response, static files and errors included.
app.use((req, res, next) => {
  res.locals.nonce = randomBytes(16).toString("base64");
  res.locals.requestId = randomUUID();
  res.locals.started = process.hrtime.bigint();
  const scriptSrc = `'self' 'nonce-${res.locals.nonce}'`;
  res.set({
    "Content-Security-Policy": [
      "default-src 'self'",
      `script-src ${scriptSrc}${dev ? " 'unsafe-eval'" : ""}`,
      `style-src 'self'${dev ? " 'unsafe-inline'" : ""}`,
      "img-src 'self' data:",
      `connect-src 'self'${dev ? " ws:" : ""}`,
      "font-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join("; "),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "X-Request-Id": res.locals.requestId,
  });
  if (https) res.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  res.on("finish", () => {
    const ms = Number(process.hrtime.bigint() - res.locals.started) / 1e6;
    // The path only: query strings can carry tokens (status links, verification).
    log.info({ event: "request", requestId: res.locals.requestId, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10, ip: req.ip });
  });
  next();
});

const ALLOWED = new Set(["GET", "HEAD", "POST", "OPTIONS"]);
app.use((req, res, next) => {
  if (ALLOWED.has(req.method)) return next();
  res.set("Allow", "GET, HEAD, POST").status(405).type("text/plain").send("Method not allowed");
});

if (vite) {
  app.use(vite.middlewares);
} else {
  // Fingerprinted assets can be cached for good; everything else briefly.
  app.use("/assets", express.static(`${buildDir}/client/assets`, { immutable: true, maxAge: "1y", index: false }));
  app.use(express.static(`${buildDir}/client`, { maxAge: "1h", index: false, dotfiles: "ignore" }));
}

// Bodies are read whole, up to the cap (forms here are small); beyond it, 413 without
// reading the rest.
app.use(express.raw({ type: () => true, limit: BODY_LIMIT }));
app.use((error, _req, res, next) => {
  if (error?.type === "entity.too.large") {
    res.set("Connection", "close").status(413).type("text/plain").send("Request body too large (the limit is 64 KiB)");
  } else if (error?.status && error.status < 500) {
    res.status(error.status).type("text/plain").send("Bad request");
  } else next(error);
});

app.all("*", async (req, res, next) => {
  try {
    const cookies = parseCookies(req.headers.cookie);
    let csrfId = cookies[csrfCookie];
    if (!csrfId || !/^[A-Za-z0-9_-]{43}$/.test(csrfId)) {
      csrfId = randomBytes(32).toString("base64url");
      res.append("Set-Cookie", `${csrfCookie}=${csrfId}; Path=/; HttpOnly; SameSite=Lax${https ? "; Secure" : ""}`);
    }
    const request = toRequest(req, res);
    const context = { nonce: res.locals.nonce, csrfId, clientIp: req.ip ?? "unknown", requestId: res.locals.requestId };
    const response = await handle(request, context);
    await sendResponse(res, response);
  } catch (error) {
    next(error);
  }
});

app.use((error, _req, res, _next) => {
  log.error({ event: "unhandled_error", requestId: res.locals.requestId, err: error });
  if (!res.headersSent) res.status(500).type("text/plain").send(`Something went wrong (error id ${res.locals.requestId})`);
});

function parseCookies(header = "") {
  const cookies = {};
  for (const part of header.split(";")) {
    const at = part.indexOf("=");
    if (at > 0) cookies[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return cookies;
}

/** A Fetch Request for Remix. The origin is PUBLIC_URL's (never a client's Host header). */
function toRequest(req, res) {
  const url = new URL(req.originalUrl, env.PUBLIC_URL);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const controller = new AbortController();
  res.on("close", () => controller.abort());
  const init = { method: req.method, headers, signal: controller.signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    init.body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  }
  return new Request(url, init);
}

async function sendResponse(res, response) {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [name, value] of response.headers.entries()) {
    if (name === "set-cookie") continue;
    res.setHeader(name, value);
  }
  for (const cookie of response.headers.getSetCookie()) res.append("Set-Cookie", cookie);
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}

const server = app.listen(port, host, () => {
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
    // Stop accepting, let in-flight requests finish, then stop the mail sender and close
    // the database. A stuck request cannot hold the process past 10 s.
    setTimeout(() => process.exit(1), 10_000).unref();
    server.close(async () => {
      await background.stop();
      await app$.shutdown();
      process.exit(0);
    });
    server.closeIdleConnections();
  });
}

