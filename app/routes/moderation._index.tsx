import { json, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { notCached } from "~/modules/cache/cache-policy";
import { countryName } from "~/modules/countries";
import { NO_STORE, noStoreHeaders } from "~/utils/cache-headers";
import { requireStaff } from "~/modules/auth/require-staff.server";
import { getDb } from "~/modules/database/db.server";
import { QUEUE_FILTERS, type QueueFilter } from "~/modules/moderation/constants";
import { countApplicationsByStatus, listApplications } from "~/modules/moderation/queue.server";
import { csrfToken } from "~/modules/security/csrf.server";
import { ApplicationStatusBadge, StaffErrorBoundary, StaffFrame, Pagination, ageText, formatDateTime } from "~/components/staff";
import { httpError } from "~/utils/http.server";
import staffStyles from "~/styles/staff.css?url";

export const handle = notCached("staff page");

export const links: LinksFunction = () => [{ rel: "stylesheet", href: staffStyles }];
export const meta: MetaFunction = () => [{ title: "Moderation queue · Accord Registry" }, { name: "robots", content: "noindex" }];
export const headers = noStoreHeaders;
export const ErrorBoundary = StaffErrorBoundary;

const querySchema = z.object({
  status: z.enum(QUEUE_FILTERS, { error: `status must be one of: ${QUEUE_FILTERS.join(", ")}` }).default("open"),
  page: z.coerce
    .number({ error: "page must be a whole number" })
    .int({ error: "page must be a whole number" })
    .min(1, { error: "page must be at least 1" })
    .max(100_000)
    .default(1),
});

const FILTER_LABEL: Record<QueueFilter, string> = {
  open: "Open",
  pending: "Pending",
  changes_requested: "Changes requested",
  unverified: "Unverified",
  approved: "Approved",
  rejected: "Rejected",
  withdrawn: "Withdrawn",
  all: "All",
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = await requireStaff(request, context);
  const url = new URL(request.url);
  const parsed = querySchema.safeParse({
    status: url.searchParams.get("status") || undefined,
    page: url.searchParams.get("page") || undefined,
  });
  if (!parsed.success) throw httpError(400, `Invalid ${String(parsed.error.issues[0].path[0])}: ${parsed.error.issues[0].message}`);
  const { status, page } = parsed.data;
  const db = getDb();
  const [list, counts] = await Promise.all([listApplications(db, status, page), countApplicationsByStatus(db)]);
  const now = Date.now();
  return json(
    {
      me: { name: me.name, email: me.email, role: me.role },
      csrf: csrfToken(context),
      status,
      counts: { ...counts, open: counts.pending + counts.changes_requested, all: Object.values(counts).reduce((a, b) => a + b, 0) },
      list: {
        ...list,
        rows: list.rows.map((r) => ({
          ...r,
          country_name: countryName(r.country),
          since: r.verified_at ?? r.created_at,
          // Only what still waits has an age; a decided application shows when it was decided.
          age:
            r.status === "approved" || r.status === "rejected" || r.status === "withdrawn"
              ? null
              : ageText(r.verified_at ?? r.created_at, now),
        })),
      },
    },
    { headers: NO_STORE },
  );
}

export default function Queue() {
  const { me, csrf, status, counts, list } = useLoaderData<typeof loader>();
  const href = (s: QueueFilter, page = 1) =>
    `/moderation?${new URLSearchParams({ ...(s === "open" ? {} : { status: s }), ...(page > 1 ? { page: String(page) } : {}) })}`;
  return (
    <StaffFrame me={me} csrf={csrf}>
      <h1>Moderation queue</h1>
      <p className="lead">
        Applications waiting for a decision, oldest first. An application enters the queue when its contact has verified their e-mail
        address.
      </p>
      <nav aria-label="Filter by status">
        <ul className="staff-tabs">
          {QUEUE_FILTERS.map((f) => (
            <li key={f}>
              <Link to={href(f)} aria-current={f === status ? "page" : undefined}>
                {FILTER_LABEL[f]} <span className="count">({counts[f]})</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <section aria-labelledby="queue-heading">
        <h2 id="queue-heading" className="visually-hidden">
          {FILTER_LABEL[status]} applications
        </h2>
        <p className="result-count" role="status">
          {list.total === 0
            ? status === "open"
              ? "Nothing is waiting: the queue is empty."
              : "No application has this status."
            : `${list.total} ${list.total === 1 ? "application" : "applications"}`}
        </p>
        {list.rows.length > 0 ? (
          <div className="table-scroll">
            <table className="table staff-table stacked">
              <caption className="visually-hidden">{FILTER_LABEL[status]} applications, oldest first</caption>
              <thead>
                <tr>
                  <th scope="col">Organisation</th>
                  <th scope="col">Reference</th>
                  <th scope="col">Country</th>
                  <th scope="col">Status</th>
                  <th scope="col">{status === "unverified" ? "Submitted" : "In the queue since"}</th>
                  <th scope="col">Waiting</th>
                </tr>
              </thead>
              <tbody>
                {list.rows.map((r) => (
                  <tr key={r.ref}>
                    <th scope="row">
                      <Link to={`/moderation/applications/${r.ref}`}>{r.name}</Link>
                      <span className="muted staff-domain">{r.domain}</span>
                    </th>
                    <td data-label="Reference">
                      <code>{r.ref}</code>
                    </td>
                    <td data-label="Country">{r.country_name}</td>
                    <td data-label="Status">
                      <ApplicationStatusBadge status={r.status} />
                    </td>
                    <td data-label={status === "unverified" ? "Submitted" : "In the queue since"}>
                      <time dateTime={r.since}>{formatDateTime(r.since)}</time>
                    </td>
                    <td data-label={r.age ? "Waiting" : "Outcome"}>
                      {r.age ?? (r.decided_at ? `Decided ${formatDateTime(r.decided_at)}` : "—")}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        <Pagination page={list.page} pages={list.pages} href={(p) => href(status, p)} />
      </section>
    </StaffFrame>
  );
}
