// The words the applicant reads about an application's status and timeline. The page shows
// a plain-language label; the contract word (CONTRACT §5) stays in its data-status
// attribute, with an explanation beside it.
import type { ApplicationEventKind, ApplicationStatus } from "../../../db/schema";

/** The status in a word or two, as moderators read it (badges, filters, messages). */
export const APPLICATION_STATUS_LABEL: Record<ApplicationStatus, string> = {
  unverified: "Unverified",
  pending: "Pending",
  changes_requested: "Changes requested",
  approved: "Approved",
  rejected: "Rejected",
  withdrawn: "Withdrawn",
};

/** The status as the applicant reads it (issue 14): plain words, not codes. */
export const APPLICANT_STATUS_LABEL: Record<ApplicationStatus, string> = {
  unverified: "Waiting for your e-mail confirmation",
  pending: "In review",
  changes_requested: "Changes needed",
  approved: "Approved",
  rejected: "Not accepted",
  withdrawn: "Withdrawn",
};

/** The steps of applying, as /apply announces them; the status page shows where the application is. */
export const APPLICATION_STEPS = [
  { key: "send", title: "Send the form" },
  { key: "confirm", title: "Confirm your e-mail address" },
  { key: "review", title: "The moderators review it" },
  { key: "decision", title: "Decision" },
] as const;

export type StepState = "done" | "current" | "upcoming";

/** Where each step stands for an application in `status`. */
export function stepStates(status: ApplicationStatus): StepState[] {
  const current = { unverified: 1, pending: 2, changes_requested: 2, approved: 4, rejected: 4, withdrawn: 4 }[status];
  return APPLICATION_STEPS.map((_, i) => (i < current ? "done" : i === current ? "current" : "upcoming"));
}

export const STATUS_EXPLANATION: Record<ApplicationStatus, string> = {
  unverified:
    "We are waiting for you to confirm the contact e-mail address with the link we sent. Until then the moderators do not see the application.",
  pending:
    "The e-mail address is confirmed and the application is in the moderators' queue. They check it and decide; we write to you when they do.",
  changes_requested:
    "The moderators asked for changes before they decide. Read their reason, correct the application below and send it again.",
  approved: "The application was approved: the organisation is a signatory of the accord and appears in the directory.",
  rejected: "The application was rejected. The moderators' reason is below.",
  withdrawn: "You withdrew this application; it will not be reviewed. You can apply again at any time.",
};

export const APPLICATION_EVENT_LABEL: Record<ApplicationEventKind, string> = {
  submitted: "Application submitted",
  verified: "E-mail address confirmed; the application entered the moderators' queue",
  changes_requested: "Changes requested by the moderators",
  resubmitted: "Application corrected and sent again",
  approved: "Decided: approved",
  rejected: "Decided: rejected",
  withdrawn: "Withdrawn by the applicant",
};

/** Open applications: not decided, not withdrawn. Their domain is taken; they can be withdrawn. */
export const OPEN_STATUSES = ["unverified", "pending", "changes_requested"] as const satisfies readonly ApplicationStatus[];

export const isOpen = (status: ApplicationStatus) => (OPEN_STATUSES as readonly string[]).includes(status);
