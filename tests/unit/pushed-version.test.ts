// The data version pushed to the process on PostgreSQL (db/pushed-version.ts, decision 025)
// is used only while it is known to be current. Reads are answered by hand here, so the
// interleavings a server meets only sometimes (a read that began before a write and
// returns after it) happen every time.
import { describe, expect, it } from "vitest";
import { PushedVersion } from "../../db/pushed-version";

/** A version reader whose reads wait until the test answers them. */
function reader() {
  const reads: { answer: (version: number) => void; fail: () => void }[] = [];
  const read = () =>
    new Promise<number>((resolve, reject) => reads.push({ answer: resolve, fail: () => reject(new Error("connection lost")) }));
  return { read, reads };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A pushed version whose listener has connected and whose first read returned `version`. */
async function live(version: number) {
  const pushed = new PushedVersion();
  const { read, reads } = reader();
  pushed.connected(read);
  reads[0].answer(version);
  await settle();
  return { pushed, reads };
}

describe("the pushed data version", () => {
  it("is unknown until the listener's first read after LISTEN returns", async () => {
    const pushed = new PushedVersion();
    pushed.notified(4);
    expect(pushed.current()).toBeUndefined();
    const { read, reads } = reader();
    pushed.connected(read);
    pushed.notified(5);
    expect(pushed.current()).toBeUndefined();
    reads[0].answer(5);
    await settle();
    expect(pushed.current()).toBe(5);
  });

  it("follows notifications, and only forward", async () => {
    const { pushed } = await live(5);
    pushed.notified(7);
    expect(pushed.current()).toBe(7);
    pushed.notified(6); // a late heartbeat read, say
    expect(pushed.current()).toBe(7);
    pushed.notified(Number("not a number"));
    expect(pushed.current()).toBe(7);
  });

  it("is stale from this process's write until a read begun after it returns", async () => {
    const { pushed, reads } = await live(5);
    pushed.wrote();
    expect(pushed.current()).toBeUndefined();
    expect(reads).toHaveLength(2);
    // Our own commit's notification may come first: still stale until the read returns.
    pushed.notified(6);
    expect(pushed.current()).toBeUndefined();
    reads[1].answer(6);
    await settle();
    expect(pushed.current()).toBe(6);
  });

  it("a read begun before a write does not clear that write; the one after it does", async () => {
    const { pushed, reads } = await live(5);
    pushed.wrote(); // read 1 starts
    pushed.wrote(); // a second write while read 1 runs: one more read is owed
    pushed.wrote(); // ...and only one, however many writes
    expect(reads).toHaveLength(2);
    reads[1].answer(6); // began before the second and third writes
    await settle();
    expect(pushed.current()).toBeUndefined();
    expect(reads).toHaveLength(3);
    reads[2].answer(8);
    await settle();
    expect(pushed.current()).toBe(8);
  });

  it("keeps the highest version, whichever answer comes last", async () => {
    const { pushed, reads } = await live(5);
    pushed.wrote();
    pushed.notified(9);
    reads[1].answer(8); // a read that saw less than a notification already told
    await settle();
    expect(pushed.current()).toBe(9);
  });

  it("stays stale after a failed read, until the next write's read or a reconnection", async () => {
    const { pushed, reads } = await live(5);
    pushed.wrote();
    reads[1].fail();
    await settle();
    expect(pushed.current()).toBeUndefined();
    pushed.wrote();
    expect(reads).toHaveLength(3);
    reads[2].answer(7);
    await settle();
    expect(pushed.current()).toBe(7);
  });

  it("is unknown while the listener is down, and current again after it re-reads", async () => {
    const { pushed, reads } = await live(5);
    pushed.lost();
    expect(pushed.current()).toBeUndefined();
    // A write while down needs no read of its own: the read after the next LISTEN covers it.
    pushed.wrote();
    expect(reads).toHaveLength(1);
    // A read of the lost connection that still returns changes nothing.
    const again = reader();
    pushed.connected(again.read);
    expect(pushed.current()).toBeUndefined();
    again.reads[0].answer(9);
    await settle();
    expect(pushed.current()).toBe(9);
  });

  it("ignores the first read of a connection lost before it returned", async () => {
    const pushed = new PushedVersion();
    const first = reader();
    pushed.connected(first.read);
    pushed.lost();
    first.reads[0].answer(5);
    await settle();
    expect(pushed.current()).toBeUndefined();
  });

  it("a write during the first read after LISTEN waits for a read of its own", async () => {
    const pushed = new PushedVersion();
    const { read, reads } = reader();
    pushed.connected(read);
    pushed.wrote(); // began after the first read: that read does not cover it
    expect(reads).toHaveLength(2);
    reads[0].answer(5);
    await settle();
    expect(pushed.current()).toBeUndefined();
    reads[1].answer(6);
    await settle();
    expect(pushed.current()).toBe(6);
  });
});
