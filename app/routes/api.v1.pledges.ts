import type { LoaderFunctionArgs } from "@remix-run/node";
import { cacheable } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { listPledges } from "~/modules/directory/directory.server";
import { CACHE, openDataJson, preflight } from "~/modules/opendata/http.server";
import type { ApiPledge } from "~/modules/opendata/schemas";

// Cached for anonymous visitors (cache-policy.ts); it reads no query parameter.
export const handle = cacheable();

export async function loader({ request }: LoaderFunctionArgs) {
  const options = preflight(request);
  if (options) return options;
  const pledges = await listPledges(getDb());
  const data: ApiPledge[] = pledges.map((p) => ({
    code: p.code,
    title: p.title,
    summary: p.summary,
    introduced_on: p.introduced_on,
    required: p.required,
    endorsements: p.endorsements,
  }));
  return openDataJson(request, { data }, CACHE.slow);
}
