import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/modules/db/db.server";
import { buildFeed } from "~/modules/opendata/feed.server";
import { CACHE, preflight, textWithEtag } from "~/modules/opendata/http.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const options = preflight(request);
  if (options) return options;
  return textWithEtag(request, await buildFeed(getDb()), {
    contentType: "application/atom+xml; charset=utf-8",
    cacheControl: CACHE.slow,
    cors: true,
  });
}
