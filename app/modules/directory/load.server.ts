// Reading a directory request: shared by the HTML directory, the JSON API and (later)
// the CSV export, so they answer the same URL with the same signatories.
import type { DB } from "~/modules/database/db.server";
import { knownCodes, searchSignatories, type DirectoryPage } from "./directory.server";
import { parseDirectoryQuery, type DirectoryQuery } from "./query";

export type DirectoryRequest = { ok: true; query: DirectoryQuery; result: DirectoryPage } | { ok: false; param: string; message: string };

export async function loadDirectory(db: DB, url: URL): Promise<DirectoryRequest> {
  const parsed = parseDirectoryQuery(url.searchParams, await knownCodes(db));
  if (!parsed.ok) return parsed;
  return { ok: true, query: parsed.query, result: await searchSignatories(db, parsed.query) };
}
