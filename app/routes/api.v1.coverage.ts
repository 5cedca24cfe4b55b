import type { LoaderFunctionArgs } from "@remix-run/node";
import { cacheable } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { CACHE, openDataJson, preflight } from "~/modules/opendata/http.server";
import type { ApiCoverage } from "~/modules/opendata/schemas";
import { getCoverage } from "~/modules/provenance/coverage.server";

// Cached for anonymous visitors (cache-policy.ts); it reads no query parameter.
export const handle = cacheable();

/** The registry's own count beside the accord's published counts (CONTRACT §8). */
export async function loader({ request }: LoaderFunctionArgs) {
  const options = preflight(request);
  if (options) return options;
  const coverage = await getCoverage(getDb());
  const data: ApiCoverage = {
    recorded: coverage.recorded,
    published: coverage.published.map((m) => ({
      as_of: m.as_of,
      precision: m.precision,
      count: m.count,
      qualifier: m.qualifier,
      source: { url: m.source.url, title: m.source.title },
    })),
  };
  return openDataJson(request, { data }, CACHE.slow);
}
