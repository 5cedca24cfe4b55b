import type { LinksFunction, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CoverageNote } from "~/components/coverage";
import { CopyButton } from "~/components/provenance";
import { cacheable } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { institution } from "~/modules/institution.server";
import { fieldDictionary, lastDataChange } from "~/modules/opendata/dictionary.server";
import { getCoverage, summariseCoverage } from "~/modules/provenance/coverage.server";
import { publisherName } from "~/modules/provenance/cite";
import stylesheet from "~/styles/opendata.css?url";
import { canonical } from "~/utils/canonical";
import { publicUrl } from "~/utils/env.server";
import { formatDate } from "~/utils/format";

// Cached for anonymous visitors (cache-policy.ts): it reads no query parameter, and the
// cache keys its entries by the data version, whose time the page shows.
export const handle = cacheable();

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesheet }];

export const meta: MetaFunction = ({ matches }) => [
  { title: "Open data · Accord Registry" },
  {
    name: "description",
    content:
      "The signatories of the Cybersecurity Tech Accord as open data: licence, field dictionary, JSON API, CSV and Atom feed with example requests, when the data last changed, and how to cite it.",
  },
  ...canonical(matches, "/open-data"),
];

export async function loader() {
  const db = getDb();
  const [coverage, changedAt] = await Promise.all([getCoverage(db), lastDataChange(db)]);
  const { operator, contactEmail, licence } = institution();
  const today = new Date().toISOString().slice(0, 10);
  const base = publicUrl("");
  const example = (title: string, path: string, command?: string) => ({
    title,
    url: `${base}${path}`,
    command: command ?? `curl -s '${base}${path}'`,
  });
  return {
    operator,
    contactEmail,
    licence,
    changedAt,
    coverage: summariseCoverage(coverage),
    dictionary: fieldDictionary(),
    formats: [
      {
        name: "JSON API",
        type: "application/json",
        path: "/api/v1/signatories",
        about: "The directory, a page at a time, with the same filters.",
      },
      {
        name: "OpenAPI 3.1",
        type: "application/json",
        path: "/api/v1/openapi.json",
        about: "The API's description, for generating clients.",
      },
      { name: "CSV", type: "text/csv", path: "/signatories.csv?status=all", about: "Every signatory, whatever its status, in one file." },
      { name: "Atom feed", type: "application/atom+xml", path: "/feed.xml", about: "The latest joins and withdrawals." },
      {
        name: "Coverage",
        type: "application/json",
        path: "/api/v1/coverage",
        about: "The registry's count beside the accord's published counts.",
      },
      { name: "Statistics", type: "application/json", path: "/api/v1/stats", about: "Totals, joins per year, countries and sectors." },
      { name: "Pledges", type: "application/json", path: "/api/v1/pledges", about: "The principles and later commitments." },
    ],
    examples: [
      example("Finnish signatories, as JSON", "/api/v1/signatories?country=FI"),
      example("Later joiners in cybersecurity, newest first", "/api/v1/signatories?sector=security&founding=0&sort=-joined"),
      example("One signatory, with its sources", "/api/v1/signatories/panda-security"),
      example(
        "Every signatory as CSV, to a file",
        "/signatories.csv?status=all",
        `curl -o accord-signatories.csv '${base}/signatories.csv?status=all'`,
      ),
      example(
        "Only if it changed since you last asked (ETag)",
        "/api/v1/stats",
        `curl -s -D - -o /dev/null -H 'If-None-Match: "ETAG-YOU-RECEIVED"' '${base}/api/v1/stats'`,
      ),
    ],
    citation:
      `${publisherName(operator)}. Signatories of the Cybersecurity Tech Accord (all statuses), CSV export. ` +
      `${base}/signatories.csv?status=all (retrieved ${formatDate(today)}).`,
  };
}

export default function OpenData() {
  const data = useLoaderData<typeof loader>();
  const { licence, dictionary } = data;
  return (
    <article className="open-data">
      <p className="breadcrumb">Data set</p>
      <h1>Signatories of the Cybersecurity Tech Accord</h1>
      <p className="lead">
        Every company this registry records as having signed the accord: name, website, headquarters country, sector, joining date and its
        precision, status, pledges and their dates, and the sources behind each record. Free to reuse, no key or sign-in needed.
      </p>

      <dl className="summary-list">
        <div>
          <dt>Published by</dt>
          <dd>
            {data.operator} (<a href={`mailto:${data.contactEmail}`}>{data.contactEmail}</a>)
          </dd>
        </div>
        <div>
          <dt>Last changed</dt>
          <dd>
            {data.changedAt ? (
              <time dateTime={data.changedAt}>
                {formatDate(data.changedAt.slice(0, 10))}, {data.changedAt.slice(11, 16)} UTC
              </time>
            ) : (
              "not recorded"
            )}
          </dd>
        </div>
        <div>
          <dt>Licence</dt>
          <dd>
            <a href={licence.url} rel="license noopener noreferrer external">
              {licence.name}
            </a>{" "}
            ({licence.id}).{" "}
            {licence.attribution ? "Reuse it freely, saying where it comes from (see how to cite, below)." : "Reuse it freely."}
          </dd>
        </div>
        <div>
          <dt>Coverage</dt>
          <dd>
            <CoverageNote coverage={data.coverage} />
          </dd>
        </div>
        <div>
          <dt>Method</dt>
          <dd>
            How records get in and what their sources prove: <Link to="/methodology">methodology</Link>.
          </dd>
        </div>
      </dl>

      <section aria-labelledby="formats-heading">
        <h2 id="formats-heading">Data links</h2>
        <div className="table-scroll" role="region" aria-label={"The formats the data comes in"} tabIndex={0}>
          <table className="table data-table">
            <caption className="visually-hidden">The formats the data comes in</caption>
            <thead>
              <tr>
                <th scope="col">Format</th>
                <th scope="col">Address</th>
                <th scope="col">What</th>
              </tr>
            </thead>
            <tbody>
              {data.formats.map((f) => (
                <tr key={f.path}>
                  <th scope="row">
                    {f.name} <span className="muted">({f.type})</span>
                  </th>
                  <td>
                    <a href={f.path}>
                      <code>{f.path}</code>
                    </a>
                  </td>
                  <td>{f.about}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p>
          The directory&apos;s filters work on the API and the CSV alike: <code>q</code>, <code>country</code>, <code>sector</code>,{" "}
          <code>pledge</code>, <code>joined</code>, <code>founding</code>, <code>status</code>, <code>sort</code>, and for the API{" "}
          <code>page</code> and <code>per_page</code> (whole numbers, at most 100 a page). Every page of the{" "}
          <Link to="/signatories">directory</Link> offers its own results as CSV and JSON.
        </p>
      </section>

      <section aria-labelledby="examples-heading">
        <h2 id="examples-heading">Example requests</h2>
        {data.examples.map((e) => (
          <div key={e.title}>
            <h3>{e.title}</h3>
            <pre className="example">
              <code>{e.command}</code>
            </pre>
            <CopyButton text={e.command} label="Copy the request" />
          </div>
        ))}
        <p>
          Answers carry an <code>ETag</code>; send it back in <code>If-None-Match</code> and an unchanged answer is a 304 without a body.
          Every route allows any origin (CORS).
        </p>
      </section>

      <section aria-labelledby="fields-heading">
        <h2 id="fields-heading">Fields</h2>
        <p>
          Generated from the same schemas as the API and its <a href="/api/v1/openapi.json">OpenAPI document</a>.
        </p>
        <FieldTable caption="A signatory in the JSON API" rows={dictionary.signatory} />
        <FieldTable caption="The CSV's columns, in order" rows={dictionary.csv} />
        <p>
          In the CSV a cell that would start with <code>=</code>, <code>+</code>, <code>-</code>, <code>@</code>, a tab or a carriage return
          is written with a leading <code>&apos;</code>, so that a spreadsheet shows it as text; remove one leading <code>&apos;</code> from
          such a cell to get the value back.
        </p>
        <FieldTable caption="The coverage resource (/api/v1/coverage)" rows={dictionary.coverage} />
      </section>

      <section aria-labelledby="cite-heading" className="cite">
        <h2 id="cite-heading">How to cite</h2>
        <p>Name the registry, what you took, when, and its address; for a file, its SHA-256 lets others check they hold the same one.</p>
        <p className="citation">{data.citation}</p>
        <CopyButton text={data.citation} label="Copy the citation" />
        <p>For one record, use the &ldquo;Cite this record&rdquo; block on its page: its address never changes.</p>
      </section>
    </article>
  );
}

function FieldTable({ caption, rows }: { caption: string; rows: { name: string; type: string; description: string }[] }) {
  return (
    <div className="table-scroll" role="region" aria-label={caption} tabIndex={0}>
      <table className="table data-table field-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Type</th>
            <th scope="col">Meaning</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name}>
              <th scope="row">
                <code>{r.name}</code>
              </th>
              <td>{r.type}</td>
              <td>{r.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
