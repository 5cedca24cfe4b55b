// What the staff area's form actions share: how a post is accepted (same site, a live
// staff session, the role) and how an action answers a form it cannot carry out.
import { type AppLoadContext } from "@remix-run/node";
import type { StaffRole } from "../../../db/schema";
import { noStoreReply } from "~/utils/cache-headers";
import { requireStaff } from "~/modules/auth/require-staff.server";
import { assertSameSite } from "~/modules/security/csrf.server";
import { formFailure, type DomainError } from "~/modules/result";
import type { FieldErrors } from "~/utils/field-errors";
import { errorHeaders, errorStatus } from "~/utils/http.server";

/** What an action hands back to its page: which form, its errors or message, and what was typed. */
export type ActionData = { intent: string; errors?: FieldErrors; message?: string; values?: Record<string, string> };

/** A domain failure as the form's answer: field messages beside their fields, else one message. */
export function replyFailure(intent: string, error: DomainError, values?: Record<string, string>) {
  return noStoreReply<ActionData>({ intent, ...formFailure(error), values }, errorStatus(error), errorHeaders(error));
}

/**
 * A staff form post: refused (403) unless it comes from this site with the visitor's
 * token, and unless a staff member (with `role`, when given) is signed in. Returns who
 * it is, the form, its text fields (the token left out) and its intent.
 */
export async function readStaffForm(request: Request, context: AppLoadContext, role?: StaffRole) {
  const form = await request.formData();
  assertSameSite(request, context, form);
  const me = await requireStaff(request, context, role);
  const fields = Object.fromEntries([...form.entries()].filter(([k, v]) => k !== "csrf" && typeof v === "string")) as Record<
    string,
    string
  >;
  return { me, form, fields, intent: fields.intent ?? "" };
}
