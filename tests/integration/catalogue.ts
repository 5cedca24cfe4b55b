// What a migrated database says about itself, read from its own catalogue (SQLite's
// sqlite_master and pragma table_info; PostgreSQL's information_schema and pg_catalog),
// in one shape for both engines. Used by schema.test.ts and public-tables.test.ts.
import { sql } from "kysely";
import { isPostgres, type DB } from "~/modules/database/db.server";

/** How a column's values are stored: the families db/schema.ts can name. */
export type Family = "text" | "integer" | "real" | "boolean-as-integer" | `other: ${string}`;

export interface CatalogueColumn {
  name: string;
  family: Family;
  /** The database accepts NULL (a primary key counts as NOT NULL: see sqliteColumns). */
  nullable: boolean;
  /** An insert may leave it out: it has a default, or is an auto-numbered key. */
  hasDefault: boolean;
}

/** Every table of the current schema (on SQLite also the search index's virtual and shadow tables). */
export async function tableNames(db: DB): Promise<string[]> {
  const { rows } = isPostgres(db)
    ? await sql<{ name: string }>`select table_name as name from information_schema.tables
        where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db)
    : await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\'`.execute(
        db,
      );
  return rows.map((r) => r.name).sort();
}

export async function columnsOf(db: DB, table: string): Promise<CatalogueColumn[]> {
  return isPostgres(db) ? postgresColumns(db, table) : sqliteColumns(db, table);
}

/** A CHECK that limits one column to 0 and 1, as the migrations write it (`column in (0, 1)`). */
function isZeroOrOneCheck(text: string, column: string): boolean {
  const name = `"?${column}"?`;
  return (
    // SQLite keeps the statement as written: `check (required in (0, 1))`.
    new RegExp(`check\\s*\\(\\s*${name}\\s+in\\s*\\(\\s*0\\s*,\\s*1\\s*\\)\\s*\\)`, "i").test(text) ||
    // PostgreSQL rewrites it: `CHECK ((required = ANY (ARRAY[0, 1])))`.
    new RegExp(`\\(${name}\\s*=\\s*any\\s*\\(array\\[0,\\s*1\\]\\)\\)`, "i").test(text)
  );
}

async function sqliteColumns(db: DB, table: string): Promise<CatalogueColumn[]> {
  const { rows: master } = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = ${table}`.execute(db);
  const createSql = master[0]?.sql ?? "";
  const { rows } = await sql<{ name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>`
    select name, type, "notnull", dflt_value, pk from pragma_table_info(${table})`.execute(db);
  const keyColumns = rows.filter((r) => r.pk > 0).length;
  return rows.map((r) => {
    // SQLite's type affinity rules (https://www.sqlite.org/datatype3.html, 3.1).
    const type = r.type.toUpperCase();
    let family: Family = type.includes("INT")
      ? "integer"
      : /CHAR|CLOB|TEXT/.test(type)
        ? "text"
        : /REAL|FLOA|DOUB/.test(type)
          ? "real"
          : `other: ${r.type || "(none)"}`;
    if (family === "integer" && isZeroOrOneCheck(createSql, r.name)) family = "boolean-as-integer";
    // An INTEGER PRIMARY KEY is the rowid: SQLite numbers it when an insert leaves it out.
    const rowid = r.pk > 0 && keyColumns === 1 && type === "INTEGER";
    return {
      name: r.name,
      family,
      // SQLite lets a non-integer PRIMARY KEY hold NULL (a documented legacy quirk), but
      // nothing here inserts one and PostgreSQL refuses it: keys count as NOT NULL.
      nullable: r.notnull === 0 && r.pk === 0,
      hasDefault: r.dflt_value !== null || rowid,
    };
  });
}

async function postgresColumns(db: DB, table: string): Promise<CatalogueColumn[]> {
  const { rows } = await sql<{ name: string; data_type: string; is_nullable: string; column_default: string | null }>`
    select column_name as name, data_type, is_nullable, column_default from information_schema.columns
    where table_schema = current_schema() and table_name = ${table} order by ordinal_position`.execute(db);
  const { rows: checks } = await sql<{ column: string; definition: string }>`
    select a.attname as column, pg_get_constraintdef(c.oid) as definition
    from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    where c.contype = 'c' and cardinality(c.conkey) = 1 and c.conrelid = ${sql.lit(table)}::regclass`.execute(db);
  return rows.map((r) => {
    let family: Family = ["text", "character varying", "character"].includes(r.data_type)
      ? "text"
      : ["integer", "bigint", "smallint"].includes(r.data_type)
        ? "integer"
        : ["real", "double precision", "numeric"].includes(r.data_type)
          ? "real"
          : `other: ${r.data_type}`;
    if (family === "integer" && checks.some((c) => c.column === r.name && isZeroOrOneCheck(c.definition, r.name))) {
      family = "boolean-as-integer";
    }
    return { name: r.name, family, nullable: r.is_nullable === "YES", hasDefault: r.column_default !== null };
  });
}

/** For each table, the writes (insert, update, delete) after which a trigger bumps data_version. */
export async function versionTriggers(db: DB): Promise<Map<string, Set<string>>> {
  const found = new Map<string, Set<string>>();
  const add = (table: string, event: string) => {
    if (!found.has(table)) found.set(table, new Set());
    found.get(table)!.add(event.toLowerCase());
  };
  if (isPostgres(db)) {
    // One row per event; the function is the one migration 009 made.
    const { rows } = await sql<{ table: string; event: string; timing: string; statement: string }>`
      select event_object_table as table, event_manipulation as event, action_timing as timing, action_statement as statement
      from information_schema.triggers where trigger_schema = current_schema()`.execute(db);
    for (const r of rows) {
      if (r.timing === "AFTER" && /execute function bump_data_version\(\)/i.test(r.statement)) add(r.table, r.event);
    }
  } else {
    const { rows } = await sql<{ table: string; sql: string }>`
      select tbl_name as "table", sql from sqlite_master where type = 'trigger'`.execute(db);
    for (const r of rows) {
      const event = /\bafter\s+(insert|update|delete)\s+on\b/i.exec(r.sql)?.[1];
      if (event && /update\s+data_version\s+set\s+version\s*=\s*version\s*\+\s*1\s+where\s+id\s*=\s*1/i.test(r.sql)) add(r.table, event);
    }
  }
  return found;
}
