// GET /moderation/applications/:ref/logo: the logo an application sent, for its moderators
// (re-encoded like every logo; PNG, or WebP with ?format=webp). Staff only, never cached.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireStaff } from "~/modules/auth/require-staff.server";
import { notCached } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { applicationLogo } from "~/modules/logos/logos.server";
import { NO_STORE } from "~/utils/cache-headers";

export const handle = notCached("staff only: an application's logo before approval");

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireStaff(request, context);
  const format = new URL(request.url).searchParams.get("format") === "webp" ? "webp" : "png";
  const logo = await applicationLogo(getDb(), params.ref ?? "", format);
  if (!logo) return new Response("This application has no logo.", { status: 404, headers: { ...NO_STORE, "Content-Type": "text/plain" } });
  return new Response(logo.body, {
    headers: { ...NO_STORE, "Content-Type": logo.contentType, "Content-Security-Policy": "default-src 'none'; sandbox" },
  });
}
