// The response cache's bound and keys, in process: what it counts is what the process
// holds (Node's own ArrayBuffer figure after a full collection), the bound and the entry
// cap hold, only what a route declared makes a key, and large bodies are streamed, not kept.
import { randomBytes } from "node:crypto";
import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { createCacheRouter, type RouteTable } from "~/modules/cache/cache-policy";
import { chooseEncoding, MAX_BODY_BYTES, MAX_BYTES, MAX_ENTRIES, ResponseCache } from "~/modules/cache/response-cache.server";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

function arrayBufferBytes(): number {
  gc();
  gc();
  return process.memoryUsage().arrayBuffers;
}

/** A page of about `size` bytes that compresses as real HTML does (unique per call). */
function page(size: number): string {
  const words = ["registry", "signatory", "accord", "pledge", "security", randomBytes(4).toString("hex")];
  let html = "<!DOCTYPE html><html><body>";
  while (html.length < size) html += `<p class="card">${words[html.length % words.length]} ${randomBytes(3).toString("hex")}</p>`;
  return `${html}</body></html>`;
}

const html = (body: string) => new Response(body, { headers: { "Content-Type": "text/html; charset=utf-8" } });
const CSP = "default-src 'self'; script-src 'self' 'nonce-abc'";

describe("the response cache's accounting [H1]", () => {
  it("counts what the process really holds for its entries", async () => {
    const cache = new ResponseCache({ "X-Content-Type-Options": "nosniff" });
    const before = arrayBufferBytes();
    for (let i = 0; i < 1_000; i++) await cache.put(`/signatories?q=w${i}`, 1, html(page(6_000)), CSP);
    const held = arrayBufferBytes() - before;
    const { entries, bytes, bodyBytes } = cache.stats();
    expect(entries).toBe(1_000);
    // The buffers the process holds are the bodies the cache counts (zlib's 16 KiB output
    // chunks, which slices used to keep alive, are gone)…
    expect(held).toBeGreaterThan(bodyBytes * 0.9);
    expect(held).toBeLessThan(bodyBytes * 1.1);
    // …and the bound counts more than the bodies: keys, heads and objects too.
    expect(bytes).toBeGreaterThan(bodyBytes + 1_000 * 1_024);
  });

  it("stays within its byte bound and its entry cap", async () => {
    const big = new ResponseCache();
    const before = arrayBufferBytes();
    for (let i = 0; i < 400; i++) await big.put(`/k${i}`, 1, html(page(60_000 + (i % 7))), CSP);
    expect(big.stats().bytes).toBeLessThanOrEqual(MAX_BYTES);
    expect(arrayBufferBytes() - before).toBeLessThanOrEqual(MAX_BYTES);

    const many = new ResponseCache();
    for (let i = 0; i < MAX_ENTRIES + 500; i++)
      await many.put(`/signatories/s${i}/badge.svg`, 1, new Response("<svg/>", { headers: { "Content-Type": "image/svg+xml" } }), CSP);
    expect(many.stats().entries).toBe(MAX_ENTRIES);
  });

  it("streams a body larger than an entry may be, whole and unchanged, and keeps nothing [M3]", async () => {
    const cache = new ResponseCache();
    const body = "slug,name\n" + "x,".repeat(MAX_BODY_BYTES);
    const filed = await cache.put("/big", 1, new Response(body, { headers: { "Content-Type": "text/csv" } }), CSP);
    expect(filed.entry).toBeNull();
    if (filed.entry === null) expect(await filed.response.text()).toBe(body);
    expect(cache.stats().entries).toBe(0);
  });

  it("keeps neither a response that sets a cookie nor a private one", async () => {
    const cache = new ResponseCache();
    const cookie = new Response("<p>x</p>", { headers: { "Content-Type": "text/html", "Set-Cookie": "a=b" } });
    const privately = new Response("<p>x</p>", { headers: { "Content-Type": "text/html", "Cache-Control": "private" } });
    expect((await cache.put("/a", 1, cookie, CSP)).entry).toBeNull();
    expect((await cache.put("/b", 1, privately, CSP)).entry).toBeNull();
  });
});

const route = (id: string, path: string | undefined, params: string[] | null, parentId = "root", index = false) => ({
  id,
  parentId,
  path,
  index,
  module: { handle: params ? { cache: { params } } : undefined },
});

const ROUTES: RouteTable = {
  root: { id: "root", path: "", module: {} },
  "routes/_index": route("routes/_index", undefined, [], "root", true),
  "routes/signatories._index": route("routes/signatories._index", "signatories", ["q", "country", "sort", "page"], "root", true),
  "routes/signatories.$slug": route("routes/signatories.$slug", "signatories/:slug", []),
  "routes/signatories.$slug.badge[.]svg": route("routes/signatories.$slug.badge[.]svg", "signatories/:slug/badge.svg", []),
  "routes/signatories[.]csv": route("routes/signatories[.]csv", "signatories.csv", null),
  "routes/login": route("routes/login", "login", null),
};

describe("cache keys come from what the route declares [H1, M3, L1]", () => {
  const keyOf = createCacheRouter(ROUTES);

  it("sorts the declared parameters, so the order a client writes them in makes no new entry", () => {
    expect(keyOf("/signatories?sort=name&country=FI")).toBe("/signatories?country=FI&sort=name");
    expect(keyOf("/signatories?country=FI&sort=name")).toBe("/signatories?country=FI&sort=name");
    // Repeated parameters keep their order.
    expect(keyOf("/signatories?country=SE&q=a&country=FI")).toBe("/signatories?country=SE&country=FI&q=a");
  });

  it("decodes and re-encodes the path, so two spellings are one entry", () => {
    expect(keyOf("/signatories/micro%73oft")).toBe("/signatories/microsoft");
    expect(keyOf("/%73ignatories")).toBe("/signatories");
    expect(keyOf("/")).toBe("/");
  });

  it("keeps Remix's own data parameter", () => {
    expect(keyOf("/signatories?q=nokia&_data=routes%2Fsignatories._index")).toBe("/signatories?_data=routes%2Fsignatories._index&q=nokia");
  });

  it.each([
    ["an unknown parameter", "/signatories/microsoft/badge.svg?k1=aaaa"],
    ["an unknown parameter beside known ones", "/signatories?q=x&utm_source=news"],
    ["a long address", `/signatories?q=${"a".repeat(1_100)}`],
    ["dot segments", "/api/v1/../../signatories.csv?status=all"],
    ["escaped dot segments", "/signatories/%2e%2e/login"],
    ["a malformed escape in the path", "/signatories/%ff"],
    ["a malformed escape in the query", "/signatories?q=%"],
    ["an empty segment", "/signatories//microsoft"],
    ["a route without a policy", "/login"],
    ["the CSV export", "/signatories.csv?status=all"],
    ["an address no route declares", "/signatories/microsoft/history"],
  ])("refuses %s", (_why, url) => {
    expect(keyOf(url)).toBeNull();
  });
});

describe("Accept-Encoding with weights (RFC 9110 §12.5.3)", () => {
  it.each([
    [undefined, "identity"],
    ["gzip, deflate, br", "br"],
    ["br;q=0, gzip", "gzip"],
    ["gzip;q=0", "identity"],
    ["br;q=0.5, gzip;q=0.8", "gzip"],
    ["*", "br"],
    ["*;q=0, gzip", "gzip"],
    ["identity", "identity"],
    ["BR", "br"],
  ])("%j → %s", (header, expected) => {
    expect(chooseEncoding(header)).toBe(expected);
  });
});
