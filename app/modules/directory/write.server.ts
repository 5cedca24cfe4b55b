// Writes to signatories. Each takes the caller's transaction (never the global db:
// with one SQLite connection that would wait on itself) and re-indexes what it
// changed inside it, so search never disagrees with a committed row.
import { isUniqueViolation } from "../../../db/engine";
import { toFlag } from "../../../db/booleans";
import { getDomain } from "tldts";
import { sql, type Insertable } from "kysely";
import type { Database, DatePrecision, SignatoryStatus } from "../../../db/schema";
import type { DB } from "~/modules/database/db.server";
import { searchIndex } from "~/modules/database/search.server";
import { slugify } from "./slug";

export interface NewSignatoryInput {
  name: string;
  website: string;
  country: string;
  sector: string;
  description: string;
  joined_on: string;
  /** How precisely joined_on is known (default: to the day). */
  joined_precision?: DatePrecision;
  founding: boolean;
  status?: SignatoryStatus;
  notes?: string | null;
  former_names?: string | null;
  /** Pledges endorsed; required pledges are endorsed on joining. */
  pledges: { code: string; endorsed_on: string }[];
}

/** A slug for the name that no other signatory has ("acme", then "acme-2", …), as far as
 * committed rows and the transaction's own tell: see createSignatory for two at once. */
async function freeSlug(trx: DB, name: string): Promise<string> {
  const base = slugify(name);
  const taken = new Set(
    (
      await trx
        .selectFrom("signatories")
        .select("slug")
        .where((eb) => eb.or([eb("slug", "=", base), eb("slug", "like", `${base}-%`)]))
        .execute()
    ).map((r) => r.slug),
  );
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
  return slug;
}

/** More candidates than any real race needs: each retry means another writer took a slug. */
const SLUG_ATTEMPTS = 50;

const isSlugTaken = (error: unknown) => isUniqueViolation(error, { constraint: "signatories_slug_key", column: "signatories.slug" });

/**
 * Inserts with the next free slug for the name. On PostgreSQL (READ COMMITTED, several
 * instances) two writers can both find "acme" free before either commits; the second
 * insert then waits for the first to commit and fails on the unique index. A savepoint
 * keeps that failure from aborting the caller's transaction: it rolls back to it and
 * takes the next free slug, which the committed row now shows. (A failed insert fires no
 * statement trigger, so it takes no lock, such as the data version's, that another writer
 * could be waiting for.) Plain SQL savepoints: the same on SQLite, where it never races.
 */
async function insertWithFreeSlug(trx: DB, name: string, row: (slug: string) => Insertable<Database["signatories"]>): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const slug = await freeSlug(trx, name);
    await sql`savepoint new_signatory_slug`.execute(trx);
    try {
      const { id } = await trx.insertInto("signatories").values(row(slug)).returning("id").executeTakeFirstOrThrow();
      await sql`release savepoint new_signatory_slug`.execute(trx);
      return id;
    } catch (error) {
      if (!isSlugTaken(error) || attempt >= SLUG_ATTEMPTS) throw error;
      await sql`rollback to savepoint new_signatory_slug`.execute(trx);
      await sql`release savepoint new_signatory_slug`.execute(trx);
    }
  }
}

/**
 * Adds a signatory with the given slug (seed, db:import: theirs), or with the next free
 * slug for its name (an approval), taken safely when another writer takes it first.
 */
export async function createSignatory(trx: DB, input: NewSignatoryInput, slug?: string) {
  const now = new Date().toISOString();
  const row = (slug: string) => ({
    slug,
    name: input.name,
    website: input.website,
    country: input.country,
    sector: input.sector,
    description: input.description,
    joined_on: input.joined_on,
    joined_precision: input.joined_precision ?? "day",
    founding: toFlag(input.founding),
    status: input.status ?? "active",
    withdrawn_on: null,
    former_names: input.former_names ?? null,
    notes: input.notes ?? null,
    domain: getDomain(input.website),
    created_at: now,
    updated_at: now,
  });
  const id =
    slug === undefined
      ? await insertWithFreeSlug(trx, input.name, row)
      : (await trx.insertInto("signatories").values(row(slug)).returning("id").executeTakeFirstOrThrow()).id;
  await trx
    .insertInto("signatory_events")
    .values({
      signatory_id: id,
      kind: "joined",
      occurred_on: input.joined_on,
      pledge_code: null,
      detail: input.founding ? "Founding signatory" : null,
      created_at: now,
    })
    .execute();
  for (const pledge of input.pledges) {
    await addEndorsement(trx, id, pledge.code, pledge.endorsed_on, input.joined_on);
  }
  await searchIndex(trx).reindex(trx, [id]);
  return id;
}

/**
 * Records that a signatory endorses a pledge; returns false when it already did.
 * Pledges taken on the day of joining are part of the join; later ones get their own
 * history event.
 */
export async function addEndorsement(
  trx: DB,
  signatoryId: number,
  pledgeCode: string,
  endorsedOn: string,
  joinedOn: string,
): Promise<boolean> {
  const inserted = await trx
    .insertInto("endorsements")
    .values({ signatory_id: signatoryId, pledge_code: pledgeCode, endorsed_on: endorsedOn })
    .onConflict((oc) => oc.columns(["signatory_id", "pledge_code"]).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
  if (endorsedOn > joinedOn) {
    await trx
      .insertInto("signatory_events")
      .values({
        signatory_id: signatoryId,
        kind: "pledge_endorsed",
        occurred_on: endorsedOn,
        pledge_code: pledgeCode,
        detail: null,
        created_at: new Date().toISOString(),
      })
      .execute();
  }
  return true;
}

export type SignatoryPatch = Partial<
  Pick<NewSignatoryInput, "name" | "website" | "country" | "sector" | "description" | "joined_on" | "joined_precision" | "notes">
>;

const PATCHABLE = ["name", "website", "country", "sector", "description", "joined_on", "joined_precision", "notes"] as const;

/**
 * Changes a signatory's facts. The slug never changes once published; a new name keeps
 * the old one in `former_names`. Returns the fields that changed, before and after, for
 * the audit log (empty when nothing changed).
 */
export async function updateSignatory(trx: DB, id: number, patch: SignatoryPatch) {
  const current = await trx.selectFrom("signatories").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  // A new join date given without its precision (a moderator's edit) is known to the day.
  if (patch.joined_on !== undefined && patch.joined_on !== current.joined_on && patch.joined_precision === undefined) {
    patch = { ...patch, joined_precision: "day" };
  }
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const field of PATCHABLE) {
    const value = patch[field];
    if (value === undefined || value === current[field]) continue;
    before[field] = current[field];
    after[field] = value;
  }
  if (Object.keys(after).length === 0) return { before, after };
  let formerNames = current.former_names;
  if (typeof after.name === "string") {
    const names = new Set(
      (formerNames ?? "")
        .split(";")
        .map((n) => n.trim())
        .filter(Boolean),
    );
    names.add(current.name);
    names.delete(after.name);
    formerNames = [...names].join("; ") || null;
    before.former_names = current.former_names;
    after.former_names = formerNames;
  }
  await trx
    .updateTable("signatories")
    .set({
      ...after,
      former_names: formerNames,
      ...(typeof after.website === "string" ? { domain: getDomain(after.website) } : {}),
      updated_at: new Date().toISOString(),
    })
    .where("id", "=", id)
    .execute();
  if (typeof after.joined_on === "string") {
    // A corrected join date moves the 'joined' event and the pledges taken on joining.
    await trx
      .updateTable("signatory_events")
      .set({ occurred_on: after.joined_on })
      .where("signatory_id", "=", id)
      .where("kind", "=", "joined")
      .execute();
    await trx
      .updateTable("endorsements")
      .set({ endorsed_on: after.joined_on })
      .where("signatory_id", "=", id)
      .where("endorsed_on", "=", current.joined_on)
      .execute();
  }
  // Public history: what changed (values only for the name; the audit log has the rest).
  const changed = PATCHABLE.filter((f) => f in after).map((f) => FIELD_LABEL[f]);
  await trx
    .insertInto("signatory_events")
    .values({
      signatory_id: id,
      kind: "updated",
      occurred_on: new Date().toISOString().slice(0, 10),
      pledge_code: null,
      detail:
        typeof after.name === "string" ? `renamed from ${current.name}; ${changed.join(", ")} changed` : `${changed.join(", ")} changed`,
      created_at: new Date().toISOString(),
    })
    .execute();
  await searchIndex(trx).reindex(trx, [id]);
  return { before, after };
}

const FIELD_LABEL: Record<(typeof PATCHABLE)[number], string> = {
  name: "name",
  website: "website",
  country: "headquarters country",
  sector: "sector",
  description: "description",
  joined_on: "join date",
  joined_precision: "precision of the join date",
  notes: "notes",
};

const STATUS_EVENT = { withdrawn: "withdrawn", suspended: "suspended", active: "reinstated" } as const;

/**
 * Withdraws, suspends or reinstates a signatory, with a history event carrying the
 * reason. Returns false (and changes nothing) when it already has that status.
 */
export async function setSignatoryStatus(
  trx: DB,
  id: number,
  status: SignatoryStatus,
  options: { on: string; reason: string },
): Promise<{ changed: boolean; from: SignatoryStatus }> {
  const current = await trx.selectFrom("signatories").select(["status"]).where("id", "=", id).executeTakeFirstOrThrow();
  if (current.status === status) return { changed: false, from: current.status };
  const now = new Date().toISOString();
  await trx
    .updateTable("signatories")
    .set({
      status,
      // withdrawn_on records the latest withdrawal; reinstating clears it.
      withdrawn_on: status === "withdrawn" ? options.on : status === "active" ? null : undefined,
      updated_at: now,
    })
    .where("id", "=", id)
    .where("status", "=", current.status)
    .execute();
  await trx
    .insertInto("signatory_events")
    .values({
      signatory_id: id,
      kind: STATUS_EVENT[status],
      occurred_on: options.on,
      pledge_code: null,
      detail: options.reason,
      created_at: now,
    })
    .execute();
  return { changed: true, from: current.status };
}

/** Corrects the date of a signatory's latest withdrawal (db:import with withdrawn_on). */
export async function correctWithdrawalDate(trx: DB, id: number, on: string): Promise<void> {
  await trx.updateTable("signatories").set({ withdrawn_on: on, updated_at: new Date().toISOString() }).where("id", "=", id).execute();
  const latest = await trx
    .selectFrom("signatory_events")
    .select("id")
    .where("signatory_id", "=", id)
    .where("kind", "=", "withdrawn")
    .orderBy("occurred_on", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (latest) await trx.updateTable("signatory_events").set({ occurred_on: on }).where("id", "=", latest.id).execute();
}
