// How deep a search pages (issue 16, decision 023): its first 1,000 results; past them a
// page is a 400 naming `page` with a message saying what to do instead, the total stays
// exact, and `pages` counts the pages that can be asked for. Listings without q page on.
import { describe, expect, it } from "vitest";
import { SEARCH_RESULTS_LIMIT, loadDirectory } from "~/modules/directory/load.server";
import { useSeededDatabase } from "../helpers/db";

const getDb = useSeededDatabase();
const load = (search: string) => loadDirectory(getDb(), new URL(`http://registry.test/api/v1/signatories?${search}`));

describe("a search's depth", () => {
  it("answers up to its 1,000th result, one per page, and refuses the page after with a message", async () => {
    const last = await load(`q=a&per_page=1&page=${SEARCH_RESULTS_LIMIT}`);
    expect(last.ok).toBe(true);
    const past = await load(`q=a&per_page=1&page=${SEARCH_RESULTS_LIMIT + 1}`);
    expect(past).toMatchObject({ ok: false, param: "page" });
    if (!past.ok) expect(past.message).toMatch(/at most 1000 .*1,000 most relevant results.*CSV/);
  });

  it("counts the reachable pages and keeps the total exact", async () => {
    const page = await load("q=a&per_page=1");
    if (!page.ok) throw new Error(page.message);
    expect(page.result.total).toBeGreaterThan(1);
    expect(page.result.pages).toBe(Math.min(page.result.total, SEARCH_RESULTS_LIMIT));
    const wide = await load(`q=a&per_page=3&page=${Math.ceil(SEARCH_RESULTS_LIMIT / 3)}`);
    expect(wide.ok).toBe(true);
    expect((await load(`q=a&per_page=3&page=${Math.ceil(SEARCH_RESULTS_LIMIT / 3) + 1}`)).ok).toBe(false);
  });

  it("leaves listings without q alone: any page, empty past the last", async () => {
    const deep = await load("page=5000");
    if (!deep.ok) throw new Error(deep.message);
    expect(deep.result.items).toEqual([]);
    expect(deep.result.pages).toBe(Math.ceil(deep.result.total / 25));
  });
});
