// The production server over real HTTP: what every response carries (CONTRACT §7) and
// how it refuses what it must refuse. Catalogue ids in brackets.
import { createHash } from "node:crypto";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let secure: TestServer;
beforeAll(async () => {
  [server, secure] = await Promise.all([startServer(), startServer({ PUBLIC_URL: "https://registry.example" })]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), secure?.stop()]);
});

/** A raw request, so methods and bodies fetch() would refuse can be sent. */
function raw(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string; chunked?: boolean } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const req = httpRequest(url, { method: options.method ?? "GET", headers: options.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    if (options.body !== undefined) {
      if (options.chunked) {
        const data = Buffer.from(options.body);
        for (let i = 0; i < data.length; i += 8192) req.write(data.subarray(i, i + 8192));
      } else req.write(options.body);
    }
    req.end();
  });
}

const kinds: [string, string, number][] = [
  ["a page", "/signatories", 200],
  ["the JSON API", "/api/v1/signatories", 200],
  ["a static file", "/favicon.svg", 200],
  ["a 404 page", "/no-such-page", 404],
  ["a 400 page", "/signatories?country=XX", 400],
  ["a JSON 404", "/api/v1/signatories/nobody", 404],
  ["the health check", "/healthz", 200],
];

describe("headers on every response [ASVS 3.4.1, 3.4.3-3.4.6, 14.3.2]", () => {
  it.each(kinds)("%s (%s) carries the security headers", async (_kind, path, status) => {
    const res = await raw(server.url, path);
    expect(res.status).toBe(status);
    const csp = String(res.headers["content-security-policy"]);
    // A fresh nonce, or (for a page served from the response cache) the hashes of its
    // inline scripts; never 'unsafe-inline'.
    expect(csp).toMatch(/script-src 'self'( 'nonce-[A-Za-z0-9+/=]{20,}'|( 'sha256-[A-Za-z0-9+/=]{44}')*);/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(res.headers["x-frame-options"]).toBe("DENY");
    expect(res.headers["x-powered-by"]).toBeUndefined();
    // Plain http: no HSTS (a browser would ignore it, and it would break local use).
    expect(res.headers["strict-transport-security"]).toBeUndefined();
  });

  it("gives every script of an uncached page the response's nonce, a new one each time", async () => {
    const first = await raw(server.url, "/apply");
    const second = await raw(server.url, "/apply");
    const nonce = /'nonce-([^']+)'/.exec(String(first.headers["content-security-policy"]))![1];
    const scripts = [...first.body.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    expect(String(second.headers["content-security-policy"])).not.toContain(nonce);
  });

  it("allows exactly the inline scripts of a cached page by their hashes", async () => {
    await raw(server.url, "/pledges");
    const cached = await raw(server.url, "/pledges");
    expect(cached.headers["x-cache"]).toBe("hit");
    const csp = String(cached.headers["content-security-policy"]);
    const inline = [...cached.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].filter((m) => !/\ssrc=/.test(m[1]));
    expect(inline.length).toBeGreaterThan(0);
    for (const [, , content] of inline) {
      expect(csp).toContain(`'sha256-${createHash("sha256").update(content).digest("base64")}'`);
    }
    expect(csp).not.toContain("'nonce-");
  });

  it("shares cached answers without cookies: the anti-forgery cookie comes with the pages that have forms", async () => {
    for (const path of ["/signatories", "/api/v1/signatories", "/pledges"]) {
      for (const attempt of ["miss", "hit"]) {
        const res = await raw(server.url, path);
        expect(res.headers["x-cache"], `${path} ${attempt}`).toMatch(/hit|miss/);
        expect(res.headers["set-cookie"], `${path} ${attempt}`).toBeUndefined();
      }
    }
    const form = await raw(server.url, "/apply");
    expect(String(form.headers["set-cookie"])).toMatch(/^csrf=[A-Za-z0-9_-]{43}; Path=\//);
  });

  it("adds HSTS when the public address is https, and a __Host- anti-forgery cookie marked Secure", async () => {
    const res = await raw(secure.url, "/apply");
    expect(res.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    const cookies = ([] as string[]).concat(res.headers["set-cookie"] ?? []);
    const csrf = cookies.find((c) => c.startsWith("__Host-csrf="));
    expect(csrf).toBeDefined();
    expect(csrf).toMatch(/; Path=\//);
    expect(csrf).toMatch(/; HttpOnly/);
    expect(csrf).toMatch(/; SameSite=Lax/);
    expect(csrf).toMatch(/; Secure/);
    expect(csrf).not.toMatch(/Domain=/i);
  });
});

describe("refusals", () => {
  it.each(["PUT", "DELETE", "PATCH", "TRACE"])("%s is a 405 with an Allow header [ASVS 13.4.x]", async (method) => {
    const res = await raw(server.url, "/signatories", { method });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET, HEAD, POST");
  });

  it.each(["/.git/config", "/.env", "/build/", "/node_modules/", "/server.mjs", "/package.json", "/assets/"])(
    "%s is not served [ASVS 13.4.1]",
    async (path) => {
      const res = await raw(server.url, path);
      expect(res.status).toBe(404);
      expect(res.body).not.toMatch(/SESSION_SECRET|createRequestHandler|"dependencies"/);
    },
  );

  it("a body over 64 KiB is a 413, with or without Content-Length [ASVS 5.2.1]", async () => {
    const big = "a=" + "x".repeat(70 * 1024);
    const sized = await raw(server.url, "/signatories", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(big.length) },
      body: big,
    });
    expect(sized.status).toBe(413);
    const chunked = await raw(server.url, "/signatories", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked" },
      body: big,
      chunked: true,
    });
    expect(chunked.status).toBe(413);
    // And the server is still answering.
    expect((await raw(server.url, "/healthz")).status).toBe(200);
  });

  it("error pages show no stack trace, file path or SQL", async () => {
    for (const path of ["/signatories?country=XX", "/no-such-page", "/signatories?page=1&page=2"]) {
      const res = await raw(server.url, path);
      expect(res.body).not.toMatch(/\bat \S+ \(|node_modules|\.tsx?:\d+|SqliteError|select .* from/i);
    }
  });
});

describe("shutdown", () => {
  it("exits 0 on SIGTERM [catalogue 41]", async () => {
    const short = await startServer();
    await raw(short.url, "/signatories");
    await short.stop();
    expect(short.exitCode()).toBe(0);
  });
});
