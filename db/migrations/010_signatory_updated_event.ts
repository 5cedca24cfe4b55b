// Edits to a signatory's record become part of its public history: the event kinds
// gain 'updated'. SQLite cannot alter a CHECK constraint, so the table is rebuilt.
import { sql, type Kysely } from "kysely";
import { isPostgres } from "./dialect";
import { makePublicData } from "./public-data";

const KINDS = ["joined", "pledge_endorsed", "withdrawn", "suspended", "reinstated", "updated"];

export async function up(db: Kysely<any>): Promise<void> {
  await rebuild(db, KINDS);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom("signatory_events").where("kind", "=", "updated").execute();
  await rebuild(
    db,
    KINDS.filter((k) => k !== "updated"),
  );
}

async function rebuild(db: Kysely<any>, kinds: string[]) {
  const check = sql`kind in (${sql.join(kinds.map((k) => sql.lit(k)))})`;
  if (isPostgres(db)) {
    await sql`alter table signatory_events drop constraint if exists signatory_events_kind_check`.execute(db);
    await sql`alter table signatory_events add constraint signatory_events_kind_check check (${check})`.execute(db);
    return;
  }
  await db.schema
    .createTable("signatory_events_new")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("signatory_id", "integer", (c) => c.notNull().references("signatories.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull().check(check))
    .addColumn("occurred_on", "text", (c) => c.notNull())
    .addColumn("pledge_code", "text", (c) => c.references("pledges.code"))
    .addColumn("detail", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await sql`insert into signatory_events_new select id, signatory_id, kind, occurred_on, pledge_code, detail, created_at from signatory_events`.execute(
    db,
  );
  await db.schema.dropTable("signatory_events").execute();
  await sql`alter table signatory_events_new rename to signatory_events`.execute(db);
  await db.schema.createIndex("signatory_events_signatory_idx").on("signatory_events").columns(["signatory_id", "occurred_on"]).execute();
  // The data-version triggers went with the old table (migration 009).
  await makePublicData(db, "signatory_events");
}
