// PostgreSQL: the data version pushed to the process (docs/decisions/025). Migration 028's
// bump_data_version() sends the new version with pg_notify after each commit that moves it;
// one dedicated connection per serving process LISTENs (db/connection.ts), and the response
// cache answers a hit from the last version it heard, synchronously, as it does on SQLite.
//
// That version is used only while it is known to be current:
// - the listener is connected, has LISTENed, and a version read begun after its LISTEN has
//   returned (so no commit before the LISTEN is missed);
// - no write of this process has resolved since the last version read that began after it
//   (read your writes: a moderator who approves and is redirected sees the new page at once).
//   Writes are counted by an epoch: a read covers the writes made before it began, and only
//   those, however late it returns.
// Commits of other processes (instances, CLIs) arrive as notifications, in commit order,
// a few milliseconds after the commit: that is the window in which another instance's
// change may not show yet here. The version only moves forward.

import { randomUUID } from "node:crypto";
import pg from "pg";

export const DATA_VERSION_CHANNEL = "accord_data_version";
/** How the listener's connection names itself in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = "accord data version listener";

type Read = () => Promise<number>;

export class PushedVersion {
  private version: number | undefined;
  /** Writes of this process so far; `covered` is how many of them the reads have caught up with. */
  private writes = 0;
  private covered = 0;
  /** Whether the listener is up and its first read after LISTEN has returned. */
  private live = false;
  /** Bumped at each (re)connection and loss, so a late answer of an old one changes nothing. */
  private generation = 0;
  private read: Read | undefined;
  private reading = false;
  private readAgain = false;

  /** The pushed version when it is known to be current; else undefined (read it instead). */
  current(): number | undefined {
    return this.live && this.covered === this.writes ? this.version : undefined;
  }

  /** A statement that may have written has resolved (its commit, if any, is done). */
  wrote(): void {
    this.writes++;
    this.refresh();
  }

  /** A notification: another commit's version (ours too), in commit order. */
  notified(version: number): void {
    if (Number.isFinite(version)) this.advance(version);
  }

  /** The listener has LISTENed: `read` reads the version on its connection. The pushed
   * version is current once a read begun now has returned. */
  connected(read: Read): void {
    this.generation++;
    this.live = false;
    this.read = read;
    // The first read covers every write so far: a read of the old connection may hang.
    this.reading = this.readAgain = false;
    this.startRead(true);
  }

  /** The listener's connection errored or ended: read the version until it is back. */
  lost(): void {
    this.generation++;
    this.live = false;
    this.read = undefined;
  }

  private advance(version: number) {
    if (this.version === undefined || version > this.version) this.version = version;
  }

  /** A read after a write: one at a time; a write during it asks for one more after it. */
  private refresh() {
    if (!this.read) return; // The read after the next LISTEN covers this write.
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.startRead(false);
  }

  private startRead(initial: boolean) {
    const read = this.read;
    if (!read) return;
    const writes = this.writes;
    const generation = this.generation;
    if (!initial) this.reading = true;
    const done = () => {
      if (initial || generation !== this.generation) return;
      this.reading = false;
      if (this.readAgain) {
        this.readAgain = false;
        this.refresh();
      }
    };
    read().then(
      (version) => {
        this.advance(version);
        // Only the writes made before this read began; a newer one waits for its own read.
        if (writes > this.covered) this.covered = writes;
        if (initial && generation === this.generation) this.live = true;
        done();
      },
      // A failed read leaves the version stale; the listener notices a lost connection.
      done,
    );
  }
}

export interface ListenerOptions {
  /** Told when the listener's connection is lost or cannot be made (it retries, with backoff). */
  onLost?: (message: string) => void;
  /** Told when it is listening again after a loss. */
  onBack?: () => void;
}

const FIRST_RETRY_MS = 250;
const LAST_RETRY_MS = 10_000;
/** A read on the listener's connection this often, so a connection that died silently (no
 * error, no end: a network gone) is noticed; it fails after HEARTBEAT_TIMEOUT_MS. */
const HEARTBEAT_MS = 15_000;
const HEARTBEAT_TIMEOUT_MS = 5_000;

/**
 * One dedicated connection (not from the pool: a pooled one is shared and returned) that
 * LISTENs on DATA_VERSION_CHANNEL and feeds `pushed`. A lost connection is reported and
 * retried with backoff, never thrown; until it is back, `pushed` is not current.
 */
export function listenForDataVersion(url: string, pushed: PushedVersion, options: ListenerOptions = {}): { stop(): Promise<void> } {
  let stopped = false;
  let client: pg.Client | undefined;
  let retryMs = FIRST_RETRY_MS;
  let retry: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let everLost = false;

  const readOn = (c: pg.Client) => async () =>
    Number((await c.query<{ version: number }>("select version from data_version where id = 1")).rows[0].version);

  function lose(c: pg.Client, message: string) {
    if (client !== c) return; // Already handled, or an old connection.
    client = undefined;
    clearInterval(heartbeat);
    pushed.lost();
    everLost = true;
    c.end().catch(() => undefined);
    if (stopped) return;
    options.onLost?.(message);
    retry = setTimeout(connect, retryMs);
    retry.unref();
    retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
  }

  async function connect() {
    if (stopped) return;
    const c = new pg.Client({ connectionString: url, keepAlive: true, application_name: LISTENER_APPLICATION_NAME });
    client = c;
    c.on("error", (error) => lose(c, error.message));
    c.on("end", () => lose(c, "connection ended"));
    // The listener hears its own notification before it counts: behind a pooler in
    // transaction mode the LISTEN and the NOTIFY may run on different server sessions, and
    // no notification would ever arrive (decision 025).
    const probe = `probe ${randomUUID()}`;
    let heard: () => void = () => undefined;
    const probed = new Promise<void>((resolve) => (heard = resolve));
    c.on("notification", (message) => {
      if (message.channel !== DATA_VERSION_CHANNEL) return;
      if (message.payload === probe) heard();
      else pushed.notified(Number(message.payload)); // Others' probes are not numbers: ignored.
    });
    try {
      await c.connect();
      await c.query(`listen ${DATA_VERSION_CHANNEL}`);
      await c.query("select pg_notify($1, $2)", [DATA_VERSION_CHANNEL, probe]);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        probed,
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error("LISTEN does not hear its own NOTIFY (a pooler in transaction mode?)")),
            HEARTBEAT_TIMEOUT_MS,
          );
        }),
      ]).finally(() => clearTimeout(timer));
    } catch (error) {
      lose(c, error instanceof Error ? error.message : String(error));
      return;
    }
    if (client !== c) return;
    const read = readOn(c);
    pushed.connected(read);
    retryMs = FIRST_RETRY_MS;
    if (everLost) options.onBack?.();
    heartbeat = setInterval(() => {
      const timeout = setTimeout(() => lose(c, "no answer to the heartbeat"), HEARTBEAT_TIMEOUT_MS);
      read().then(
        (version) => {
          clearTimeout(timeout);
          pushed.notified(version);
        },
        () => clearTimeout(timeout), // An error also ends the connection: `lose` runs.
      );
    }, HEARTBEAT_MS);
    heartbeat.unref();
  }

  void connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      const c = client;
      if (!c) return;
      client = undefined;
      clearInterval(heartbeat);
      pushed.lost();
      await c.end().catch(() => undefined);
    },
  };
}
