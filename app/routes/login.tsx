import { json, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { CsrfField } from "~/components/csrf-field";
import { cancelSignIn, signInStep, signInWithPasskey, signInWithPassword, signInWithSecondFactor } from "~/modules/auth/login.server";
import { NO_STORE, noStoreHeaders, noStoreReply } from "~/utils/cache-headers";
import { safeRedirect } from "~/modules/auth/redirect";
import { signedInStaff } from "~/modules/auth/require-staff.server";
import { notCached } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { formFailure } from "~/modules/result";
import { assertSameSite, csrfToken } from "~/modules/security/csrf.server";
import { codeSchema, loginSchema } from "~/modules/staff/forms";
import { fieldErrors, type FieldErrors } from "~/utils/field-errors";
import { errorHeaders, errorStatus } from "~/utils/http.server";
import { TextField } from "~/components/form-fields";
import { FormAlert, StaffErrorBoundary } from "~/components/staff";
import { PasskeyForm } from "~/components/passkey";
import { getEnv } from "~/utils/env.server";
import staffStyles from "~/styles/staff.css?url";
import { errorTitle } from "~/utils/page-title";

export const handle = notCached("a form with the visitor's anti-forgery token");

export const links: LinksFunction = () => [{ rel: "stylesheet", href: staffStyles }];
export const meta: MetaFunction = ({ data }) => [
  { title: errorTitle(data, "Staff sign-in · Accord Registry") },
  { name: "robots", content: "noindex" },
];
export const headers = noStoreHeaders;
export const ErrorBoundary = StaffErrorBoundary;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const redirectTo = safeRedirect(url.searchParams.get("redirectTo"));
  if (await signedInStaff(request, context)) throw redirect(redirectTo, { status: 303, headers: NO_STORE });
  const state = await signInStep(getDb(), request);
  return json(
    {
      step: state.step,
      // The second step's choices: a code from the app (or a recovery code), a passkey.
      methods: state.step === "code" ? { totp: state.totp, passkey: state.passkey } : null,
      passkeyOnly: getEnv().STAFF_MFA === "passkey",
      redirectTo,
      csrf: csrfToken(context),
    },
    { headers: NO_STORE },
  );
}

type ActionData = { step: "password" | "code"; message?: string; errors?: FieldErrors; email?: string };

/** A passkey's answer travels as JSON in a form field; bigger than any real one is refused. */
const CREDENTIAL_MAX = 60_000;

const reply = (data: ActionData, status: number, headers: HeadersInit = {}) => noStoreReply(data, status, headers);

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  assertSameSite(request, context, form);
  const db = getDb();
  const redirectTo = safeRedirect(form.get("redirectTo"));
  const intent = form.get("intent") ?? "password";
  const again = `/login?${new URLSearchParams({ redirectTo })}`;
  const who = { ip: context.clientIp, requestId: context.requestId };

  if (intent === "cancel") {
    return redirect(again, { status: 303, headers: { ...NO_STORE, "Set-Cookie": await cancelSignIn(db, request) } });
  }

  if (intent === "passkey") {
    const credential = form.get("credential");
    const result = await signInWithPasskey(db, request, {
      credential: typeof credential === "string" ? credential.slice(0, CREDENTIAL_MAX) : "",
      csrfId: context.csrfId,
      ...who,
    });
    if (result.ok) return redirect(redirectTo, { status: 303, headers: { ...NO_STORE, "Set-Cookie": result.value.setCookie } });
    // The page shows the step the sign-in is now at (a password already right stays right).
    const { step } = await signInStep(db, request);
    return reply({ step, ...formFailure(result.error) }, errorStatus(result.error), errorHeaders(result.error));
  }

  if (intent === "code") {
    const parsed = codeSchema.safeParse({ code: form.get("code") ?? undefined });
    if (!parsed.success) return reply({ step: "code", errors: fieldErrors(parsed.error) }, 400);
    const result = await signInWithSecondFactor(db, request, { code: parsed.data.code, ...who });
    if (result.ok) return redirect(redirectTo, { status: 303, headers: { ...NO_STORE, "Set-Cookie": result.value.setCookie } });
    const { error } = result;
    // A sign-in that took too long starts again at the password.
    const step = error.kind === "invalid" ? "password" : "code";
    return reply({ step, ...formFailure(error) }, errorStatus(error), errorHeaders(error));
  }

  const parsed = loginSchema.safeParse({ email: form.get("email") ?? undefined, password: form.get("password") ?? undefined });
  const email = typeof form.get("email") === "string" ? String(form.get("email")).slice(0, 254) : "";
  if (!parsed.success) return reply({ step: "password", errors: fieldErrors(parsed.error), email }, 400);
  const result = await signInWithPassword(db, request, { ...parsed.data, ...who });
  if (!result.ok)
    return reply({ step: "password", email, ...formFailure(result.error) }, errorStatus(result.error), errorHeaders(result.error));
  const { setCookie, next } = result.value;
  return redirect(next === "second_factor" ? again : redirectTo, { status: 303, headers: { ...NO_STORE, "Set-Cookie": setCookie } });
}

export default function Login() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const step = answer?.step ?? data.step;
  const methods = data.methods ?? { totp: true, passkey: false };
  const errors: FieldErrors = answer?.errors ?? {};
  const alertRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (answer?.message) alertRef.current?.focus();
  }, [answer]);

  const heading =
    step !== "code"
      ? "Staff sign-in"
      : methods.passkey && !methods.totp
        ? "Confirm with your passkey"
        : methods.passkey
          ? "Confirm with your passkey or a code"
          : "Enter your authentication code";

  return (
    <div className="staff-sign-in">
      <h1>{heading}</h1>
      {answer?.message ? (
        <div ref={alertRef} tabIndex={-1}>
          <FormAlert>{answer.message}</FormAlert>
        </div>
      ) : null}
      {step === "code" ? (
        <>
          {methods.passkey ? (
            <section aria-labelledby={methods.totp ? "passkey-heading" : undefined}>
              {methods.totp ? <h2 id="passkey-heading">Your passkey</h2> : null}
              <p className="lead">
                Use the passkey you added to your account: your phone, your computer or your security key will ask for your PIN, fingerprint
                or face.
              </p>
              <PasskeyForm
                ceremony="sign_in"
                optionsUrl="/login/passkey"
                csrf={data.csrf}
                intent="passkey"
                label="Use your passkey"
                busyLabel="Waiting for your passkey…"
                fallback={
                  <FormAlert tone="info">
                    A passkey needs JavaScript, which is off or not available in this browser.{" "}
                    {methods.totp
                      ? "Enter a code from your authenticator app below instead."
                      : "Turn JavaScript on for this site to finish signing in."}
                  </FormAlert>
                }
              >
                <input type="hidden" name="redirectTo" value={data.redirectTo} />
              </PasskeyForm>
            </section>
          ) : null}
          {methods.totp ? (
            <section aria-labelledby="code-heading">
              {methods.passkey ? <h2 id="code-heading">Or a code from your app</h2> : null}
              <p className="lead">Open the authenticator app you set up for the registry and enter the code it shows now.</p>
              <Form method="post" className="staff-form" noValidate aria-labelledby={methods.passkey ? "code-heading" : undefined}>
                <CsrfField token={data.csrf} />
                <input type="hidden" name="redirectTo" value={data.redirectTo} />
                <input type="hidden" name="intent" value="code" />
                <TextField
                  name="code"
                  label="Authentication code"
                  error={errors.code}
                  hint="6 digits. Lost your device? Enter one of your recovery codes instead."
                  autoComplete="one-time-code"
                  inputMode="text"
                  autoCapitalize="none"
                  spellCheck={false}
                  required
                  autoFocus={!methods.passkey}
                  maxLength={20}
                />
                <div className="form-actions">
                  <button type="submit" className="button" disabled={busy}>
                    Verify
                  </button>
                </div>
              </Form>
            </section>
          ) : null}
          <Form method="post" className="staff-secondary-form">
            <CsrfField token={data.csrf} />
            <input type="hidden" name="redirectTo" value={data.redirectTo} />
            <input type="hidden" name="intent" value="cancel" />
            <button type="submit" className="link-button">
              Start again with another account
            </button>
          </Form>
        </>
      ) : (
        <>
          <p className="lead">
            For the registry&apos;s moderators and administrators.
            {data.passkeyOnly ? " Staff sign in with a passkey: on its own, or after your password." : null}
          </p>
          <Form method="post" className="staff-form" noValidate>
            <CsrfField token={data.csrf} />
            <input type="hidden" name="redirectTo" value={data.redirectTo} />
            <input type="hidden" name="intent" value="password" />
            <TextField
              name="email"
              label="E-mail address"
              type="email"
              autoComplete="username"
              defaultValue={answer?.email ?? ""}
              error={errors.email}
              required
              maxLength={254}
            />
            <TextField
              name="password"
              label="Password"
              type="password"
              autoComplete="current-password"
              error={errors.password}
              required
              maxLength={1024}
            />
            <div className="form-actions">
              <button type="submit" className="button" disabled={busy}>
                Sign in
              </button>
            </div>
          </Form>
          <section aria-labelledby="passkey-heading" className="staff-secondary-form">
            <h2 id="passkey-heading">Or with a passkey</h2>
            <p>No e-mail address or password needed: choose your passkey, then unlock it with your PIN, fingerprint or face.</p>
            <PasskeyForm
              ceremony="sign_in"
              optionsUrl="/login/passkey"
              csrf={data.csrf}
              intent="passkey"
              label="Use a passkey"
              busyLabel="Waiting for your passkey…"
              buttonClassName="button button-secondary"
              fallback={
                <FormAlert tone="info">
                  {data.passkeyOnly
                    ? "Staff sign in here with a passkey, and a passkey needs JavaScript, which is off or not available in this browser: turn it on for this site. Your e-mail address and password above are the first step."
                    : "Signing in with a passkey needs JavaScript, which is off or not available in this browser. Sign in with your e-mail address and password above."}
                </FormAlert>
              }
            >
              <input type="hidden" name="redirectTo" value={data.redirectTo} />
            </PasskeyForm>
          </section>
        </>
      )}
    </div>
  );
}
