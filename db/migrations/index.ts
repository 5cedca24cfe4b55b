// Migrations listed in code: FileMigrationProvider cannot load .ts files under vitest
// on Node 20, and a static list also bundles into the server build.
import type { Migration, MigrationProvider } from "kysely";
import * as m001 from "./001_initial";
import * as m002 from "./002_applications_mail_limits";
import * as m003 from "./003_audit_log";

const migrations: Record<string, Migration> = {
  "001_initial": m001,
  "002_applications_mail_limits": m002,
  "003_audit_log": m003,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
