// Seeds the accord's real data (see db/seed/SOURCES.md). Idempotent: rows that exist are
// never duplicated or overwritten, so it is safe to run against a live registry; on an
// older registry it adds what later versions of the seed brought (Panda Security, the
// sources of the founders' records, the published milestones).
import { toFlag } from "../../../db/booleans";
import { z } from "zod";
import { immediateTransaction, type DB } from "~/modules/database/db.server";
import { slugify } from "~/modules/directory/slug";
import { addEndorsement, createSignatory } from "~/modules/directory/write.server";
import { DATE_PRECISIONS, periodStart } from "~/modules/provenance/precision";
import { addSources, hasSources, type SourceInput } from "~/modules/provenance/sources.server";
import endorsementsJson from "../../../db/seed/endorsements.json";
import foundingSourcesJson from "../../../db/seed/founding-sources.json";
import laterSignatoriesJson from "../../../db/seed/later-signatories.json";
import milestonesJson from "../../../db/seed/milestones.json";
import pledgesJson from "../../../db/seed/pledges.json";
import sectorsJson from "../../../db/seed/sectors.json";
import signatoriesJson from "../../../db/seed/signatories.json";

/** The day the reference data was delivered: its sources were read on or before it (SOURCES.md). */
const REFERENCE_DATA_DATE = "2026-11-29";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** A date as precise as its source: 2018-09-11, 2018-09 or 2018. */
const partialDate = z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/);
const source = z.object({ url: z.url().nullable(), title: z.string().min(1), quote: z.string().nullable() });
const signatory = z.object({
  name: z.string(),
  website: z.url(),
  country: z.string().length(2),
  sector: z.string(),
  description: z.string(),
  joined_on: partialDate,
  joined_precision: z.enum(DATE_PRECISIONS).default("day"),
  founding: z.boolean(),
  note: z.string().nullable(),
  sources: z.array(source).optional(),
});
const seedSchema = z.object({
  sectors: z.array(z.object({ code: z.string(), name: z.string(), description: z.string() })),
  pledges: z.array(
    z.object({
      code: z.string(),
      title: z.string(),
      summary: z.string(),
      introduced_on: day,
      required: z.boolean(),
    }),
  ),
  signatories: z.array(signatory),
  laterSignatories: z.array(signatory.extend({ sources: z.array(source).min(1) })),
  foundingSources: z.array(source).min(1),
  endorsements: z.array(z.object({ signatory: z.string(), pledge: z.string(), endorsed_on: day, source: z.string().optional() })),
  milestones: z.array(
    z.object({
      as_of: partialDate,
      precision: z.enum(DATE_PRECISIONS),
      count: z.number().int().min(1),
      qualifier: z.enum(["exactly", "more than"]),
      source_url: z.url().nullable(),
      source_title: z.string().min(1),
      quote: z.string().nullable(),
    }),
  ),
});

export interface SeedReport {
  sectors: number;
  pledges: number;
  signatories: number;
  endorsements: number;
  sources: number;
  milestones: number;
}

const retrieved = (sources: z.infer<typeof source>[]): SourceInput[] => sources.map((s) => ({ ...s, retrieved_on: REFERENCE_DATA_DATE }));

export async function seedDatabase(db: DB): Promise<SeedReport> {
  const data = seedSchema.parse({
    sectors: sectorsJson,
    pledges: pledgesJson,
    signatories: signatoriesJson,
    laterSignatories: laterSignatoriesJson,
    foundingSources: foundingSourcesJson,
    endorsements: endorsementsJson,
    milestones: milestonesJson,
  });
  // BEGIN IMMEDIATE: `npm run db:seed` may run beside a server that writes.
  return immediateTransaction(db, async (trx) => {
    const added: SeedReport = { sectors: 0, pledges: 0, signatories: 0, endorsements: 0, sources: 0, milestones: 0 };
    const count = (r: { numInsertedOrUpdatedRows?: bigint }) => Number(r.numInsertedOrUpdatedRows ?? 0);

    for (const [position, s] of data.sectors.entries()) {
      added.sectors += count(
        await trx
          .insertInto("sectors")
          .values({ ...s, position })
          .onConflict((oc) => oc.column("code").doNothing())
          .executeTakeFirst(),
      );
    }
    for (const [position, p] of data.pledges.entries()) {
      added.pledges += count(
        await trx
          .insertInto("pledges")
          .values({ ...p, required: toFlag(p.required), position })
          .onConflict((oc) => oc.column("code").doNothing())
          .executeTakeFirst(),
      );
    }

    const required = data.pledges.filter((p) => p.required);
    const founders = data.signatories.map((s) => ({ ...s, sources: s.sources ?? data.foundingSources }));
    for (const s of [...founders, ...data.laterSignatories]) {
      const slug = slugify(s.name);
      const joinedOn = periodStart(s.joined_on, s.joined_precision);
      const exists = await trx.selectFrom("signatories").select("id").where("slug", "=", slug).executeTakeFirst();
      let id = exists?.id;
      if (id === undefined) {
        id = await createSignatory(
          trx,
          {
            ...s,
            joined_on: joinedOn,
            notes: s.note,
            pledges: required.map((p) => ({ code: p.code, endorsed_on: joinedOn })),
          },
          slug,
        );
        added.signatories++;
      }
      // The record's sources, once (a registry seeded before they existed gets them now).
      if (!(await hasSources(trx, id, null))) added.sources += await addSources(trx, id, null, retrieved(s.sources));
    }

    for (const e of data.endorsements) {
      const signatory = await trx
        .selectFrom("signatories")
        .select(["id", "joined_on"])
        .where("slug", "=", slugify(e.signatory))
        .executeTakeFirst();
      if (!signatory) throw new Error(`Seed endorsement names an unknown signatory: ${e.signatory}`);
      if (await addEndorsement(trx, signatory.id, e.pledge, e.endorsed_on, signatory.joined_on)) {
        added.endorsements++;
      }
      if (e.source && !(await hasSources(trx, signatory.id, e.pledge))) {
        added.sources += await addSources(trx, signatory.id, e.pledge, retrieved([{ url: null, title: e.source, quote: null }]));
      }
    }

    const now = new Date().toISOString();
    for (const m of data.milestones) {
      added.milestones += count(
        await trx
          .insertInto("milestones")
          .values({ ...m, as_of: periodStart(m.as_of, m.precision), created_at: now })
          .onConflict((oc) => oc.columns(["as_of", "count", "qualifier"]).doNothing())
          .executeTakeFirst(),
      );
    }
    return added;
  });
}

export function describeSeed(r: SeedReport): string {
  const total = r.sectors + r.pledges + r.signatories + r.endorsements + r.sources + r.milestones;
  return total === 0
    ? "seed: nothing to add, every seed row is already present"
    : `seed: added ${r.sectors} sectors, ${r.pledges} pledges, ${r.signatories} signatories, ${r.endorsements} later endorsements, ` +
        `${r.sources} sources, ${r.milestones} published milestones`;
}
