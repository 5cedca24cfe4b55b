// The application behind the server: the Remix production build beside this bundle
// (BUILD_DIR/server/index.js next to BUILD_DIR/server-main.js), or with --dev Vite's
// dev server, which rebuilds it on every request. Its hooks come from the build's entry
// module, so the process holds one copy of the database module: the one in the build.
import { createRequestHandler, type AppLoadContext, type ServerBuild } from "@remix-run/node";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ViteDevServer } from "vite";
import type { ServerHooks } from "./hooks";

export interface RemixApp {
  /** The build as it was at start-up (its route table, its hooks). */
  build: ServerBuild;
  hooks: ServerHooks;
  /** Answers a Fetch Request with the app (a fresh build per request under Vite). */
  handle(request: Request, context: AppLoadContext): Promise<Response>;
  /** Vite's dev server with --dev; its middleware serves the browser's modules. */
  vite?: ViteDevServer;
  /** The built browser assets to serve as static files (production only). */
  clientDir: string;
}

/**
 * Where the production build lives: the directory of this bundle (BUILD_DIR/server-main.js),
 * so a build always serves itself whatever the environment says. Run from source
 * (`tsx server/index.ts`), BUILD_DIR as the build wrote it.
 */
function buildDirectory(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith(".ts") ? resolve(process.env.BUILD_DIR ?? "build") : dirname(here);
}

/** The hooks object of app/entry.server.tsx (Remix types the entry module's own exports only). */
function hooksOf(build: ServerBuild): ServerHooks {
  const entry: object = build.entry.module;
  if (!("hooks" in entry) || typeof entry.hooks !== "object" || entry.hooks === null) {
    throw new Error("The server build has no `hooks` export (app/entry.server.tsx).");
  }
  // Checked where it is written: `export const hooks = { … } satisfies ServerHooks`.
  return entry.hooks as ServerHooks;
}

export async function loadRemix(dev: boolean): Promise<RemixApp> {
  const buildDir = buildDirectory();
  if (dev) {
    const vite = await import("vite").then((v) => v.createServer({ server: { middlewareMode: true } }));
    // Vite's module loader is untyped: the virtual module is the Remix server build.
    const loadBuild = async () => (await vite.ssrLoadModule("virtual:remix/server-build")) as ServerBuild;
    const build = await loadBuild();
    return {
      build,
      hooks: hooksOf(build),
      handle: createRequestHandler(loadBuild, "development"),
      vite,
      clientDir: join(buildDir, "client"),
    };
  }
  const build = (await import(pathToFileURL(join(buildDir, "server", "index.js")).href)) as ServerBuild;
  return { build, hooks: hooksOf(build), handle: createRequestHandler(build, "production"), clientDir: join(buildDir, "client") };
}
