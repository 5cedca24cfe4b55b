// Kept apart from vite.config.ts: the Remix plugin must not run under vitest.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
  test: {
    include: ["tests/**/*.test.{ts,tsx}", "app/**/*.test.{ts,tsx}"],
    // The slow ones run apart: npm run test:resilience (vitest.resilience.config.ts).
    exclude: ["**/node_modules/**", "tests/resilience/**"],
    // Builds first when a test that runs the production build is in the run and the
    // sources changed since the last build (tests/helpers/global-setup.ts).
    globalSetup: ["tests/helpers/global-setup.ts"],
    setupFiles: ["tests/helpers/setup.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
