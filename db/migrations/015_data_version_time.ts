// When the public data last changed (/open-data, issue 13): data_version gains the time of
// its latest bump, set in the same transaction as the bump itself. PostgreSQL: the bump
// function (migration 009) sets it; SQLite: a trigger on data_version's own version column
// (recursive triggers are off, and it writes only changed_at, so it cannot fire itself).
import { sql, type Kysely } from "kysely";
import { isPostgres } from "./dialect";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("data_version").addColumn("changed_at", "text").execute();
  if (isPostgres(db)) {
    await sql`create or replace function bump_data_version() returns trigger language plpgsql as $$
      begin
        update data_version set version = version + 1,
          changed_at = to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
          where id = 1;
        return null;
      end $$`.execute(db);
  } else {
    await sql`create trigger data_version_changed_at after update of version on data_version
      begin update data_version set changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') where id = 1; end`.execute(db);
  }
  // A database that already holds data: its latest known change until the next one.
  await sql`update data_version set changed_at = (select max(updated_at) from signatories) where id = 1`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`create or replace function bump_data_version() returns trigger language plpgsql as $$
      begin update data_version set version = version + 1 where id = 1; return null; end $$`.execute(db);
  } else {
    await sql`drop trigger if exists data_version_changed_at`.execute(db);
  }
  await db.schema.alterTable("data_version").dropColumn("changed_at").execute();
}
