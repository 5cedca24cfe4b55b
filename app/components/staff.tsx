// Presentational pieces shared by the staff pages: the staff navigation, the form alert,
// dates and ages, status badges, paging and the error page. Form fields are the site's
// own (form-fields.tsx). No data access here.
import type { ApplicationStatus } from "../../db/schema";
import { APPLICATION_STATUS_LABEL } from "~/modules/applications/status";
import { Form, Link, NavLink } from "@remix-run/react";
import type { ReactNode } from "react";
import { CsrfField } from "./csrf-field";
import { ErrorPage } from "./error-page";

export interface Me {
  name: string;
  email: string;
  role: "admin" | "moderator";
}

export function StaffFrame({ me, csrf, children }: { me: Me; csrf: string; children: ReactNode }) {
  const links = [
    { to: "/moderation", label: "Queue", end: true },
    { to: "/moderation/signatories", label: "Signatories", end: false },
    { to: "/moderation/security-txt", label: "security.txt", end: false },
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
  return <ErrorPage area="staff" />;
}
