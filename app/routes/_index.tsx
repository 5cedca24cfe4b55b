import type { LinksFunction, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { GrowthChart } from "~/components/charts/growth-chart";
import { CoverageNote, GrowthTable, PublishedCounts } from "~/components/coverage";
import { cacheable } from "~/modules/cache/cache-policy";
import { countryName } from "~/modules/countries";
import { getDb } from "~/modules/database/db.server";
import { countByStatus, joinsByYear, latestJoiners, listPledges } from "~/modules/directory/directory.server";
import { growthChart } from "~/modules/opendata/charts.server";
import { yearsOfRecord } from "~/modules/opendata/stats.server";
import { getCoverage, summariseCoverage } from "~/modules/provenance/coverage.server";
import { growthChartInput, growthChartTitle } from "~/modules/provenance/growth.server";
import { canonical } from "~/utils/canonical";
import stylesheet from "~/styles/opendata.css?url";
import { formatDateAt, isoAt } from "~/utils/format";

// Cached for anonymous visitors (cache-policy.ts); it reads no query parameter.
export const handle = cacheable();

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesheet }];

export const meta: MetaFunction = ({ matches }) => [
  { title: "Accord Registry: who signed the Cybersecurity Tech Accord" },
  {
    name: "description",
    content: "The public registry of the companies that signed the Cybersecurity Tech Accord: who signed, since when, and to what.",
  },
  ...canonical(matches, "/"),
];

export async function loader() {
  const db = getDb();
  const [counts, latest, pledges, joins, coverage] = await Promise.all([
    countByStatus(db),
    latestJoiners(db, 6),
    listPledges(db),
    joinsByYear(db),
    getCoverage(db),
  ]);
  const growth = yearsOfRecord(joins, new Date().getUTCFullYear());
  return {
    active: counts.active,
    coverage: summariseCoverage(coverage),
    milestones: coverage.published,
    latest: latest.map((s) => ({ ...s, country_name: countryName(s.country) })),
    principles: pledges.filter((p) => p.required),
    growth,
    growthChart: growthChart(growthChartInput(growth, coverage.published)),
    growthTitle: growthChartTitle(growth, coverage.published),
  };
}

export default function Home() {
  const { active, coverage, milestones, latest, principles, growth, growthChart, growthTitle } = useLoaderData<typeof loader>();
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
          <strong className="stat-number">{active}</strong>{" "}
          <span>{active === 1 ? "active signatory" : "active signatories"} recorded here</span>
        </p>
        <CoverageNote coverage={coverage} besideTotal />
        <Form method="get" action="/signatories" className="hero-search" role="search" aria-label="Search the directory">
          <label htmlFor="home-q">Search the directory</label>
          {/* A hint above the field, not a placeholder: a phone cut the placeholder off mid-word. */}
          <p id="home-q-hint" className="hero-search-hint">
            A company, a country or a sector
          </p>
          <div className="inline-field">
            <input id="home-q" type="search" name="q" aria-describedby="home-q-hint" maxLength={200} />
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
                  {s.country_name}, joined{" "}
                  <time dateTime={isoAt(s.joined_on, s.joined_precision)}>{formatDateAt(s.joined_on, s.joined_precision)}</time>
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
              <GrowthChart chart={growthChart} id="home-growth-chart" title={growthTitle} />
              <figcaption className="chart-legend">
                <span className="legend-recorded">Recorded here (total so far)</span>
                <span className="legend-published">Published count of the accord</span>
                <span className="legend-unrecorded">No join recorded here</span>
              </figcaption>
            </figure>
          ) : null}
          <GrowthTable
            years={growth}
            milestones={milestones}
            caption="Signatories recorded here each year, beside the counts the accord published"
          />
          <details className="published-details">
            <summary>Sources of the published counts</summary>
            <PublishedCounts milestones={milestones} />
          </details>
          <p>
            <Link to="/stats">More statistics: by country, sector and pledge</Link>
          </p>
        </section>
      </div>
    </div>
  );
}
