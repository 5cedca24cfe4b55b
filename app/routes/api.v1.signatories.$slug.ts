import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDb } from "~/modules/db/db.server";
import { toApiSignatory } from "~/modules/directory/api.server";
import { getSignatory } from "~/modules/directory/directory.server";
import { apiError, jsonWithEtag } from "~/utils/http.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const signatory = await getSignatory(getDb(), params.slug ?? "");
  if (!signatory) {
    return apiError(404, "not_found", `No signatory has the slug '${(params.slug ?? "").slice(0, 80)}'`);
  }
  return jsonWithEtag(request, { data: toApiSignatory(signatory) });
}
