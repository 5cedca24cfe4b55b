import { json, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { StatusBadge } from "~/components/status-badge";
import { NO_STORE, noStoreHeaders } from "~/utils/cache-headers";
import { requireStaff } from "~/modules/auth/require-staff.server";
import { notCached } from "~/modules/cache/cache-policy";
import { countryName } from "~/modules/countries";
import { getDb } from "~/modules/database/db.server";
import { listForManagement } from "~/modules/moderation/signatories.server";
import { csrfToken } from "~/modules/security/csrf.server";
import { SelectField, TextField } from "~/components/form-fields";
import { Pagination, StaffErrorBoundary, StaffFrame } from "~/components/staff";
import { formatDate } from "~/utils/format";
import { httpError } from "~/utils/http.server";
import staffStyles from "~/styles/staff.css?url";

export const handle = notCached("staff page");

export const links: LinksFunction = () => [{ rel: "stylesheet", href: staffStyles }];
export const meta: MetaFunction = () => [{ title: "Manage signatories · Accord Registry" }, { name: "robots", content: "noindex" }];
export const headers = noStoreHeaders;
export const ErrorBoundary = StaffErrorBoundary;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = await requireStaff(request, context);
  const url = new URL(request.url);
  const found = await listForManagement(getDb(), url);
  if (!found.ok) throw httpError(400, `Invalid ${found.param}: ${found.message}`);
  return json(
    {
      me: { name: me.name, email: me.email, role: me.role },
      csrf: csrfToken(context),
      q: found.query.q ?? "",
      status: found.query.status,
      total: found.result.total,
      page: found.result.page,
      pages: found.result.pages,
      rows: found.result.items.map((s) => ({
        slug: s.slug,
        name: s.name,
        country_name: countryName(s.country),
        status: s.status,
        joined_on: s.joined_on,
        founding: s.founding,
      })),
    },
    { headers: NO_STORE },
  );
}

export default function ManageSignatories() {
  const data = useLoaderData<typeof loader>();
  const href = (page: number) =>
    `/moderation/signatories?${new URLSearchParams({ ...(data.q ? { q: data.q } : {}), status: data.status, page: String(page) })}`;
  return (
    <StaffFrame me={data.me} csrf={data.csrf}>
      <h1>Signatories</h1>
      <p className="lead">Find a signatory to correct its facts, or to withdraw, suspend or reinstate it.</p>
      <Form method="get" className="staff-search" role="search" aria-label="Signatories">
        <TextField name="q" label="Name, website or description" type="search" defaultValue={data.q} maxLength={200} />
        <SelectField
          name="status"
          label="Status"
          defaultValue={data.status}
          options={[
            { value: "all", label: "Any status" },
            { value: "active", label: "Active" },
            { value: "suspended", label: "Suspended" },
            { value: "withdrawn", label: "Withdrawn" },
          ]}
        />
        <div className="form-actions">
          <button type="submit" className="button">
            Search
          </button>
        </div>
      </Form>
      <p className="result-count" role="status">
        {data.total === 1 ? "1 signatory" : `${data.total} signatories`}
      </p>
      {data.rows.length > 0 ? (
        <div className="table-scroll">
          <table className="table staff-table stacked">
            <caption className="visually-hidden">Signatories, by name</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Country</th>
                <th scope="col">Joined</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {data.rows.map((s) => (
                <tr key={s.slug}>
                  <th scope="row">
                    <Link to={`/moderation/signatories/${s.slug}`}>{s.name}</Link>
                    {s.founding ? <span className="muted staff-domain">founding</span> : null}
                  </th>
                  <td data-label="Country">{s.country_name}</td>
                  <td data-label="Joined">
                    <time dateTime={s.joined_on}>{formatDate(s.joined_on)}</time>
                  </td>
                  <td data-label="Status">
                    <StatusBadge status={s.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pagination page={data.page} pages={data.pages} href={href} />
    </StaffFrame>
  );
}
