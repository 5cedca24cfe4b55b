// A resubmission (the applicant's answer to a request for changes) keeps what it changed:
// the event gains a `detail` column holding JSON, for a resubmitted event
// `{ "changes": [{ "field", "from", "to" }], "reverify": boolean }`, so moderators see the
// old and new values and whether the contact address had to be confirmed again.
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("application_events").addColumn("detail", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("application_events").dropColumn("detail").execute();
}
