// Which tables hold public data, said once. The response cache keys its entries by
// `data_version` (migration 009), and a row there moves forward only when a trigger on the
// written table bumps it; a public table without its triggers would let the cache serve
// pages older than the last commit. So every table is either public (listed here, and
// given its triggers by makePublicData in the migration that creates or rebuilds it) or
// private (listed with the reason), and tests/integration/public-tables.test.ts checks a
// migrated database against both lists on both engines
// (docs/decisions/014-schema-and-public-tables.md).
import { sql, type Kysely } from "kysely";
import { isPostgres } from "./dialect";

/** Tables whose rows public pages, the API, the feed or the exports show (directly or counted). */
export const PUBLIC_TABLES: readonly string[] = [
  "sectors",
  "pledges",
  "signatories",
  "endorsements",
  "signatory_events",
  // Counted, never named, on /transparency; approved ones are a record's evidence. Only
  // rows past `unverified` are public: their triggers say so (migration 027).
  "applications",
  // Provenance and coverage (migration 014).
  "sources",
  "milestones",
  // A signatory's approved logo (migration 017): its pages and the API show it.
  "signatory_logos",
  // A signatory's security.txt as last checked (migration 022): the API, the CSV and its page.
  "security_contacts",
];

/** Every other table, and why no public answer depends on it. */
export const PRIVATE_TABLES: Readonly<Record<string, string>> = {
  application_events: "an application's timeline: its applicant's status page and moderators only",
  application_notes: "moderators' notes",
  application_pledges: "an application's chosen pledges: its applicant and moderators only",
  application_logos: "a logo sent with an application: moderators only, public once approved (copied to signatory_logos)",
  audit_log: "staff pages only",
  data_version: "the version itself",
  mail_attempts: "the outbox's delivery log",
  mail_outbox: "mail to applicants",
  rate_limit_hits: "rate-limit counters",
  staff: "staff accounts",
  staff_recovery_codes: "staff credentials",
  staff_sessions: "staff sessions",
  staff_passkeys: "staff credentials (passkeys)",
  webauthn_challenges: "staff sign-in challenges, used once",
  application_dns_proofs:
    "an application's DNS proof: its token and checks, for its applicant and moderators (what a public page shows is copied to applications)",
  security_txt_checks: "every security.txt check's result: staff pages only",
  security_txt_schedule: "when each signatory's security.txt is next checked, and the claim on it",
  security_txt_reminders: "which expiry reminders were mailed (migration 026): staff pages only",
  kysely_migration: "Kysely's record of applied migrations",
  kysely_migration_lock: "Kysely's migration lock",
  // SQLite's full-text index over signatories (on PostgreSQL a column of signatories). A
  // virtual table takes no triggers; it is rewritten in the transaction of every write to
  // signatories (app/modules/database/search.server.ts), whose triggers bump the version.
  signatory_search: "derived from signatories, written with them",
  signatory_search_config: "FTS5 shadow table of signatory_search",
  signatory_search_content: "FTS5 shadow table of signatory_search",
  signatory_search_data: "FTS5 shadow table of signatory_search",
  signatory_search_docsize: "FTS5 shadow table of signatory_search",
  signatory_search_idx: "FTS5 shadow table of signatory_search",
};

export const DATA_VERSION_WRITES = ["insert", "update", "delete"] as const;

/**
 * Gives a table the triggers that bump data_version inside every transaction that writes
 * it (PostgreSQL: one statement-level trigger calling bump_data_version(), made by
 * migration 009; SQLite: one trigger per kind of write). Idempotent, so a migration may
 * call it again for a table that already has them, and must call it again after an SQLite
 * table rebuild (dropping a table drops its triggers).
 */
export async function makePublicData(db: Kysely<any>, table: string): Promise<void> {
  const t = sql.table(table);
  if (isPostgres(db)) {
    const name = sql.id(`${table}_data_version`);
    await sql`drop trigger if exists ${name} on ${t}`.execute(db);
    await sql`create trigger ${name} after insert or update or delete on ${t}
      for each statement execute function bump_data_version()`.execute(db);
    return;
  }
  const bump = sql`begin update data_version set version = version + 1 where id = 1; end`;
  for (const write of DATA_VERSION_WRITES) {
    await sql`create trigger if not exists ${sql.id(`${table}_${write}_data_version`)} after ${sql.raw(write)} on ${t} ${bump}`.execute(db);
  }
}

/** Removes what makePublicData made (for a migration's down). */
export async function dropPublicData(db: Kysely<any>, table: string): Promise<void> {
  if (isPostgres(db)) {
    await sql`drop trigger if exists ${sql.id(`${table}_data_version`)} on ${sql.table(table)}`.execute(db);
    return;
  }
  for (const write of DATA_VERSION_WRITES) await sql`drop trigger if exists ${sql.id(`${table}_${write}_data_version`)}`.execute(db);
}
