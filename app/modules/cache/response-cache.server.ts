// A cache of anonymous public GET responses, keyed by canonical URL (cache-policy.ts) and
// the database's data version (bumped by triggers in every writing transaction, see
// migration 009). An entry is served only while the version it was rendered under is
// still current, so a cached page is never older than the last commit. Entries hold the
// bytes pre-compressed and their response heads pre-built.
//
// The version is read BEFORE rendering: a page rendered while a write commits may show
// the newer data, but it is filed under the older version and so never served.
//
// The bound counts what the process really holds for an entry (bodies with exact-size
// backing stores, the key, the heads, an allowance for the objects), and the number of
// entries is capped too: tests/unit/response-cache.test.ts compares the count with the
// process's own figures.
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip as gzipCallback } from "node:zlib";
import { committedReader, pushedDataVersion, type DB } from "~/modules/database/db.server";
import { etagOf } from "~/utils/etag.server";

const gzipAsync = promisify(gzipCallback);
const brotliAsync = promisify(brotliCompress);

export type Encoding = "br" | "gzip" | "identity";

export interface CacheEntry {
  version: number;
  status: number;
  etag: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
  /** The response head for each encoding and for 304, in Node's flat [name, value, …]
   * form, built once when the entry is filed: a hit costs one array copy, not a dozen
   * header objects (the profile in docs/performance.md). */
  heads: Record<Encoding | "304", string[]>;
  /** What this entry holds in memory, as counted against the bound. */
  bytes: number;
}

/** The bound on everything the cache holds: bodies, keys, heads, per-entry overhead. */
export const MAX_BYTES = 32 * 1024 * 1024;
/** A cap on entries, whatever their size. */
export const MAX_ENTRIES = 4_000;
/** A larger answer is streamed to its client and not cached (a whole CSV, say). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Objects, the Map's slot, arrays: what an entry costs beyond its bytes and strings. */
const ENTRY_OVERHEAD = 1024;
const COMPRESSIBLE = /^(text\/|application\/(json|xml|atom\+xml)|image\/svg\+xml)/;
const NOT_KEPT = new Set(["content-length", "content-encoding", "etag", "content-security-policy"]);

const versionQueries = new WeakMap<object, { get(): unknown }>();

/** The committed data version, synchronously: on SQLite read from the file; on PostgreSQL
 * the version pushed to the process while it is known to be current (db/pushed-version.ts:
 * the listener is up and no write of this process is newer than the last read). Otherwise
 * undefined: read it with `dataVersion`. */
export function committedDataVersionSync(db: DB): number | undefined {
  return sqliteDataVersion(db) ?? pushedDataVersion(db);
}

function sqliteDataVersion(db: DB): number | undefined {
  const reader = committedReader(db);
  if (!reader) return undefined;
  let query = versionQueries.get(reader);
  if (!query) {
    query = reader.prepare("select version from data_version where id = 1").pluck();
    versionQueries.set(reader, query);
  }
  return Number(query.get());
}

/** The committed data version (never one that an open transaction has bumped), read after
 * the call: on PostgreSQL never the pushed one, so a miss is rendered under the version a
 * read begun after its request arrived gives, as before the pushed version. */
export async function dataVersion(db: DB): Promise<number> {
  const sync = sqliteDataVersion(db);
  if (sync !== undefined) return sync;
  if (db.isTransaction) return readVersion(db);
  return sharedRead(db);
}

async function readVersion(db: DB): Promise<number> {
  const row = await db.selectFrom("data_version").select("version").where("id", "=", 1).executeTakeFirstOrThrow();
  return Number(row.version);
}

/**
 * PostgreSQL: every cache lookup needs the version, and under load one query each held the
 * pool's connections (issue 16). A caller joins the NEXT read, one that starts after it
 * arrived, never one already running (that one may have started before a commit the caller
 * has seen): at most one read runs and one waits, however many requests arrive.
 */
const reads = new WeakMap<object, { running?: Promise<number>; next?: Promise<number> }>();
function sharedRead(db: DB): Promise<number> {
  let state = reads.get(db);
  if (!state) reads.set(db, (state = {}));
  const s = state;
  const start = (): Promise<number> => {
    const read = readVersion(db);
    s.running = read;
    const done = () => {
      if (s.running === read) s.running = undefined;
    };
    read.then(done, done);
    return read;
  };
  if (!s.running) return start();
  s.next ??= s.running
    .catch(() => undefined)
    .then(() => {
      s.next = undefined;
      return start();
    });
  return s.next;
}

export type PutResult = { entry: CacheEntry } | { entry: null; response: Response };

export class ResponseCache {
  private entries = new Map<string, CacheEntry>();
  private bytes = 0;

  /** `headers` go into every entry's head (the security headers every answer carries). */
  constructor(private readonly headers: Record<string, string> = {}) {}

  get(key: string, version: number): CacheEntry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.version !== version) {
      this.delete(key);
      return undefined;
    }
    // Map order is the LRU order: a hit moves to the back.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  /**
   * Files a response when it may be shared: 200, no cookie set, not marked private or
   * no-store, a text type, at most MAX_BODY_BYTES. Returns the entry; otherwise the
   * response to send instead: the same one, or, when its body outgrew the limit while it
   * was read, one that streams what was read and then the rest.
   */
  async put(key: string, version: number, response: Response, cspTemplate: string): Promise<PutResult> {
    const type = response.headers.get("Content-Type") ?? "";
    if (
      response.status !== 200 ||
      !response.body ||
      response.headers.has("Set-Cookie") ||
      /no-store|private/.test(response.headers.get("Cache-Control") ?? "") ||
      !COMPRESSIBLE.test(type)
    ) {
      return { entry: null, response };
    }
    const read = await readUpTo(response.body, MAX_BODY_BYTES);
    if (!read.complete) {
      return { entry: null, response: new Response(read.stream, { status: response.status, headers: response.headers }) };
    }
    const body = read.body;
    // Compressed in libuv's thread pool, not on the event loop (issue 16: ~2 ms of every
    // uncached page at 100,000 signatories, while cache hits waited). zlib returns slices
    // of its 16 KiB output chunks: exact-size copies let the chunks go, so what the bound
    // counts is what the process holds.
    const [gzip, br] = (
      await Promise.all([
        gzipAsync(body, { level: 6 }),
        brotliAsync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
      ])
    ).map(exact);
    const etag = response.headers.get("ETag") ?? etagOf(body);
    const common: Record<string, string> = { ...this.headers };
    for (const [name, value] of response.headers) if (!NOT_KEPT.has(name)) common[name] = value;
    Object.assign(common, {
      "Content-Security-Policy": cspForInlineScripts(type.startsWith("text/html") ? body.toString("utf8") : "", cspTemplate),
      ETag: etag,
      Vary: "Accept-Encoding",
    });
    const head = (extra: Record<string, string>) => Object.entries({ ...common, ...extra }).flat();
    const heads = {
      identity: head({ "Content-Length": String(body.length) }),
      gzip: head({ "Content-Encoding": "gzip", "Content-Length": String(gzip.length) }),
      br: head({ "Content-Encoding": "br", "Content-Length": String(br.length) }),
      "304": head({}),
    };
    let characters = key.length;
    for (const h of Object.values(heads)) for (const s of h) characters += s.length;
    const entry: CacheEntry = {
      version,
      status: 200,
      etag,
      identity: body,
      gzip,
      br,
      heads,
      // Strings at two bytes a character, the most V8 uses.
      bytes: body.length + gzip.length + br.length + 2 * characters + ENTRY_OVERHEAD,
    };
    this.delete(key);
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    for (const [oldest] of this.entries) {
      if (this.bytes <= MAX_BYTES && this.entries.size <= MAX_ENTRIES) break;
      this.delete(oldest);
    }
    return { entry };
  }

  /** Entries, bytes counted against the bound, and the bodies' bytes alone. */
  stats(): { entries: number; bytes: number; bodyBytes: number } {
    let bodyBytes = 0;
    for (const e of this.entries.values()) bodyBytes += e.identity.length + e.gzip.length + e.br.length;
    return { entries: this.entries.size, bytes: this.bytes, bodyBytes };
  }

  private delete(key: string) {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.bytes -= entry.bytes;
    this.entries.delete(key);
  }
}

/** The buffer itself when it owns its whole backing store, else a copy that does. */
function exact(buf: Buffer): Buffer {
  if (buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength) return buf;
  const copy = Buffer.allocUnsafeSlow(buf.byteLength);
  buf.copy(copy);
  return copy;
}

/**
 * Reads a body whole when it is at most `limit` bytes (into one buffer of its own);
 * otherwise stops and returns a stream of what was read followed by the rest.
 */
async function readUpTo(
  body: ReadableStream<Uint8Array>,
  limit: number,
): Promise<{ complete: true; body: Buffer } | { complete: false; stream: ReadableStream<Uint8Array> }> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
    if (total > limit) {
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk);
        },
        async pull(controller) {
          const next = await reader.read();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        },
        cancel(reason) {
          return reader.cancel(reason);
        },
      });
      return { complete: false, stream };
    }
  }
  const whole = Buffer.allocUnsafeSlow(total);
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.byteLength;
  }
  return { complete: true, body: whole };
}

/**
 * The response's CSP with its script nonce replaced by the hashes of the page's inline
 * scripts; scripts with a src stay covered by 'self'. `template` is a CSP containing
 * "'nonce-…'" in script-src.
 */
function cspForInlineScripts(html: string, template: string): string {
  const hashes = new Set<string>();
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (/\ssrc=/i.test(match[1])) continue;
    hashes.add(`'sha256-${createHash("sha256").update(match[2], "utf8").digest("base64")}'`);
  }
  return template.replace(/ 'nonce-[^']*'/, [...hashes].map((h) => ` ${h}`).join(""));
}

const encodingMemo = new Map<string, Encoding>();

/**
 * The representation a client asked for (RFC 9110 §12.5.3): brotli or gzip when its
 * weight is above zero (`br;q=0` refuses brotli; `*` stands for codings not named),
 * brotli first at equal weight, else the plain bytes. Memoised: clients send few variants.
 */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding {
  if (!acceptEncoding) return "identity";
  let choice = encodingMemo.get(acceptEncoding);
  if (choice) return choice;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(",")) {
    const [name, ...params] = part.split(";").map((p) => p.trim());
    if (!name) continue;
    const q = params.map((p) => /^q=([0-9.]+)$/.exec(p.replace(/\s+/g, ""))).find(Boolean);
    const weight = q ? Number(q[1]) : 1;
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (coding: string) => weights.get(coding) ?? weights.get("*") ?? 0;
  const br = weightOf("br");
  const gzip = weightOf("gzip");
  choice = br > 0 && br >= gzip ? "br" : gzip > 0 ? "gzip" : "identity";
  if (encodingMemo.size < 256) encodingMemo.set(acceptEncoding, choice);
  return choice;
}
