import type { LinksFunction, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { cacheable } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { transparencyFigures } from "~/modules/opendata/stats.server";
import stylesheet from "~/styles/opendata.css?url";
import { canonical } from "~/utils/canonical";

// Cached for anonymous visitors (cache-policy.ts); it reads no query parameter.
export const handle = cacheable();

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesheet }];

export const meta: MetaFunction = ({ matches }) => [
  { title: "Transparency · Accord Registry" },
  {
    name: "description",
    content:
      "How the registry handles applications to join the Cybersecurity Tech Accord: received, approved, rejected, and how long a decision takes.",
  },
  ...canonical(matches, "/transparency"),
];

export async function loader() {
  return transparencyFigures(getDb());
}

/** Days with one decimal; a dash (read out as "no decision") when nothing was decided. */
function Days({ value }: { value: number | null }) {
  if (value === null) {
    return (
      <>
        <span aria-hidden="true">–</span>
        <span className="visually-hidden">no decision</span>
      </>
    );
  }
  return <>{value.toLocaleString("en-GB", { minimumFractionDigits: 1, maximumFractionDigits: 1 })}</>;
}

export default function Transparency() {
  const { quarters, total, open } = useLoaderData<typeof loader>();
  return (
    <div className="transparency-page">
      <h1>Transparency</h1>
      <p className="lead">
        How the registry handles applications to join the accord: how many arrive, how many are approved or rejected, and how long a
        decision takes. Counts and durations only: no applicant is named here.
      </p>

      <ul className="stat-cards" aria-label="Since the registry opened">
        <li>
          <strong>{total.received.toLocaleString("en-GB")}</strong> applications received
        </li>
        <li>
          <strong>{total.approved.toLocaleString("en-GB")}</strong> approved
        </li>
        <li>
          <strong>{total.rejected.toLocaleString("en-GB")}</strong> rejected
        </li>
        <li>
          <strong>
            <Days value={total.medianDays} />
          </strong>{" "}
          median days to a decision
        </li>
        <li>
          <strong>{open.toLocaleString("en-GB")}</strong> waiting for a decision now
        </li>
      </ul>

      <section aria-labelledby="quarters-title">
        <h2 id="quarters-title">By quarter</h2>
        {quarters.length === 0 ? (
          <p>No application has reached the moderators yet.</p>
        ) : (
          <>
            <p className="scroll-hint" id="quarters-hint">
              Scroll the table sideways to see every column.
            </p>
            <div
              className="table-scroll"
              role="region"
              aria-label="Table of applications by quarter"
              aria-describedby="quarters-hint"
              tabIndex={0}
            >
              <table className="table data-table">
                <caption>Applications by quarter, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Quarter</th>
                    <th scope="col" className="num">
                      Received
                    </th>
                    <th scope="col" className="num">
                      Approved
                    </th>
                    <th scope="col" className="num">
                      Rejected
                    </th>
                    <th scope="col" className="num">
                      Withdrawn
                    </th>
                    <th scope="col" className="num">
                      Median days to decision
                    </th>
                    <th scope="col" className="num">
                      90th percentile days
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {quarters.map((q) => (
                    <tr key={q.quarter}>
                      <th scope="row">{q.quarter.replace("-", " ")}</th>
                      <td className="num">{q.received}</td>
                      <td className="num">{q.approved}</td>
                      <td className="num">{q.rejected}</td>
                      <td className="num">{q.withdrawn}</td>
                      <td className="num">
                        <Days value={q.medianDays} />
                      </td>
                      <td className="num">
                        <Days value={q.p90Days} />
                      </td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row">All quarters</th>
                    <td className="num">{total.received}</td>
                    <td className="num">{total.approved}</td>
                    <td className="num">{total.rejected}</td>
                    <td className="num">{total.withdrawn}</td>
                    <td className="num">
                      <Days value={total.medianDays} />
                    </td>
                    <td className="num">
                      <Days value={total.p90Days} />
                    </td>
                  </tr>
                </tfoot>
              </table>
            </div>
          </>
        )}
      </section>

      <section aria-labelledby="definitions-title">
        <h2 id="definitions-title">How these are counted</h2>
        <dl className="definitions">
          <dt>Received</dt>
          <dd>
            Applications whose contact confirmed their e-mail address, so that they reached the moderators, counted in the quarter they were
            submitted. Submissions never confirmed are not counted.
          </dd>
          <dt>Approved, rejected, withdrawn</dt>
          <dd>Counted in the quarter of the decision, or of the applicant's withdrawal.</dd>
          <dt>Days to decision</dt>
          <dd>
            From submission to approval or rejection, in days (time waiting for an applicant's changes included). The median is the middle
            value; the 90th percentile is the time within which nine decisions in ten were made.
          </dd>
        </dl>
        <p>
          <Link to="/apply">Apply to join</Link> · <Link to="/stats">Statistics of the registry</Link>
        </p>
      </section>
    </div>
  );
}
