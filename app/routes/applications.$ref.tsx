// GET /applications/:ref?token=T: the applicant's private status page (CONTRACT §5). The
// token travels in the query string, on POST too (the page's forms post to the page's own
// address, so an answer that is not a redirect renders the page again through its loader,
// with and without JavaScript: issue 14), and as a hidden field (what outside clients
// send); a missing or wrong token is a 404, whatever the reference. POST intent = withdraw
// (confirmed on /applications/:ref/withdraw) | resubmit (after a request for changes) |
// resend (a new verification link while unverified).
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { PrivacyNotice } from "~/components/privacy-notice";
import { institution } from "~/modules/institution.server";
import { json, redirect } from "@remix-run/node";
import { Form, isRouteErrorResponse, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfField } from "~/components/csrf-field";
import { DnsProof } from "~/components/dns-proof";
import { checkDnsProofNow, dnsProofView, startDnsProof } from "~/modules/evidence/dns-proof.server";
import { ApplicationForm } from "~/components/application-form";
import { ApplicantStatus, ApprovalNextSteps, DecisionTime, StepTracker } from "~/components/application-status";
import {
  applicationDetails,
  decisionTimes,
  findByStatusToken,
  formOptions,
  resendVerification,
  resubmitApplication,
  schemaOptions,
  withdrawApplication,
} from "~/modules/applications/applications.server";
import { validateOnServer } from "~/modules/applications/rules.server";
import { readApplicationForm, type ApplicationValues, type FieldErrors } from "~/modules/applications/schema";
import { APPLICANT_STATUS_LABEL, APPLICATION_EVENT_LABEL, isOpen, STATUS_EXPLANATION } from "~/modules/applications/status";
import { badgeEmbed } from "~/modules/opendata/badge.server";
import { errorTitle } from "~/utils/page-title";
import { notCached } from "~/modules/cache/cache-policy";
import { countryName } from "~/modules/countries";
import { getDb } from "~/modules/database/db.server";
import { assertSameSite, csrfToken } from "~/modules/security/csrf.server";
import { ErrorPage } from "~/components/error-page";
import { PRIVATE, privateHeaders, privateReply } from "~/utils/cache-headers";
import applyStyles from "~/styles/apply.css?url";
import { publicUrl } from "~/utils/env.server";
import { formatDate } from "~/utils/format";
import { log } from "~/utils/log.server";
import { formFailure, type DomainError } from "~/modules/result";
import { errorHeaders, errorStatus } from "~/utils/http.server";

export const handle = notCached("an applicant's private status page (its token is in the address)");

export const links: LinksFunction = () => [{ rel: "stylesheet", href: applyStyles }];

// This route's own boundary, so its error answers (404 for a wrong token) carry its
// headers too: Remix takes a document's headers from the routes down to the boundary.
export function ErrorBoundary() {
  return <ErrorPage />;
}

export const headers = privateHeaders;

export const meta: MetaFunction<typeof loader> = ({ data, error }) => [
  {
    title: data
      ? errorTitle(data, `Application ${data.ref}: ${APPLICANT_STATUS_LABEL[data.status]} · Accord Registry`)
      : isRouteErrorResponse(error) && error.status === 404
        ? "Application not found · Accord Registry"
        : "Error · Accord Registry",
  },
  { name: "robots", content: "noindex" },
];

function notFound(): Response {
  return new Response(
    "There is no application at this address. Open the status link from the registry's e-mail exactly as it is: the reference and the token must both be complete.",
    { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", ...PRIVATE } },
  );
}

const statusPath = (ref: string, token: string, extra = "") => `/applications/${ref}?token=${token}${extra}`;

/** The token a request carries: the hidden field of a form, else the address's query. */
function tokenOf(request: Request, form?: FormData): string | null {
  const field = form?.get("token");
  if (typeof field === "string") return field;
  return new URL(request.url).searchParams.get("token");
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const db = getDb();
  const url = new URL(request.url);
  const token = url.searchParams.get("token");
  const application = await findByStatusToken(db, params.ref ?? "", token);
  if (!application || !token) throw notFound();
  const details = await applicationDetails(db, application);
  const [options, times, dnsProof] = await Promise.all([
    formOptions(db),
    isOpen(application.status) ? decisionTimes(db) : null,
    dnsProofView(db, application),
  ]);
  return json(
    {
      ref: application.ref,
      token,
      csrf: csrfToken(context),
      status: application.status,
      resent: url.searchParams.get("resent") === "1",
      // The last resubmission gave a new contact address (or domain), still to be confirmed.
      reverifyTo: details.reverifyTo,
      application: {
        name: application.name,
        website: application.website,
        country: countryName(application.country),
        sector: application.sector,
        description: application.description,
        contact: application.personal_data_erased_at
          ? `Erased on ${formatDate(application.personal_data_erased_at.slice(0, 10))} under the retention rule`
          : `${application.contact_name}, ${application.contact_title} <${application.contact_email}>`,
        submitted: application.created_at,
        verifyExpires: application.verify_expires_at,
      },
      pledges: details.pledges,
      timeline: details.timeline,
      reason: details.reason,
      signatory: details.signatory,
      // What an approved applicant does next: the badge to copy, whom to write to.
      approval:
        application.status === "approved" && details.signatory
          ? { badge: badgeEmbed(details.signatory, publicUrl), contact: institution().contactEmail }
          : null,
      decisionTimes: times,
      values: details.values,
      // The form to answer a request for changes, only while the moderators wait for one.
      form:
        application.status === "changes_requested"
          ? {
              options: { countries: options.countries, sectorList: options.sectorList, pledges: options.pledges },
              schemaOptions: schemaOptions(options),
            }
          : null,
      sectorName: options.sectorList.find((s) => s.code === application.sector)?.name ?? application.sector,
      privacy: { retentionDays: institution().retentionDays, contactEmail: institution().contactEmail },
      dns: { domain: application.domain, proof: dnsProof },
    },
    { headers: PRIVATE },
  );
}

type Answer = { intent: string; message: string | null; errors: FieldErrors; values: ApplicationValues | null };

const reply = (body: Answer, status: number, headers: HeadersInit = {}) => privateReply(body, status, headers);

/** A domain failure as the page's answer: messages beside the fields, else one for the form. */
function replyFailure(intent: string, error: DomainError, values: ApplicationValues | null) {
  const { errors, message } = formFailure(error);
  return reply({ intent, message: message ?? null, errors, values }, errorStatus(error), errorHeaders(error));
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const form = await request.formData().catch(() => new FormData());
  assertSameSite(request, context, form);
  const db = getDb();
  const token = tokenOf(request, form);
  const application = await findByStatusToken(db, params.ref ?? "", token);
  if (!application || typeof token !== "string") throw notFound();
  const back = (extra = "") => redirect(statusPath(application.ref, token, extra), { status: 303, headers: PRIVATE });
  const intent = form.get("intent");

  if (intent === "withdraw") {
    const withdrawn = await withdrawApplication(db, application.id);
    if (!withdrawn.ok) return replyFailure(intent, withdrawn.error, null);
    log.info({ event: "application_withdrawn", requestId: context.requestId, ref: application.ref });
    return back();
  }

  // DNS domain proof (issue 18): make the record to publish, or look for it now.
  if (intent === "dns_start" || intent === "dns_check") {
    if (intent === "dns_start") await startDnsProof(db, application);
    else await checkDnsProofNow(db, application);
    return back("#dns-proof-title");
  }

  if (intent === "resend") {
    const result = await resendVerification(db, { application, statusToken: token });
    if (result.ok) {
      log.info({ event: "application_verification_resent", requestId: context.requestId, ref: application.ref });
      return back("&resent=1");
    }
    return replyFailure(intent, result.error, null);
  }

  if (intent === "resubmit") {
    const { values, errors: readErrors } = readApplicationForm(form);
    if (application.status !== "changes_requested") {
      return reply({ intent, message: "The moderators are not waiting for changes to this application now.", errors: {}, values }, 409);
    }
    const validation = await validateOnServer(db, values, schemaOptions(await formOptions(db)), readErrors, {
      exceptApplicationId: application.id,
    });
    if (!validation.ok) return reply({ intent, message: null, errors: validation.errors, values }, 400);
    const result = await resubmitApplication(db, application.id, validation.data, token);
    if (!result.ok) return replyFailure(intent, result.error, values);
    log.info({ event: "application_resubmitted", requestId: context.requestId, ref: application.ref, reverify: result.value.reverify });
    return back();
  }

  return reply({ intent: String(intent ?? ""), message: "Choose one of the page's buttons.", errors: {}, values: null }, 400);
}

const NO_ERRORS: FieldErrors = {};

function When({ iso }: { iso: string }) {
  return <time dateTime={iso}>{`${formatDate(iso.slice(0, 10))}, ${iso.slice(11, 16)} UTC`}</time>;
}

export default function ApplicationStatusPage() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const a = data.application;
  const hidden = (intent: string) => (
    <>
      <CsrfField token={data.csrf} />
      <input type="hidden" name="token" value={data.token} />
      <input type="hidden" name="intent" value={intent} />
    </>
  );
  // The page's own address, token included: a refusal renders this page again (issue 14).
  const formAction = statusPath(data.ref, data.token);
  const message = answer?.message ?? null;

  return (
    <div className="apply application-status">
      <p className="breadcrumb">Your application</p>
      <h1>{a.name}</h1>
      <p className="reference">
        Reference <strong className="ref">{data.ref}</strong>
      </p>

      {/* A resubmission's message shows in its form, unless the form is gone (a conflict). */}
      {message && (answer?.intent !== "resubmit" || !data.form) ? (
        <div className="form-alert" role="alert">
          <p>{message}</p>
        </div>
      ) : null}
      {data.resent ? (
        <div className="notice" role="status">
          <p>We sent a new verification link to the contact address. Earlier links no longer work.</p>
        </div>
      ) : null}
      {data.reverifyTo && !data.resent ? (
        <div className="notice reverify" role="status">
          <p>
            You changed the contact e-mail address, so it must be confirmed before the moderators see the application again. We sent a link
            to <strong>{data.reverifyTo}</strong>: open it to confirm the new address. Links sent before no longer work.
          </p>
        </div>
      ) : null}

      <section className="status-panel" aria-labelledby="status-title">
        <h2 id="status-title">
          Status: <ApplicantStatus status={data.status} />
        </h2>
        <p>{STATUS_EXPLANATION[data.status]}</p>
        {data.status === "unverified" ? (
          <p className="muted">
            The verification link works until <When iso={a.verifyExpires} />.
          </p>
        ) : null}
        <StepTracker status={data.status} />
        <DecisionTime times={data.decisionTimes} />
        {data.reason ? (
          <div className="note moderator-reason">
            <h3>The moderators' reason</h3>
            <p>{data.reason}</p>
          </div>
        ) : null}
        {data.status === "approved" && data.signatory && !data.approval ? (
          <p>
            <Link to={`/signatories/${data.signatory.slug}`}>{data.signatory.name} in the directory</Link>
          </p>
        ) : null}
        {data.status === "unverified" ? (
          <Form method="post" action={formAction} className="status-actions">
            {hidden("resend")}
            <button type="submit" className="button button-secondary">
              Send a new verification link
            </button>
          </Form>
        ) : null}
      </section>

      {data.approval && data.signatory ? <ApprovalNextSteps signatory={data.signatory} {...data.approval} /> : null}

      <DnsProof domain={data.dns.domain} proof={data.dns.proof} open={isOpen(data.status)} action={formAction} hidden={hidden} />

      {data.form ? (
        <section className="resubmit" aria-labelledby="resubmit-title">
          <h2 id="resubmit-title">Correct the application</h2>
          <p>Change what the moderators asked for, then send the application again. It goes back into their queue.</p>
          <ApplicationForm
            action={formAction}
            options={data.form.options}
            schemaOptions={data.form.schemaOptions}
            values={answer?.intent === "resubmit" && answer.values ? answer.values : data.values}
            errors={answer?.intent === "resubmit" ? answer.errors : NO_ERRORS}
            formError={answer?.intent === "resubmit" ? answer.message : null}
            submitLabel="Send the corrected application"
            hidden={hidden("resubmit")}
          />
        </section>
      ) : null}

      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">What happened</h2>
        <ol className="timeline">
          {data.timeline.map((event, i) => (
            <li key={i}>
              <When iso={event.at} />
              <span>{APPLICATION_EVENT_LABEL[event.kind]}</span>
              {event.reason ? <span className="muted">Reason: {event.reason}</span> : null}
              {event.verificationSentTo ? (
                <span className="muted">New contact address to confirm: a link was sent to {event.verificationSentTo}</span>
              ) : null}
            </li>
          ))}
        </ol>
      </section>

      {isOpen(data.status) ? (
        <section className="withdraw-section" aria-labelledby="withdraw-title">
          <h2 id="withdraw-title">Changed your mind?</h2>
          <p>You can withdraw the application while it is open. We ask you to confirm first.</p>
          <form method="get" action={`/applications/${data.ref}/withdraw`}>
            <input type="hidden" name="token" value={data.token} />
            <button type="submit" className="button button-secondary">
              Withdraw the application…
            </button>
          </form>
        </section>
      ) : null}

      <section aria-labelledby="facts-title">
        <h2 id="facts-title">What you sent</h2>
        <dl className="facts application-facts">
          <div>
            <dt>Website</dt>
            <dd>{a.website}</dd>
          </div>
          <div>
            <dt>Headquarters</dt>
            <dd>{a.country}</dd>
          </div>
          <div>
            <dt>Sector</dt>
            <dd>{data.sectorName}</dd>
          </div>
          <div>
            <dt>Contact</dt>
            <dd>{a.contact}</dd>
          </div>
          <div>
            <dt>Pledges</dt>
            <dd>{data.pledges.map((p) => p.title).join(", ")}</dd>
          </div>
          <div>
            <dt>What it does</dt>
            <dd className="application-description">{a.description}</dd>
          </div>
        </dl>
      </section>
      <PrivacyNotice retentionDays={data.privacy.retentionDays} contactEmail={data.privacy.contactEmail} />
    </div>
  );
}
