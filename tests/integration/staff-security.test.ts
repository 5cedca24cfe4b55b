// The staff sign-in and account findings of the security review, each proved through the
// real loaders and actions with real Requests. Finding ids and ASVS 5.0 ids in brackets.
import { createHash } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";
import { appendAudit } from "~/modules/audit/audit.server";
import { currentTotp, unsealEnrolment } from "~/modules/auth/mfa.server";
import * as passwords from "~/modules/auth/password.server";
import { getEnv, resetEnvForTests } from "~/utils/env.server";
import { log } from "~/utils/log.server";
import * as account from "~/routes/account";
import * as adminUsers from "~/routes/admin.users";
import * as audit from "~/routes/moderation.audit";
import * as login from "~/routes/login";
import * as queue from "~/routes/moderation._index";
import { useSeededDatabase } from "../helpers/db";
import { formPost, visitor } from "../helpers/remix";
import { createStaffUser, getAs, postAs, respond, sessionCookie, type TestStaff } from "./staff-fixtures";

vi.mock("~/modules/auth/password.server", { spy: true });

const getDb = useSeededDatabase();

let ipCounter = 0;
/** A visitor from an address no other test uses (the limits count per address). */
const fresh = () => visitor(`198.18.0.${++ipCounter}`, `security-${ipCounter}`.padEnd(43, "s"));

async function signIn(email: string, password: string, context = fresh(), extra: Record<string, string> = {}) {
  return respond(login.action, formPost("/login", { email, password, ...extra }, { context }));
}

const cookieOf = (response: Response) => response.headers.get("Set-Cookie")?.split(";")[0] ?? null;

async function auditRows(action: string) {
  return getDb().selectFrom("audit_log").selectAll().where("action", "=", action).orderBy("id").execute();
}

const sha256 = (code: string) =>
  createHash("sha256")
    .update(code.toLowerCase().replace(/[^a-z0-9]/g, ""))
    .digest("hex");

/** Enrols an authenticator for the account through /account; returns the secret and the codes shown. */
async function enrol(staff: TestStaff, cookie: string) {
  const page = await (await respond(account.loader, getAs("/account", cookie))).json();
  const secret = unsealEnrolment(page.enrolment.sealed, staff.id)!;
  const response = await respond(
    account.action,
    postAs("/account", { intent: "enrol", sealed: page.enrolment.sealed, code: await currentTotp(secret) }, cookie),
  );
  expect(response.status).toBe(200);
  return { secret, recoveryCodes: (await response.json()).recoveryCodes as string[] };
}

let admin: TestStaff;
let adminCookie: string;
beforeAll(async () => {
  admin = await createStaffUser(getDb(), { role: "admin" });
  adminCookie = (await sessionCookie(getDb(), admin.id)).cookie;
});

afterEach(() => {
  vi.useRealTimers();
  vi.mocked(passwords.verifyPassword).mockClear();
  delete process.env.STAFF_MFA;
  delete process.env.LOGIN_LIMIT_PER_15MIN;
  resetEnvForTests();
});

describe("sign-in budgets", () => {
  it("[M4] failures from one address do not lock the account out for other addresses; the account's saturation is logged once per window [ASVS 6.3.1, 16.3.1]", async () => {
    const target = await createStaffUser(getDb());
    const warn = vi.spyOn(log, "warn");
    onTestFinished(() => warn.mockRestore());
    const attacker = fresh();
    for (let i = 1; i <= 10; i++) {
      expect((await signIn(target.email, `guess number ${i} is wrong`, attacker)).status, `attempt ${i}`).toBe(401);
    }
    // The attacker's address has spent its budget for this account, even with the right password.
    const attackerRight = await signIn(target.email, target.password, attacker);
    expect(attackerRight.status).toBe(429);
    expect(attackerRight.headers.get("Set-Cookie")).toBeNull();
    // The owner, from an address with no failures, still gets in.
    const owner = await signIn(target.email, target.password, fresh());
    expect(owner.status).toBe(303);
    expect(owner.headers.get("Location")).toBe("/moderation");
    // More failures from other addresses: still one warning for the window.
    for (let i = 1; i <= 3; i++) expect((await signIn(target.email, `another wrong guess ${i}`, fresh())).status).toBe(401);
    const saturated = warn.mock.calls.filter(([entry]) => (entry as { event?: string }).event === "sign_in_account_saturated");
    expect(saturated).toHaveLength(1);
    expect(saturated[0][0]).toMatchObject({ event: "sign_in_account_saturated", staffId: target.id });
  });

  it("[M4] the right code from a clean address passes the second step while another address has spent its budget on it [ASVS 6.3.1]", async () => {
    const staff = await createStaffUser(getDb());
    const { cookie } = await sessionCookie(getDb(), staff.id);
    const { secret } = await enrol(staff, cookie);
    const attacker = fresh();
    const waiting = cookieOf(await signIn(staff.email, staff.password, attacker))!;
    for (let i = 0; i < 10; i++) {
      expect(
        (await respond(login.action, postAs("/login", { intent: "code", code: "000000" }, waiting, { context: attacker }))).status,
      ).toBe(401);
    }
    const owner = fresh();
    const ownerWaiting = cookieOf(await signIn(staff.email, staff.password, owner))!;
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 30_000 });
    const step2 = await respond(
      login.action,
      postAs("/login", { intent: "code", code: await currentTotp(secret) }, ownerWaiting, { context: owner }),
    );
    expect(step2.status).toBe(303);
    expect(step2.headers.get("Location")).toBe("/moderation");
  });

  it("[L5] an address over its budget adds one auth.rate_limited entry per window, whatever e-mails it tries, without the typed e-mail in the reason [ASVS 16.2.5]", async () => {
    const context = fresh();
    for (let i = 1; i <= 10; i++) expect((await signIn(`spray-${i}@registry.test`, "wrong password number one", context)).status).toBe(401);
    const before = (await auditRows("auth.rate_limited")).length;
    for (let i = 11; i <= 15; i++)
      expect((await signIn(`spray-${i}@registry.test`, "wrong password number one", context)).status).toBe(429);
    const rows = await auditRows("auth.rate_limited");
    expect(rows.length).toBe(before + 1);
    const row = rows.at(-1)!;
    expect(row.ip).toBe(context.clientIp);
    expect(row.reason).not.toMatch(/spray|@/);
    expect(row.before_json ?? "").not.toMatch(/spray/);
    expect(row.after_json ?? "").not.toMatch(/spray/);
  });

  it("[budget] holds under parallel attempts: of 10 wrong passwords at once from one address, at most LOGIN_LIMIT_PER_15MIN are checked [ASVS 6.3.1, 2.4.1]", async () => {
    process.env.LOGIN_LIMIT_PER_15MIN = "3";
    resetEnvForTests();
    const staff = await createStaffUser(getDb());
    const context = fresh();
    vi.mocked(passwords.verifyPassword).mockClear();
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => signIn(staff.email, `parallel wrong guess ${i}`, context)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(3);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(7);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect(vi.mocked(passwords.verifyPassword).mock.calls.length).toBeLessThanOrEqual(3);
    // Successes spend no budget: three right passwords in a row from a fresh address, then three wrong ones still count as three.
    const owner = fresh();
    for (let i = 0; i < 3; i++) expect((await signIn(staff.email, staff.password, owner)).status).toBe(303);
    for (let i = 0; i < 3; i++) expect((await signIn(staff.email, `wrong again ${i}`, owner)).status).toBe(401);
    expect((await signIn(staff.email, "and once more wrong", owner)).status).toBe(429);
  });
});

describe("who sees what was typed at failed sign-ins", () => {
  it("[admin-only] moderators see the e-mails typed at failed sign-ins redacted, admins see them [ASVS 16.2.5, 8.2.2]", async () => {
    const typed = "typed-by-someone@elsewhere.example";
    await getDb()
      .transaction()
      .execute((trx) =>
        appendAudit(trx, {
          actor: "anonymous",
          actorLabel: "Not signed in",
          ip: "198.51.100.77",
          action: "auth.rate_limited",
          targetType: "login",
          targetId: typed,
          reason: "too many failed sign-ins; refused for 900 s",
        }),
      );
    const moderator = await createStaffUser(getDb());
    const { cookie } = await sessionCookie(getDb(), moderator.id);
    const asModerator = await respond(audit.loader, getAs("/moderation/audit?action=auth.rate_limited", cookie));
    expect(asModerator.status).toBe(200);
    const moderatorBody = await asModerator.text();
    expect(moderatorBody).not.toContain(typed);
    expect(moderatorBody).toContain("hidden: admins only");
    // Nor can a moderator find it by filtering on it.
    const probe = await (
      await respond(audit.loader, getAs(`/moderation/audit?target=${encodeURIComponent(`login:${typed}`)}`, cookie))
    ).json();
    expect(probe.list.total).toBe(0);
    const asAdmin = await respond(audit.loader, getAs("/moderation/audit?action=auth.rate_limited", adminCookie));
    expect(await asAdmin.text()).toContain(typed);
  });
});

describe("replacing the authenticator", () => {
  it("[L7] needs the current code, a recovery code or the password; a wrong one is a 400 beside the field, changes nothing, is audited and counts toward the budget [ASVS 7.5.1]", async () => {
    process.env.LOGIN_LIMIT_PER_15MIN = "3";
    resetEnvForTests();
    const staff = await createStaffUser(getDb());
    const { cookie } = await sessionCookie(getDb(), staff.id);
    await enrol(staff, cookie);
    const before = await getDb().selectFrom("staff").select(["totp_secret"]).where("id", "=", staff.id).executeTakeFirstOrThrow();
    const codesBefore = await getDb()
      .selectFrom("staff_recovery_codes")
      .select("code_hash")
      .where("staff_id", "=", staff.id)
      .orderBy("id")
      .execute();

    const page = await (await respond(account.loader, getAs("/account", cookie))).json();
    const secret = unsealEnrolment(page.enrolment.sealed, staff.id)!;
    const context = fresh();
    const attempt = async (reauth: string | undefined) => {
      const fields: Record<string, string> = { intent: "enrol", sealed: page.enrolment.sealed, code: await currentTotp(secret) };
      if (reauth !== undefined) fields.reauth = reauth;
      return respond(account.action, postAs("/account", fields, cookie, { context }));
    };
    for (const reauth of [undefined, "not my password at all"]) {
      const response = await attempt(reauth);
      expect(response.status).toBe(400);
      const data = await response.json();
      expect(data.errors.reauth).toBeTruthy();
    }
    expect(await getDb().selectFrom("staff").select(["totp_secret"]).where("id", "=", staff.id).executeTakeFirstOrThrow()).toEqual(before);
    expect(
      await getDb().selectFrom("staff_recovery_codes").select("code_hash").where("staff_id", "=", staff.id).orderBy("id").execute(),
    ).toEqual(codesBefore);
    const failed = (await auditRows("auth.reauth_failed")).filter((r) => r.actor === `staff:${staff.id}`);
    expect(failed.length).toBeGreaterThanOrEqual(1);

    // Wrong answers count toward the sign-in budget of this account from this address.
    expect((await attempt("still not my password")).status).toBe(400);
    expect((await attempt("nor is this one, sorry")).status).toBe(400);
    const limited = await attempt(staff.password);
    expect(limited.status).toBe(429);
    expect(await getDb().selectFrom("staff").select(["totp_secret"]).where("id", "=", staff.id).executeTakeFirstOrThrow()).toEqual(before);
  });

  it("[L7] replaces it with the password, a recovery code or the current authenticator's code [ASVS 7.5.1]", async () => {
    const staff = await createStaffUser(getDb());
    const { cookie } = await sessionCookie(getDb(), staff.id);
    await enrol(staff, cookie);
    const replace = async (reauth: string) => {
      const page = await (await respond(account.loader, getAs("/account", cookie))).json();
      const secret = unsealEnrolment(page.enrolment.sealed, staff.id)!;
      const response = await respond(
        account.action,
        postAs("/account", { intent: "enrol", sealed: page.enrolment.sealed, code: await currentTotp(secret), reauth }, cookie),
      );
      expect(response.status).toBe(200);
      const codes = (await response.json()).recoveryCodes as string[];
      expect(codes).toHaveLength(10);
      return { codes, secret };
    };
    const { codes } = await replace(staff.password);
    const { secret } = await replace(codes[0]);
    // The enrolment took this 30-second step's code: the current authenticator's next one.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 30_000 });
    await replace(await currentTotp(secret));
    expect((await auditRows("auth.mfa_enrolled")).filter((r) => r.actor === `staff:${staff.id}`)).toHaveLength(4);
  });
});

describe("changing one's password", () => {
  const NEW_PASSWORD = "glacier pepper mosaic lanterns";

  it("[L8] changes it with the current one, ends the other sessions, is audited, and says so [ASVS 6.2.2, 6.2.3, 7.4.3]", async () => {
    const staff = await createStaffUser(getDb());
    const { cookie } = await sessionCookie(getDb(), staff.id);
    const other = await sessionCookie(getDb(), staff.id);
    const post = (fields: Record<string, string>) => respond(account.action, postAs("/account", { intent: "password", ...fields }, cookie));

    const wrong = await post({ current_password: "not the current one", new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).errors.current_password).toBeTruthy();
    const mismatch = await post({ current_password: staff.password, new_password: NEW_PASSWORD, confirm_password: `${NEW_PASSWORD}!` });
    expect(mismatch.status).toBe(400);
    expect((await mismatch.json()).errors.confirm_password).toBeTruthy();
    const weak = await post({ current_password: staff.password, new_password: "letmeinletmein", confirm_password: "letmeinletmein" });
    expect(weak.status).toBe(400);
    expect((await weak.json()).errors.new_password).toMatch(/too common or too easy to guess/);
    expect(
      await passwords.verifyPassword(
        (await getDb().selectFrom("staff").select("password_hash").where("id", "=", staff.id).executeTakeFirstOrThrow()).password_hash,
        staff.password,
      ),
    ).toBe(true);

    const ok = await post({ current_password: staff.password, new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("Location")).toBe("/account?done=password");
    const page = await (await respond(account.loader, getAs("/account?done=password", cookie))).json();
    expect(page.done).toBe("password");
    // This session goes on, the other one has ended.
    expect((await respond(queue.loader, getAs("/moderation", cookie))).status).toBe(200);
    expect((await respond(queue.loader, getAs("/moderation", other.cookie))).status).toBe(303);
    const entry = (await auditRows("auth.password_changed")).at(-1)!;
    expect(entry).toMatchObject({ actor: `staff:${staff.id}`, target_type: "staff", target_id: String(staff.id) });
    expect(`${entry.before_json}${entry.after_json}${entry.reason}`).not.toContain(NEW_PASSWORD);
    expect((await signIn(staff.email, staff.password)).status).toBe(401);
    expect((await signIn(staff.email, NEW_PASSWORD)).status).toBe(303);
  });

  it("[L8] an account an admin created must change its password before reaching /moderation or /admin [ASVS 6.4.1]", async () => {
    const created = await respond(
      adminUsers.action,
      postAs(
        "/admin/users",
        { intent: "create", name: "Nora Newcomer", email: "nora@registry.test", role: "admin", password: "saffron kettle drums at dawn" },
        adminCookie,
      ),
    );
    expect(created.status).toBe(303);
    const initialPassword = async () =>
      (
        (await (await respond(adminUsers.loader, getAs("/admin/users", adminCookie))).json()).staff as {
          email: string;
          initialPassword: boolean;
        }[]
      ).find((s) => s.email === "nora@registry.test")!.initialPassword;
    expect(await initialPassword()).toBe(true);
    const signedIn = await signIn("nora@registry.test", "saffron kettle drums at dawn");
    expect(signedIn.status).toBe(303);
    const cookie = cookieOf(signedIn)!;
    for (const [mod, path] of [
      [queue, "/moderation"],
      [adminUsers, "/admin/users"],
    ] as const) {
      const response = await respond(mod.loader, getAs(path, cookie));
      expect(response.status, path).toBe(303);
      expect(response.headers.get("Location"), path).toMatch(/^\/account(\?|$)/);
    }
    const page = await respond(account.loader, getAs("/account", cookie));
    expect(page.status).toBe(200);
    expect((await page.json()).mustChangePassword).toBe(true);
    const changed = await respond(
      account.action,
      postAs(
        "/account",
        {
          intent: "password",
          current_password: "saffron kettle drums at dawn",
          new_password: NEW_PASSWORD,
          confirm_password: NEW_PASSWORD,
        },
        cookie,
      ),
    );
    expect(changed.status).toBe(303);
    expect(await initialPassword()).toBe(false);
    expect((await respond(queue.loader, getAs("/moderation", cookie))).status).toBe(200);
    expect((await respond(adminUsers.loader, getAs("/admin/users", cookie))).status).toBe(200);
  });

  it("[L8] an account made as npm run user:create makes it (the operator typed their own password) is not forced", async () => {
    const staff = await createStaffUser(getDb());
    const cookie = cookieOf(await signIn(staff.email, staff.password))!;
    expect((await respond(queue.loader, getAs("/moderation", cookie))).status).toBe(200);
  });
});

describe("recovery codes", () => {
  it("[recovery-hmac] are stored as an HMAC keyed outside the database, not as their SHA-256, and still work; legacy SHA-256 rows still work [ASVS 6.5.2]", async () => {
    const staff = await createStaffUser(getDb());
    const { cookie } = await sessionCookie(getDb(), staff.id);
    const { recoveryCodes } = await enrol(staff, cookie);
    const stored = (await getDb().selectFrom("staff_recovery_codes").select("code_hash").where("staff_id", "=", staff.id).execute()).map(
      (r) => r.code_hash,
    );
    expect(stored).toHaveLength(10);
    for (const code of recoveryCodes) expect(stored).not.toContain(sha256(code));

    const withCode = async (code: string) => {
      const context = fresh();
      const waiting = cookieOf(await signIn(staff.email, staff.password, context))!;
      return respond(login.action, postAs("/login", { intent: "code", code }, waiting, { context }));
    };
    expect((await withCode(recoveryCodes[1])).status).toBe(303);
    expect((await withCode(recoveryCodes[1])).status).toBe(401);

    const legacy = "abcde-fghjk";
    await getDb()
      .insertInto("staff_recovery_codes")
      .values({ staff_id: staff.id, code_hash: sha256(legacy), used_at: null, created_at: new Date().toISOString() })
      .execute();
    expect((await withCode(legacy)).status).toBe(303);
    expect((await withCode(legacy)).status).toBe(401);
  });
});

describe("the password policy", () => {
  it("[zxcvbn] refuses repeated dictionary words and accepts a phrase of four random words [ASVS 6.2.4]", async () => {
    let n = 0;
    const create = (password: string) =>
      respond(
        adminUsers.action,
        postAs(
          "/admin/users",
          { intent: "create", name: "Pat Policy", email: `policy-${++n}@registry.test`, role: "moderator", password },
          adminCookie,
        ),
      );
    for (const weak of ["letmeinletmein", "passwordpassword1", "dragondragon99"]) {
      const response = await create(weak);
      expect(response.status, weak).toBe(400);
      expect((await response.json()).errors.password, weak).toMatch(/too common or too easy to guess/);
    }
    expect((await create("orbit canyon pickle rhubarb")).status).toBe(303);
  });
});

describe("STAFF_MFA", () => {
  it("[mfa-default] is required by default when NODE_ENV=production, optional otherwise; an explicit value wins [ASVS 6.3.3]", () => {
    const saved = { NODE_ENV: process.env.NODE_ENV, STAFF_MFA: process.env.STAFF_MFA };
    try {
      process.env.NODE_ENV = "production";
      delete process.env.STAFF_MFA;
      resetEnvForTests();
      expect(getEnv().STAFF_MFA).toBe("required");
      process.env.STAFF_MFA = "optional";
      resetEnvForTests();
      expect(getEnv().STAFF_MFA).toBe("optional");
      process.env.NODE_ENV = "development";
      delete process.env.STAFF_MFA;
      resetEnvForTests();
      expect(getEnv().STAFF_MFA).toBe("optional");
      process.env.STAFF_MFA = "required";
      resetEnvForTests();
      expect(getEnv().STAFF_MFA).toBe("required");
    } finally {
      process.env.NODE_ENV = saved.NODE_ENV;
      if (saved.STAFF_MFA === undefined) delete process.env.STAFF_MFA;
      else process.env.STAFF_MFA = saved.STAFF_MFA;
      resetEnvForTests();
    }
  });
});
