import type { Kysely } from "kysely";

// The verification page shows the applicant their private status link, yet the status
// token is stored only as a hash. So the token is also kept sealed (AES-256-GCM) under a
// key derived from the current verification token: whoever holds the verification link
// can open it, and the database alone cannot (docs/decisions/005-applications.md).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("applications").addColumn("status_token_sealed", "text").execute();
  await db.schema.createIndex("applications_verify_token_idx").on("applications").column("verify_token_hash").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("applications_verify_token_idx").execute();
  await db.schema.alterTable("applications").dropColumn("status_token_sealed").execute();
}
