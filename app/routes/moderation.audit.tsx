import { json, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { verifyAuditChain } from "~/modules/audit/audit.server";
import { NO_STORE, noStoreHeaders } from "~/utils/cache-headers";
import { requireStaff } from "~/modules/auth/require-staff.server";
import { notCached } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { auditActors, listAudit } from "~/modules/moderation/audit-view.server";
import { AUDIT_ACTIONS } from "~/modules/moderation/constants";
import { csrfToken } from "~/modules/security/csrf.server";
import { SelectField, TextField } from "~/components/form-fields";
import { FormAlert, Pagination, StaffErrorBoundary, StaffFrame, formatDateTime } from "~/components/staff";
import { httpError } from "~/utils/http.server";
import staffStyles from "~/styles/staff.css?url";

export const handle = notCached("staff page");

export const links: LinksFunction = () => [{ rel: "stylesheet", href: staffStyles }];
export const meta: MetaFunction = () => [{ title: "Audit log · Moderation · Accord Registry" }, { name: "robots", content: "noindex" }];
export const headers = noStoreHeaders;
export const ErrorBoundary = StaffErrorBoundary;

const querySchema = z.object({
  actor: z.string().max(100, { error: "actor is too long" }).optional(),
  action: z.enum(AUDIT_ACTIONS, { error: "action is not one of the recorded actions" }).optional(),
  target: z.string().max(200, { error: "target is too long" }).optional(),
  page: z.coerce
    .number({ error: "page must be a whole number" })
    .int({ error: "page must be a whole number" })
    .min(1, { error: "page must be at least 1" })
    .max(100_000)
    .default(1),
  verify: z.literal("1", { error: "verify must be 1" }).optional(),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = await requireStaff(request, context);
  const url = new URL(request.url);
  const raw = Object.fromEntries(
    ["actor", "action", "target", "page", "verify"].map((k) => [k, url.searchParams.get(k)?.trim() || undefined]),
  );
  const parsed = querySchema.safeParse(raw);
  if (!parsed.success) throw httpError(400, `Invalid ${String(parsed.error.issues[0].path[0])}: ${parsed.error.issues[0].message}`);
  const filter = parsed.data;
  const db = getDb();
  const [list, actors, chain] = await Promise.all([
    listAudit(db, filter, me),
    auditActors(db),
    filter.verify ? verifyAuditChain(db) : Promise.resolve(null),
  ]);
  return json(
    {
      me: { name: me.name, email: me.email, role: me.role },
      csrf: csrfToken(context),
      filter: { actor: filter.actor ?? "", action: filter.action ?? "", target: filter.target ?? "" },
      actors,
      list,
      chain,
    },
    { headers: NO_STORE },
  );
}

function pretty(json: string | null): string {
  if (!json) return "";
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

export default function AuditLog() {
  const data = useLoaderData<typeof loader>();
  const { filter, list } = data;
  const params = (extra: Record<string, string>) =>
    `/moderation/audit?${new URLSearchParams(Object.fromEntries(Object.entries({ ...filter, ...extra }).filter(([, v]) => v !== "")))}`;
  const filtered = filter.actor || filter.action || filter.target;
  return (
    <StaffFrame me={data.me} csrf={data.csrf}>
      <h1>Audit log</h1>
      <p className="lead">
        Every staff action, newest first: who, what, on what, why and when. Each entry is chained to the one before it by a SHA-256 hash, so
        a changed or removed entry shows.
      </p>
      {data.chain ? (
        data.chain.ok ? (
          <FormAlert tone="success">The chain is intact: all {data.chain.count} entries verified.</FormAlert>
        ) : (
          <FormAlert>
            The chain is broken at entry #{data.chain.brokenId}: {data.chain.reason}. {data.chain.count} entries before it verified.
          </FormAlert>
        )
      ) : (
        <p>
          <Link to={params({ verify: "1" })}>Verify the whole chain now</Link>
        </p>
      )}
      <Form method="get" className="staff-search" aria-label="Filter the audit log">
        <SelectField
          name="actor"
          label="Who"
          defaultValue={filter.actor}
          options={[{ value: "", label: "Anyone" }, ...data.actors.map((a) => ({ value: a.actor, label: `${a.label} (${a.actor})` }))]}
        />
        <SelectField
          name="action"
          label="Action"
          defaultValue={filter.action}
          options={[{ value: "", label: "Any action" }, ...AUDIT_ACTIONS.map((a) => ({ value: a, label: a }))]}
        />
        <TextField
          name="target"
          label="Target"
          defaultValue={filter.target}
          maxLength={200}
          hint="application:REF, signatory:slug, staff:id, or just the reference"
        />
        <div className="form-actions">
          <button type="submit" className="button">
            Filter
          </button>
          {filtered ? <Link to="/moderation/audit">Clear filters</Link> : null}
        </div>
      </Form>
      <p className="result-count" role="status">
        {list.total === 1 ? "1 entry" : `${list.total} entries`}
      </p>
      {list.rows.length > 0 ? (
        <div className="table-scroll">
          <table className="table staff-table audit-table">
            <caption className="visually-hidden">Audit entries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Why and what changed</th>
              </tr>
            </thead>
            <tbody>
              {list.rows.map((e) => (
                <tr key={e.id}>
                  <td>{e.id}</td>
                  <td>
                    <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                  </td>
                  <td>
                    {e.actor_label}
                    {e.ip ? <span className="muted staff-domain">{e.ip}</span> : null}
                  </td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>
                    {e.hidden ? (
                      <>
                        {e.target_type}: <em className="muted">{e.target_id}</em>
                      </>
                    ) : (
                      <Link to={params({ target: `${e.target_type}:${e.target_id}`, page: "" })}>
                        {e.target_type}:{e.target_id}
                      </Link>
                    )}
                  </td>
                  <td>
                    {e.reason ? <p className="audit-reason">{e.reason}</p> : null}
                    {e.personalText ? <p className="audit-reason">{e.personalText}</p> : null}
                    {e.personalErasedAt ? (
                      <p className="muted">
                        Its text was erased with the applicant&apos;s personal data on{" "}
                        <time dateTime={e.personalErasedAt}>{formatDateTime(e.personalErasedAt)}</time>.
                      </p>
                    ) : null}
                    {e.before_json || e.after_json ? (
                      <details>
                        <summary>Before and after</summary>
                        <div className="audit-diff">
                          {e.before_json ? (
                            <div>
                              <p className="muted">Before</p>
                              <pre>{pretty(e.before_json)}</pre>
                            </div>
                          ) : null}
                          {e.after_json ? (
                            <div>
                              <p className="muted">After</p>
                              <pre>{pretty(e.after_json)}</pre>
                            </div>
                          ) : null}
                        </div>
                      </details>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Pagination page={list.page} pages={list.pages} href={(p) => params({ page: String(p) })} />
    </StaffFrame>
  );
}
