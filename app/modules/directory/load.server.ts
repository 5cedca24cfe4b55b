// Reading a directory request: shared by the HTML directory, the JSON API and (later)
// the CSV export, so they answer the same URL with the same signatories.
import type { DB } from "~/modules/database/db.server";
import { offEventLoop } from "~/modules/search-pool/run.server";
import { knownCodes, searchSignatories, type DirectoryPage } from "./directory.server";
import { parseDirectoryQuery, type DirectoryQuery } from "./query";

export type DirectoryRequest = { ok: true; query: DirectoryQuery; result: DirectoryPage } | { ok: false; param: string; message: string };

export async function loadDirectory(db: DB, url: URL): Promise<DirectoryRequest> {
  const parsed = parseDirectoryQuery(url.searchParams, await knownCodes(db));
  if (!parsed.ok) return parsed;
  const { query } = parsed;
  // Off the event loop on SQLite when the server runs its search pool (decision 023).
  return { ok: true, query, result: await offEventLoop(db, "search", query, (reader) => searchSignatories(reader, query)) };
}
