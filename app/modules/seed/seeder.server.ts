// Seeds the accord's real data (see SOURCES.md). Idempotent: rows that exist are
// never duplicated or overwritten, so it is safe to run against a live registry.
import { toFlag } from "../../../db/booleans";
import { z } from "zod";
import { immediateTransaction, type DB } from "~/modules/database/db.server";
import { slugify } from "~/modules/directory/slug";
import { addEndorsement, createSignatory } from "~/modules/directory/write.server";
import endorsementsJson from "../../../db/seed/endorsements.json";
import pledgesJson from "../../../db/seed/pledges.json";
import sectorsJson from "../../../db/seed/sectors.json";
import signatoriesJson from "../../../db/seed/signatories.json";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
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
  signatories: z.array(
    z.object({
      name: z.string(),
      website: z.url(),
      country: z.string().length(2),
      sector: z.string(),
      description: z.string(),
      joined_on: day,
      founding: z.boolean(),
      note: z.string().nullable(),
    }),
  ),
  endorsements: z.array(z.object({ signatory: z.string(), pledge: z.string(), endorsed_on: day })),
});

export interface SeedReport {
  sectors: number;
  pledges: number;
  signatories: number;
  endorsements: number;
}

export async function seedDatabase(db: DB): Promise<SeedReport> {
  const data = seedSchema.parse({
    sectors: sectorsJson,
    pledges: pledgesJson,
    signatories: signatoriesJson,
    endorsements: endorsementsJson,
  });
  // BEGIN IMMEDIATE: `npm run db:seed` may run beside a server that writes.
  return immediateTransaction(db, async (trx) => {
    const added: SeedReport = { sectors: 0, pledges: 0, signatories: 0, endorsements: 0 };
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
    for (const s of data.signatories) {
      const slug = slugify(s.name);
      const exists = await trx.selectFrom("signatories").select("id").where("slug", "=", slug).executeTakeFirst();
      if (exists) continue;
      await createSignatory(
        trx,
        {
          ...s,
          notes: s.note,
          pledges: required.map((p) => ({ code: p.code, endorsed_on: s.joined_on })),
        },
        slug,
      );
      added.signatories++;
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
    }
    return added;
  });
}

export function describeSeed(r: SeedReport): string {
  const total = r.sectors + r.pledges + r.signatories + r.endorsements;
  return total === 0
    ? "seed: nothing to add, every seed row is already present"
    : `seed: added ${r.sectors} sectors, ${r.pledges} pledges, ${r.signatories} signatories, ${r.endorsements} later endorsements`;
}
