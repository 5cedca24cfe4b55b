// The process-wide database named by DATABASE_URL. The connection itself is db/connection.ts.
import { closeDatabase, openDatabase, type DB } from "../../../db/connection";
import { getEnv } from "~/utils/env.server";
import { log } from "~/utils/log.server";

export {
  committedReader,
  immediateTransaction,
  isPostgres,
  listenForDataVersionChanges,
  migrateToLatest,
  openDatabase,
  pushedDataVersion,
  sqlitePath,
  type DB,
} from "../../../db/connection";

let instance: DB | undefined;

/** The process-wide database named by DATABASE_URL. */
export function getDb(): DB {
  instance ??= openDatabase(getEnv().DATABASE_URL, {
    onConnectionLost: (message) => log.warn({ event: "database_connection_lost", error: message }),
  });
  return instance;
}

export async function closeDb(): Promise<void> {
  const db = instance;
  instance = undefined;
  if (db) await closeDatabase(db);
}
