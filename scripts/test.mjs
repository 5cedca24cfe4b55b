// npm test: the whole suite. Finds a browser, type-checks, lints (ESLint, Prettier, the
// direction of imports), builds, runs every test on SQLite; then, when TEST_DATABASE_URL names a PostgreSQL server, runs the integration
// suite a second time with every test database on PostgreSQL.
import { spawnSync } from "node:child_process";

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(process.execPath, ["scripts/ensure-chromium.mjs"]);
run("npx", ["tsc", "--noEmit"]);
run("npm", ["run", "--silent", "lint"]);
// Builds when the sources changed (the tests' global setup checks again and finds it current).
run(process.execPath, ["scripts/build-if-needed.mjs"]);
console.log("\ntest: SQLite pass (every test)");
run("npx", ["vitest", "run"]);

const pgUrl = process.env.TEST_DATABASE_URL;
if (pgUrl && /^postgres(ql)?:\/\//.test(pgUrl)) {
  console.log("\ntest: PostgreSQL pass (integration tests, TEST_DATABASE_URL)");
  run("npx", ["vitest", "run", "tests/integration"], { TEST_ENGINE: "postgres" });
} else {
  console.log(
    "\ntest: PostgreSQL pass SKIPPED: TEST_DATABASE_URL is not set. To run it: " +
      "TEST_DATABASE_URL=postgres://user:password@127.0.0.1:5432/postgres npm test (the user must be allowed to create databases).",
  );
}
