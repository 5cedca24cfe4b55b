// A counter that every committed change to public data moves forward, bumped by
// triggers inside the writing transaction itself, whoever writes (the server, a CLI
// command, another instance). The response cache keys its entries by it.
import { sql, type Kysely } from "kysely";
import { isPostgres } from "./dialect";
import { dropPublicData, makePublicData } from "./public-data";

// The public tables when this migration was written. Later ones are given their triggers
// by the migration that creates them (makePublicData) and listed in PUBLIC_TABLES.
export const VERSIONED_TABLES = ["sectors", "pledges", "signatories", "endorsements", "signatory_events", "applications"];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("data_version")
    .addColumn("id", "integer", (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn("version", "bigint", (c) => c.notNull())
    .execute();
  await db.insertInto("data_version").values({ id: 1, version: 1 }).execute();
  if (isPostgres(db)) {
    await sql`create function bump_data_version() returns trigger language plpgsql as $$
      begin update data_version set version = version + 1 where id = 1; return null; end $$`.execute(db);
  }
  for (const table of VERSIONED_TABLES) await makePublicData(db, table);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of VERSIONED_TABLES) await dropPublicData(db, table);
  if (isPostgres(db)) await sql`drop function bump_data_version`.execute(db);
  await db.schema.dropTable("data_version").execute();
}
