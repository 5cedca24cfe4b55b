// Retention that is real (issue 13, docs/decisions/017). An application records when its
// contact's personal data was erased. An audit entry may carry an erasable part (what a
// moderator wrote about an application, which can name its contact): kept apart in
// personal_json with a random salt inside, while the hash chain covers only its SHA-256
// (personal_digest). Erasing the part leaves the digest, so the chain still verifies, and
// without the salt the digest gives nothing away.
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("applications").addColumn("personal_data_erased_at", "text").execute();
  await db.schema.alterTable("audit_log").addColumn("personal_json", "text").execute();
  await db.schema.alterTable("audit_log").addColumn("personal_digest", "text").execute();
  await db.schema.alterTable("audit_log").addColumn("personal_erased_at", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ["personal_erased_at", "personal_digest", "personal_json"]) {
    await db.schema.alterTable("audit_log").dropColumn(column).execute();
  }
  await db.schema.alterTable("applications").dropColumn("personal_data_erased_at").execute();
}
