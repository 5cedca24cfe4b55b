// The mails an applicant receives from the application process. Each has a text and an
// HTML part with the same content; links are absolute (PUBLIC_URL).
import type { OutgoingMail } from "~/modules/mail/outbox.server";
import { mailHtml, mailSignature } from "~/modules/mail/outbox.server";
import { publicUrl } from "~/utils/env.server";
import { formatDate } from "~/utils/format";

export function verifyLink(verifyToken: string): string {
  return publicUrl(`/apply/verify?token=${encodeURIComponent(verifyToken)}`);
}

export function statusLink(ref: string, statusToken: string): string {
  return publicUrl(`/applications/${encodeURIComponent(ref)}?token=${encodeURIComponent(statusToken)}`);
}

interface VerificationMail {
  to: string;
  ref: string;
  /** The application's registrable domain: the recipient's own (the address is at it). */
  domain: string;
  verifyToken: string;
  /** Null when the status link cannot be shown again (see applications.server.ts). */
  statusToken: string | null;
  expiresAt: string;
  /** "new": the first mail; "resent": a new link after an expired or lost one; "changed":
   * a resubmission gave this address (or a new domain) as the contact. */
  occasion?: "new" | "resent" | "changed";
}

/**
 * The mail that asks to confirm the contact address. Anyone can have it sent to an address
 * at any domain that is not free mail, so it carries no text the applicant typed (no
 * organisation, contact name, title or description): only the reference, the recipient's
 * own domain and our links. Mails sent after the address is confirmed may quote them.
 */
export function verificationMail(m: VerificationMail): OutgoingMail {
  const occasion = m.occasion ?? "new";
  const verify = verifyLink(m.verifyToken);
  const status = m.statusToken ? statusLink(m.ref, m.statusToken) : null;
  const until = formatDate(m.expiresAt.slice(0, 10));
  const what = `the organisation at ${m.domain} to the Cybersecurity Tech Accord registry`;
  const opening = {
    new: `Someone asked to add ${what}, giving this address as its contact.`,
    resent: `Here is a new link to confirm this address for application ${m.ref}, which asks to add ${what}. Earlier links no longer work.`,
    changed: `The application ${m.ref}, which asks to add ${what}, was corrected and now gives this address as its contact.`,
  }[occasion];
  const paragraphs = [
    "Hello,",
    opening,
    `Reference: ${m.ref}`,
    `If you or a colleague ${occasion === "changed" ? "made this change" : "applied"}, please confirm this e-mail address by opening the link below before ${until}. Only confirmed applications reach the registry's moderators.`,
  ];
  const statusText =
    "The application's private status page, where you can see what was sent, follow it, answer a request for changes or withdraw it (keep this link to yourself):";
  const closing = "If you know nothing about this, ignore this message: without confirmation the application goes nowhere.";
  const text = [...paragraphs, verify, ...(status ? [statusText, status] : []), closing, mailSignature()].join("\n\n");
  const html = mailHtml([
    ...paragraphs.map((p) => ({ p })),
    { link: verify, label: "Confirm the e-mail address" },
    ...(status ? [{ p: statusText }, { link: status, label: `Status of application ${m.ref}` }] : []),
    { p: closing },
  ]);
  return {
    kind: { new: "application_received", resent: "application_verification_resent", changed: "application_contact_changed" }[occasion],
    to: m.to,
    subject: {
      new: `Confirm your application to the Accord Registry (${m.ref})`,
      resent: `New verification link for application ${m.ref}`,
      changed: `Confirm the new contact address of application ${m.ref}`,
    }[occasion],
    text,
    html,
  };
}
