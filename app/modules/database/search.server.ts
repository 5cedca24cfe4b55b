// The engine-specific half of full-text search, behind one small interface so the
// directory's queries stay portable (PostgreSQL gets its own implementation here).
import { sql, type RawBuilder, type SelectQueryBuilder } from "kysely";
import type { Database } from "../../../db/schema";
import { countryName } from "~/modules/countries";
import { foldWords, ftsQuery } from "~/modules/directory/search-text";
import { isPostgres, type DB } from "./db.server";

type SearchHit = { id: number; rank: number };
type Signatories = SelectQueryBuilder<Database, "signatories", object>;
type WithHits = SelectQueryBuilder<Database & { hits: SearchHit }, "signatories" | "hits", object>;

export interface SearchIndex {
  /** Signatories matching every word (as prefixes), with a rank: lower is better; with
   * `best`, only that many of the best ranked (ties at the cut fall either side). A
   * parenthesised subquery, for a join or a common table expression. */
  hits(words: string[], best?: number): RawBuilder<SearchHit>;
  /** A query over `signatories` narrowed to the matches of `words`, with their `hits.rank`. */
  joinHits(qb: Signatories, words: string[]): WithHits;
  /** Rewrites the index entries of these signatories. Call it with the transaction
   * that changed them, so the index never disagrees with a committed row. */
  reindex(trx: DB, ids: number[]): Promise<void>;
}

const sqliteIndex: SearchIndex = {
  hits(words, best) {
    // bm25 weights follow the column order: a match in the name counts most.
    return sql<SearchHit>`(
      select rowid as id, bm25(signatory_search, 10.0, 2.0, 4.0, 3.0, 3.0, 1.0) as rank
      from signatory_search where signatory_search match ${ftsQuery(words)}${bestOf(best)}
    )`;
  },

  joinHits(qb, words) {
    return qb.innerJoin(this.hits(words).as("hits"), "hits.id", "signatories.id");
  },

  async reindex(trx, ids) {
    if (ids.length === 0) return;
    const rows = await indexedText(trx, ids);
    await sql`delete from signatory_search where rowid in (${sql.join(ids)})`.execute(trx);
    // Several rows a statement: bulk writers (seed, import, synth) reindex thousands.
    for (let i = 0; i < rows.length; i += 500) {
      const values = rows
        .slice(i, i + 500)
        .map((row) => sql`(${row.id}, ${row.name}, ${row.description}, ${row.website}, ${row.country}, ${row.sector}, ${row.notes})`);
      await sql`
        insert into signatory_search (rowid, name, description, website, country_name, sector, notes)
        values ${sql.join(values)}`.execute(trx);
    }
  },
};

/**
 * PostgreSQL: a weighted tsvector column. The words are folded and split here, by the
 * same function that splits a search, and handed to the 'simple' configuration, so the
 * two engines find the same signatories for the same query.
 */
const postgresIndex: SearchIndex = {
  hits(words, best) {
    return sql<SearchHit>`(
      select s.id, -ts_rank('{0.2, 0.3, 0.4, 1.0}', s.search, q) as rank
      from signatories s, to_tsquery('simple', ${tsQuery(words)}) q
      where s.search @@ q${bestOf(best)}
    )`;
  },

  // The match and its rank on the row being read (a lateral join): joining a subquery over
  // signatories back to signatories by id scanned the table twice (issue 16: the grouped
  // counts of a broad search at 100,000 signatories, 170 ms → 87 ms).
  joinHits(qb, words) {
    return qb.innerJoinLateral(
      sql<SearchHit>`(
        select signatories.id, -ts_rank('{0.2, 0.3, 0.4, 1.0}', signatories.search, q) as rank
        from to_tsquery('simple', ${tsQuery(words)}) q
        where signatories.search @@ q
      )`.as("hits"),
      (join) => join.onTrue(),
    );
  },

  async reindex(trx, ids) {
    if (ids.length === 0) return;
    const rows = await indexedText(trx, ids);
    const words = (text: string) => foldWords(text).join(" ");
    for (let i = 0; i < rows.length; i += 500) {
      const values = rows.slice(i, i + 500).map(
        (row) => sql`(${row.id}::int, ${words(row.name)}::text, ${words(row.website)}::text,
          ${words(`${row.country} ${row.sector}`)}::text, ${words(`${row.description} ${row.notes}`)}::text)`,
      );
      await sql`
        update signatories as s set search =
          setweight(to_tsvector('simple', v.a), 'A') || setweight(to_tsvector('simple', v.b), 'B') ||
          setweight(to_tsvector('simple', v.c), 'C') || setweight(to_tsvector('simple', v.d), 'D')
        from (values ${sql.join(values)}) as v(id, a, b, c, d)
        where s.id = v.id`.execute(trx);
    }
  },
};

const tsQuery = (words: string[]) => words.map((w) => `${w}:*`).join(" & ");
const bestOf = (best: number | undefined) => (best === undefined ? sql`` : sql` order by rank limit ${best}`);

/** What the index holds for each signatory, column by column. */
async function indexedText(trx: DB, ids: number[]) {
  const rows = await trx
    .selectFrom("signatories")
    .innerJoin("sectors", "sectors.code", "signatories.sector")
    .select([
      "signatories.id",
      "signatories.name",
      "signatories.description",
      "signatories.website",
      "signatories.country",
      "signatories.former_names",
      "signatories.notes",
      "sectors.code as sector_code",
      "sectors.name as sector_name",
    ])
    .where("signatories.id", "in", ids)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: [row.name, row.former_names].filter(Boolean).join(" "),
    description: row.description,
    website: row.website,
    country: `${countryName(row.country)} ${row.country}`,
    sector: `${row.sector_name} ${row.sector_code}`,
    notes: row.notes ?? "",
  }));
}

export function searchIndex(db: DB): SearchIndex {
  return isPostgres(db) ? postgresIndex : sqliteIndex;
}
