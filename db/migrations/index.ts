// Migrations listed in code: FileMigrationProvider cannot load .ts files under vitest
// on Node 20, and a static list also bundles into the server build.
import type { Migration, MigrationProvider } from "kysely";
import * as m001 from "./001_initial";

const migrations: Record<string, Migration> = {
  "001_initial": m001,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
