// How precisely a date is known (issue 13): to the day, the month or the year. A less
// precise date is stored, sent and sorted as the first day of its period (CONTRACT §8:
// joined_on stays a full date), and shown as the period ("September 2018"), never as a
// day nobody recorded. Plain .ts: pages and the server share it.
import type { DatePrecision } from "../../../db/schema";

export type { DatePrecision };

export const DATE_PRECISIONS = ["day", "month", "year"] as const satisfies readonly DatePrecision[];

/** "2018-09" (month) → "2018-09-01"; "2020" (year) → "2020-01-01"; a full date stays. */
export function periodStart(value: string, precision: DatePrecision): string {
  if (precision === "year") return `${value.slice(0, 4)}-01-01`;
  if (precision === "month") return `${value.slice(0, 7)}-01`;
  return value;
}

/** Whether `day` (YYYY-MM-DD) is how a date of this precision is stored. */
export function isPeriodStart(day: string, precision: DatePrecision): boolean {
  return periodStart(day, precision) === day;
}

/** The last day of the period that starts on `day`. */
export function periodEnd(day: string, precision: DatePrecision): string {
  if (precision === "year") return `${day.slice(0, 4)}-12-31`;
  if (precision === "month") {
    const [y, m] = day.split("-").map(Number);
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    return `${day.slice(0, 7)}-${String(last).padStart(2, "0")}`;
  }
  return day;
}
