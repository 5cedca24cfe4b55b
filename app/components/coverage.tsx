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
 * 2022 (source)". Every page that shows a total shows this beside it; `besideTotal`: the
 * page shows the registry's count right before it, so the note does not repeat it. */
export function CoverageNote({ coverage, besideTotal = false }: { coverage: CoverageSummaryData; besideTotal?: boolean }) {
  const { recorded, latest } = coverage;
  return (
    <p className="coverage-note" data-coverage-note="">
      {besideTotal ? null : <strong>{plural(recorded, "active signatory", "active signatories")} recorded here</strong>}
      {latest ? (
        <>
          {besideTotal ? null : <span aria-hidden="true"> · </span>}
          <span>
            {besideTotal ? "The registry holds the records that reached it: " : " "}
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
    <div className="table-scroll" role="region" aria-label={caption ?? "The accord's size as public sources reported it"} tabIndex={0}>
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
            <tr key={publishedAnchor(m)} id={publishedAnchor(m)}>
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

/** The anchor of a published count's row in PublishedCounts. */
export const publishedAnchor = (m: { as_of: string; count: number }) => `published-${m.as_of}-${m.count}`;

/**
 * Joins per year as the registry records them, with the counts published that year (each
 * linked to its row, with its source, in PublishedCounts). Consecutive years without a
 * recorded join share one row: "not recorded", never 0.
 */
export function GrowthTable({ years, milestones, caption }: { years: GrowthYear[]; milestones: PublishedMilestone[]; caption: string }) {
  const rows: { from: number; to: number; year: GrowthYear }[] = [];
  for (const y of years) {
    const last = rows.at(-1);
    if (last && !y.recorded && !last.year.recorded && last.to === y.year - 1) last.to = y.year;
    else rows.push({ from: y.year, to: y.year, year: y });
  }
  return (
    <div className="table-scroll" role="region" aria-label={caption} tabIndex={0}>
      <table className="table data-table growth">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Year</th>
            {/* Short headings: on a phone every word here narrowed the published counts' column. */}
            <th scope="col" className="num">
              Joined here
            </th>
            <th scope="col" className="num">
              Total here
            </th>
            <th scope="col">Published count</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ from, to, year: y }) => {
            const published = milestones.filter((m) => {
              const year = Number(m.as_of.slice(0, 4));
              return year >= from && year <= to;
            });
            const label = from === to ? String(from) : `${from}–${to}`;
            return (
              <tr key={from}>
                <th scope="row">{y.recorded ? <Link to={`/signatories?joined=${from}&status=all`}>{label}</Link> : label}</th>
                <td className="num">{y.recorded ? y.joined : <NotRecorded />}</td>
                <td className="num">
                  {y.recorded ? (
                    y.cumulative
                  ) : (
                    <>
                      <span aria-hidden="true">—</span>
                      <span className="visually-hidden">not recorded</span>
                    </>
                  )}
                </td>
                <td>
                  {published.length > 0 ? (
                    <ul className="published-list">
                      {published.map((m) => (
                        <li key={publishedAnchor(m)}>
                          <a href={`#${publishedAnchor(m)}`}>
                            {publishedCount(m)} ({formatDateAt(m.as_of, m.precision)})
                          </a>
                        </li>
                      ))}
                    </ul>
                  ) : null}
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
