import { sql, type Kysely } from "kysely";
import { getDomain } from "tldts";
import { idColumn } from "./dialect";

export async function up(db: Kysely<any>): Promise<void> {
  // Rate limits counted in the database, so they hold across restarts and instances.
  await idColumn(db, db.schema.createTable("rate_limit_hits"))
    .addColumn("bucket", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("at_ms", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("rate_limit_hits_lookup_idx").on("rate_limit_hits").columns(["bucket", "key", "at_ms"]).execute();

  // Transactional outbox: a mail is written with the change that causes it, and a sender
  // delivers it afterwards (at least once; the Message-ID lets receivers spot repeats).
  await idColumn(db, db.schema.createTable("mail_outbox"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("to_address", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("text_body", "text", (c) => c.notNull())
    .addColumn("html_body", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('pending', 'sending', 'sent', 'failed')`))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "text", (c) => c.notNull())
    .addColumn("lease_until", "text")
    .addColumn("last_error", "text")
    .addColumn("logged_at", "text")
    .addColumn("sent_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("mail_outbox_due_idx").on("mail_outbox").columns(["status", "next_attempt_at"]).execute();
  await idColumn(db, db.schema.createTable("mail_attempts"))
    .addColumn("mail_id", "integer", (c) => c.notNull().references("mail_outbox.id").onDelete("cascade"))
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("ok", "integer", (c) => c.notNull())
    .addColumn("error", "text")
    .execute();

  // Applications to join (CONTRACT §5).
  await idColumn(db, db.schema.createTable("applications"))
    .addColumn("ref", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("name_key", "text", (c) => c.notNull())
    .addColumn("website", "text", (c) => c.notNull())
    .addColumn("domain", "text", (c) => c.notNull())
    .addColumn("country", "text", (c) => c.notNull())
    .addColumn("sector", "text", (c) => c.notNull().references("sectors.code"))
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("contact_name", "text", (c) => c.notNull())
    .addColumn("contact_title", "text", (c) => c.notNull())
    .addColumn("contact_email", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('unverified', 'pending', 'changes_requested', 'approved', 'rejected', 'withdrawn')`),
    )
    .addColumn("verify_token_hash", "text", (c) => c.notNull())
    .addColumn("verify_expires_at", "text", (c) => c.notNull())
    .addColumn("status_token_hash", "text", (c) => c.notNull())
    .addColumn("verified_at", "text")
    .addColumn("decided_at", "text")
    .addColumn("decision_reason", "text")
    .addColumn("signatory_id", "integer", (c) => c.references("signatories.id"))
    .addColumn("client_ip", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("applications_status_idx").on("applications").columns(["status", "created_at"]).execute();
  await db.schema.createIndex("applications_domain_idx").on("applications").column("domain").execute();
  await db.schema.createIndex("applications_name_key_idx").on("applications").column("name_key").execute();

  await db.schema
    .createTable("application_pledges")
    .addColumn("application_id", "integer", (c) => c.notNull().references("applications.id").onDelete("cascade"))
    .addColumn("pledge_code", "text", (c) => c.notNull().references("pledges.code"))
    .addPrimaryKeyConstraint("application_pledges_pk", ["application_id", "pledge_code"])
    .execute();

  // The application's timeline, as the applicant and moderators see it.
  await idColumn(db, db.schema.createTable("application_events"))
    .addColumn("application_id", "integer", (c) => c.notNull().references("applications.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) =>
      c.notNull().check(sql`kind in ('submitted', 'verified', 'changes_requested', 'resubmitted', 'approved', 'rejected', 'withdrawn')`),
    )
    .addColumn("reason", "text")
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("application_events_app_idx").on("application_events").column("application_id").execute();

  // Signatories get the registrable domain of their website, for duplicate checks.
  await db.schema.alterTable("signatories").addColumn("domain", "text").execute();
  await db.schema.createIndex("signatories_domain_idx").on("signatories").column("domain").execute();
  const rows: { id: number; website: string }[] = await db.selectFrom("signatories").select(["id", "website"]).execute();
  for (const row of rows) {
    await db
      .updateTable("signatories")
      .set({ domain: getDomain(row.website) })
      .where("id", "=", row.id)
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("signatories_domain_idx").execute();
  await db.schema.alterTable("signatories").dropColumn("domain").execute();
  for (const table of ["application_events", "application_pledges", "applications", "mail_attempts", "mail_outbox", "rate_limit_hits"]) {
    await db.schema.dropTable(table).execute();
  }
}
