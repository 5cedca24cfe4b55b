// The mails an applicant receives from the application process. Each has a text and an
// HTML part with the same content; links are absolute (PUBLIC_URL).
import type { OutgoingMail } from "~/modules/mail/outbox.server";
import { mailHtml } from "~/modules/mail/outbox.server";
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
  organisation: string;
  contactName: string;
  verifyToken: string;
  /** Null when the status link cannot be shown again (see applications.server.ts). */
  statusToken: string | null;
  expiresAt: string;
  /** A new link after an expired or lost one. */
  resent?: boolean;
}

export function verificationMail(m: VerificationMail): OutgoingMail {
  const verify = verifyLink(m.verifyToken);
  const status = m.statusToken ? statusLink(m.ref, m.statusToken) : null;
  const until = formatDate(m.expiresAt.slice(0, 10));
  const paragraphs = [
    `Hello ${m.contactName},`,
    m.resent
      ? `Here is a new verification link for the application of ${m.organisation} to join the Cybersecurity Tech Accord registry. Earlier links no longer work.`
      : `We received the application of ${m.organisation} to join the Cybersecurity Tech Accord registry.`,
    `Reference: ${m.ref}`,
    `Please confirm this e-mail address by opening the link below before ${until}. Only confirmed applications reach the moderators.`,
  ];
  const statusText = `Your private status page, where you can follow the application, answer a request for changes or withdraw it (keep this link to yourself):`;
  const closing = "If you did not apply, ignore this message: without confirmation the application goes nowhere.";
  const text = [
    ...paragraphs,
    verify,
    ...(status ? [statusText, status] : []),
    closing,
    "Accord Registry",
  ].join("\n\n");
  const html = mailHtml([
    ...paragraphs.map((p) => ({ p })),
    { link: verify, label: "Confirm the e-mail address" },
    ...(status ? [{ p: statusText }, { link: status, label: `Status of application ${m.ref}` }] : []),
    { p: closing },
  ]);
  return {
    kind: m.resent ? "application_verification_resent" : "application_received",
    to: m.to,
    subject: m.resent
      ? `New verification link for application ${m.ref}`
      : `Confirm your application to the Accord Registry (${m.ref})`,
    text,
    html,
  };
}
