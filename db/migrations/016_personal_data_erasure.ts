// Retention that is real (issue 13, docs/decisions/017). An application records when its
// contact's personal data was erased. An audit entry may carry an erasable part (what a
// moderator wrote about an application, which can name its contact): kept apart in
// personal_json with a random salt inside, while the hash chain covers only its SHA-256
// (personal_digest). Erasing the part leaves the digest, so the chain still verifies, and
// without the salt the digest gives nothing away.
//
// The audit log stays append-only (migration 003) with one exception, checked by the
// database itself: an update that erases an entry's erasable part (personal_json to null,
// personal_erased_at set) and changes nothing else.
import { sql, type Kysely } from "kysely";
import { isPostgres } from "./dialect";

/** Every column an erasure must leave as it was. */
const KEPT = [
  "id",
  "at",
  "actor",
  "actor_label",
  "action",
  "target_type",
  "target_id",
  "reason",
  "before_json",
  "after_json",
  "ip",
  "personal_digest",
  "prev_hash",
  "hash",
];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("applications").addColumn("personal_data_erased_at", "text").execute();
  await db.schema.alterTable("audit_log").addColumn("personal_json", "text").execute();
  await db.schema.alterTable("audit_log").addColumn("personal_digest", "text").execute();
  await db.schema.alterTable("audit_log").addColumn("personal_erased_at", "text").execute();

  if (isPostgres(db)) {
    const same = sql.raw(`(${KEPT.map((c) => `new.${c}`).join(", ")}) is not distinct from (${KEPT.map((c) => `old.${c}`).join(", ")})`);
    await sql`create or replace function audit_log_append_only() returns trigger language plpgsql as $$
      begin
        if tg_op = 'UPDATE' and old.personal_json is not null and new.personal_json is null
          and old.personal_erased_at is null and new.personal_erased_at is not null and ${same} then
          return new;
        end if;
        raise exception 'audit_log is append-only';
      end $$`.execute(db);
  } else {
    const same = sql.raw(KEPT.map((c) => `new.${c} is old.${c}`).join(" and "));
    await sql`drop trigger audit_log_no_update`.execute(db);
    await sql`create trigger audit_log_no_update before update on audit_log
      when not (old.personal_json is not null and new.personal_json is null
        and old.personal_erased_at is null and new.personal_erased_at is not null and ${same})
      begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`create or replace function audit_log_append_only() returns trigger language plpgsql as $$
      begin raise exception 'audit_log is append-only'; end $$`.execute(db);
  } else {
    await sql`drop trigger audit_log_no_update`.execute(db);
    await sql`create trigger audit_log_no_update before update on audit_log
      begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
  }
  for (const column of ["personal_erased_at", "personal_digest", "personal_json"]) {
    await db.schema.alterTable("audit_log").dropColumn(column).execute();
  }
  await db.schema.alterTable("applications").dropColumn("personal_data_erased_at").execute();
}
