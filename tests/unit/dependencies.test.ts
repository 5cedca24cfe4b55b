// Dependency gates (security catalogue 51 and 54): the resolved versions in the lock file
// are the patched ones, and single fetch (with its turbo-stream advisory) stays off.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { remixFuture } from "../../vite.config";

const lock = JSON.parse(readFileSync(new URL("../../package-lock.json", import.meta.url), "utf8")) as {
  packages: Record<string, { version?: string }>;
};

function resolved(name: string): string[] {
  return Object.entries(lock.packages)
    .filter(([path]) => path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`))
    .map(([, info]) => info.version ?? "");
}

function atLeast(version: string, minimum: string): boolean {
  const a = version.split(".").map(Number);
  const b = minimum.split(".").map(Number);
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

describe("dependency gates [ASVS 15.1.1, 15.2.1]", () => {
  it.each([
    ["@remix-run/server-runtime", "2.17.5"],
    ["@remix-run/router", "1.23.2"],
    ["kysely", "0.28.17"],
    ["cookie", "0.7.2"],
  ])("every copy of %s in the lock file is at least %s", (name, minimum) => {
    const versions = resolved(name);
    expect(versions.length).toBeGreaterThan(0);
    for (const version of versions) expect(atLeast(version, minimum), `${name}@${version}`).toBe(true);
  });

  it("keeps Remix's single fetch off (catalogue 54)", () => {
    expect(remixFuture.v3_singleFetch).toBe(false);
  });
});
