// The words the applicant reads about an application's status and timeline. The status
// itself is always named by its contract word (CONTRACT §5), with an explanation beside it.
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
