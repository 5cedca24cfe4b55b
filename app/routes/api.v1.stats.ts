import type { LoaderFunctionArgs } from "@remix-run/node";
import { cacheable } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { CACHE, openDataJson, preflight } from "~/modules/opendata/http.server";
import { getStats } from "~/modules/opendata/stats.server";

// Cached for anonymous visitors (cache-policy.ts); it reads no query parameter.
export const handle = cacheable();

export async function loader({ request }: LoaderFunctionArgs) {
  const options = preflight(request);
  if (options) return options;
  return openDataJson(request, { data: await getStats(getDb()) }, CACHE.slow);
}
