// Honest coverage (issue 13, docs/decisions/016): the registry holds the records that
// reached it, not the whole accord. Wherever it shows a total it shows, beside it, the
// accord's size as public sources reported it (the milestones, seeded from
// db/seed/milestones.json), each with its date, its precision and its source.
import type { DatePrecision, MilestoneQualifier } from "../../../db/schema";
import { perVersion } from "~/modules/cache/per-version.server";
import type { DB } from "~/modules/database/db.server";
import { countByStatus } from "~/modules/directory/directory.server";

export interface Milestone {
  as_of: string;
  precision: DatePrecision;
  count: number;
  qualifier: MilestoneQualifier;
  source: { url: string | null; title: string };
  quote: string | null;
}

export interface Coverage {
  /** Active signatories recorded here. */
  recorded: number;
  /** The published counts, oldest first. */
  published: Milestone[];
}

/** The published counts, oldest first (computed once per data version). */
export async function listMilestones(db: DB): Promise<Milestone[]> {
  const rows = await perVersion(db, "milestones", () =>
    db
      .selectFrom("milestones")
      .select(["as_of", "precision", "count", "qualifier", "source_url", "source_title", "quote"])
      .orderBy("as_of")
      .orderBy("count")
      .execute(),
  );
  return rows.map((m) => ({
    as_of: m.as_of,
    precision: m.precision,
    count: Number(m.count),
    qualifier: m.qualifier,
    source: { url: m.source_url, title: m.source_title },
    quote: m.quote,
  }));
}

export async function getCoverage(db: DB): Promise<Coverage> {
  const [counts, published] = await Promise.all([countByStatus(db), listMilestones(db)]);
  return { recorded: counts.active, published };
}

/** What the coverage note shows: the registry's count and the latest published one. */
export interface CoverageSummary {
  recorded: number;
  latest: Milestone | null;
}

export function summariseCoverage(coverage: Coverage): CoverageSummary {
  return { recorded: coverage.recorded, latest: coverage.published.at(-1) ?? null };
}
