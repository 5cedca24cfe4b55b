// POST /account/passkey: the options for adding a passkey to the signed-in account (a
// challenge stored for this session), as JSON for the account page's script. A POST with
// the page's anti-forgery token like every form here: it writes the challenge.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { passkeyRegistrationOptions } from "~/modules/auth/passkey-account.server";
import { requireStaff } from "~/modules/auth/require-staff.server";
import { notCached } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { errorMessage } from "~/modules/result";
import { assertSameSite } from "~/modules/security/csrf.server";
import { NO_STORE, noStoreReply } from "~/utils/cache-headers";
import { errorHeaders, errorStatus } from "~/utils/http.server";

export const handle = notCached("a one-time challenge for one staff session (answered to POST only)");

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireStaff(request, context, undefined, { allowUnfinished: true });
  return redirect("/account", { status: 303, headers: NO_STORE });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  assertSameSite(request, context, form);
  const me = await requireStaff(request, context, undefined, { allowUnfinished: true });
  const result = await passkeyRegistrationOptions(getDb(), me);
  if (!result.ok) return noStoreReply({ error: errorMessage(result.error) }, errorStatus(result.error), errorHeaders(result.error));
  return noStoreReply({ options: result.value });
}
