// The slow resilience tests (npm run test:resilience): crashes, backups under load,
// shutdown under load. They run the production build (BUILD_DIR, default ./build) in
// child processes, one file at a time so their timings do not disturb each other.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) } },
  test: {
    include: ["tests/resilience/**/*.test.ts"],
    // Builds first when a test that runs the production build is in the run and the
    // sources changed since the last build (tests/helpers/global-setup.ts).
    globalSetup: ["tests/helpers/global-setup.ts"],
    setupFiles: ["tests/helpers/setup.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
