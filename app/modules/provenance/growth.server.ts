// The growth chart's input and its accessible name, shared by the home page and /stats:
// the registry's years of record beside the published counts (docs/decisions/016).
import type { YearOfRecord } from "~/modules/opendata/stats.server";
import { formatDateAt } from "~/utils/format";
import { publishedCount, publishedCountShort } from "./coverage";
import type { Milestone } from "./coverage.server";

export function growthChartInput(years: YearOfRecord[], milestones: Milestone[]) {
  return {
    years,
    published: milestones.map((m) => ({
      as_of: m.as_of,
      precision: m.precision,
      count: m.count,
      label: publishedCountShort(m),
      qualified: m.qualifier === "more than",
    })),
  };
}

/** "Chart: … 35 recorded here by 2018; the accord's published counts rose from 34 on … to
 * more than 150 in 2022; 2019–2026: no join recorded here." */
export function growthChartTitle(years: YearOfRecord[], milestones: Milestone[]): string {
  const recorded = years.filter((y) => y.recorded);
  const last = recorded.at(-1);
  const parts = ["Chart of growth over time: the total of signatories recorded in this registry"];
  if (last) parts[0] += `, ${last.cumulative} by the end of ${last.year}`;
  if (milestones.length > 0) {
    const first = milestones[0];
    const latest = milestones.at(-1)!;
    parts.push(
      `beside the accord's published counts, from ${publishedCount(first)} (${formatDateAt(first.as_of, first.precision)}) to ${publishedCount(latest)} (${formatDateAt(latest.as_of, latest.precision)})`,
    );
  }
  const gaps = years.filter((y) => !y.recorded).map((y) => y.year);
  if (gaps.length > 0) parts.push(`no join is recorded here for ${describeYears(gaps)}`);
  return `${parts.join("; ")}. The tables below have the figures and sources.`;
}

/** 2019, 2020, 2021, 2023 → "2019–2021 and 2023". */
function describeYears(years: number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < years.length;) {
    let j = i;
    while (j + 1 < years.length && years[j + 1] === years[j] + 1) j++;
    runs.push(i === j ? String(years[i]) : `${years[i]}–${years[j]}`);
    i = j + 1;
  }
  return runs.length === 1 ? runs[0] : `${runs.slice(0, -1).join(", ")} and ${runs.at(-1)}`;
}
