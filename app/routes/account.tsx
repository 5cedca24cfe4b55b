import { json, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { CsrfField } from "~/components/csrf-field";
import { enrolAuthenticator } from "~/modules/auth/enrol.server";
import { registerPasskey, removePasskey } from "~/modules/auth/passkey-account.server";
import { PASSKEY_NAME_MAX, passkeyNameSchema } from "~/modules/auth/passkey-rules";
import { passkeysOf } from "~/modules/auth/passkeys.server";
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
import { SelectField, TextField } from "~/components/form-fields";
import { FormAlert, StaffErrorBoundary, StaffFrame, formatDateTime } from "~/components/staff";
import { PasskeyForm } from "~/components/passkey";
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

const DONE = ["password", "passkey-added", "passkey-removed"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = await requireStaff(request, context, undefined, { allowUnfinished: true });
  const done = new URL(request.url).searchParams.get("done");
  const mode = getEnv().STAFF_MFA;
  const passkeys = await passkeysOf(getDb(), me.id);
  return json(
    {
      me: { name: me.name, email: me.email, role: me.role },
      csrf: csrfToken(context),
      mfaEnrolled: me.mfaEnrolled,
      totpEnrolled: me.totpEnrolled,
      mfaRequired: mode === "required",
      passkeyRequired: mode === "passkey",
      mustChangePassword: me.mustChangePassword,
      done: DONE.find((d) => d === done) ?? null,
      recoveryCodesLeft: me.totpEnrolled ? await unusedRecoveryCodes(getDb(), me.id) : 0,
      passkeys: passkeys.map((p) => ({
        id: p.id,
        name: p.name,
        createdAt: p.created_at,
        lastUsedAt: p.last_used_at,
        synced: p.backup_eligible === 1,
        backedUp: p.backed_up === 1,
      })),
      enrolment: await enrolment(me.id, me.email),
    },
    { headers: NO_STORE },
  );
}

type ActionData =
  | { intent: "enrol"; ok: true; recoveryCodes: string[] }
  | { intent: "enrol"; ok: false; errors: FieldErrors; message?: string; enrolment: Awaited<ReturnType<typeof enrolment>> | null }
  | { intent: "password"; ok: false; errors: FieldErrors; message?: string }
  | { intent: "passkey_register"; ok: false; errors: FieldErrors; message?: string; name: string }
  | { intent: "passkey_remove"; ok: false; errors: FieldErrors; message?: string }
  | { intent: "none"; ok: false; message: string };

/** A passkey's answer travels as JSON in a form field; bigger than any real one is refused. */
const CREDENTIAL_MAX = 60_000;

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

  if (intent === "passkey_register") {
    const typed = String(form.get("name") ?? "").slice(0, 1000);
    const name = passkeyNameSchema.safeParse(typed);
    if (!name.success)
      return reply({ intent, ok: false, errors: { name: name.error.issues[0]?.message ?? "Give the passkey a name." }, name: typed }, 400);
    const result = await registerPasskey(
      db,
      me,
      {
        credential: String(form.get("credential") ?? "").slice(0, CREDENTIAL_MAX),
        name: name.data,
        reauth: String(form.get("reauth") ?? "").slice(0, REAUTH_MAX),
      },
      context.requestId,
    );
    if (result.ok) return redirect("/account?done=passkey-added", { status: 303, headers: NO_STORE });
    return reply({ intent, ok: false, ...formFailure(result.error), name: typed }, errorStatus(result.error), errorHeaders(result.error));
  }

  if (intent === "passkey_remove") {
    const id = Number(form.get("passkey_id"));
    if (!Number.isInteger(id) || id <= 0) return reply({ intent, ok: false, errors: { passkey_id: "Choose the passkey to remove." } }, 400);
    const result = await removePasskey(db, me, { id, reauth: String(form.get("reauth") ?? "").slice(0, REAUTH_MAX) }, context.requestId);
    if (result.ok) return redirect("/account?done=passkey-removed", { status: 303, headers: NO_STORE });
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
  const addAnswer = answer?.intent === "passkey_register" ? answer : null;
  const removeAnswer = answer?.intent === "passkey_remove" ? answer : null;
  const codesRef = useRef<HTMLElement>(null);
  const passwordAlertRef = useRef<HTMLDivElement>(null);
  const passkeyAlertRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (enrolAnswer?.ok) codesRef.current?.focus();
    if (passwordAnswer?.message) passwordAlertRef.current?.focus();
    if (addAnswer?.message || removeAnswer?.message) passkeyAlertRef.current?.focus();
  }, [enrolAnswer, passwordAnswer, addAnswer, removeAnswer]);
  const passkeyMessage = addAnswer?.message ?? removeAnswer?.message;

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
      {data.done === "passkey-added" && !answer ? (
        <FormAlert tone="success">
          Your passkey has been added. Next time, sign in with it: no password needed. <Link to="/moderation">Continue to the queue</Link>
        </FormAlert>
      ) : null}
      {data.done === "passkey-removed" && !answer ? <FormAlert tone="success">The passkey has been removed.</FormAlert> : null}
      {data.mustChangePassword ? (
        <FormAlert tone="info">An administrator set your password. Choose your own below to reach the staff area.</FormAlert>
      ) : data.passkeyRequired && data.passkeys.length === 0 ? (
        <FormAlert tone="info">The registry requires a passkey for staff sign-in. Add one below to reach the staff area.</FormAlert>
      ) : data.mfaRequired && !data.mfaEnrolled ? (
        <FormAlert tone="info">
          The registry requires two-step sign-in for staff. Add a passkey or set up an authenticator app below to reach the staff area.
        </FormAlert>
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
          <dd>{factorsText(data.passkeys.length, data.totpEnrolled, data.recoveryCodesLeft)}</dd>
        </div>
      </dl>

      {data.mustChangePassword ? null : (
        <section aria-labelledby="passkeys-heading" className="staff-passkeys">
          <h2 id="passkeys-heading">Passkeys</h2>
          <p>
            A passkey signs you in with your device&apos;s screen lock (PIN, fingerprint or face) or a security key, without typing a
            password or a code. It works only on this registry&apos;s own address, so a look-alike site cannot trick you into giving it
            away.
          </p>
          {passkeyMessage ? (
            <div ref={passkeyAlertRef} tabIndex={-1}>
              <FormAlert>{passkeyMessage}</FormAlert>
            </div>
          ) : null}
          {data.passkeys.length > 0 ? (
            <div className="table-scroll">
              <table className="table staff-table stacked">
                <caption className="visually-hidden">Your passkeys</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Added</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Backed up</th>
                  </tr>
                </thead>
                <tbody>
                  {data.passkeys.map((p) => (
                    <tr key={p.id}>
                      <th scope="row">{p.name}</th>
                      <td data-label="Added">
                        <time dateTime={p.createdAt}>{formatDateTime(p.createdAt)}</time>
                      </td>
                      <td data-label="Last used">
                        {p.lastUsedAt ? <time dateTime={p.lastUsedAt}>{formatDateTime(p.lastUsedAt)}</time> : "Never"}
                      </td>
                      <td data-label="Backed up">
                        {p.backedUp
                          ? "Yes, synced by its provider"
                          : p.synced
                            ? "Can be synced, not yet"
                            : "No, on this device or key only"}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p>You have no passkey yet.</p>
          )}

          <section aria-labelledby="add-passkey-heading" className="staff-secondary-form">
            <h3 id="add-passkey-heading">Add a passkey</h3>
            <PasskeyForm
              ceremony="register"
              optionsUrl="/account/passkey"
              csrf={data.csrf}
              intent="passkey_register"
              label="Add a passkey"
              busyLabel="Waiting for your passkey…"
              fallback={
                <FormAlert tone="info">
                  Adding a passkey needs JavaScript, which is off or not available in this browser (passkeys also need a secure connection).
                  Turn it on for this site to add one.
                  {data.passkeyRequired ? null : " You can still use an authenticator app for two-step sign-in below."}
                </FormAlert>
              }
            >
              <TextField
                name="name"
                label="Name of the passkey"
                hint="The device or key it lives on, so that you can tell your passkeys apart: “Work laptop”, “YubiKey 5C”."
                defaultValue={addAnswer?.name ?? ""}
                error={addAnswer?.errors.name}
                maxLength={PASSKEY_NAME_MAX}
                autoComplete="off"
                required
              />
              {data.mfaEnrolled ? (
                <TextField
                  name="reauth"
                  id="field-passkey-reauth"
                  label="Your password, a current code or a recovery code"
                  type="password"
                  autoComplete="current-password"
                  hint="To prove it is you before a new way to sign in is added."
                  maxLength={1024}
                  error={addAnswer?.errors.reauth}
                  required
                />
              ) : null}
            </PasskeyForm>
          </section>

          {data.passkeys.length > 0 ? (
            <section aria-labelledby="remove-passkey-heading" className="staff-secondary-form">
              <h3 id="remove-passkey-heading">Remove a passkey</h3>
              <Form method="post" className="staff-form" noValidate>
                <CsrfField token={data.csrf} />
                <input type="hidden" name="intent" value="passkey_remove" />
                <SelectField
                  name="passkey_id"
                  label="Passkey"
                  error={removeAnswer?.errors.passkey_id}
                  options={data.passkeys.map((p) => ({ value: String(p.id), label: p.name }))}
                />
                <TextField
                  name="reauth"
                  id="field-remove-reauth"
                  label="Your password, a current code or a recovery code"
                  type="password"
                  autoComplete="current-password"
                  hint="To prove it is you before a way to sign in is removed."
                  maxLength={1024}
                  error={removeAnswer?.errors.reauth}
                  required
                />
                <div className="form-actions">
                  <button type="submit" className="button button-danger" disabled={busy}>
                    Remove passkey
                  </button>
                </div>
              </Form>
            </section>
          ) : null}
        </section>
      )}

      <section aria-labelledby="mfa-heading" className="staff-enrol">
        <h2 id="mfa-heading">{data.totpEnrolled ? "Replace your authenticator app" : "Set up an authenticator app"}</h2>
        <p>
          {data.totpEnrolled
            ? "Setting up a new authenticator replaces the old one and your recovery codes, and signs out your other sessions."
            : "After your password, the registry will ask for a code from an authenticator app on your phone (any TOTP app)."}
          {data.passkeyRequired
            ? " The registry requires a passkey to sign in: a code from the app only helps to prove it is you on this page."
            : null}
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
                  {data.totpEnrolled ? "Replace authenticator" : "Turn on two-step sign-in"}
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

/** "Passkeys (2) and an authenticator app (8 unused recovery codes)", or "Off". */
function factorsText(passkeys: number, totp: boolean, codesLeft: number): string {
  const parts: string[] = [];
  if (passkeys > 0) parts.push(passkeys === 1 ? "a passkey" : `${passkeys} passkeys`);
  if (totp) parts.push(`an authenticator app (${codesLeft} unused recovery ${codesLeft === 1 ? "code" : "codes"})`);
  return parts.length === 0 ? "Off" : `On: ${parts.join(" and ")}`;
}
