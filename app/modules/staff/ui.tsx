// Presentational pieces shared by the staff pages: the staff navigation, form fields that
// wire labels, aria-invalid and aria-describedby once, dates and ages, status badges and
// the error page. No data access here.
import type { ApplicationStatus } from "../../../db/schema";
import { APPLICATION_STATUS_LABEL } from "~/modules/applications/status";
import { Form, Link, NavLink, isRouteErrorResponse, useRouteError } from "@remix-run/react";
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { CsrfField } from "~/components/csrf-field";

export interface Me {
  name: string;
  email: string;
  role: "admin" | "moderator";
}

export function StaffFrame({ me, csrf, children }: { me: Me; csrf: string; children: ReactNode }) {
  const links = [
    { to: "/moderation", label: "Queue", end: true },
    { to: "/moderation/signatories", label: "Signatories", end: false },
    { to: "/moderation/audit", label: "Audit log", end: false },
    ...(me.role === "admin" ? [{ to: "/admin/users", label: "Staff accounts", end: false }] : []),
    { to: "/account", label: "Your account", end: false },
  ];
  return (
    <div className="staff">
      <div className="staff-bar">
        <nav aria-label="Staff">
          <ul className="staff-nav">
            {links.map((l) => (
              <li key={l.to}>
                <NavLink to={l.to} end={l.end}>
                  {l.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="staff-user">
          <span>
            {me.name} <span className="staff-role">({me.role === "admin" ? "administrator" : "moderator"})</span>
          </span>
          <Form method="post" action="/logout" reloadDocument>
            <CsrfField token={csrf} />
            <button type="submit" className="button button-quiet">
              Sign out
            </button>
          </Form>
        </div>
      </div>
      {children}
    </div>
  );
}

type FieldProps = { name: string; label: string; error?: string; hint?: ReactNode };

function describedBy(name: string, error?: string, hint?: ReactNode) {
  return [hint ? `${name}-hint` : null, error ? `${name}-error` : null].filter(Boolean).join(" ") || undefined;
}

function FieldText({ name, error, hint }: Pick<FieldProps, "name" | "error" | "hint">) {
  return (
    <>
      {hint ? (
        <p id={`${name}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${name}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </>
  );
}

export function TextField({ name, label, error, hint, id, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const fieldId = id ?? `field-${name}`;
  return (
    <div className="field">
      <label htmlFor={fieldId}>{label}</label>
      <FieldText name={fieldId} error={error} hint={hint} />
      <input
        id={fieldId}
        name={name}
        type="text"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(fieldId, error, hint)}
        {...input}
      />
    </div>
  );
}

export function TextArea({ name, label, error, hint, id, ...input }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const fieldId = id ?? `field-${name}`;
  return (
    <div className="field">
      <label htmlFor={fieldId}>{label}</label>
      <FieldText name={fieldId} error={error} hint={hint} />
      <textarea
        id={fieldId}
        name={name}
        rows={4}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(fieldId, error, hint)}
        {...input}
      />
    </div>
  );
}

export function SelectField({
  name,
  label,
  error,
  hint,
  id,
  options,
  ...select
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement> & { options: { value: string; label: string }[] }) {
  const fieldId = id ?? `field-${name}`;
  return (
    <div className="field">
      <label htmlFor={fieldId}>{label}</label>
      <FieldText name={fieldId} error={error} hint={hint} />
      <select
        id={fieldId}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(fieldId, error, hint)}
        {...select}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A message about the whole form (a refusal, a conflict): announced when it appears. */
export function FormAlert({ children, tone = "error" }: { children: ReactNode; tone?: "error" | "success" | "info" }) {
  return (
    <div className={`staff-alert staff-alert-${tone}`} role={tone === "error" ? "alert" : "status"}>
      {children}
    </div>
  );
}

const dateTime = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
});

/** "17 Apr 2024, 14:03 UTC" (fixed locale and zone: the same on server and browser). */
export function formatDateTime(iso: string | null): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${dateTime.format(date)} UTC`;
}

/** How long ago, roughly: "3 days", "5 hours", "12 minutes". */
export function ageText(iso: string, now: number): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
  if (minutes < 60) return minutes === 1 ? "1 minute" : `${minutes} minutes`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return hours === 1 ? "1 hour" : `${hours} hours`;
  const days = Math.floor(hours / 24);
  return `${days} days`;
}

export function ApplicationStatusBadge({ status }: { status: ApplicationStatus }) {
  return <span className={`badge badge-app badge-app-${status}`}>{APPLICATION_STATUS_LABEL[status]}</span>;
}

export function Pagination({ page, pages, href }: { page: number; pages: number; href: (page: number) => string }) {
  if (pages <= 1) return null;
  return (
    <nav className="pagination" aria-label="Pages">
      {page > 1 ? <Link to={href(page - 1)}>← Previous page</Link> : <span />}
      <span>
        Page {page} of {pages}
      </span>
      {page < pages ? <Link to={href(page + 1)}>Next page →</Link> : <span />}
    </nav>
  );
}

/** Error page for staff routes (so their own no-store headers apply to it too). */
export function StaffErrorBoundary() {
  const error = useRouteError();
  let title = "Something went wrong";
  let message = "This page could not be shown. Please try again in a moment.";
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) {
      title = "Not found";
      message = typeof error.data === "string" && error.data ? error.data : "There is nothing at this address.";
    } else if (error.status === 403) {
      title = "Not allowed";
      message = typeof error.data === "string" && error.data ? error.data : "Your account cannot open this page.";
    } else if (error.status < 500) {
      title = error.status === 400 ? "This request cannot be answered" : `Error ${error.status}`;
      message = typeof error.data === "string" ? error.data : error.statusText;
    }
  }
  return (
    <section className="error-page" aria-labelledby="error-title">
      <h1 id="error-title">{title}</h1>
      <p className="error-message">{message}</p>
      <p>
        <Link to="/moderation">Go to the moderation queue</Link> or <Link to="/">the public registry</Link>.
      </p>
    </section>
  );
}
