import { json, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { CsrfField } from "~/components/csrf-field";
import { StatusBadge } from "~/components/status-badge";
import { NO_STORE, noStoreHeaders } from "~/utils/cache-headers";
import { requireStaff } from "~/modules/auth/require-staff.server";
import { notCached } from "~/modules/cache/cache-policy";
import { readStaffForm, replyFailure, type ActionData } from "~/modules/staff/actions.server";
import { noStoreReply } from "~/utils/cache-headers";
import { allCountries } from "~/modules/countries";
import { getDb } from "~/modules/database/db.server";
import { getSignatory, listSectors } from "~/modules/directory/directory.server";
import { STATUS_INTENTS, type StatusIntent } from "~/modules/moderation/constants";
import { recentAuditOf } from "~/modules/moderation/audit-view.server";
import {
  changeSignatoryStatus,
  replaceSignatoryLogo,
  saveSignatory,
  SIGNATORY_NOT_FOUND,
  signatorySchema,
  statusSchema,
} from "~/modules/moderation/signatories.server";
import { csrfToken } from "~/modules/security/csrf.server";
import { logoFile, logoHashes, processLogo } from "~/modules/logos/logos.server";
import { logoPath } from "~/modules/logos/paths";
import { REASON_MAX, today } from "~/modules/staff/forms";
import { fieldErrors, type FieldErrors } from "~/utils/field-errors";
import { Field, SelectField, TextArea, TextField } from "~/components/form-fields";
import { FormAlert, StaffErrorBoundary, StaffFrame, formatDateTime } from "~/components/staff";
import { formatDate } from "~/utils/format";
import { getEnv } from "~/utils/env.server";
import staffStyles from "~/styles/staff.css?url";
import { errorTitle } from "~/utils/page-title";
import { ACCORD_LAUNCH } from "~/modules/accord";
import { SIGNATORY_EVENT_LABEL } from "~/modules/directory/events";
import { SECURITY_CONTACT_LABEL } from "~/components/security-contact";
import { publicEvidence, securityTxtHistory, staffRecheckSecurityTxt } from "~/modules/evidence/security-contact.server";

export const handle = notCached("staff page");

export const links: LinksFunction = () => [{ rel: "stylesheet", href: staffStyles }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: errorTitle(data, `${data ? `Edit ${data.signatory.name}` : "Signatory"} · Moderation · Accord Registry`) },
  { name: "robots", content: "noindex" },
];
export const headers = noStoreHeaders;
export const ErrorBoundary = StaffErrorBoundary;

const notFound = () =>
  new Response(SIGNATORY_NOT_FOUND, { status: 404, headers: { ...NO_STORE, "Content-Type": "text/plain; charset=utf-8" } });

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = await requireStaff(request, context);
  const db = getDb();
  const signatory = await getSignatory(db, params.slug ?? "");
  if (!signatory) throw notFound();
  const [sectors, audit, logos, evidence] = await Promise.all([
    listSectors(db),
    recentAuditOf(db, "signatory", signatory.slug),
    logoHashes(db, [signatory.slug]),
    publicEvidence(db, signatory.slug),
  ]);
  const row = await db.selectFrom("signatories").select("id").where("slug", "=", signatory.slug).executeTakeFirstOrThrow();
  const securityHistory = await securityTxtHistory(db, row.id);
  return json(
    {
      me: { name: me.name, email: me.email, role: me.role },
      csrf: csrfToken(context),
      today: today(),
      done: new URL(request.url).searchParams.get("done"),
      signatory,
      countries: allCountries(),
      sectors: sectors.map((s) => ({ value: s.code, label: s.name })),
      audit,
      logo: logos.has(signatory.slug) ? logoPath(signatory.slug, logos.get(signatory.slug)!) : null,
      securityContact: evidence.securityContact,
      securityHistory,
      securityIntervalHours: getEnv().SECURITY_TXT_INTERVAL_HOURS,
    },
    { headers: NO_STORE },
  );
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { me, form, fields, intent } = await readStaffForm(request, context);
  const db = getDb();
  const slug = params.slug ?? "";
  const by = { id: me.id, actor: me.actor };
  const self = `/moderation/signatories/${encodeURIComponent(slug)}`;

  if (intent === "save") {
    const sectors = (await listSectors(db)).map((s) => s.code);
    const parsed = signatorySchema(sectors).safeParse(fields);
    if (!parsed.success) return noStoreReply<ActionData>({ intent, errors: fieldErrors(parsed.error), values: fields }, 400);
    const saved = await saveSignatory(db, slug, parsed.data, by);
    if (!saved.ok) throw notFound();
    return redirect(`${self}?done=${saved.value.length > 0 ? "saved" : "unchanged"}`, { status: 303, headers: NO_STORE });
  }
  if (intent === "logo") {
    const file = logoFile(form);
    if (!file || file === "many") {
      return noStoreReply<ActionData>({ intent, errors: { logo: "Choose one PNG, JPEG or WebP file to upload." } }, 400);
    }
    const logo = await processLogo(file);
    if (!logo.ok) return replyFailure(intent, logo.error);
    const result = await replaceSignatoryLogo(db, slug, logo.value, by);
    if (!result.ok) throw notFound();
    return redirect(`${self}?done=logo`, { status: 303, headers: NO_STORE });
  }
  if (intent === "security_txt_check") {
    const result = await staffRecheckSecurityTxt(db, slug, me.actor);
    if (!result) throw notFound();
    return redirect(`${self}?done=security_txt#security-txt-heading`, { status: 303, headers: NO_STORE });
  }
  if (intent in STATUS_INTENTS) {
    const parsed = statusSchema.safeParse(fields);
    if (!parsed.success) return noStoreReply<ActionData>({ intent, errors: fieldErrors(parsed.error), values: fields }, 400);
    const result = await changeSignatoryStatus(db, slug, parsed.data, by);
    if (result.ok) return redirect(`${self}?done=${intent}`, { status: 303, headers: NO_STORE });
    if (result.error.kind === "not_found") throw notFound();
    return replyFailure(intent, result.error, fields);
  }
  return noStoreReply<ActionData>({ intent, message: "Choose what to do: save, withdraw, suspend or reinstate." }, 400);
}

const DONE: Record<string, string> = {
  saved: "Saved. The public page shows the change.",
  unchanged: "Nothing had changed; nothing was saved.",
  withdraw: "Withdrawn. The public page shows it, with the reason, in the history.",
  suspend: "Suspended. The public page shows it, with the reason, in the history.",
  reinstate: "Reinstated. The public page shows it, with the reason, in the history.",
  logo: "Logo replaced. The public pages and the API show the new one.",
  security_txt: "security.txt checked. The result is below, on the public page and in the API.",
};

const STATUS_ACTIONS: { intent: StatusIntent; label: string; explain: string }[] = [
  { intent: "withdraw", label: "Withdraw", explain: "The signatory has left the accord." },
  { intent: "suspend", label: "Suspend", explain: "The registry suspends the listing, for example while a complaint is examined." },
  { intent: "reinstate", label: "Reinstate", explain: "The signatory is active again." },
];

export default function EditSignatory() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const s = data.signatory;
  const errors: FieldErrors = answer?.intent === "save" ? (answer.errors ?? {}) : {};
  const value = (name: keyof typeof s & string, fallback: string) =>
    answer?.intent === "save" && answer.values ? (answer.values[name] ?? fallback) : fallback;
  const alertRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (answer?.message) alertRef.current?.focus();
  }, [answer]);
  const possible = STATUS_ACTIONS.filter((a) => (STATUS_INTENTS[a.intent].from as readonly string[]).includes(s.status));

  return (
    <StaffFrame me={data.me} csrf={data.csrf}>
      <p className="breadcrumb">
        <Link to="/moderation/signatories">Signatories</Link> <span aria-hidden="true">›</span> {s.name}
      </p>
      <header className="staff-header">
        <h1>{s.name}</h1>
        <p>
          <StatusBadge status={s.status} /> <Link to={`/signatories/${s.slug}`}>Public page</Link> · address{" "}
          <code>/signatories/{s.slug}</code> (never changes)
        </p>
      </header>
      {answer?.message ? (
        <div ref={alertRef} tabIndex={-1}>
          <FormAlert>{answer.message}</FormAlert>
        </div>
      ) : null}
      {!answer && data.done && DONE[data.done] ? <FormAlert tone="success">{DONE[data.done]}</FormAlert> : null}

      <section aria-labelledby="edit-heading">
        <h2 id="edit-heading">Facts</h2>
        {s.former_names ? <p className="muted">Formerly: {s.former_names}</p> : null}
        <Form method="post" className="staff-form staff-form-wide" noValidate>
          <CsrfField token={data.csrf} />
          <input type="hidden" name="intent" value="save" />
          <TextField
            name="name"
            label="Name"
            defaultValue={value("name", s.name)}
            error={errors.name}
            maxLength={120}
            required
            hint="A new name keeps the old one as a former name."
          />
          <TextField
            name="website"
            label="Website"
            type="url"
            defaultValue={value("website", s.website)}
            error={errors.website}
            maxLength={300}
            required
          />
          <SelectField
            name="country"
            label="Headquarters country"
            defaultValue={value("country", s.country)}
            error={errors.country}
            options={data.countries.map((c) => ({ value: c.code, label: c.name }))}
          />
          <SelectField name="sector" label="Sector" defaultValue={value("sector", s.sector)} error={errors.sector} options={data.sectors} />
          <TextArea
            name="description"
            label="Description"
            defaultValue={value("description", s.description)}
            error={errors.description}
            maxLength={1000}
            rows={5}
            required
          />
          <TextField
            name="joined_on"
            label="Joined on"
            type="date"
            defaultValue={value("joined_on", s.joined_on)}
            error={errors.joined_on}
            min={ACCORD_LAUNCH}
            max={data.today}
            required
          />
          <TextArea
            name="notes"
            label="Public note (optional)"
            defaultValue={value("notes", s.notes ?? "")}
            error={errors.notes}
            maxLength={2000}
            hint="Shown on the public page, e.g. about a rename or a merger."
          />
          <div className="form-actions">
            <button type="submit" className="button" disabled={busy}>
              Save changes
            </button>
          </div>
        </Form>
      </section>

      <section aria-labelledby="logo-heading">
        <h2 id="logo-heading">Logo</h2>
        <div className="staff-logo">
          {data.logo ? (
            <img src={data.logo} width={96} height={96} alt={`Current logo of ${s.name}`} />
          ) : (
            <p className="muted">No logo: the public pages show a monogram.</p>
          )}
        </div>
        <Form method="post" encType="multipart/form-data" className="staff-form" noValidate>
          <CsrfField token={data.csrf} />
          <input type="hidden" name="intent" value="logo" />
          <Field
            id="field-logo"
            name="logo"
            label={data.logo ? "Replace the logo" : "Add a logo"}
            hint="PNG, JPEG or WebP, at most 2 MiB. It is re-encoded; SVG is refused."
            error={answer?.intent === "logo" ? answer.errors?.logo : undefined}
          >
            {(control) => <input {...control} type="file" accept="image/png,image/jpeg,image/webp" />}
          </Field>
          <div className="form-actions">
            <button type="submit" className="button button-secondary" disabled={busy}>
              Upload the logo
            </button>
          </div>
        </Form>
      </section>

      <section aria-labelledby="status-heading">
        <h2 id="status-heading">Status</h2>
        <div className="decision-grid">
          {possible.map((a) => {
            const mine = answer?.intent === a.intent ? (answer.errors ?? {}) : {};
            return (
              <Form key={a.intent} method="post" className={`decision decision-${a.intent}`} noValidate>
                <h3>{a.label}</h3>
                <p>{a.explain}</p>
                <CsrfField token={data.csrf} />
                <input type="hidden" name="intent" value={a.intent} />
                <TextArea
                  name="reason"
                  id={`${a.intent}-reason`}
                  label="Reason"
                  hint="Shown in the public history."
                  maxLength={REASON_MAX}
                  error={mine.reason}
                  defaultValue={answer?.intent === a.intent ? answer.values?.reason : undefined}
                  required
                />
                <TextField
                  name="on"
                  id={`${a.intent}-on`}
                  label="Effective on"
                  type="date"
                  defaultValue={answer?.intent === a.intent ? (answer.values?.on ?? data.today) : data.today}
                  min={s.joined_on}
                  max={data.today}
                  error={mine.on}
                />
                <button type="submit" className={`button ${a.intent === "reinstate" ? "" : "button-danger"}`} disabled={busy}>
                  {a.label}
                </button>
              </Form>
            );
          })}
        </div>
      </section>

      <section aria-labelledby="security-txt-heading" data-security-txt={data.securityContact.status}>
        <h2 id="security-txt-heading">security.txt</h2>
        <p>
          Now: <strong>{SECURITY_CONTACT_LABEL[data.securityContact.status]}</strong>
          {data.securityContact.checked_at ? <> (checked {formatDateTime(data.securityContact.checked_at)})</> : null}
          {data.securityContact.expires ? <>; expires {formatDateTime(data.securityContact.expires)}</> : null}.{" "}
          {data.securityIntervalHours > 0
            ? `The background checks each active signatory every ${data.securityIntervalHours} hours.`
            : "Scheduled checks are off here (SECURITY_TXT_INTERVAL_HOURS=0)."}
        </p>
        <Form method="post" className="staff-form" noValidate>
          <CsrfField token={data.csrf} />
          <input type="hidden" name="intent" value="security_txt_check" />
          <div className="form-actions">
            <button type="submit" className="button button-secondary" disabled={busy}>
              Check security.txt now
            </button>
          </div>
        </Form>
        {data.securityHistory.length === 0 ? (
          <p>No check yet.</p>
        ) : (
          <table className="table">
            <caption>Last checks, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Checked</th>
                <th scope="col">Result</th>
                <th scope="col">What was found</th>
                <th scope="col">By</th>
              </tr>
            </thead>
            <tbody>
              {data.securityHistory.map((c, i) => (
                <tr key={i} data-check-status={c.status}>
                  <td>
                    <time dateTime={c.checked_at}>{formatDateTime(c.checked_at)}</time>
                  </td>
                  <td>{SECURITY_CONTACT_LABEL[c.status]}</td>
                  <td>
                    {c.detail}
                    {c.url ? (
                      <>
                        {" "}
                        at <code>{c.url}</code>
                      </>
                    ) : null}
                    {c.http_status ? ` (HTTP ${c.http_status})` : ""}
                  </td>
                  <td>{c.requested_by === "schedule" ? "schedule" : "staff"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="history-heading">
        <h2 id="history-heading">Public history</h2>
        <ol className="timeline">
          {s.events.map((e, i) => (
            <li key={i}>
              <time dateTime={e.occurred_on}>{formatDate(e.occurred_on)}</time>
              <span>
                {SIGNATORY_EVENT_LABEL[e.kind]}
                {e.pledge_title ? `: ${e.pledge_title}` : ""}
                {e.detail ? ` (${e.detail})` : ""}
              </span>
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="audit-heading">
        <h2 id="audit-heading">Recent staff actions</h2>
        {data.audit.length === 0 ? (
          <p>No staff action on this signatory yet.</p>
        ) : (
          <ul className="plain-list">
            {data.audit.map((e) => (
              <li key={e.id}>
                <time dateTime={e.at}>{formatDateTime(e.at)}</time>: <code>{e.action}</code> by {e.actor_label}
                {e.reason ? ` (${e.reason})` : ""}
              </li>
            ))}
          </ul>
        )}
        <p>
          <Link to={`/moderation/audit?${new URLSearchParams({ target: `signatory:${s.slug}` })}`}>
            All audit entries for this signatory
          </Link>
        </p>
      </section>
    </StaffFrame>
  );
}
