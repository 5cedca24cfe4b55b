// A counter that every committed change to public data moves forward, bumped by
// triggers inside the writing transaction itself, whoever writes (the server, a CLI
// command, another instance). The response cache keys its entries by it.
import { sql, type Kysely } from "kysely";
import { isPostgres } from "./dialect";

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
    for (const table of VERSIONED_TABLES) {
      await sql`create trigger ${sql.id(`${table}_data_version`)} after insert or update or delete on ${sql.table(table)}
        for each statement execute function bump_data_version()`.execute(db);
    }
  } else {
    const bump = sql`begin update data_version set version = version + 1 where id = 1; end`;
    for (const table of VERSIONED_TABLES) {
      const t = sql.table(table);
      await sql`create trigger ${sql.id(`${table}_insert_data_version`)} after insert on ${t} ${bump}`.execute(db);
      await sql`create trigger ${sql.id(`${table}_update_data_version`)} after update on ${t} ${bump}`.execute(db);
      await sql`create trigger ${sql.id(`${table}_delete_data_version`)} after delete on ${t} ${bump}`.execute(db);
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of VERSIONED_TABLES) {
    if (isPostgres(db)) await sql`drop trigger ${sql.id(`${table}_data_version`)} on ${sql.table(table)}`.execute(db);
    else for (const op of ["insert", "update", "delete"]) await sql`drop trigger ${sql.id(`${table}_${op}_data_version`)}`.execute(db);
  }
  if (isPostgres(db)) await sql`drop function bump_data_version`.execute(db);
  await db.schema.dropTable("data_version").execute();
}
