// The data version pushed to every serving process (issue 16, docs/decisions/025): on
// PostgreSQL, bump_data_version() (migrations 009, 015) also sends the new version on the
// channel `accord_data_version`. PostgreSQL delivers a notification only after its
// transaction commits, in commit order, to every session that LISTENs; one sent by a
// transaction that rolls back is never delivered. Each statement (each row, for
// applications: migration 027) that bumps the version sends one. SQLite: unchanged (the
// server reads the version synchronously from the file).
import { sql, type Kysely } from "kysely";
import { isPostgres } from "./dialect";

export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`create or replace function bump_data_version() returns trigger language plpgsql as $$
    declare
      bumped bigint;
    begin
      update data_version set version = version + 1,
        changed_at = to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        where id = 1
        returning version into bumped;
      perform pg_notify('accord_data_version', bumped::text);
      return null;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`create or replace function bump_data_version() returns trigger language plpgsql as $$
    begin
      update data_version set version = version + 1,
        changed_at = to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        where id = 1;
      return null;
    end $$`.execute(db);
}
