import type { LinksFunction, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { LineChart } from "~/components/charts/line-chart";
import { cacheable } from "~/modules/cache/cache-policy";
import { countryName } from "~/modules/countries";
import { getDb } from "~/modules/database/db.server";
import { countByStatus, joinsByYear, latestJoiners, listPledges } from "~/modules/directory/directory.server";
import { lineChart } from "~/modules/opendata/charts.server";
import { continuousYears } from "~/modules/opendata/stats.server";
import stylesheet from "~/styles/opendata.css?url";
import { formatDate, plural } from "~/utils/format";

// Cached for anonymous visitors (cache-policy.ts); it reads no query parameter.
export const handle = cacheable();

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesheet }];

export const meta: MetaFunction = () => [
  { title: "Accord Registry: who signed the Cybersecurity Tech Accord" },
  {
    name: "description",
    content: "The public registry of the companies that signed the Cybersecurity Tech Accord: who signed, since when, and to what.",
  },
];

export async function loader() {
  const db = getDb();
  const [counts, latest, pledges, joins] = await Promise.all([countByStatus(db), latestJoiners(db, 6), listPledges(db), joinsByYear(db)]);
  const growth = continuousYears(joins, new Date().getUTCFullYear());
  return {
    active: counts.active,
    latest: latest.map((s) => ({ ...s, country_name: countryName(s.country) })),
    principles: pledges.filter((p) => p.required),
    growth,
    growthChart: lineChart(growth.map((g) => ({ label: String(g.year), value: g.cumulative }))),
  };
}

export default function Home() {
  const { active, latest, principles, growth, growthChart } = useLoaderData<typeof loader>();
  return (
    <div className="home">
      <section className="hero" aria-labelledby="hero-title">
        <h1 id="hero-title">Who signed the Cybersecurity Tech Accord</h1>
        <p className="lead">
          In April 2018, 34 technology companies pledged to protect every user, to oppose cyberattacks on innocent citizens and enterprises,
          to empower users and developers, and to work together. The accord kept growing. This registry records, reliably and at any moment,
          who has signed, since when, and to what.
        </p>
        <p className="stat">
          <strong className="stat-number">{active}</strong> <span>{active === 1 ? "active signatory" : "active signatories"}</span>
        </p>
        <Form method="get" action="/signatories" className="hero-search" role="search" aria-label="Search the directory">
          <label htmlFor="home-q">Search the directory</label>
          <div className="inline-field">
            <input id="home-q" type="search" name="q" placeholder="Company, country or sector" maxLength={200} />
            <button type="submit" className="button">
              Search
            </button>
          </div>
        </Form>
      </section>

      <section aria-labelledby="principles-title">
        <h2 id="principles-title">The four principles</h2>
        <ol className="principles">
          {principles.map((p) => (
            <li key={p.code}>
              <h3>{p.title}</h3>
              <p>{p.summary}</p>
            </li>
          ))}
        </ol>
        <p>
          <Link to="/pledges">All pledges, with later commitments</Link>
        </p>
      </section>

      <div className="two-columns">
        <section aria-labelledby="latest-title">
          <h2 id="latest-title">Latest to join</h2>
          <ul className="plain-list">
            {latest.map((s) => (
              <li key={s.slug}>
                <Link to={`/signatories/${s.slug}`}>{s.name}</Link>{" "}
                <span className="muted">
                  {s.country_name}, joined <time dateTime={s.joined_on}>{formatDate(s.joined_on)}</time>
                </span>
              </li>
            ))}
          </ul>
          <p>
            <Link to="/signatories?sort=-joined">Every signatory, newest first</Link>
          </p>
        </section>

        <section aria-labelledby="growth-title">
          <h2 id="growth-title">Growth over time</h2>
          {growth.length > 0 ? (
            <figure className="growth-chart">
              <LineChart
                chart={growthChart}
                id="home-growth-chart"
                title="Line chart: total number of signatories at the end of each year. The table below has the figures."
              />
            </figure>
          ) : null}
          <table className="table growth">
            <caption className="visually-hidden">Signatories who joined each year, and the total so far</caption>
            <thead>
              <tr>
                <th scope="col">Year</th>
                <th scope="col">Joined</th>
                <th scope="col">Total</th>
              </tr>
            </thead>
            <tbody>
              {growth.map((g) => (
                <tr key={g.year}>
                  <th scope="row">{g.year}</th>
                  <td>{g.joined}</td>
                  <td>{plural(g.cumulative, "signatory", "signatories")}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <Link to="/stats">More statistics: by country, sector and pledge</Link>
          </p>
        </section>
      </div>
    </div>
  );
}
