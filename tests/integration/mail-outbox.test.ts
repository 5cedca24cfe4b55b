// The outbox against a real SMTP server: delivered once, retried after a failure, kept
// (and logged) without SMTP, and never sent for a rolled-back change.
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, openDatabase } from "../../db/connection";
import { enqueueMail } from "~/modules/mail/outbox.server";
import { backoffMs, startMailSender } from "~/modules/mail/sender.server";
import { useSeededDatabase } from "../helpers/db";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp";

const getDb = useSeededDatabase();
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startTestSmtp();
});
afterAll(() => smtp.close());

const mail = (n: number) => ({
  kind: "test",
  to: `person${n}@example.org`,
  subject: `Message ${n}`,
  text: `Hello ${n}: http://registry.test/applications/AR-${n}?token=abc`,
  html: `<p>Hello ${n}</p>`,
});

describe("mail outbox", () => {
  it("survives a database that fails (a restart, a lost connection): the error is the pass's, never an unhandled rejection that ends the server", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    // A database without the outbox's table: every pass fails, as during an outage.
    const file = join(tmpdir(), `accord-broken-${randomUUID()}.db`);
    const broken = openDatabase(file);
    try {
      const sender = startMailSender(broken, { smtpUrl: smtp.url, pollMs: 60_000 });
      await expect(sender.flush()).rejects.toThrow(/no such table/);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await sender.stop();
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
      await closeDatabase(broken);
      for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
    }
  });

  it("delivers a committed mail once, with both parts and its links", async () => {
    const db = getDb();
    await db.transaction().execute((trx) => enqueueMail(trx, mail(1)));
    const sender = startMailSender(db, { smtpUrl: smtp.url, pollMs: 60_000 });
    await sender.flush();
    await sender.flush();
    await sender.stop();
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]).toMatchObject({ to: "person1@example.org", subject: "Message 1", html: expect.stringContaining("Hello 1") });
    expect(smtp.mails[0].links).toEqual(["http://registry.test/applications/AR-1?token=abc"]);
    const row = await db.selectFrom("mail_outbox").selectAll().where("subject", "=", "Message 1").executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("never sends the mail of a rolled-back transaction", async () => {
    const db = getDb();
    await expect(
      db.transaction().execute(async (trx) => {
        await enqueueMail(trx, mail(2));
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await db.selectFrom("mail_outbox").select("id").where("subject", "=", "Message 2").execute()).toEqual([]);
  });

  it("keeps a mail through an SMTP failure and delivers it once the server is back", async () => {
    const db = getDb();
    const before = smtp.mails.length;
    await db.transaction().execute((trx) => enqueueMail(trx, mail(3)));
    smtp.failing = true;
    const sender = startMailSender(db, { smtpUrl: smtp.url, pollMs: 60_000 });
    await sender.flush();
    let row = await db.selectFrom("mail_outbox").selectAll().where("subject", "=", "Message 3").executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "pending", attempts: 1, last_error: expect.stringContaining("451") });
    expect(row.next_attempt_at > new Date().toISOString()).toBe(true);

    // The server is back; once the backoff has passed the mail goes out, exactly once.
    smtp.failing = false;
    await db
      .updateTable("mail_outbox")
      .set({ next_attempt_at: new Date(0).toISOString() })
      .where("id", "=", row.id)
      .execute();
    await sender.flush();
    await sender.flush();
    await sender.stop();
    expect(smtp.mails.slice(before).map((m) => m.subject)).toEqual(["Message 3"]);
    row = await db.selectFrom("mail_outbox").selectAll().where("id", "=", row.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "sent", attempts: 2 });
    const attempts = await db.selectFrom("mail_attempts").select(["ok", "error"]).where("mail_id", "=", row.id).orderBy("id").execute();
    expect(attempts.map((a) => a.ok)).toEqual([0, 1]);
  });

  it("picks up a mail whose sender died mid-send once its lease has expired", async () => {
    const db = getDb();
    const before = smtp.mails.length;
    const id = await db.transaction().execute((trx) => enqueueMail(trx, mail(4)));
    await db
      .updateTable("mail_outbox")
      .set({ status: "sending", lease_until: new Date(Date.now() - 1000).toISOString() })
      .where("id", "=", id)
      .execute();
    const sender = startMailSender(db, { smtpUrl: smtp.url, pollMs: 60_000 });
    await sender.flush();
    await sender.stop();
    expect(smtp.mails.slice(before).map((m) => m.subject)).toEqual(["Message 4"]);
  });

  it("without SMTP keeps mail queued", async () => {
    const db = getDb();
    const id = await db.transaction().execute((trx) => enqueueMail(trx, mail(5)));
    const sender = startMailSender(db, { smtpUrl: undefined, pollMs: 60_000 });
    await sender.flush();
    await sender.stop();
    const row = await db.selectFrom("mail_outbox").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(row.status).toBe("pending");
    expect(row.logged_at).not.toBeNull();
  });

  it("backs off exponentially, up to an hour", () => {
    expect([1, 2, 3].map(backoffMs)).toEqual([10_000, 20_000, 40_000]);
    expect(backoffMs(30)).toBe(3_600_000);
  });
});
