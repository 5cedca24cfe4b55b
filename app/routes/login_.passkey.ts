// POST /login/passkey: the options for signing in with a passkey (a challenge stored for
// this visitor, or for the session whose password was right), as JSON for the sign-in
// page's script. A POST with the page's anti-forgery token like every form here: it writes
// the challenge.
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { passkeySignInOptions } from "~/modules/auth/login.server";
import { notCached } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { errorMessage } from "~/modules/result";
import { assertSameSite } from "~/modules/security/csrf.server";
import { NO_STORE, noStoreReply } from "~/utils/cache-headers";
import { errorHeaders, errorStatus } from "~/utils/http.server";

export const handle = notCached("a one-time challenge for one visitor (answered to POST only)");

export async function loader() {
  return redirect("/login", { status: 303, headers: NO_STORE });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  assertSameSite(request, context, form);
  const result = await passkeySignInOptions(getDb(), request, { csrfId: context.csrfId });
  if (!result.ok) return noStoreReply({ error: errorMessage(result.error) }, errorStatus(result.error), errorHeaders(result.error));
  return noStoreReply({ options: result.value });
}
