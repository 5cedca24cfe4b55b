import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { NO_STORE } from "~/modules/auth/no-store";
import { requireStaff } from "~/modules/auth/require-staff.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaff(request, context, "admin");
  return redirect("/admin/users", { status: 303, headers: NO_STORE });
}
