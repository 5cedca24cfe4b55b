import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { signOut } from "~/modules/auth/login.server";
import { NO_STORE } from "~/utils/cache-headers";
import { notCached } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { assertSameSite } from "~/modules/security/csrf.server";

export const handle = notCached("a redirect to the sign-in page (signing out is a POST)");

// Signing out changes state, so it is a POST (with the anti-forgery token); a GET only
// points to the sign-in page.
export async function loader() {
  return redirect("/login", { status: 303, headers: NO_STORE });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  assertSameSite(request, context, form);
  const clearCookie = await signOut(getDb(), request, context.clientIp, context.requestId);
  return redirect("/login", { status: 303, headers: { ...NO_STORE, "Set-Cookie": clearCookie } });
}
