import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { NO_STORE } from "~/utils/cache-headers";
import { requireStaff } from "~/modules/auth/require-staff.server";
import { notCached } from "~/modules/cache/cache-policy";

export const handle = notCached("staff area: a redirect for the signed-in staff member");

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaff(request, context, "admin");
  return redirect("/admin/users", { status: 303, headers: NO_STORE });
}
