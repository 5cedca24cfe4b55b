// Delivers the outbox through nodemailer to SMTP_URL. Each attempt is recorded; a
// failure is retried with exponential backoff; a crash mid-send leaves a lease that
// expires, so the mail is picked up again after a restart. Without SMTP_URL mail stays
// queued and is printed to the log once, so a developer can follow its links.
import nodemailer, { type Transporter } from "nodemailer";
import { sql, type ExpressionBuilder } from "kysely";
import type { Database } from "../../../db/schema";
import { isPostgres, type DB } from "~/modules/database/db.server";
import { getEnv } from "~/utils/env.server";
import { log } from "~/utils/log.server";
import { onMailQueued } from "./outbox.server";

const BATCH = 10;
const DELIVERED = "[delivered; the body was removed after delivery]";
const LEASE_MS = 60_000;
const MAX_ATTEMPTS = 12;

/** 10 s, 20 s, 40 s … capped at one hour. */
export function backoffMs(attempts: number): number {
  return Math.min(60 * 60 * 1000, 10_000 * 2 ** Math.max(0, attempts - 1));
}

const isDue = (nowIso: string) => (eb: ExpressionBuilder<Database, "mail_outbox">) =>
  eb.or([
    eb.and([eb("status", "=", "pending"), eb("next_attempt_at", "<=", nowIso)]),
    // A sender that died mid-send left a lease; once it expires the mail is due again.
    eb.and([eb("status", "=", "sending"), eb("lease_until", "<", nowIso)]),
  ]);

/**
 * Takes a lease on a batch of due mails, so that no other sender (another instance)
 * sends them meanwhile. PostgreSQL: FOR UPDATE SKIP LOCKED, so instances claim
 * different rows without waiting on each other. SQLite (one writer at a time): a
 * conditional update per row that only one claimant can win.
 */
async function claimDue(db: DB, nowIso: string, leaseUntil: string): Promise<number[]> {
  if (isPostgres(db)) {
    return db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom("mail_outbox")
        .select("id")
        .where(isDue(nowIso))
        .orderBy("id")
        .limit(BATCH)
        .forUpdate()
        .skipLocked()
        .execute();
      const ids = rows.map((r) => r.id);
      if (ids.length > 0) {
        await trx.updateTable("mail_outbox").set({ status: "sending", lease_until: leaseUntil }).where("id", "in", ids).execute();
      }
      return ids;
    });
  }
  const due = await db.selectFrom("mail_outbox").select("id").where(isDue(nowIso)).orderBy("id").limit(BATCH).execute();
  const claimed: number[] = [];
  for (const { id } of due) {
    const claim = await db
      .updateTable("mail_outbox")
      .set({ status: "sending", lease_until: leaseUntil })
      .where("id", "=", id)
      .where(isDue(nowIso))
      .executeTakeFirst();
    if (Number(claim.numUpdatedRows) === 1) claimed.push(id);
  }
  return claimed;
}

export interface MailSender {
  /** Delivers every mail that is due now; resolves when done. */
  flush(): Promise<number>;
  stop(): Promise<void>;
}

export function startMailSender(db: DB, options: { smtpUrl?: string; from?: string; pollMs?: number } = {}): MailSender {
  const env = getEnv();
  const smtpUrl = options.smtpUrl ?? env.SMTP_URL;
  const from = options.from ?? env.MAIL_FROM;
  const host = new URL(env.PUBLIC_URL).hostname;
  const transport: Transporter | undefined = smtpUrl ? nodemailer.createTransport(smtpUrl) : undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function deliverDue(): Promise<number> {
    const now = new Date();
    const nowIso = now.toISOString();
    if (!transport) {
      const unlogged = await db.selectFrom("mail_outbox").selectAll().where("logged_at", "is", null).execute();
      for (const mail of unlogged) {
        // Outside production the whole mail is printed, so a developer can follow its
        // links; in production its links carry live tokens, which never go to a log.
        const text = env.NODE_ENV === "production" ? undefined : mail.text_body;
        log.info(
          { event: "mail_kept", mailId: mail.id, kind: mail.kind, to: mail.to_address, subject: mail.subject, text },
          "SMTP_URL is not set: mail kept in the outbox",
        );
        await db.updateTable("mail_outbox").set({ logged_at: nowIso }).where("id", "=", mail.id).execute();
      }
      return 0;
    }
    const leaseUntil = new Date(now.getTime() + LEASE_MS).toISOString();
    const claimed = await claimDue(db, nowIso, leaseUntil);
    let sent = 0;
    for (const id of claimed) {
      const mail = await db.selectFrom("mail_outbox").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      const at = new Date().toISOString();
      try {
        await transport.sendMail({
          from,
          to: mail.to_address,
          subject: mail.subject,
          text: mail.text_body,
          html: mail.html_body,
          messageId: `<outbox-${mail.id}-${mail.created_at.replace(/\D/g, "")}@${host}>`,
        });
        await db.transaction().execute(async (trx) => {
          await trx
            .updateTable("mail_outbox")
            // Delivered mail keeps its envelope but not its body: bodies carry access
            // links (verification and status tokens) that the database must not hold
            // in the clear once they have done their job.
            .set({
              status: "sent",
              sent_at: at,
              lease_until: null,
              last_error: null,
              attempts: sql`attempts + 1`,
              text_body: DELIVERED,
              html_body: DELIVERED,
            })
            .where("id", "=", id)
            .execute();
          await trx.insertInto("mail_attempts").values({ mail_id: id, at, ok: 1, error: null }).execute();
        });
        sent++;
        log.info({ event: "mail_sent", mailId: id, kind: mail.kind });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const attempts = mail.attempts + 1;
        const failed = attempts >= MAX_ATTEMPTS;
        await db.transaction().execute(async (trx) => {
          await trx
            .updateTable("mail_outbox")
            .set({
              status: failed ? "failed" : "pending",
              attempts,
              last_error: message.slice(0, 1000),
              lease_until: null,
              next_attempt_at: new Date(Date.now() + backoffMs(attempts)).toISOString(),
            })
            .where("id", "=", id)
            .execute();
          await trx
            .insertInto("mail_attempts")
            .values({ mail_id: id, at, ok: 0, error: message.slice(0, 1000) })
            .execute();
        });
        log.warn({ event: failed ? "mail_failed" : "mail_retry", mailId: id, attempts, error: message });
      }
    }
    return sent;
  }

  function flush(): Promise<number> {
    // One pass at a time; a flush during a pass waits for it and runs another. A failed
    // pass (the database restarting, say) rejects for its caller only: `running` only
    // orders passes and never rejects, so nothing is left unhandled to end the process.
    const next = (running ?? Promise.resolve()).then(() => deliverDue());
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    running = settled;
    void settled.then(() => {
      if (running === settled) running = undefined;
    });
    return next;
  }

  const tick = () => {
    if (!stopped) flush().catch((error) => log.error({ event: "mail_sender_error", err: error }));
  };
  const timer = setInterval(tick, options.pollMs ?? 2_000);
  timer.unref();
  onMailQueued(tick);
  tick();

  return {
    flush,
    async stop() {
      stopped = true;
      clearInterval(timer);
      onMailQueued(undefined);
      await running;
      transport?.close();
    },
  };
}
