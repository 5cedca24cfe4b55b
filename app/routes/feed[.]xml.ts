import type { LoaderFunctionArgs } from "@remix-run/node";
import { cacheable } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { buildFeed } from "~/modules/opendata/feed.server";
import { CACHE, preflight, textWithEtag } from "~/modules/opendata/http.server";

// Cached for anonymous visitors (cache-policy.ts); it reads no query parameter.
export const handle = cacheable();

export async function loader({ request }: LoaderFunctionArgs) {
  const options = preflight(request);
  if (options) return options;
  return textWithEtag(request, await buildFeed(getDb()), {
    contentType: "application/atom+xml; charset=utf-8",
    cacheControl: CACHE.slow,
    cors: true,
  });
}
