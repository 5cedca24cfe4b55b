// Conditional GET (RFC 9110 §8.8.3, §13.1.2) in one place: the strong ETag of a body, and
// whether an If-None-Match header names it. Used by the routes that build their bodies
// whole, by the response cache and by the server's fast path.
import { createHash } from "node:crypto";

/** A strong ETag of a body's bytes. */
export function etagOf(body: string | Uint8Array): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
}

/** True when an If-None-Match header names this ETag (weakly compared) or is `*`. */
export function ifNoneMatch(header: string | null | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t.replace(/^W\//, "") === etag;
  });
}
