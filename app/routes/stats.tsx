import type { LinksFunction, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BarChart } from "~/components/charts/bar-chart";
import { CountTable } from "~/components/charts/count-table";
import { GrowthChart } from "~/components/charts/growth-chart";
import { TableDisclosure } from "~/components/charts/table-disclosure";
import { CoverageNote, GrowthTable, NotRecorded, PublishedCounts, SourceLink, publishedAnchor } from "~/components/coverage";
import { cacheable } from "~/modules/cache/cache-policy";
import { countryName } from "~/modules/countries";
import { getDb } from "~/modules/database/db.server";
import { countByStatus, joinsByYear, listPledges, listSectors } from "~/modules/directory/directory.server";
import { barChart, growthChart, largestWithOthers } from "~/modules/opendata/charts.server";
import { getStats, securityContactFigures, yearsOfRecord } from "~/modules/opendata/stats.server";
import { publishedCount, publishedWhen } from "~/modules/provenance/coverage";
import { getCoverage, summariseCoverage } from "~/modules/provenance/coverage.server";
import { growthChartInput, growthChartTitle } from "~/modules/provenance/growth.server";
import { canonical } from "~/utils/canonical";
import stylesheet from "~/styles/opendata.css?url";
import { isoAt, plural } from "~/utils/format";

// Cached for anonymous visitors (cache-policy.ts); it reads no query parameter.
export const handle = cacheable();

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesheet }];

export const meta: MetaFunction = ({ matches }) => [
  { title: "Statistics · Accord Registry" },
  {
    name: "description",
    content: "How the Cybersecurity Tech Accord grew, where its signatories are based, their sectors, and how many endorse each pledge.",
  },
  ...canonical(matches, "/stats"),
];

/** Bars drawn for countries: the largest, then one bar for all the others (the table has every country). */
const COUNTRY_BARS = 10;

export async function loader() {
  const db = getDb();
  const [stats, counts, sectors, pledges, joins, coverage, securityTxt] = await Promise.all([
    getStats(db),
    countByStatus(db),
    listSectors(db),
    listPledges(db),
    joinsByYear(db),
    getCoverage(db),
    securityContactFigures(db),
  ]);
  const sectorName = new Map(sectors.map((s) => [s.code, s.name]));
  const countries = stats.by_country.map((c) => ({ ...c, name: countryName(c.country) }));
  const bySector = stats.by_sector.map((s) => ({ ...s, name: sectorName.get(s.sector) ?? s.sector }));
  // Every year since the first recorded join; a year without one is "not recorded", not 0.
  const years = yearsOfRecord(joins, new Date().getUTCFullYear());
  // A later commitment that no record here endorses is "not recorded here": the accord's
  // own figures for it are unknown, and 0 would say nobody endorsed it.
  const endorsedBy = (p: { required: boolean; endorsements: number }) => (p.required || p.endorsements > 0 ? p.endorsements : null);
  const countryBars = largestWithOthers(
    countries.map((c) => ({ key: c.country, label: c.name, value: c.count })),
    COUNTRY_BARS,
    (n) => `${n} other countries together`,
  );
  return {
    coverage: summariseCoverage(coverage),
    milestones: coverage.published,
    securityTxt,
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
    // Geometry only (strings and numbers): d3 stays on the server.
    charts: {
      growth: growthChart(growthChartInput(years, coverage.published)),
      growthTitle: growthChartTitle(years, coverage.published),
      countries: barChart(countryBars),
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

export default function Stats() {
  const { totals, coverage, milestones, years, countries, sectors, pledges, charts, securityTxt } = useLoaderData<typeof loader>();
  const others = countries.length > COUNTRY_BARS;
  return (
    <div className="stats-page">
      <h1>Statistics</h1>
      <p className="lead">
        How the Cybersecurity Tech Accord grew, where its signatories are based and what they endorse, computed from the registry as it
        stands now. Each chart has its figures under &ldquo;Show as table&rdquo;.
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
        <li className="stat-card-wide" data-security-txt={`${securityTxt.valid}/${securityTxt.checked}/${securityTxt.unchecked}`}>
          {/* Of the checked ones only: an unchecked record is no evidence either way (issue 18). */}
          {securityTxt.checked === 0 ? (
            <>
              <strong className="stat-words">Not checked yet</strong> whether active signatories publish a valid{" "}
              <Link to="/methodology#security-txt">security.txt</Link> (a security contact)
            </>
          ) : (
            <>
              <strong>{`${securityTxt.valid.toLocaleString("en-GB")} of ${securityTxt.checked.toLocaleString("en-GB")}`}</strong> checked
              signatories publish a valid <Link to="/methodology#security-txt">security.txt</Link>
              {securityTxt.unchecked > 0 ? `; ${securityTxt.unchecked.toLocaleString("en-GB")} not yet checked` : ""}
            </>
          )}
        </li>
      </ul>

      <CoverageNote coverage={coverage} />

      <p className="data-links">
        The same figures as data: <a href="/api/v1/stats">JSON</a> · every signatory as{" "}
        <a href="/signatories.csv?status=all" download>
          CSV
        </a>{" "}
        · <Link to="/transparency">moderation figures</Link>
      </p>

      <section aria-labelledby="growth-title" className="stats-section">
        <h2 id="growth-title">How the accord has grown</h2>
        {years.length === 0 && milestones.length === 0 ? (
          <p>No signatory is listed yet.</p>
        ) : (
          <div className="growth-layout">
            <figure className="chart-figure">
              <GrowthChart chart={charts.growth} id="chart-growth" title={charts.growthTitle} />
              <figcaption className="chart-legend">
                <span className="legend-recorded">Recorded here (total so far; a later withdrawal does not undo a join)</span>
                <span className="legend-published">Published count of the accord</span>
                <span className="legend-unrecorded">No join recorded here</span>
              </figcaption>
            </figure>
            <div className="coverage-explained" id="coverage">
              <h3>What the registry covers</h3>
              <p>
                The registry counts the records it holds: the 34 founders named at the launch, later joiners that a public source names with
                a date, and every company approved through its own application process. The accord has published larger counts, drawn beside
                the registry&apos;s own. A year with no join recorded here reads &ldquo;not recorded&rdquo;: it does not mean nobody joined.
                The <Link to="/methodology">methodology</Link> says how records get in and how to correct one.
              </p>
              {milestones.length > 0 ? (
                <>
                  <h4 id="published-title">The accord&apos;s size as public sources reported it</h4>
                  <ul className="published-compact" aria-labelledby="published-title">
                    {milestones.map((m) => (
                      <li key={publishedAnchor(m)}>
                        <strong>{publishedCount(m)}</strong> <time dateTime={isoAt(m.as_of, m.precision)}>{publishedWhen(m)}</time> (
                        <SourceLink source={m.source}>source</SourceLink>)
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </div>
          </div>
        )}
        <TableDisclosure what="joins per year and the accord's published counts">
          <GrowthTable years={years} milestones={milestones} caption="Joins recorded here each year, and the counts the accord published" />
          <PublishedCounts milestones={milestones} />
        </TableDisclosure>
      </section>

      <div className="stats-grid">
        <section aria-labelledby="countries-title" className="stats-section">
          <h2 id="countries-title">Where they are based</h2>
          {countries.length === 0 ? (
            <p>No active signatory is listed yet.</p>
          ) : (
            <>
              <figure className="chart-figure">
                <BarChart
                  chart={charts.countries}
                  id="chart-countries"
                  title={`Bar chart: active signatories by headquarters country, most first${others ? `, the ${COUNTRY_BARS - 1} largest and then the others together` : ""}. Show as table has the figures.`}
                />
                <figcaption>
                  Active signatories by headquarters, {plural(countries.length, "country", "countries")}
                  {others ? " (every country in the table)" : ""}
                </figcaption>
              </figure>
              <TableDisclosure what="signatories by country">
                <CountTable
                  caption="Active signatories by headquarters country"
                  itemHeading="Country"
                  rows={countries.map((c) => ({ key: c.country, label: c.name, to: `/signatories?country=${c.country}`, count: c.count }))}
                />
              </TableDisclosure>
            </>
          )}
        </section>

        <section aria-labelledby="sectors-title" className="stats-section">
          <h2 id="sectors-title">What they do</h2>
          {sectors.length === 0 ? (
            <p>No active signatory is listed yet.</p>
          ) : (
            <>
              <figure className="chart-figure">
                <BarChart
                  chart={charts.sectors}
                  id="chart-sectors"
                  title="Bar chart: active signatories by sector, most first. Show as table has the figures."
                />
                <figcaption>Active signatories by sector</figcaption>
              </figure>
              <TableDisclosure what="signatories by sector">
                <CountTable
                  caption="Active signatories by sector"
                  itemHeading="Sector"
                  rows={sectors.map((x) => ({ key: x.sector, label: x.name, to: `/signatories?sector=${x.sector}`, count: x.count }))}
                />
              </TableDisclosure>
            </>
          )}
        </section>

        <section aria-labelledby="pledges-title" className="stats-section">
          <h2 id="pledges-title">What they endorse</h2>
          <figure className="chart-figure">
            <BarChart
              chart={charts.pledges}
              id="chart-pledges"
              title="Bar chart: how many active signatories endorse each pledge, in the accord's order. Show as table has the figures."
            />
            <figcaption>Active signatories endorsing each pledge</figcaption>
          </figure>
          <TableDisclosure what="endorsements of each pledge">
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
          </TableDisclosure>
        </section>
      </div>
    </div>
  );
}
