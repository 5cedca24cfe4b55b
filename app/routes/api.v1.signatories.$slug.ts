import type { LoaderFunctionArgs } from "@remix-run/node";
import { cacheable } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { toApiSignatory } from "~/modules/directory/api.server";
import { securityContactsBySlug } from "~/modules/evidence/security-contact.server";
import { getSignatory } from "~/modules/directory/directory.server";
import { logoHashes } from "~/modules/logos/logos.server";
import { CACHE, openDataError, openDataJson, preflight } from "~/modules/opendata/http.server";

// Cached for anonymous visitors (cache-policy.ts); it reads no query parameter.
export const handle = cacheable();

export async function loader({ request, params }: LoaderFunctionArgs) {
  const options = preflight(request);
  if (options) return options;
  const signatory = await getSignatory(getDb(), params.slug ?? "");
  if (!signatory) {
    return openDataError(404, "not_found", `No signatory has the slug '${(params.slug ?? "").slice(0, 80)}'`);
  }
  const [logos, security] = await Promise.all([logoHashes(getDb(), [signatory.slug]), securityContactsBySlug(getDb(), [signatory.slug])]);
  return openDataJson(
    request,
    { data: toApiSignatory(signatory, signatory.sources, logos.get(signatory.slug) ?? null, security.get(signatory.slug)) },
    CACHE.directory,
  );
}
