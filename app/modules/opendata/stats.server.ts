// Figures about the registry (CONTRACT §4 /api/v1/stats, the /stats page) and about its
// moderation (/transparency). Read-only queries; the transparency figures read no
// column that identifies an applicant.
import { toFlag } from "../../../db/booleans";
import type { ApplicationStatus } from "../../../db/schema";
import type { DB } from "~/modules/database/db.server";
import { perVersion } from "~/modules/cache/per-version.server";
import { figureOffEventLoop } from "~/modules/search-pool/run.server";
import { countByStatus, joinsByYear, listSectors } from "~/modules/directory/directory.server";
import type { ApiStats } from "./schemas";
import { securityTxtShare } from "~/modules/evidence/security-contact.server";

/**
 * Active signatories with a valid security.txt (RFC 9116), of those checked so far, and how
 * many are not checked yet (issue 18): the share is only ever stated of the checked ones.
 * Not part of /api/v1/stats, whose shape CONTRACT §4 fixes; each signatory's
 * security_contact in the API and the CSV gives the same figures.
 */
export async function securityContactFigures(db: DB, now = new Date()) {
  const share = await securityTxtShare(db, now);
  return { ...share, unchecked: share.active - share.checked };
}

/** A year as the registry can speak of it: the joins it records, or "not recorded". */
export interface YearOfRecord {
  year: number;
  /** False: no join is recorded here for this year (which says nothing about the accord). */
  recorded: boolean;
  /** Joins recorded here in the year; null when none is. */
  joined: number | null;
  /** Joins recorded here up to the end of the year; null in a year without one. */
  cumulative: number | null;
  /** The latest recorded join date of the year. */
  last_on: string | null;
}

/**
 * Every year from the first recorded join through `throughYear`. A year without a recorded
 * join is "not recorded", never 0: the registry holds what reached it, and an empty year
 * means nothing reached it, not that nobody joined the accord (docs/decisions/016).
 */
export function yearsOfRecord(
  rows: { year: number; joined: number; cumulative?: number; last_on?: string }[],
  throughYear: number,
): YearOfRecord[] {
  if (rows.length === 0) return [];
  const byYear = new Map(rows.map((r) => [r.year, r]));
  const first = Math.min(...byYear.keys());
  const last = Math.max(throughYear, ...byYear.keys());
  const years: YearOfRecord[] = [];
  let cumulative = 0;
  for (let year = first; year <= last; year++) {
    const row = byYear.get(year);
    if (row && row.joined > 0) {
      cumulative += row.joined;
      years.push({ year, recorded: true, joined: row.joined, cumulative, last_on: row.last_on ?? null });
    } else {
      years.push({ year, recorded: false, joined: null, cumulative: null, last_on: null });
    }
  }
  return years;
}

/** The contract's statistics. Totals and years count every status (a withdrawal does
 * not undo a join); countries and sectors describe the active signatories. Computed once
 * per data version, in the search pool's workers when they run (70–130 ms at 100,000
 * signatories, which the event loop would spend answering nothing else). */
export function getStats(db: DB): Promise<ApiStats> {
  return perVersion(db, "stats", () => figureOffEventLoop(db, "stats", computeStats));
}

export async function computeStats(db: DB): Promise<ApiStats> {
  const [counts, founding, years, byCountry, bySector, sectors] = await Promise.all([
    countByStatus(db),
    db
      .selectFrom("signatories")
      .select((eb) => eb.fn.countAll<number>().as("count"))
      .where("founding", "=", toFlag(true))
      .executeTakeFirstOrThrow(),
    joinsByYear(db),
    db
      .selectFrom("signatories")
      .select(["country", (eb) => eb.fn.countAll<number>().as("count")])
      .where("status", "=", "active")
      .groupBy("country")
      .execute(),
    db
      .selectFrom("signatories")
      .select(["sector", (eb) => eb.fn.countAll<number>().as("count")])
      .where("status", "=", "active")
      .groupBy("sector")
      .execute(),
    listSectors(db),
  ]);
  const position = new Map(sectors.map((s) => [s.code, s.position]));
  return {
    total: counts.active + counts.withdrawn + counts.suspended,
    active: counts.active,
    founding: Number(founding.count),
    // Years with a recorded join only: a year without one is not recorded, and a 0 would
    // say nobody joined (docs/decisions/016). Through the last recorded year: the years
    // after it up to today would all be unrecorded, so the figure does not depend on the date.
    by_year: yearsOfRecord(years, Math.max(...years.map((y) => y.year)))
      .filter((y) => y.recorded)
      .map((y) => ({ year: y.year, joined: y.joined ?? 0, cumulative: y.cumulative ?? 0 })),
    by_country: byCountry
      .map((r) => ({ country: r.country, count: Number(r.count) }))
      .sort((a, b) => b.count - a.count || a.country.localeCompare(b.country)),
    by_sector: bySector
      .map((r) => ({ sector: r.sector, count: Number(r.count) }))
      .sort((a, b) => b.count - a.count || (position.get(a.sector) ?? 0) - (position.get(b.sector) ?? 0)),
  };
}

interface DecisionFigures {
  /** Applications whose contact address was confirmed (they reached the moderators). */
  received: number;
  approved: number;
  rejected: number;
  /** Withdrawn by the applicant after they reached the moderators. */
  withdrawn: number;
  /** Days from submission to an approval or rejection. */
  medianDays: number | null;
  p90Days: number | null;
}

export interface TransparencyFigures {
  /** Newest first, every quarter from the first to the latest with an event. */
  quarters: ({ quarter: string } & DecisionFigures)[];
  total: DecisionFigures;
  /** Applications waiting now (pending, or changes requested). */
  open: number;
}

/** "2026-Q3" of an ISO timestamp (UTC). */
export function quarterOf(iso: string): string {
  return `${iso.slice(0, 4)}-Q${Math.floor((Number(iso.slice(5, 7)) - 1) / 3) + 1}`;
}

function quarterRange(first: string, last: string): string[] {
  const index = (q: string) => Number(q.slice(0, 4)) * 4 + Number(q.slice(6)) - 1;
  const quarters = [];
  for (let i = index(first); i <= index(last); i++) quarters.push(`${Math.floor(i / 4)}-Q${(i % 4) + 1}`);
  return quarters;
}

/** The median (middle value, or the mean of the two middle values). */
export function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The p-th percentile by the nearest-rank method: a value that was actually observed. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const oneDecimal = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
const REACHED_MODERATION: ApplicationStatus[] = ["pending", "changes_requested", "approved", "rejected"];

function figures(received: number, decisions: { status: ApplicationStatus; days: number }[], withdrawn: number): DecisionFigures {
  const days = decisions.map((d) => d.days).sort((a, b) => a - b);
  return {
    received,
    approved: decisions.filter((d) => d.status === "approved").length,
    rejected: decisions.filter((d) => d.status === "rejected").length,
    withdrawn,
    medianDays: oneDecimal(median(days)),
    p90Days: oneDecimal(percentile(days, 90)),
  };
}

/** Moderation figures by quarter: received by quarter of submission, decisions and
 * withdrawals by quarter of the decision. */
export async function transparencyFigures(db: DB): Promise<TransparencyFigures> {
  // Dates and statuses only: nothing here names or reaches an applicant.
  const rows = await db.selectFrom("applications").select(["status", "created_at", "verified_at", "decided_at", "updated_at"]).execute();
  const reached = rows.filter((r) => r.verified_at !== null || REACHED_MODERATION.includes(r.status));
  const decisions = reached
    .filter((r) => (r.status === "approved" || r.status === "rejected") && r.decided_at)
    .map((r) => ({
      status: r.status,
      quarter: quarterOf(r.decided_at!),
      days: Math.max(0, (Date.parse(r.decided_at!) - Date.parse(r.created_at)) / DAY_MS),
    }));
  const withdrawals = reached.filter((r) => r.status === "withdrawn").map((r) => ({ quarter: quarterOf(r.decided_at ?? r.updated_at) }));
  const receivedIn = reached.map((r) => quarterOf(r.created_at));

  const seen = [...receivedIn, ...decisions.map((d) => d.quarter), ...withdrawals.map((w) => w.quarter)].sort();
  const quarters =
    seen.length === 0
      ? []
      : quarterRange(seen[0], seen[seen.length - 1])
          .reverse()
          .map((quarter) => ({
            quarter,
            ...figures(
              receivedIn.filter((q) => q === quarter).length,
              decisions.filter((d) => d.quarter === quarter),
              withdrawals.filter((w) => w.quarter === quarter).length,
            ),
          }));
  return {
    quarters,
    total: figures(reached.length, decisions, withdrawals.length),
    open: rows.filter((r) => r.status === "pending" || r.status === "changes_requested").length,
  };
}
