// An application becomes public data only once it reaches moderation (issue 16). Until
// its applicant confirms the e-mail it is `unverified`, and no public page, API answer,
// feed or export counts or shows it: /transparency counts applications that were verified
// or reached a moderator's status (transparencyFigures), a record's evidence is an approved
// one. Yet the statement-level triggers of migration 009 bumped data_version for every
// write to the table, so each application sent through the form emptied the response
// cache and the per-version figures (every public page rendered anew, endorsements per
// pledge recounted: hundreds of milliseconds of event loop at 100,000 signatories,
// docs/performance.md). From here on a write to an application bumps the version when the
// row, before or after it, is SEEN: not `unverified`, or verified, or linked to a
// signatory (the last two never hold for an unverified row today; they keep the
// condition a superset of what public code reads if that changes).
// tests/integration/public-tables.test.ts checks both halves on both engines.
import { sql, type Kysely } from "kysely";
import { isPostgres } from "./dialect";
import { makePublicData } from "./public-data";

/** Whether an applications row (`new` or `old`) is public data. */
export const applicationSeen = (row: "new" | "old") => {
  const r = sql.raw(row.toUpperCase());
  return sql`(${r}.status <> 'unverified' or ${r}.verified_at is not null or ${r}.signatory_id is not null)`;
};

const WRITES = [
  { write: "insert", when: applicationSeen("new") },
  { write: "update", when: sql`${applicationSeen("old")} or ${applicationSeen("new")}` },
  { write: "delete", when: applicationSeen("old") },
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    // Row-level, so the condition can read the row; bump_data_version() (009, 015) serves both.
    await sql`drop trigger if exists applications_data_version on applications`.execute(db);
    for (const { write, when } of WRITES) {
      await sql`create trigger ${sql.id(`applications_${write}_data_version`)} after ${sql.raw(write)} on applications
        for each row when (${when}) execute function bump_data_version()`.execute(db);
    }
    return;
  }
  for (const { write, when } of WRITES) {
    const name = sql.id(`applications_${write}_data_version`);
    await sql`drop trigger if exists ${name}`.execute(db);
    await sql`create trigger ${name} after ${sql.raw(write)} on applications when ${when}
      begin update data_version set version = version + 1 where id = 1; end`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    for (const { write } of WRITES)
      await sql`drop trigger if exists ${sql.id(`applications_${write}_data_version`)} on applications`.execute(db);
  } else {
    for (const { write } of WRITES) await sql`drop trigger if exists ${sql.id(`applications_${write}_data_version`)}`.execute(db);
  }
  await makePublicData(db, "applications");
}
