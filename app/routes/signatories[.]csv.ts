import type { LoaderFunctionArgs } from "@remix-run/node";
import { notCached } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { csvFileName, exportCsv } from "~/modules/opendata/csv.server";
import { CACHE, openDataError, preflight, withCors } from "~/modules/opendata/http.server";

export const handle = notCached("the whole register, streamed: larger than any answer the cache keeps (decision 011)");

export async function loader({ request }: LoaderFunctionArgs) {
  const options = preflight(request);
  if (options) return options;
  const csv = await exportCsv(getDb(), new URL(request.url));
  if (!csv.ok) return openDataError(400, "invalid_parameter", csv.message);
  if (request.method === "HEAD") await csv.stream.cancel();
  return withCors(
    new Response(request.method === "HEAD" ? null : csv.stream, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${csvFileName()}"`,
        "Cache-Control": CACHE.directory,
      },
    }),
  );
}
