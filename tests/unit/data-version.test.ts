// PostgreSQL's version reads are shared (response-cache.server.ts, issue 16): a caller
// joins the next read, never one that started before it arrived. Here the reads are
// resolved by hand, so the interleaving a real server only sometimes meets (a read that
// began before a commit and answers after it) happens every time.
import { describe, expect, it } from "vitest";
import { dataVersion } from "~/modules/cache/response-cache.server";
import type { DB } from "~/modules/database/db.server";

/** A database whose version reads wait until the test answers them. */
function fakeDb() {
  const reads: { answer: (version: number) => void }[] = [];
  const query = {
    select: () => query,
    where: () => query,
    executeTakeFirstOrThrow: () => new Promise<{ version: number }>((resolve) => reads.push({ answer: (version) => resolve({ version }) })),
  };
  const db = { isTransaction: false, selectFrom: () => query } as unknown as DB;
  return { db, reads };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("shared version reads (PostgreSQL)", () => {
  it("a caller that arrives while a read runs gets the next read, not that one", async () => {
    const { db, reads } = fakeDb();
    const first = dataVersion(db);
    expect(reads).toHaveLength(1);
    // A commit lands (version 8) while the first read, begun before it, still runs.
    const second = dataVersion(db);
    const third = dataVersion(db);
    reads[0].answer(7);
    expect(await first).toBe(7);
    await settle();
    // One more read for both late callers, begun after they arrived.
    expect(reads).toHaveLength(2);
    reads[1].answer(8);
    expect(await second).toBe(8);
    expect(await third).toBe(8);
  });

  it("starts a read at once when none runs, and at most one waits behind a running one", async () => {
    const { db, reads } = fakeDb();
    const a = dataVersion(db);
    const late = Array.from({ length: 20 }, () => dataVersion(db));
    reads[0].answer(1);
    await a;
    await settle();
    expect(reads).toHaveLength(2);
    reads[1].answer(2);
    expect(await Promise.all(late)).toEqual(Array(20).fill(2));
    const after = dataVersion(db);
    expect(reads).toHaveLength(3);
    reads[2].answer(3);
    expect(await after).toBe(3);
  });
});
