import { vitePlugin as remix } from "@remix-run/dev";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export const remixFuture = {
  v3_fetcherPersist: true,
  v3_relativeSplatPath: true,
  v3_throwAbortReason: true,
  v3_lazyRouteDiscovery: true,
  // Off on purpose: single fetch pulls turbo-stream onto the request path, and
  // that package has an open advisory under Remix 2 (docs/decisions/008-stay-on-remix-2.md).
  v3_singleFetch: false,
  v3_routeConfig: true,
};

export default defineConfig({
  resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
  plugins: [
    remix({
      future: remixFuture,
      // BUILD_DIR lets several builds live side by side (the server and its build step read it too).
      buildDirectory: process.env.BUILD_DIR ?? "build",
    }),
  ],
  build: { sourcemap: false },
});
