// Reading a directory request: shared by the HTML directory, the JSON API and (later)
// the CSV export, so they answer the same URL with the same signatories.
import type { DB } from "~/modules/database/db.server";
import { offEventLoop } from "~/modules/search-pool/run.server";
import { knownCodes, searchSignatories, type DirectoryPage } from "./directory.server";
import { parseDirectoryQuery, type DirectoryQuery } from "./query";

export type DirectoryRequest = { ok: true; query: DirectoryQuery; result: DirectoryPage } | { ok: false; param: string; message: string };

/**
 * How deep a full-text search pages (issue 16, decision 023): its first 1,000 results. Every
 * page of a search ranks all of its hits, and a deeper page also keeps and sorts every row
 * before it, so without a bound page 600 of a broad search cost 1.7 times page 1 at
 * 100,000 signatories. Past the bound a page is refused (400, naming `page`), the total
 * stays exact, and `pages` counts the pages that can be asked for. The CSV export gives
 * every result of a search; listings without `q` page to the end.
 */
export const SEARCH_RESULTS_LIMIT = 1_000;

export async function loadDirectory(db: DB, url: URL): Promise<DirectoryRequest> {
  const parsed = parseDirectoryQuery(url.searchParams, await knownCodes(db));
  if (!parsed.ok) return parsed;
  const { query } = parsed;
  const searching = query.words.length > 0;
  const reachable = Math.ceil(SEARCH_RESULTS_LIMIT / query.perPage);
  if (searching && query.page > reachable) {
    return {
      ok: false,
      param: "page",
      message:
        `page must be at most ${reachable} for a search at ${query.perPage} a page: a search lists its ` +
        `${SEARCH_RESULTS_LIMIT.toLocaleString("en")} most relevant results. Add words or filters to narrow it, ` +
        `or download every result as CSV (/signatories.csv with the same q and filters).`,
    };
  }
  // Off the event loop on SQLite when the server runs its search pool (decision 023).
  const result = await offEventLoop(db, "search", query, (reader) => searchSignatories(reader, query));
  return { ok: true, query, result: searching ? { ...result, pages: Math.min(result.pages, reachable) } : result };
}
