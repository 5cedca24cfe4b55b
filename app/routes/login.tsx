import { json, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { CsrfField } from "~/components/csrf-field";
import { cancelSignIn, signInStep, signInWithPassword, signInWithSecondFactor } from "~/modules/auth/login.server";
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
  return json({ step: await signInStep(getDb(), request), redirectTo, csrf: csrfToken(context) }, { headers: NO_STORE });
}

type ActionData = { step: "password" | "code"; message?: string; errors?: FieldErrors; email?: string };

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
  const errors: FieldErrors = answer?.errors ?? {};
  const alertRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (answer?.message) alertRef.current?.focus();
  }, [answer]);

  return (
    <div className="staff-sign-in">
      <h1>{step === "code" ? "Enter your authentication code" : "Staff sign-in"}</h1>
      {answer?.message ? (
        <div ref={alertRef} tabIndex={-1}>
          <FormAlert>{answer.message}</FormAlert>
        </div>
      ) : null}
      {step === "code" ? (
        <>
          <p className="lead">Open the authenticator app you set up for the registry and enter the code it shows now.</p>
          <Form method="post" className="staff-form" noValidate>
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
              autoFocus
              maxLength={20}
            />
            <div className="form-actions">
              <button type="submit" className="button" disabled={busy}>
                Verify
              </button>
            </div>
          </Form>
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
          <p className="lead">For the registry's moderators and administrators.</p>
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
        </>
      )}
    </div>
  );
}
