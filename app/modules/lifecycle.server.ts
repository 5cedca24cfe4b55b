// What the server process does around requests: prepare the database before listening,
// run background work while serving, and close cleanly on shutdown.
import { committedDataVersionSync, dataVersion } from "~/modules/cache/response-cache.server";
import { pruneHits } from "~/modules/security/rate-limit.server";
import { startMailSender } from "~/modules/mail/sender.server";
import { startRetention } from "~/modules/privacy/erasure.server";
import { startEvidenceChecks } from "~/modules/evidence/background.server";
import { runDueSecurityTxtChecks } from "~/modules/evidence/security-contact.server";
import { sendSecurityTxtReminders } from "~/modules/evidence/reminders.server";
import { getEnv } from "~/utils/env.server";
import { log } from "~/utils/log.server";
import { closeDb, getDb, listenForDataVersionChanges } from "./database/db.server";
import { prepareDatabase } from "./database/startup.server";
import { startSearchPool, type SearchPool } from "./search-pool/pool.server";

let searchPool: SearchPool | undefined;

export async function startup(): Promise<void> {
  const db = getDb();
  await prepareDatabase(db, (msg) => log.info({ event: "startup" }, msg));
  // PostgreSQL: the data version pushed to this process, so cache hits are answered
  // before Express (docs/decisions/025). After the migrations: 028 makes the commits send it.
  listenForDataVersionChanges(db, {
    onLost: (message) =>
      log.warn({ event: "data_version_listener_lost", error: message }, "cache hits read the data version until it is back"),
    onBack: () => log.info({ event: "data_version_listener_back" }),
  });
  // After the migrations: the workers open the file read-only (docs/decisions/023).
  searchPool = startSearchPool(getEnv().DATABASE_URL);
}

export function startBackground(): { stop(): Promise<void> } {
  const db = getDb();
  const mail = startMailSender(db);
  const prune = setInterval(() => pruneHits(db).catch((err) => log.error({ event: "prune_error", err })), 60 * 60 * 1000);
  prune.unref();
  // Retention (CONTRACT §8 RETENTION_DAYS, docs/decisions/017): soon after start-up, then hourly.
  const retention = startRetention(db, {
    retentionDays: () => getEnv().RETENTION_DAYS,
    firstAfterMs: 60 * 1000,
    everyMs: 60 * 60 * 1000,
    onReport: (report) => {
      if (report.applications.length > 0) {
        log.info({ event: "retention_erased", applications: report.applications.length, mails: report.mails }, "personal data erased");
      }
    },
    onError: (err) => log.error({ event: "retention_error", err }),
  });
  // Evidence (issue 18, docs/decisions/024): DNS proofs' re-checks, security.txt checks.
  const evidence = startEvidenceChecks(db, {
    firstAfterMs: 30 * 1000,
    everyMs: 60 * 1000,
    jobs: [
      (db) => runDueSecurityTxtChecks(db, { intervalHours: getEnv().SECURITY_TXT_INTERVAL_HOURS }),
      // Reminders of an expiring file to the contact on record, when asked for.
      (db) => (getEnv().SECURITY_TXT_REMINDERS ? sendSecurityTxtReminders(db) : Promise.resolve(0)),
    ],
    onError: (err) => log.error({ event: "evidence_error", err }),
  });
  return {
    async stop() {
      clearInterval(prune);
      retention.stop();
      await evidence.stop();
      await mail.stop();
    },
  };
}

/** The data version the response cache keys by (see migration 009). */
export function currentDataVersion(): Promise<number> {
  return dataVersion(getDb());
}

/** The same, synchronously: SQLite's file, or PostgreSQL's pushed version while current; else undefined. */
export function committedDataVersion(): number | undefined {
  return committedDataVersionSync(getDb());
}

export async function shutdown(): Promise<void> {
  await searchPool?.stop();
  searchPool = undefined;
  await closeDb();
}
