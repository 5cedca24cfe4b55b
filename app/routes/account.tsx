import { json, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { CsrfField } from "~/components/csrf-field";
import { enrolAuthenticator } from "~/modules/auth/enrol.server";
import { newTotpSecret, qrCodeDataUrl, sealEnrolment, totpUri, unsealEnrolment, unusedRecoveryCodes } from "~/modules/auth/mfa.server";
import { NO_STORE, noStoreHeaders } from "~/modules/auth/no-store";
import { requireStaff } from "~/modules/auth/require-staff.server";
import { getDb } from "~/modules/db/db.server";
import { assertSameSite, csrfToken } from "~/modules/security/csrf.server";
import { FormAlert, StaffErrorBoundary, StaffFrame, TextField } from "~/modules/staff/ui";
import { getEnv } from "~/utils/env.server";
import staffStyles from "~/styles/staff.css?url";

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
  const me = await requireStaff(request, context, undefined, { allowWithoutMfa: true });
  return json(
    {
      me: { name: me.name, email: me.email, role: me.role },
      csrf: csrfToken(context),
      mfaEnrolled: me.mfaEnrolled,
      mfaRequired: getEnv().STAFF_MFA === "required",
      recoveryCodesLeft: me.mfaEnrolled ? await unusedRecoveryCodes(getDb(), me.id) : 0,
      enrolment: await enrolment(me.id, me.email),
    },
    { headers: NO_STORE },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  assertSameSite(request, context, form);
  const me = await requireStaff(request, context, undefined, { allowWithoutMfa: true });
  if (form.get("intent") !== "enrol") {
    return json({ ok: false as const, message: "Choose what to do.", enrolment: null, recoveryCodes: null }, { status: 400, headers: NO_STORE });
  }
  const sealed = String(form.get("sealed") ?? "");
  const code = String(form.get("code") ?? "").slice(0, 20);
  const result = await enrolAuthenticator(getDb(), me, sealed, code);
  if (result.ok) {
    // Shown once, in this response only; they are stored hashed.
    return json({ ok: true as const, message: null, enrolment: null, recoveryCodes: result.recoveryCodes }, { headers: NO_STORE });
  }
  // Keep the QR code the person already scanned, unless the form had expired.
  const secret = unsealEnrolment(sealed, me.id);
  return json(
    {
      ok: false as const,
      message: result.message,
      field: result.field,
      enrolment: secret ? await enrolment(me.id, me.email, secret) : null,
      recoveryCodes: null,
    },
    { status: 400, headers: NO_STORE },
  );
}

export default function Account() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const enrolment = (answer && !answer.ok ? answer.enrolment : null) ?? data.enrolment;
  const codeError = answer && !answer.ok && "field" in answer && answer.field === "code" ? answer.message : undefined;
  const formError = answer && !answer.ok && !codeError ? answer.message : null;
  const codesRef = useRef<HTMLElement>(null);
  useEffect(() => {
    if (answer?.ok) codesRef.current?.focus();
  }, [answer]);

  if (answer?.ok && answer.recoveryCodes) {
    return (
      <StaffFrame me={data.me} csrf={data.csrf}>
        <h1>Two-step sign-in is on</h1>
        <section ref={codesRef} tabIndex={-1} aria-labelledby="codes-heading" className="recovery-codes">
          <h2 id="codes-heading">Your recovery codes</h2>
          <p>
            Each code signs you in once if you lose your authenticator. Keep them somewhere safe now, for example in your
            password manager: <strong>they are shown only this once.</strong>
          </p>
          <ul className="code-list">
            {answer.recoveryCodes.map((c) => (
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

  return (
    <StaffFrame me={data.me} csrf={data.csrf}>
      <h1>Your account</h1>
      {data.mfaRequired && !data.mfaEnrolled ? (
        <FormAlert tone="info">The registry requires two-step sign-in for staff. Set it up below to reach the staff area.</FormAlert>
      ) : null}
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
            {data.mfaEnrolled
              ? `On (${data.recoveryCodesLeft} unused recovery ${data.recoveryCodesLeft === 1 ? "code" : "codes"})`
              : "Off"}
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
            <img src={enrolment.qr} alt="QR code to add the Accord Registry to an authenticator app" width={200} height={200} className="qr" />
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
              <div className="form-actions">
                <button type="submit" className="button" disabled={busy}>
                  {data.mfaEnrolled ? "Replace authenticator" : "Turn on two-step sign-in"}
                </button>
              </div>
            </Form>
          </li>
        </ol>
      </section>
    </StaffFrame>
  );
}
