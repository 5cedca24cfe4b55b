// Passkeys across two production servers on ONE PostgreSQL database, as behind a load
// balancer (docs/several-instances.md): the challenge of a passkey ceremony lives in the
// database, so a challenge issued by instance A is answered on instance B, and used once
// whichever instance sees the answer again. Runs in the PostgreSQL pass only
// (TEST_ENGINE=postgres), like multi-instance.test.ts.
//
// Both servers get the same PUBLIC_URL, as a deployment's instances do (the relying party
// and the one origin answers may come from are PUBLIC_URL's); the test reaches each by its
// own 127.0.0.1 port (an IP address is always answered) and sends that origin, as a browser
// on the public address would. The answers are real WebAuthn answers from a software
// authenticator (staff-passkey-authenticator.ts).
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { afterAll, beforeAll, expect, it } from "vitest";
import { verifyAuditChain } from "~/modules/audit/audit.server";
import { openDatabase, type DB } from "~/modules/database/db.server";
import { describeOnPostgres, dropDatabase, freshDatabaseUrl } from "../helpers/engine";
import { startServer, type TestServer } from "../helpers/server";
import { SoftAuthenticator } from "./staff-passkey-authenticator";
import { createStaffUser, HttpClient, type TestStaff } from "./staff-fixtures";

const PUBLIC = "http://registry.test";
const asBrowser = { Origin: PUBLIC };

/** One visitor's handles on both servers: one cookie jar and one form token, as in one browser. */
function visitorOnBoth(a: TestServer, b: TestServer) {
  const onA = new HttpClient(a.url);
  const onB = new HttpClient(b.url);
  onB.cookies = onA.cookies;
  return {
    onA,
    onB,
    /** The page's token, for forms sent to either (both check it with the same secret). */
    async page(path: string, on: HttpClient = onA) {
      const page = await on.get(path);
      onA.csrf = onB.csrf = on.csrf;
      return page;
    },
  };
}

async function options<T>(client: HttpClient, path: string): Promise<T> {
  const { response, body } = await client.post(path, {}, asBrowser);
  expect(response.status, body).toBe(200);
  return (JSON.parse(body) as { options: T }).options;
}

async function signInWithPassword(client: HttpClient, staff: TestStaff) {
  const { response } = await client.post("/login", { email: staff.email, password: staff.password }, asBrowser);
  expect(response.status).toBe(303);
  return response.headers.get("Location");
}

describeOnPostgres("passkeys across two server instances on one PostgreSQL database", () => {
  let a: TestServer;
  let b: TestServer;
  let db: DB;
  let databaseUrl: string;
  let staff: TestStaff;
  const device = new SoftAuthenticator();

  beforeAll(async () => {
    databaseUrl = await freshDatabaseUrl("passkeys_multi");
    const shared = { DATABASE_URL: databaseUrl, SESSION_SECRET: process.env.SESSION_SECRET!, PUBLIC_URL: PUBLIC, STAFF_MFA: "optional" };
    [a, b] = await Promise.all([startServer(shared), startServer(shared)]);
    db = openDatabase(databaseUrl);
    staff = await createStaffUser(db);
  }, 120_000);

  afterAll(async () => {
    await db?.destroy();
    await Promise.allSettled([a?.stop(), b?.stop()]);
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it("adds a passkey with options from A and the answer on B", async () => {
    const visitor = visitorOnBoth(a, b);
    await visitor.page("/login");
    expect(await signInWithPassword(visitor.onA, staff)).toBe("/moderation");
    await visitor.page("/account");
    const creation = await options<PublicKeyCredentialCreationOptionsJSON>(visitor.onA, "/account/passkey");
    expect(creation.rp.id).toBe("registry.test");
    const added = await visitor.onB.post(
      "/account",
      { intent: "passkey_register", name: "Shared key", credential: JSON.stringify(device.create(creation, PUBLIC)) },
      asBrowser,
    );
    expect(added.response.status).toBe(303);
    expect(added.response.headers.get("Location")).toBe("/account?done=passkey-added");
    const rows = await db.selectFrom("staff_passkeys").select("name").where("staff_id", "=", staff.id).execute();
    expect(rows).toEqual([{ name: "Shared key" }]);
  });

  it("signs in with a challenge issued by A and answered on B; the same answer on A again is refused", async () => {
    const visitor = visitorOnBoth(a, b);
    await visitor.page("/login");
    const request = await options<PublicKeyCredentialRequestOptionsJSON>(visitor.onA, "/login/passkey");
    const credential = JSON.stringify(device.get(request, PUBLIC));
    const answered = await visitor.onB.post("/login", { intent: "passkey", credential, redirectTo: "/moderation" }, asBrowser);
    expect(answered.response.status).toBe(303);
    expect(answered.response.headers.get("Location")).toBe("/moderation");
    // The session B made opens A's pages.
    const queue = await visitor.onA.get("/moderation");
    expect(queue.response.status).toBe(200);

    // Signed out (on A), the same browser sends the same answer to A: used already, on B.
    await visitor.page("/moderation");
    expect((await visitor.onA.post("/logout", {}, asBrowser)).response.status).toBe(303);
    await visitor.page("/login");
    const replay = await visitor.onA.post("/login", { intent: "passkey", credential, redirectTo: "/moderation" }, asBrowser);
    expect(replay.response.status).toBe(401);
    expect(replay.body).toContain("This passkey answer was already used");
    const refused = await db
      .selectFrom("audit_log")
      .select(["reason", "target_id"])
      .where("action", "=", "auth.passkey_refused")
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(refused).toEqual({ reason: "sign-in: replayed or unknown challenge", target_id: "unknown" });
  });

  it("takes the password on A, issues the second step's challenge on B, and accepts the passkey on A", async () => {
    const visitor = visitorOnBoth(a, b);
    await visitor.page("/login");
    expect(await signInWithPassword(visitor.onA, staff)).toBe("/login?redirectTo=%2Fmoderation");
    await visitor.page("/login", visitor.onB);
    const request = await options<PublicKeyCredentialRequestOptionsJSON>(visitor.onB, "/login/passkey");
    expect(request.allowCredentials?.map((c) => c.id)).toEqual([device.credentials[0].id]);
    const answered = await visitor.onA.post(
      "/login",
      { intent: "passkey", credential: JSON.stringify(device.get(request, PUBLIC)), redirectTo: "/moderation" },
      asBrowser,
    );
    expect(answered.response.status).toBe(303);
    expect(answered.response.headers.get("Location")).toBe("/moderation");
  });

  it("refuses on B the answer to a challenge A issued to another visitor", async () => {
    const victim = visitorOnBoth(a, b);
    await victim.page("/login");
    const request = await options<PublicKeyCredentialRequestOptionsJSON>(victim.onA, "/login/passkey");
    const attacker = visitorOnBoth(a, b);
    await attacker.page("/login", attacker.onB);
    const stolen = await attacker.onB.post(
      "/login",
      { intent: "passkey", credential: JSON.stringify(device.get(request, PUBLIC)), redirectTo: "/moderation" },
      asBrowser,
    );
    expect(stolen.response.status).toBe(401);
    expect(stolen.body).toContain("another browser session");
  });

  it("leaves one audit chain that verifies, and no server error on either instance", async () => {
    expect((await verifyAuditChain(db)).ok).toBe(true);
    for (const server of [a, b]) {
      expect(server.output()).not.toContain('"level":50');
      expect(server.output()).not.toContain("unhandled_error");
    }
  });
});
