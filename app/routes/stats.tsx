import type { LinksFunction, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BarChart } from "~/components/charts/bar-chart";
import { ColumnChart } from "~/components/charts/column-chart";
import { CountTable } from "~/components/charts/count-table";
import { GrowthChart } from "~/components/charts/growth-chart";
import { CoverageNote, GrowthTable, NotRecorded, PublishedCounts } from "~/components/coverage";
import { WorldMap } from "~/components/charts/world-map";
import { cacheable } from "~/modules/cache/cache-policy";
import { countryName } from "~/modules/countries";
import { getDb } from "~/modules/database/db.server";
import { countByStatus, joinsByYear, listPledges, listSectors } from "~/modules/directory/directory.server";
import { barChart, columnChart, growthChart, worldMap } from "~/modules/opendata/charts.server";
import { getStats, yearsOfRecord } from "~/modules/opendata/stats.server";
import { getCoverage, summariseCoverage } from "~/modules/provenance/coverage.server";
import { growthChartInput, growthChartTitle } from "~/modules/provenance/growth.server";
import { canonical } from "~/utils/canonical";
import stylesheet from "~/styles/opendata.css?url";
import { plural } from "~/utils/format";

// Cached for anonymous visitors (cache-policy.ts); it reads no query parameter.
export const handle = cacheable();

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesheet }];

export const meta: MetaFunction = ({ matches }) => [
  { title: "Statistics · Accord Registry" },
  {
    name: "description",
    content: "How the Cybersecurity Tech Accord grew: joins per year, signatories by country and sector, and how many endorse each pledge.",
  },
  ...canonical(matches, "/stats"),
];

export async function loader() {
  const db = getDb();
  const [stats, counts, sectors, pledges, joins, coverage] = await Promise.all([
    getStats(db),
    countByStatus(db),
    listSectors(db),
    listPledges(db),
    joinsByYear(db),
    getCoverage(db),
  ]);
  const sectorName = new Map(sectors.map((s) => [s.code, s.name]));
  const countries = stats.by_country.map((c) => ({ ...c, name: countryName(c.country) }));
  const bySector = stats.by_sector.map((s) => ({ ...s, name: sectorName.get(s.sector) ?? s.sector }));
  // Every year since the first recorded join; a year without one is "not recorded", not 0.
  const years = yearsOfRecord(joins, new Date().getUTCFullYear());
  // A later commitment that no record here endorses is "not recorded here": the accord's
  // own figures for it are unknown, and 0 would say nobody endorsed it.
  const endorsedBy = (p: { required: boolean; endorsements: number }) => (p.required || p.endorsements > 0 ? p.endorsements : null);
  return {
    coverage: summariseCoverage(coverage),
    milestones: coverage.published,
    totals: {
      total: stats.total,
      active: stats.active,
      founding: stats.founding,
      withdrawn: counts.withdrawn,
      suspended: counts.suspended,
    },
    years,
    countries,
    sectors: bySector,
    pledges: pledges.map((p) => ({ code: p.code, title: p.title, required: p.required, endorsements: endorsedBy(p) })),
    // Geometry only (strings and numbers): d3 and the atlas stay on the server.
    charts: {
      joins: columnChart(years.map((y) => ({ label: String(y.year), value: y.joined ?? 0, recorded: y.recorded }))),
      growth: growthChart(growthChartInput(years, coverage.published)),
      growthTitle: growthChartTitle(years, coverage.published),
      map: worldMap(stats.by_country),
      countries: barChart(countries.map((c) => ({ key: c.country, label: c.name, value: c.count }))),
      sectors: barChart(bySector.map((s) => ({ key: s.sector, label: s.name, value: s.count }))),
      pledges: barChart(
        pledges.map((p) => {
          const count = endorsedBy(p);
          return { key: p.code, label: p.title, value: count ?? 0, display: count === null ? "not recorded here" : undefined };
        }),
      ),
    },
  };
}

const range = (years: { year: number }[]) =>
  years.length === 0 ? "" : years.length === 1 ? `in ${years[0].year}` : `from ${years[0].year} to ${years[years.length - 1].year}`;

export default function Stats() {
  const { totals, coverage, milestones, years, countries, sectors, pledges, charts } = useLoaderData<typeof loader>();
  const leader = countries[0];
  return (
    <div className="stats-page">
      <h1>Statistics</h1>
      <p className="lead">
        How the Cybersecurity Tech Accord grew, where its signatories are and what they endorse, computed from the registry as it stands
        now. Every chart has its figures in a table beside it.
      </p>
      <p className="data-links">
        The same figures as data: <a href="/api/v1/stats">JSON</a> · every signatory as{" "}
        <a href="/signatories.csv?status=all" download>
          CSV
        </a>{" "}
        · <Link to="/transparency">moderation figures</Link>
      </p>

      <ul className="stat-cards" aria-label="Totals">
        <li>
          <strong>{totals.active.toLocaleString("en-GB")}</strong> active {totals.active === 1 ? "signatory" : "signatories"} recorded here
        </li>
        <li>
          <strong>{totals.total.toLocaleString("en-GB")}</strong> listed in all, whatever their status
        </li>
        <li>
          <strong>{totals.founding.toLocaleString("en-GB")}</strong> founding {totals.founding === 1 ? "signatory" : "signatories"}
        </li>
        <li>
          {/* The registry's own decisions: none recorded is not "nobody left the accord". */}
          <strong>
            {totals.withdrawn + totals.suspended === 0 ? "None" : (totals.withdrawn + totals.suspended).toLocaleString("en-GB")}
          </strong>{" "}
          withdrawn or suspended, as recorded here
        </li>
      </ul>

      <CoverageNote coverage={coverage} />

      <section aria-labelledby="coverage-title" id="coverage">
        <h2 id="coverage-title">What the registry covers</h2>
        <p>
          These figures count the records this registry holds, not every company that has signed the accord. It holds the 34 founding
          signatories named at the launch, later joiners that a public source names with a date, and every company that has joined through
          its own application process since it opened. Public sources put the accord at more signatories than that: their counts are below,
          each with its date and source, and the chart draws them beside the registry&apos;s own. A year in which no join is recorded here
          reads &ldquo;not recorded&rdquo;: it does not mean nobody joined. The <Link to="/methodology">methodology</Link> says how records
          get in and how to correct one.
        </p>
        <PublishedCounts milestones={milestones} />
      </section>

      <section aria-labelledby="joins-title">
        <h2 id="joins-title">Joins per year</h2>
        {years.length === 0 ? (
          <p>No signatory is listed yet.</p>
        ) : (
          <div className="chart-with-table">
            <div className="chart-stack">
              <figure className="chart-figure">
                <ColumnChart
                  chart={charts.joins}
                  id="chart-joins"
                  title={`Column chart: signatories recorded here as joining each year ${range(years)}; hatched years have no join recorded here. The table beside it has the figures.`}
                />
                <figcaption>Signatories recorded here as joining each year (hatched: none recorded)</figcaption>
              </figure>
              <figure className="chart-figure">
                <GrowthChart chart={charts.growth} id="chart-growth" title={charts.growthTitle} />
                <figcaption className="chart-legend">
                  <span className="legend-recorded">Recorded here (total so far; a later withdrawal does not undo a join)</span>
                  <span className="legend-published">Published count of the accord</span>
                  <span className="legend-unrecorded">No join recorded here</span>
                </figcaption>
              </figure>
            </div>
            <GrowthTable
              years={years}
              milestones={milestones}
              caption="Joins recorded here each year, and the counts the accord published"
            />
          </div>
        )}
      </section>

      <section aria-labelledby="countries-title">
        <h2 id="countries-title">Active signatories by country</h2>
        {countries.length === 0 ? (
          <p>No active signatory is listed yet.</p>
        ) : (
          <>
            <figure className="chart-figure map-figure">
              <WorldMap
                map={charts.map}
                id="chart-map"
                title={`World map shaded by the number of active signatories headquartered in each country; ${leader.name} has the most (${leader.count}). The table below has every country.`}
              />
              <figcaption>
                Headquarters of the active signatories, {plural(countries.length, "country", "countries")}.
                {charts.map.unmapped.length > 0
                  ? ` Too small to show at this scale: ${charts.map.unmapped.map((c) => `${c.name} (${c.count})`).join(", ")}.`
                  : ""}
              </figcaption>
            </figure>
            <div className="chart-with-table">
              <figure className="chart-figure">
                <BarChart
                  chart={charts.countries}
                  id="chart-countries"
                  title="Bar chart: active signatories by headquarters country, most first. The table beside it has the figures."
                />
                <figcaption>Active signatories by country</figcaption>
              </figure>
              <CountTable
                caption="Active signatories by headquarters country"
                itemHeading="Country"
                rows={countries.map((c) => ({ key: c.country, label: c.name, to: `/signatories?country=${c.country}`, count: c.count }))}
              />
            </div>
          </>
        )}
      </section>

      <section aria-labelledby="sectors-title">
        <h2 id="sectors-title">Active signatories by sector</h2>
        {sectors.length === 0 ? (
          <p>No active signatory is listed yet.</p>
        ) : (
          <div className="chart-with-table">
            <figure className="chart-figure">
              <BarChart
                chart={charts.sectors}
                id="chart-sectors"
                title="Bar chart: active signatories by sector, most first. The table beside it has the figures."
              />
              <figcaption>Active signatories by sector</figcaption>
            </figure>
            <CountTable
              caption="Active signatories by sector"
              itemHeading="Sector"
              rows={sectors.map((x) => ({ key: x.sector, label: x.name, to: `/signatories?sector=${x.sector}`, count: x.count }))}
            />
          </div>
        )}
      </section>

      <section aria-labelledby="pledges-title">
        <h2 id="pledges-title">Endorsements of each pledge</h2>
        <div className="chart-with-table">
          <figure className="chart-figure">
            <BarChart
              chart={charts.pledges}
              id="chart-pledges"
              title="Bar chart: how many active signatories endorse each pledge, in the accord's order. The table beside it has the figures."
            />
            <figcaption>Active signatories endorsing each pledge</figcaption>
          </figure>
          <table className="table data-table">
            <caption>Active signatories endorsing each pledge</caption>
            <thead>
              <tr>
                <th scope="col">Pledge</th>
                <th scope="col">Kind</th>
                <th scope="col" className="num">
                  Endorsed by
                </th>
              </tr>
            </thead>
            <tbody>
              {pledges.map((p) => (
                <tr key={p.code}>
                  <th scope="row">
                    <Link to={`/pledges#${p.code}`}>{p.title}</Link>
                  </th>
                  <td>{p.required ? "Principle" : "Later commitment"}</td>
                  <td className="num">{p.endorsements === null ? <NotRecorded what="not recorded here" /> : p.endorsements}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
