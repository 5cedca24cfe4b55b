// What the applicant is told about a decision. Sent through the outbox, in the
// transaction of the decision: a committed decision always has its mail.
import { mailHtml, mailSignature, type OutgoingMail } from "~/modules/mail/outbox.server";
import { badgeEmbed } from "~/modules/opendata/badge.server";
import { getEnv, publicUrl } from "~/utils/env.server";
import { formatDate } from "~/utils/format";

interface Applicant {
  ref: string;
  name: string;
  contact_name: string;
  contact_email: string;
}

const STATUS_PAGE_HINT =
  "You can follow your application on its private status page: the link is in the e-mail you received when you applied.";

/**
 * The welcome: what was approved, then the next steps (issue 14): check the entry, put the
 * live badge on the website (its code to copy), keep the entry current (whom to write to).
 */
export function approvedMail(app: Applicant, signatory: { slug: string; joined_on: string }): OutgoingMail {
  const page = publicUrl(`/signatories/${signatory.slug}`);
  const badge = badgeEmbed({ slug: signatory.slug, name: app.name }, publicUrl);
  // Where people write (CONTRACT §8 CONTACT_EMAIL), not the robot that sends the mail.
  const contact = getEnv().CONTACT_EMAIL;
  const intro = [
    `Dear ${app.contact_name},`,
    `Your application ${app.ref} has been approved: ${app.name} is now a signatory of the Cybersecurity Tech Accord, joined on ${formatDate(signatory.joined_on)}.`,
  ];
  const steps = {
    entry: "1. Check your entry in the public registry: it shows the facts you sent and the pledges you took.",
    badge:
      "2. Show it on your website with the live badge, which always states your current status and links to your entry. Copy this code into your page:",
    current: `3. Keep the entry current: when your name, website or description changes, write to ${contact} quoting ${app.ref}. The moderators update the entry, and its public history shows the change.`,
  };
  return {
    kind: "application_approved",
    to: app.contact_email,
    subject: `Approved: ${app.name} joins the Cybersecurity Tech Accord (${app.ref})`,
    text: `${intro.join("\n\n")}\n\nWhat to do next\n\n${steps.entry}\n${page}\n\n${steps.badge}\n\n${badge.html}\n\n${steps.current}\n\nWelcome.\n\n${mailSignature()}\n`,
    html: mailHtml([
      ...intro.map((p) => ({ p })),
      { p: "What to do next" },
      { p: steps.entry },
      { link: page, label: page },
      { p: steps.badge },
      { p: badge.html },
      { p: steps.current },
      { p: "Welcome." },
    ]),
  };
}

export function rejectedMail(app: Applicant, reason: string): OutgoingMail {
  const lines = [
    `Dear ${app.contact_name},`,
    `We are sorry: your application ${app.ref} for ${app.name} to join the Cybersecurity Tech Accord has not been accepted.`,
    `The moderators' reason: ${reason}`,
    STATUS_PAGE_HINT,
  ];
  return {
    kind: "application_rejected",
    to: app.contact_email,
    subject: `Your application ${app.ref} was not accepted`,
    text: `${lines.join("\n\n")}\n\n${mailSignature()}\n`,
    html: mailHtml(lines.map((p) => ({ p }))),
  };
}

export function changesRequestedMail(app: Applicant, reason: string): OutgoingMail {
  const lines = [
    `Dear ${app.contact_name},`,
    `The moderators need changes to your application ${app.ref} for ${app.name} before they can decide it.`,
    `What they ask: ${reason}`,
    `${STATUS_PAGE_HINT} Answer there; your application returns to the queue when you do.`,
  ];
  return {
    kind: "application_changes_requested",
    to: app.contact_email,
    subject: `Changes needed to your application ${app.ref}`,
    text: `${lines.join("\n\n")}\n\n${mailSignature()}\n`,
    html: mailHtml(lines.map((p) => ({ p }))),
  };
}
