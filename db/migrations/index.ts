// Migrations listed in code: FileMigrationProvider cannot load .ts files under vitest
// on Node 20, and a static list also bundles into the server build.
import type { Migration, MigrationProvider } from "kysely";
import * as m001 from "./001_initial";
import * as m009 from "./009_data_version";
import * as m010 from "./010_signatory_updated_event";
import * as m011 from "./011_open_application_domain";
import * as m012 from "./012_directory_order_indexes";
import * as m012b from "./012_password_change";
import * as m013 from "./013_resubmission_changes";
import * as m014 from "./014_provenance";
import * as m015 from "./015_data_version_time";
import * as m016 from "./016_personal_data_erasure";
import * as m017 from "./017_logos";
import * as m019 from "./019_staff_passkeys";
import * as m020 from "./020_webauthn_challenges";
import * as m021 from "./021_dns_proofs";
import * as m022 from "./022_security_txt";
import * as m026 from "./026_security_txt_reminders";
import * as m027 from "./027_applications_seen_rows";
import * as m028 from "./028_data_version_notify";
import * as m002 from "./002_applications_mail_limits";
import * as m003 from "./003_audit_log";
import * as m004 from "./004_staff";
import * as m005 from "./005_apply_status_seal";

const migrations: Record<string, Migration> = {
  "001_initial": m001,
  "002_applications_mail_limits": m002,
  "003_audit_log": m003,
  "004_staff": m004,
  "005_apply_status_seal": m005,
  "009_data_version": m009,
  "010_signatory_updated_event": m010,
  "011_open_application_domain": m011,
  "012_directory_order_indexes": m012,
  "012_password_change": m012b,
  "013_resubmission_changes": m013,
  "014_provenance": m014,
  "015_data_version_time": m015,
  "016_personal_data_erasure": m016,
  "017_logos": m017,
  "019_staff_passkeys": m019,
  "020_webauthn_challenges": m020,
  "021_dns_proofs": m021,
  "022_security_txt": m022,
  "026_security_txt_reminders": m026,
  "027_applications_seen_rows": m027,
  "028_data_version_notify": m028,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
