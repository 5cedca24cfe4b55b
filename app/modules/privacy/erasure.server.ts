// Retention that is real (issue 13, docs/decisions/017). An applicant's personal data (the
// contact's name, job title, e-mail address, and the client address the form came from) is
// erased RETENTION_DAYS after the decision (or the withdrawal, or the expiry of a link
// nobody confirmed) by the background worker, and at once on request
// (`npm run privacy:erase -- --email E`). What the application says about the company
// (its name, website, domain, country, sector, description, dates, status) stays: it is
// no one's personal data, and an approved record's evidence rests on it.
//
// Erasing reaches everywhere the registry copied those data: the application's own row,
// moderators' and applicants' words that quote them (reasons, notes, what a resubmission
// changed), the audit log's erasable parts (the chain keeps their digests), the mails to
// the address and the rate-limit counters keyed by it. Each erasure is audited without the
// data it erased.
import { sql } from "kysely";
import type { Application } from "../../../db/schema";
import { appendAudit, eraseAuditPersonalData } from "~/modules/audit/audit.server";
import type { DB } from "~/modules/database/db.server";

/** What an erased field reads. */
export const ERASED = "[erased]";

const DAY_MS = 24 * 60 * 60 * 1000;
const BATCH = 100;

export interface ErasureReport {
  /** References of the applications whose personal data was erased now. */
  applications: string[];
  /** Open applications withdrawn because their contact asked for erasure. */
  withdrawn: string[];
  mails: number;
  auditEntries: number;
}

type Personal = Pick<Application, "id" | "ref" | "status" | "contact_name" | "contact_title" | "contact_email" | "client_ip">;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `text` with every occurrence of the contact's name, title and address replaced. */
function scrub(text: string | null, app: Personal): string | null {
  if (text === null) return null;
  let out = text;
  for (const value of [app.contact_email, app.contact_name, app.contact_title]) {
    if (value.trim().length < 2 || value === ERASED) continue;
    out = out.replace(new RegExp(escapeRegExp(value), "gi"), ERASED);
  }
  return out;
}

/** A resubmission's detail (migration 013) without the contact's old or new values. */
function scrubDetail(detail: string | null, app: Personal): string | null {
  if (detail === null) return null;
  try {
    const parsed = JSON.parse(detail) as { changes?: { field: string; from: unknown; to: unknown }[]; sentTo?: unknown };
    for (const change of parsed.changes ?? []) {
      if (change.field.startsWith("contact_")) {
        change.from = ERASED;
        change.to = ERASED;
      }
    }
    if (parsed.sentTo) parsed.sentTo = ERASED;
    return scrub(JSON.stringify(parsed), app);
  } catch {
    return scrub(detail, app);
  }
}

/**
 * Erases one application's personal data inside `trx`. Returns false (and writes nothing)
 * when another worker erased it first: the claim is a conditional update.
 */
async function eraseOne(trx: DB, app: Personal, at: Date, mailsBefore: string): Promise<{ erased: boolean; mails: number; audit: number }> {
  const claimed = await trx
    .updateTable("applications")
    .set({
      contact_name: ERASED,
      contact_title: ERASED,
      contact_email: ERASED,
      client_ip: ERASED,
      personal_data_erased_at: at.toISOString(),
    })
    .where("id", "=", app.id)
    .where("personal_data_erased_at", "is", null)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) return { erased: false, mails: 0, audit: 0 };

  const current = await trx.selectFrom("applications").select("decision_reason").where("id", "=", app.id).executeTakeFirstOrThrow();
  if (current.decision_reason !== null) {
    await trx
      .updateTable("applications")
      .set({ decision_reason: scrub(current.decision_reason, app) })
      .where("id", "=", app.id)
      .execute();
  }
  const events = await trx
    .selectFrom("application_events")
    .select(["id", "reason", "detail"])
    .where("application_id", "=", app.id)
    .execute();
  for (const e of events) {
    const reason = scrub(e.reason, app);
    const detail = scrubDetail(e.detail, app);
    if (reason !== e.reason || detail !== e.detail) {
      await trx.updateTable("application_events").set({ reason, detail }).where("id", "=", e.id).execute();
    }
  }
  const notes = await trx.selectFrom("application_notes").select(["id", "body"]).where("application_id", "=", app.id).execute();
  for (const n of notes) {
    const body = scrub(n.body, app) ?? "";
    if (body !== n.body) await trx.updateTable("application_notes").set({ body }).where("id", "=", n.id).execute();
  }
  const audit = await eraseAuditPersonalData(trx, "application", [app.ref], at);

  // Mails to the address that were delivered or given up before the cutoff, and what the
  // limits counted for it. (A mail still queued is left to be sent: erasure on request
  // withdraws the application first, and nothing new is queued for a withdrawn one.)
  const address = app.contact_email.toLowerCase();
  const mails = await trx
    .selectFrom("mail_outbox")
    .select("id")
    .where(sql<string>`lower(to_address)`, "=", address)
    .where("status", "in", ["sent", "failed"])
    .where("created_at", "<=", mailsBefore)
    .execute();
  const ids = mails.map((m) => m.id);
  for (let i = 0; i < ids.length; i += 500) {
    await trx
      .deleteFrom("mail_attempts")
      .where("mail_id", "in", ids.slice(i, i + 500))
      .execute();
    await trx
      .deleteFrom("mail_outbox")
      .where("id", "in", ids.slice(i, i + 500))
      .execute();
  }
  await trx.deleteFrom("rate_limit_hits").where("key", "=", address).execute();
  return { erased: true, mails: ids.length, audit };
}

const PERSONAL_COLUMNS = ["id", "ref", "status", "contact_name", "contact_title", "contact_email", "client_ip"] as const;

/**
 * The background worker's job: erases the personal data of every application decided,
 * withdrawn, or left unconfirmed (its link expired) more than `retentionDays` ago. One
 * audit entry per batch, as "system".
 */
export async function eraseExpiredPersonalData(db: DB, options: { retentionDays: number; now?: Date }): Promise<ErasureReport> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.retentionDays * DAY_MS).toISOString();
  const report: ErasureReport = { applications: [], withdrawn: [], mails: 0, auditEntries: 0 };
  for (;;) {
    const due = await db
      .selectFrom("applications")
      .select(PERSONAL_COLUMNS)
      .where("personal_data_erased_at", "is", null)
      .where((eb) =>
        eb.or([
          eb.and([eb("status", "in", ["approved", "rejected"]), eb("decided_at", "<", cutoff)]),
          eb.and([eb("status", "=", "withdrawn"), eb(eb.fn.coalesce("decided_at", "updated_at"), "<", cutoff)]),
          eb.and([eb("status", "=", "unverified"), eb("verify_expires_at", "<", cutoff)]),
        ]),
      )
      .orderBy("id")
      .limit(BATCH)
      .execute();
    if (due.length === 0) return report;
    const erased = await db.transaction().execute(async (trx) => {
      const done: string[] = [];
      for (const app of due) {
        const result = await eraseOne(trx, app, now, cutoff);
        if (!result.erased) continue;
        done.push(app.ref);
        report.mails += result.mails;
        report.auditEntries += result.audit;
      }
      if (done.length > 0) {
        await appendAudit(trx, {
          actor: "system",
          actorLabel: "Retention (background worker)",
          action: "privacy.retention",
          targetType: "application",
          targetId: done.length === 1 ? done[0] : `${done.length} applications`,
          reason: `Personal data kept ${options.retentionDays} days after the decision`,
          after: { applications: done, retention_days: options.retentionDays },
        });
      }
      return done;
    });
    report.applications.push(...erased);
    // Every row of the batch is now erased (or was by another worker): the next query moves on.
  }
}

/**
 * Erases at once the personal data of every application whose contact address is `email`
 * (any case), withdrawing those still open: what `npm run privacy:erase` does when someone
 * asks. Mails to the address are removed whatever their age, and the limits' counters for it.
 * Audited without the address.
 */
export async function erasePersonalDataByEmail(
  db: DB,
  email: string,
  by: { actor: string; actorLabel: string },
  now = new Date(),
): Promise<ErasureReport> {
  const address = email.trim().toLowerCase();
  return db.transaction().execute(async (trx) => {
    const report: ErasureReport = { applications: [], withdrawn: [], mails: 0, auditEntries: 0 };
    const apps = await trx
      .selectFrom("applications")
      .select(PERSONAL_COLUMNS)
      .where(sql<string>`lower(contact_email)`, "=", address)
      .where("personal_data_erased_at", "is", null)
      .orderBy("id")
      .execute();
    const at = now.toISOString();
    for (const app of apps) {
      if (["unverified", "pending", "changes_requested"].includes(app.status)) {
        await trx
          .updateTable("applications")
          .set({ status: "withdrawn", updated_at: at })
          .where("id", "=", app.id)
          .where("status", "=", app.status)
          .execute();
        await trx
          .insertInto("application_events")
          .values({
            application_id: app.id,
            kind: "withdrawn",
            reason: "Its contact asked for their personal data to be erased.",
            actor: "applicant",
            detail: null,
            created_at: at,
          })
          .execute();
        report.withdrawn.push(app.ref);
      }
      const result = await eraseOne(trx, app, now, at);
      if (!result.erased) continue;
      report.applications.push(app.ref);
      report.mails += result.mails;
      report.auditEntries += result.audit;
    }
    // Mail to the address that no application row names any more (an earlier contact address).
    const stray = await trx
      .selectFrom("mail_outbox")
      .select("id")
      .where(sql<string>`lower(to_address)`, "=", address)
      .execute();
    if (stray.length > 0) {
      const ids = stray.map((m) => m.id);
      await trx.deleteFrom("mail_attempts").where("mail_id", "in", ids).execute();
      await trx.deleteFrom("mail_outbox").where("id", "in", ids).execute();
      report.mails += ids.length;
    }
    await trx.deleteFrom("rate_limit_hits").where("key", "=", address).execute();
    if (report.applications.length > 0 || report.mails > 0) {
      await appendAudit(trx, {
        actor: by.actor,
        actorLabel: by.actorLabel,
        action: "privacy.erase",
        targetType: "application",
        targetId: report.applications.length === 1 ? report.applications[0] : `${report.applications.length} applications`,
        reason: "Erasure asked for by the person concerned",
        after: { applications: report.applications, withdrawn: report.withdrawn, mails: report.mails },
      });
    }
    return report;
  });
}

/**
 * The background worker's schedule: a first run soon after start-up, then one every
 * `everyMs`. Each run's report goes to `onReport` (the server logs it).
 */
export function startRetention(
  db: DB,
  options: {
    retentionDays: () => number;
    firstAfterMs: number;
    everyMs: number;
    onReport?: (report: ErasureReport) => void;
    onError?: (error: unknown) => void;
  },
): { stop(): void } {
  const run = () =>
    eraseExpiredPersonalData(db, { retentionDays: options.retentionDays() })
      .then((report) => options.onReport?.(report))
      .catch((error) => options.onError?.(error));
  const first = setTimeout(run, options.firstAfterMs);
  const every = setInterval(run, options.everyMs);
  first.unref();
  every.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(every);
    },
  };
}
