// Each active signatory's security.txt (issue 18, CONTRACT §9, docs/decisions/024): checked
// on a schedule by the background worker (and at once when a moderator asks), the current
// result kept in security_contacts (public: the API, the CSV, the signatory's page) and every
// result in security_txt_checks (staff). The schedule's rows are claimed before a check, with
// FOR UPDATE SKIP LOCKED on PostgreSQL and an UPDATE … RETURNING on SQLite (one writer), so
// two instances never check the same signatory at once; a claim that is not released (a
// worker died) expires.
import { sql, type Selectable } from "kysely";
import type { SecurityContactTable, SecurityTxtStatus } from "../../../db/schema";
import { fromFlag, toFlag } from "../../../db/booleans";
import { isPostgres, type DB } from "~/modules/database/db.server";
import { registrableDomain } from "~/modules/applications/schema";
import { getEnv } from "~/utils/env.server";
import { appendAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/staff/staff.server";
import { fetchWellKnown, type FetchLimits } from "./fetch-security-txt.server";
import { evidenceResolver, publicDnsProof } from "./dns-proof.server";
import { parseSecurityTxt } from "./security-txt";

export const SECURITY_TXT_PATHS = ["/.well-known/security.txt", "/security.txt"] as const;
const CLAIM_MS = 5 * 60 * 1000;
const BATCH = 5;

export interface SecurityTxtResult {
  status: SecurityTxtStatus;
  url: string | null;
  httpStatus: number | null;
  contact: string[];
  policy: string | null;
  expires: string | null;
  signed: boolean;
  detail: string;
}

/** The limits the configuration gives (OUTBOUND_GUARD, SECURITY_TXT_PORT, DNS_SERVERS). */
export function configuredLimits(): FetchLimits {
  const env = getEnv();
  return {
    resolver: evidenceResolver(),
    guard: env.OUTBOUND_GUARD === "on",
    port: env.SECURITY_TXT_PORT,
    timeoutMs: 10_000,
    maxBytes: 32 * 1024,
    maxRedirects: 3,
    userAgent: `AccordRegistry-security.txt-check (+${env.PUBLIC_URL})`,
  };
}

/** Fetches and reads the domain's security.txt: the well-known place first, then the legacy one. */
export async function checkSecurityTxt(domain: string, limits: FetchLimits, now = new Date()): Promise<SecurityTxtResult> {
  let first: SecurityTxtResult | null = null;
  for (const path of SECURITY_TXT_PATHS) {
    const answer = await fetchWellKnown(domain, path, limits);
    if (answer.found) {
      const parsed = parseSecurityTxt(answer.text, now);
      return {
        status: parsed.status,
        url: answer.url,
        httpStatus: answer.httpStatus,
        contact: parsed.contact,
        policy: parsed.policy,
        expires: parsed.expires,
        signed: parsed.signed,
        detail:
          parsed.status === "invalid"
            ? `found, but with ${parsed.problems.join(", ")}`
            : parsed.status === "expired"
              ? "found, but its Expires date has passed"
              : `found${parsed.signed ? " (signed with OpenPGP; the signature is not verified)" : ""}`,
      };
    }
    const result: SecurityTxtResult = {
      status: answer.reason === "oversize" ? "invalid" : "missing",
      url: answer.url,
      httpStatus: answer.httpStatus,
      contact: [],
      policy: null,
      expires: null,
      signed: false,
      detail: `${path}: ${answer.detail}`,
    };
    first ??= result;
    if (answer.reason === "oversize") return result;
  }
  return first!;
}

/** Keeps the result: the signatory's current one (public) and a line of its history; with
 * `audit`, a staff member asked for it, and the audit entry commits with the result. */
export async function recordSecurityTxt(
  db: DB,
  signatoryId: number,
  result: SecurityTxtResult,
  requestedBy: string,
  now = new Date(),
  audit?: { by: Actor; slug: string },
) {
  const at = now.toISOString();
  const current = {
    status: result.status,
    checked_at: at,
    url: result.url,
    contact_json: JSON.stringify(result.contact),
    policy: result.policy,
    expires: result.expires,
    signed: toFlag(result.signed),
    detail: result.detail,
  };
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("security_contacts")
      .values({ signatory_id: signatoryId, ...current })
      .onConflict((oc) => oc.column("signatory_id").doUpdateSet(current))
      .execute();
    await trx
      .insertInto("security_txt_checks")
      .values({
        signatory_id: signatoryId,
        checked_at: at,
        status: result.status,
        url: result.url,
        http_status: result.httpStatus,
        expires: result.expires,
        detail: result.detail,
        requested_by: requestedBy,
      })
      .execute();
    if (audit) {
      await appendAudit(trx, {
        ...audit.by,
        action: "signatory.security_txt_check",
        targetType: "signatory",
        targetId: audit.slug,
        after: { status: result.status, url: result.url, expires: result.expires },
      });
    }
  });
}

/** Gives every active signatory a place in the schedule (due now) that has none. */
async function fillSchedule(db: DB, now: Date): Promise<void> {
  await db
    .insertInto("security_txt_schedule")
    .columns(["signatory_id", "next_check_at"])
    .expression((eb) =>
      eb
        .selectFrom("signatories")
        .select(["signatories.id", sql.lit(now.toISOString()).as("next_check_at")])
        .where("status", "=", "active")
        .where((w) =>
          w.not(
            w.exists(w.selectFrom("security_txt_schedule as s").select("s.signatory_id").whereRef("s.signatory_id", "=", "signatories.id")),
          ),
        ),
    )
    .onConflict((oc) => oc.column("signatory_id").doNothing())
    .execute();
}

/** Claims up to `limit` due signatories for this worker until `until`. */
export async function claimDueSecurityTxt(db: DB, now: Date, limit = BATCH): Promise<number[]> {
  const at = now.toISOString();
  const until = new Date(now.getTime() + CLAIM_MS).toISOString();
  if (isPostgres(db)) {
    return db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom("security_txt_schedule")
        .innerJoin("signatories", "signatories.id", "security_txt_schedule.signatory_id")
        .select("security_txt_schedule.signatory_id")
        .where("signatories.status", "=", "active")
        .where("security_txt_schedule.next_check_at", "<=", at)
        .where((eb) => eb.or([eb("security_txt_schedule.claimed_until", "is", null), eb("security_txt_schedule.claimed_until", "<", at)]))
        .orderBy("security_txt_schedule.next_check_at")
        .limit(limit)
        .forUpdate("security_txt_schedule")
        .skipLocked()
        .execute();
      const ids = rows.map((r) => r.signatory_id);
      if (ids.length > 0)
        await trx.updateTable("security_txt_schedule").set({ claimed_until: until }).where("signatory_id", "in", ids).execute();
      return ids;
    });
  }
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .updateTable("security_txt_schedule")
      .set({ claimed_until: until })
      .where("signatory_id", "in", (eb) =>
        eb
          .selectFrom("security_txt_schedule as s")
          .innerJoin("signatories", "signatories.id", "s.signatory_id")
          .select("s.signatory_id")
          .where("signatories.status", "=", "active")
          .where("s.next_check_at", "<=", at)
          .where((w) => w.or([w("s.claimed_until", "is", null), w("s.claimed_until", "<", at)]))
          .orderBy("s.next_check_at")
          .limit(limit),
      )
      .returning("signatory_id")
      .execute();
    return rows.map((r) => r.signatory_id);
  });
}

async function domainOf(db: DB, signatoryId: number): Promise<string | null> {
  const row = await db.selectFrom("signatories").select(["domain", "website"]).where("id", "=", signatoryId).executeTakeFirst();
  if (!row) return null;
  if (row.domain) return row.domain;
  try {
    return registrableDomain(new URL(row.website).hostname);
  } catch {
    return null;
  }
}

async function checkAndRecord(
  db: DB,
  signatoryId: number,
  limits: FetchLimits,
  requestedBy: string,
  audit?: { by: Actor; slug: string },
): Promise<SecurityTxtResult | null> {
  const domain = await domainOf(db, signatoryId);
  const result: SecurityTxtResult = domain
    ? await checkSecurityTxt(domain, limits)
    : {
        status: "missing",
        url: null,
        httpStatus: null,
        contact: [],
        policy: null,
        expires: null,
        signed: false,
        detail: "no domain to check",
      };
  await recordSecurityTxt(db, signatoryId, result, requestedBy, new Date(), audit);
  return result;
}

/**
 * The background's part: claims due signatories, checks each and schedules the next check
 * `intervalHours` later. Returns how many were checked.
 */
export async function runDueSecurityTxtChecks(
  db: DB,
  options: { intervalHours: number; limits?: FetchLimits; now?: Date; limit?: number },
): Promise<number> {
  if (options.intervalHours <= 0) return 0;
  const now = options.now ?? new Date();
  await fillSchedule(db, now);
  const ids = await claimDueSecurityTxt(db, now, options.limit);
  const limits = options.limits ?? configuredLimits();
  for (const id of ids) {
    try {
      await checkAndRecord(db, id, limits, "schedule");
    } finally {
      await db
        .updateTable("security_txt_schedule")
        .set({ claimed_until: null, next_check_at: new Date(now.getTime() + options.intervalHours * 3600_000).toISOString() })
        .where("signatory_id", "=", id)
        .execute();
    }
  }
  return ids.length;
}

/** A moderator's "check now": the check runs at once; the schedule's next one stays. */
export async function recheckSecurityTxt(db: DB, signatoryId: number, by: string, limits = configuredLimits()) {
  return checkAndRecord(db, signatoryId, limits, by);
}

/**
 * "Check security.txt now" on the staff page of a signatory (by slug): the check runs at
 * once, and its result, its line of history and the audit entry commit together. Null when
 * no signatory has the slug.
 */
export async function staffRecheckSecurityTxt(db: DB, slug: string, by: Actor, limits = configuredLimits()) {
  const row = await db.selectFrom("signatories").select("id").where("slug", "=", slug).executeTakeFirst();
  if (!row) return null;
  return checkAndRecord(db, row.id, limits, by.actor, { by, slug });
}

export interface SecurityContact {
  status: SecurityTxtStatus | "unchecked";
  checked_at: string | null;
  contact: string[];
  policy: string | null;
  expires: string | null;
}

export const UNCHECKED: SecurityContact = { status: "unchecked", checked_at: null, contact: [], policy: null, expires: null };

type ContactRow = Pick<Selectable<SecurityContactTable>, "status" | "checked_at" | "contact_json" | "policy" | "expires">;

/** A stored result as the API's `security_contact`, its status as of `now` (one rule for page, API and CSV). */
function asContact(r: ContactRow, now: Date): SecurityContact {
  const contact = JSON.parse(r.contact_json) as string[];
  return statusAsOf({ status: r.status, checked_at: r.checked_at, contact, policy: r.policy, expires: r.expires }, now);
}

/** Each of these signatories' security contact, with what staff see besides (CONTRACT §9). */
export async function securityContacts(
  db: DB,
  signatoryIds: number[],
  now = new Date(),
): Promise<Map<number, SecurityContact & { signed: boolean; detail: string | null; url: string | null }>> {
  const out = new Map<number, SecurityContact & { signed: boolean; detail: string | null; url: string | null }>();
  for (let i = 0; i < signatoryIds.length; i += 500) {
    const rows = await db
      .selectFrom("security_contacts")
      .selectAll()
      .where("signatory_id", "in", signatoryIds.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.signatory_id, { ...asContact(r, now), signed: fromFlag(r.signed), detail: r.detail, url: r.url });
  }
  return out;
}

/** A signatory's last checks, newest first (staff). */
export async function securityTxtHistory(db: DB, signatoryId: number, limit = 20) {
  return db
    .selectFrom("security_txt_checks")
    .select(["checked_at", "status", "url", "http_status", "expires", "detail", "requested_by"])
    .where("signatory_id", "=", signatoryId)
    .orderBy("checked_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/** How far ahead the staff view of expiring files looks. */
export const EXPIRING_DAYS = 30;

/**
 * Active signatories whose security.txt expires within `days` (or has expired), soonest
 * first, with when a reminder for that Expires date was queued (staff).
 */
export async function expiringSecurityTxt(db: DB, days = EXPIRING_DAYS, now = new Date()) {
  const until = new Date(now.getTime() + days * 86_400_000).toISOString();
  return db
    .selectFrom("security_contacts")
    .innerJoin("signatories", "signatories.id", "security_contacts.signatory_id")
    .leftJoin("security_txt_reminders", (join) =>
      join
        .onRef("security_txt_reminders.signatory_id", "=", "security_contacts.signatory_id")
        .onRef("security_txt_reminders.expires", "=", "security_contacts.expires"),
    )
    .select([
      "signatories.slug",
      "signatories.name",
      "security_contacts.status",
      "security_contacts.expires",
      "security_contacts.checked_at",
      "security_txt_reminders.sent_at as reminded_at",
    ])
    .where("signatories.status", "=", "active")
    .where("security_contacts.expires", "is not", null)
    .where("security_contacts.expires", "<=", until)
    .orderBy("security_contacts.expires")
    .orderBy("signatories.slug")
    .execute();
}

/**
 * How many active signatories publish a valid security.txt, of how many were checked (for
 * /stats); a file found valid whose Expires date has passed since does not count as valid.
 */
export async function securityTxtShare(db: DB, now = new Date()): Promise<{ active: number; checked: number; valid: number }> {
  const at = now.toISOString();
  const row = await db
    .selectFrom("signatories")
    .leftJoin("security_contacts", "security_contacts.signatory_id", "signatories.id")
    .select((eb) => [
      eb.fn.countAll<number>().as("active"),
      eb.fn.count<number>("security_contacts.signatory_id").as("checked"),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when(eb.and([eb("security_contacts.status", "=", "valid"), eb("security_contacts.expires", ">", at)]))
            .then(1)
            .else(0)
            .end(),
        )
        .as("valid"),
    ])
    .where("signatories.status", "=", "active")
    .executeTakeFirstOrThrow();
  return { active: Number(row.active), checked: Number(row.checked), valid: Number(row.valid ?? 0) };
}

/** The API's `security_contact` by signatory slug (unchecked ones are left out). */
export async function securityContactsBySlug(db: DB, slugs: string[], now = new Date()): Promise<Map<string, SecurityContact>> {
  const out = new Map<string, SecurityContact>();
  for (let i = 0; i < slugs.length; i += 500) {
    const rows = await db
      .selectFrom("security_contacts")
      .innerJoin("signatories", "signatories.id", "security_contacts.signatory_id")
      .select([
        "signatories.slug",
        "security_contacts.status",
        "security_contacts.checked_at",
        "security_contacts.contact_json",
        "security_contacts.policy",
        "security_contacts.expires",
      ])
      .where("signatories.slug", "in", slugs.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.slug, asContact(r, now));
  }
  return out;
}

/** The CSV's security_contact_status by slug. */
export async function securityStatusBySlug(db: DB, slugs: string[]): Promise<Map<string, string>> {
  const contacts = await securityContactsBySlug(db, slugs);
  return new Map([...contacts].map(([slug, c]) => [slug, c.status]));
}

/**
 * A current status as of `now`: a file that was valid when checked but whose Expires date
 * has passed since reads as expired (the next check would say so too).
 */
export function statusAsOf(contact: SecurityContact, now = new Date()): SecurityContact {
  if (contact.status === "valid" && contact.expires !== null && contact.expires <= now.toISOString()) {
    return { ...contact, status: "expired" };
  }
  return contact;
}

/** What a signatory's public page shows of its evidence: the DNS proof's date and its security contact. */
export async function publicEvidence(
  db: DB,
  slug: string,
  now = new Date(),
): Promise<{ provenAt: string | null; securityContact: SecurityContact }> {
  const row = await db.selectFrom("signatories").select("id").where("slug", "=", slug).executeTakeFirst();
  if (!row) return { provenAt: null, securityContact: UNCHECKED };
  const [provenAt, contacts] = await Promise.all([publicDnsProof(db, row.id), securityContactsBySlug(db, [slug], now)]);
  return { provenAt, securityContact: contacts.get(slug) ?? UNCHECKED };
}
