// Honest coverage on the pages (issue 13): the registry's own count always stands beside
// the accord's latest published count, and years or endorsements nobody recorded say so
// instead of showing 0. Presentational: the loaders give the figures.
import { Link } from "@remix-run/react";
import type { DatePrecision, MilestoneQualifier } from "../../db/schema";
import { publishedCount, publishedWhen } from "~/modules/provenance/coverage";
import { formatDateAt, isoAt, plural } from "~/utils/format";

export interface PublishedMilestone {
  as_of: string;
  precision: DatePrecision;
  count: number;
  qualifier: MilestoneQualifier;
  source: { url: string | null; title: string };
  quote: string | null;
}

export interface CoverageSummaryData {
  /** Active signatories recorded here. */
  recorded: number;
  latest: PublishedMilestone | null;
}

/** "35 active signatories recorded here · the latest published count is more than 150, in
 * 2022 (source)". Every page that shows a total shows this beside it. */
export function CoverageNote({ coverage, className }: { coverage: CoverageSummaryData; className?: string }) {
  const { recorded, latest } = coverage;
  return (
    <p className={`coverage-note${className ? ` ${className}` : ""}`} data-coverage-note="">
      <strong>{plural(recorded, "active signatory", "active signatories")} recorded here</strong>
      {latest ? (
        <>
          <span aria-hidden="true"> · </span>
          <span>
            {" "}
            the latest published count of the accord is {publishedCount(latest)}, {publishedWhen(latest)} (
            <SourceLink source={latest.source}>source</SourceLink>).
          </span>
        </>
      ) : (
        ". The registry holds the records that reached it, which may not be every signatory of the accord."
      )}{" "}
      <Link to="/methodology#coverage">Why the figures differ</Link>
    </p>
  );
}

/** A link to a source when it has an address; its title otherwise. The visible text may be
 * short ("source"): the title is in the link's accessible name. */
export function SourceLink({ source, children }: { source: { url: string | null; title: string }; children?: React.ReactNode }) {
  if (!source.url) return <cite>{children ? `${String(children)}: ${source.title}` : source.title}</cite>;
  return (
    <a href={source.url} rel="noopener noreferrer external">
      {children ?? source.title}
      {children ? <span className="visually-hidden">: {source.title}</span> : null}
    </a>
  );
}

/** The accord's size as public sources reported it: date, count, source, quoted words. */
export function PublishedCounts({ milestones, caption }: { milestones: PublishedMilestone[]; caption?: string }) {
  if (milestones.length === 0) return null;
  return (
    <div className="table-scroll">
      <table className="table data-table published-counts">
        <caption>{caption ?? "The accord's size as public sources reported it"}</caption>
        <thead>
          <tr>
            <th scope="col">As of</th>
            <th scope="col" className="num">
              Signatories
            </th>
            <th scope="col">Source</th>
          </tr>
        </thead>
        <tbody>
          {milestones.map((m) => (
            <tr key={`${m.as_of}-${m.count}`}>
              <th scope="row">
                <time dateTime={isoAt(m.as_of, m.precision)}>{formatDateAt(m.as_of, m.precision)}</time>
              </th>
              <td className="num">{publishedCount(m)}</td>
              <td>
                <SourceLink source={m.source} />
                {m.quote ? (
                  <>
                    {" "}
                    <q className="source-quote">{m.quote}</q>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export interface GrowthYear {
  year: number;
  recorded: boolean;
  joined: number | null;
  cumulative: number | null;
}

/** Joins per year as the registry records them, with the counts published that year. */
export function GrowthTable({ years, milestones, caption }: { years: GrowthYear[]; milestones: PublishedMilestone[]; caption: string }) {
  return (
    <div className="table-scroll">
      <table className="table data-table growth">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Year</th>
            <th scope="col" className="num">
              Joined (recorded here)
            </th>
            <th scope="col" className="num">
              Total recorded here
            </th>
            <th scope="col">Published count</th>
          </tr>
        </thead>
        <tbody>
          {years.map((y) => {
            const published = milestones.filter((m) => m.as_of.startsWith(String(y.year)));
            return (
              <tr key={y.year} className={y.recorded ? undefined : "not-recorded"}>
                <th scope="row">{y.recorded ? <Link to={`/signatories?joined=${y.year}&status=all`}>{y.year}</Link> : y.year}</th>
                <td className="num">{y.recorded ? y.joined : <NotRecorded />}</td>
                <td className="num">{y.recorded ? y.cumulative : <span aria-label="not recorded">—</span>}</td>
                <td>
                  {published.length === 0
                    ? null
                    : published.map((m, i) => (
                        <span key={m.as_of + m.count} className="published-count">
                          {i > 0 ? "; " : ""}
                          {publishedCount(m)} ({formatDateAt(m.as_of, m.precision)}, <SourceLink source={m.source}>source</SourceLink>)
                        </span>
                      ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** What a figure nobody recorded reads: never 0. */
export function NotRecorded({ what = "not recorded" }: { what?: string }) {
  return <span className="not-recorded">{what}</span>;
}
