// The production server over HTTP, the parts of issue 6 that tests/integration/http.test.ts
// does not already prove: every private route (staff area, sign-in, applicant pages) is
// never cached, whatever its answer; the general write limit; a 10 MiB body costs the
// server no memory; error answers carry the security headers too.
import { randomUUID } from "node:crypto";
import { readdirSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken, newRef, newToken } from "~/modules/applications/tokens.server";
import { openDatabase, type DB } from "~/modules/database/db.server";
import { WRITE_LIMIT } from "~/modules/security/write-limit.server";
import { createStaffUser, insertApplication, sessionCookie } from "../integration/staff-fixtures";
import { Client } from "./client";
import { ROOT, spawnServer, stopServer, type ServerProcess } from "./process";

const dbPath = join(tmpdir(), `accord-security-http-${randomUUID()}.db`);
let server: ServerProcess;
let db: DB;

beforeAll(async () => {
  // Behind a (pretend) proxy, so each test speaks from addresses of its own.
  server = await spawnServer({ DATABASE_URL: dbPath, TRUST_PROXY: "1", STAFF_MFA: "optional" });
  db = openDatabase(dbPath);
}, 60_000);

afterAll(async () => {
  await db?.destroy();
  if (server) await stopServer(server);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(dbPath + suffix, { force: true });
});

let address = 0;
const nextAddress = () => `192.0.2.${++address}`;

describe("private pages are never cached [ASVS 14.2.2, 14.3.2, catalogue 22]", () => {
  const PRIVATE = /^(moderation|admin|login|logout|account|applications|apply)[._]/;
  const files = readdirSync(join(ROOT, "app/routes")).filter((f) => PRIVATE.test(f) || /^apply\.tsx$/.test(f));

  it("walks every route file of the staff area and the applicant's pages", async () => {
    expect(files.length).toBeGreaterThanOrEqual(14);
    const admin = await createStaffUser(db, { role: "admin" });
    const { cookie } = await sessionCookie(db, admin.id);
    const application = await insertApplication(db, { status: "pending" });
    const ref = newRef();
    const statusToken = newToken();
    const verifyToken = newToken();
    await db
      .updateTable("applications")
      .set({ ref, status_token_hash: hashToken(statusToken), verify_token_hash: hashToken(verifyToken) })
      .where("id", "=", application.id)
      .execute();
    const slug = (await db.selectFrom("signatories").select("slug").orderBy("id").executeTakeFirstOrThrow()).slug;
    // Each file's address, with real parameters, and one that must fail (404 or the like).
    const paths: Record<string, string[]> = {
      "account.tsx": ["/account"],
      "account_.passkey.ts": ["/account/passkey"],
      "admin._index.tsx": ["/admin"],
      "admin.users.tsx": ["/admin/users"],
      "applications.$ref.tsx": [`/applications/${ref}?token=${statusToken}`, `/applications/${ref}?token=wrong`],
      "applications.$ref_.withdraw.tsx": [
        `/applications/${ref}/withdraw?token=${statusToken}`,
        `/applications/${ref}/withdraw?token=wrong`,
      ],
      "apply.tsx": ["/apply"],
      "apply_.received.tsx": [`/apply/received?ref=${ref}`],
      "apply_.verify.tsx": [`/apply/verify?token=${verifyToken}`, "/apply/verify?token=wrong"],
      "login.tsx": ["/login", "/login?redirectTo=%2Fmoderation%2Faudit"],
      "login_.passkey.ts": ["/login/passkey"],
      "logout.tsx": ["/logout"],
      "moderation._index.tsx": ["/moderation", "/moderation?status=nonsense"],
      "moderation.applications.$ref.tsx": [`/moderation/applications/${ref}`, "/moderation/applications/AR-NOTHERE"],
      "moderation.applications.$ref.logo.ts": [`/moderation/applications/${ref}/logo`],
      "moderation.audit.tsx": ["/moderation/audit"],
      "moderation.signatories._index.tsx": ["/moderation/signatories"],
      "moderation.signatories.$slug.tsx": [`/moderation/signatories/${slug}`, "/moderation/signatories/nobody-here"],
      "moderation.security-txt.tsx": ["/moderation/security-txt"],
    };
    expect(
      files.filter((f) => !(f in paths)),
      "a route without an address in this test",
    ).toEqual([]);
    const seen: string[] = [];
    for (const file of files) {
      for (const path of paths[file]) {
        for (const who of ["staff", "anonymous"] as const) {
          const response = await fetch(`${server.url}${path}`, {
            headers: who === "staff" ? { Cookie: cookie } : {},
            redirect: "manual",
          });
          await response.arrayBuffer();
          expect(response.status, `${who} ${path}`).toBeLessThan(500);
          expect(String(response.headers.get("Cache-Control")), `${who} ${path} (${response.status})`).toMatch(/no-store/);
          expect(response.headers.get("X-Cache"), `${who} ${path}`).toBeNull();
          seen.push(`${response.status}`);
        }
      }
    }
    // Pages, redirects to sign in and refusals were all among them.
    expect(seen).toContain("200");
    expect(seen).toContain("303");
    expect(seen).toContain("404");
  });
});

describe("the general write limit [ASVS 2.4.1, 4.1.3]", () => {
  it(`answers the POST after ${WRITE_LIMIT.max} in a minute from one address with 429 and Retry-After; other addresses and reads go on`, async () => {
    const ip = nextAddress();
    const client = new Client(server.url, { "X-Forwarded-For": ip });
    await client.get("/login");
    const statuses: number[] = [];
    // Any form counts: a sign-in with a wrong password, an empty sign-out, a made-up field.
    // (Not sign-ins or applications: their own, finer limits would answer 429 first.)
    const posts = [
      () => client.post("/logout", {}),
      () => client.post("/signatories", { q: "x" }),
      () => client.post("/moderation/applications/AR-NOTHERE", { intent: "approve" }),
    ];
    for (let i = 0; i < WRITE_LIMIT.max; i++) statuses.push((await posts[i % posts.length]()).response.status);
    const limited = await client.post("/logout", {});
    expect(limited.response.status).toBe(429);
    const retryAfter = Number(limited.response.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.body).toMatch(/Too many forms were sent from your network address/);
    expect(limited.response.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    // The same address may still read; another address may still write.
    expect((await client.get("/signatories")).response.status).toBe(200);
    const other = new Client(server.url, { "X-Forwarded-For": nextAddress() });
    await other.get("/login");
    expect((await other.post("/logout", {})).response.status).toBe(303);
    // Before the limit, none of them was refused for the count.
    expect(statuses).not.toContain(429);
  });
});

/** A POST whose body is sent in chunks without a Content-Length. */
function chunkedPost(url: string, bytes: number): Promise<{ status: number; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    const req = httpRequest(
      `${url}/apply`,
      {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked", "X-Forwarded-For": nextAddress() },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, sent }));
      },
    );
    req.on("error", reject);
    const chunk = Buffer.alloc(64 * 1024, "a");
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

describe("request bodies [ASVS 5.2.1, 2.4.1, catalogue 28]", () => {
  it("a 10 MiB chunked body is refused with 413 without being kept: memory stays flat, even for 100 MiB", async () => {
    // Warm up the socket and allocator paths with small ones first.
    for (let i = 0; i < 2; i++) expect((await chunkedPost(server.url, 1024 * 1024)).status).toBe(413);
    const before = server.rss();
    const first = await chunkedPost(server.url, 10 * 1024 * 1024);
    const afterFirst = server.rss();
    expect(first.status).toBe(413);
    // The catalogue's bound for the first one (it includes the allocator warming up).
    expect(afterFirst - before).toBeLessThan(20 * 1024 * 1024);
    // Ten times more: were the excess kept, memory would grow by 100 MiB or more; read in
    // chunks and dropped, it grows by what the allocator keeps (more when the machine is busy).
    const big = await chunkedPost(server.url, 100 * 1024 * 1024);
    const afterBig = server.rss();
    expect(big.status).toBe(413);
    const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
    console.log(
      `chunked bodies: 10 MiB → 413, RSS +${mib(afterFirst - before)} MiB; 100 MiB → 413, RSS +${mib(afterBig - afterFirst)} MiB`,
    );
    expect(afterBig - afterFirst).toBeLessThan(50 * 1024 * 1024);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
