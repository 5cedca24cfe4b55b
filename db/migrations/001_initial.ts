import { sql, type Kysely } from "kysely";
import { idColumn, isPostgres } from "./dialect";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("sectors")
    .addColumn("code", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("pledges")
    .addColumn("code", "text", (c) => c.primaryKey())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("summary", "text", (c) => c.notNull())
    .addColumn("introduced_on", "text", (c) => c.notNull())
    .addColumn("required", "integer", (c) => c.notNull().check(sql`required in (0, 1)`))
    .addColumn("position", "integer", (c) => c.notNull())
    .execute();

  await idColumn(db, db.schema.createTable("signatories"))
    .addColumn("slug", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("website", "text", (c) => c.notNull())
    .addColumn("country", "text", (c) => c.notNull().check(sql`length(country) = 2`))
    .addColumn("sector", "text", (c) => c.notNull().references("sectors.code"))
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("joined_on", "text", (c) => c.notNull())
    .addColumn("founding", "integer", (c) => c.notNull().check(sql`founding in (0, 1)`))
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('active', 'withdrawn', 'suspended')`))
    .addColumn("withdrawn_on", "text")
    .addColumn("former_names", "text")
    .addColumn("notes", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  for (const column of ["name", "country", "sector", "joined_on", "status"]) {
    await db.schema.createIndex(`signatories_${column}_idx`).on("signatories").column(column).execute();
  }

  await db.schema
    .createTable("endorsements")
    .addColumn("signatory_id", "integer", (c) => c.notNull().references("signatories.id").onDelete("cascade"))
    .addColumn("pledge_code", "text", (c) => c.notNull().references("pledges.code"))
    .addColumn("endorsed_on", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("endorsements_pk", ["signatory_id", "pledge_code"])
    .execute();
  await db.schema.createIndex("endorsements_pledge_idx").on("endorsements").columns(["pledge_code", "signatory_id"]).execute();

  await idColumn(db, db.schema.createTable("signatory_events"))
    .addColumn("signatory_id", "integer", (c) => c.notNull().references("signatories.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('joined', 'pledge_endorsed', 'withdrawn', 'suspended', 'reinstated')`))
    .addColumn("occurred_on", "text", (c) => c.notNull())
    .addColumn("pledge_code", "text", (c) => c.references("pledges.code"))
    .addColumn("detail", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("signatory_events_signatory_idx").on("signatory_events").columns(["signatory_id", "occurred_on"]).execute();

  if (isPostgres(db)) {
    // Full-text search (PostgreSQL): a tsvector of the same words the SQLite index holds
    // (the app folds and splits the text, so both engines match alike), weighted A–D.
    await sql`alter table signatories add column search tsvector`.execute(db);
    await sql`create index signatories_search_idx on signatories using gin (search)`.execute(db);
  } else {
    // Full-text index (SQLite FTS5): diacritics folded by the tokenizer, prefix indexes
    // for 2- and 3-letter prefixes so prefix queries stay fast at 100,000 rows. The
    // directory module keeps it in sync inside each write transaction.
    await sql`
      create virtual table signatory_search using fts5(
        name, description, website, country_name, sector, notes,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3'
      )`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) await sql`drop table signatory_search`.execute(db);
  for (const table of ["signatory_events", "endorsements", "signatories", "pledges", "sectors"]) {
    await db.schema.dropTable(table).execute();
  }
}
