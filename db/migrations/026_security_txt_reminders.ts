// Reminders of an expiring security.txt (issue 18, docs/decisions/024): with
// SECURITY_TXT_REMINDERS=1 the background mails a signatory's contact on record once per
// Expires date, 14 days before it. A row here says that the reminder for that date was
// queued (in the same transaction as its mail); the primary key makes it once. Private: no
// public page shows it.
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("security_txt_reminders")
    .addColumn("signatory_id", "integer", (c) => c.notNull().references("signatories.id").onDelete("cascade"))
    .addColumn("expires", "text", (c) => c.notNull())
    .addColumn("sent_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("security_txt_reminders_pk", ["signatory_id", "expires"])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("security_txt_reminders").execute();
}
