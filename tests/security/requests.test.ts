// What the server refuses or bounds before any route runs, over real HTTP against the
// production server (issue 12): the response cache's memory under unique addresses (H1),
// its keys (H1, M3), the read budget for renders (L1), malformed addresses and non-form
// bodies (L3), other host names (DNS rebinding) and other origins, Accept-Encoding
// weights. [ASVS 2.2.1, 2.4.1, 3.5.1, 4.1.1, 13.2.x, 16.5.3]
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "./client";
import { logLines, spawnServer, stopServer, type ServerProcess } from "./process";

const dbPaths: string[] = [];
const dbPath = () => {
  const path = join(tmpdir(), `accord-security-requests-${randomUUID()}.db`);
  dbPaths.push(path);
  return path;
};
let server: ServerProcess;
let limited: ServerProcess;

beforeAll(async () => {
  // PUBLIC_URL is set (as in a deployment), so the host and origin rules are the strict ones.
  [server, limited] = await Promise.all([
    spawnServer({ DATABASE_URL: dbPath(), TRUST_PROXY: "1", READ_LIMIT_PER_MINUTE: "0" }),
    spawnServer({ DATABASE_URL: dbPath(), TRUST_PROXY: "1", READ_LIMIT_PER_MINUTE: "5" }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([server, limited].filter(Boolean).map((s) => stopServer(s)));
  for (const path of dbPaths) for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
});

let address = 0;
const nextAddress = () => `198.51.100.${++address}`;

/** A raw request: the path goes out exactly as written (fetch would resolve dot segments). */
function raw(
  base: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: init.method ?? "GET",
        path,
        headers: { "X-Forwarded-For": nextAddress(), ...init.headers },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}

async function get(base: string, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(base + path, { headers: { "X-Forwarded-For": nextAddress(), ...headers }, redirect: "manual" });
  return { response, body: await response.text() };
}

/** Runs `work` over `items`, `width` at a time. */
async function pool<T>(items: T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

const errorLines = (s: ServerProcess) => logLines(s.output()).filter((l) => typeof l === "object" && Number(l.level) >= 50);

describe("the response cache under unique addresses [H1]", () => {
  it("3,000 unique anonymous GETs grow the server's memory by well under 96 MB", async () => {
    // Warm up: the pages, the database, V8's code.
    for (const path of ["/", "/signatories", "/signatories/microsoft/badge.svg", "/api/v1/signatories?q=a"]) await get(server.url, path);
    const before = server.rss();
    const paths = Array.from({ length: 3_000 }, (_, i) =>
      // Two in three vary a parameter the badge ignores (the attack); one in three vary
      // the search (a declared parameter: cached, within the bound).
      i % 3 === 0 ? `/api/v1/signatories?q=${randomUUID().slice(0, 8)}` : `/signatories/microsoft/badge.svg?k${i}=${"a".repeat(2_000)}`,
    );
    const statuses = new Map<number, number>();
    await pool(paths, 8, async (path) => {
      const { response } = await get(server.url, path);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    });
    const grown = server.rss() - before;
    expect([...statuses.keys()]).toEqual([200]);
    expect(grown, `RSS grew by ${(grown / 2 ** 20).toFixed(1)} MB`).toBeLessThan(48 * 2 ** 20);
  }, 120_000);

  it("answers an address with a parameter the route does not read, but does not cache it", async () => {
    const path = `/signatories/nokia/badge.svg?utm_source=${randomUUID()}`;
    const first = await get(server.url, path);
    const second = await get(server.url, path);
    expect(first.response.status).toBe(200);
    expect(second.response.headers.get("X-Cache")).toBeNull();
    expect(second.body).toBe(first.body);
  });

  it("files the same search written in another parameter order under one key", async () => {
    const q = randomUUID().slice(0, 6);
    const first = await get(server.url, `/signatories?sort=name&q=${q}&country=FI`);
    const second = await get(server.url, `/signatories?country=FI&q=${q}&sort=name`);
    expect(first.response.headers.get("X-Cache")).toBe("miss");
    expect(second.response.headers.get("X-Cache")).toBe("hit");
  });

  it("does not cache a very long address", async () => {
    const path = `/signatories?${Array.from({ length: 120 }, () => "country=FI").join("&")}`;
    await get(server.url, path);
    const again = await get(server.url, path);
    expect(again.response.status).toBe(200);
    expect(again.response.headers.get("X-Cache")).toBeNull();
  });
});

describe("dot segments and the CSV export [M3]", () => {
  it.each([
    "/api/v1/../../signatories.csv?status=all",
    "/api/v1/%2e%2e/%2e%2e/signatories.csv?status=all",
    "/signatories/./microsoft",
    "/api/v1/.%2E/login",
  ])("refuses %s with 400 before any route runs", async (path) => {
    const response = await raw(server.url, path);
    expect(response.status).toBe(400);
    expect(response.body).toMatch(/segment/);
    expect(response.headers["x-cache"]).toBeUndefined();
  });

  it("streams the CSV export past the cache, never buffered into it", async () => {
    const response = await raw(server.url, "/signatories.csv?status=all");
    expect(response.status).toBe(200);
    expect(response.headers["x-cache"]).toBeUndefined();
    expect(response.headers["transfer-encoding"]).toBe("chunked");
    expect(response.body.split("\r\n")[0]).toMatch(/^slug,name,/);
  });
});

describe("the read budget for renders the cache does not answer [L1]", () => {
  it("answers the sixth render in a minute from one address with 429 and Retry-After; cache hits and other addresses go on", async () => {
    const ip = nextAddress();
    const as = { "X-Forwarded-For": ip };
    // A page someone else has already had rendered is a hit: it costs nothing.
    await get(limited.url, "/pledges");
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await get(limited.url, `/signatories?q=${randomUUID().slice(0, 6)}`, as)).response.status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const sixth = await get(limited.url, "/apply", as);
    expect(sixth.response.status).toBe(429);
    expect(Number(sixth.response.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(sixth.body).toMatch(/Try again in \d+ s/);
    const hit = await get(limited.url, "/pledges", as);
    expect(hit.response.status).toBe(200);
    expect(hit.response.headers.get("X-Cache")).toBe("hit");
    expect((await get(limited.url, "/apply", { "X-Forwarded-For": nextAddress() })).response.status).toBe(200);
  });
});

describe("malformed addresses and bodies are 4xx, never 5xx, and never logged as errors [L3]", () => {
  it.each([
    "/%ff",
    "/%",
    "/api/v1/signatories/%ff",
    "/applications/%ff",
    "/moderation/applications/%ff",
    "/signatories?q=%ff",
    "/signatories/%E0%A4%A",
  ])("%s → 400", async (path) => {
    const response = await raw(server.url, path);
    expect(response.status).toBe(400);
    expect(response.body).toMatch(/malformed percent-escape/);
  });

  it("generated addresses with broken escapes: 400 every time (fast-check)", async () => {
    const segment = fc.stringMatching(/^[a-z0-9._~-]{0,12}$/);
    const broken = fc.constantFrom("%", "%f", "%ff", "%C3%28", "%E0%A4%A", "%zz", "%%", "%c0%af", "%ED%A0%80");
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { maxLength: 4 }), broken, segment, fc.boolean(), async (before, bad, after, inQuery) => {
        const path = inQuery ? `/${before.join("/")}?q=${after}${bad}` : `/${[...before, `${after}${bad}`].join("/")}`;
        const response = await raw(server.url, path);
        statuses.add(response.status);
        return response.status === 400;
      }),
      { numRuns: 150 },
    );
    expect([...statuses]).toEqual([400]);
  });

  it("a body that is not a form, sent to every action, is a 415", async () => {
    const client = new Client(server.url, { "X-Forwarded-For": nextAddress() });
    await client.get("/login");
    const actions = [
      "/login",
      "/logout",
      "/account",
      "/admin/users",
      "/apply",
      "/apply/verify",
      "/applications/AR-AAAAAAAA",
      "/moderation/applications/AR-AAAAAAAA",
      "/moderation/signatories/nokia",
    ];
    const bodies: [string | undefined, string][] = [
      ["application/json", JSON.stringify({ email: "a@b.c", csrf: client.hidden.csrf })],
      ["text/plain", "email=a@b.c"],
      ["application/xml", "<a/>"],
      [undefined, ""],
    ];
    for (const path of actions) {
      for (const [type, body] of bodies) {
        const response = await raw(server.url, path, {
          method: "POST",
          headers: { Origin: server.url, Cookie: client.cookieHeader, ...(type ? { "Content-Type": type } : {}) },
          body,
        });
        expect(response.status, `${type} to ${path}`).toBe(415);
      }
    }
  });

  it("Remix's own refusals (no such page, no action, a foreign _data) stay 4xx", async () => {
    const client = new Client(server.url, { "X-Forwarded-For": nextAddress() });
    expect((await client.get("/no-such-page")).response.status).toBe(404);
    expect((await client.post("/pledges", { a: "1" })).response.status).toBe(405);
    expect((await client.get("/signatories?_data=routes%2Fnope")).response.status).toBe(403);
  });

  it("logged nothing at error level for any of it", () => {
    expect(errorLines(server)).toEqual([]);
  });
});

describe("host names and origins [DNS rebinding, ASVS 3.5.1]", () => {
  it("refuses a host name that is not this site's with 421, but answers /healthz and IP addresses", async () => {
    const port = new URL(server.url).port;
    expect((await raw(server.url, "/", { headers: { Host: `rebound.example:${port}` } })).status).toBe(421);
    expect((await raw(server.url, "/signatories", { headers: { Host: "rebound.example" } })).status).toBe(421);
    expect((await raw(server.url, "/healthz", { headers: { Host: "lb.internal" } })).status).toBe(200);
    expect((await raw(server.url, "/pledges", { headers: { Host: `10.0.0.7:${port}` } })).status).toBe(200);
  });

  it("refuses a form whose Origin is not PUBLIC_URL's, even when it matches the Host it was sent to", async () => {
    const port = new URL(server.url).port;
    const client = new Client(server.url, { "X-Forwarded-For": nextAddress() });
    await client.get("/login");
    const body = new URLSearchParams({ ...client.hidden, email: "nobody@example.org", password: "not the password at all" }).toString();
    const response = await raw(server.url, "/login", {
      method: "POST",
      headers: {
        Host: `10.0.0.7:${port}`,
        Origin: `http://10.0.0.7:${port}`,
        Cookie: client.cookieHeader,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body,
    });
    expect(response.status).toBe(403);
  });
});

describe("Accept-Encoding weights", () => {
  it("honours br;q=0 and gzip;q=0 on a cached page", async () => {
    await get(server.url, "/transparency");
    const noBrotli = await fetch(`${server.url}/transparency`, { headers: { "Accept-Encoding": "br;q=0, gzip" } });
    expect(noBrotli.headers.get("Content-Encoding")).toBe("gzip");
    await noBrotli.arrayBuffer();
    const nothing = await raw(server.url, "/transparency", { headers: { "Accept-Encoding": "gzip;q=0, br;q=0" } });
    expect(nothing.headers["content-encoding"]).toBeUndefined();
    expect(nothing.body).toMatch(/<html/);
  });
});
