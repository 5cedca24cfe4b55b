// Staff passkeys in Chromium against the production build, with Chromium's own virtual
// authenticator (DevTools protocol: WebAuthn.enable, WebAuthn.addVirtualAuthenticator with
// a resident key and user verification), driven through playwright-core's CDP session:
// nothing of WebAuthn is mocked, the browser makes real credentials and signatures.
// - STAFF_MFA=optional: a moderator adds a passkey on /account, signs in with it without an
//   e-mail address, then as the second step after the password, removes it; the answer the
//   browser sent is replayed and refused.
// - STAFF_MFA=passkey: a moderator goes from a fresh account (password only) to signing in
//   with the passkey alone; without JavaScript the pages say a passkey needs it.
// The servers' PUBLIC_URL is http://127.0.0.1:PORT; an IP address cannot be a WebAuthn
// relying party, so the registry takes `localhost` (relying-party.server.ts) and the browser
// opens http://localhost:PORT, which the server answers as one of its loopback names.
import { AxeBuilder } from "@axe-core/playwright";
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "~/modules/database/db.server";
import { launchBrowser, type TestBrowser } from "../helpers/browser";
import { startServer } from "../helpers/server";
import { createStaffUser, type TestStaff } from "../integration/staff-fixtures";

const TIMEOUT = 120_000;

let browser: TestBrowser;
beforeAll(async () => {
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

/** A server on its own SQLite file, with the database open to the test. */
async function serverWith(staffMfa: string) {
  const path = join(tmpdir(), `accord-passkeys-e2e-${randomUUID()}.db`);
  const server = await startServer({ DATABASE_URL: path, STAFF_MFA: staffMfa });
  const db = openDatabase(path);
  return {
    server,
    db,
    /** The address the browser uses: the relying party is localhost. */
    base: server.url.replace("127.0.0.1", "localhost"),
    async stop() {
      await db.destroy();
      await server.stop();
      for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
    },
  };
}

/** Chromium's virtual authenticator on this page: a platform authenticator with resident
 * keys (discoverable credentials) that verifies its user (as a fingerprint would). */
async function virtualAuthenticator(page: Page) {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable", { enableUI: false });
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    credentials: async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials,
  };
}

async function hydrated(page: Page) {
  await page.waitForFunction(() => {
    const main = document.querySelector("main");
    return !!main && Object.keys(main).some((key) => key.startsWith("__reactFiber"));
  });
}

/** Everything going wrong on a page: errors, console errors (CSP violations among them). */
function watch(page: Page, problems: string[]) {
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console.error: ${message.text()} (${message.location().url})`);
  });
}

async function passwordSignIn(page: Page, staff: TestStaff) {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("E-mail address").fill(staff.email);
  await page.getByLabel("Password").fill(staff.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

async function signOut(page: Page) {
  await page.goto("/moderation");
  await hydrated(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/login");
}

async function addPasskey(page: Page, name: string, reauth?: string) {
  await hydrated(page);
  await page.getByLabel("Name of the passkey").fill(name);
  if (reauth) await page.locator("#field-passkey-reauth").fill(reauth);
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await page.waitForURL((url) => url.searchParams.get("done") === "passkey-added");
  await expect.poll(() => page.getByRole("status").first().textContent()).toContain("Your passkey has been added.");
}

const heading = (page: Page) => page.getByRole("heading", { level: 1 }).textContent();

/** axe-core's findings on the page as it is now (none expected). */
async function axeViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}) at ${n.target.join(" ")}: ${v.help}`));
}

describe("STAFF_MFA=optional: add a passkey, sign in with it (alone and after the password), remove it", () => {
  let env: Awaited<ReturnType<typeof serverWith>>;
  let context: BrowserContext;
  let problems: string[];
  beforeAll(async () => {
    env = await serverWith("optional");
  }, 120_000);
  afterAll(async () => {
    await env?.stop();
  });
  beforeEach(() => {
    problems = [];
  });
  afterEach(async () => {
    await context?.close();
    expect(problems).toEqual([]);
  });

  it(
    "a moderator's whole passkey journey, and a replayed answer refused",
    async () => {
      const moderator = await createStaffUser(env.db, { name: "Pia Passkey" });
      context = await browser.newContext({ baseURL: env.base });
      const page = await context.newPage();
      watch(page, problems);
      const authenticator = await virtualAuthenticator(page);

      // 1. Password sign-in, then a passkey on /account.
      await passwordSignIn(page, moderator);
      await page.waitForURL((url) => url.pathname === "/moderation");
      await page.goto("/account");
      await expect(page.getByRole("heading", { name: "Passkeys" }).count()).resolves.toBe(1);
      await expect(page.getByText("You have no passkey yet.").count()).resolves.toBe(1);
      await addPasskey(page, "Virtual laptop");
      const table = page.getByRole("table", { name: "Your passkeys" });
      await expect(table.getByRole("rowheader").allTextContents()).resolves.toEqual(["Virtual laptop"]);
      expect(await axeViolations(page)).toEqual([]);
      const [credential] = await authenticator.credentials();
      expect(credential.isResidentCredential).toBe(true);
      const stored = await env.db.selectFrom("staff_passkeys").selectAll().where("staff_id", "=", moderator.id).executeTakeFirstOrThrow();
      expect(stored.credential_id).toBe(credential.credentialId.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_"));

      // 2. Signed out, then in with the passkey alone: no e-mail address, no password.
      await signOut(page);
      await hydrated(page);
      let sent = "";
      page.on("request", (request) => {
        if (request.method() === "POST" && new URL(request.url()).pathname === "/login" && request.postData()?.includes("intent=passkey")) {
          sent = request.postData()!;
        }
      });
      await page.getByRole("button", { name: "Use a passkey" }).click();
      await page.waitForURL((url) => url.pathname === "/moderation");
      await expect.poll(() => heading(page)).toBe("Moderation queue");
      expect(sent).toContain("credential=");
      const afterFirst = await env.db
        .selectFrom("staff_passkeys")
        .select(["counter", "last_used_at"])
        .where("id", "=", stored.id)
        .executeTakeFirstOrThrow();
      expect(afterFirst.last_used_at).not.toBeNull();
      expect((await authenticator.credentials())[0].signCount).toBe(afterFirst.counter);

      // 3. Signed out, then the password and the passkey as its second step.
      await signOut(page);
      // The same answer sent again by the same browser (the form body it posted, its cookies and
      // token), once signed out, is refused.
      const replay = await page.request.post("/login", {
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: env.base },
        data: sent,
        maxRedirects: 0,
      });
      expect(replay.status()).toBe(401);
      expect(await replay.text()).toContain("already used");
      const refused = await env.db
        .selectFrom("audit_log")
        .select("reason")
        .where("action", "=", "auth.passkey_refused")
        .orderBy("id", "desc")
        .executeTakeFirstOrThrow();
      expect(refused.reason).toBe("sign-in: replayed or unknown challenge");

      await passwordSignIn(page, moderator);
      await expect.poll(() => heading(page)).toBe("Confirm with your passkey");
      await expect(page.getByLabel("Authentication code").count()).resolves.toBe(0);
      await hydrated(page);
      expect(await axeViolations(page)).toEqual([]);
      await page.getByRole("button", { name: "Use your passkey" }).click();
      await page.waitForURL((url) => url.pathname === "/moderation");
      await expect.poll(() => heading(page)).toBe("Moderation queue");

      // 4. Removed with the password as proof.
      await page.goto("/account");
      await hydrated(page);
      await page.getByLabel("Passkey", { exact: true }).selectOption({ label: "Virtual laptop" });
      await page.locator("#field-remove-reauth").fill(moderator.password);
      await page.getByRole("button", { name: "Remove passkey" }).click();
      await page.waitForURL((url) => url.searchParams.get("done") === "passkey-removed");
      await expect.poll(() => page.getByText("You have no passkey yet.").count()).toBe(1);

      const actions = await env.db
        .selectFrom("audit_log")
        .select(["action", "reason"])
        .where("target_id", "=", String(moderator.id))
        .where("action", "like", "auth.%")
        .orderBy("id")
        .execute();
      expect(actions.map((a) => (a.action === "auth.sign_in" ? `${a.action} (${a.reason})` : a.action))).toEqual([
        "auth.sign_in (password)",
        "auth.passkey_registered",
        "auth.sign_out",
        "auth.sign_in (passkey)",
        "auth.sign_out",
        "auth.sign_in (password and passkey)",
        "auth.passkey_removed",
      ]);
    },
    TIMEOUT,
  );

  it(
    "without JavaScript, the sign-in page says a passkey needs it and offers the password",
    async () => {
      context = await browser.newContext({ baseURL: env.base, javaScript: false });
      const page = await context.newPage();
      await page.goto("/login");
      await expect(page.getByText("Signing in with a passkey needs JavaScript").isVisible()).resolves.toBe(true);
      await expect(page.getByRole("button", { name: "Use a passkey" }).isVisible()).resolves.toBe(false);
      await expect(page.getByLabel("Password").isVisible()).resolves.toBe(true);
    },
    TIMEOUT,
  );
});

describe("STAFF_MFA=passkey: from a fresh account to a passkey-only sign-in", () => {
  let env: Awaited<ReturnType<typeof serverWith>>;
  let context: BrowserContext;
  let problems: string[];
  beforeAll(async () => {
    env = await serverWith("passkey");
  }, 120_000);
  afterAll(async () => {
    await env?.stop();
  });
  beforeEach(() => {
    problems = [];
  });
  afterEach(async () => {
    await context?.close();
    expect(problems).toEqual([]);
  });

  it(
    "is led to add a passkey right after the first sign-in, then signs in with the passkey alone",
    async () => {
      const moderator = await createStaffUser(env.db, { name: "Noor Newcomer" });
      context = await browser.newContext({ baseURL: env.base });
      const page = await context.newPage();
      watch(page, problems);
      const authenticator = await virtualAuthenticator(page);

      await passwordSignIn(page, moderator);
      await page.waitForURL((url) => url.pathname === "/account" && url.searchParams.get("passkey") === "required");
      await expect.poll(() => page.getByText("The registry requires a passkey for staff sign-in.").count()).toBe(1);
      // Nothing else opens before it.
      await page.goto("/moderation/audit");
      await page.waitForURL((url) => url.pathname === "/account");
      await addPasskey(page, "Noor's phone");
      expect(await authenticator.credentials()).toHaveLength(1);
      await page.getByRole("link", { name: "Continue to the queue" }).click();
      await page.waitForURL((url) => url.pathname === "/moderation");
      await expect.poll(() => heading(page)).toBe("Moderation queue");

      // The password alone no longer opens the staff area: its second step is the passkey.
      await signOut(page);
      await passwordSignIn(page, moderator);
      await expect.poll(() => heading(page)).toBe("Confirm with your passkey");
      await hydrated(page);
      await page.getByRole("button", { name: "Start again with another account" }).click();
      await page.waitForURL((url) => url.pathname === "/login");

      // The passkey alone does.
      await hydrated(page);
      await page.getByRole("button", { name: "Use a passkey" }).click();
      await page.waitForURL((url) => url.pathname === "/moderation");
      await expect.poll(() => heading(page)).toBe("Moderation queue");
      const signIns = await env.db
        .selectFrom("audit_log")
        .select("reason")
        .where("action", "=", "auth.sign_in")
        .where("target_id", "=", String(moderator.id))
        .orderBy("id")
        .execute();
      expect(signIns.map((s) => s.reason)).toEqual(["password", "passkey"]);
    },
    TIMEOUT,
  );

  it(
    "without JavaScript: the sign-in page and the account page say a passkey needs it",
    async () => {
      const moderator = await createStaffUser(env.db, { name: "Sam Scriptless" });
      context = await browser.newContext({ baseURL: env.base, javaScript: false });
      const page = await context.newPage();
      await page.goto("/login");
      await expect(page.getByText("a passkey needs JavaScript").isVisible()).resolves.toBe(true);
      await page.getByLabel("E-mail address").fill(moderator.email);
      await page.getByLabel("Password").fill(moderator.password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.waitForURL((url) => url.pathname === "/account");
      await expect(page.getByText("Adding a passkey needs JavaScript").isVisible()).resolves.toBe(true);
      await expect(page.getByRole("button", { name: "Add a passkey" }).isVisible()).resolves.toBe(false);
    },
    TIMEOUT,
  );
});
