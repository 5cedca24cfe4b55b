// Indexes that let the directory's default views stop after one page: active
// signatories by name (case-folded, as the directory sorts) and by join date, and the
// facet counts by country and sector, each answerable from the index alone.
import { sql, type Kysely } from "kysely";
import { isPostgres } from "./dialect";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("signatories_status_name_idx")
    .on("signatories")
    .columns(["status"])
    // The directory sorts PostgreSQL names in byte order (collate "C"), as SQLite does.
    .expression(isPostgres(db) ? sql`(lower(name) collate "C")` : sql`lower(name)`)
    .column("slug")
    .execute();
  await db.schema.createIndex("signatories_status_joined_idx").on("signatories").columns(["status", "joined_on"]).execute();
  // Both orders, so each facet is counted from an index whatever the other filter is.
  await db.schema.createIndex("signatories_status_country_idx").on("signatories").columns(["status", "country", "sector"]).execute();
  await db.schema.createIndex("signatories_status_sector_idx").on("signatories").columns(["status", "sector", "country"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of [
    "signatories_status_name_idx",
    "signatories_status_joined_idx",
    "signatories_status_country_idx",
    "signatories_status_sector_idx",
  ]) {
    await db.schema.dropIndex(name).execute();
  }
}
