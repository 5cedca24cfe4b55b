// Figures computed from the whole registry (facet counts, endorsements per pledge, joins
// per year) change only when the data does: each is computed once per data version and
// shared by every page and API answer rendered under that version. At 100,000
// signatories some take 20–170 ms (docs/performance.md); served from here they take none.
import type { DB } from "~/modules/database/db.server";
import { dataVersion } from "./response-cache.server";

const MAX_ENTRIES = 500;
const memo = new Map<string, { version: number; value: Promise<unknown> }>();

/** The value for `key` under the current data version, computed at most once per version
 * (concurrent callers share one computation; a failed one is not kept). */
export async function perVersion<T>(db: DB, key: string, compute: () => Promise<T>): Promise<T> {
  const version = await dataVersion(db);
  const known = memo.get(key);
  if (known && known.version === version) return known.value as Promise<T>;
  const value = compute();
  memo.delete(key);
  if (memo.size >= MAX_ENTRIES) memo.delete(memo.keys().next().value!);
  memo.set(key, { version, value });
  value.catch(() => {
    if (memo.get(key)?.value === value) memo.delete(key);
  });
  return value;
}
