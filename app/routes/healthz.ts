import { sql } from "kysely";
import { notCached } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";

export const handle = notCached("asks the database on every request, for load balancers");

export async function loader() {
  const headers = { "Cache-Control": "no-store" };
  try {
    await sql`select 1`.execute(getDb());
    return Response.json({ status: "ok" }, { headers });
  } catch (error) {
    console.error("healthz: database did not answer", error);
    return Response.json({ status: "unavailable" }, { status: 503, headers });
  }
}
