import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/modules/db/db.server";
import { knownCodes } from "~/modules/directory/directory.server";
import { CACHE, openDataJson, preflight } from "~/modules/opendata/http.server";
import { openApiDocument } from "~/modules/opendata/openapi.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const options = preflight(request);
  if (options) return options;
  return openDataJson(request, openApiDocument(await knownCodes(getDb())), CACHE.document);
}
