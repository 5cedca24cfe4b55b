// The HTTP server: Express in front of the Remix build (or Vite's dev middleware with
// --dev). It owns what every response shares and the process itself; each concern is a
// module beside this one, wired here in the order requests meet them:
//
//   cache.ts        hits answered before Express (the fast path)
//   request-log.ts  request id and one log line per request
//   headers.ts      security headers, CSP with a per-request nonce
//   checks.ts       421 host, 400 target, 403 cross-site, 405 method
//   cache.ts        the response cache (hits the fast path left, misses)
//   static.ts       build/client (assets in their precompressed brotli or gzip twins)
//   limits.ts       read budget, write limit
//   checks.ts       415 non-form body, 413 body cap
//   static.ts       compression of what the app renders past the cache
//   adapter.ts      the Remix handler, with the anti-forgery cookie (csrf-cookie.ts)
//   shutdown.ts     graceful shutdown
//
// The database is migrated, and seeded when empty, before it listens. The app is reached
// through one typed object, its hooks (hooks.ts). Production runs the bundle that
// server/build.ts makes of this folder (BUILD_DIR/server-main.js); docs/decisions/013.
import "./locals";
import express from "express";
import http from "node:http";
import { createCacheRouter } from "~/modules/cache/cache-policy";
import { siteOf } from "~/modules/security/origin.server";
import type { Env } from "~/utils/env.server";
import { createAdapter } from "./adapter";
import { responseCaching } from "./cache";
import { bodyCap, crossSiteRefusal, formBodiesOnly, hostAndTarget, methodAllowList } from "./checks";
import { visitorCsrfId } from "./csrf-cookie";
import { responseHeaders } from "./headers";
import { readBudget, writeLimit } from "./limits";
import { loadRemix } from "./remix";
import { requestLog } from "./request-log";
import { assetFiles, compressRendered, publicFiles } from "./static";
import { isStopping, stopGracefully } from "./shutdown";
import { reportEventLoopDelay } from "./event-loop";

const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";

const remix = await loadRemix(dev);
const { hooks } = remix;
let env: Env;
try {
  env = hooks.getEnv();
  await hooks.startup();
} catch (error) {
  console.error(`start-up failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
const log = hooks.log;
const https = env.PUBLIC_URL.startsWith("https:");
const site = siteOf(env);
const headers = responseHeaders({ https, dev, isStopping });
const reads = readBudget(env.READ_LIMIT_PER_MINUTE, log);
const adapter = createAdapter({ publicUrl: env.PUBLIC_URL, trustProxy: env.TRUST_PROXY });
const cache = responseCaching({
  hooks,
  log,
  // Which addresses the response cache answers, and under which canonical key: declared
  // by the routes themselves (`handle.cache`, see cache-policy.ts).
  router: createCacheRouter(remix.build.routes),
  enabled: !remix.vite,
  securityHeaders: headers.security,
  csp: headers.csp,
  site,
  readBudget: reads,
  adapter,
  handle: remix.handle,
  isStopping,
});

const app = express();
app.disable("x-powered-by");
app.set("trust proxy", env.TRUST_PROXY ? 1 : false);

// Headers for every response, static files and errors included.
app.use(requestLog(log));
app.use(headers.middleware);
app.use(hostAndTarget(site, log));
app.use(crossSiteRefusal(site, log));
app.use(methodAllowList);
app.use(cache.middleware);

if (remix.vite) {
  app.use(remix.vite.middlewares);
} else {
  app.use("/assets", assetFiles(remix.clientDir));
  app.use(publicFiles(remix.clientDir));
}

app.use(reads.middleware);
app.use(writeLimit(hooks.consumeWriteLimit));
app.use(formBodiesOnly);
app.use(bodyCap);
app.use(compressRendered);

app.all("*", async (req, res, next) => {
  try {
    const csrfId = visitorCsrfId(req, res, https);
    await adapter.sendResponse(res, await remix.handle(adapter.toRequest(req, res), adapter.contextFor(req, res, csrfId)));
  } catch (error) {
    next(error);
  }
});

app.use(((error, _req, res, _next) => {
  log.error({ event: "unhandled_error", requestId: res.locals.requestId, err: error });
  if (!res.headersSent) res.status(500).type("text/plain").send(`Something went wrong (error id ${res.locals.requestId})`);
}) satisfies express.ErrorRequestHandler);

const server = http.createServer((req, res) => {
  try {
    if (cache.answerFromCache(req, res)) return;
  } catch (error) {
    log.error({ event: "cache_fast_path_error", err: error });
  }
  app(req, res);
});
server.listen(port, host, () => {
  const address = server.address();
  const url = `http://${host === "0.0.0.0" ? "localhost" : host}:${typeof address === "object" && address ? address.port : port}`;
  log.info({ event: "listening", url });
  console.log(`Accord Registry listening on ${url}`);
});
const background = hooks.startBackground();
reportEventLoopDelay(process.env.BENCH_EVENT_LOOP_FILE);

stopGracefully(server, {
  log,
  async stop() {
    await background.stop();
    await hooks.shutdown();
  },
});
