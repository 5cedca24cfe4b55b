// The staff journey in Chromium against the production build: sign in, open the queue,
// open the application, approve it; the company is then in the public directory and the
// applicant has the mail. With and without JavaScript. Then axe scans of the staff pages.
import { AxeBuilder } from "@axe-core/playwright";
import type { Result } from "axe-core";
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type DB } from "~/modules/database/db.server";
import { launchBrowser, type TestBrowser } from "../helpers/browser";
import { startServer, type TestServer } from "../helpers/server";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp";
import { createStaffUser, insertApplication, type TestStaff } from "../integration/staff-fixtures";
import sharp from "sharp";
import type { Locator } from "playwright-core";
import { processLogo, saveApplicationLogo } from "~/modules/logos/logos.server";

const pngOf = (background: string, width: number, height: number) =>
  sharp({ create: { width, height, channels: 4, background } })
    .png()
    .toBuffer();
/** The width of the image an <img> shows (0 until it loaded, or when it failed). */
const naturalWidth = (img: Locator) =>
  img.evaluate((el) => ((el as HTMLImageElement).complete ? (el as HTMLImageElement).naturalWidth : 0));

const TIMEOUT = 90_000;
const dbPath = join(tmpdir(), `accord-staff-e2e-${randomUUID()}.db`);
let server: TestServer;
let smtp: TestSmtp;
let browser: TestBrowser;
let db: DB;
let moderator: TestStaff;
let admin: TestStaff;

beforeAll(async () => {
  smtp = await startTestSmtp();
  [server, browser] = await Promise.all([
    startServer({ DATABASE_URL: dbPath, SMTP_URL: smtp.url, STAFF_MFA: "optional" }),
    launchBrowser(),
  ]);
  db = openDatabase(dbPath);
  moderator = await createStaffUser(db, { name: "Mira Moderator" });
  admin = await createStaffUser(db, { role: "admin", name: "Ada Administrator" });
}, 120_000);

afterAll(async () => {
  await db?.destroy();
  await Promise.allSettled([browser?.close(), server?.stop(), smtp?.close()]);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(dbPath + suffix, { force: true });
});

async function hydrated(page: Page) {
  await page.waitForFunction(() => {
    const main = document.querySelector("main");
    return !!main && Object.keys(main).some((key) => key.startsWith("__reactFiber"));
  });
}

/** Watches a page for anything going wrong: errors, console errors, CSP violations. */
function watch(page: Page, problems: string[], js: boolean) {
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    // The wrong password below is answered 401 on purpose; Chromium reports that status.
    if (message.text().includes("status of 401") && message.location().url.includes("/login")) return;
    problems.push(`console.error: ${message.text()} (${message.location().url})`);
  });
  page.on("requestfailed", (request) => {
    const reason = request.failure()?.errorText;
    if (reason === "net::ERR_ABORTED") return;
    if (!js && request.resourceType() === "script") return;
    problems.push(`request failed: ${request.url()} (${reason})`);
  });
}

async function signIn(page: Page, staff: TestStaff, js: boolean) {
  if (js) await hydrated(page);
  await page.getByLabel("E-mail address").fill(staff.email);
  await page.getByLabel("Password").fill(staff.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

describe.each([
  { mode: "with JavaScript", js: true },
  { mode: "without JavaScript", js: false },
])("the moderator's journey $mode", ({ js }) => {
  let context: BrowserContext;
  let problems: string[];
  beforeEach(() => {
    problems = [];
  });
  afterEach(async () => {
    await context?.close();
    expect(problems).toEqual([]);
  });

  it(
    "signs in, opens the queue and the application, approves it; the public directory lists the company and the applicant is told",
    async () => {
      const name = js ? "Halcyon Secure Systems" : "Kestrel Trust Networks";
      const app = await insertApplication(db, { name });
      // It came with a logo (issue 14): approved with it, shown in the directory.
      const logo = await processLogo(new File([await pngOf("#14532d", 300, 200)], "logo.png", { type: "image/png" }));
      if (!logo.ok) throw new Error("fixture logo refused");
      await saveApplicationLogo(db, app.id, logo.value);
      context = await browser.newContext({ javaScript: js, baseURL: server.url });
      const page = await context.newPage();
      watch(page, problems, js);

      // Straight to the application: sent to sign in first, and back afterwards.
      await page.goto(`/moderation/applications/${app.ref}`);
      await page.waitForURL((url) => url.pathname === "/login");
      expect(new URL(page.url()).searchParams.get("redirectTo")).toBe(`/moderation/applications/${app.ref}`);
      await page.goto("/login");
      await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Staff sign-in");
      await signIn(page, { ...moderator, password: "not the password, sorry" }, js);
      await expect(page.getByRole("alert").textContent()).resolves.toContain("The e-mail address or password is not right.");
      await signIn(page, moderator, js);

      await page.waitForURL((url) => url.pathname === "/moderation");
      const heading = page.getByRole("heading", { level: 1 });
      // With JavaScript the address changes as the new page renders: wait for its content.
      await expect.poll(() => heading.textContent()).toBe("Moderation queue");
      const row = page.getByRole("row").filter({ hasText: name });
      // Verified 71 hours ago (the fixture's application was verified an hour after it was sent).
      await expect(row.getByRole("cell").last().textContent()).resolves.toBe("2 days");
      if (js) await hydrated(page);
      await row.getByRole("link", { name }).click();

      await page.waitForURL((url) => url.pathname === `/moderation/applications/${app.ref}`);
      await expect.poll(() => heading.textContent()).toBe(name);
      await expect(page.getByRole("region", { name: "Checks" }).textContent()).resolves.toContain("No signatory or other application");
      await expect(page.getByText(app.contactEmail).count()).resolves.toBe(1);
      await expect.poll(() => naturalWidth(page.getByRole("img", { name: `Logo sent by ${name}` }))).toBe(256);
      if (js) await hydrated(page);
      const approve = page.locator("form.decision-approve");
      await expect(approve.getByLabel("Joined on").inputValue()).resolves.toMatch(/^\d{4}-\d{2}-\d{2}$/);
      await approve.getByRole("button", { name: "Approve" }).click();

      await page.waitForURL((url) => url.searchParams.get("done") === "approved");
      await expect.poll(() => page.getByRole("status").filter({ hasText: "Approved." }).count()).toBe(1);
      await expect(page.locator(".staff-header .badge").textContent()).resolves.toBe("Approved");
      await expect(page.getByRole("region", { name: "Decide" }).count()).resolves.toBe(0);

      await page.goto(`/signatories?q=${encodeURIComponent(name.split(" ")[0])}`);
      const results = page.getByRole("region", { name: "Results" });
      await expect
        .poll(async () => (await results.getByRole("heading", { level: 3 }).allTextContents()).map((t) => t.trim()))
        .toEqual([name]);
      // The card shows the approved logo, served from /signatories/:slug/logo.
      await expect.poll(() => naturalWidth(results.locator("img.logo").first())).toBe(256);

      // A moderator replaces it on the signatory's staff page (a multipart form, with and without JavaScript).
      const slug = name.toLowerCase().replace(/ /g, "-");
      await page.goto(`/moderation/signatories/${slug}`);
      if (js) await hydrated(page);
      const before = await page.getByRole("img", { name: `Current logo of ${name}` }).getAttribute("src");
      await page
        .getByLabel("Replace the logo")
        .setInputFiles({ name: "new.png", mimeType: "image/png", buffer: await pngOf("#7c2d12", 128, 128) });
      await page.getByRole("button", { name: "Upload the logo" }).click();
      await page.waitForURL((url) => url.searchParams.get("done") === "logo");
      await expect.poll(() => page.getByRole("img", { name: `Current logo of ${name}` }).getAttribute("src")).not.toBe(before);

      await expect.poll(() => smtp.mails.filter((m) => m.to === app.contactEmail).length, { timeout: 15_000 }).toBe(1);
      const mail = smtp.mails.find((m) => m.to === app.contactEmail)!;
      expect(mail.subject).toBe(`Approved: ${name} joins the Cybersecurity Tech Accord (${app.ref})`);
      expect(mail.links).toContain(`${server.url}/signatories/${name.toLowerCase().replace(/ /g, "-")}`);

      // Signing out ends it: the staff area sends back to sign in.
      await page.goto("/moderation");
      if (js) await hydrated(page);
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL((url) => url.pathname === "/login");
      await page.goto("/moderation");
      await page.waitForURL((url) => url.pathname === "/login");
    },
    TIMEOUT,
  );
});

describe("accessibility of the staff pages (axe-core)", () => {
  let context: BrowserContext;
  const pages: { name: string; path: () => string; as: () => TestStaff | null }[] = [];
  let ref = "";
  beforeAll(async () => {
    ref = (await insertApplication(db, { name: "Nokia Solutions Oy" })).ref;
    await db
      .insertInto("application_notes")
      .values({
        application_id: (await db.selectFrom("applications").select("id").where("ref", "=", ref).executeTakeFirstOrThrow()).id,
        staff_id: moderator.id,
        body: "Probably part of Nokia.",
        created_at: new Date().toISOString(),
      })
      .execute();
  });
  afterEach(async () => {
    await context?.close();
  });

  function describeViolations(violations: Result[]): string[] {
    return violations.flatMap((v) =>
      v.nodes.map((n) => `${v.id} (${v.impact}) at ${n.target.join(" ")}: ${v.help} [${n.html.slice(0, 160)}]`),
    );
  }

  pages.push(
    { name: "sign-in page", path: () => "/login", as: () => null },
    { name: "moderation queue", path: () => "/moderation", as: () => moderator },
    { name: "application page (with warnings and a note)", path: () => `/moderation/applications/${ref}`, as: () => moderator },
    { name: "audit log", path: () => "/moderation/audit", as: () => moderator },
    { name: "signatory list", path: () => "/moderation/signatories?q=nokia", as: () => moderator },
    { name: "signatory editor", path: () => "/moderation/signatories/nokia", as: () => moderator },
    { name: "account and two-step set-up", path: () => "/account", as: () => moderator },
    { name: "staff accounts", path: () => "/admin/users", as: () => admin },
  );

  it.each(pages)(
    "$name has no violations",
    async ({ path, as }) => {
      context = await browser.newContext({ baseURL: server.url });
      const page = await context.newPage();
      const staff = as();
      if (staff) {
        await page.goto("/login");
        await signIn(page, staff, true);
        await page.waitForURL((url) => url.pathname === "/moderation");
      }
      const response = await page.goto(path());
      expect(response?.status()).toBe(200);
      await hydrated(page);
      const { violations } = await new AxeBuilder({ page }).analyze();
      const found = describeViolations(violations);
      if (found.length > 0) console.error(`axe violations on ${path()}:\n  ${found.join("\n  ")}`);
      expect(found).toEqual([]);
    },
    TIMEOUT,
  );
});
