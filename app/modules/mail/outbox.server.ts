// The transactional outbox: a mail is queued in the same transaction as the change that
// causes it, so a committed change always has its mail and a rolled-back one never does.
// The sender (sender.server.ts) delivers queued mail afterwards.
import type { DB } from "~/modules/database/db.server";
import { getEnv, publicUrl } from "~/utils/env.server";

export interface OutgoingMail {
  /** What the mail is about ("application_received", "decision", …), for logs and tests. */
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

let wake: (() => void) | undefined;

export async function enqueueMail(trx: DB, mail: OutgoingMail): Promise<number> {
  const now = new Date().toISOString();
  const { id } = await trx
    .insertInto("mail_outbox")
    .values({
      kind: mail.kind,
      to_address: mail.to,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html,
      status: "pending",
      next_attempt_at: now,
      created_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  // Ask the sender to look soon; it only finds the mail once the transaction commits.
  setTimeout(() => wake?.(), 50);
  return id;
}

/** Lets the running sender be woken when mail is queued. */
export function onMailQueued(listener: (() => void) | undefined) {
  wake = listener;
}

/** Escapes text for the HTML part of a mail. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Who writes, where to reply, and the privacy notice (CONTRACT §8: OPERATOR_NAME and
 * CONTACT_EMAIL in e-mails): the last lines of every mail's text part. */
export function mailSignature(): string {
  const env = getEnv();
  return [
    `Accord Registry, run by ${env.OPERATOR_NAME}`,
    `Questions, or to have your personal data erased: ${env.CONTACT_EMAIL}`,
    `How your personal data is handled: ${publicUrl("/privacy")}`,
  ].join("\n");
}

/** The HTML part of a message from paragraphs and links: one plain, readable layout, signed
 * as the text part is (mailSignature). */
export function mailHtml(parts: ({ p: string } | { link: string; label: string })[]): string {
  const body = parts
    .map((part) =>
      "p" in part ? `<p>${escapeHtml(part.p)}</p>` : `<p><a href="${escapeHtml(part.link)}">${escapeHtml(part.label)}</a></p>`,
    )
    .join("\n");
  const env = getEnv();
  const privacy = publicUrl("/privacy");
  const signature =
    `<p style="color:#4a5263">Accord Registry, run by ${escapeHtml(env.OPERATOR_NAME)}<br>` +
    `Questions, or to have your personal data erased: <a href="mailto:${escapeHtml(env.CONTACT_EMAIL)}">${escapeHtml(env.CONTACT_EMAIL)}</a><br>` +
    `How your personal data is handled: <a href="${escapeHtml(privacy)}">${escapeHtml(privacy)}</a></p>`;
  return `<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5; color: #1b1f2a">\n${body}\n${signature}</body></html>`;
}
