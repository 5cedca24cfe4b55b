// GET /apply: the application form; POST /apply: an application (CONTRACT §5).
// Named apply.tsx, not apply._index.tsx: a POST to /apply without "?index" (what the
// contract promises clients) reaches the action of a route with a path, never an index
// route's. Its neighbours are apply_.verify.tsx and apply_.received.tsx, outside its layout.
import type { ActionFunctionArgs, HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { CsrfField } from "~/components/csrf-field";
import { ApplicationForm } from "~/components/application-form";
import { formOptions, retryTime, schemaOptions, submitApplication } from "~/modules/applications/applications.server";
import { validateOnServer } from "~/modules/applications/rules.server";
import { emptyValues } from "~/modules/applications/fields";
import { readApplicationForm, type ApplicationValues, type FieldErrors } from "~/modules/applications/schema";
import { notCached } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { assertSameSite, csrfToken } from "~/modules/security/csrf.server";
import { checkFillTime, HONEYPOT_FIELD, honeypotFilled, startedToken, STARTED_FIELD } from "~/modules/security/honeypot.server";
import { checkLimit, releaseHits, reserveHits, type Limit } from "~/modules/security/rate-limit.server";
import applyStyles from "~/styles/apply.css?url";
import { LOGO_MESSAGES, logoFile, processLogo } from "~/modules/logos/logos.server";
import { getEnv } from "~/utils/env.server";
import { log } from "~/utils/log.server";
import { formFailure } from "~/modules/result";
import { errorHeaders, errorStatus } from "~/utils/http.server";
import { noStoreReply } from "~/utils/cache-headers";
import { errorTitle } from "~/utils/page-title";
import { PrivacyNotice } from "~/components/privacy-notice";
import { institution } from "~/modules/institution.server";
import { canonical } from "~/utils/canonical";

export const handle = notCached("a form with the visitor's anti-forgery token");

const HOUR = 60 * 60 * 1000;

export const links: LinksFunction = () => [{ rel: "stylesheet", href: applyStyles }];

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: errorTitle(data, "Apply to join · Accord Registry") },
  {
    name: "description",
    content: "Apply for your organisation to join the Cybersecurity Tech Accord and appear in its public registry.",
  },
  ...canonical(matches, "/apply"),
];

// The form carries per-visitor tokens: no cache may keep it.
export const headers: HeadersFunction = ({ actionHeaders, loaderHeaders }) => {
  const headers = new Headers({ "Cache-Control": "no-store" });
  const retryAfter = actionHeaders.get("Retry-After") ?? loaderHeaders.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};

export async function loader({ context }: LoaderFunctionArgs) {
  const options = await formOptions(getDb());
  return json(
    {
      options: { countries: options.countries, sectorList: options.sectorList, pledges: options.pledges },
      schemaOptions: schemaOptions(options),
      csrf: csrfToken(context),
      honeypot: { field: HONEYPOT_FIELD, startedField: STARTED_FIELD, started: startedToken() },
      privacy: { retentionDays: institution().retentionDays, contactEmail: institution().contactEmail },
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}

/** `logoError`: the upload's message (the file itself is never sent back: choose it again). */
type Answer = { values: ApplicationValues; errors: FieldErrors; formError: string | null; started: string; logoError: string | null };

const reply = (body: Answer, status: number, headers: HeadersInit = {}) => noStoreReply(body, status, headers);

export async function action({ request, context }: ActionFunctionArgs) {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new Response("The form could not be read. Go back, reload the page and send it again.", {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  assertSameSite(request, context, form);

  const db = getDb();
  const { values, errors: readErrors } = readApplicationForm(form);
  const started = form.getAll(STARTED_FIELD);
  const fill = checkFillTime(started.length === 1 ? started[0] : undefined);
  // Hand the same start time back while it is valid: the applicant keeps filling in.
  const startedBack = fill.ok || fill.reason === "too_fast" ? String(started[0]) : startedToken();
  let logoError: string | null = null;
  const refuse = (status: number, formError: string | null, errors: FieldErrors = {}, headers: HeadersInit = {}) =>
    reply({ values, errors, formError, started: startedBack, logoError }, status, headers);

  // Only submissions that pass validation count toward the hourly limit (CONTRACT §2): a
  // mistake costs nothing here (the general write limit, counted before the body was read,
  // still bounds how often anyone can post). Bots and fill-time refusals are invalid too.
  const hourly: Limit = { bucket: "apply", key: context.clientIp, max: getEnv().APPLY_LIMIT_PER_HOUR, windowMs: HOUR };
  const limitMessage = (seconds: number, sentence: string) => {
    const minutes = Math.ceil(seconds / 60);
    return (
      `Too many applications were sent from your network address in the last hour. ` +
      `You can send this one after ${retryTime(seconds)} (in about ${minutes === 1 ? "a minute" : `${minutes} minutes`}); ${sentence}`
    );
  };
  /** An invalid submission: its messages; and when the limit is used up meanwhile, when it can be sent. */
  const invalid = async (formError: string | null, errors: FieldErrors = {}) => {
    const state = formError ? { limited: false as const } : await checkLimit(db, hourly);
    const notice = state.limited ? limitMessage(state.retryAfterSeconds, "correct the answers marked below meanwhile.") : null;
    return refuse(400, formError ?? notice, errors);
  };

  if (honeypotFilled(form)) {
    log.warn({ event: "honeypot_triggered", requestId: context.requestId, ip: context.clientIp });
    return invalid(
      "The field marked “leave this field empty” was filled in, so the form was not accepted. Empty it and send the form again.",
    );
  }
  if (!fill.ok) {
    log.warn({ event: "apply_fill_time", requestId: context.requestId, reason: fill.reason });
    return invalid(
      fill.reason === "too_fast"
        ? "The form was sent faster than a person can fill it in. Wait a few seconds, then send it again."
        : "This form is incomplete or was changed. Reload the page and send it again.",
    );
  }

  // The optional logo (CONTRACT §8): checked and re-encoded with the other answers, so one
  // round trip shows every problem; a refused logo makes the submission invalid too.
  const file = logoFile(form);
  const [options, logo] = await Promise.all([
    formOptions(db).then(schemaOptions),
    file === "many" ? null : file ? processLogo(file) : null,
  ]);
  if (file === "many") logoError = "Send one logo only.";
  else if (logo && !logo.ok) logoError = formFailure(logo.error).errors.logo ?? LOGO_MESSAGES.unreadable;
  const validation = await validateOnServer(db, values, options, readErrors);
  if (!validation.ok) return invalid(null, validation.errors);
  if (logoError) return invalid(null);

  // Checked and counted as one step, so parallel submissions never all see "one left".
  const reserved = await reserveHits(db, [hourly]);
  if (reserved.limited) {
    log.warn({ event: "apply_rate_limited", requestId: context.requestId, ip: context.clientIp });
    return refuse(
      429,
      limitMessage(reserved.retryAfterSeconds, "what you typed is kept below."),
      {},
      {
        "Retry-After": String(reserved.retryAfterSeconds),
      },
    );
  }
  const result = await submitApplication(db, validation.data, { clientIp: context.clientIp }, logo?.ok ? logo.value : null);
  if (!result.ok) {
    // Found invalid inside the transaction (a domain taken meanwhile): not counted either.
    if (result.error.kind === "invalid") await releaseHits(db, reserved.ids);
    const { errors, message } = formFailure(result.error);
    return refuse(errorStatus(result.error), message ?? null, errors, errorHeaders(result.error));
  }
  log.info({ event: "application_submitted", requestId: context.requestId, ref: result.value.ref });
  return redirect(`/apply/received?ref=${result.value.ref}`, 303);
}

// Stable identities: the form treats a new errors object as a new answer from the server.
const NO_ERRORS: FieldErrors = {};
const EMPTY = emptyValues();

export default function ApplyPage() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const values = answer?.values ?? EMPTY;
  return (
    <div className="apply">
      <h1>Apply to join the Cybersecurity Tech Accord</h1>
      <p className="lead">
        Technology companies of any size that share the accord's principles can sign it. Tell us about the organisation; once you have
        confirmed your e-mail address, the registry's moderators review the application.
      </p>
      <ol className="apply-steps" aria-label="How applying works">
        <li>
          <strong>Send this form.</strong> It takes about five minutes.
        </li>
        <li>
          <strong>Confirm your e-mail address</strong> with the link we send you (valid for 7 days).
        </li>
        <li>
          <strong>The moderators review</strong> the application. They may ask for changes.
        </li>
        <li>
          <strong>Follow it</strong> on your private status page; we write to you when it is decided.
        </li>
      </ol>
      <PrivacyNotice retentionDays={data.privacy.retentionDays} contactEmail={data.privacy.contactEmail} />
      <ApplicationForm
        action="/apply"
        options={data.options}
        schemaOptions={data.schemaOptions}
        values={values}
        errors={answer?.errors ?? NO_ERRORS}
        formError={answer?.formError}
        logo={{ error: answer?.logoError ?? null }}
        honeypotField={data.honeypot.field}
        submitLabel="Send the application"
        hidden={
          <>
            <CsrfField token={data.csrf} />
            <input type="hidden" name={data.honeypot.startedField} value={answer?.started ?? data.honeypot.started} />
          </>
        }
      />
    </div>
  );
}
