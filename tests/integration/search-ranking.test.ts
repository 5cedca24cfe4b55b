// A search page ranks its best few matches first and keeps the answer only when it is
// provably the one ranking every match gives; a search's total and its facet counts come
// from one grouped query (issue 16). Both must answer exactly what the plain definitions
// give: checked here against an oracle that filters every signatory in JavaScript and lets
// the database order only the ids it chose, over many queries on 6,000 signatories.
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { sortableLower } from "../../db/engine";
import { fromFlag } from "../../db/booleans";
import { searchIndex } from "~/modules/database/search.server";
import { candidatesFor, directoryFacets, knownCodes, searchSignatories } from "~/modules/directory/directory.server";
import { parseDirectoryQuery, type DirectoryQuery } from "~/modules/directory/query";
import { addSynthetic } from "~/modules/synth/generate.server";
import { useSeededDatabase } from "../helpers/db";

const getDb = useSeededDatabase();

type Row = {
  id: number;
  slug: string;
  country: string;
  sector: string;
  joined_on: string;
  founding: boolean;
  status: string;
  pledges: Set<string>;
};
let everyone: Row[] = [];

beforeAll(async () => {
  const db = getDb();
  await addSynthetic(db, 6_000);
  const endorsements = await db.selectFrom("endorsements").select(["signatory_id", "pledge_code"]).execute();
  const rows = await db.selectFrom("signatories").select(["id", "slug", "country", "sector", "joined_on", "founding", "status"]).execute();
  everyone = rows.map((r) => ({
    ...r,
    founding: fromFlag(r.founding),
    pledges: new Set(endorsements.filter((e) => e.signatory_id === r.id).map((e) => e.pledge_code)),
  }));
}, 120_000);

async function parse(search: string): Promise<DirectoryQuery> {
  const parsed = parseDirectoryQuery(new URLSearchParams(search), await knownCodes(getDb()));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.query;
}

type Filter = "country" | "sector" | "joined" | "founding" | "status";
/** The directory's filters, written out plainly; `skip` leaves one out (as a facet does). */
function passes(r: Row, q: DirectoryQuery, hits: Map<number, number> | null, skip?: Filter): boolean {
  if (hits && !hits.has(r.id)) return false;
  if (skip !== "status" && q.status !== "all" && r.status !== q.status) return false;
  if (skip !== "country" && q.country.length > 0 && !q.country.includes(r.country)) return false;
  if (skip !== "sector" && q.sector.length > 0 && !q.sector.includes(r.sector)) return false;
  if (!q.pledge.every((p) => r.pledges.has(p))) return false;
  const year = Number(r.joined_on.slice(0, 4));
  if (skip !== "joined" && q.joined && (year < q.joined.from || year > q.joined.to)) return false;
  if (skip !== "founding" && q.founding !== undefined && r.founding !== q.founding) return false;
  return true;
}

/** Every match's rank, from the index without any cut. */
async function allHits(q: DirectoryQuery): Promise<Map<number, number> | null> {
  if (q.words.length === 0) return null;
  const { rows } = await sql<{ id: number; rank: number }>`select * from ${searchIndex(getDb()).hits(q.words)} as h`.execute(getDb());
  return new Map(rows.map((r) => [Number(r.id), Number(r.rank)]));
}

/** The page the definition gives: the matches chosen here, ordered by rank, then name. */
async function expectedPage(q: DirectoryQuery, ids: number[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const db = getDb();
  const ranked = await db
    .selectFrom("signatories")
    .innerJoin(searchIndex(db).hits(q.words).as("h"), "h.id", "signatories.id")
    .select("signatories.slug")
    .where("signatories.id", "in", ids)
    .orderBy("h.rank")
    .orderBy(sortableLower(db, "signatories.name"))
    .orderBy("signatories.slug")
    .limit(q.perPage)
    .offset((q.page - 1) * q.perPage)
    .execute();
  return ranked.map((r) => r.slug);
}

const SEARCHES = [
  "q=secure",
  "q=cloud&page=3",
  "q=data&per_page=100&page=4",
  "q=synthetic&page=40",
  "q=synthetic&per_page=10&page=7",
  "q=net&country=US",
  "q=cyber&country=DE&country=FR&page=2",
  "q=protection&sector=security",
  "q=cloud hosting&status=all",
  "q=shield&status=withdrawn",
  "q=labs&joined=2019-2021&founding=0",
  "q=trust&pledge=coordinated-vulnerability-disclosure",
  "q=synthetic&status=withdrawn",
  "q=fictitious&sector=security&page=2",
  "q=fictitious&founding=0&joined=2025-2026&per_page=50",
  "q=synthetic&country=US&country=GB&country=DE&per_page=50",
  "q=microsoft",
  "q=zzznothing",
];

describe("a search page ranked from its best matches", () => {
  it("is the page that ranking every match gives, for broad, filtered, deep and tied searches", async () => {
    let tiedAtTheCut = 0;
    for (const search of [...SEARCHES, ...SEARCHES.map((s) => `${s}&sort=relevance`)]) {
      const q = await parse(search);
      const hits = await allHits(q);
      const ids = everyone.filter((r) => passes(r, q, hits)).map((r) => r.id);
      const page = await searchSignatories(getDb(), q);
      expect({ search, total: page.total, slugs: page.items.map((i) => i.slug) }).toEqual({
        search,
        total: ids.length,
        slugs: await expectedPage(q, ids),
      });
      // A tie across the cut is where ranking only the best could go wrong.
      const ranks = [...(hits?.values() ?? [])].sort((a, b) => a - b);
      const cut = candidatesFor(q.page * q.perPage);
      if (ranks.length > cut && ranks[cut - 1] === ranks[cut]) tiedAtTheCut++;
    }
    expect(tiedAtTheCut, "some searches tie across the cut").toBeGreaterThan(0);
  });
});

describe("a search's facet counts, from one grouped query", () => {
  it("are, for each filter, the matches of every other filter by that filter's values", async () => {
    for (const search of SEARCHES.concat([
      "",
      "country=US&sector=security",
      "status=all&joined=2018",
      "founding=1&pledge=coordinated-vulnerability-disclosure",
    ])) {
      const q = await parse(search);
      const hits = await allHits(q);
      const tally = (skip: Filter | null, by: (r: Row) => string | number) => {
        const sums = new Map<string | number, number>();
        for (const r of everyone) if (passes(r, q, hits, skip ?? undefined)) sums.set(by(r), (sums.get(by(r)) ?? 0) + 1);
        return sums;
      };
      const facets = await directoryFacets(getDb(), q);
      const asMap = <K>(list: { count: number }[], key: (x: never) => K) => new Map(list.map((x) => [key(x as never), x.count]));
      expect(
        asMap(facets.countries, (c: { code: string }) => c.code),
        search,
      ).toEqual(tally("country", (r) => r.country));
      expect(
        asMap(facets.sectors, (c: { code: string }) => c.code),
        search,
      ).toEqual(tally("sector", (r) => r.sector));
      expect(
        asMap(facets.years, (c: { year: number }) => c.year),
        search,
      ).toEqual(tally("joined", (r) => Number(r.joined_on.slice(0, 4))));
      expect(
        asMap(facets.statuses, (c: { code: string }) => c.code),
        search,
      ).toEqual(tally("status", (r) => r.status));
      const founding = tally("founding", (r) => String(r.founding));
      expect(facets.founding, search).toEqual({ founding: founding.get("true") ?? 0, later: founding.get("false") ?? 0 });
      const pledges = new Map<string, number>();
      for (const r of everyone) if (passes(r, q, hits)) for (const p of r.pledges) pledges.set(p, (pledges.get(p) ?? 0) + 1);
      expect(
        asMap(facets.pledges, (c: { code: string }) => c.code),
        search,
      ).toEqual(pledges);
      // Most first, then by code, as the filter sheet lists them.
      const counts = facets.countries.map((c) => c.count);
      expect(counts, search).toEqual([...counts].sort((a, b) => b - a));
    }
  });
});
