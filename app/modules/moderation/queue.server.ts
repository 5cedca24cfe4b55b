// What moderators read: the queue of applications and one application with everything
// submitted, its timeline, internal notes, and warnings about names and domains the
// registry already knows.
import { fromFlag } from "../../../db/booleans";
import type { ApplicationStatus } from "../../../db/schema";
import { readResubmissionDetail, type ResubmissionField } from "~/modules/applications/applications.server";
import { countryName } from "~/modules/countries";
import type { DB } from "~/modules/database/db.server";
import { DECIDABLE_STATUSES, type QueueFilter } from "./constants";
import { compareNames, foldName, type NameMatch } from "./similarity";

const QUEUE_PAGE_SIZE = 50;

function statusesOf(filter: QueueFilter): readonly ApplicationStatus[] | null {
  if (filter === "all") return null;
  if (filter === "open") return DECIDABLE_STATUSES;
  return [filter];
}

/** Applications of a filter, oldest first: by when they entered the queue (verification),
 * or were submitted when not verified yet. */
export async function listApplications(db: DB, filter: QueueFilter, page: number) {
  let base = db.selectFrom("applications");
  const statuses = statusesOf(filter);
  if (statuses) base = base.where("status", "in", statuses);
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as("total")).executeTakeFirstOrThrow();
  const rows = await base
    .select(["ref", "name", "country", "sector", "domain", "status", "created_at", "verified_at", "decided_at", "updated_at"])
    .orderBy((eb) => eb.fn.coalesce("verified_at", "created_at"))
    .orderBy("id")
    .limit(QUEUE_PAGE_SIZE)
    .offset((page - 1) * QUEUE_PAGE_SIZE)
    .execute();
  const count = Number(total);
  return { rows, total: count, page, pages: Math.max(1, Math.ceil(count / QUEUE_PAGE_SIZE)) };
}

export async function countApplicationsByStatus(db: DB): Promise<Record<ApplicationStatus, number>> {
  const rows = await db
    .selectFrom("applications")
    .select(["status", (eb) => eb.fn.countAll<number>().as("count")])
    .groupBy("status")
    .execute();
  const counts: Record<ApplicationStatus, number> = {
    unverified: 0,
    pending: 0,
    changes_requested: 0,
    approved: 0,
    rejected: 0,
    withdrawn: 0,
  };
  for (const r of rows) counts[r.status] = Number(r.count);
  return counts;
}

export async function getApplicationDetail(db: DB, ref: string) {
  const application = await db
    .selectFrom("applications")
    .innerJoin("sectors", "sectors.code", "applications.sector")
    .selectAll("applications")
    .select("sectors.name as sector_name")
    .where("applications.ref", "=", ref)
    .executeTakeFirst();
  if (!application) return null;
  const [pledges, events, notes, signatory] = await Promise.all([
    db
      .selectFrom("pledges")
      .leftJoin("application_pledges", (join) =>
        join.onRef("application_pledges.pledge_code", "=", "pledges.code").on("application_pledges.application_id", "=", application.id),
      )
      .select(["pledges.code", "pledges.title", "pledges.required", "application_pledges.pledge_code as chosen"])
      .orderBy("pledges.position")
      .execute(),
    db
      .selectFrom("application_events")
      .select(["kind", "reason", "actor", "detail", "created_at"])
      .where("application_id", "=", application.id)
      .orderBy("created_at")
      .orderBy("id")
      .execute(),
    db
      .selectFrom("application_notes")
      .innerJoin("staff", "staff.id", "application_notes.staff_id")
      .select(["application_notes.id", "application_notes.body", "application_notes.created_at", "staff.name as author"])
      .where("application_notes.application_id", "=", application.id)
      .orderBy("application_notes.id")
      .execute(),
    application.signatory_id
      ? db.selectFrom("signatories").select(["slug", "name"]).where("id", "=", application.signatory_id).executeTakeFirst()
      : Promise.resolve(undefined),
  ]);
  const staffNames = await namesOfActors(
    db,
    events.map((e) => e.actor),
  );
  const lastResubmission = events.filter((e) => e.kind === "resubmitted").at(-1);
  return {
    application,
    pledges: pledges.map((p) => ({ code: p.code, title: p.title, required: fromFlag(p.required), chosen: p.chosen !== null })),
    events: events.map(({ detail: _detail, ...e }) => ({
      ...e,
      actorName: staffNames.get(e.actor) ?? (e.actor === "applicant" ? "Applicant" : e.actor),
    })),
    notes,
    signatory: signatory ?? null,
    resubmission: lastResubmission ? await describeResubmission(db, lastResubmission, pledges) : null,
  };
}

const CHANGED_FIELD_LABEL: Record<ResubmissionField, string> = {
  name: "Name",
  website: "Website",
  country: "Headquarters",
  sector: "Sector",
  description: "Description",
  contact_name: "Contact name",
  contact_title: "Contact title",
  contact_email: "Contact e-mail",
  pledges: "Pledges",
};

/**
 * What the applicant's last resubmission changed, old and new values in words a
 * moderator reads (country names, sector names, pledge titles), and whether the contact
 * address had to be confirmed again. Events from before migration 013 carry no detail.
 */
async function describeResubmission(
  db: DB,
  event: { created_at: string; detail: string | null },
  pledges: { code: string; title: string }[],
) {
  const detail = readResubmissionDetail(event.detail);
  if (!detail) return { at: event.created_at, recorded: false, reverify: false, changes: [] };
  const sectors = new Map((await db.selectFrom("sectors").select(["code", "name"]).execute()).map((s) => [s.code, s.name]));
  const titles = new Map(pledges.map((p) => [p.code, p.title]));
  const shown = (field: ResubmissionField, value: string) => {
    if (field === "country") return value ? countryName(value) : value;
    if (field === "sector") return sectors.get(value) ?? value;
    if (field === "pledges")
      return value
        ? value
            .split(", ")
            .map((code) => titles.get(code) ?? code)
            .join("; ")
        : "none";
    return value;
  };
  return {
    at: event.created_at,
    recorded: true,
    reverify: detail.reverify,
    changes: detail.changes.map((c) => ({
      field: c.field,
      label: CHANGED_FIELD_LABEL[c.field],
      from: shown(c.field, c.from),
      to: shown(c.field, c.to),
    })),
  };
}

async function namesOfActors(db: DB, actors: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(actors.filter((a) => a.startsWith("staff:")).map((a) => Number(a.slice(6))))].filter(Number.isInteger);
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom("staff").select(["id", "name"]).where("id", "in", ids).execute();
  return new Map(rows.map((r) => [`staff:${r.id}`, r.name]));
}

export interface Warning {
  about: "name" | "domain";
  kind: "signatory" | "application";
  /** The other record's name, its status and where a moderator can look at it. */
  name: string;
  status: string;
  href: string;
  match: NameMatch["kind"] | "domain";
  distance?: number;
  domain?: string;
}

/**
 * Signatories and other applications with the same or a similar name, or the same
 * registrable domain. Every signatory is compared (a few thousand names fold and compare
 * in milliseconds); other applications likewise, whatever their status. The signatory the
 * application itself became (once approved) is not another record: it is left out (issue 14).
 */
export async function similarityWarnings(
  db: DB,
  application: { id: number; name: string; name_key: string; domain: string; signatory_id: number | null },
): Promise<Warning[]> {
  const key = foldName(application.name);
  let others = db.selectFrom("signatories").select(["slug", "name", "former_names", "status", "domain"]);
  if (application.signatory_id !== null) others = others.where("id", "!=", application.signatory_id);
  const [signatories, applications] = await Promise.all([
    others.execute(),
    db.selectFrom("applications").select(["ref", "name", "name_key", "status", "domain"]).where("id", "!=", application.id).execute(),
  ]);
  const warnings: Warning[] = [];
  for (const s of signatories) {
    const href = `/moderation/signatories/${s.slug}`;
    const names = [
      s.name,
      ...(s.former_names ?? "")
        .split(";")
        .map((n) => n.trim())
        .filter(Boolean),
    ];
    let best: NameMatch | null = null;
    for (const n of names) {
      const match = compareNames(key, foldName(n));
      if (match && (!best || rank(match) < rank(best))) best = match;
    }
    if (best) warnings.push({ about: "name", kind: "signatory", name: s.name, status: s.status, href, ...describe(best) });
    if (s.domain && s.domain === application.domain) {
      warnings.push({ about: "domain", kind: "signatory", name: s.name, status: s.status, href, match: "domain", domain: s.domain });
    }
  }
  for (const a of applications) {
    const href = `/moderation/applications/${a.ref}`;
    const label = `${a.name} (${a.ref})`;
    const match = a.name_key === application.name_key ? ({ kind: "same" } as const) : compareNames(key, foldName(a.name));
    if (match) warnings.push({ about: "name", kind: "application", name: label, status: a.status, href, ...describe(match) });
    if (a.domain === application.domain) {
      warnings.push({ about: "domain", kind: "application", name: label, status: a.status, href, match: "domain", domain: a.domain });
    }
  }
  return warnings.sort((x, y) => (x.about === y.about ? 0 : x.about === "domain" ? -1 : 1));
}

function rank(match: NameMatch): number {
  return match.kind === "same" ? 0 : match.kind === "similar" ? 1 : 2;
}

function describe(match: NameMatch): Pick<Warning, "match" | "distance"> {
  return match.kind === "similar" ? { match: "similar", distance: match.distance } : { match: match.kind };
}
