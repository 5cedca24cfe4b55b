// Staff: signatories whose security.txt expires within 30 days or has expired (issue 18,
// docs/decisions/024), soonest first, with when each was last checked and whether a
// reminder went to its contact (SECURITY_TXT_REMINDERS=1).
import { json, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { SECURITY_CONTACT_LABEL } from "~/components/security-contact";
import { StaffErrorBoundary, StaffFrame, formatDateTime } from "~/components/staff";
import { requireStaff } from "~/modules/auth/require-staff.server";
import { notCached } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { expiringSecurityTxt, EXPIRING_DAYS, statusAsOf, UNCHECKED } from "~/modules/evidence/security-contact.server";
import { csrfToken } from "~/modules/security/csrf.server";
import { NO_STORE, noStoreHeaders } from "~/utils/cache-headers";
import { getEnv } from "~/utils/env.server";
import staffStyles from "~/styles/staff.css?url";

export const handle = notCached("staff page");

export const links: LinksFunction = () => [{ rel: "stylesheet", href: staffStyles }];
export const meta: MetaFunction = () => [
  { title: "Expiring security.txt · Moderation · Accord Registry" },
  { name: "robots", content: "noindex" },
];
export const headers = noStoreHeaders;
export const ErrorBoundary = StaffErrorBoundary;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = await requireStaff(request, context);
  const now = new Date();
  const rows = await expiringSecurityTxt(getDb(), EXPIRING_DAYS, now);
  return json(
    {
      me: { name: me.name, email: me.email, role: me.role },
      csrf: csrfToken(context),
      days: EXPIRING_DAYS,
      reminders: getEnv().SECURITY_TXT_REMINDERS,
      rows: rows.map((r) => ({
        slug: r.slug,
        name: r.name,
        status: statusAsOf({ ...UNCHECKED, status: r.status, expires: r.expires }, now).status,
        expires: r.expires!,
        daysLeft: Math.ceil((Date.parse(r.expires!) - now.getTime()) / 86_400_000),
        checked_at: r.checked_at,
        reminded_at: r.reminded_at,
      })),
    },
    { headers: NO_STORE },
  );
}

export default function ExpiringSecurityTxt() {
  const data = useLoaderData<typeof loader>();
  return (
    <StaffFrame me={data.me} csrf={data.csrf}>
      <h1>Expiring security.txt</h1>
      <p className="lead">
        Active signatories whose security.txt expires within {data.days} days or has expired, soonest first. A file past its Expires date no
        longer counts as a published security contact.{" "}
        {data.reminders
          ? "A reminder goes to the contact on record 14 days before the date (once per date)."
          : "Reminders to the signatories are off (SECURITY_TXT_REMINDERS)."}
      </p>
      {data.rows.length === 0 ? (
        <p data-expiring="none">No security.txt expires within {data.days} days.</p>
      ) : (
        <table className="table" data-expiring={data.rows.length}>
          <caption className="visually-hidden">Signatories whose security.txt expires soon or has expired</caption>
          <thead>
            <tr>
              <th scope="col">Signatory</th>
              <th scope="col">Now</th>
              <th scope="col">Expires</th>
              <th scope="col">Last checked</th>
              <th scope="col">Reminder sent</th>
            </tr>
          </thead>
          <tbody>
            {data.rows.map((r) => (
              <tr key={r.slug} data-slug={r.slug}>
                <th scope="row">
                  <Link to={`/moderation/signatories/${r.slug}#security-txt-heading`}>{r.name}</Link>
                </th>
                <td>{SECURITY_CONTACT_LABEL[r.status]}</td>
                <td>
                  <time dateTime={r.expires}>{formatDateTime(r.expires)}</time>{" "}
                  {r.daysLeft > 0 ? `(in ${r.daysLeft} day${r.daysLeft === 1 ? "" : "s"})` : "(passed)"}
                </td>
                <td>{formatDateTime(r.checked_at)}</td>
                <td>{r.reminded_at ? formatDateTime(r.reminded_at) : "no"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </StaffFrame>
  );
}
