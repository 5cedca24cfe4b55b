import type { LoaderFunctionArgs } from "@remix-run/node";
import { cacheable } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { badgeSvg, findBadgeSignatory, unknownBadgeSvg } from "~/modules/opendata/badge.server";
import { CACHE, preflight, textWithEtag } from "~/modules/opendata/http.server";

// Cached for anonymous visitors (cache-policy.ts); it reads no query parameter.
export const handle = cacheable();

export async function loader({ request, params }: LoaderFunctionArgs) {
  const options = preflight(request);
  if (options) return options;
  const signatory = await findBadgeSignatory(getDb(), params.slug ?? "");
  // Five minutes at most in any cache: a withdrawal shows on embedding pages soon after.
  const headers = { contentType: "image/svg+xml; charset=utf-8", cacheControl: CACHE.slow, cors: true };
  if (!signatory) return textWithEtag(request, unknownBadgeSvg(), { ...headers, status: 404 });
  return textWithEtag(request, badgeSvg(signatory), headers);
}
