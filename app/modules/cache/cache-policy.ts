// Which anonymous GETs the response cache may answer, declared by the routes themselves:
// a route module opts in with `export const handle = { cache: { params: [...] } }`,
// naming the query parameters it reads. From those declarations the server derives the
// allow-list and a canonical key: the path with each segment decoded and re-encoded, and
// only the declared parameters, sorted by name. A request with any other parameter, a
// dot segment, a malformed escape or a long address is not cached, so nobody can grow
// the cache by varying what the page ignores (docs/decisions/011-cache-policy.md).
//
// Plain .ts (no server-only imports): route modules import the type.
import { decodeOrNull } from "~/utils/url";

export interface CachePolicy {
  /** The query parameters the route reads. A request carrying any other is not cached. */
  params: readonly string[];
}

/** A route module's `handle` that opts into the cache: `export const handle = cacheable([...])`. */
export function cacheable(params: readonly string[] = []): { cache: CachePolicy } {
  return { cache: { params } };
}

/**
 * A route module's `handle` that keeps it out of the cache, saying why:
 * `export const handle = notCached("staff page")`. The server treats it as a route with no
 * policy at all; it exists so that every route with a loader decides, and
 * tests/unit/route-cache-decisions.test.ts fails for one that does not.
 */
export function notCached(reason: string): { cache: null; notCachedBecause: string } {
  return { cache: null, notCachedBecause: reason };
}

/** Remix's own parameter: the loader data of one route, fetched by the browser's router. */
const REMIX_PARAMS = ["_data"];

/** Longer canonical addresses are answered but not cached. */
const MAX_CACHED_URL_LENGTH = 1024;

/** The route table's shape as the server build gives it (ServerBuild["routes"]). */
export type RouteTable = Record<
  string,
  { id: string; parentId?: string; path?: string; index?: boolean; module: { handle?: unknown } } | undefined
>;

interface CompiledRoute {
  /** Static segments as written; null for a dynamic one (`:slug`), which matches any one segment. */
  segments: (string | null)[];
  params: ReadonlySet<string>;
}

export type CacheRouter = (url: string) => string | null;

function policyOf(handle: unknown): CachePolicy | null {
  if (!handle || typeof handle !== "object" || !("cache" in handle)) return null;
  const cache = (handle as { cache: unknown }).cache;
  if (!cache || typeof cache !== "object" || !Array.isArray((cache as CachePolicy).params)) return null;
  return cache as CachePolicy;
}

function fullPath(routes: RouteTable, id: string): string[] {
  const parts: string[] = [];
  for (let route = routes[id]; route; route = route.parentId ? routes[route.parentId] : undefined) {
    if (route.path) parts.unshift(...route.path.split("/").filter(Boolean));
  }
  return parts;
}

/** The declared routes, compiled once; what the router answers for one address. */
export function createCacheRouter(routes: RouteTable): CacheRouter {
  const compiled: CompiledRoute[] = [];
  for (const route of Object.values(routes)) {
    const policy = route && policyOf(route.module.handle);
    if (!route || !policy) continue;
    const segments = fullPath(routes, route.id).map((s) => (s.startsWith(":") ? null : s));
    if (segments.some((s) => s !== null && /[*?]/.test(s))) {
      throw new Error(`Route ${route.id}: a cache policy needs a path without splats or optional segments.`);
    }
    compiled.push({ segments, params: new Set([...policy.params, ...REMIX_PARAMS]) });
  }
  // Hits repeat the same few addresses: short ones keep their answer (a bounded memo, so
  // unique addresses cannot grow it), and a hit skips the parsing.
  const memo = new Map<string, string | null>();
  return (url) => {
    if (url.length > MEMO_URL_LENGTH) return canonicalKey(compiled, url);
    let key = memo.get(url);
    if (key === undefined) {
      key = canonicalKey(compiled, url);
      if (memo.size >= MEMO_ENTRIES) memo.delete(memo.keys().next().value!);
      memo.set(url, key);
    }
    return key;
  };
}

const MEMO_ENTRIES = 1_000;
const MEMO_URL_LENGTH = 256;

/** The canonical key of a cacheable address, or null when it must not be cached. */
function canonicalKey(routes: CompiledRoute[], url: string): string | null {
  if (url.length > MAX_CACHED_URL_LENGTH * 3) return null;
  const q = url.indexOf("?");
  const rawPath = q === -1 ? url : url.slice(0, q);
  const segments = canonicalSegments(rawPath);
  if (!segments) return null;
  const route = routes.find((r) => r.segments.length === segments.length && r.segments.every((s, i) => s === null || s === segments[i]));
  if (!route) return null;
  const path = `/${segments.map(encodeURIComponent).join("/")}`;
  let query = "";
  if (q !== -1 && q < url.length - 1) {
    const pairs = canonicalQuery(url.slice(q + 1), route.params);
    if (!pairs) return null;
    query = pairs.length === 0 ? "" : `?${new URLSearchParams(pairs)}`;
  }
  const key = path + query;
  return key.length > MAX_CACHED_URL_LENGTH ? null : key;
}

/** Decoded path segments; null for an empty or dot segment or a malformed escape. */
function canonicalSegments(rawPath: string): string[] | null {
  if (!rawPath.startsWith("/")) return null;
  if (rawPath === "/") return [];
  const segments: string[] = [];
  for (const raw of rawPath.slice(1).split("/")) {
    const segment = decodeOrNull(raw);
    if (segment === null || segment === "" || segment === "." || segment === "..") return null;
    segments.push(segment);
  }
  return segments;
}

/** The declared parameters, stably sorted by name; null when another is present. */
function canonicalQuery(search: string, known: ReadonlySet<string>): [string, string][] | null {
  const pairs: [string, string][] = [];
  for (const part of search.split("&")) {
    if (part === "") continue;
    const at = part.indexOf("=");
    const name = decodeOrNull((at === -1 ? part : part.slice(0, at)).replace(/\+/g, " "));
    const value = decodeOrNull((at === -1 ? "" : part.slice(at + 1)).replace(/\+/g, " "));
    if (name === null || value === null || !known.has(name)) return null;
    pairs.push([name, value]);
  }
  // Array.prototype.sort is stable: repeated parameters keep their order.
  return pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
