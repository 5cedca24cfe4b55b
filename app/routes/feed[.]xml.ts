import type { LoaderFunctionArgs } from "@remix-run/node";
import { notCached } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { buildFeed, feedContentType } from "~/modules/opendata/feed.server";
import { CACHE, preflight, textWithEtag } from "~/modules/opendata/http.server";

export const handle = notCached(
  "answers a browser as application/xml (so it applies the feed's XSL stylesheet) and feed readers as application/atom+xml, by Accept: the response cache keys by address only",
);

export async function loader({ request }: LoaderFunctionArgs) {
  const options = preflight(request);
  if (options) return options;
  const response = textWithEtag(request, await buildFeed(getDb()), {
    contentType: feedContentType(request.headers.get("Accept")),
    cacheControl: CACHE.slow,
    cors: true,
  });
  response.headers.set("Vary", "Accept");
  return response;
}
