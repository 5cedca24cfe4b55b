// The design system's promises that a person meets, checked in Chromium against the
// production build (issue 14, docs/design.md): tappable tiles that are what they look like
// (24 px boxes, the whole tile the target, with and without JavaScript), a focus that shows,
// a print stylesheet that prints the record and not the furniture, a footer that does not
// offer a sign-in to someone signed in, and an administrator's reset of someone else's
// sign-in factors that asks first and keeps the reason.
import { AxeBuilder } from "@axe-core/playwright";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "~/modules/database/db.server";
import { launchBrowser, type TestBrowser } from "../helpers/browser";
import { startServer, type TestServer } from "../helpers/server";
import { hashToken, newRef, newToken } from "~/modules/applications/tokens.server";
import { createStaffUser, insertApplication, type TestStaff } from "../integration/staff-fixtures";

let server: TestServer;
let browser: TestBrowser;
let moderator: TestStaff;
/** Two pending applications' status pages (their tokens set here): one per mode. */
const statusPages: string[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ STAFF_MFA: "optional" }), launchBrowser()]);
  const db = openDatabase(server.databasePath);
  try {
    moderator = await createStaffUser(db, { name: "Petra Print" });
    for (let i = 0; i < 2; i++) {
      const application = await insertApplication(db, { status: "pending" });
      // The fixture's references are not of the public shape, which the status page insists on.
      const [token, ref] = [newToken(), newRef()];
      await db
        .updateTable("applications")
        .set({ ref, status_token_hash: hashToken(token) })
        .where("id", "=", application.id)
        .execute();
      statusPages.push(`/applications/${ref}?token=${token}`);
    }
  } finally {
    await db.destroy();
  }
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([browser?.close(), server?.stop()]);
});

async function hydrated(page: Page) {
  await page.waitForFunction(() => {
    const main = document.querySelector("main");
    return !!main && Object.keys(main).some((key) => key.startsWith("__reactFiber"));
  });
}

describe.each([
  { mode: "with JavaScript", js: true },
  { mode: "without JavaScript", js: false },
])("the application form's tiles on a phone, $mode", ({ js }) => {
  it("are 24 px boxes, and a tap anywhere on the tile ticks its box (fix 8)", async () => {
    const context = await browser.newContext({ javaScript: js, baseURL: server.url, viewport: { width: 390, height: 844 } });
    try {
      const page = await context.newPage();
      await page.goto("/apply");
      if (js) await hydrated(page);
      const box = page.getByRole("checkbox", { name: "No offense (required)" });
      const size = (await box.boundingBox())!;
      expect(size.width).toBeGreaterThanOrEqual(24);
      expect(size.height).toBeGreaterThanOrEqual(24);
      const tile = page.locator(".pledge-group .checkbox", { has: box });
      await tile.scrollIntoViewIfNeeded();
      // The description, far from the box and outside the label's text: the tile is the target.
      const description = (await tile.locator(".checkbox-description").boundingBox())!;
      await page.mouse.click(description.x + description.width / 2, description.y + description.height / 2);
      await expect(box.isChecked()).resolves.toBe(true);
      const tileBox = (await tile.boundingBox())!;
      await page.mouse.click(tileBox.x + tileBox.width - 6, tileBox.y + tileBox.height - 6);
      await expect(box.isChecked()).resolves.toBe(false);
    } finally {
      await context.close();
    }
  });
});

describe("focus, print and the footer", () => {
  let context: BrowserContext;
  beforeAll(async () => {
    context = await browser.newContext({ baseURL: server.url });
  });
  afterAll(async () => {
    await context?.close();
  });

  it("shows keyboard focus in the focus yellow, on links and on fields", async () => {
    const page = await context.newPage();
    await page.goto("/apply");
    await hydrated(page);
    await page.keyboard.press("Tab"); // the skip link
    await page.keyboard.press("Tab"); // the brand link
    const link = await page.evaluate(() => getComputedStyle(document.activeElement!).backgroundColor);
    expect(link).toBe("rgb(255, 221, 0)");
    await page.getByLabel("Organisation's legal name").focus();
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Tab");
    const field = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineColor);
    expect(field).toBe("rgb(255, 221, 0)");
    await page.close();
  });

  it("prints a signatory's record without navigation or forms, links followed by their address", async () => {
    const page = await context.newPage();
    await page.goto("/signatories/nokia");
    await page.emulateMedia({ media: "print" });
    const shown = (selector: string) =>
      page
        .locator(selector)
        .first()
        .evaluate((el) => getComputedStyle(el).display !== "none");
    await expect(shown("nav[aria-label='Main']")).resolves.toBe(false);
    await expect(shown("main h1")).resolves.toBe(true);
    const website = await page
      .locator("main dd a[href^='http']")
      .first()
      .evaluate((el) => getComputedStyle(el, "::after").content);
    expect(website).toContain("http");
    await page.close();
  });

  it("does not offer a signed-in moderator a sign-in: the staff pages' footer says who is signed in", async () => {
    const page = await context.newPage();
    await page.goto("/");
    await expect(page.locator("footer").getByRole("link", { name: "Staff area" }).getAttribute("href")).resolves.toBe("/moderation");
    await expect(page.locator("footer").getByText("Staff sign-in").count()).resolves.toBe(0);
    await page.goto("/login");
    await hydrated(page);
    // A wrong password: the message, and a title that starts with "Error:".
    await page.getByLabel("E-mail address").fill(moderator.email);
    await page.getByLabel("Password").fill("not the password at all");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.title()).toBe("Error: Staff sign-in · Accord Registry");
    await page.getByLabel("E-mail address").fill(moderator.email);
    await page.getByLabel("Password").fill(moderator.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/moderation");
    await expect.poll(() => page.locator("footer").textContent()).toContain("(signed in as Petra Print)");
    await expect(page.locator("footer").getByText("Staff sign-in").count()).resolves.toBe(0);
    await page.close();
  });
});

describe("withdrawing with the keyboard alone", () => {
  it.each([
    { js: true, n: 0 },
    { js: false, n: 1 },
  ])("reaches the confirmation and withdraws (JavaScript: $js)", async ({ js, n }) => {
    const context = await browser.newContext({ javaScript: js, baseURL: server.url });
    try {
      const page = await context.newPage();
      await page.goto(statusPages[n]);
      if (js) await hydrated(page);
      /** Tabs forward until the focus is on the control with this text (at most 80 steps). */
      const tabTo = async (text: string) => {
        for (let i = 0; i < 80; i++) {
          await page.keyboard.press("Tab");
          if ((await page.evaluate(() => document.activeElement?.textContent?.trim())) === text) return;
        }
        throw new Error(`the keyboard never reached "${text}"`);
      };
      await tabTo("Withdraw the application…");
      await page.keyboard.press("Enter");
      await page.waitForURL((url) => url.pathname.endsWith("/withdraw"));
      if (js) await hydrated(page);
      await tabTo("Yes, withdraw the application");
      await page.keyboard.press("Enter");
      await expect.poll(() => page.locator(".app-status").getAttribute("data-status")).toBe("withdrawn");
    } finally {
      await context.close();
    }
  });
});

describe.each([
  { mode: "with JavaScript", js: true },
  { mode: "without JavaScript", js: false },
])("resetting another person's sign-in factors, $mode", ({ js }) => {
  it("asks first, in place, and the reason given reaches the audit log", async () => {
    const db = openDatabase(server.databasePath);
    let admin: TestStaff;
    let other: TestStaff;
    try {
      admin = await createStaffUser(db, { role: "admin", name: `Ada Reset ${js ? "One" : "Two"}` });
      other = await createStaffUser(db, { name: `Lost Phone ${js ? "One" : "Two"}` });
      // An authenticator app, as if set up on the account page.
      await db
        .updateTable("staff")
        .set({ totp_secret: "sealed-secret-for-the-test", totp_enrolled_at: new Date().toISOString() })
        .where("id", "=", other.id)
        .execute();
    } finally {
      await db.destroy();
    }
    const context = await browser.newContext({ javaScript: js, baseURL: server.url });
    try {
      const page = await context.newPage();
      await page.goto("/login");
      await page.getByLabel("E-mail address").fill(admin.email);
      await page.getByLabel("Password").fill(admin.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((url) => url.pathname === "/moderation");
      await page.goto("/admin/users");
      if (js) await hydrated(page);

      // Not one click: the button that resets is folded away until asked for.
      const yes = page.getByRole("button", { name: `Yes, reset ${other.name}'s sign-in factors` });
      await expect(yes.isVisible()).resolves.toBe(false);
      await page.locator("summary", { hasText: `Reset sign-in factors of ${other.name}` }).click();
      await expect(yes.isVisible()).resolves.toBe(true);
      if (js) {
        const { violations } = await new AxeBuilder({ page }).analyze();
        expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
      }
      const reason = page.locator(".confirm-details[open]").getByLabel("Reason (optional)");
      await reason.fill("Lost phone, confirmed by a call to the office");
      await yes.click();
      await page.waitForURL((url) => url.searchParams.get("done") === "reset");
      // With JavaScript the address changes before React shows the new page: poll for it.
      await expect.poll(() => page.getByText("Sign-in factors reset").count()).toBe(1);
    } finally {
      await context.close();
    }

    const after = openDatabase(server.databasePath);
    try {
      const entry = await after
        .selectFrom("audit_log")
        .select(["actor", "reason"])
        .where("action", "=", "staff.authenticators_reset")
        .where("target_id", "=", String(other.id))
        .executeTakeFirstOrThrow();
      expect(entry).toEqual({ actor: `staff:${admin.id}`, reason: "Lost phone, confirmed by a call to the office" });
      const staff = await after.selectFrom("staff").select("totp_enrolled_at").where("id", "=", other.id).executeTakeFirstOrThrow();
      expect(staff.totp_enrolled_at).toBeNull();
    } finally {
      await after.destroy();
    }
  });
});
