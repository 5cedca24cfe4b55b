// db/schema.ts is written by hand, and the queries trust it: a column it names that the
// migrations never made, a nullable column it calls NOT NULL, or text it calls a number
// would only show as a wrong answer at run time. This migrates a fresh database and compares
// every table and column of db/schema.ts with the database's own catalogue, on SQLite and
// (TEST_ENGINE=postgres) on PostgreSQL. db/schema.ts is read with the TypeScript compiler's
// parser, so it stays the hand-written, commented file the app imports
// (docs/decisions/014-schema-and-public-tables.md).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { isPostgres } from "~/modules/database/db.server";
import { useMigratedDatabase } from "../helpers/db";
import { onPostgres } from "../helpers/engine";
import { columnsOf, tableNames, type CatalogueColumn, type Family } from "./catalogue";

const SCHEMA_FILE = fileURLToPath(new URL("../../db/schema.ts", import.meta.url));

/** Tables of the database that db/schema.ts leaves out on purpose. */
const TABLES_OUTSIDE_THE_SCHEMA: Record<string, string> = {
  kysely_migration: "Kysely's record of applied migrations",
  kysely_migration_lock: "Kysely's migration lock",
  // SQLite's full-text index (migration 001) and the shadow tables FTS5 keeps for it; only
  // app/modules/database/search.server.ts reads and writes it, in SQL of its own.
  signatory_search: "SQLite full-text index",
  signatory_search_config: "FTS5 shadow table",
  signatory_search_content: "FTS5 shadow table",
  signatory_search_data: "FTS5 shadow table",
  signatory_search_docsize: "FTS5 shadow table",
  signatory_search_idx: "FTS5 shadow table",
};

/** Columns of the database that db/schema.ts leaves out on purpose. */
const COLUMNS_OUTSIDE_THE_SCHEMA: Record<string, string> = {
  "signatories.search": "PostgreSQL's full-text vector (migration 001), written and read only by search.server.ts",
};

/** Booleans the migrations made as plain integers, without CHECK (column in (0, 1)). */
const BOOLEANS_WITHOUT_CHECK: Record<string, string> = {
  "mail_attempts.ok": "migration 002; the sender writes only 0 and 1",
};

interface SchemaColumn {
  name: string;
  family: Family;
  nullable: boolean;
  /** Generated<…>: inserts may leave it out, so the database must fill it. */
  generated: boolean;
}

/** The tables of db/schema.ts's `Database` interface and their columns, read from its syntax. */
export function readSchema(file = SCHEMA_FILE): Map<string, SchemaColumn[]> {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  const aliases = new Map<string, ts.TypeAliasDeclaration>();
  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement)) interfaces.set(statement.name.text, statement);
    if (ts.isTypeAliasDeclaration(statement)) aliases.set(statement.name.text, statement);
  }
  const where = (node: ts.Node) => `db/schema.ts:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;

  /** The families a type allows, whether it allows null, and whether it is Generated<>. */
  function describeType(node: ts.TypeNode): { families: Set<Family>; nullable: boolean; generated: boolean } {
    if (ts.isParenthesizedTypeNode(node)) return describeType(node.type);
    if (ts.isUnionTypeNode(node)) {
      const parts = node.types.map(describeType);
      return {
        families: new Set(parts.flatMap((p) => [...p.families])),
        nullable: parts.some((p) => p.nullable),
        generated: parts.some((p) => p.generated),
      };
    }
    if (ts.isLiteralTypeNode(node)) {
      if (node.literal.kind === ts.SyntaxKind.NullKeyword) return { families: new Set(), nullable: true, generated: false };
      if (ts.isStringLiteral(node.literal)) return { families: new Set(["text"]), nullable: false, generated: false };
      if (ts.isNumericLiteral(node.literal)) return { families: new Set(["integer"]), nullable: false, generated: false };
    }
    if (node.kind === ts.SyntaxKind.StringKeyword) return { families: new Set(["text"]), nullable: false, generated: false };
    // A plain number is an integer: every number column here is one. A real column would
    // need its own alias (`Real`), as booleans have theirs.
    if (node.kind === ts.SyntaxKind.NumberKeyword) return { families: new Set(["integer"]), nullable: false, generated: false };
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) {
      const name = node.typeName.text;
      if (name === "Generated" && node.typeArguments?.length === 1) return { ...describeType(node.typeArguments[0]), generated: true };
      if (name === "BooleanInteger") return { families: new Set(["boolean-as-integer"]), nullable: false, generated: false };
      if (name === "Real") return { families: new Set(["real"]), nullable: false, generated: false };
      const alias = aliases.get(name);
      if (alias) return describeType(alias.type);
    }
    throw new Error(`${where(node)}: the schema test cannot read the type \`${node.getText()}\`; teach readSchema what it stores as.`);
  }

  const database = interfaces.get("Database");
  if (!database) throw new Error("db/schema.ts has no `interface Database`");
  const tables = new Map<string, SchemaColumn[]>();
  for (const member of database.members) {
    if (!ts.isPropertySignature(member) || !member.type || !ts.isTypeReferenceNode(member.type) || !ts.isIdentifier(member.type.typeName)) {
      throw new Error(`${where(member)}: each Database member must name a table interface`);
    }
    const table = interfaces.get(member.type.typeName.text);
    if (!table) throw new Error(`${where(member)}: no interface ${member.type.typeName.text} in db/schema.ts`);
    tables.set(
      member.name.getText(source).replace(/^["']|["']$/g, ""),
      table.members.map((column) => {
        if (!ts.isPropertySignature(column) || !column.type) throw new Error(`${where(column)}: a column must be a typed property`);
        const name = column.name.getText(source).replace(/^["']|["']$/g, "");
        const { families, nullable, generated } = describeType(column.type);
        if (families.size !== 1) throw new Error(`${where(column)}: ${name} mixes ${[...families].join(" and ") || "no types"}`);
        return { name, family: [...families][0], nullable: nullable || column.questionToken !== undefined, generated };
      }),
    );
  }
  return tables;
}

/** What differs between one table of db/schema.ts and the database, as sentences. */
function differences(table: string, declared: SchemaColumn[], actual: CatalogueColumn[]): string[] {
  const problems: string[] = [];
  for (const column of actual) {
    const id = `${table}.${column.name}`;
    if (!declared.some((d) => d.name === column.name) && !COLUMNS_OUTSIDE_THE_SCHEMA[id]) {
      problems.push(`${id}: in the database, missing from db/schema.ts`);
    }
  }
  for (const column of declared) {
    const id = `${table}.${column.name}`;
    const real = actual.find((a) => a.name === column.name);
    if (!real) {
      problems.push(`${id}: in db/schema.ts, missing from the database`);
      continue;
    }
    const family =
      real.family === "integer" && column.family === "boolean-as-integer" && BOOLEANS_WITHOUT_CHECK[id] ? column.family : real.family;
    if (family !== column.family) problems.push(`${id}: db/schema.ts says ${column.family}, the database stores ${real.family}`);
    if (real.nullable !== column.nullable) {
      problems.push(
        `${id}: db/schema.ts says ${column.nullable ? "nullable" : "NOT NULL"}, the database has ${real.nullable ? "nullable" : "NOT NULL"}`,
      );
    }
    if (column.generated && !real.hasDefault) problems.push(`${id}: Generated<> in db/schema.ts, but the database has no default`);
  }
  return problems;
}

const schema = readSchema();
const getDb = useMigratedDatabase();
const catalogue = new Map<string, CatalogueColumn[]>();

beforeAll(async () => {
  for (const table of await tableNames(getDb())) catalogue.set(table, await columnsOf(getDb(), table));
});

describe(`db/schema.ts against a freshly migrated database (${onPostgres ? "PostgreSQL" : "SQLite"})`, () => {
  it("runs on the engine it says", () => {
    expect(isPostgres(getDb())).toBe(onPostgres);
  });

  it("names every table of the database, and only those", () => {
    const inDatabase = [...catalogue.keys()].filter((t) => !TABLES_OUTSIDE_THE_SCHEMA[t]);
    expect([...schema.keys()].sort()).toEqual(inDatabase.sort());
  });

  it.each([...schema.keys()])("%s: columns, nullability and types match", (table) => {
    const actual = catalogue.get(table);
    expect(actual, `table ${table} is missing from the database`).toBeDefined();
    expect(differences(table, schema.get(table)!, actual!)).toEqual([]);
  });

  it("the exceptions still exist (drop them when they no longer apply)", () => {
    for (const id of [...Object.keys(COLUMNS_OUTSIDE_THE_SCHEMA), ...Object.keys(BOOLEANS_WITHOUT_CHECK)]) {
      const [table, column] = id.split(".");
      // The search vector is PostgreSQL's only; SQLite's index is its own table.
      if (id === "signatories.search" && !onPostgres) continue;
      const real = catalogue.get(table)?.find((c) => c.name === column);
      expect(real, id).toBeDefined();
      if (BOOLEANS_WITHOUT_CHECK[id]) expect(real!.family, id).toBe("integer");
    }
  });
});

describe("the schema reader", () => {
  it("reads nullability, Generated<> and the boolean alias", () => {
    const staff = schema.get("staff")!;
    expect(staff.find((c) => c.name === "active")).toEqual({
      name: "active",
      family: "boolean-as-integer",
      nullable: false,
      generated: true,
    });
    expect(staff.find((c) => c.name === "totp_last_step")).toEqual({
      name: "totp_last_step",
      family: "integer",
      nullable: true,
      generated: false,
    });
    expect(schema.get("signatories")!.find((c) => c.name === "status")).toMatchObject({ family: "text", nullable: false });
  });

  it("finds a difference when there is one", () => {
    const declared: SchemaColumn[] = [
      { name: "a", family: "text", nullable: false, generated: false },
      { name: "b", family: "integer", nullable: true, generated: true },
      { name: "c", family: "boolean-as-integer", nullable: false, generated: false },
    ];
    const actual: CatalogueColumn[] = [
      { name: "a", family: "integer", nullable: true, hasDefault: false },
      { name: "b", family: "integer", nullable: true, hasDefault: false },
      { name: "d", family: "text", nullable: false, hasDefault: false },
    ];
    expect(differences("t", declared, actual)).toEqual([
      "t.d: in the database, missing from db/schema.ts",
      "t.a: db/schema.ts says text, the database stores integer",
      "t.a: db/schema.ts says NOT NULL, the database has nullable",
      "t.b: Generated<> in db/schema.ts, but the database has no default",
      "t.c: in db/schema.ts, missing from the database",
    ]);
  });
});
