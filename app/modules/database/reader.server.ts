// A read-only SQLite connection for the search pool's workers (docs/decisions/023): the
// same file the server writes, opened read-only, so a worker can never write, and in WAL
// mode it reads the last commit without waiting for the writer or making it wait.
import Sqlite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { Database } from "../../../db/schema";
import type { DB } from "./db.server";

export function openReadOnly(path: string): DB {
  const sqlite = new Sqlite(path, { readonly: true, fileMustExist: true });
  sqlite.pragma("busy_timeout = 5000");
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}
