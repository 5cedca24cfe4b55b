// Every route with a loader decides whether the response cache may keep its answers:
// `handle = cacheable([...params])` or `handle = notCached("why")`
// (app/modules/cache/cache-policy.ts, docs/decisions/011 and 014). A new route that says
// neither fails here, instead of silently staying uncached or, worse, being declared
// cacheable by someone who did not look at what it shows.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cacheable, createCacheRouter, notCached, type RouteTable } from "~/modules/cache/cache-policy";

const ROUTES = fileURLToPath(new URL("../../app/routes", import.meta.url));
// As app/routes.ts: test files and dot files are not routes.
const files = readdirSync(ROUTES, { recursive: true, encoding: "utf8" })
  .filter((file) => /\.(ts|tsx|js|jsx)$/.test(file) && !/\.test\./.test(file) && !file.split("/").some((part) => part.startsWith(".")))
  .sort();

/** What a module's handle says about the cache, or why it says nothing usable. */
function decision(module: Record<string, unknown>): { cached: string[] } | { notCached: string } | { problem: string } {
  const handle = module.handle;
  if (!handle || typeof handle !== "object" || !("cache" in handle)) {
    return { problem: 'no `handle` with `cache`: export `handle = cacheable([...])` or `handle = notCached("why")`' };
  }
  const { cache, notCachedBecause } = handle as { cache: unknown; notCachedBecause?: unknown };
  if (cache === null) {
    return typeof notCachedBecause === "string" && notCachedBecause.trim() !== ""
      ? { notCached: notCachedBecause }
      : { problem: '`cache: null` without a reason: use notCached("why")' };
  }
  const params = (cache as { params?: unknown }).params;
  if (Array.isArray(params) && params.every((p) => typeof p === "string")) return { cached: params };
  return { problem: "`cache` is neither a policy from cacheable() nor null" };
}

describe("route modules decide about the response cache", () => {
  it("finds the routes", () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files)("%s", async (file) => {
    const module = (await import(join(ROUTES, file))) as Record<string, unknown>;
    const verdict = decision(module);
    // A handle that talks about the cache must say it properly, loader or not.
    const mustDecide =
      typeof module.loader === "function" || (typeof module.handle === "object" && module.handle !== null && "cache" in module.handle);
    if (mustDecide) expect("problem" in verdict ? verdict.problem : null).toBeNull();
  });
});

describe("the server's cache router", () => {
  const table = (handle: unknown): RouteTable => ({
    root: { id: "root", path: "", module: {} },
    "routes/page": { id: "routes/page", parentId: "root", path: "page", module: { handle } },
  });

  it("keys a cacheable route", () => {
    expect(createCacheRouter(table(cacheable(["q"])))("/page?q=1")).toBe("/page?q=1");
  });

  it("treats notCached exactly as a route without a handle", () => {
    for (const handle of [notCached("staff page"), undefined, {}]) {
      expect(createCacheRouter(table(handle))("/page")).toBeNull();
    }
  });
});
