// A cache of anonymous public GET responses, keyed by URL and the database's data
// version (bumped by triggers in every writing transaction, see migration 009). An entry
// is served only while the version it was rendered under is still current, so a cached
// page is never older than the last commit. Entries hold the bytes pre-compressed.
//
// The version is read BEFORE rendering: a page rendered while a write commits may show
// the newer data, but it is filed under the older version and so never served.
import { createHash } from "node:crypto";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { committedReader, type DB } from "~/modules/db/db.server";

export interface CacheEntry {
  version: number;
  status: number;
  headers: Record<string, string>;
  etag: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
  /** A CSP that allows exactly this response's inline scripts (HTML only) by hash: a
   * cached response cannot carry a fresh nonce. */
  csp: string;
}

const MAX_BYTES = 32 * 1024 * 1024;
const COMPRESSIBLE = /^(text\/|application\/(json|xml|atom\+xml)|image\/svg\+xml)/;

/** Public pages and data whose content depends only on the URL and the data. */
export function isCacheablePath(path: string): boolean {
  return (
    path === "/" ||
    path === "/signatories" ||
    path === "/pledges" ||
    path === "/stats" ||
    path === "/transparency" ||
    path === "/feed.xml" ||
    /^\/signatories\/[^/]+(\/badge\.svg)?$/.test(path) ||
    /^\/api\/v1\/[a-z0-9/._-]+$/i.test(path)
  );
}

const versionQueries = new WeakMap<object, { get(): unknown }>();

/** The committed data version, read synchronously; undefined when only an asynchronous
 * read is possible (PostgreSQL). */
export function committedDataVersionSync(db: DB): number | undefined {
  const reader = committedReader(db);
  if (!reader) return undefined;
  let query = versionQueries.get(reader);
  if (!query) {
    query = reader.prepare("select version from data_version where id = 1").pluck();
    versionQueries.set(reader, query);
  }
  return Number(query.get());
}

/** The committed data version (never one that an open transaction has bumped). */
export async function dataVersion(db: DB): Promise<number> {
  const sync = committedDataVersionSync(db);
  if (sync !== undefined) return sync;
  const row = await db.selectFrom("data_version").select("version").where("id", "=", 1).executeTakeFirstOrThrow();
  return Number(row.version);
}

export class ResponseCache {
  private entries = new Map<string, CacheEntry>();
  private bytes = 0;

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
   * no-store. Returns the entry, or null (and the body, already read) when it is not.
   */
  async put(key: string, version: number, response: Response, cspTemplate: string): Promise<{ entry: CacheEntry } | { entry: null; body: Buffer }> {
    const body = Buffer.from(await response.arrayBuffer());
    const type = response.headers.get("Content-Type") ?? "";
    const cacheControl = response.headers.get("Cache-Control") ?? "";
    if (
      response.status !== 200 ||
      response.headers.has("Set-Cookie") ||
      /no-store|private/.test(cacheControl) ||
      !COMPRESSIBLE.test(type)
    ) {
      return { entry: null, body };
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of response.headers) {
      if (!["content-length", "content-encoding", "etag", "content-security-policy"].includes(name)) headers[name] = value;
    }
    const entry: CacheEntry = {
      version,
      status: 200,
      headers,
      etag: response.headers.get("ETag") ?? `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
      identity: body,
      gzip: gzipSync(body, { level: 6 }),
      br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
      csp: cspForInlineScripts(type.startsWith("text/html") ? body.toString("utf8") : "", cspTemplate),
    };
    this.delete(key);
    this.entries.set(key, entry);
    this.bytes += size(entry);
    for (const [oldest] of this.entries) {
      if (this.bytes <= MAX_BYTES) break;
      this.delete(oldest);
    }
    return { entry };
  }

  get size() {
    return this.entries.size;
  }

  private delete(key: string) {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.bytes -= size(entry);
    this.entries.delete(key);
  }
}

const size = (e: CacheEntry) => e.identity.length + e.gzip.length + e.br.length;

/**
 * The response's CSP with its script nonce replaced by the hashes of the page's inline
 * scripts; scripts with a src stay covered by 'self'. `template` is a CSP containing
 * "'nonce-…'" in script-src.
 */
export function cspForInlineScripts(html: string, template: string): string {
  const hashes = new Set<string>();
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    if (/\ssrc=/i.test(match[1])) continue;
    hashes.add(`'sha256-${createHash("sha256").update(match[2], "utf8").digest("base64")}'`);
  }
  return template.replace(/ 'nonce-[^']*'/, [...hashes].map((h) => ` ${h}`).join(""));
}

/** The representation a client asked for: brotli, gzip, or the plain bytes. */
export function chooseEncoding(acceptEncoding: string | undefined): "br" | "gzip" | "identity" {
  const accepted = (acceptEncoding ?? "").toLowerCase();
  if (/\bbr\b/.test(accepted)) return "br";
  if (/\bgzip\b/.test(accepted)) return "gzip";
  return "identity";
}
