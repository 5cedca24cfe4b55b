// Where each record comes from (issue 13, docs/decisions/016): the public sources stored
// with it (a URL when there is one, a title, the source's own words, when it was read),
// and, for a record that came through the registry's own process, the registry's evidence:
// the approved application, derived from it rather than stored, so it can never disagree
// with the application (and it names no person: the domain and the dates only).
import type { DB } from "~/modules/database/db.server";
import { publicUrl } from "~/utils/env.server";
import { formatDate } from "~/utils/format";

export interface SourceInput {
  url: string | null;
  title: string;
  quote: string | null;
  retrieved_on: string | null;
}

export interface RecordSource extends SourceInput {
  /** "source": a public source; "evidence": the registry's own process. */
  kind: "source" | "evidence";
  /** The endorsement it supports (a pledge code), or null for the record itself. */
  pledge_code: string | null;
}

/** Adds sources to a record (pledgeCode null) or to one of its endorsements, after those it has. */
export async function addSources(trx: DB, signatoryId: number, pledgeCode: string | null, sources: SourceInput[]): Promise<number> {
  if (sources.length === 0) return 0;
  const last = await trx
    .selectFrom("sources")
    .select((eb) => eb.fn.max("position").as("position"))
    .where("signatory_id", "=", signatoryId)
    .executeTakeFirst();
  let position = Number(last?.position ?? -1) + 1;
  const now = new Date().toISOString();
  await trx
    .insertInto("sources")
    .values(sources.map((s) => ({ signatory_id: signatoryId, pledge_code: pledgeCode, ...s, position: position++, created_at: now })))
    .execute();
  return sources.length;
}

/** Whether a record (pledgeCode null) or one of its endorsements has any source yet. */
export async function hasSources(trx: DB, signatoryId: number, pledgeCode: string | null): Promise<boolean> {
  let query = trx.selectFrom("sources").select("id").where("signatory_id", "=", signatoryId);
  query = pledgeCode === null ? query.where("pledge_code", "is", null) : query.where("pledge_code", "=", pledgeCode);
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}

/** The evidence of an approved application, in a source's shape. */
export function applicationEvidence(a: { ref: string; domain: string; verified_at: string | null; decided_at: string }): SourceInput {
  const verified = a.verified_at
    ? `The applicant's contact e-mail address, at ${a.domain} (the company's own domain), was verified on ${formatDate(a.verified_at.slice(0, 10))}; `
    : "";
  return {
    url: publicUrl("/methodology#verification"),
    title: `Application ${a.ref} to this registry, approved on ${formatDate(a.decided_at.slice(0, 10))}`,
    quote: `${verified}the registry's moderators reviewed the application and approved it.`,
    retrieved_on: a.decided_at.slice(0, 10),
  };
}

/**
 * The sources of many records in two queries (no N+1): for each signatory id, the
 * registry's evidence first (when it came through an application), then its public
 * sources in the order they were added (the record's, then its endorsements').
 */
export async function sourcesOf(db: DB, ids: number[]): Promise<Map<number, RecordSource[]>> {
  const result = new Map<number, RecordSource[]>();
  if (ids.length === 0) return result;
  const add = (id: number, source: RecordSource) => {
    const list = result.get(id) ?? [];
    list.push(source);
    result.set(id, list);
  };
  const unique = [...new Set(ids)];
  const evidence: { signatory_id: number | null; ref: string; domain: string; verified_at: string | null; decided_at: string | null }[] =
    [];
  const stored: {
    signatory_id: number;
    pledge_code: string | null;
    url: string | null;
    title: string;
    quote: string | null;
    retrieved_on: string | null;
  }[] = [];
  for (let i = 0; i < unique.length; i += 500) {
    const chunk = unique.slice(i, i + 500);
    const [apps, rows] = await Promise.all([
      db
        .selectFrom("applications")
        .select(["signatory_id", "ref", "domain", "verified_at", "decided_at"])
        .where("signatory_id", "in", chunk)
        .where("status", "=", "approved")
        .execute(),
      db
        .selectFrom("sources")
        .select(["signatory_id", "pledge_code", "url", "title", "quote", "retrieved_on"])
        .where("signatory_id", "in", chunk)
        .orderBy("signatory_id")
        .orderBy("position")
        .execute(),
    ]);
    evidence.push(...apps);
    stored.push(...rows);
  }
  for (const a of evidence) {
    if (a.signatory_id === null || a.decided_at === null) continue;
    add(a.signatory_id, { kind: "evidence", pledge_code: null, ...applicationEvidence({ ...a, decided_at: a.decided_at }) });
  }
  // The record's own sources before its endorsements', each group in the order added.
  for (const s of [...stored].sort((a, b) => Number(a.pledge_code !== null) - Number(b.pledge_code !== null))) {
    add(s.signatory_id, {
      kind: "source",
      pledge_code: s.pledge_code,
      url: s.url,
      title: s.title,
      quote: s.quote,
      retrieved_on: s.retrieved_on,
    });
  }
  return result;
}

/** The latest day the record was confirmed against a source or the registry's evidence. */
export function lastChecked(sources: RecordSource[]): string | null {
  return sources.reduce<string | null>(
    (latest, s) => (s.retrieved_on && (!latest || s.retrieved_on > latest) ? s.retrieved_on : latest),
    null,
  );
}

/** The same, keyed by slug (the API's pages know slugs, not ids). */
export async function sourcesBySlug(db: DB, slugs: string[]): Promise<Map<string, RecordSource[]>> {
  const result = new Map<string, RecordSource[]>();
  if (slugs.length === 0) return result;
  const ids = new Map<number, string>();
  for (let i = 0; i < slugs.length; i += 500) {
    const rows = await db
      .selectFrom("signatories")
      .select(["id", "slug"])
      .where("slug", "in", slugs.slice(i, i + 500))
      .execute();
    for (const r of rows) ids.set(r.id, r.slug);
  }
  const byId = await sourcesOf(db, [...ids.keys()]);
  for (const [id, slug] of ids) result.set(slug, byId.get(id) ?? []);
  return result;
}
