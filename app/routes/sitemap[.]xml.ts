import type { LoaderFunctionArgs } from "@remix-run/node";
import { cacheable } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { CACHE, preflight, textWithEtag } from "~/modules/opendata/http.server";
import { sitemapXml } from "~/modules/opendata/sitemap.server";
import { publicUrl } from "~/utils/env.server";
import { httpError } from "~/utils/http.server";

// Cached for anonymous visitors (cache-policy.ts); `page` picks a part of a large sitemap.
export const handle = cacheable(["page"]);

export async function loader({ request }: LoaderFunctionArgs) {
  const options = preflight(request);
  if (options) return options;
  const raw = new URL(request.url).searchParams.get("page");
  if (raw !== null && !/^[1-9]\d{0,5}$/.test(raw)) throw httpError(400, "Invalid page: page must be a whole number from 1.");
  const xml = await sitemapXml(getDb(), publicUrl, raw === null ? undefined : Number(raw));
  if (xml === null) throw httpError(404, "This sitemap has no such part.");
  return textWithEtag(request, xml, { contentType: "application/xml; charset=utf-8", cacheControl: CACHE.slow });
}
