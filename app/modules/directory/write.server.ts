// Writes to signatories. Each takes the caller's transaction (never the global db:
// with one SQLite connection that would wait on itself) and re-indexes what it
// changed inside it, so search never disagrees with a committed row.
import { getDomain } from "tldts";
import type { SignatoryStatus } from "../../../db/schema";
import type { DB } from "~/modules/db/db.server";
import { searchIndex } from "~/modules/db/search.server";
import { slugify } from "./slug";

export interface NewSignatoryInput {
  name: string;
  website: string;
  country: string;
  sector: string;
  description: string;
  joined_on: string;
  founding: boolean;
  status?: SignatoryStatus;
  notes?: string | null;
  former_names?: string | null;
  /** Pledges endorsed; required pledges are endorsed on joining. */
  pledges: { code: string; endorsed_on: string }[];
}

/** A slug for the name that no other signatory has ("acme", then "acme-2", …). */
export async function freeSlug(trx: DB, name: string): Promise<string> {
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

export async function createSignatory(trx: DB, input: NewSignatoryInput, slug?: string) {
  const now = new Date().toISOString();
  const { id } = await trx
    .insertInto("signatories")
    .values({
      slug: slug ?? (await freeSlug(trx, input.name)),
      name: input.name,
      website: input.website,
      country: input.country,
      sector: input.sector,
      description: input.description,
      joined_on: input.joined_on,
      founding: input.founding ? 1 : 0,
      status: input.status ?? "active",
      withdrawn_on: null,
      former_names: input.former_names ?? null,
      notes: input.notes ?? null,
      domain: getDomain(input.website),
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
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
