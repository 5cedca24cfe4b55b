import type { LoaderFunctionArgs } from "@remix-run/node";
import { cacheable } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { toApiSignatory } from "~/modules/directory/api.server";
import { securityContactsBySlug } from "~/modules/evidence/security-contact.server";
import { loadDirectory } from "~/modules/directory/load.server";
import { CACHE, openDataError, openDataJson, preflight } from "~/modules/opendata/http.server";
import { publicUrl } from "~/utils/env.server";
import { DIRECTORY_PARAMS } from "~/modules/directory/query";
import { sourcesBySlug } from "~/modules/provenance/sources.server";
import { logoHashes } from "~/modules/logos/logos.server";

// Cached for anonymous visitors (cache-policy.ts): the directory's parameters are all it reads.
export const handle = cacheable(DIRECTORY_PARAMS);

export async function loader({ request }: LoaderFunctionArgs) {
  const options = preflight(request);
  if (options) return options;
  const url = new URL(request.url);
  const directory = await loadDirectory(getDb(), url);
  if (!directory.ok) return openDataError(400, "invalid_parameter", directory.message);
  const { result } = directory;
  const slugs = result.items.map((s) => s.slug);
  const [sources, logos, security] = await Promise.all([
    sourcesBySlug(getDb(), slugs),
    logoHashes(getDb(), slugs),
    securityContactsBySlug(getDb(), slugs),
  ]);
  const pageLink = (page: number) => {
    const params = new URLSearchParams(url.search);
    params.set("page", String(page));
    return publicUrl(`${url.pathname}?${params}`);
  };
  const body = {
    data: result.items.map((s) => toApiSignatory(s, sources.get(s.slug) ?? [], logos.get(s.slug) ?? null, security.get(s.slug))),
    meta: { total: result.total, page: result.page, per_page: result.perPage, pages: result.pages },
    links: {
      self: publicUrl(`${url.pathname}${url.search}`),
      next: result.page < result.pages ? pageLink(result.page + 1) : null,
      prev: result.page > 1 ? pageLink(Math.min(result.page - 1, result.pages)) : null,
    },
  };
  return openDataJson(request, body, CACHE.directory);
}
