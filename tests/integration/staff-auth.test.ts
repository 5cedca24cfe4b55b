// Staff sign-in, sessions, throttling, the second factor and sign-out, through the real
// route actions and loaders with real Requests. Catalogue ids in brackets.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { verifyAuditChain } from "~/modules/audit/audit.server";
import { currentTotp, decryptTotpSecret, unsealEnrolment } from "~/modules/auth/mfa.server";
import { passwordProblem } from "~/modules/auth/password-policy.server";
import * as passwords from "~/modules/auth/password.server";
import { safeRedirect } from "~/modules/auth/redirect";
import { hashSessionId } from "~/modules/auth/session.server";
import { resetEnvForTests } from "~/utils/env.server";
import * as account from "~/routes/account";
import * as adminUsers from "~/routes/admin.users";
import * as login from "~/routes/login";
import * as logout from "~/routes/logout";
import * as queue from "~/routes/moderation._index";
import { useSeededDatabase } from "../helpers/db";
import { formPost, loaderArgs, visitor } from "../helpers/remix";
import { PASSWORD, createStaffUser, getAs, postAs, respond, sessionCookie, type TestStaff } from "./staff-fixtures";

vi.mock("~/modules/auth/password.server", { spy: true });

const getDb = useSeededDatabase();

let ipCounter = 0;
/** A visitor from an address no other test uses (the limits count per address). */
const fresh = () => visitor(`192.0.2.${++ipCounter}`, `visitor-${ipCounter}`.padEnd(43, "v"));

async function signIn(email: string, password: string, context = fresh(), extra: Record<string, string> = {}) {
  return respond(login.action, formPost("/login", { email, password, ...extra }, { context }));
}

const cookieOf = (response: Response) => response.headers.get("Set-Cookie")?.split(";")[0] ?? null;

async function auditActions(action: string) {
  return getDb().selectFrom("audit_log").selectAll().where("action", "=", action).orderBy("id").execute();
}

let moderator: TestStaff;
let admin: TestStaff;
beforeAll(async () => {
  moderator = await createStaffUser(getDb());
  admin = await createStaffUser(getDb(), { role: "admin" });
});

afterEach(() => {
  vi.useRealTimers();
  vi.mocked(passwords.verifyPassword).mockClear();
  delete process.env.STAFF_MFA;
  process.env.PUBLIC_URL = "http://registry.test";
  resetEnvForTests();
});

describe("passwords [6.2.x, 11.4.2]", () => {
  it("stores argon2id with OWASP parameters; a changed byte fails", async () => {
    const row = await getDb().selectFrom("staff").select("password_hash").where("id", "=", moderator.id).executeTakeFirstOrThrow();
    expect(row.password_hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$")).toBe(true);
    expect(row.password_hash).not.toContain(PASSWORD);
    expect(await passwords.verifyPassword(row.password_hash, PASSWORD)).toBe(true);
    expect(await passwords.verifyPassword(row.password_hash, PASSWORD.replace("a", "b"))).toBe(false);
  });

  it("refuses short, common and dressed-up common passwords, and accepts long phrases of any characters", async () => {
    expect(await passwordProblem("short pw")).toMatch(/at least 12/);
    for (const weak of [
      "Password123",
      "Password1234",
      "Password123!",
      "p@ssw0rd2024!!",
      "qwertyuiop12",
      "aaaaaaaaaaaa",
      "123456789012",
      "letmeinletmein".slice(0, 7) + "00000",
    ]) {
      expect(await passwordProblem(weak), weak).not.toBeNull();
    }
    expect(await passwordProblem("maxwell tester rules", ["maxwell"])).toMatch(/name or e-mail/);
    const phrase = "the quick 🦊 jumps over ünïcode fences, 64 characters long ok!!!";
    expect(await passwordProblem(phrase)).toBeNull();
    const hash = await passwords.hashPassword(phrase);
    expect(await passwords.verifyPassword(hash, phrase)).toBe(true);
    expect(await passwordProblem("x".repeat(257))).toMatch(/at most 256/);
  });

  it("rehashes a password stored with older parameters at the next sign-in", async () => {
    const staff = await createStaffUser(getDb());
    const { hash } = await import("@node-rs/argon2");
    const old = await hash(PASSWORD, { algorithm: 2, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await getDb().updateTable("staff").set({ password_hash: old }).where("id", "=", staff.id).execute();
    expect((await signIn(staff.email, PASSWORD)).status).toBe(303);
    const row = await getDb().selectFrom("staff").select("password_hash").where("id", "=", staff.id).executeTakeFirstOrThrow();
    expect(row.password_hash.startsWith(passwords.HASH_PREFIX)).toBe(true);
  });
});

describe("signing in (CONTRACT §6, §7)", () => {
  it("shows the form with its token, uncached", async () => {
    const response = await respond(login.loader, loaderArgs("/login"));
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const data = await response.json();
    expect(data.step).toBe("password");
    expect(data.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("answers 303 to /moderation with a session cookie: HttpOnly, SameSite=Lax, Path=/, no Domain, not Secure over http [3.3.x]", async () => {
    const response = await signIn(moderator.email, moderator.password);
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/moderation");
    const setCookie = response.headers.get("Set-Cookie")!;
    expect(setCookie).toMatch(/^staff_session=[A-Za-z0-9_-]{43}; /);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Lax");
    expect(setCookie).toContain("Path=/");
    expect(setCookie).not.toMatch(/Domain=/i);
    expect(setCookie).not.toMatch(/Secure/);
    // Only the id's SHA-256 is stored; the cookie then opens the staff area.
    const id = cookieOf(response)!.split("=")[1];
    const rows = await getDb().selectFrom("staff_sessions").select("id_hash").where("staff_id", "=", moderator.id).execute();
    expect(rows.map((r) => r.id_hash)).toContain(hashSessionId(id));
    expect(rows.map((r) => r.id_hash)).not.toContain(id);
    expect((await respond(queue.loader, getAs("/moderation", cookieOf(response)))).status).toBe(200);
    const audit = await auditActions("auth.sign_in");
    expect(audit.at(-1)).toMatchObject({ actor: `staff:${moderator.id}`, actor_label: `${moderator.name} <${moderator.email}>` });
  });

  it("uses __Host- and Secure when PUBLIC_URL is https [3.3.1]", async () => {
    process.env.PUBLIC_URL = "https://registry.example";
    resetEnvForTests();
    const context = fresh();
    const response = await respond(
      login.action,
      formPost("/login", { email: moderator.email, password: moderator.password }, { context, origin: "https://registry.example" }),
    );
    expect(response.status).toBe(303);
    const setCookie = response.headers.get("Set-Cookie")!;
    expect(setCookie).toMatch(/^__Host-staff_session=[A-Za-z0-9_-]{43}; /);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toContain("Path=/");
    expect(setCookie).not.toMatch(/Domain=/i);
  });

  it("gives a new session id at every sign-in and ends the one the browser brought [7.2.4]", async () => {
    const first = cookieOf(await signIn(moderator.email, moderator.password))!;
    const second = await respond(
      login.action,
      postAs("/login", { email: moderator.email, password: moderator.password }, first, { context: fresh() }),
    );
    expect(second.status).toBe(303);
    expect(cookieOf(second)).not.toBe(first);
    // The old cookie no longer opens anything.
    const replay = await respond(queue.loader, getAs("/moderation", first));
    expect(replay.status).toBe(303);
    expect(replay.headers.get("Location")).toBe("/login?redirectTo=%2Fmoderation");
  });

  it("says the same for an unknown e-mail and a wrong password, after the same argon2 work [6.3.x]", async () => {
    const unknown = await signIn("nobody@registry.test", moderator.password);
    const unknownBody = await unknown.text();
    expect(vi.mocked(passwords.verifyPassword)).toHaveBeenCalledTimes(1);
    const dummy = vi.mocked(passwords.verifyPassword).mock.calls[0][0];
    const wrong = await signIn(moderator.email, "not the right password at all");
    const wrongBody = await wrong.text();
    expect(vi.mocked(passwords.verifyPassword)).toHaveBeenCalledTimes(2);
    const real = vi.mocked(passwords.verifyPassword).mock.calls[1][0];
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknownBody.replace("nobody@registry.test", "X")).toBe(wrongBody.replace(moderator.email, "X"));
    expect(JSON.parse(wrongBody).message).toBe("The e-mail address or password is not right.");
    // Unknown e-mail: verified against a real argon2id hash with the same parameters.
    expect(dummy).toBeNull();
    expect(real!.slice(0, 31)).toBe(passwords.HASH_PREFIX);
    expect(wrong.headers.get("Set-Cookie")).toBeNull();
    const failed = await auditActions("auth.sign_in_failed");
    expect(failed.slice(-2).map((e) => [e.target_id, e.reason])).toEqual([
      ["unknown", "unknown e-mail"],
      [String(moderator.id), "wrong password"],
    ]);
  });

  it("refuses a deactivated account with the same message", async () => {
    const gone = await createStaffUser(getDb());
    await getDb().updateTable("staff").set({ active: 0 }).where("id", "=", gone.id).execute();
    const response = await signIn(gone.email, gone.password);
    expect(response.status).toBe(401);
    expect((await response.json()).message).toBe("The e-mail address or password is not right.");
  });

  it("asks for missing fields with 400 and refuses a forged form with 403 [3.5.1]", async () => {
    const missing = await respond(login.action, formPost("/login", { email: moderator.email }, { context: fresh() }));
    expect(missing.status).toBe(400);
    expect((await missing.json()).errors.password).toBe("Password is required.");
    const noToken = await respond(
      login.action,
      formPost("/login", { email: moderator.email, password: PASSWORD }, { context: fresh(), csrf: null }),
    );
    expect(noToken.status).toBe(403);
    const otherVisitorsToken = await respond(
      login.action,
      formPost("/login", { email: moderator.email, password: PASSWORD, csrf: "A".repeat(43) }, { context: fresh() }),
    );
    expect(otherVisitorsToken.status).toBe(403);
    const crossSite = await respond(
      login.action,
      formPost("/login", { email: moderator.email, password: PASSWORD }, { context: fresh(), origin: "https://evil.example" }),
    );
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get("Set-Cookie")).toBeNull();
  });
});

describe("redirectTo stays on this site [3.7.2]", () => {
  it.each([
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "/\t/evil.example",
    " /moderation",
    "/login",
    "",
  ])("%j falls back to /moderation", async (target) => {
    expect(safeRedirect(target)).toBe("/moderation");
    const response = await signIn(moderator.email, moderator.password, fresh(), { redirectTo: target });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/moderation");
  });

  it("follows a local path, query included", async () => {
    const response = await signIn(moderator.email, moderator.password, fresh(), { redirectTo: "/moderation/applications/AR-42?x=1" });
    expect(response.headers.get("Location")).toBe("/moderation/applications/AR-42?x=1");
  });

  it("sends a visitor without a session to /login with the page to come back to", async () => {
    const response = await respond(queue.loader, getAs("/moderation?status=approved", null));
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/login?redirectTo=%2Fmoderation%3Fstatus%3Dapproved");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });
});

describe("throttling failed sign-ins [6.3.1, 2.4.1]", () => {
  it("answers the 11th failed attempt from one address with 429 and Retry-After, and records it once", async () => {
    const context = fresh();
    for (let i = 1; i <= 10; i++) {
      const response = await signIn(`someone-${i}@registry.test`, "wrong password number one", context);
      expect(response.status, `attempt ${i}`).toBe(401);
    }
    const before = (await auditActions("auth.rate_limited")).length;
    const eleventh = await signIn("someone-11@registry.test", "wrong password number one", context);
    expect(eleventh.status).toBe(429);
    expect(Number(eleventh.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await eleventh.json()).message).toMatch(/Too many failed sign-ins. Try again in \d+ minutes?\./);
    // Even the right password waits: the address is refused, not the password checked.
    const right = await signIn(moderator.email, moderator.password, context);
    expect(right.status).toBe(429);
    expect(right.headers.get("Set-Cookie")).toBeNull();
    const limited = await auditActions("auth.rate_limited");
    expect(limited.length).toBe(before + 1); // one per address per window
    expect(limited.at(-1)!.ip).toBe(context.clientIp);
  });

  it("limits one account from one address, and lets the right password in after the window [6.1.1]", async () => {
    const target = await createStaffUser(getDb());
    const context = fresh();
    for (let i = 1; i <= 10; i++) {
      expect((await signIn(target.email, `guess number ${i} wrong`, context)).status).toBe(401);
    }
    expect((await signIn(target.email, target.password, context)).status).toBe(429);
    // 15 minutes later the failures have left the window: no permanent lock-out.
    const shifted = 15 * 60 * 1000 + 1000;
    await getDb()
      .updateTable("rate_limit_hits")
      .set((eb) => ({ at_ms: eb("at_ms", "-", shifted) }))
      .where("key", "in", [context.clientIp, `${target.email} ${context.clientIp}`])
      .execute();
    const later = await signIn(target.email, target.password, context);
    expect(later.status).toBe(303);
  });
});

describe("sessions end [7.3.x, 7.4.x]", () => {
  async function setTimes(idHash: string, createdAgoMs: number, seenAgoMs: number) {
    const now = Date.now();
    await getDb()
      .updateTable("staff_sessions")
      .set({ created_at: new Date(now - createdAgoMs).toISOString(), last_seen_at: new Date(now - seenAgoMs).toISOString() })
      .where("id_hash", "=", idHash)
      .execute();
  }
  const open = (cookie: string) => respond(queue.loader, getAs("/moderation", cookie));
  const min = 60 * 1000;
  const hour = 60 * min;

  it("after 2 hours idle", async () => {
    const { cookie, idHash } = await sessionCookie(getDb(), moderator.id);
    await setTimes(idHash, 3 * hour, 2 * hour - min);
    expect((await open(cookie)).status).toBe(200);
    // That request restarted the idle clock.
    const seen = await getDb().selectFrom("staff_sessions").select("last_seen_at").where("id_hash", "=", idHash).executeTakeFirstOrThrow();
    expect(Date.now() - Date.parse(seen.last_seen_at)).toBeLessThan(min);
    await setTimes(idHash, 3 * hour, 2 * hour + min);
    const expired = await open(cookie);
    expect(expired.status).toBe(303);
    expect(expired.headers.get("Location")).toMatch(/^\/login\?redirectTo=/);
    expect(expired.headers.get("Set-Cookie")).toMatch(/^staff_session=; .*Max-Age=0/);
    expect(await getDb().selectFrom("staff_sessions").select("id_hash").where("id_hash", "=", idHash).executeTakeFirst()).toBeUndefined();
  });

  it("12 hours after signing in, however active", async () => {
    const { cookie, idHash } = await sessionCookie(getDb(), moderator.id);
    await setTimes(idHash, 12 * hour - min, 0);
    expect((await open(cookie)).status).toBe(200);
    await setTimes(idHash, 12 * hour + min, 0);
    expect((await open(cookie)).status).toBe(303);
  });

  it("at sign-out: the row goes, and the old cookie replayed leads to /login", async () => {
    const { cookie, idHash } = await sessionCookie(getDb(), moderator.id);
    const response = await respond(logout.action, postAs("/logout", {}, cookie));
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/login");
    expect(response.headers.get("Set-Cookie")).toMatch(/^staff_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0/);
    expect(await getDb().selectFrom("staff_sessions").select("id_hash").where("id_hash", "=", idHash).executeTakeFirst()).toBeUndefined();
    const replay = await open(cookie);
    expect(replay.status).toBe(303);
    expect(replay.headers.get("Location")).toBe("/login?redirectTo=%2Fmoderation");
    expect((await auditActions("auth.sign_out")).at(-1)).toMatchObject({ actor: `staff:${moderator.id}` });
    // Signing out needs the form token too.
    const forged = await respond(logout.action, postAs("/logout", {}, cookie, { csrf: null }));
    expect(forged.status).toBe(403);
  });

  it("when the account is deactivated: all its sessions, at once [7.4.2]", async () => {
    const leaving = await createStaffUser(getDb());
    const phone = await sessionCookie(getDb(), leaving.id);
    const laptop = await sessionCookie(getDb(), leaving.id);
    const adminSession = await sessionCookie(getDb(), admin.id);
    const response = await respond(
      adminUsers.action,
      postAs("/admin/users", { intent: "deactivate", staff_id: String(leaving.id) }, adminSession.cookie),
    );
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/admin/users?done=deactivated");
    expect(await getDb().selectFrom("staff_sessions").select("id_hash").where("staff_id", "=", leaving.id).execute()).toEqual([]);
    for (const s of [phone, laptop]) expect((await open(s.cookie)).status).toBe(303);
    const audit = (await auditActions("staff.deactivate")).at(-1)!;
    expect(audit).toMatchObject({ actor: `staff:${admin.id}`, target_type: "staff", target_id: String(leaving.id) });
    expect(JSON.parse(audit.after_json!)).toEqual({ active: false, sessions_ended: 2 });
  });
});

describe("the second factor (TOTP, recovery codes)", () => {
  async function enrol(staff: TestStaff, cookie?: string) {
    cookie ??= (await sessionCookie(getDb(), staff.id)).cookie;
    const page = await (await respond(account.loader, getAs("/account", cookie))).json();
    expect(page.mfaEnrolled).toBe(false);
    expect(page.enrolment.qr).toMatch(/^data:image\/svg\+xml;base64,/);
    const secret = unsealEnrolment(page.enrolment.sealed, staff.id)!;
    expect(page.enrolment.secretText.replace(/ /g, "")).toBe(secret);
    const wrong = await respond(
      account.action,
      postAs("/account", { intent: "enrol", sealed: page.enrolment.sealed, code: "000000" }, cookie),
    );
    expect(wrong.status).toBe(400);
    const wrongData = await wrong.json();
    expect(wrongData.errors.code).toMatch(/not right/);
    // The same QR code stays on the page after a wrong code.
    expect(unsealEnrolment(wrongData.enrolment.sealed, staff.id)).toBe(secret);
    const response = await respond(
      account.action,
      postAs("/account", { intent: "enrol", sealed: page.enrolment.sealed, code: await currentTotp(secret) }, cookie),
    );
    expect(response.status).toBe(200);
    const { recoveryCodes } = await response.json();
    return { secret, recoveryCodes: recoveryCodes as string[], cookie };
  }

  it("enrols with a code from the app; the secret is stored encrypted and the recovery codes hashed", async () => {
    const staff = await createStaffUser(getDb());
    const { secret, recoveryCodes } = await enrol(staff);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const row = await getDb().selectFrom("staff").selectAll().where("id", "=", staff.id).executeTakeFirstOrThrow();
    expect(row.totp_secret).not.toContain(secret);
    expect(decryptTotpSecret(row.totp_secret!)).toBe(secret);
    const stored = await getDb().selectFrom("staff_recovery_codes").select("code_hash").where("staff_id", "=", staff.id).execute();
    expect(stored).toHaveLength(10);
    for (const code of recoveryCodes) expect(stored.map((s) => s.code_hash)).not.toContain(code);
    expect((await auditActions("auth.mfa_enrolled")).at(-1)).toMatchObject({ actor: `staff:${staff.id}` });
    // A sealed enrolment form is bound to its account.
    const other = await createStaffUser(getDb());
    expect(
      unsealEnrolment(
        (await (await respond(account.loader, getAs("/account", (await sessionCookie(getDb(), staff.id)).cookie))).json()).enrolment.sealed,
        other.id,
      ),
    ).toBeNull();
  });

  it("asks for the code after the password; the half-signed-in session opens nothing", async () => {
    const staff = await createStaffUser(getDb());
    const { secret, recoveryCodes } = await enrol(staff);
    const context = fresh();
    const step1 = await signIn(staff.email, staff.password, context, { redirectTo: "/moderation/audit" });
    expect(step1.status).toBe(303);
    expect(step1.headers.get("Location")).toBe("/login?redirectTo=%2Fmoderation%2Faudit");
    const waiting = cookieOf(step1)!;
    expect((await respond(queue.loader, getAs("/moderation", waiting))).status).toBe(303);
    expect((await (await respond(login.loader, getAs("/login", waiting))).json()).step).toBe("code");

    const bad = await respond(
      login.action,
      postAs("/login", { intent: "code", code: "123456", redirectTo: "/moderation/audit" }, waiting, { context }),
    );
    expect(bad.status).toBe(401);
    // The enrolment used this 30-second step's code: a sign-in takes the next one.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 30_000 });
    const code = await currentTotp(secret);
    const step2 = await respond(
      login.action,
      postAs("/login", { intent: "code", code, redirectTo: "/moderation/audit" }, waiting, { context }),
    );
    expect(step2.status).toBe(303);
    expect(step2.headers.get("Location")).toBe("/moderation/audit");
    const full = cookieOf(step2)!;
    expect(full).not.toBe(waiting);
    vi.useRealTimers();
    expect((await respond(queue.loader, getAs("/moderation", full))).status).toBe(200);
    expect((await respond(queue.loader, getAs("/moderation", waiting))).status).toBe(303);

    // The same code a second time is refused (replay), a recovery code works once.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 30_000 });
    const again = cookieOf(await signIn(staff.email, staff.password, context))!;
    expect((await respond(login.action, postAs("/login", { intent: "code", code }, again, { context }))).status).toBe(401);
    vi.useRealTimers();
    const recovered = await respond(
      login.action,
      postAs("/login", { intent: "code", code: recoveryCodes[0].toUpperCase() }, again, { context }),
    );
    expect(recovered.status).toBe(303);
    const third = cookieOf(await signIn(staff.email, staff.password, context))!;
    expect((await respond(login.action, postAs("/login", { intent: "code", code: recoveryCodes[0] }, third, { context }))).status).toBe(
      401,
    );
    const reasons = (await auditActions("auth.sign_in")).filter((e) => e.actor === `staff:${staff.id}`).map((e) => e.reason);
    expect(reasons).toEqual(["password and authenticator code", "password and recovery code"]);
  });

  it("with STAFF_MFA=required, sends an account without a second factor to enrol first", async () => {
    process.env.STAFF_MFA = "required";
    resetEnvForTests();
    const staff = await createStaffUser(getDb());
    const { cookie } = await sessionCookie(getDb(), staff.id);
    const response = await respond(queue.loader, getAs("/moderation", cookie));
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/account?mfa=required");
    const page = await respond(account.loader, getAs("/account", cookie));
    expect(page.status).toBe(200);
    expect((await page.json()).mfaRequired).toBe(true);
    const other = await sessionCookie(getDb(), staff.id);
    await enrol(staff, cookie);
    expect((await respond(queue.loader, getAs("/moderation", cookie))).status).toBe(200);
    // Sessions opened without the new factor end with the enrolment.
    expect((await respond(queue.loader, getAs("/moderation", other.cookie))).status).toBe(303);
  });
});

describe("the audit trail of all this", () => {
  it("chains every entry", async () => {
    const check = await verifyAuditChain(getDb());
    expect(check.ok).toBe(true);
    expect(check.count).toBeGreaterThan(20);
  });
});
