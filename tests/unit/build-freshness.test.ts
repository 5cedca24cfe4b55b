// The browser and HTTP tests run the production build; the global setup
// (tests/helpers/global-setup.ts) rebuilds it first when the sources are newer, and only
// for runs that hold such a test.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { OUTPUTS, SOURCES, staleReason } from "../../scripts/build-if-needed.mjs";
import { needsBuild } from "../helpers/global-setup";

describe("which test files need the production build", () => {
  it.each([
    "tests/e2e/journeys.test.ts",
    "tests/e2e/apply.test.ts",
    "tests/integration/http.test.ts",
    "tests/integration/response-cache.test.ts",
    "tests/integration/multi-instance.test.ts",
    "tests/security/requests.test.ts",
    "tests/security/errors-and-logs.test.ts",
    "tests/resilience/crash.test.ts",
  ])("%s does", (file) => {
    expect(needsBuild(file)).toBe(true);
  });

  it.each([
    "tests/unit/query.test.ts",
    "tests/component/apply-form.test.tsx",
    "tests/integration/directory.test.ts",
    "tests/integration/apply.test.ts",
    "tests/security/fuzz.test.ts",
  ])("%s does not", (file) => {
    expect(needsBuild(file)).toBe(false);
  });
});

describe("a build is stale when a source is newer", () => {
  const saved = process.env.BUILD_DIR;
  let dir: string | undefined;
  afterEach(() => {
    if (saved === undefined) delete process.env.BUILD_DIR;
    else process.env.BUILD_DIR = saved;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function fakeBuild(at: Date | null): void {
    dir = mkdtempSync(join(tmpdir(), "accord-build-"));
    process.env.BUILD_DIR = dir;
    if (!at) return;
    for (const output of OUTPUTS) {
      mkdirSync(join(dir, output, ".."), { recursive: true });
      writeFileSync(join(dir, output), "");
      utimesSync(join(dir, output), at, at);
    }
  }

  it("missing", () => {
    fakeBuild(null);
    expect(staleReason()).toMatch(/missing/);
  });

  it("older than the sources", () => {
    fakeBuild(new Date(2000, 0, 1));
    expect(staleReason()).toMatch(/sources changed/);
  });

  it("newer than every source", () => {
    fakeBuild(new Date(Date.now() + 86_400_000));
    expect(staleReason()).toBeNull();
  });

  it("the sources include the app, the database code and the server", () => {
    expect(SOURCES).toEqual(expect.arrayContaining(["app", "db", "server", "public", "package.json"]));
  });
});
