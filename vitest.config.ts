// Kept apart from vite.config.ts: the Remix plugin must not run under vitest.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { needsBuild } from "./tests/helpers/global-setup";

/**
 * `npm run test:fast` (`vitest run --mode fast`): the unit, component and integration tests
 * that run in this process, without the browser or the production server (the files that
 * reach tests/helpers/server.ts are left out, whatever folder they are in).
 */
function fastSuite() {
  const include = ["tests/unit", "tests/component", "tests/integration", "app"].map((dir) => `${dir}/**/*.test.{ts,tsx}`);
  const serverTests = ["tests/unit", "tests/component", "tests/integration"].flatMap((dir) =>
    readdirSync(dir, { recursive: true, encoding: "utf8" })
      .map((file) => join(dir, file))
      .filter((file) => /\.test\.tsx?$/.test(file) && needsBuild(file)),
  );
  return { include, exclude: serverTests };
}

export default defineConfig(({ mode }) => {
  const fast = mode === "fast" ? fastSuite() : undefined;
  return {
    resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
    test: {
      include: fast?.include ?? ["tests/**/*.test.{ts,tsx}", "app/**/*.test.{ts,tsx}"],
      // The slow ones run apart: npm run test:resilience (vitest.resilience.config.ts).
      exclude: ["**/node_modules/**", "tests/resilience/**", ...(fast?.exclude ?? [])],
      // Builds first when a test that runs the production build is in the run and the
      // sources changed since the last build (tests/helpers/global-setup.ts).
      globalSetup: ["tests/helpers/global-setup.ts"],
      setupFiles: ["tests/helpers/setup.ts"],
      environment: "node",
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  };
});
