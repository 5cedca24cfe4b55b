// The HTTP server: Express serving the Remix build (or Vite's dev middleware with
// --dev). The database is migrated, and seeded when empty, before it listens.
import { createRequestHandler } from "@remix-run/express";
import express from "express";

const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";

const vite = dev
  ? await import("vite").then((v) => v.createServer({ server: { middlewareMode: true } }))
  : undefined;
const loadBuild = () =>
  vite ? vite.ssrLoadModule("virtual:remix/server-build") : import("./build/server/index.js");

const build = await loadBuild();
try {
  await build.entry.module.startup();
} catch (error) {
  console.error(`start-up failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}

const app = express();
app.disable("x-powered-by");
if (vite) {
  app.use(vite.middlewares);
} else {
  // Fingerprinted assets can be cached for good; everything else briefly.
  app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y", index: false }));
  app.use(express.static("build/client", { maxAge: "1h", index: false }));
}
app.all("*", createRequestHandler({ build: vite ? loadBuild : build }));

const server = app.listen(port, host, () => {
  console.log(`Accord Registry listening on http://${host === "0.0.0.0" ? "localhost" : host}:${port}`);
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    // Idle keep-alive connections would hold close() open; end them.
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  });
}
