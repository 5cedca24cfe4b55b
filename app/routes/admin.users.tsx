import { json, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { CsrfField } from "~/components/csrf-field";
import { MIN_PASSWORD_LENGTH } from "~/modules/auth/password-rules";
import { NO_STORE, noStoreHeaders } from "~/utils/cache-headers";
import { requireStaff } from "~/modules/auth/require-staff.server";
import { passkeyCounts, resetAuthenticators } from "~/modules/auth/authenticators.server";
import { notCached } from "~/modules/cache/cache-policy";
import { readStaffForm, replyFailure, type ActionData } from "~/modules/staff/actions.server";
import { noStoreReply } from "~/utils/cache-headers";
import { getDb } from "~/modules/database/db.server";
import { csrfToken } from "~/modules/security/csrf.server";
import { newStaffSchema, REASON_MAX } from "~/modules/staff/forms";
import { fieldErrors, type FieldErrors } from "~/utils/field-errors";
import { createStaff, listStaff, setStaffActive } from "~/modules/staff/staff.server";
import { SelectField, TextArea, TextField } from "~/components/form-fields";
import { FormAlert, StaffErrorBoundary, StaffFrame, formatDateTime } from "~/components/staff";
import staffStyles from "~/styles/staff.css?url";
import { errorTitle } from "~/utils/page-title";

export const handle = notCached("staff page");

export const links: LinksFunction = () => [{ rel: "stylesheet", href: staffStyles }];
export const meta: MetaFunction = ({ data }) => [
  { title: errorTitle(data, "Staff accounts · Accord Registry") },
  { name: "robots", content: "noindex" },
];
export const headers = noStoreHeaders;
export const ErrorBoundary = StaffErrorBoundary;

/** The accounts, each with how many passkeys it has. */
async function staffWithPasskeys() {
  const [staff, passkeys] = await Promise.all([listStaff(getDb()), passkeyCounts(getDb())]);
  return staff.map((s) => ({ ...s, passkeys: passkeys.get(s.id) ?? 0 }));
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = await requireStaff(request, context, "admin");
  const url = new URL(request.url);
  return json(
    {
      me: { id: me.id, name: me.name, email: me.email, role: me.role },
      csrf: csrfToken(context),
      done: url.searchParams.get("done"),
      staff: await staffWithPasskeys(),
    },
    { headers: NO_STORE },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { me, form, intent } = await readStaffForm(request, context, "admin");

  if (intent === "create") {
    const raw = {
      name: form.get("name") ?? undefined,
      email: form.get("email") ?? undefined,
      role: form.get("role") ?? undefined,
      password: form.get("password") ?? undefined,
    };
    // What was typed comes back to the form, the password never.
    const values = { name: String(raw.name ?? ""), email: String(raw.email ?? ""), role: String(raw.role ?? "") };
    const parsed = newStaffSchema.safeParse(raw);
    if (!parsed.success) return noStoreReply<ActionData>({ intent, errors: fieldErrors(parsed.error), values }, 400);
    // The admin knows this password: the person sets their own at first sign-in.
    const created = await createStaff(getDb(), { ...parsed.data, mustChangePassword: true }, me.actor);
    if (!created.ok) return replyFailure(intent, created.error, values);
    return redirect("/admin/users?done=created", { status: 303, headers: NO_STORE });
  }

  if (intent === "deactivate" || intent === "reactivate") {
    const id = Number(form.get("staff_id"));
    if (!Number.isInteger(id) || id <= 0) return noStoreReply<ActionData>({ intent, message: "Choose an account." }, 400);
    const reason =
      String(form.get("reason") ?? "")
        .trim()
        .slice(0, REASON_MAX) || null;
    const changed = await setStaffActive(getDb(), id, intent === "reactivate", { ...me.actor, staffId: me.id }, reason);
    if (!changed.ok) return replyFailure(intent, changed.error);
    return redirect(`/admin/users?done=${intent}d`, { status: 303, headers: NO_STORE });
  }
  if (intent === "reset_authenticators") {
    const id = Number(form.get("staff_id"));
    if (!Number.isInteger(id) || id <= 0) return noStoreReply<ActionData>({ intent, message: "Choose an account." }, 400);
    const reason =
      String(form.get("reason") ?? "")
        .trim()
        .slice(0, REASON_MAX) || null;
    const reset = await resetAuthenticators(getDb(), id, { ...me.actor, staffId: me.id }, reason);
    if (!reset.ok) return replyFailure(intent, reset.error);
    return redirect("/admin/users?done=reset", { status: 303, headers: NO_STORE });
  }
  return noStoreReply<ActionData>(
    { intent, message: "Choose what to do: create, deactivate or reactivate an account, or reset its sign-in factors." },
    400,
  );
}

const DONE: Record<string, string> = {
  created:
    "Account created. Give the person their initial password in person or by another safe channel; they must choose their own when they first sign in.",
  deactivated: "Account deactivated. Its sessions have ended.",
  reactivated: "Account reactivated.",
  reset:
    "Sign-in factors reset: the account's passkeys, authenticator app and recovery codes are gone, and its sessions have ended. At the next sign-in with the password, the person sets up new ones.",
};

/** "2 passkeys, app", "App", "Off". */
function factorsOf(s: { passkeys: number; mfa: boolean }): string {
  const parts: string[] = [];
  if (s.passkeys > 0) parts.push(s.passkeys === 1 ? "1 passkey" : `${s.passkeys} passkeys`);
  if (s.mfa) parts.push("authenticator app");
  return parts.length === 0 ? "Off" : parts.join(", ");
}

export default function StaffAccounts() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors: FieldErrors = answer?.intent === "create" ? (answer.errors ?? {}) : {};
  const values = answer?.intent === "create" ? (answer.values ?? {}) : {};
  const alertRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (answer?.message) alertRef.current?.focus();
  }, [answer]);

  return (
    <StaffFrame me={data.me} csrf={data.csrf}>
      <h1>Staff accounts</h1>
      {answer?.message ? (
        <div ref={alertRef} tabIndex={-1}>
          <FormAlert>{answer.message}</FormAlert>
        </div>
      ) : null}
      {!answer && data.done && DONE[data.done] ? <FormAlert tone="success">{DONE[data.done]}</FormAlert> : null}
      <div className="table-scroll">
        <table className="table staff-table stacked">
          <caption className="visually-hidden">Staff accounts</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Two-step sign-in</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {data.staff.map((s) => (
              <tr key={s.id} className={s.active ? undefined : "inactive"}>
                <th scope="row">
                  {s.name}
                  <span className="muted staff-domain">{s.email}</span>
                </th>
                <td data-label="Role">{s.role === "admin" ? "Administrator" : "Moderator"}</td>
                <td data-label="Two-step sign-in">
                  {factorsOf(s)}
                  {s.id !== data.me.id && (s.passkeys > 0 || s.mfa) ? (
                    // Another person's account, and not undoable: it asks first, in place
                    // (a native disclosure, so without JavaScript too), with room for why.
                    <details className="confirm-details">
                      <summary>
                        Reset sign-in factors<span className="visually-hidden"> of {s.name}</span>…
                      </summary>
                      <Form method="post" className="confirm-form">
                        <CsrfField token={data.csrf} />
                        <input type="hidden" name="staff_id" value={s.id} />
                        <input type="hidden" name="intent" value="reset_authenticators" />
                        <p className="confirm-warning">
                          <strong>This cannot be undone.</strong> {s.name}'s passkeys, authenticator app and recovery codes are removed and
                          their sessions end; they set up new ones at their next sign-in with the password.
                        </p>
                        <TextArea
                          id={`reset-reason-${s.id}`}
                          name="reason"
                          label="Reason (optional)"
                          hint="Kept in the audit log, for example “lost phone, confirmed by call”."
                          maxLength={REASON_MAX}
                          rows={2}
                        />
                        <button type="submit" className="button button-danger" disabled={busy}>
                          Yes, reset {s.name}'s sign-in factors
                        </button>
                      </Form>
                    </details>
                  ) : null}
                </td>
                <td data-label="Last sign-in">
                  {s.last_sign_in_at ? <time dateTime={s.last_sign_in_at}>{formatDateTime(s.last_sign_in_at)}</time> : "Never"}
                </td>
                <td data-label="Status">
                  <span className={`badge ${s.active ? "badge-active" : "badge-withdrawn"}`}>{s.active ? "Active" : "Deactivated"}</span>
                  {s.initialPassword ? <span className="muted staff-domain">Still has the initial password</span> : null}
                  {s.id !== data.me.id ? (
                    <Form method="post" className="inline-form">
                      <CsrfField token={data.csrf} />
                      <input type="hidden" name="staff_id" value={s.id} />
                      <input type="hidden" name="intent" value={s.active ? "deactivate" : "reactivate"} />
                      <button type="submit" className="link-button" disabled={busy}>
                        {s.active ? "Deactivate" : "Reactivate"}
                        <span className="visually-hidden"> {s.name}</span>
                      </button>
                    </Form>
                  ) : (
                    <span className="muted staff-domain">(you)</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <section aria-labelledby="create-heading">
        <h2 id="create-heading">Create an account</h2>
        <Form method="post" className="staff-form" noValidate>
          <CsrfField token={data.csrf} />
          <input type="hidden" name="intent" value="create" />
          <TextField name="name" label="Name" autoComplete="off" defaultValue={values.name} error={errors.name} maxLength={120} required />
          <TextField
            name="email"
            label="E-mail address"
            type="email"
            autoComplete="off"
            defaultValue={values.email}
            error={errors.email}
            maxLength={254}
            required
          />
          <SelectField
            name="role"
            label="Role"
            defaultValue={values.role || "moderator"}
            error={errors.role}
            options={[
              { value: "moderator", label: "Moderator: decides applications, manages signatories" },
              { value: "admin", label: "Administrator: also manages staff accounts" },
            ]}
          />
          <TextField
            name="password"
            label="Initial password"
            type="password"
            autoComplete="new-password"
            error={errors.password}
            hint={`At least ${MIN_PASSWORD_LENGTH} characters; common passwords are refused. Tell the person through another channel; they must change it when they first sign in.`}
            required
          />
          <div className="form-actions">
            <button type="submit" className="button" disabled={busy}>
              Create account
            </button>
          </div>
        </Form>
      </section>
    </StaffFrame>
  );
}
