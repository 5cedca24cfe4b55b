// One interface for every table (Kysely's convention). Booleans are stored as 0/1 and
// dates as ISO text (YYYY-MM-DD, or full ISO timestamps for *_at) so that the same
// rows read identically on SQLite and PostgreSQL.
import type { Generated, Insertable, Selectable } from "kysely";

/** A boolean as the database stores it: 0 or 1 (better-sqlite3 binds no booleans),
 * converted by db/booleans.ts; tests/integration/schema.test.ts reads the name and expects
 * an integer column with CHECK (column in (0, 1)). */
export type BooleanInteger = 0 | 1;

export type SignatoryStatus = "active" | "withdrawn" | "suspended";
/** How precisely a date is known: a date of lower precision is the first day of its month or year. */
export type DatePrecision = "day" | "month" | "year";
export type SignatoryEventKind = "joined" | "pledge_endorsed" | "withdrawn" | "suspended" | "reinstated" | "updated";

export interface SectorTable {
  code: string;
  name: string;
  description: string;
  position: number;
}

export interface PledgeTable {
  code: string;
  title: string;
  summary: string;
  introduced_on: string;
  required: BooleanInteger;
  position: number;
}

export interface SignatoryTable {
  id: Generated<number>;
  slug: string;
  name: string;
  website: string;
  country: string;
  sector: string;
  description: string;
  joined_on: string;
  /** How precisely joined_on is known (migration 014). */
  joined_precision: Generated<DatePrecision>;
  founding: BooleanInteger;
  status: SignatoryStatus;
  withdrawn_on: string | null;
  former_names: string | null;
  notes: string | null;
  /** Registrable domain of the website (example.co.uk), for duplicate checks. */
  domain: string | null;
  created_at: string;
  updated_at: string;
}

export interface EndorsementTable {
  signatory_id: number;
  pledge_code: string;
  endorsed_on: string;
}

export interface SignatoryEventTable {
  id: Generated<number>;
  signatory_id: number;
  kind: SignatoryEventKind;
  occurred_on: string;
  pledge_code: string | null;
  detail: string | null;
  created_at: string;
}

/** A public source for a signatory's record (pledge_code null) or for one of its
 * endorsements (migration 014). */
export interface SourceTable {
  id: Generated<number>;
  signatory_id: number;
  pledge_code: string | null;
  url: string | null;
  title: string;
  /** The source's own words that support the record. */
  quote: string | null;
  retrieved_on: string | null;
  position: number;
  created_at: string;
}

export type MilestoneQualifier = "exactly" | "more than";

/** The accord's size as a public source reported it (migration 014). */
export interface MilestoneTable {
  id: Generated<number>;
  /** A full date: the first day of the month or year when less precise. */
  as_of: string;
  precision: DatePrecision;
  count: number;
  qualifier: MilestoneQualifier;
  source_url: string | null;
  source_title: string;
  quote: string | null;
  created_at: string;
}

/** A signatory's approved logo (migration 017, public): re-encoded as PNG and WebP at one
 * size, both base64; `hash` names the pair (ETags, cache-busting addresses). */
export interface SignatoryLogoTable {
  signatory_id: number;
  png: string;
  webp: string;
  hash: string;
  updated_at: string;
}

/** The logo sent with an application (migration 017): moderators only, until approved. */
export interface ApplicationLogoTable {
  application_id: number;
  png: string;
  webp: string;
  hash: string;
  created_at: string;
}

export interface RateLimitHitTable {
  id: Generated<number>;
  bucket: string;
  key: string;
  at_ms: number;
}

export type MailStatus = "pending" | "sending" | "sent" | "failed";

export interface MailOutboxTable {
  id: Generated<number>;
  kind: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  status: MailStatus;
  attempts: Generated<number>;
  next_attempt_at: string;
  lease_until: string | null;
  last_error: string | null;
  logged_at: string | null;
  sent_at: string | null;
  created_at: string;
}

export interface MailAttemptTable {
  id: Generated<number>;
  mail_id: number;
  at: string;
  ok: BooleanInteger;
  error: string | null;
}

export type ApplicationStatus = "unverified" | "pending" | "changes_requested" | "approved" | "rejected" | "withdrawn";

export type ApplicationEventKind = "submitted" | "verified" | "changes_requested" | "resubmitted" | "approved" | "rejected" | "withdrawn";

export interface ApplicationTable {
  id: Generated<number>;
  /** Public reference shown to the applicant (e.g. "AR-7K3M9QX2"). */
  ref: string;
  name: string;
  /** Name folded for comparison (case, accents, punctuation), for similar-name warnings. */
  name_key: string;
  website: string;
  /** Registrable domain of the website. */
  domain: string;
  country: string;
  sector: string;
  description: string;
  contact_name: string;
  contact_title: string;
  contact_email: string;
  status: ApplicationStatus;
  /** SHA-256 (hex) of the verification token; the token itself is never stored. */
  verify_token_hash: string;
  verify_expires_at: string;
  /** SHA-256 (hex) of the private status-page token. */
  status_token_hash: string;
  /** The status token sealed (AES-256-GCM) under a key derived from the verification
   * token, so the verification page can show the status link (migration 005). */
  status_token_sealed: string | null;
  verified_at: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  signatory_id: number | null;
  client_ip: string;
  created_at: string;
  updated_at: string;
  /** When the contact's personal data (name, title, e-mail, client address) was erased
   * (migration 016): RETENTION_DAYS after the decision, or on request. */
  personal_data_erased_at: string | null;
  /** The registrable domain a DNS proof was confirmed for (migration 021); a proof counts
   * only while it is still the application's domain. */
  dns_proof_domain: string | null;
  /** When the DNS proof was last confirmed (migration 021). */
  dns_proof_confirmed_at: string | null;
}

export type DnsProofOutcome = "confirmed" | "absent" | "wrong_token" | "nxdomain" | "timeout" | "error";

/** An application's DNS proof (migration 021, private): the token to publish, the last
 * check and the background re-checks still due. */
export interface ApplicationDnsProofTable {
  application_id: number;
  /** The registrable domain the token was made for. */
  domain: string;
  /** Random, 128 bits, base32; kept as is: it becomes public in DNS and proves nothing on its own. */
  token: string;
  created_at: string;
  checked_at: string | null;
  outcome: DnsProofOutcome | null;
  detail: string | null;
  confirmed_at: string | null;
  next_check_at: string | null;
  checks_left: Generated<number>;
  lease_until: string | null;
}

export type SecurityTxtStatus = "valid" | "expired" | "invalid" | "missing";

/** A signatory's security.txt as last checked (migration 022, public). */
export interface SecurityContactTable {
  signatory_id: number;
  status: SecurityTxtStatus;
  checked_at: string;
  /** Where the file was found (or last looked for). */
  url: string | null;
  /** JSON array of the Contact values, in the file's order. */
  contact_json: string;
  policy: string | null;
  /** The file's Expires, as an ISO timestamp. */
  expires: string | null;
  signed: Generated<BooleanInteger>;
  /** Why the status is what it is, in a few words. */
  detail: string | null;
}

/** An expiry reminder queued for a signatory's security.txt, once per Expires date (migration 026, private). */
export interface SecurityTxtReminderTable {
  signatory_id: number;
  expires: string;
  sent_at: string;
}

/** One security.txt check (migration 022, private). */
export interface SecurityTxtCheckTable {
  id: Generated<number>;
  signatory_id: number;
  checked_at: string;
  status: SecurityTxtStatus;
  url: string | null;
  http_status: number | null;
  expires: string | null;
  detail: string | null;
  /** "schedule", or "staff:<id>". */
  requested_by: string;
}

/** When each signatory's security.txt is next due, and which worker holds it (migration 022). */
export interface SecurityTxtScheduleTable {
  signatory_id: number;
  next_check_at: string;
  claimed_until: string | null;
}

export interface ApplicationPledgeTable {
  application_id: number;
  pledge_code: string;
}

export interface ApplicationEventTable {
  id: Generated<number>;
  application_id: number;
  kind: ApplicationEventKind;
  reason: string | null;
  /** "applicant", or "staff:<id>". */
  actor: string;
  /** JSON: for a "resubmitted" event, what changed (old and new values) and whether the
   * contact address must be confirmed again (migration 013). */
  detail: string | null;
  created_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  /** "staff:<id>", "system", or "cli:<user>". */
  actor: string;
  /** Who that was when it happened (name and e-mail), kept even if the account changes. */
  actor_label: string;
  action: string;
  target_type: string;
  target_id: string;
  reason: string | null;
  before_json: string | null;
  after_json: string | null;
  ip: string | null;
  /** The entry's erasable part (migration 016): JSON with a random salt, which the chain
   * covers through personal_digest only; null once erased (or when there is none). */
  personal_json: string | null;
  /** SHA-256 (hex) of personal_json; null when the entry has no erasable part. */
  personal_digest: string | null;
  personal_erased_at: string | null;
  prev_hash: string;
  hash: string;
}

export type StaffRole = "admin" | "moderator";

export interface StaffTable {
  id: Generated<number>;
  /** Lower-cased. */
  email: string;
  name: string;
  role: StaffRole;
  active: Generated<BooleanInteger>;
  /** argon2id, PHC string. */
  password_hash: string;
  /** AES-256-GCM ciphertext of the base32 secret (never the secret itself). */
  totp_secret: string | null;
  totp_enrolled_at: string | null;
  /** Last TOTP time step accepted, so one code works only once. */
  totp_last_step: number | null;
  created_at: string;
  last_sign_in_at: string | null;
  /** 1: the password was set by an admin; the account must change it before anything else. */
  must_change_password: Generated<BooleanInteger>;
}

export interface StaffSessionTable {
  /** SHA-256 (hex) of the random id the cookie carries. */
  id_hash: string;
  staff_id: number;
  /** "mfa": the password was right, the second factor is still due. */
  stage: "mfa" | "full";
  created_at: string;
  last_seen_at: string;
  ip: string | null;
  /** 1: a passkey opened this session (migration 019; STAFF_MFA=passkey asks for it). */
  passkey: Generated<BooleanInteger>;
}

/** A staff member's passkey: a WebAuthn credential (migration 019). */
export interface StaffPasskeyTable {
  id: Generated<number>;
  staff_id: number;
  /** The credential's id, base64url, as the authenticator gave it. */
  credential_id: string;
  /** The COSE public key, base64url. */
  public_key: string;
  /** The WebAuthn user handle (base64url) the account's passkeys share. */
  user_handle: string;
  /** The signature counter last seen; an answer must bring a higher one (0 for
   * authenticators that keep none). */
  counter: Generated<number>;
  /** JSON array of transports (usb, nfc, ble, internal, hybrid), or null. */
  transports: string | null;
  aaguid: string;
  /** 1: a multi-device credential (its provider may sync it). */
  backup_eligible: BooleanInteger;
  /** 1: backed up, as the authenticator last said. */
  backed_up: BooleanInteger;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

export type WebAuthnPurpose = "register" | "sign_in" | "second_factor";

/** A challenge handed out for a passkey ceremony, used once (migration 020). */
export interface WebAuthnChallengeTable {
  challenge: string;
  purpose: WebAuthnPurpose;
  /** SHA-256 (hex) of what asked for it: a session, or a visitor's anti-forgery id. */
  binding: string;
  staff_id: number | null;
  created_at: string;
  expires_at: string;
}

export interface StaffRecoveryCodeTable {
  id: Generated<number>;
  staff_id: number;
  /** "hmac:" + HMAC-SHA-256 (hex) of the normalised code, keyed from SESSION_SECRET; rows
   * written before that hold its plain SHA-256 (hex), still accepted. */
  code_hash: string;
  used_at: string | null;
  created_at: string;
}

export interface ApplicationNoteTable {
  id: Generated<number>;
  application_id: number;
  staff_id: number;
  body: string;
  created_at: string;
}

export interface DataVersionTable {
  id: number;
  version: number;
  /** When the version last moved (migration 015): the public data's last change. */
  changed_at: string | null;
}

export interface Database {
  staff: StaffTable;
  staff_sessions: StaffSessionTable;
  staff_recovery_codes: StaffRecoveryCodeTable;
  staff_passkeys: StaffPasskeyTable;
  webauthn_challenges: WebAuthnChallengeTable;
  application_notes: ApplicationNoteTable;
  sectors: SectorTable;
  pledges: PledgeTable;
  signatories: SignatoryTable;
  endorsements: EndorsementTable;
  signatory_events: SignatoryEventTable;
  rate_limit_hits: RateLimitHitTable;
  mail_outbox: MailOutboxTable;
  mail_attempts: MailAttemptTable;
  applications: ApplicationTable;
  application_pledges: ApplicationPledgeTable;
  application_events: ApplicationEventTable;
  audit_log: AuditLogTable;
  data_version: DataVersionTable;
  sources: SourceTable;
  milestones: MilestoneTable;
  signatory_logos: SignatoryLogoTable;
  application_logos: ApplicationLogoTable;
  application_dns_proofs: ApplicationDnsProofTable;
  security_contacts: SecurityContactTable;
  security_txt_checks: SecurityTxtCheckTable;
  security_txt_schedule: SecurityTxtScheduleTable;
  security_txt_reminders: SecurityTxtReminderTable;
}

export type Signatory = Selectable<SignatoryTable>;
export type NewSignatory = Insertable<SignatoryTable>;
export type Pledge = Selectable<PledgeTable>;
export type Sector = Selectable<SectorTable>;
export type Application = Selectable<ApplicationTable>;
