// The directory: every read of signatories, sectors and pledges that the public pages,
// the API and the exports use, and the writes that keep the search index in step.
import { sortableLower } from "../../../db/engine";
import { fromFlag, toFlag } from "../../../db/booleans";
import { sql, type SelectQueryBuilder } from "kysely";
import type { Database, DatePrecision, SignatoryEventKind, SignatoryStatus } from "../../../db/schema";
import { type DB } from "~/modules/database/db.server";
import { perVersion } from "~/modules/cache/per-version.server";
import { searchIndex } from "~/modules/database/search.server";
import { figureOffEventLoop, offEventLoop } from "~/modules/search-pool/run.server";
import { lastChecked, sourcesOf, type RecordSource } from "~/modules/provenance/sources.server";
import type { DirectoryQuery, KnownCodes } from "./query";

export interface PledgeRef {
  code: string;
  title: string;
  required: boolean;
  endorsed_on: string;
}

export interface SignatorySummary {
  slug: string;
  name: string;
  website: string;
  country: string;
  sector: string;
  sector_name: string;
  description: string;
  joined_on: string;
  joined_precision: DatePrecision;
  founding: boolean;
  status: SignatoryStatus;
  withdrawn_on: string | null;
  /** When the record last changed (ISO timestamp). */
  updated_at: string;
  pledges: PledgeRef[];
}

interface SignatoryEvent {
  kind: SignatoryEventKind;
  occurred_on: string;
  pledge_code: string | null;
  pledge_title: string | null;
  detail: string | null;
}

export interface SignatoryDetail extends SignatorySummary {
  former_names: string | null;
  notes: string | null;
  events: SignatoryEvent[];
  /** Its public sources and, when it came through an application, the registry's evidence. */
  sources: RecordSource[];
  /** The latest day it was confirmed against a source or the evidence. */
  checked_on: string | null;
}

export interface DirectoryPage {
  items: SignatorySummary[];
  total: number;
  page: number;
  perPage: number;
  pages: number;
}

export async function knownCodes(db: DB): Promise<KnownCodes> {
  const [sectors, pledges] = await Promise.all([
    db.selectFrom("sectors").select("code").orderBy("position").execute(),
    db.selectFrom("pledges").select("code").orderBy("position").execute(),
  ]);
  return { sectors: sectors.map((s) => s.code), pledges: pledges.map((p) => p.code) };
}

export async function listSectors(db: DB) {
  return db.selectFrom("sectors").selectAll().orderBy("position").execute();
}

/** The pledges in their order, without figures: what forms and filters list. */
export async function listPledgeDefinitions(db: DB) {
  const rows = await db
    .selectFrom("pledges")
    .select(["code", "title", "summary", "introduced_on", "required"])
    .orderBy("position")
    .execute();
  return rows.map((r) => ({ ...r, required: fromFlag(r.required) }));
}

/** Pledges in their order, each with how many active signatories endorse it (counting
 * every endorsement: computed once per data version). */
export async function listPledges(db: DB) {
  const [pledges, counts] = await Promise.all([
    listPledgeDefinitions(db),
    perVersion(db, "endorsements", () => figureOffEventLoop(db, "endorsements", endorsementCounts)),
  ]);
  const count = new Map(counts.map((c) => [c.pledge_code, Number(c.endorsements)]));
  return pledges.map((p) => ({ ...p, endorsements: count.get(p.code) ?? 0 }));
}

/** Endorsements of active signatories, per pledge: ~300 ms at 100,000 signatories (the
 * search pool's workers compute it, worker.ts). */
export function endorsementCounts(db: DB) {
  return db
    .selectFrom("endorsements")
    .innerJoin("signatories", "signatories.id", "endorsements.signatory_id")
    .where("signatories.status", "=", "active")
    .select(["endorsements.pledge_code", (e) => e.fn.countAll<number>().as("endorsements")])
    .groupBy("endorsements.pledge_code")
    .execute();
}

type Filterable = Omit<DirectoryQuery, "sort" | "page" | "perPage">;
type Base = SelectQueryBuilder<Database & { hits: { id: number; rank: number } }, "signatories" | "hits", object>;

/** The filters that facet counts leave out, one at a time, so each option shows what
 * choosing it would give. */
const SKIPPABLE = ["country", "sector", "joined", "founding", "status"] as const;
type Skippable = (typeof SKIPPABLE)[number];

/** Signatories matching every filter of the query except those in `skip`. With `best`,
 * only among the `best` best-ranked matches of its words (a materialised `hits`). */
function filtered(db: DB, query: Filterable, skip: readonly Skippable[] = [], best?: number): Base {
  let qb: Base;
  if (query.words.length === 0) {
    qb = db.selectFrom("signatories") as unknown as Base;
  } else if (best === undefined) {
    qb = searchIndex(db).joinHits(db.selectFrom("signatories"), query.words) as unknown as Base;
  } else {
    qb = db
      .with(
        (cte) => cte("hits").materialized(),
        () => searchIndex(db).hits(query.words, best),
      )
      .selectFrom("signatories")
      .innerJoin("hits", "hits.id", "signatories.id") as unknown as Base;
  }
  const applies = (filter: Skippable) => !skip.includes(filter);
  if (query.status !== "all" && applies("status")) qb = qb.where("signatories.status", "=", query.status);
  if (query.country.length > 0 && applies("country")) {
    qb = qb.where("signatories.country", "in", query.country);
  }
  if (query.sector.length > 0 && applies("sector")) {
    qb = qb.where("signatories.sector", "in", query.sector);
  }
  for (const pledge of query.pledge) {
    qb = qb.where((eb) =>
      eb.exists(
        eb
          .selectFrom("endorsements")
          .select("endorsements.signatory_id")
          .whereRef("endorsements.signatory_id", "=", "signatories.id")
          .where("endorsements.pledge_code", "=", pledge),
      ),
    );
  }
  if (query.joined && applies("joined")) {
    qb = qb
      .where("signatories.joined_on", ">=", `${query.joined.from}-01-01`)
      .where("signatories.joined_on", "<=", `${query.joined.to}-12-31`);
  }
  if (query.founding !== undefined && applies("founding")) {
    qb = qb.where("signatories.founding", "=", toFlag(query.founding));
  }
  return qb;
}

const summaryColumns = [
  "signatories.id",
  "signatories.slug",
  "signatories.name",
  "signatories.website",
  "signatories.country",
  "signatories.sector",
  "sectors.name as sector_name",
  "signatories.description",
  "signatories.joined_on",
  "signatories.joined_precision",
  "signatories.founding",
  "signatories.status",
  "signatories.withdrawn_on",
  "signatories.updated_at",
] as const;

export async function searchSignatories(db: DB, query: DirectoryQuery): Promise<DirectoryPage> {
  // A search's total comes with its facet counts (one grouped query, kept for the data
  // version, so every page of a search and its facets share it); a listing's is one count.
  const total =
    query.words.length > 0
      ? (await directoryCounts(db, query)).total
      : Number(
          (
            await filtered(db, query)
              .select((eb) => eb.fn.countAll<number>().as("total"))
              .executeTakeFirstOrThrow()
          ).total,
        );
  const offset = (query.page - 1) * query.perPage;
  const found = offset >= total ? [] : await pageRows(db, query, offset);
  const pledges = await pledgesOf(
    db,
    found.map((r) => r.id),
  );
  return {
    items: found.map((r) => toSummary(r, pledges.get(r.id) ?? [])),
    total,
    page: query.page,
    perPage: query.perPage,
    pages: Math.max(1, Math.ceil(total / query.perPage)),
  };
}

/** The rows of one page, in the query's order. */
async function pageRows(db: DB, query: DirectoryQuery, offset: number) {
  const page = (base: Base) =>
    ordered(db, query, base.innerJoin("sectors", "sectors.code", "signatories.sector"))
      .limit(query.perPage)
      .offset(offset);
  if (query.sort !== "relevance" || query.words.length === 0) return page(filtered(db, query)).select(summaryColumns).execute();
  // Ranking every match and sorting them all costs a broad search at 100,000 signatories
  // three times what a page needs (issue 16): rank the best few first and keep the answer
  // if it is provably the same — its last row ranks strictly better than the worst of
  // them, so no match left out could come before it — else rank them all.
  const best = candidatesFor(offset + query.perPage);
  const rows = await page(filtered(db, query, [], best))
    .select([
      ...summaryColumns,
      "hits.rank",
      sql<number>`(select max(rank) from hits)`.as("cutoff"),
      sql<number>`(select count(*) from hits)`.as("candidates"),
    ])
    .execute();
  const last = rows.at(-1);
  const exact =
    last !== undefined && (Number(last.candidates) < best || (rows.length === query.perPage && Number(last.rank) < Number(last.cutoff)));
  return exact ? rows : page(filtered(db, query)).select(summaryColumns).execute();
}

/** How many best-ranked matches a page that needs `rows` rows ranks first: enough that
 * the usual filters (status, a country) still leave a full page among them. */
export const candidatesFor = (rows: number) => Math.max(200, rows * 4);

function ordered<
  Q extends SelectQueryBuilder<Database & { hits: { id: number; rank: number } }, "signatories" | "hits" | "sectors", object>,
>(db: DB, query: DirectoryQuery, rows: Q): Q {
  const byName = [sortableLower(db, "signatories.name"), "signatories.slug"] as const;
  if (query.sort === "relevance" && query.words.length > 0) {
    return rows.orderBy("hits.rank").orderBy(byName[0]).orderBy(byName[1]) as Q;
  }
  if (query.sort === "joined" || query.sort === "-joined") {
    const direction = query.sort === "joined" ? "asc" : "desc";
    return rows.orderBy("signatories.joined_on", direction).orderBy(byName[0]).orderBy(byName[1]) as Q;
  }
  return rows.orderBy(byName[0]).orderBy(byName[1]) as Q;
}

export interface Facets {
  /** Countries with a match, most first; the country filter itself is left out of the counts. */
  countries: { code: string; count: number }[];
  /** Sectors with a match, most first; the sector filter itself is left out of the counts. */
  sectors: { code: string; count: number }[];
  /** Years with a join among the matches, in order; the joined filter is left out. */
  years: { year: number; count: number }[];
  /** Matches that also endorse each pledge (pledges are ANDed, so the pledge filter stays in):
   * what ticking one more would give. Pledges without any are absent. */
  pledges: { code: string; count: number }[];
  /** Founding signatories and later joiners among the matches; the founding filter is left out. */
  founding: { founding: number; later: number };
  /** Matches by status; the status filter is left out. */
  statuses: { code: SignatoryStatus; count: number }[];
}

// Facet counts depend only on the filters and the data, not on the page or the sort:
// they are computed once per data version (every page of a search shares them).
const filterKey = ({ words, country, sector, pledge, joined, founding, status }: Filterable) =>
  JSON.stringify([words, country, sector, pledge, joined, founding, status]);

export async function directoryFacets(db: DB, query: DirectoryQuery): Promise<Facets> {
  return perVersion(db, `facets ${filterKey(query)}`, () => offEventLoop(db, "facets", query, (reader) => countFacets(reader, query)));
}

async function countFacets(db: DB, query: DirectoryQuery): Promise<Facets> {
  const [{ total: _total, ...counts }, pledges] = await Promise.all([
    directoryCounts(db, query),
    filtered(db, query)
      .innerJoin("endorsements", "endorsements.signatory_id", "signatories.id")
      .select(["endorsements.pledge_code as code", (eb) => eb.fn.countAll<number>().as("count")])
      .groupBy("endorsements.pledge_code")
      .execute(),
  ]);
  return { ...counts, pledges: pledges.map((r) => ({ code: r.code, count: Number(r.count) })) };
}

type Counts = Omit<Facets, "pledges"> & { total: number };
type Tally<C> = { code: C; count: number }[];

/** The matches' total and every facet but the pledges', kept for the data version. */
function directoryCounts(db: DB, query: Filterable): Promise<Counts> {
  return perVersion(db, `counts ${filterKey(query)}`, () => (query.words.length > 0 ? countGroups(db, query) : countEach(db, query)));
}

const year = sql<string>`substr(signatories.joined_on, 1, 4)`;
const mostFirst = <C extends string>(a: { code: C; count: number }, b: { code: C; count: number }) =>
  b.count - a.count || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

function counts(
  total: number,
  countries: Tally<string>,
  sectors: Tally<string>,
  years: Tally<number>,
  founding: Tally<boolean>,
  statuses: Tally<SignatoryStatus>,
): Counts {
  const flags = (value: boolean) => founding.filter((r) => r.code === value).reduce((sum, r) => sum + r.count, 0);
  return {
    total,
    countries: countries.sort(mostFirst),
    sectors: sectors.sort(mostFirst),
    years: years.map((r) => ({ year: r.code, count: r.count })).sort((a, b) => a.year - b.year),
    founding: { founding: flags(true), later: flags(false) },
    statuses: statuses.sort((a, b) => (a.code < b.code ? -1 : 1)),
  };
}

/**
 * A search: ONE grouped query counts the matches of its words and pledges by country,
 * sector, year, founding and status, with none of those five filters applied; each facet
 * then sums the groups that pass the other four (the same filters as `filtered`, on the
 * groups' values), the total those that pass all five. At 100,000 signatories a broad
 * search matched its words once instead of six times (issue 16).
 */
async function countGroups(db: DB, query: Filterable): Promise<Counts> {
  const rows = await filtered(db, query, SKIPPABLE)
    .select([
      "signatories.country",
      "signatories.sector",
      year.as("year"),
      "signatories.founding",
      "signatories.status",
      (eb) => eb.fn.countAll<number>().as("count"),
    ])
    .groupBy(["signatories.country", "signatories.sector", year, "signatories.founding", "signatories.status"])
    .execute();
  const groups = rows.map((r) => ({
    country: r.country,
    sector: r.sector,
    year: Number(r.year),
    founding: fromFlag(r.founding),
    status: r.status,
    count: Number(r.count),
  }));
  type Group = (typeof groups)[number];
  const keeps: Record<Skippable, (g: Group) => boolean> = {
    country: (g) => query.country.length === 0 || query.country.includes(g.country),
    sector: (g) => query.sector.length === 0 || query.sector.includes(g.sector),
    joined: (g) => !query.joined || (g.year >= query.joined.from && g.year <= query.joined.to),
    founding: (g) => query.founding === undefined || g.founding === query.founding,
    status: (g) => query.status === "all" || g.status === query.status,
  };
  /** Sums the groups that pass every filter but `facet`'s, by `by`. */
  const tally = <C>(facet: Skippable | null, by: (g: Group) => C): Tally<C> => {
    const sums = new Map<C, number>();
    for (const g of groups) {
      if (SKIPPABLE.every((f) => f === facet || keeps[f](g))) sums.set(by(g), (sums.get(by(g)) ?? 0) + g.count);
    }
    return [...sums].map(([code, count]) => ({ code, count }));
  };
  const total = tally(null, () => true).reduce((sum, r) => sum + r.count, 0);
  return counts(
    total,
    tally("country", (g) => g.country),
    tally("sector", (g) => g.sector),
    tally("joined", (g) => g.year),
    tally("founding", (g) => g.founding),
    tally("status", (g) => g.status),
  );
}

/** A listing (no words): one small grouped query a facet, each answered from an index
 * on (status, …), cheaper at 100,000 signatories than grouping every row five ways. */
async function countEach(db: DB, query: Filterable): Promise<Counts> {
  const by = async <C>(
    facet: Skippable,
    column: "signatories.country" | "signatories.sector" | typeof year | "signatories.founding" | "signatories.status",
    code: (v: string | number) => C,
  ) => {
    const rows = await filtered(db, query, [facet])
      .select([
        typeof column === "string" ? sql.ref<string | number>(column).as("code") : column.as("code"),
        (eb) => eb.fn.countAll<number>().as("count"),
      ])
      .groupBy(column)
      .execute();
    return rows.map((r) => ({ code: code(r.code), count: Number(r.count) }));
  };
  const [total, countries, sectors, years, founding, statuses] = await Promise.all([
    filtered(db, query)
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow(),
    by("country", "signatories.country", String),
    by("sector", "signatories.sector", String),
    by("joined", year, Number),
    by("founding", "signatories.founding", (v) => fromFlag(v as never)),
    by("status", "signatories.status", (v) => v as SignatoryStatus),
  ]);
  return counts(Number(total.n), countries, sectors, years, founding, statuses);
}

/** Endorsed pledges of many signatories in one query (no N+1). */
async function pledgesOf(db: DB, ids: number[]): Promise<Map<number, PledgeRef[]>> {
  const result = new Map<number, PledgeRef[]>();
  if (ids.length === 0) return result;
  const rows = await db
    .selectFrom("endorsements")
    .innerJoin("pledges", "pledges.code", "endorsements.pledge_code")
    .select(["endorsements.signatory_id", "pledges.code", "pledges.title", "pledges.required", "endorsements.endorsed_on"])
    .where("endorsements.signatory_id", "in", ids)
    .orderBy("pledges.position")
    .execute();
  for (const r of rows) {
    const list = result.get(r.signatory_id) ?? [];
    list.push({ code: r.code, title: r.title, required: fromFlag(r.required), endorsed_on: r.endorsed_on });
    result.set(r.signatory_id, list);
  }
  return result;
}

type SummaryRow = {
  slug: string;
  name: string;
  website: string;
  country: string;
  sector: string;
  sector_name: string;
  description: string;
  joined_on: string;
  joined_precision: DatePrecision;
  founding: number;
  status: SignatoryStatus;
  withdrawn_on: string | null;
  updated_at: string;
};

function toSummary(r: SummaryRow, pledges: PledgeRef[]): SignatorySummary {
  return {
    slug: r.slug,
    name: r.name,
    website: r.website,
    country: r.country,
    sector: r.sector,
    sector_name: r.sector_name,
    description: r.description,
    joined_on: r.joined_on,
    joined_precision: r.joined_precision,
    founding: fromFlag(r.founding),
    status: r.status,
    withdrawn_on: r.withdrawn_on,
    updated_at: r.updated_at,
    pledges,
  };
}

export async function getSignatory(db: DB, slug: string): Promise<SignatoryDetail | null> {
  const row = await db
    .selectFrom("signatories")
    .innerJoin("sectors", "sectors.code", "signatories.sector")
    .select([...summaryColumns, "signatories.former_names", "signatories.notes"])
    .where("signatories.slug", "=", slug)
    .executeTakeFirst();
  if (!row) return null;
  const [pledges, sources, events] = await Promise.all([
    pledgesOf(db, [row.id]),
    sourcesOf(db, [row.id]),
    db
      .selectFrom("signatory_events")
      .leftJoin("pledges", "pledges.code", "signatory_events.pledge_code")
      .select([
        "signatory_events.kind",
        "signatory_events.occurred_on",
        "signatory_events.pledge_code",
        "pledges.title as pledge_title",
        "signatory_events.detail",
      ])
      .where("signatory_events.signatory_id", "=", row.id)
      .orderBy("signatory_events.occurred_on")
      .orderBy("signatory_events.id")
      .execute(),
  ]);
  return {
    ...toSummary(row, pledges.get(row.id) ?? []),
    former_names: row.former_names,
    notes: row.notes,
    events,
    sources: sources.get(row.id) ?? [],
    checked_on: lastChecked(sources.get(row.id) ?? []),
  };
}

/** Signatories by status (computed once per data version). */
export async function countByStatus(db: DB): Promise<Record<SignatoryStatus, number>> {
  const rows = await perVersion(db, "by status", () => figureOffEventLoop(db, "by status", statusCounts));
  const counts = { active: 0, withdrawn: 0, suspended: 0 };
  for (const r of rows) counts[r.status] = Number(r.count);
  return counts;
}

/** ~10 ms at 100,000 signatories (the search pool's workers compute it, worker.ts). */
export function statusCounts(db: DB) {
  return db
    .selectFrom("signatories")
    .select(["status", (eb) => eb.fn.countAll<number>().as("count")])
    .groupBy("status")
    .execute();
}

/** The most recent joiners still active, newest first. */
export async function latestJoiners(db: DB, limit: number) {
  return db
    .selectFrom("signatories")
    .select(["slug", "name", "country", "joined_on", "joined_precision"])
    .where("status", "=", "active")
    .orderBy("joined_on", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/** Signatories recorded as joining each year, the running total (all statuses: a later
 * withdrawal does not undo a join) and the latest join date of the year; only years with a
 * recorded join (computed once per data version). */
export async function joinsByYear(db: DB) {
  const rows = await perVersion(db, "joins by year", () => figureOffEventLoop(db, "joins by year", joinCounts));
  let cumulative = 0;
  return rows.map((r) => {
    cumulative += Number(r.joined);
    return { year: Number(r.year), joined: Number(r.joined), cumulative, last_on: String(r.last_on) };
  });
}

/** ~40 ms at 100,000 signatories (the search pool's workers compute it, worker.ts). */
export function joinCounts(db: DB) {
  return db
    .selectFrom("signatories")
    .select([
      sql<string>`substr(joined_on, 1, 4)`.as("year"),
      (eb) => eb.fn.countAll<number>().as("joined"),
      (eb) => eb.fn.max("joined_on").as("last_on"),
    ])
    .groupBy(sql`substr(joined_on, 1, 4)`)
    .orderBy("year")
    .execute();
}
