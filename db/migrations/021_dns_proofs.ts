// DNS domain proof (issue 18, docs/decisions/024): an applicant may publish a TXT record
// `accord-registry-verification=TOKEN` at `_accord-registry.<registrable domain>`. The token,
// the schedule of re-checks and the last answer live in a private table; what a public page
// may show once the application is approved (the domain the proof was for, when it was last
// confirmed) lives on the application's row, a public table, so the response cache moves
// when it changes.
import { sql, type Kysely } from "kysely";

export const DNS_OUTCOMES = ["confirmed", "absent", "wrong_token", "nxdomain", "timeout", "error"] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("applications").addColumn("dns_proof_domain", "text").execute();
  await db.schema.alterTable("applications").addColumn("dns_proof_confirmed_at", "text").execute();

  const outcomes = sql.join(DNS_OUTCOMES.map((o) => sql.lit(o)));
  await db.schema
    .createTable("application_dns_proofs")
    .addColumn("application_id", "integer", (c) => c.primaryKey().notNull().references("applications.id").onDelete("cascade"))
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("token", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("checked_at", "text")
    .addColumn("outcome", "text", (c) => c.check(sql`outcome in (${outcomes})`))
    .addColumn("detail", "text")
    .addColumn("confirmed_at", "text")
    .addColumn("next_check_at", "text")
    .addColumn("checks_left", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("lease_until", "text")
    .execute();
  await db.schema.createIndex("application_dns_proofs_next_check_idx").on("application_dns_proofs").column("next_check_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("application_dns_proofs").execute();
  await db.schema.alterTable("applications").dropColumn("dns_proof_confirmed_at").execute();
  await db.schema.alterTable("applications").dropColumn("dns_proof_domain").execute();
}
