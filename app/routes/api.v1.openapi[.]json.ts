import type { LoaderFunctionArgs } from "@remix-run/node";
import { cacheable } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { knownCodes } from "~/modules/directory/directory.server";
import { CACHE, openDataJson, preflight } from "~/modules/opendata/http.server";
import { openApiDocument } from "~/modules/opendata/openapi.server";

// Cached for anonymous visitors (cache-policy.ts); it reads no query parameter.
export const handle = cacheable();

export async function loader({ request }: LoaderFunctionArgs) {
  const options = preflight(request);
  if (options) return options;
  return openDataJson(request, openApiDocument(await knownCodes(getDb())), CACHE.document);
}
