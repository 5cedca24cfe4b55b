// Reminders of an expiring security.txt (issue 18, docs/decisions/024): with
// SECURITY_TXT_REMINDERS=1 the background mails the contact on record of an active
// signatory whose valid security.txt expires within 14 days, once per Expires date (a
// renewed file with a new date gets its own reminder when that one comes near). The
// contact on record is the address of the approved application that made the signatory,
// while it is kept (retention erases it: then no mail goes out). The reminder's row and its
// mail commit together (the outbox), and the row's key (signatory, Expires) makes it once,
// also with several instances.
import type { DB } from "~/modules/database/db.server";
import { enqueueMail, mailHtml, mailSignature, type OutgoingMail } from "~/modules/mail/outbox.server";
import { ERASED } from "~/modules/privacy/erasure.server";
import { publicUrl } from "~/utils/env.server";
import { formatDate } from "~/utils/format";

export const REMIND_DAYS = 14;

export function reminderMail(
  to: { name: string; email: string },
  signatory: { name: string; slug: string },
  file: { url: string | null; expires: string },
): OutgoingMail {
  const page = publicUrl(`/signatories/${signatory.slug}`);
  const where = file.url ?? "your website's /.well-known/security.txt";
  const lines = [
    `Dear ${to.name},`,
    `The security.txt of ${signatory.name} (${where}) expires on ${formatDate(file.expires.slice(0, 10))}. After that date the registry shows its security contact as expired.`,
    "To keep it published, update the file's Expires field to a later date (RFC 9116 recommends less than a year ahead). The registry checks the file every day; the page of your entry shows what it last found:",
  ];
  return {
    kind: "security_txt_reminder",
    to: to.email,
    subject: `Your security.txt expires on ${formatDate(file.expires.slice(0, 10))} (${signatory.name})`,
    text: `${lines.join("\n\n")}\n${page}\n\n${mailSignature()}\n`,
    html: mailHtml([...lines.map((p) => ({ p })), { link: page, label: page }]),
  };
}

/** Queues the reminders due now. Returns how many were queued. */
export async function sendSecurityTxtReminders(db: DB, now = new Date()): Promise<number> {
  const at = now.toISOString();
  const until = new Date(now.getTime() + REMIND_DAYS * 86_400_000).toISOString();
  const due = await db
    .selectFrom("security_contacts")
    .innerJoin("signatories", "signatories.id", "security_contacts.signatory_id")
    .select(["signatories.id", "signatories.slug", "signatories.name", "security_contacts.expires", "security_contacts.url"])
    .where("signatories.status", "=", "active")
    .where("security_contacts.status", "=", "valid")
    .where("security_contacts.expires", ">", at)
    .where("security_contacts.expires", "<=", until)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("security_txt_reminders as r")
            .select("r.signatory_id")
            .whereRef("r.signatory_id", "=", "security_contacts.signatory_id")
            .whereRef("r.expires", "=", "security_contacts.expires"),
        ),
      ),
    )
    .orderBy("security_contacts.expires")
    .limit(50)
    .execute();
  let queued = 0;
  for (const s of due) {
    const contact = await db
      .selectFrom("applications")
      .select(["contact_name", "contact_email"])
      .where("signatory_id", "=", s.id)
      .where("status", "=", "approved")
      .where("personal_data_erased_at", "is", null)
      .where("contact_email", "!=", ERASED)
      .orderBy("decided_at", "desc")
      .executeTakeFirst();
    if (!contact) continue;
    const expires = s.expires!;
    const sent = await db.transaction().execute(async (trx) => {
      const claimed = await trx
        .insertInto("security_txt_reminders")
        .values({ signatory_id: s.id, expires, sent_at: at })
        .onConflict((oc) => oc.columns(["signatory_id", "expires"]).doNothing())
        .returning("signatory_id")
        .execute();
      if (claimed.length === 0) return false;
      await enqueueMail(trx, reminderMail({ name: contact.contact_name, email: contact.contact_email }, s, { url: s.url, expires }));
      return true;
    });
    if (sent) queued++;
  }
  return queued;
}
