// Writes keep the directory and its search index in step, inside the writer's transaction.
import { describe, expect, it } from "vitest";
import { createSignatory } from "~/modules/directory/write.server";
import { loader as directoryLoader } from "~/routes/signatories._index";
import { useSeededDatabase } from "../helpers/db";
import { loaderArgs } from "../helpers/remix";

const getDb = useSeededDatabase();
const names = async (search: string) => (await directoryLoader(loaderArgs(`/signatories${search}`))).signatories.map((s) => s.name);

const later = {
  website: "https://example.org",
  country: "DE",
  sector: "security",
  description: "A fictitious later joiner used by the tests.",
  founding: false,
  pledges: [{ code: "stronger-defense", endorsed_on: "2019-05-02" }],
};

describe("writes", () => {
  it("a committed signatory is searchable at once; a rolled-back one leaves no trace", async () => {
    const db = getDb();
    await db.transaction().execute((trx) => createSignatory(trx, { ...later, name: "Zeta Schutz Müller", joined_on: "2019-05-02" }));
    expect(await names("?q=muller")).toEqual(["Zeta Schutz Müller"]);

    await expect(
      db.transaction().execute(async (trx) => {
        await createSignatory(trx, { ...later, name: "Rolled Back Ltd", joined_on: "2020-01-01" });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await names("?q=rolled")).toEqual([]);
    expect(await names("?status=all&q=fictitious")).toEqual(["Zeta Schutz Müller"]);
  });

  it("orders by join date and filters later joiners and years", async () => {
    await getDb()
      .transaction()
      .execute((trx) => createSignatory(trx, { ...later, name: "Alpha Withdrawn GmbH", joined_on: "2021-03-01", status: "withdrawn" }));
    expect(await names("?sort=-joined&per_page=1")).toEqual(["Zeta Schutz Müller"]);
    const oldestFirst = await names("?sort=joined&status=all&per_page=100");
    // The 34 founders, Panda Security (seeded, September 2018) and the two created here.
    expect(oldestFirst).toHaveLength(37);
    expect(oldestFirst.slice(-3)).toEqual(["Panda Security", "Zeta Schutz Müller", "Alpha Withdrawn GmbH"]);
    expect(await names("?founding=0")).toEqual(["Panda Security", "Zeta Schutz Müller"]);
    expect(await names("?founding=0&status=all")).toEqual(["Alpha Withdrawn GmbH", "Panda Security", "Zeta Schutz Müller"]);
    expect(await names("?joined=2019-2020")).toEqual(["Zeta Schutz Müller"]);
    expect(await names("?status=withdrawn")).toEqual(["Alpha Withdrawn GmbH"]);
  });

  it("gives ten same-named companies created at the same moment ten distinct slugs (side by side on PostgreSQL)", async () => {
    const db = getDb();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        db.transaction().execute((trx) =>
          createSignatory(trx, {
            ...later,
            name: "Twin Guard Systems",
            website: `https://twin-guard-${i}.example`,
            joined_on: "2023-03-01",
          }),
        ),
      ),
    );
    expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    const rows = await db.selectFrom("signatories").select("slug").where("name", "=", "Twin Guard Systems").execute();
    expect(rows.map((r) => r.slug).sort()).toEqual(
      ["twin-guard-systems", ...Array.from({ length: 9 }, (_, i) => `twin-guard-systems-${i + 2}`)].sort(),
    );
  });

  it("gives a second company of the same name its own slug", async () => {
    const db = getDb();
    const id = await db.transaction().execute((trx) => createSignatory(trx, { ...later, name: "Nokia", joined_on: "2022-01-01" }));
    const row = await db.selectFrom("signatories").select("slug").where("id", "=", id).executeTakeFirstOrThrow();
    expect(row.slug).toBe("nokia-2");
  });
});
