import { json, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { CsrfField } from "~/components/csrf-field";
import { enrolAuthenticator } from "~/modules/auth/enrol.server";
import { changePassword } from "~/modules/auth/password-change.server";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "~/modules/auth/password-rules";
import { newTotpSecret, qrCodeDataUrl, sealEnrolment, totpUri, unsealEnrolment, unusedRecoveryCodes } from "~/modules/auth/mfa.server";
import { NO_STORE, noStoreHeaders, noStoreReply } from "~/utils/cache-headers";
import { requireStaff } from "~/modules/auth/require-staff.server";
import { notCached } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { assertSameSite, csrfToken } from "~/modules/security/csrf.server";
import { REAUTH_MAX, passwordChangeSchema } from "~/modules/staff/forms";
import { formFailure } from "~/modules/result";
import { fieldErrors, type FieldErrors } from "~/utils/field-errors";
import { errorHeaders, errorStatus } from "~/utils/http.server";
import { TextField } from "~/components/form-fields";
import { FormAlert, StaffErrorBoundary, StaffFrame } from "~/components/staff";
import { getEnv } from "~/utils/env.server";
import staffStyles from "~/styles/staff.css?url";

export const handle = notCached("staff page");

export const links: LinksFunction = () => [{ rel: "stylesheet", href: staffStyles }];
export const meta: MetaFunction = () => [{ title: "Your account · Accord Registry" }, { name: "robots", content: "noindex" }];
export const headers = noStoreHeaders;
export const ErrorBoundary = StaffErrorBoundary;

/** What the enrolment form shows: the QR code, the secret for typing by hand, and the
 * sealed secret the form sends back. Nothing is stored until a code proves the scan. */
async function enrolment(staffId: number, email: string, secret = newTotpSecret()) {
  return {
    sealed: sealEnrolment(staffId, secret),
    qr: await qrCodeDataUrl(totpUri(secret, email)),
    secretText: secret.match(/.{1,4}/g)!.join(" "),
  };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = await requireStaff(request, context, undefined, { allowUnfinished: true });
  const done = new URL(request.url).searchParams.get("done");
  return json(
    {
      me: { name: me.name, email: me.email, role: me.role },
      csrf: csrfToken(context),
      mfaEnrolled: me.mfaEnrolled,
      mfaRequired: getEnv().STAFF_MFA === "required",
      mustChangePassword: me.mustChangePassword,
      done: done === "password" ? ("password" as const) : null,
      recoveryCodesLeft: me.mfaEnrolled ? await unusedRecoveryCodes(getDb(), me.id) : 0,
      enrolment: await enrolment(me.id, me.email),
    },
    { headers: NO_STORE },
  );
}

type ActionData =
  | { intent: "enrol"; ok: true; recoveryCodes: string[] }
  | { intent: "enrol"; ok: false; errors: FieldErrors; message?: string; enrolment: Awaited<ReturnType<typeof enrolment>> | null }
  | { intent: "password"; ok: false; errors: FieldErrors; message?: string }
  | { intent: "none"; ok: false; message: string };

const reply = (data: ActionData, status = 200, headers: HeadersInit = {}) => noStoreReply(data, status, headers);

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  assertSameSite(request, context, form);
  const me = await requireStaff(request, context, undefined, { allowUnfinished: true });
  const db = getDb();
  const intent = form.get("intent");

  if (intent === "password") {
    const parsed = passwordChangeSchema.safeParse({
      current_password: form.get("current_password") ?? undefined,
      new_password: form.get("new_password") ?? undefined,
      confirm_password: form.get("confirm_password") ?? undefined,
    });
    if (!parsed.success) return reply({ intent, ok: false, errors: fieldErrors(parsed.error) }, 400);
    const result = await changePassword(
      db,
      me,
      { current: parsed.data.current_password, next: parsed.data.new_password },
      context.requestId,
    );
    if (result.ok) return redirect("/account?done=password", { status: 303, headers: NO_STORE });
    return reply({ intent, ok: false, ...formFailure(result.error) }, errorStatus(result.error), errorHeaders(result.error));
  }

  if (intent !== "enrol") return reply({ intent: "none", ok: false, message: "Choose what to do." }, 400);
  const sealed = String(form.get("sealed") ?? "");
  const code = String(form.get("code") ?? "").slice(0, 20);
  const reauth = String(form.get("reauth") ?? "").slice(0, REAUTH_MAX);
  const result = await enrolAuthenticator(db, me, { sealed, code, reauth }, context.requestId);
  if (result.ok) {
    // Shown once, in this response only; they are stored hashed.
    return reply({ intent, ok: true, recoveryCodes: result.value.recoveryCodes });
  }
  // Keep the QR code the person already scanned, unless the form had expired.
  const secret = unsealEnrolment(sealed, me.id);
  const data: ActionData = {
    intent,
    ok: false,
    ...formFailure(result.error),
    enrolment: secret ? await enrolment(me.id, me.email, secret) : null,
  };
  return reply(data, errorStatus(result.error), errorHeaders(result.error));
}

export default function Account() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const enrolAnswer = answer?.intent === "enrol" ? answer : null;
  const failedEnrol = enrolAnswer && !enrolAnswer.ok ? enrolAnswer : null;
  const enrolment = failedEnrol?.enrolment ?? data.enrolment;
  const codeError = failedEnrol?.errors.code;
  const reauthError = failedEnrol?.errors.reauth;
  const formError = failedEnrol?.message ?? (answer?.intent === "none" ? answer.message : null);
  const passwordAnswer = answer?.intent === "password" ? answer : null;
  const passwordErrors: FieldErrors = passwordAnswer?.errors ?? {};
  const codesRef = useRef<HTMLElement>(null);
  const passwordAlertRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (enrolAnswer?.ok) codesRef.current?.focus();
    if (passwordAnswer?.message) passwordAlertRef.current?.focus();
  }, [enrolAnswer, passwordAnswer]);

  if (enrolAnswer?.ok) {
    return (
      <StaffFrame me={data.me} csrf={data.csrf}>
        <h1>Two-step sign-in is on</h1>
        <section ref={codesRef} tabIndex={-1} aria-labelledby="codes-heading" className="recovery-codes">
          <h2 id="codes-heading">Your recovery codes</h2>
          <p>
            Each code signs you in once if you lose your authenticator. Keep them somewhere safe now, for example in your password manager:{" "}
            <strong>they are shown only this once.</strong>
          </p>
          <ul className="code-list">
            {enrolAnswer.recoveryCodes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
        </section>
        <p>
          <Link className="button" to="/moderation">
            Continue to the queue
          </Link>
        </p>
      </StaffFrame>
    );
  }

  const passwordSection = (
    <section aria-labelledby="password-heading" className="staff-password">
      <h2 id="password-heading">Change your password</h2>
      <p>Changing your password signs out your other sessions.</p>
      {passwordAnswer?.message ? (
        <div ref={passwordAlertRef} tabIndex={-1}>
          <FormAlert>{passwordAnswer.message}</FormAlert>
        </div>
      ) : null}
      <Form method="post" className="staff-form" noValidate>
        <CsrfField token={data.csrf} />
        <input type="hidden" name="intent" value="password" />
        {/* Lets password managers file the new password under the right account. */}
        <input type="hidden" name="username" autoComplete="username" value={data.me.email} />
        <TextField
          name="current_password"
          label="Current password"
          type="password"
          autoComplete="current-password"
          error={passwordErrors.current_password}
          maxLength={1024}
          required
        />
        <TextField
          name="new_password"
          label="New password"
          type="password"
          autoComplete="new-password"
          error={passwordErrors.new_password}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters. A phrase of several unrelated words is easy to remember and hard to guess; common passwords, repeated words and your name are refused.`}
          maxLength={MAX_PASSWORD_LENGTH}
          required
        />
        <TextField
          name="confirm_password"
          label="New password again"
          type="password"
          autoComplete="new-password"
          error={passwordErrors.confirm_password}
          maxLength={MAX_PASSWORD_LENGTH}
          required
        />
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            Change password
          </button>
        </div>
      </Form>
    </section>
  );

  return (
    <StaffFrame me={data.me} csrf={data.csrf}>
      <h1>Your account</h1>
      {data.done === "password" && !answer ? (
        <FormAlert tone="success">Your password has been changed. Your other sessions have been signed out.</FormAlert>
      ) : null}
      {data.mustChangePassword ? (
        <FormAlert tone="info">An administrator set your password. Choose your own below to reach the staff area.</FormAlert>
      ) : data.mfaRequired && !data.mfaEnrolled ? (
        <FormAlert tone="info">The registry requires two-step sign-in for staff. Set it up below to reach the staff area.</FormAlert>
      ) : null}
      {data.mustChangePassword ? passwordSection : null}
      <dl className="staff-facts">
        <div>
          <dt>Name</dt>
          <dd>{data.me.name}</dd>
        </div>
        <div>
          <dt>E-mail address</dt>
          <dd>{data.me.email}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>{data.me.role === "admin" ? "Administrator" : "Moderator"}</dd>
        </div>
        <div>
          <dt>Two-step sign-in</dt>
          <dd>
            {data.mfaEnrolled ? `On (${data.recoveryCodesLeft} unused recovery ${data.recoveryCodesLeft === 1 ? "code" : "codes"})` : "Off"}
          </dd>
        </div>
      </dl>

      <section aria-labelledby="mfa-heading" className="staff-enrol">
        <h2 id="mfa-heading">{data.mfaEnrolled ? "Replace your authenticator" : "Set up two-step sign-in"}</h2>
        <p>
          {data.mfaEnrolled
            ? "Setting up a new authenticator replaces the old one and your recovery codes, and signs out your other sessions."
            : "After your password, the registry will ask for a code from an authenticator app on your phone (any TOTP app)."}
        </p>
        {formError ? <FormAlert>{formError}</FormAlert> : null}
        <ol className="enrol-steps">
          <li>
            <p>Scan this QR code with your authenticator app.</p>
            <img
              src={enrolment.qr}
              alt="QR code to add the Accord Registry to an authenticator app"
              width={200}
              height={200}
              className="qr"
            />
            <p>
              Or type this key into the app: <code className="secret">{enrolment.secretText}</code>
            </p>
          </li>
          <li>
            <Form method="post" className="staff-form" noValidate>
              <CsrfField token={data.csrf} />
              <input type="hidden" name="intent" value="enrol" />
              <input type="hidden" name="sealed" value={enrolment.sealed} />
              <TextField
                name="code"
                label="Enter the 6-digit code the app shows"
                autoComplete="one-time-code"
                inputMode="numeric"
                maxLength={20}
                error={codeError}
                required
              />
              {data.mfaEnrolled ? (
                <TextField
                  name="reauth"
                  label="Your current code, a recovery code or your password"
                  type="password"
                  autoComplete="current-password"
                  hint="To prove it is you: the code your current authenticator shows now, one of your unused recovery codes, or your password."
                  maxLength={1024}
                  error={reauthError}
                  required
                />
              ) : null}
              <div className="form-actions">
                <button type="submit" className="button" disabled={busy}>
                  {data.mfaEnrolled ? "Replace authenticator" : "Turn on two-step sign-in"}
                </button>
              </div>
            </Form>
          </li>
        </ol>
      </section>
      {data.mustChangePassword ? null : passwordSection}
    </StaffFrame>
  );
}
