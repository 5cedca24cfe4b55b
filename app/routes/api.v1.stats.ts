import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/modules/db/db.server";
import { CACHE, openDataJson, preflight } from "~/modules/opendata/http.server";
import { getStats } from "~/modules/opendata/stats.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const options = preflight(request);
  if (options) return options;
  return openDataJson(request, { data: await getStats(getDb()) }, CACHE.slow);
}
