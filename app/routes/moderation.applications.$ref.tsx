import type { z } from "zod";
import { json, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { CsrfField } from "~/components/csrf-field";
import { ApplicationProofs } from "~/components/dns-proof";
import { dnsProofView } from "~/modules/evidence/dns-proof.server";
import { getEnv } from "~/utils/env.server";
import { NO_STORE, noStoreHeaders } from "~/utils/cache-headers";
import { requireStaff } from "~/modules/auth/require-staff.server";
import { notCached } from "~/modules/cache/cache-policy";
import { readStaffForm, replyFailure, type ActionData } from "~/modules/staff/actions.server";
import { noStoreReply } from "~/utils/cache-headers";
import { countryName } from "~/modules/countries";
import { getDb, type DB } from "~/modules/database/db.server";
import { APPLICATION_NOT_FOUND, addNote, approveApplication, rejectApplication, requestChanges } from "~/modules/moderation/decide.server";
import { DECIDABLE_STATUSES } from "~/modules/moderation/constants";
import { getApplicationDetail, similarityWarnings } from "~/modules/moderation/queue.server";
import { applicationHasLogo } from "~/modules/logos/logos.server";
import { csrfToken } from "~/modules/security/csrf.server";
import { decisionSchema, NOTE_MAX, REASON_MAX, today } from "~/modules/staff/forms";
import { fieldErrors, type FieldErrors } from "~/utils/field-errors";
import { TextArea, TextField } from "~/components/form-fields";
import { ApplicationStatusBadge, FormAlert, StaffErrorBoundary, StaffFrame, formatDateTime } from "~/components/staff";
import { displayHost } from "~/utils/format";
import staffStyles from "~/styles/staff.css?url";
import { errorTitle } from "~/utils/page-title";
import { ACCORD_LAUNCH } from "~/modules/accord";
import { APPLICATION_EVENT_LABEL } from "~/modules/applications/status";

export const handle = notCached("staff page");

export const links: LinksFunction = () => [{ rel: "stylesheet", href: staffStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: errorTitle(
      data,
      `${data ? `${data.application.name} (${data.application.ref})` : "Application"} · Moderation · Accord Registry`,
    ),
  },
  { name: "robots", content: "noindex" },
];
export const headers = noStoreHeaders;
export const ErrorBoundary = StaffErrorBoundary;

const notFound = () =>
  new Response(APPLICATION_NOT_FOUND, { status: 404, headers: { ...NO_STORE, "Content-Type": "text/plain; charset=utf-8" } });

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = await requireStaff(request, context);
  const db = getDb();
  const detail = await getApplicationDetail(db, params.ref ?? "");
  if (!detail) throw notFound();
  const { application: a } = detail;
  const [warnings, hasLogo, dnsProof] = await Promise.all([similarityWarnings(db, a), applicationHasLogo(db, a.id), dnsProofView(db, a)]);
  return json(
    {
      me: { name: me.name, email: me.email, role: me.role },
      csrf: csrfToken(context),
      today: today(),
      done: new URL(request.url).searchParams.get("done"),
      application: {
        ref: a.ref,
        name: a.name,
        website: a.website,
        domain: a.domain,
        country: a.country,
        country_name: countryName(a.country),
        sector_name: a.sector_name,
        description: a.description,
        contact_name: a.contact_name,
        contact_title: a.contact_title,
        contact_email: a.contact_email,
        status: a.status,
        created_at: a.created_at,
        verified_at: a.verified_at,
        decided_at: a.decided_at,
        decision_reason: a.decision_reason,
      },
      open: (DECIDABLE_STATUSES as readonly string[]).includes(a.status),
      pledges: detail.pledges,
      events: detail.events,
      resubmission: detail.resubmission,
      notes: detail.notes,
      signatory: detail.signatory,
      warnings,
      hasLogo,
      proofs: { domain: a.domain, verifiedAt: a.verified_at, dns: dnsProof, required: getEnv().REQUIRE_DNS_PROOF },
    },
    { headers: NO_STORE },
  );
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { me, fields, intent } = await readStaffForm(request, context);
  const ref = params.ref ?? "";
  const parsed = decisionSchema.safeParse(fields);
  if (!parsed.success) {
    if (!["approve", "reject", "request_changes", "note"].includes(intent)) {
      return noStoreReply<ActionData>({ intent, message: "Choose what to do: approve, reject, request changes or add a note." }, 400);
    }
    return noStoreReply<ActionData>({ intent, errors: fieldErrors(parsed.error), values: fields }, 400);
  }
  const db = getDb();
  const by = { id: me.id, actor: me.actor };
  const self = `/moderation/applications/${encodeURIComponent(ref)}`;
  const result = await decide(db, ref, parsed.data, by);
  if (result.ok) return redirect(`${self}?done=${AFTER[parsed.data.intent]}`, { status: 303, headers: NO_STORE });
  if (result.error.kind === "not_found") throw notFound();
  return replyFailure(intent, result.error);
}

type Decision = z.infer<typeof decisionSchema>;

/** Where the page goes after each decision (its `done` message, and for a note its section). */
const AFTER: Record<Decision["intent"], string> = {
  approve: "approved",
  reject: "rejected",
  request_changes: "changes_requested",
  note: "note#notes",
};

function decide(db: DB, ref: string, data: Decision, by: Parameters<typeof addNote>[3]) {
  switch (data.intent) {
    case "approve":
      return approveApplication(db, ref, data.joined_on, by);
    case "reject":
      return rejectApplication(db, ref, data.reason, by);
    case "request_changes":
      return requestChanges(db, ref, data.reason, by);
    case "note":
      return addNote(db, ref, data.body, by);
  }
}

const DONE: Record<string, string> = {
  approved: "Approved. The signatory is in the public directory and the applicant has been e-mailed.",
  rejected: "Rejected. The applicant has been e-mailed the reason.",
  changes_requested: "Changes requested. The applicant has been e-mailed what to change.",
  note: "Note added.",
};

const MATCH_TEXT = {
  same: "the same name",
  similar: "a very similar name",
  contains: "a name that contains or is contained in this one",
  domain: "the same domain",
} as const;

export default function ApplicationPage() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const a = data.application;
  const errorsFor = (intent: string): FieldErrors => (answer?.intent === intent ? (answer.errors ?? {}) : {});
  const valueOf = (intent: string, name: string) => (answer?.intent === intent ? answer.values?.[name] : undefined);
  const alertRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (answer?.message) alertRef.current?.focus();
  }, [answer]);

  return (
    <StaffFrame me={data.me} csrf={data.csrf}>
      <p className="breadcrumb">
        <Link to="/moderation">Queue</Link> <span aria-hidden="true">›</span> {a.ref}
      </p>
      <header className="staff-header">
        <h1>{a.name}</h1>
        <p>
          <ApplicationStatusBadge status={a.status} /> <code>{a.ref}</code>
        </p>
      </header>

      {answer?.message ? (
        <div ref={alertRef} tabIndex={-1}>
          <FormAlert>{answer.message}</FormAlert>
        </div>
      ) : null}
      {!answer && data.done && DONE[data.done] ? <FormAlert tone="success">{DONE[data.done]}</FormAlert> : null}

      {data.signatory ? (
        <FormAlert tone="info">
          Listed as <Link to={`/signatories/${data.signatory.slug}`}>{data.signatory.name}</Link> in the public directory (
          <Link to={`/moderation/signatories/${data.signatory.slug}`}>manage</Link>).
        </FormAlert>
      ) : null}

      <section aria-labelledby="warnings-heading" className="staff-warnings">
        <h2 id="warnings-heading">Checks</h2>
        {data.warnings.length === 0 ? (
          <p>No signatory or other application has the same or a similar name, or the same domain.</p>
        ) : (
          <ul>
            {data.warnings.map((w, i) => (
              <li key={i} className={`warning warning-${w.about}`}>
                <strong>{w.about === "domain" ? "Same domain:" : "Similar name:"}</strong>{" "}
                {w.kind === "signatory" ? "signatory" : "application"} <Link to={w.href}>{w.name}</Link> ({w.status.replace("_", " ")}) has{" "}
                {MATCH_TEXT[w.match]}
                {w.match === "domain" ? ` (${w.domain})` : ""}
                {w.match === "similar" ? ` (${w.distance} ${w.distance === 1 ? "letter differs" : "letters differ"})` : ""}.
              </li>
            ))}
          </ul>
        )}
        <ApplicationProofs
          domain={data.proofs.domain}
          verifiedAt={data.proofs.verifiedAt}
          proof={data.proofs.dns}
          required={data.proofs.required}
        />
      </section>

      {data.resubmission ? (
        <section aria-labelledby="changes-heading" className="staff-changes">
          <h2 id="changes-heading">Changed in the last resubmission</h2>
          <p>
            The applicant sent the application again on <time dateTime={data.resubmission.at}>{formatDateTime(data.resubmission.at)}</time>
            {data.resubmission.recorded && data.resubmission.changes.length === 0 ? " without changing anything." : "."}
            {data.resubmission.reverify
              ? a.verified_at && a.verified_at > data.resubmission.at
                ? " The contact e-mail address or the domain changed; the new address was confirmed."
                : " The contact e-mail address or the domain changed: the new address is not confirmed yet, so the application is out of the queue until it is."
              : ""}
          </p>
          {data.resubmission.changes.length > 0 ? (
            <table className="staff-table changes-table">
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">Before</th>
                  <th scope="col">Now</th>
                </tr>
              </thead>
              <tbody>
                {data.resubmission.changes.map((c) => (
                  <tr key={c.field} data-field={c.field}>
                    <th scope="row">{c.label}</th>
                    <td className="prose">
                      <del>{c.from}</del>
                    </td>
                    <td className="prose">
                      <ins>{c.to}</ins>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : !data.resubmission.recorded ? (
            <p className="muted">This resubmission was recorded before the registry kept what changed.</p>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="submitted-heading">
        <h2 id="submitted-heading">What was submitted</h2>
        <dl className="staff-facts">
          <div>
            <dt>Website</dt>
            <dd>
              <a href={a.website} rel="noopener noreferrer external">
                {displayHost(a.website)}
              </a>{" "}
              <span className="muted">(domain {a.domain})</span>
            </dd>
          </div>
          <div>
            <dt>Headquarters</dt>
            <dd>{a.country_name}</dd>
          </div>
          <div>
            <dt>Sector</dt>
            <dd>{a.sector_name}</dd>
          </div>
          <div className="wide">
            <dt>Description</dt>
            <dd className="prose">{a.description}</dd>
          </div>
          <div>
            <dt>Logo</dt>
            <dd>
              {data.hasLogo ? (
                <span className="staff-logo">
                  <img src={`/moderation/applications/${a.ref}/logo`} width={96} height={96} alt={`Logo sent by ${a.name}`} />
                  <span className="muted">Re-encoded; approved with the application.</span>
                </span>
              ) : (
                <span className="muted">None sent: the directory shows a monogram.</span>
              )}
            </dd>
          </div>
          <div>
            <dt>Contact</dt>
            <dd>
              {a.contact_name}, {a.contact_title}
              <br />
              <a href={`mailto:${a.contact_email}`}>{a.contact_email}</a>
            </dd>
          </div>
          <div>
            <dt>Submitted</dt>
            <dd>
              <time dateTime={a.created_at}>{formatDateTime(a.created_at)}</time>
            </dd>
          </div>
          <div>
            <dt>E-mail verified</dt>
            <dd>{a.verified_at ? <time dateTime={a.verified_at}>{formatDateTime(a.verified_at)}</time> : "Not yet"}</dd>
          </div>
          {a.decided_at ? (
            <div>
              <dt>Decided</dt>
              <dd>
                <time dateTime={a.decided_at}>{formatDateTime(a.decided_at)}</time>
              </dd>
            </div>
          ) : null}
          {a.decision_reason ? (
            <div className="wide">
              <dt>{a.status === "changes_requested" ? "Changes asked for" : "Reason given to the applicant"}</dt>
              <dd className="prose">{a.decision_reason}</dd>
            </div>
          ) : null}
        </dl>
        <h3>Pledges</h3>
        <ul className="staff-pledges">
          {data.pledges.map((p) => (
            <li key={p.code}>
              <span aria-hidden="true">{p.chosen || p.required ? "✓" : "–"}</span> {p.title}{" "}
              <span className="muted">{p.required ? "(principle, required)" : p.chosen ? "(chosen)" : "(not chosen)"}</span>
            </li>
          ))}
        </ul>
      </section>

      {data.open ? (
        <section aria-labelledby="decide-heading" className="staff-decide">
          <h2 id="decide-heading">Decide</h2>
          <div className="decision-grid">
            <Form method="post" className="decision decision-approve" noValidate>
              <h3>Approve</h3>
              <p>
                Adds {a.name} to the public directory with the principles and its chosen pledges{data.hasLogo ? " and its logo" : ""}, and
                e-mails the applicant.
              </p>
              <CsrfField token={data.csrf} />
              <input type="hidden" name="intent" value="approve" />
              <TextField
                name="joined_on"
                id="approve-joined_on"
                label="Joined on"
                type="date"
                defaultValue={valueOf("approve", "joined_on") ?? data.today}
                min={ACCORD_LAUNCH}
                max={data.today}
                error={errorsFor("approve").joined_on}
                hint="Usually today."
              />
              <button type="submit" className="button" disabled={busy}>
                Approve
              </button>
            </Form>
            {a.status === "pending" ? (
              <Form method="post" className="decision" noValidate>
                <h3>Request changes</h3>
                <CsrfField token={data.csrf} />
                <input type="hidden" name="intent" value="request_changes" />
                <TextArea
                  name="reason"
                  id="changes-reason"
                  label="What should the applicant change?"
                  hint="Sent to the applicant as written."
                  maxLength={REASON_MAX}
                  defaultValue={valueOf("request_changes", "reason")}
                  error={errorsFor("request_changes").reason}
                  required
                />
                <button type="submit" className="button button-secondary" disabled={busy}>
                  Request changes
                </button>
              </Form>
            ) : null}
            <Form method="post" className="decision decision-reject" noValidate>
              <h3>Reject</h3>
              <CsrfField token={data.csrf} />
              <input type="hidden" name="intent" value="reject" />
              <TextArea
                name="reason"
                id="reject-reason"
                label="Reason for rejecting"
                hint="Sent to the applicant as written."
                maxLength={REASON_MAX}
                defaultValue={valueOf("reject", "reason")}
                error={errorsFor("reject").reason}
                required
              />
              <button type="submit" className="button button-danger" disabled={busy}>
                Reject
              </button>
            </Form>
          </div>
        </section>
      ) : null}

      <section aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        {data.events.length === 0 ? (
          <p>No events recorded.</p>
        ) : (
          <ol className="timeline">
            {data.events.map((e, i) => (
              <li key={i}>
                <time dateTime={e.created_at}>{formatDateTime(e.created_at)}</time>
                <span>
                  {APPLICATION_EVENT_LABEL[e.kind]}
                  {e.actorName !== "Applicant" ? ` by ${e.actorName}` : ""}
                  {e.reason ? `: ${e.reason}` : ""}
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>

      <section aria-labelledby="notes" className="staff-notes">
        <h2 id="notes" tabIndex={-1}>
          Internal notes
        </h2>
        <p className="muted">Only staff see these notes.</p>
        {data.notes.length > 0 ? (
          <ul className="note-list">
            {data.notes.map((n) => (
              <li key={n.id}>
                <p className="prose">{n.body}</p>
                <p className="muted">
                  {n.author}, <time dateTime={n.created_at}>{formatDateTime(n.created_at)}</time>
                </p>
              </li>
            ))}
          </ul>
        ) : null}
        <Form method="post" noValidate>
          <CsrfField token={data.csrf} />
          <input type="hidden" name="intent" value="note" />
          <TextArea
            name="body"
            id="note-body"
            label="Add a note"
            maxLength={NOTE_MAX}
            defaultValue={valueOf("note", "body")}
            error={errorsFor("note").body}
            required
          />
          <button type="submit" className="button button-secondary" disabled={busy}>
            Add note
          </button>
        </Form>
      </section>
    </StaffFrame>
  );
}
