// Provenance and coverage (issue 13, docs/decisions/016): how precisely a joining date is
// known, the public sources behind each record and each endorsement, and the accord's
// size as public sources reported it (the milestones the registry's own count stands
// beside). Sources and milestones are public data: they get their data-version triggers.
import { sql, type Kysely } from "kysely";
import { idColumn } from "./dialect";
import { dropPublicData, makePublicData } from "./public-data";

export async function up(db: Kysely<any>): Promise<void> {
  // joined_on stays a full date (the first day of the period when less precise).
  await db.schema
    .alterTable("signatories")
    .addColumn("joined_precision", "text", (c) =>
      c
        .notNull()
        .defaultTo("day")
        .check(sql`joined_precision in ('day', 'month', 'year')`),
    )
    .execute();

  await idColumn(db, db.schema.createTable("sources"))
    .addColumn("signatory_id", "integer", (c) => c.notNull().references("signatories.id").onDelete("cascade"))
    // Null: a source for the record itself (that it joined, when, its facts); a pledge
    // code: a source for that endorsement.
    .addColumn("pledge_code", "text", (c) => c.references("pledges.code"))
    .addColumn("url", "text")
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("quote", "text")
    .addColumn("retrieved_on", "text")
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sources_signatory_idx").on("sources").columns(["signatory_id", "position"]).execute();
  await makePublicData(db, "sources");

  await idColumn(db, db.schema.createTable("milestones"))
    // A full date, the first day of the period when the source gives only a month or a year.
    .addColumn("as_of", "text", (c) => c.notNull())
    .addColumn("precision", "text", (c) => c.notNull().check(sql`precision in ('day', 'month', 'year')`))
    .addColumn("count", "integer", (c) => c.notNull())
    .addColumn("qualifier", "text", (c) => c.notNull().check(sql`qualifier in ('exactly', 'more than')`))
    .addColumn("source_url", "text")
    .addColumn("source_title", "text", (c) => c.notNull())
    .addColumn("quote", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("milestones_unique_idx").on("milestones").columns(["as_of", "count", "qualifier"]).unique().execute();
  await makePublicData(db, "milestones");
}

export async function down(db: Kysely<any>): Promise<void> {
  await dropPublicData(db, "milestones");
  await db.schema.dropTable("milestones").execute();
  await dropPublicData(db, "sources");
  await db.schema.dropTable("sources").execute();
  await db.schema.alterTable("signatories").dropColumn("joined_precision").execute();
}
