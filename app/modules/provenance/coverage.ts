// How a published count reads, shared by pages and the server (plain .ts).
import { formatDateAt } from "~/utils/format";
import type { DatePrecision, MilestoneQualifier } from "../../../db/schema";

/** "more than 150", "61". */
export function publishedCount(m: { count: number; qualifier: MilestoneQualifier }): string {
  const n = m.count.toLocaleString("en-GB");
  return m.qualifier === "more than" ? `more than ${n}` : n;
}

/** "150+" or "61": a chart's short label. */
export function publishedCountShort(m: { count: number; qualifier: MilestoneQualifier }): string {
  return m.qualifier === "more than" ? `${m.count}+` : String(m.count);
}

/** "on 11 September 2018", "in November 2018", "in 2022". */
export function publishedWhen(m: { as_of: string; precision: DatePrecision }): string {
  return `${m.precision === "day" ? "on" : "in"} ${formatDateAt(m.as_of, m.precision)}`;
}
