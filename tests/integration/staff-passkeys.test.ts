// Staff passkeys (issue 17) through the real routes with real Requests: adding one on
// /account, signing in with one (on its own and after a password), removing one, an
// administrator's reset, STAFF_MFA=passkey, and every refusal the server must make, each
// with its message, its audit entry and no 5xx. The answers are real WebAuthn answers made
// by a software authenticator (staff-passkey-authenticator.ts: P-256 keys, real signatures),
// bent where a test needs an attacker's or a broken device's; nothing of the verification
// is mocked. Runs on both engines (TEST_ENGINE=postgres for the PostgreSQL pass).
import type { AppLoadContext } from "@remix-run/node";
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { afterEach, describe, expect, it } from "vitest";
import { verifyAuditChain } from "~/modules/audit/audit.server";
import { currentTotp, unsealEnrolment } from "~/modules/auth/mfa.server";
import { relyingPartyOf } from "~/modules/auth/relying-party.server";
import { resetEnvForTests } from "~/utils/env.server";
import * as accountPasskey from "~/routes/account_.passkey";
import * as account from "~/routes/account";
import * as adminUsers from "~/routes/admin.users";
import * as login from "~/routes/login";
import * as loginPasskey from "~/routes/login_.passkey";
import * as queue from "~/routes/moderation._index";
import { useSeededDatabase } from "../helpers/db";
import { formPost, TEST_ORIGIN, visitor } from "../helpers/remix";
import { SoftAuthenticator, type Bend } from "./staff-passkey-authenticator";
import { createStaffUser, getAs, postAs, respond, sessionCookie, type TestStaff } from "./staff-fixtures";

const getDb = useSeededDatabase();

let ipCounter = 0;
/** A visitor from an address no other test uses (the sign-in budgets count per address). */
const fresh = () => visitor(`198.51.100.${++ipCounter}`, `passkey-${ipCounter}`.padEnd(43, "p"));

const cookieOf = (response: Response) => response.headers.get("Set-Cookie")?.split(";")[0] ?? null;

async function auditRows(action: string, staffId?: number) {
  let query = getDb().selectFrom("audit_log").selectAll().where("action", "=", action);
  if (staffId !== undefined) query = query.where("target_id", "=", String(staffId));
  return query.orderBy("id").execute();
}

afterEach(() => {
  delete process.env.STAFF_MFA;
  process.env.PUBLIC_URL = TEST_ORIGIN;
  resetEnvForTests();
});

/** The options the account page's script asks for, for the session in `cookie`. */
async function registrationOptions(cookie: string, context: AppLoadContext = visitor()) {
  const response = await respond(accountPasskey.action, postAs("/account/passkey", {}, cookie, { context }));
  expect(response.status).toBe(200);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  return (await response.json()).options as PublicKeyCredentialCreationOptionsJSON;
}

/** Adds a passkey through /account as the page does; the response. */
async function addPasskey(
  cookie: string,
  device: SoftAuthenticator,
  fields: { name?: string; reauth?: string } = {},
  bend: Bend = {},
  context: AppLoadContext = visitor(),
) {
  const options = await registrationOptions(cookie, context);
  const credential = device.create(options, TEST_ORIGIN, bend);
  return respond(
    account.action,
    postAs(
      "/account",
      { intent: "passkey_register", name: fields.name ?? "Test key", reauth: fields.reauth ?? "", credential: JSON.stringify(credential) },
      cookie,
      { context },
    ),
  );
}

/** The sign-in page's options: for the visitor `context` (with `cookie` when a password was right). */
async function signInOptions(context: AppLoadContext, cookie: string | null = null) {
  const response = await respond(loginPasskey.action, postAs("/login/passkey", {}, cookie, { context }));
  expect(response.status).toBe(200);
  return (await response.json()).options as PublicKeyCredentialRequestOptionsJSON;
}

/** Posts a passkey's answer to /login as the page does. */
async function answer(credential: unknown, context: AppLoadContext, cookie: string | null = null, redirectTo = "/moderation") {
  const body = typeof credential === "string" ? credential : JSON.stringify(credential);
  return respond(login.action, postAs("/login", { intent: "passkey", credential: body, redirectTo }, cookie, { context }));
}

/** Signs in with the passkey on `device`, without an e-mail address. */
async function passkeySignIn(device: SoftAuthenticator, context = fresh(), bend: Bend = {}) {
  const options = await signInOptions(context);
  expect(options.allowCredentials ?? []).toEqual([]);
  expect(options.userVerification).toBe("required");
  const credential = device.get(options, TEST_ORIGIN, bend);
  return { response: await answer(credential, context), credential, context };
}

/** A staff member with a passkey on their own software authenticator. */
async function staffWithPasskey(options: { role?: "admin" | "moderator" } = {}) {
  const staff = await createStaffUser(getDb(), options);
  const { cookie } = await sessionCookie(getDb(), staff.id);
  const device = new SoftAuthenticator();
  const added = await addPasskey(cookie, device, { name: `Key of ${staff.name}` });
  expect(added.status).toBe(303);
  return { staff, device, cookie };
}

/** A refusal as the server must answer it: 4xx (never 5xx), the message, one audit entry naming the check. */
async function expectRefused(response: Response, audit: { staffId: number | null; reason: RegExp; message: RegExp }, before: number) {
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  expect(response.headers.get("Set-Cookie")).toBeNull();
  expect((await response.json()).message).toMatch(audit.message);
  const rows = await auditRows("auth.passkey_refused");
  expect(rows.length).toBe(before + 1);
  expect(rows.at(-1)).toMatchObject({ target_type: "staff", target_id: audit.staffId === null ? "unknown" : String(audit.staffId) });
  expect(rows.at(-1)!.reason).toMatch(audit.reason);
}

const refusedSoFar = async () => (await auditRows("auth.passkey_refused")).length;

describe("the relying party comes from PUBLIC_URL", () => {
  it("takes the host name and origin; a loopback address becomes localhost; another IP address leaves passkeys off", () => {
    expect(relyingPartyOf("https://registry.example.org")).toEqual({ id: "registry.example.org", origin: "https://registry.example.org" });
    expect(relyingPartyOf("http://localhost:3000")).toEqual({ id: "localhost", origin: "http://localhost:3000" });
    expect(relyingPartyOf("http://127.0.0.1:41234")).toEqual({ id: "localhost", origin: "http://localhost:41234" });
    expect(relyingPartyOf("http://[::1]:8080")).toEqual({ id: "localhost", origin: "http://localhost:8080" });
    expect(relyingPartyOf("https://192.0.2.10")).toBeNull();
  });
});

describe("adding a passkey on /account", () => {
  it("asks for a discoverable credential with user verification, stores it with its counter and backup flags, and audits it", async () => {
    const staff = await createStaffUser(getDb());
    const { cookie, idHash } = await sessionCookie(getDb(), staff.id);
    const options = await registrationOptions(cookie);
    expect(options.rp).toEqual({ name: "Accord Registry", id: "registry.test" });
    expect(options.user.name).toBe(staff.email);
    expect(options.authenticatorSelection).toMatchObject({ residentKey: "required", userVerification: "required" });
    expect(options.attestation).toBe("none");
    // The challenge is stored server-side, bound to this session, valid for minutes.
    const stored = await getDb()
      .selectFrom("webauthn_challenges")
      .selectAll()
      .where("challenge", "=", options.challenge)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ purpose: "register", staff_id: staff.id });
    const minutes = (Date.parse(stored.expires_at) - Date.parse(stored.created_at)) / 60_000;
    expect(minutes).toBe(5);

    const device = new SoftAuthenticator(true);
    const credential = device.create(options, TEST_ORIGIN);
    const response = await respond(
      account.action,
      postAs("/account", { intent: "passkey_register", name: "  Work   laptop ", credential: JSON.stringify(credential) }, cookie),
    );
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/account?done=passkey-added");
    const row = await getDb().selectFrom("staff_passkeys").selectAll().where("staff_id", "=", staff.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      credential_id: credential.id,
      name: "Work laptop",
      counter: 0,
      backup_eligible: 1,
      backed_up: 1,
      last_used_at: null,
    });
    expect(JSON.parse(row.transports!)).toEqual(["internal"]);
    // Used once: the challenge row is gone; the session now counts as opened with a passkey.
    expect(
      await getDb().selectFrom("webauthn_challenges").select("challenge").where("challenge", "=", options.challenge).executeTakeFirst(),
    ).toBeUndefined();
    const session = await getDb().selectFrom("staff_sessions").select("passkey").where("id_hash", "=", idHash).executeTakeFirstOrThrow();
    expect(session.passkey).toBe(1);
    const audit = (await auditRows("auth.passkey_registered", staff.id)).at(-1)!;
    expect(audit.actor).toBe(`staff:${staff.id}`);
    expect(JSON.parse(audit.after_json!)).toMatchObject({ passkey: "Work laptop", backup_eligible: true, backed_up: true, passkeys: 1 });

    const page = await (await respond(account.loader, getAs("/account", cookie))).json();
    expect(page.passkeys).toEqual([expect.objectContaining({ name: "Work laptop", lastUsedAt: null, synced: true, backedUp: true })]);
    expect(page.mfaEnrolled).toBe(true);
    // The next registration leaves the account's passkey out and reuses its user handle.
    const again = await registrationOptions(cookie);
    expect(again.excludeCredentials?.map((c) => c.id)).toEqual([credential.id]);
    expect(again.user.id).toBe(options.user.id);
  });

  it("asks for the password (or a code) once the account has a second factor, and refuses a wrong one", async () => {
    const { staff, device, cookie } = await staffWithPasskey();
    const missing = await addPasskey(cookie, device, { name: "Second key" });
    expect(missing.status).toBe(400);
    expect((await missing.json()).errors.reauth).toMatch(/Enter your password/);
    const wrong = await addPasskey(cookie, device, { name: "Second key", reauth: "not my password at all" });
    expect(wrong.status).toBe(401);
    expect((await auditRows("auth.reauth_failed", staff.id)).at(-1)!.reason).toBe("wrong proof when adding a passkey");
    const right = await addPasskey(cookie, device, { name: "Second key", reauth: staff.password });
    expect(right.status).toBe(303);
    expect(await getDb().selectFrom("staff_passkeys").select("name").where("staff_id", "=", staff.id).orderBy("id").execute()).toEqual([
      { name: `Key of ${staff.name}` },
      { name: "Second key" },
    ]);
  });

  it("waits until an account whose password an administrator set has chosen its own", async () => {
    const staff = await createStaffUser(getDb());
    await getDb().updateTable("staff").set({ must_change_password: 1 }).where("id", "=", staff.id).execute();
    const { cookie } = await sessionCookie(getDb(), staff.id);
    const options = await respond(accountPasskey.action, postAs("/account/passkey", {}, cookie));
    expect(options.status).toBe(400);
    expect((await options.json()).error).toMatch(/Choose your own password first/);
    const added = await respond(account.action, postAs("/account", { intent: "passkey_register", name: "Key", credential: "{}" }, cookie));
    expect(added.status).toBe(400);
    expect(await getDb().selectFrom("staff_passkeys").select("id").where("staff_id", "=", staff.id).execute()).toEqual([]);
  });

  it("refuses a nameless passkey, and an answer without JavaScript, with their messages", async () => {
    const staff = await createStaffUser(getDb());
    const { cookie } = await sessionCookie(getDb(), staff.id);
    const nameless = await respond(
      account.action,
      postAs("/account", { intent: "passkey_register", name: "   ", credential: "{}" }, cookie),
    );
    expect(nameless.status).toBe(400);
    expect((await nameless.json()).errors.name).toMatch(/Give the passkey a name/);
    const noScript = await respond(account.action, postAs("/account", { intent: "passkey_register", name: "Key", credential: "" }, cookie));
    expect(noScript.status).toBe(400);
    expect((await noScript.json()).message).toMatch(/needs JavaScript/);
  });

  it("refuses a registration answer made for another origin, for another session, or replayed", async () => {
    const staff = await createStaffUser(getDb());
    const { cookie } = await sessionCookie(getDb(), staff.id);
    const device = new SoftAuthenticator();
    let before = await refusedSoFar();
    const phished = await addPasskey(cookie, device, {}, { origin: "https://registry-test.example" });
    await expectRefused(phished, { staffId: staff.id, reason: /^registration: wrong origin$/, message: /made on another website/ }, before);

    // Options asked for in one session, answered from another session of the same account.
    const options = await registrationOptions(cookie);
    const other = await sessionCookie(getDb(), staff.id);
    before = await refusedSoFar();
    const crossed = await respond(
      account.action,
      postAs(
        "/account",
        { intent: "passkey_register", name: "Key", credential: JSON.stringify(device.create(options, TEST_ORIGIN)) },
        other.cookie,
      ),
    );
    await expectRefused(crossed, { staffId: staff.id, reason: /challenge of another session/, message: /another browser session/ }, before);

    const fresh = await registrationOptions(cookie);
    const good = JSON.stringify(device.create(fresh, TEST_ORIGIN));
    const post = () => respond(account.action, postAs("/account", { intent: "passkey_register", name: "Key", credential: good }, cookie));
    expect((await post()).status).toBe(303);
    before = await refusedSoFar();
    // The account now has a factor: the proof comes first, then the replay is refused.
    const replay = await respond(
      account.action,
      postAs("/account", { intent: "passkey_register", name: "Key", credential: good, reauth: staff.password }, cookie),
    );
    await expectRefused(replay, { staffId: staff.id, reason: /replayed or unknown challenge/, message: /already used/ }, before);
  });
});

describe("signing in with a passkey, without an e-mail address", () => {
  it("signs in, records the counter and the use, and starts a session that remembers the passkey", async () => {
    const { staff, device } = await staffWithPasskey();
    const { response, context } = await passkeySignIn(device);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/moderation");
    const cookie = cookieOf(response)!;
    expect((await respond(queue.loader, getAs("/moderation", cookie, {}, context))).status).toBe(200);
    const row = await getDb().selectFrom("staff_passkeys").selectAll().where("staff_id", "=", staff.id).executeTakeFirstOrThrow();
    expect(row.counter).toBe(1);
    expect(row.last_used_at).not.toBeNull();
    const sessions = await getDb().selectFrom("staff_sessions").select(["passkey", "stage"]).where("staff_id", "=", staff.id).execute();
    expect(sessions).toContainEqual({ passkey: 1, stage: "full" });
    const audit = (await auditRows("auth.sign_in", staff.id)).at(-1)!;
    expect(audit).toMatchObject({ actor: `staff:${staff.id}`, reason: "passkey" });
    expect(JSON.parse(audit.after_json!)).toEqual({ passkey: `Key of ${staff.name}`, counter: 1, backed_up: false });
  });

  it("[replay] refuses the same answer a second time", async () => {
    const { staff, device } = await staffWithPasskey();
    const first = await passkeySignIn(device);
    expect(first.response.status).toBe(303);
    const before = await refusedSoFar();
    const replay = await answer(first.credential, first.context);
    await expectRefused(replay, { staffId: null, reason: /^sign-in: replayed or unknown challenge$/, message: /already used/ }, before);
    expect(staff.id).toBeGreaterThan(0);
  });

  it("[other session] refuses an answer to a challenge another visitor asked for", async () => {
    const { device } = await staffWithPasskey();
    const victim = fresh();
    const options = await signInOptions(victim);
    const credential = device.get(options, TEST_ORIGIN);
    const before = await refusedSoFar();
    const stolen = await answer(credential, fresh());
    await expectRefused(stolen, { staffId: null, reason: /challenge of another session/, message: /another browser session/ }, before);
    // Left for its owner, who may still use it.
    expect((await answer(credential, victim)).status).toBe(303);
  });

  it("[expired] refuses an answer after the challenge's minutes are up", async () => {
    const { device } = await staffWithPasskey();
    const context = fresh();
    const options = await signInOptions(context);
    await getDb()
      .updateTable("webauthn_challenges")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("challenge", "=", options.challenge)
      .execute();
    const before = await refusedSoFar();
    const late = await answer(device.get(options, TEST_ORIGIN), context);
    await expectRefused(late, { staffId: null, reason: /expired challenge/, message: /expired/ }, before);
  });

  it("[origin] refuses an answer made on another origin, as a phishing page would relay it", async () => {
    const { device } = await staffWithPasskey();
    const context = fresh();
    const before = await refusedSoFar();
    const { response } = await passkeySignIn(device, context, { origin: "https://registry.test.evil.example" });
    await expectRefused(response, { staffId: null, reason: /wrong origin/, message: /another website/ }, before);
  });

  it("[RP ID] refuses an answer for another relying-party ID", async () => {
    const { device } = await staffWithPasskey();
    const before = await refusedSoFar();
    const { response } = await passkeySignIn(device, fresh(), { rpId: "evil.example" });
    await expectRefused(response, { staffId: null, reason: /wrong relying party ID/, message: /another website's passkey/ }, before);
  });

  it("[another user] refuses a passkey whose user handle names another account", async () => {
    const { staff, device } = await staffWithPasskey();
    const other = await staffWithPasskey();
    const otherHandle = other.device.credentials[0].userHandle;
    expect(otherHandle).not.toBe(device.credentials[0].userHandle);
    const before = await refusedSoFar();
    const { response } = await passkeySignIn(device, fresh(), { userHandle: otherHandle });
    await expectRefused(
      response,
      { staffId: staff.id, reason: /passkey of another account/, message: /belongs to another staff account/ },
      before,
    );
  });

  it("[counter] refuses an answer whose signature counter went back, as a copied passkey's would", async () => {
    const { staff, device } = await staffWithPasskey();
    for (let i = 0; i < 3; i++) expect((await passkeySignIn(device)).response.status).toBe(303);
    const before = await refusedSoFar();
    const { response } = await passkeySignIn(device, fresh(), { counter: 2 });
    await expectRefused(
      response,
      { staffId: staff.id, reason: /signature counter did not increase/, message: /counter went backwards/ },
      before,
    );
    const row = await getDb().selectFrom("staff_passkeys").select("counter").where("staff_id", "=", staff.id).executeTakeFirstOrThrow();
    expect(row.counter).toBe(3);
  });

  it("refuses an answer without user verification, a removed passkey, a forged signature and garbage", async () => {
    const { staff, device } = await staffWithPasskey();
    let before = await refusedSoFar();
    const unverified = await passkeySignIn(device, fresh(), { userVerified: false });
    await expectRefused(
      unverified.response,
      { staffId: staff.id, reason: /user not verified/, message: /PIN, fingerprint or face/ },
      before,
    );

    const context = fresh();
    const options = await signInOptions(context);
    const forged = device.get(options, TEST_ORIGIN);
    const signature = Buffer.from(forged.response.signature, "base64url");
    signature[signature.length - 1] ^= 0x01;
    before = await refusedSoFar();
    const bad = await answer({ ...forged, response: { ...forged.response, signature: signature.toString("base64url") } }, context);
    await expectRefused(bad, { staffId: staff.id, reason: /answer did not verify/, message: /did not verify/ }, before);

    for (const garbage of [
      "",
      "not json",
      "{}",
      JSON.stringify({ id: "x", rawId: "x", type: "public-key", response: {} }),
      "[".repeat(5000),
    ]) {
      before = await refusedSoFar();
      await expectRefused(
        await answer(garbage, fresh()),
        { staffId: null, reason: /unreadable answer/, message: /could not be read/ },
        before,
      );
    }

    await getDb().deleteFrom("staff_passkeys").where("staff_id", "=", staff.id).execute();
    before = await refusedSoFar();
    const removed = await passkeySignIn(device);
    await expectRefused(removed.response, { staffId: null, reason: /unknown passkey/, message: /not registered/ }, before);
  });

  it("refuses the passkey of a deactivated account", async () => {
    const { staff, device } = await staffWithPasskey();
    await getDb().updateTable("staff").set({ active: 0 }).where("id", "=", staff.id).execute();
    const before = await refusedSoFar();
    const { response } = await passkeySignIn(device);
    await expectRefused(response, { staffId: staff.id, reason: /account deactivated/, message: /not registered/ }, before);
  });

  it("counts refusals in the address's sign-in budget: the 11th attempt is a 429", async () => {
    const { device } = await staffWithPasskey();
    const context = fresh();
    for (let i = 0; i < 10; i++) {
      expect((await passkeySignIn(device, context, { userVerified: false })).response.status).toBe(401);
    }
    const limited = await passkeySignIn(device, context);
    expect(limited.response.status).toBe(429);
    expect(Number(limited.response.headers.get("Retry-After"))).toBeGreaterThan(0);
  });
});

describe("a passkey as the second step after a password", () => {
  async function passwordStep(staff: TestStaff, context: AppLoadContext) {
    const response = await respond(login.action, formPost("/login", { email: staff.email, password: staff.password }, { context }));
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/login?redirectTo=%2Fmoderation");
    return cookieOf(response)!;
  }

  it("asks for one of the account's passkeys; the half-signed-in session opens nothing until then", async () => {
    const { staff, device } = await staffWithPasskey();
    const context = fresh();
    const waiting = await passwordStep(staff, context);
    expect((await respond(queue.loader, getAs("/moderation", waiting))).status).toBe(303);
    const page = await (await respond(login.loader, getAs("/login", waiting, {}, context))).json();
    expect(page).toMatchObject({ step: "code", methods: { totp: false, passkey: true } });
    const options = await signInOptions(context, waiting);
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([device.credentials[0].id]);
    const response = await answer(device.get(options, TEST_ORIGIN), context, waiting, "/moderation/audit");
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/moderation/audit");
    const full = cookieOf(response)!;
    expect(full).not.toBe(waiting);
    expect((await respond(queue.loader, getAs("/moderation", full))).status).toBe(200);
    expect((await respond(queue.loader, getAs("/moderation", waiting))).status).toBe(303);
    expect((await auditRows("auth.sign_in", staff.id)).at(-1)!.reason).toBe("password and passkey");
  });

  it("[another user] refuses another account's passkey at this account's second step", async () => {
    const { staff } = await staffWithPasskey();
    const intruder = await staffWithPasskey();
    const context = fresh();
    const waiting = await passwordStep(staff, context);
    const options = await signInOptions(context, waiting);
    const before = await refusedSoFar();
    // The intruder's authenticator answers with its own credential, whatever the options allowed.
    const credential = intruder.device.get(options, TEST_ORIGIN, { credentialId: intruder.device.credentials[0].id });
    const response = await answer(credential, context, waiting);
    await expectRefused(
      response,
      { staffId: staff.id, reason: /^second step: passkey of another account$/, message: /another staff account/ },
      before,
    );
    // Still at the second step: the password stays right.
    expect((await respond(login.loader, getAs("/login", waiting, {}, context))).status).toBe(200);
  });

  it("[other session] refuses the answer to the second-step challenge of another session", async () => {
    const { staff, device } = await staffWithPasskey();
    const context = fresh();
    const first = await passwordStep(staff, context);
    const options = await signInOptions(context, first);
    const second = await passwordStep(staff, context);
    const before = await refusedSoFar();
    const response = await answer(device.get(options, TEST_ORIGIN), context, second);
    await expectRefused(
      response,
      { staffId: staff.id, reason: /challenge of another session/, message: /another browser session/ },
      before,
    );
  });

  it("offers both, and recovery codes keep working, for an account with an authenticator app too", async () => {
    const { staff, cookie } = await staffWithPasskey();
    const page = await (await respond(account.loader, getAs("/account", cookie))).json();
    const secret = unsealEnrolment(page.enrolment.sealed, staff.id)!;
    const enrolled = await respond(
      account.action,
      postAs(
        "/account",
        { intent: "enrol", sealed: page.enrolment.sealed, code: await currentTotp(secret), reauth: staff.password },
        cookie,
      ),
    );
    expect(enrolled.status).toBe(200);
    const { recoveryCodes } = await enrolled.json();
    const context = fresh();
    const waiting = await passwordStep(staff, context);
    const step = await (await respond(login.loader, getAs("/login", waiting, {}, context))).json();
    expect(step.methods).toEqual({ totp: true, passkey: true });
    const recovered = await respond(login.action, postAs("/login", { intent: "code", code: recoveryCodes[0] }, waiting, { context }));
    expect(recovered.status).toBe(303);
    expect((await auditRows("auth.sign_in", staff.id)).at(-1)!.reason).toBe("password and recovery code");
  });
});

describe("removing a passkey", () => {
  it("needs the owner's proof; removes it and audits it", async () => {
    const { staff, cookie } = await staffWithPasskey();
    const id = (await getDb().selectFrom("staff_passkeys").select("id").where("staff_id", "=", staff.id).executeTakeFirstOrThrow()).id;
    const remove = (reauth: string, passkeyId = String(id)) =>
      respond(account.action, postAs("/account", { intent: "passkey_remove", passkey_id: passkeyId, reauth }, cookie));
    const wrong = await remove("wrong password for this");
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).errors.reauth).toMatch(/not your password/);
    expect((await auditRows("auth.reauth_failed", staff.id)).at(-1)!.reason).toBe("wrong proof when removing a passkey");
    // Someone else's passkey is not found, whatever the proof.
    const other = await staffWithPasskey();
    const theirs = (
      await getDb().selectFrom("staff_passkeys").select("id").where("staff_id", "=", other.staff.id).executeTakeFirstOrThrow()
    ).id;
    expect((await remove(staff.password, String(theirs))).status).toBe(404);
    const removed = await remove(staff.password);
    expect(removed.status).toBe(303);
    expect(removed.headers.get("Location")).toBe("/account?done=passkey-removed");
    expect(await getDb().selectFrom("staff_passkeys").select("id").where("staff_id", "=", staff.id).execute()).toEqual([]);
    const audit = (await auditRows("auth.passkey_removed", staff.id)).at(-1)!;
    expect(JSON.parse(audit.before_json!)).toMatchObject({ passkey: `Key of ${staff.name}` });
  });

  it("keeps the last passkey STAFF_MFA requires", async () => {
    const { staff, cookie } = await staffWithPasskey();
    const id = String(
      (await getDb().selectFrom("staff_passkeys").select("id").where("staff_id", "=", staff.id).executeTakeFirstOrThrow()).id,
    );
    for (const mode of ["passkey", "required"]) {
      process.env.STAFF_MFA = mode;
      resetEnvForTests();
      const response = await respond(
        account.action,
        postAs("/account", { intent: "passkey_remove", passkey_id: id, reauth: staff.password }, cookie),
      );
      expect(response.status, mode).toBe(409);
      expect((await response.json()).message).toMatch(/before you remove this one/);
    }
  });
});

describe("STAFF_MFA=passkey", () => {
  it("leads an account without a passkey to add one after signing in with its password, then lets it in", async () => {
    process.env.STAFF_MFA = "passkey";
    resetEnvForTests();
    const staff = await createStaffUser(getDb());
    const context = fresh();
    const signedIn = await respond(login.action, formPost("/login", { email: staff.email, password: staff.password }, { context }));
    expect(signedIn.status).toBe(303);
    const cookie = cookieOf(signedIn)!;
    const queued = await respond(queue.loader, getAs("/moderation", cookie));
    expect(queued.status).toBe(303);
    expect(queued.headers.get("Location")).toBe("/account?passkey=required");
    const page = await (await respond(account.loader, getAs("/account", cookie))).json();
    expect(page.passkeyRequired).toBe(true);
    expect(page.passkeys).toEqual([]);
    const device = new SoftAuthenticator();
    expect((await addPasskey(cookie, device)).status).toBe(303);
    // The session that added it goes on; the next sign-in is with the passkey.
    expect((await respond(queue.loader, getAs("/moderation", cookie))).status).toBe(200);
    const { response } = await passkeySignIn(device);
    expect(response.status).toBe(303);
  });

  it("no longer lets a password and an authenticator code in for an account with a passkey", async () => {
    const { staff, cookie } = await staffWithPasskey();
    const page = await (await respond(account.loader, getAs("/account", cookie))).json();
    const secret = unsealEnrolment(page.enrolment.sealed, staff.id)!;
    const code = await currentTotp(secret);
    expect(
      (
        await respond(
          account.action,
          postAs("/account", { intent: "enrol", sealed: page.enrolment.sealed, code, reauth: staff.password }, cookie),
        )
      ).status,
    ).toBe(200);
    process.env.STAFF_MFA = "passkey";
    resetEnvForTests();
    const context = fresh();
    const waiting = cookieOf(
      await respond(login.action, formPost("/login", { email: staff.email, password: staff.password }, { context })),
    )!;
    const step = await (await respond(login.loader, getAs("/login", waiting, {}, context))).json();
    expect(step.methods).toEqual({ totp: false, passkey: true });
    const totp = await respond(login.action, postAs("/login", { intent: "code", code: "123456" }, waiting, { context }));
    expect(totp.status).toBe(401);
    expect((await totp.json()).errors.code).toMatch(/asks for your passkey/);
    // A session that no passkey opened (from before the setting) ends at its next request.
    const old = await sessionCookie(getDb(), staff.id);
    const refused = await respond(queue.loader, getAs("/moderation", old.cookie));
    expect(refused.status).toBe(303);
    expect(refused.headers.get("Location")).toBe("/login?redirectTo=%2Fmoderation");
    expect(
      await getDb().selectFrom("staff_sessions").select("id_hash").where("id_hash", "=", old.idHash).executeTakeFirst(),
    ).toBeUndefined();
    const byPasskey = await sessionCookie(getDb(), staff.id, { passkey: true });
    expect((await respond(queue.loader, getAs("/moderation", byPasskey.cookie))).status).toBe(200);
  });

  it("STAFF_MFA=required takes a passkey as the second factor", async () => {
    process.env.STAFF_MFA = "required";
    resetEnvForTests();
    const staff = await createStaffUser(getDb());
    const { cookie } = await sessionCookie(getDb(), staff.id);
    expect((await respond(queue.loader, getAs("/moderation", cookie))).headers.get("Location")).toBe("/account?mfa=required");
    expect((await addPasskey(cookie, new SoftAuthenticator())).status).toBe(303);
    expect((await respond(queue.loader, getAs("/moderation", cookie))).status).toBe(200);
  });
});

describe("an administrator resets a staff member's sign-in factors", () => {
  it("removes the passkeys, the app and the recovery codes, ends the sessions, and audits it", async () => {
    const admin = await createStaffUser(getDb(), { role: "admin" });
    const adminCookie = (await sessionCookie(getDb(), admin.id)).cookie;
    const { staff, device, cookie } = await staffWithPasskey();
    const list = await (await respond(adminUsers.loader, getAs("/admin/users", adminCookie))).json();
    expect(list.staff.find((s: { id: number }) => s.id === staff.id)).toMatchObject({ passkeys: 1 });

    // Moderators cannot, and an admin cannot reset their own here.
    const moderatorCookie = (await sessionCookie(getDb(), (await createStaffUser(getDb())).id)).cookie;
    expect(
      (
        await respond(
          adminUsers.action,
          postAs("/admin/users", { intent: "reset_authenticators", staff_id: String(staff.id) }, moderatorCookie),
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await respond(
          adminUsers.action,
          postAs("/admin/users", { intent: "reset_authenticators", staff_id: String(admin.id) }, adminCookie),
        )
      ).status,
    ).toBe(400);

    const response = await respond(
      adminUsers.action,
      postAs("/admin/users", { intent: "reset_authenticators", staff_id: String(staff.id) }, adminCookie),
    );
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/admin/users?done=reset");
    expect(await getDb().selectFrom("staff_passkeys").select("id").where("staff_id", "=", staff.id).execute()).toEqual([]);
    expect(await getDb().selectFrom("staff_sessions").select("id_hash").where("staff_id", "=", staff.id).execute()).toEqual([]);
    expect((await respond(queue.loader, getAs("/moderation", cookie))).status).toBe(303);
    const audit = (await auditRows("staff.authenticators_reset", staff.id)).at(-1)!;
    expect(audit.actor).toBe(`staff:${admin.id}`);
    expect(JSON.parse(audit.before_json!)).toMatchObject({ passkeys: 1, totp: false });
    expect(JSON.parse(audit.after_json!)).toMatchObject({ passkeys: 0, totp: false, sessions_ended: 1 });
    // The old passkey no longer signs in; a second reset has nothing to do.
    expect((await passkeySignIn(device)).response.status).toBe(401);
    expect(
      (
        await respond(
          adminUsers.action,
          postAs("/admin/users", { intent: "reset_authenticators", staff_id: String(staff.id) }, adminCookie),
        )
      ).status,
    ).toBe(409);
  });
});

describe("the passkey endpoints", () => {
  it("refuse a forged form (403) and answer GET with a redirect, never a 5xx", async () => {
    const { cookie } = await staffWithPasskey();
    expect((await respond(loginPasskey.action, formPost("/login/passkey", {}, { context: fresh(), csrf: null }))).status).toBe(403);
    expect(
      (await respond(loginPasskey.action, formPost("/login/passkey", {}, { context: fresh(), origin: "https://evil.example" }))).status,
    ).toBe(403);
    expect((await respond(accountPasskey.action, postAs("/account/passkey", {}, cookie, { csrf: "A".repeat(43) }))).status).toBe(403);
    // Without a session, adding a passkey starts at the sign-in page.
    const anonymous = await respond(accountPasskey.action, postAs("/account/passkey", {}, null));
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("Location")).toMatch(/^\/login\?redirectTo=/);
    expect((await respond(loginPasskey.loader, getAs("/login/passkey", null))).headers.get("Location")).toBe("/login");
  });

  it("say so when PUBLIC_URL is an IP address, which cannot be a relying party", async () => {
    process.env.PUBLIC_URL = "http://192.0.2.10";
    resetEnvForTests();
    const response = await respond(loginPasskey.action, formPost("/login/passkey", {}, { context: fresh(), origin: "http://192.0.2.10" }));
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/domain name/);
  });
});

describe("the audit trail of all this", () => {
  it("chains every entry", async () => {
    expect((await verifyAuditChain(getDb())).ok).toBe(true);
  });
});
