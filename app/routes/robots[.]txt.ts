import type { LoaderFunctionArgs } from "@remix-run/node";
import { cacheable } from "~/modules/cache/cache-policy";
import { CACHE, textWithEtag } from "~/modules/opendata/http.server";
import { robotsTxt } from "~/modules/opendata/sitemap.server";
import { publicUrl } from "~/utils/env.server";

// Cached for anonymous visitors (cache-policy.ts); it reads no query parameter.
export const handle = cacheable();

/** What crawlers may visit (it names the sitemap, whose address depends on PUBLIC_URL). */
export async function loader({ request }: LoaderFunctionArgs) {
  return textWithEtag(request, robotsTxt(publicUrl), { contentType: "text/plain; charset=utf-8", cacheControl: CACHE.document });
}
