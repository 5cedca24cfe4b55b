// Applications to join, from the applicant's side: submit, verify the address, follow
// the status, withdraw, answer a request for changes, get a new verification link.
// Every change is one transaction with its timeline event and, when it sends one, its
// mail (the outbox). Moderation decisions are the staff area's (app/modules/moderation).
import { isUniqueViolation } from "../../../db/engine";
import { OPEN_APPLICATION_DOMAIN_INDEX } from "../../../db/migrations/011_open_application_domain";
import type { Application, ApplicationEventKind, ApplicationStatus } from "../../../db/schema";
import { allCountries } from "~/modules/countries";
import type { DB } from "~/modules/database/db.server";
import { fail, ok, type Failure, type Result } from "~/modules/result";
import { log } from "~/utils/log.server";
import { listPledgeDefinitions, listSectors } from "~/modules/directory/directory.server";
import { enqueueMail } from "~/modules/mail/outbox.server";
import { transparencyFigures } from "~/modules/opendata/stats.server";
import { saveApplicationLogo, type ProcessedLogo } from "~/modules/logos/logos.server";
import { checkLimit, lockLimits, recordHit, type Limit } from "~/modules/security/rate-limit.server";
import { verificationMail } from "./mail.server";
import { nameKey } from "./name-key";
import { domainErrors, RULE_MESSAGES } from "./rules.server";
import { FIELDS, type ApplicationInput, type ApplicationOptions, type ApplicationValues } from "./schema";
import { OPEN_STATUSES } from "./status";
import {
  hashToken,
  isTokenShaped,
  newRef,
  newToken,
  openStatusToken,
  REF_PATTERN,
  sealStatusToken,
  tokenMatches,
  VERIFY_TTL_MS,
} from "./tokens.server";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
/** New verification links per application per hour. */
const RESEND_LIMIT_PER_HOUR = 3;
/** Verification mails (first mails, new links, a new contact address) per recipient and
 * per registrable domain in 24 hours: the registry must not become anyone's mailer. */
const VERIFICATION_MAILS_PER_RECIPIENT_PER_DAY = 3;
const VERIFICATION_MAILS_PER_DOMAIN_PER_DAY = 10;

type MailLimited = { scope: "recipient" | "domain"; domain: string; retryAfterSeconds: number };

function mailLimits(to: string, domain: string): { scope: MailLimited["scope"]; limit: Limit }[] {
  return [
    {
      scope: "recipient",
      limit: { bucket: "verify-mail-to", key: to.toLowerCase(), max: VERIFICATION_MAILS_PER_RECIPIENT_PER_DAY, windowMs: DAY },
    },
    { scope: "domain", limit: { bucket: "verify-mail-domain", key: domain, max: VERIFICATION_MAILS_PER_DOMAIN_PER_DAY, windowMs: DAY } },
  ];
}

/**
 * Whether a verification mail to `to` (at `domain`) is within both daily limits. Checked
 * and counted (countVerificationMail) inside the transaction that queues the mail, so a
 * refused or rolled-back submission counts nothing and both limits count the same mails.
 * Call it before the transaction writes anything else: concurrent checks take turns
 * (lockLimits) until the transaction ends.
 */
async function verificationMailLimited(trx: DB, to: string, domain: string): Promise<MailLimited | null> {
  const limits = mailLimits(to, domain);
  await lockLimits(
    trx,
    limits.map(({ limit }) => limit),
  );
  for (const { scope, limit } of limits) {
    const state = await checkLimit(trx, limit);
    if (state.limited) return { scope, domain, retryAfterSeconds: state.retryAfterSeconds };
  }
  return null;
}

async function countVerificationMail(trx: DB, to: string, domain: string): Promise<void> {
  const now = Date.now();
  for (const { limit } of mailLimits(to, domain)) await recordHit(trx, limit, now);
}

/** "14:05 UTC", or with the day when it is not today. */
export function retryTime(seconds: number, now = new Date()): string {
  const at = new Date(now.getTime() + seconds * 1000);
  const time = at.toISOString().slice(11, 16);
  const sameDay = at.toISOString().slice(0, 10) === now.toISOString().slice(0, 10);
  return sameDay ? `${time} UTC` : `${time} UTC on ${at.toISOString().slice(0, 10)}`;
}

/** What the applicant reads when a mail limit stops a verification mail; `otherAddress`:
 * the form where they could give another address instead. */
function mailLimitMessage(limited: MailLimited, { otherAddress = true } = {}): string {
  const to = limited.scope === "recipient" ? "this address" : `addresses at ${limited.domain}`;
  return (
    `Too many e-mails were sent to ${to} in the last 24 hours, so we cannot send the confirmation link now. ` +
    `Try again after ${retryTime(limited.retryAfterSeconds)}` +
    (otherAddress && limited.scope === "recipient" ? ", or give another address at the organisation's domain." : ".")
  );
}

export interface FormOptions extends ApplicationOptions {
  sectors: string[];
  sectorList: { code: string; name: string; description: string }[];
  pledges: { code: string; title: string; summary: string; required: boolean }[];
  countries: { code: string; name: string }[];
}

/** What the form lists: sectors and pledges from the database, every ISO country. */
export async function formOptions(db: DB): Promise<FormOptions> {
  const [sectors, pledges] = await Promise.all([listSectors(db), listPledgeDefinitions(db)]);
  return {
    sectors: sectors.map((s) => s.code),
    sectorList: sectors.map((s) => ({ code: s.code, name: s.name, description: s.description })),
    pledges: pledges.map((p) => ({ code: p.code, title: p.title, summary: p.summary, required: p.required })),
    countries: allCountries(),
  };
}

/** The options the shared schema needs (also what the browser gets to run it). */
export function schemaOptions(options: FormOptions): ApplicationOptions {
  return { sectors: options.sectors, pledges: options.pledges.map(({ code, title, required }) => ({ code, title, required })) };
}

async function freeRef(trx: DB): Promise<string> {
  for (;;) {
    const ref = newRef();
    const taken = await trx.selectFrom("applications").select("id").where("ref", "=", ref).executeTakeFirst();
    if (!taken) return ref;
  }
}

async function addEvent(
  trx: DB,
  applicationId: number,
  kind: ApplicationEventKind,
  at: string,
  reason: string | null = null,
  detail: string | null = null,
) {
  await trx
    .insertInto("application_events")
    .values({ application_id: applicationId, kind, reason, detail, actor: "applicant", created_at: at })
    .execute();
}

/** A mail limit as the form's answer: the message beside contact_email (or for the whole
 * form, where there is no address to change), logged for the operator. */
function mailLimitFailure(limited: MailLimited, where: "form" | "contact_email" = "contact_email"): Failure {
  log.warn({ event: "apply_mail_limited", scope: limited.scope, domain: limited.domain });
  const message = mailLimitMessage(limited, { otherAddress: where === "contact_email" });
  return fail({
    kind: "limited",
    retryAfterSeconds: limited.retryAfterSeconds,
    ...(where === "contact_email" ? { errors: { contact_email: message } } : { message }),
  });
}

/**
 * Records a valid application: the row, its pledges, its "submitted" event and the mail
 * with the verification and status links, in one transaction (all or nothing). The
 * domain rules are checked in the same transaction.
 */
export async function submitApplication(
  db: DB,
  input: ApplicationInput,
  meta: { clientIp: string },
  logo: ProcessedLogo | null = null,
): Promise<Result<{ ref: string; id: number }>> {
  return openDomainTaken(input.domain, () => insertApplication(db, input, meta, logo));
}

/**
 * The constraint behind the domain check (migration 011): another instance may commit an
 * open application for the same domain between the check and this transaction's insert.
 * Its unique violation is the check's answer, given late; the transaction rolled back.
 */
async function openDomainTaken<T>(domain: string, work: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await work();
  } catch (error) {
    if (isOpenDomainViolation(error)) return fail({ kind: "invalid", errors: { website: RULE_MESSAGES.openApplication(domain) } });
    throw error;
  }
}

/** A unique violation of the open-application domain index, on either engine. */
function isOpenDomainViolation(error: unknown): boolean {
  return isUniqueViolation(error, { constraint: OPEN_APPLICATION_DOMAIN_INDEX, column: "applications.domain" });
}

async function insertApplication(
  db: DB,
  input: ApplicationInput,
  meta: { clientIp: string },
  logo: ProcessedLogo | null,
): Promise<Result<{ ref: string; id: number }>> {
  return db.transaction().execute(async (trx) => {
    const errors = await domainErrors(trx, input.domain);
    if (Object.keys(errors).length > 0) return fail({ kind: "invalid", errors });
    const limited = await verificationMailLimited(trx, input.contact_email, input.domain);
    if (limited) return mailLimitFailure(limited);
    const now = new Date();
    const at = now.toISOString();
    const ref = await freeRef(trx);
    const verifyToken = newToken();
    const statusToken = newToken();
    const expiresAt = new Date(now.getTime() + VERIFY_TTL_MS).toISOString();
    const { id } = await trx
      .insertInto("applications")
      .values({
        ref,
        name: input.name,
        name_key: nameKey(input.name),
        website: input.website,
        domain: input.domain,
        country: input.country,
        sector: input.sector,
        description: input.description,
        contact_name: input.contact_name,
        contact_title: input.contact_title,
        contact_email: input.contact_email,
        status: "unverified",
        verify_token_hash: hashToken(verifyToken),
        verify_expires_at: expiresAt,
        status_token_hash: hashToken(statusToken),
        status_token_sealed: sealStatusToken(statusToken, verifyToken),
        verified_at: null,
        decided_at: null,
        decision_reason: null,
        signatory_id: null,
        client_ip: meta.clientIp,
        created_at: at,
        updated_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (input.pledges.length > 0) {
      await trx
        .insertInto("application_pledges")
        .values(input.pledges.map((code) => ({ application_id: id, pledge_code: code })))
        .execute();
    }
    await addEvent(trx, id, "submitted", at);
    if (logo) await saveApplicationLogo(trx, id, logo);
    await countVerificationMail(trx, input.contact_email, input.domain);
    await enqueueMail(trx, verificationMail({ to: input.contact_email, ref, domain: input.domain, verifyToken, statusToken, expiresAt }));
    return ok({ ref, id });
  });
}

/** The application a status link opens: the reference and the token must both match. */
export async function findByStatusToken(db: DB, ref: string, token: unknown): Promise<Application | null> {
  if (!REF_PATTERN.test(ref) || !isTokenShaped(token)) return null;
  const row = await db.selectFrom("applications").selectAll().where("ref", "=", ref).executeTakeFirst();
  return row && tokenMatches(token, row.status_token_hash) ? row : null;
}

/** Whether a reference exists (the "received" page shows no more than that). */
export async function refExists(db: DB, ref: string): Promise<boolean> {
  if (!REF_PATTERN.test(ref)) return false;
  return !!(await db.selectFrom("applications").select("id").where("ref", "=", ref).executeTakeFirst());
}

export type VerifyOutcome =
  | { state: "expired"; ref: string }
  | { state: "verified"; ref: string; status: ApplicationStatus; statusToken: string | null; justNow: boolean };

const UNKNOWN_LINK =
  "This verification link is not valid. It may be incomplete (copy the whole link from the e-mail), or a newer link may have replaced it: use the most recent e-mail from the Accord Registry.";

/** The application a verification link names (by the token's hash), expired or not. */
async function findByVerifyToken(db: DB, token: unknown): Promise<Application | null> {
  if (!isTokenShaped(token)) return null;
  const row = await db.selectFrom("applications").selectAll().where("verify_token_hash", "=", hashToken(token)).executeTakeFirst();
  return row && tokenMatches(token, row.verify_token_hash) ? row : null;
}

/**
 * Follows a verification link: an unverified application becomes pending (it enters
 * the moderation queue) with a "verified" event. Following it again changes nothing.
 */
export async function verifyApplication(db: DB, token: unknown, now = new Date()): Promise<Result<VerifyOutcome>> {
  const row = await findByVerifyToken(db, token);
  if (!row || !isTokenShaped(token)) return fail({ kind: "not_found", message: UNKNOWN_LINK });
  const statusToken = openStatusToken(row.status_token_sealed, token);
  if (row.status !== "unverified") return ok({ state: "verified", ref: row.ref, status: row.status, statusToken, justNow: false });
  if (row.verify_expires_at <= now.toISOString()) return ok({ state: "expired", ref: row.ref });
  const changed = await db.transaction().execute(async (trx) => {
    const at = new Date().toISOString();
    const result = await trx
      .updateTable("applications")
      .set({ status: "pending", verified_at: at, updated_at: at })
      .where("id", "=", row.id)
      .where("status", "=", "unverified")
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    await addEvent(trx, row.id, "verified", at);
    return true;
  });
  const status = changed
    ? "pending"
    : (await db.selectFrom("applications").select("status").where("id", "=", row.id).executeTakeFirstOrThrow()).status;
  return ok({ state: "verified", ref: row.ref, status, statusToken, justNow: changed });
}

const ALREADY_CONFIRMED = "The e-mail address of this application is already confirmed: follow the status link in the e-mail instead.";

/**
 * A new verification link for an unverified application, mailed with the status link:
 * from the status page (the status token is known) or from an expired verification
 * link (whose token still opens the sealed status token). Earlier links stop working.
 */
export async function resendVerification(
  db: DB,
  by: { statusToken: string; application: Application } | { verifyToken: unknown },
): Promise<Result<{ ref: string }>> {
  let application: Application | null;
  let statusToken: string | null;
  if ("application" in by) {
    application = by.application;
    statusToken = by.statusToken;
  } else {
    application = await findByVerifyToken(db, by.verifyToken);
    statusToken = application && isTokenShaped(by.verifyToken) ? openStatusToken(application.status_token_sealed, by.verifyToken) : null;
  }
  if (!application) return fail({ kind: "not_found", message: UNKNOWN_LINK });
  if (application.status !== "unverified") return fail({ kind: "conflict", message: ALREADY_CONFIRMED });
  const app = application;
  const perApplication: Limit = { bucket: "apply-resend", key: String(app.id), max: RESEND_LIMIT_PER_HOUR, windowMs: HOUR };
  const verifyToken = newToken();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + VERIFY_TTL_MS).toISOString();
  // Every limit is checked before, and counted with, the mail it allows: a refused
  // request counts against none of them.
  return db.transaction().execute(async (trx): Promise<Result<{ ref: string }>> => {
    const limit = await checkLimit(trx, perApplication);
    if (limit.limited) {
      const minutes = Math.ceil(limit.retryAfterSeconds / 60);
      return fail({
        kind: "limited",
        retryAfterSeconds: limit.retryAfterSeconds,
        message: `Several links were sent for this application in the last hour. Try again in ${minutes} minutes.`,
      });
    }
    const limited = await verificationMailLimited(trx, app.contact_email, app.domain);
    if (limited) return mailLimitFailure(limited, "form");
    const result = await trx
      .updateTable("applications")
      .set({
        verify_token_hash: hashToken(verifyToken),
        verify_expires_at: expiresAt,
        status_token_sealed: statusToken ? sealStatusToken(statusToken, verifyToken) : null,
        updated_at: now.toISOString(),
      })
      .where("id", "=", app.id)
      .where("status", "=", "unverified")
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return fail({ kind: "conflict", message: ALREADY_CONFIRMED });
    await recordHit(trx, perApplication);
    await countVerificationMail(trx, app.contact_email, app.domain);
    await enqueueMail(
      trx,
      verificationMail({
        to: app.contact_email,
        ref: app.ref,
        domain: app.domain,
        verifyToken,
        statusToken,
        expiresAt,
        occasion: "resent",
      }),
    );
    return ok({ ref: app.ref });
  });
}

/** Withdraws an open application; a conflict when it was no longer open (decided meanwhile). */
export async function withdrawApplication(db: DB, applicationId: number): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const at = new Date().toISOString();
    const result = await trx
      .updateTable("applications")
      .set({ status: "withdrawn", updated_at: at })
      .where("id", "=", applicationId)
      .where("status", "in", [...OPEN_STATUSES])
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      return fail({ kind: "conflict", message: "This application can no longer be withdrawn: it was decided meanwhile." });
    }
    await addEvent(trx, applicationId, "withdrawn", at);
    return ok();
  });
}

const NOT_WAITING = "The moderators are not waiting for changes to this application now.";

/** The facts a resubmission can change, in the form's order. */
const RESUBMISSION_FIELDS = FIELDS.filter((f): f is Exclude<(typeof FIELDS)[number], "accept"> => f !== "accept");
export type ResubmissionField = (typeof RESUBMISSION_FIELDS)[number];

/** What a "resubmitted" event keeps (its `detail`, migration 013). Pledges are their codes,
 * sorted and joined with ", ". */
export interface ResubmissionDetail {
  changes: { field: ResubmissionField; from: string; to: string }[];
  /** The contact address or the domain changed: the address had to be confirmed again. */
  reverify: boolean;
  /** Where the new verification link went (when `reverify`). */
  sentTo: string | null;
}

/** A resubmitted event's detail, or null for any other event (or one written before 013). */
export function readResubmissionDetail(detail: string | null): ResubmissionDetail | null {
  if (!detail) return null;
  try {
    const value: unknown = JSON.parse(detail);
    if (typeof value !== "object" || value === null || !Array.isArray((value as ResubmissionDetail).changes)) return null;
    const v = value as ResubmissionDetail;
    const changes = v.changes.filter(
      (c) => (RESUBMISSION_FIELDS as readonly string[]).includes(c?.field) && typeof c.from === "string" && typeof c.to === "string",
    );
    return { changes, reverify: v.reverify === true, sentTo: typeof v.sentTo === "string" ? v.sentTo : null };
  } catch {
    return null;
  }
}

const pledgeList = (codes: readonly string[]) => [...new Set(codes)].sort().join(", ");

/**
 * Answers a request for changes with the new facts. The address moderators rely on must be
 * one the applicant controls: when the contact e-mail or the registrable domain changes,
 * the application goes back to "unverified" (out of the queue) and a new verification
 * link goes to the new address, with the status link re-sealed under it; otherwise back to
 * "pending". The "resubmitted" event keeps the old and new values of what changed.
 * `statusToken` (the status page's) is sealed under the new link, so the verification
 * page can link the status page again; without it the page asks to use the e-mail's link.
 */
export async function resubmitApplication(
  db: DB,
  applicationId: number,
  input: ApplicationInput,
  statusToken: string | null = null,
): Promise<Result<{ reverify: boolean }>> {
  return openDomainTaken(input.domain, () => updateApplication(db, applicationId, input, statusToken));
}

async function updateApplication(
  db: DB,
  applicationId: number,
  input: ApplicationInput,
  statusToken: string | null,
): Promise<Result<{ reverify: boolean }>> {
  return db.transaction().execute(async (trx): Promise<Result<{ reverify: boolean }>> => {
    const errors = await domainErrors(trx, input.domain, { exceptApplicationId: applicationId });
    if (Object.keys(errors).length > 0) return fail({ kind: "invalid", errors });
    const before = await trx.selectFrom("applications").selectAll().where("id", "=", applicationId).executeTakeFirst();
    if (!before || before.status !== "changes_requested") return fail({ kind: "conflict", message: NOT_WAITING });
    const pledgesBefore = await trx
      .selectFrom("application_pledges")
      .select("pledge_code")
      .where("application_id", "=", applicationId)
      .execute();
    const old: Record<ResubmissionField, string> = { ...before, pledges: pledgeList(pledgesBefore.map((p) => p.pledge_code)) };
    const after: Record<ResubmissionField, string> = { ...input, pledges: pledgeList(input.pledges) };
    const changes = RESUBMISSION_FIELDS.filter((f) => old[f] !== after[f]).map((field) => ({ field, from: old[field], to: after[field] }));
    // Compared as stored (the e-mail's domain is lower case): any other address is a new one.
    const reverify = before.contact_email !== input.contact_email || before.domain !== input.domain;
    if (reverify) {
      const limited = await verificationMailLimited(trx, input.contact_email, input.domain);
      if (limited) return mailLimitFailure(limited);
    }
    const at = new Date();
    const verifyToken = newToken();
    const expiresAt = new Date(at.getTime() + VERIFY_TTL_MS).toISOString();
    const result = await trx
      .updateTable("applications")
      .set({
        name: input.name,
        name_key: nameKey(input.name),
        website: input.website,
        domain: input.domain,
        country: input.country,
        sector: input.sector,
        description: input.description,
        contact_name: input.contact_name,
        contact_title: input.contact_title,
        contact_email: input.contact_email,
        updated_at: at.toISOString(),
        ...(reverify
          ? {
              status: "unverified" as const,
              verified_at: null,
              // A new link, and the status link sealed under it (as a resend does): earlier
              // verification links stop working, the applicant's status link keeps working.
              verify_token_hash: hashToken(verifyToken),
              verify_expires_at: expiresAt,
              status_token_sealed: statusToken ? sealStatusToken(statusToken, verifyToken) : null,
            }
          : { status: "pending" as const }),
      })
      .where("id", "=", applicationId)
      .where("status", "=", "changes_requested")
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return fail({ kind: "conflict", message: NOT_WAITING });
    await trx.deleteFrom("application_pledges").where("application_id", "=", applicationId).execute();
    if (input.pledges.length > 0) {
      await trx
        .insertInto("application_pledges")
        .values(input.pledges.map((code) => ({ application_id: applicationId, pledge_code: code })))
        .execute();
    }
    const detail: ResubmissionDetail = { changes, reverify, sentTo: reverify ? input.contact_email : null };
    await addEvent(trx, applicationId, "resubmitted", at.toISOString(), null, JSON.stringify(detail));
    if (reverify) {
      await countVerificationMail(trx, input.contact_email, input.domain);
      await enqueueMail(
        trx,
        verificationMail({
          to: input.contact_email,
          ref: before.ref,
          domain: input.domain,
          verifyToken,
          statusToken,
          expiresAt,
          occasion: "changed",
        }),
      );
    }
    return ok({ reverify });
  });
}

interface TimelineEntry {
  kind: ApplicationEventKind;
  at: string;
  reason: string | null;
  byStaff: boolean;
  /** A resubmission that changed the contact address: where the new link went. */
  verificationSentTo: string | null;
}

/** What the status page shows: the facts, the pledges, the timeline, the latest reason. */
export async function applicationDetails(db: DB, application: Application) {
  const [pledges, events, signatory] = await Promise.all([
    db
      .selectFrom("application_pledges")
      .innerJoin("pledges", "pledges.code", "application_pledges.pledge_code")
      .select(["pledges.code", "pledges.title"])
      .where("application_pledges.application_id", "=", application.id)
      .orderBy("pledges.position")
      .execute(),
    db
      .selectFrom("application_events")
      .select(["kind", "created_at", "reason", "actor", "detail"])
      .where("application_id", "=", application.id)
      .orderBy("created_at")
      .orderBy("id")
      .execute(),
    application.signatory_id === null
      ? Promise.resolve(undefined)
      : db.selectFrom("signatories").select(["slug", "name"]).where("id", "=", application.signatory_id).executeTakeFirst(),
  ]);
  const timeline: TimelineEntry[] = events.map((e) => {
    const resubmission = e.kind === "resubmitted" ? readResubmissionDetail(e.detail) : null;
    return {
      kind: e.kind,
      at: e.created_at,
      reason: e.reason,
      byStaff: e.actor.startsWith("staff:"),
      verificationSentTo: resubmission?.reverify ? resubmission.sentTo : null,
    };
  });
  // Unverified again because the last resubmission gave a new address: say which.
  const last = timeline.at(-1);
  const reverifyTo = application.status === "unverified" && last?.kind === "resubmitted" ? last.verificationSentTo : null;
  // The moderators' word on the current status (a request for changes, a decision): the
  // reason of their latest event, else the one stored with the decision.
  const decided = ["changes_requested", "approved", "rejected"].includes(application.status);
  const staffReason = [...timeline].reverse().find((e) => e.byStaff && e.reason)?.reason ?? application.decision_reason;
  const values: ApplicationValues = {
    name: application.name,
    website: application.website,
    country: application.country,
    sector: application.sector,
    description: application.description,
    contact_name: application.contact_name,
    contact_title: application.contact_title,
    contact_email: application.contact_email,
    accept: "",
    pledges: pledges.map((p) => p.code),
  };
  return {
    pledges,
    timeline,
    reason: decided ? staffReason : null,
    signatory: signatory ?? null,
    values,
    reverifyTo,
  };
}

/**
 * How long decisions take, for the status page: the median and 90th percentile of
 * /transparency (the same computation, `transparencyFigures`), in whole days rounded up;
 * null before the first decision.
 */
export async function decisionTimes(db: DB): Promise<{ medianDays: number; p90Days: number } | null> {
  const { total } = await transparencyFigures(db);
  if (total.medianDays === null) return null;
  const days = (n: number) => Math.max(1, Math.ceil(n));
  return { medianDays: days(total.medianDays), p90Days: days(total.p90Days ?? total.medianDays) };
}
