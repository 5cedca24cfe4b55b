// security.txt checks (issue 18, docs/decisions/024): each active signatory's
// `/.well-known/security.txt` (RFC 9116) is fetched on a schedule. The current result is
// public (the API, the CSV and the signatory's page show it: data-version triggers); every
// check's result is kept as history, and the schedule with its claim, in private tables.
import { sql, type Kysely } from "kysely";
import { idColumn } from "./dialect";
import { dropPublicData, makePublicData } from "./public-data";

export const SECURITY_TXT_STATUSES = ["valid", "expired", "invalid", "missing"] as const;

export async function up(db: Kysely<any>): Promise<void> {
  const statuses = sql.join(SECURITY_TXT_STATUSES.map((s) => sql.lit(s)));
  await db.schema
    .createTable("security_contacts")
    .addColumn("signatory_id", "integer", (c) => c.primaryKey().notNull().references("signatories.id").onDelete("cascade"))
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in (${statuses})`))
    .addColumn("checked_at", "text", (c) => c.notNull())
    .addColumn("url", "text")
    .addColumn("contact_json", "text", (c) => c.notNull())
    .addColumn("policy", "text")
    .addColumn("expires", "text")
    .addColumn("signed", "integer", (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`signed in (0, 1)`),
    )
    .addColumn("detail", "text")
    .execute();
  await makePublicData(db, "security_contacts");

  await idColumn(db, db.schema.createTable("security_txt_checks"))
    .addColumn("signatory_id", "integer", (c) => c.notNull().references("signatories.id").onDelete("cascade"))
    .addColumn("checked_at", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in (${statuses})`))
    .addColumn("url", "text")
    .addColumn("http_status", "integer")
    .addColumn("expires", "text")
    .addColumn("detail", "text")
    .addColumn("requested_by", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("security_txt_checks_signatory_idx")
    .on("security_txt_checks")
    .columns(["signatory_id", "checked_at"])
    .execute();

  await db.schema
    .createTable("security_txt_schedule")
    .addColumn("signatory_id", "integer", (c) => c.primaryKey().notNull().references("signatories.id").onDelete("cascade"))
    .addColumn("next_check_at", "text", (c) => c.notNull())
    .addColumn("claimed_until", "text")
    .execute();
  await db.schema.createIndex("security_txt_schedule_due_idx").on("security_txt_schedule").column("next_check_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("security_txt_schedule").execute();
  await db.schema.dropTable("security_txt_checks").execute();
  await dropPublicData(db, "security_contacts");
  await db.schema.dropTable("security_contacts").execute();
}
