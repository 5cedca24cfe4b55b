// Names the moderation pages and their server modules share (the browser needs them too,
// so they live outside the *.server modules).
import type { ApplicationStatus, SignatoryStatus } from "../../../db/schema";

/** Applications a moderator can still decide. */
export const DECIDABLE_STATUSES = ["pending", "changes_requested"] as const satisfies readonly ApplicationStatus[];

export const QUEUE_FILTERS = ["open", "pending", "changes_requested", "unverified", "approved", "rejected", "withdrawn", "all"] as const;
export type QueueFilter = (typeof QUEUE_FILTERS)[number];

/** What each status change of a signatory does, and from which statuses it is possible. */
export const STATUS_INTENTS = {
  withdraw: { to: "withdrawn", from: ["active", "suspended"] },
  suspend: { to: "suspended", from: ["active"] },
  reinstate: { to: "active", from: ["withdrawn", "suspended"] },
} as const satisfies Record<string, { to: SignatoryStatus; from: readonly SignatoryStatus[] }>;
export type StatusIntent = keyof typeof STATUS_INTENTS;

/** Every action the audit log records. */
export const AUDIT_ACTIONS = [
  "application.approve",
  "application.reject",
  "application.request_changes",
  "application.note",
  "signatory.update",
  "signatory.import",
  "privacy.retention",
  "privacy.erase",
  "signatory.withdraw",
  "signatory.suspend",
  "signatory.reinstate",
  "staff.create",
  "staff.deactivate",
  "staff.reactivate",
  "staff.authenticators_reset",
  "auth.sign_in",
  "auth.sign_in_failed",
  "auth.sign_out",
  "auth.rate_limited",
  "auth.mfa_enrolled",
  "auth.password_changed",
  "auth.reauth_failed",
  "auth.passkey_registered",
  "auth.passkey_removed",
  "auth.passkey_refused",
] as const;
