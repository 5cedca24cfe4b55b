// The data version the response cache and the per-version figures key by (decision 010).
// On PostgreSQL concurrent readers share reads (response-cache.server.ts, issue 16): a
// caller may only join a read that starts after it arrived, so whatever the timing, a read
// asked for after a commit returns that commit's version or a later one. Checked here on
// both engines without timing anything: each claim holds for every interleaving.
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { dataVersion } from "~/modules/cache/response-cache.server";
import { useMigratedDatabase } from "../helpers/db";

const getDb = useMigratedDatabase();
const bump = () => sql`update data_version set version = version + 1 where id = 1`.execute(getDb());
const stored = async () =>
  Number((await sql<{ version: number }>`select version from data_version where id = 1`.execute(getDb())).rows[0].version);

describe("dataVersion", () => {
  it("never answers a caller with a version older than a commit it has seen", async () => {
    for (let round = 0; round < 50; round++) {
      // Readers already running when the commit lands may answer either version…
      const before = Array.from({ length: 5 }, () => dataVersion(getDb()));
      await bump();
      const committed = await stored();
      // …but every reader asked after it must see it.
      const after = await Promise.all(Array.from({ length: 5 }, () => dataVersion(getDb())));
      for (const version of after) expect(version).toBeGreaterThanOrEqual(committed);
      for (const version of await Promise.all(before)) expect(version).toBeLessThanOrEqual(committed);
    }
  });

  it("answers many concurrent callers with the one current version", async () => {
    const current = await stored();
    const answers = await Promise.all(Array.from({ length: 100 }, () => dataVersion(getDb())));
    expect(new Set(answers)).toEqual(new Set([current]));
  });
});
