// The directory: every read of signatories, sectors and pledges that the public pages,
// the API and the exports use, and the writes that keep the search index in step.
import { sortableLower } from "../../../db/engine";
import { fromFlag, toFlag } from "../../../db/booleans";
import { sql, type SelectQueryBuilder } from "kysely";
import type { Database, DatePrecision, SignatoryEventKind, SignatoryStatus } from "../../../db/schema";
import { type DB } from "~/modules/database/db.server";
import { perVersion } from "~/modules/cache/per-version.server";
import { searchIndex } from "~/modules/database/search.server";
import { offEventLoop } from "~/modules/search-pool/run.server";
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
    perVersion(db, "endorsements", () =>
      db
        .selectFrom("endorsements")
        .innerJoin("signatories", "signatories.id", "endorsements.signatory_id")
        .where("signatories.status", "=", "active")
        .select(["endorsements.pledge_code", (e) => e.fn.countAll<number>().as("endorsements")])
        .groupBy("endorsements.pledge_code")
        .execute(),
    ),
  ]);
  const count = new Map(counts.map((c) => [c.pledge_code, Number(c.endorsements)]));
  return pledges.map((p) => ({ ...p, endorsements: count.get(p.code) ?? 0 }));
}

type Filterable = Omit<DirectoryQuery, "sort" | "page" | "perPage">;
type Base = SelectQueryBuilder<Database & { hits: { id: number; rank: number } }, "signatories" | "hits", object>;

/** A filter that a facet's counts leave out, so each option shows what choosing it would give. */
type Skippable = "country" | "sector" | "joined" | "founding" | "status";

/** Signatories matching every filter of the query (except the one named in `skip`). */
function filtered(db: DB, query: Filterable, skip: Skippable | null = null): Base {
  let qb = db.selectFrom("signatories") as unknown as Base;
  if (query.words.length > 0) {
    qb = qb.innerJoin(searchIndex(db).hits(query.words), "hits.id", "signatories.id");
  }
  if (query.status !== "all" && skip !== "status") qb = qb.where("signatories.status", "=", query.status);
  if (query.country.length > 0 && skip !== "country") {
    qb = qb.where("signatories.country", "in", query.country);
  }
  if (query.sector.length > 0 && skip !== "sector") {
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
  if (query.joined && skip !== "joined") {
    qb = qb
      .where("signatories.joined_on", ">=", `${query.joined.from}-01-01`)
      .where("signatories.joined_on", "<=", `${query.joined.to}-12-31`);
  }
  if (query.founding !== undefined && skip !== "founding") {
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
  const base = filtered(db, query);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as("total")).executeTakeFirstOrThrow();

  let rows = base.innerJoin("sectors", "sectors.code", "signatories.sector").select(summaryColumns);
  const byName = [sortableLower(db, "signatories.name"), "signatories.slug"] as const;
  if (query.sort === "relevance" && query.words.length > 0) {
    rows = rows.orderBy("hits.rank").orderBy(byName[0]).orderBy(byName[1]);
  } else if (query.sort === "joined" || query.sort === "-joined") {
    const direction = query.sort === "joined" ? "asc" : "desc";
    rows = rows.orderBy("signatories.joined_on", direction).orderBy(byName[0]).orderBy(byName[1]);
  } else {
    rows = rows.orderBy(byName[0]).orderBy(byName[1]);
  }
  const found = await rows
    .limit(query.perPage)
    .offset((query.page - 1) * query.perPage)
    .execute();

  const pledges = await pledgesOf(
    db,
    found.map((r) => r.id),
  );
  const count = Number(total);
  return {
    items: found.map((r) => toSummary(r, pledges.get(r.id) ?? [])),
    total: count,
    page: query.page,
    perPage: query.perPage,
    pages: Math.max(1, Math.ceil(count / query.perPage)),
  };
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
export async function directoryFacets(db: DB, query: DirectoryQuery): Promise<Facets> {
  const { words, country, sector, pledge, joined, founding, status } = query;
  return perVersion(db, `facets ${JSON.stringify([words, country, sector, pledge, joined, founding, status])}`, () =>
    offEventLoop(db, "facets", query, (reader) => countFacets(reader, query)),
  );
}

async function countFacets(db: DB, query: DirectoryQuery): Promise<Facets> {
  const year = sql<string>`substr(signatories.joined_on, 1, 4)`;
  const [countries, sectors, years, pledges, founding, statuses] = await Promise.all([
    filtered(db, query, "country")
      .select(["signatories.country as code", (eb) => eb.fn.countAll<number>().as("count")])
      .groupBy("signatories.country")
      .orderBy("count", "desc")
      .orderBy("signatories.country")
      .execute(),
    filtered(db, query, "sector")
      .select(["signatories.sector as code", (eb) => eb.fn.countAll<number>().as("count")])
      .groupBy("signatories.sector")
      .orderBy("count", "desc")
      .orderBy("signatories.sector")
      .execute(),
    filtered(db, query, "joined")
      .select([year.as("code"), (eb) => eb.fn.countAll<number>().as("count")])
      .groupBy(year)
      .orderBy(year)
      .execute(),
    filtered(db, query)
      .innerJoin("endorsements", "endorsements.signatory_id", "signatories.id")
      .select(["endorsements.pledge_code as code", (eb) => eb.fn.countAll<number>().as("count")])
      .groupBy("endorsements.pledge_code")
      .execute(),
    filtered(db, query, "founding")
      .select(["signatories.founding as code", (eb) => eb.fn.countAll<number>().as("count")])
      .groupBy("signatories.founding")
      .execute(),
    filtered(db, query, "status")
      .select(["signatories.status as code", (eb) => eb.fn.countAll<number>().as("count")])
      .groupBy("signatories.status")
      .execute(),
  ]);
  const numeric = <C>(rows: { code: C; count: number | string | bigint }[]) => rows.map((r) => ({ code: r.code, count: Number(r.count) }));
  const flags = numeric(founding);
  return {
    countries: numeric(countries),
    sectors: numeric(sectors),
    years: numeric(years).map((r) => ({ year: Number(r.code), count: r.count })),
    pledges: numeric(pledges),
    founding: {
      founding: flags.filter((r) => fromFlag(r.code)).reduce((sum, r) => sum + r.count, 0),
      later: flags.filter((r) => !fromFlag(r.code)).reduce((sum, r) => sum + r.count, 0),
    },
    statuses: numeric(statuses),
  };
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
  const rows = await perVersion(db, "by status", () =>
    db
      .selectFrom("signatories")
      .select(["status", (eb) => eb.fn.countAll<number>().as("count")])
      .groupBy("status")
      .execute(),
  );
  const counts = { active: 0, withdrawn: 0, suspended: 0 };
  for (const r of rows) counts[r.status] = Number(r.count);
  return counts;
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
  const rows = await perVersion(db, "joins by year", () =>
    db
      .selectFrom("signatories")
      .select([
        sql<string>`substr(joined_on, 1, 4)`.as("year"),
        (eb) => eb.fn.countAll<number>().as("joined"),
        (eb) => eb.fn.max("joined_on").as("last_on"),
      ])
      .groupBy(sql`substr(joined_on, 1, 4)`)
      .orderBy("year")
      .execute(),
  );
  let cumulative = 0;
  return rows.map((r) => {
    cumulative += Number(r.joined);
    return { year: Number(r.year), joined: Number(r.joined), cumulative, last_on: String(r.last_on) };
  });
}
