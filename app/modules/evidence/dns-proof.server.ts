// DNS domain proof for applications (issue 18, CONTRACT §9, docs/decisions/024). The
// applicant publishes `accord-registry-verification=TOKEN` as a TXT record at
// `_accord-registry.<registrable domain>`; "Check now" (and a few background re-checks over
// the next hour) looks for it through the evidence resolver (DNS_SERVERS).
//
// The token is random (128 bits) and kept as it is, not hashed: it is shown on the status
// page again and again, and it is no secret once published, nor a credential before: knowing
// it lets nobody prove anything without control of the domain's DNS. What it must be is
// unguessable and this application's own, so a record someone published for another
// application (or for another registry's check) proves nothing here.
import { randomBytes } from "node:crypto";
import type { promises as dns } from "node:dns";
import type { Application, DnsProofOutcome } from "../../../db/schema";
import type { DB } from "~/modules/database/db.server";
import { getEnv } from "~/utils/env.server";
import { makeResolver } from "./resolver.server";

export const DNS_PROOF_LABEL = "_accord-registry";
export const DNS_PROOF_PREFIX = "accord-registry-verification=";

/** Minutes after "Check now" at which the background looks again while no record is seen. */
export const RECHECK_AFTER_MINUTES = [5, 15, 30, 60] as const;
const LEASE_MS = 2 * 60 * 1000;
const OPEN = ["unverified", "pending", "changes_requested"] as const;

export const recordName = (domain: string) => `${DNS_PROOF_LABEL}.${domain}`;
export const recordValue = (token: string) => `${DNS_PROOF_PREFIX}${token}`;

export function newDnsToken(): string {
  return randomBytes(16).toString("hex");
}

/** The resolver the configuration names (DNS_SERVERS, else the system's). */
export function evidenceResolver(): dns.Resolver {
  return makeResolver({ servers: getEnv().DNS_SERVERS });
}

export interface DnsAnswer {
  outcome: DnsProofOutcome;
  /** What was found, in a few words (never more than the record's own text). */
  detail: string;
}

/**
 * Looks for the token at `_accord-registry.<domain>`. A TXT record may be split into several
 * strings (RFC 1035 character-strings, RFC 7208 §3.3): they are joined before comparing; a
 * name may hold several TXT records: one matching is enough.
 */
export async function lookupDnsProof(resolver: dns.Resolver, domain: string, token: string): Promise<DnsAnswer> {
  const name = recordName(domain);
  let records: string[][];
  try {
    records = await resolver.resolveTxt(name);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOTFOUND") return { outcome: "nxdomain", detail: `${name} does not exist (NXDOMAIN)` };
    if (code === "ENODATA") return { outcome: "absent", detail: `${name} has no TXT record` };
    if (code === "ETIMEOUT" || code === "ECONNREFUSED") return { outcome: "timeout", detail: `no answer from the DNS servers for ${name}` };
    return { outcome: "error", detail: `the DNS lookup of ${name} failed (${code ?? "error"})` };
  }
  const values = records.map((chunks) => chunks.join("").trim());
  if (values.includes(recordValue(token))) return { outcome: "confirmed", detail: `${name} holds the record` };
  const ours = values.filter((v) => v.startsWith(DNS_PROOF_PREFIX));
  if (ours.length > 0)
    return { outcome: "wrong_token", detail: `${name} holds ${ours.length === 1 ? "a record" : "records"} with another token` };
  return { outcome: "absent", detail: `${name} has no accord-registry-verification record` };
}

export interface DnsProofView {
  name: string;
  value: string;
  domain: string;
  checkedAt: string | null;
  outcome: DnsProofOutcome | null;
  detail: string | null;
  confirmedAt: string | null;
  nextCheckAt: string | null;
}

async function proofRow(db: DB, application: Pick<Application, "id" | "domain">) {
  const row = await db.selectFrom("application_dns_proofs").selectAll().where("application_id", "=", application.id).executeTakeFirst();
  // A proof belongs to the domain it was made for; after a resubmission that changed the
  // domain, the application has no proof until one is made for the new domain.
  return row && row.domain === application.domain ? row : undefined;
}

/** The application's proof as its status page and moderators see it; null before one was asked for. */
export async function dnsProofView(db: DB, application: Pick<Application, "id" | "domain">): Promise<DnsProofView | null> {
  const row = await proofRow(db, application);
  if (!row) return null;
  return {
    name: recordName(row.domain),
    value: recordValue(row.token),
    domain: row.domain,
    checkedAt: row.checked_at,
    outcome: row.outcome,
    detail: row.detail,
    confirmedAt: row.confirmed_at,
    nextCheckAt: row.checks_left > 0 ? row.next_check_at : null,
  };
}

/** Whether the application holds a confirmed DNS proof for its current domain. */
export function hasDnsProof(application: Pick<Application, "domain" | "dns_proof_domain" | "dns_proof_confirmed_at">): boolean {
  return application.dns_proof_domain === application.domain && application.dns_proof_confirmed_at !== null;
}

/** Makes the application's token (once per domain); the applicant then publishes it. */
export async function startDnsProof(db: DB, application: Pick<Application, "id" | "domain" | "status">, now = new Date()): Promise<void> {
  if (!(OPEN as readonly string[]).includes(application.status)) return;
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("application_dns_proofs")
      .select("domain")
      .where("application_id", "=", application.id)
      .executeTakeFirst();
    if (row?.domain === application.domain) return;
    await trx.deleteFrom("application_dns_proofs").where("application_id", "=", application.id).execute();
    await trx
      .insertInto("application_dns_proofs")
      .values({ application_id: application.id, domain: application.domain, token: newDnsToken(), created_at: now.toISOString() })
      .execute();
  });
}

/** Records one answer: on the proof's row, and on the application's (public) row when confirmed. */
async function recordAnswer(
  db: DB,
  applicationId: number,
  domain: string,
  answer: DnsAnswer,
  schedule: { next: string | null; left: number },
  now: Date,
) {
  const at = now.toISOString();
  await db.transaction().execute(async (trx) => {
    const confirmed = answer.outcome === "confirmed";
    await trx
      .updateTable("application_dns_proofs")
      .set({
        checked_at: at,
        outcome: answer.outcome,
        detail: answer.detail,
        ...(confirmed ? { confirmed_at: at } : {}),
        next_check_at: confirmed ? null : schedule.next,
        checks_left: confirmed ? 0 : schedule.left,
        lease_until: null,
      })
      .where("application_id", "=", applicationId)
      .where("domain", "=", domain)
      .execute();
    if (confirmed) {
      await trx
        .updateTable("applications")
        .set({ dns_proof_domain: domain, dns_proof_confirmed_at: at })
        .where("id", "=", applicationId)
        .where("domain", "=", domain)
        .execute();
    }
  });
}

/**
 * "Check now": looks for the record at once; while it is not there, the background looks
 * again RECHECK_AFTER_MINUTES after this (DNS changes take a while to reach every server).
 */
export async function checkDnsProofNow(
  db: DB,
  application: Pick<Application, "id" | "domain" | "status">,
  options: { resolver?: dns.Resolver; now?: Date } = {},
): Promise<DnsAnswer | null> {
  const now = options.now ?? new Date();
  const row = await proofRow(db, application);
  if (!row || !(OPEN as readonly string[]).includes(application.status)) return null;
  const answer = await lookupDnsProof(options.resolver ?? evidenceResolver(), row.domain, row.token);
  const next = new Date(now.getTime() + RECHECK_AFTER_MINUTES[0] * 60_000).toISOString();
  await recordAnswer(db, application.id, row.domain, answer, { next, left: RECHECK_AFTER_MINUTES.length }, now);
  return answer;
}

/**
 * The background's part: every proof whose re-check is due, for an application still open.
 * Each is claimed with a conditional update (a lease), so two instances never look up the
 * same proof at once; a worker that dies leaves a lease that expires.
 */
export async function runDueDnsChecks(db: DB, options: { resolver?: dns.Resolver; now?: Date } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const at = now.toISOString();
  const due = await db
    .selectFrom("application_dns_proofs")
    .innerJoin("applications", "applications.id", "application_dns_proofs.application_id")
    .select(["application_dns_proofs.application_id", "application_dns_proofs.domain", "application_dns_proofs.token", "checks_left"])
    .where("checks_left", ">", 0)
    .where("next_check_at", "<=", at)
    .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", at)]))
    .where("applications.status", "in", OPEN)
    .whereRef("applications.domain", "=", "application_dns_proofs.domain")
    .orderBy("next_check_at")
    .limit(20)
    .execute();
  const resolver = options.resolver ?? evidenceResolver();
  let checked = 0;
  for (const proof of due) {
    const claim = await db
      .updateTable("application_dns_proofs")
      .set({ lease_until: new Date(now.getTime() + LEASE_MS).toISOString() })
      .where("application_id", "=", proof.application_id)
      .where("checks_left", "=", proof.checks_left)
      .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", at)]))
      .executeTakeFirst();
    if (Number(claim.numUpdatedRows) !== 1) continue;
    const answer = await lookupDnsProof(resolver, proof.domain, proof.token);
    const left = proof.checks_left - 1;
    // The schedule counts from the "Check now" that started it: 5, 15, 30, 60 minutes.
    const step = RECHECK_AFTER_MINUTES.length - left;
    const next =
      left > 0 ? new Date(now.getTime() + (RECHECK_AFTER_MINUTES[step] - RECHECK_AFTER_MINUTES[step - 1]) * 60_000).toISOString() : null;
    await recordAnswer(db, proof.application_id, proof.domain, answer, { next, left }, new Date());
    checked++;
  }
  return checked;
}

/** When a signatory's domain control was last proven by DNS (through the application that made it), or null. */
export async function publicDnsProof(db: DB, signatoryId: number): Promise<string | null> {
  const rows = await db
    .selectFrom("applications")
    .select(["domain", "dns_proof_domain", "dns_proof_confirmed_at"])
    .where("signatory_id", "=", signatoryId)
    .where("status", "=", "approved")
    .execute();
  const proven = rows.filter(hasDnsProof).map((r) => r.dns_proof_confirmed_at!);
  return proven.sort().at(-1) ?? null;
}
