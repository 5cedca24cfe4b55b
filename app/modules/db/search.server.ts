// The engine-specific half of full-text search, behind one small interface so the
// directory's queries stay portable (PostgreSQL gets its own implementation here).
import { sql, type AliasedRawBuilder } from "kysely";
import { countryName } from "~/modules/countries";
import { ftsQuery } from "~/modules/directory/search-text";
import type { DB } from "./db.server";

export type SearchHit = { id: number; rank: number };

export interface SearchIndex {
  /** Signatories matching every word (as prefixes), with a rank: lower is better. */
  hits(words: string[]): AliasedRawBuilder<SearchHit, "hits">;
  /** Rewrites the index entries of these signatories. Call it with the transaction
   * that changed them, so the index never disagrees with a committed row. */
  reindex(trx: DB, ids: number[]): Promise<void>;
}

const sqliteIndex: SearchIndex = {
  hits(words) {
    // bm25 weights follow the column order: a match in the name counts most.
    return sql<SearchHit>`(
      select rowid as id, bm25(signatory_search, 10.0, 2.0, 4.0, 3.0, 3.0, 1.0) as rank
      from signatory_search where signatory_search match ${ftsQuery(words)}
    )`.as("hits");
  },

  async reindex(trx, ids) {
    if (ids.length === 0) return;
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
    await sql`delete from signatory_search where rowid in (${sql.join(ids)})`.execute(trx);
    // Several rows a statement: bulk writers (seed, import, synth) reindex thousands.
    for (let i = 0; i < rows.length; i += 500) {
      const values = rows.slice(i, i + 500).map(
        (row) => sql`(${row.id}, ${[row.name, row.former_names].filter(Boolean).join(" ")},
          ${row.description}, ${row.website}, ${`${countryName(row.country)} ${row.country}`},
          ${`${row.sector_name} ${row.sector_code}`}, ${row.notes ?? ""})`,
      );
      await sql`
        insert into signatory_search (rowid, name, description, website, country_name, sector, notes)
        values ${sql.join(values)}`.execute(trx);
    }
  },
};

export function searchIndex(_db: DB): SearchIndex {
  return sqliteIndex;
}
