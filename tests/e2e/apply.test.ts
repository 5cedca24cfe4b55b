// Applying to join in Chromium, against the production build with a real SMTP server:
// apply → the mail arrives → its verification link → the status page says pending →
// withdraw → withdrawn. With JavaScript and without it; and once more with the keyboard
// alone. axe scans (0 violations) and a check that nothing scrolls sideways, at 1280 × 900
// and at 390 × 844, of every applicant page on the way: the form (empty and with errors),
// the received page, the e-mail verification page, the status page (in review, with errors,
// approved with its next steps, withdrawn) and the withdrawal confirmation. Plus the form
// over plain HTTP as an outside client posts it.
import { AxeBuilder } from "@axe-core/playwright";
import type { Result } from "axe-core";
import type { BrowserContext, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "~/modules/database/db.server";
import { hashToken, newRef, newToken } from "~/modules/applications/tokens.server";
import { insertApplication } from "../integration/staff-fixtures";
import { launchBrowser, type TestBrowser } from "../helpers/browser";
import { startServer, type TestServer } from "../helpers/server";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp";

const TIMEOUT = 90_000;
let server: TestServer;
let browser: TestBrowser;
let smtp: TestSmtp;
let sequence = 0;

beforeAll(async () => {
  smtp = await startTestSmtp();
  [server, browser] = await Promise.all([startServer({ SMTP_URL: smtp.url, APPLY_LIMIT_PER_HOUR: "100" }), launchBrowser()]);
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([browser?.close(), server?.stop(), smtp?.close()]);
});

async function hydrated(page: Page) {
  await page.waitForFunction(() => {
    const main = document.querySelector("main");
    return !!main && Object.keys(main).some((key) => key.startsWith("__reactFiber"));
  });
}

function describeViolations(violations: Result[]): string[] {
  return violations.flatMap((violation) =>
    violation.nodes.map(
      (node) => `${violation.id} (${violation.impact}) at ${node.target.join(" ")}: ${violation.help} [${node.html.slice(0, 160)}]`,
    ),
  );
}

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

/** axe (every rule it runs by default) at a desktop's size and a phone's, and nothing wider
 * than the window at either: the page as it is now (a form with its errors stays so). axe
 * runs as a script in the page, so only where scripts run (the markup is the same
 * server-rendered HTML either way); the width is measured in both modes. The page is left at
 * the desktop size. */
async function expectAccessibleAtBothSizes(page: Page, what: string, js: boolean) {
  for (const [size, viewport] of [
    ["1280 × 900", DESKTOP],
    ["390 × 844", PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    if (js) {
      const { violations } = await new AxeBuilder({ page }).analyze();
      const found = describeViolations(violations);
      if (found.length > 0) console.error(`axe violations on ${what} at ${size}:\n  ${found.join("\n  ")}`);
      expect(found, `${what} at ${size}`).toEqual([]);
    }
    const [scrollWidth, innerWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    expect(scrollWidth, `${what} is ${scrollWidth} px wide in a ${innerWidth} px window`).toBeLessThanOrEqual(innerWidth);
  }
  await page.setViewportSize(DESKTOP);
}

/** Fills the form as a person would, the pledges last. `website` and `skipPledge` make it
 * wrong on purpose; the focus is then on a pledge box as "Send" is pressed, so the pledges'
 * message appears just above the button while it is being clicked. */
async function fillForm(page: Page, n: number, wrong: { website?: string; skipPledge?: string } = {}) {
  await page.getByLabel("Organisation's legal name").fill(`Northwind Security ${n}`);
  await page.getByLabel("Website").fill(wrong.website ?? `https://www.northwind-${n}.co.uk`);
  await page.getByLabel("Headquarters country").selectOption("GB");
  await page.getByLabel("Sector").selectOption("security");
  await page.getByLabel("What the organisation does").fill("Northwind builds intrusion detection for small hospitals and schools.");
  await page.getByLabel("Your name").fill("Jane Doe");
  await page.getByLabel("Your job title").fill("Chief Information Security Officer");
  await page.getByLabel("Your work e-mail address").fill(`jane.doe.${n}@northwind-${n}.co.uk`);
  await page.getByRole("checkbox", { name: /^I confirm that I have the authority/ }).check();
  for (const title of ["Stronger defense", "No offense", "Capacity building", "Collective action"]) {
    if (title !== wrong.skipPledge) await page.getByRole("checkbox", { name: `${title} (required)` }).check();
  }
}

async function mailTo(address: string) {
  const until = Date.now() + 20_000;
  for (;;) {
    const mail = smtp.mails.find((m) => m.to === address);
    if (mail) return mail;
    if (Date.now() > until) throw new Error(`no mail to ${address}; received: ${smtp.mails.map((m) => m.to).join(", ")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each([
  { mode: "with JavaScript", js: true },
  { mode: "without JavaScript", js: false },
])("applying $mode", ({ js }) => {
  let context: BrowserContext;
  let problems: string[];
  /** An answer with this status is expected now (the browser logs it as a failed load). */
  let expectedStatus: number | null = null;

  beforeEach(async () => {
    problems = [];
    expectedStatus = null;
    context = await browser.newContext({ javaScript: js, baseURL: server.url });
  });
  afterEach(async () => {
    await context.close();
    expect(problems).toEqual([]);
  });

  async function open(path: string, status = 200): Promise<Page> {
    const page = await context.newPage();
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      // A page answered with a 4xx status is reported as a failed resource load.
      const failed = message.text().match(/^Failed to load resource: the server responded with a status of (\d+)/);
      if (failed && (Number(failed[1]) === status || Number(failed[1]) === expectedStatus)) return;
      problems.push(`console.error: ${message.text()}`);
    });
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(status);
    if (js) await hydrated(page);
    else expect(await page.evaluate(() => "__remixRouter" in window)).toBe(false);
    return page;
  }

  it(
    "apply → mail → verify → pending → withdraw → withdrawn",
    async () => {
      const n = ++sequence + (js ? 1000 : 2000);
      const page = await open("/apply");
      await expectAccessibleAtBothSizes(page, "/apply (empty)", js);

      // A first try with an http:// website and a principle left out: refused beside those
      // fields, the rest kept.
      await fillForm(page, n, { website: `http://www.northwind-${n}.co.uk`, skipPledge: "Capacity building" });
      await page.waitForTimeout(2_100); // the form's minimum fill time
      expectedStatus = 400;
      await page.getByRole("button", { name: "Send the application" }).click();
      // One click was enough: the server's answer (its summary) is there.
      await page.locator(".error-summary").waitFor();
      await expect(page.locator(".error-summary h2").textContent()).resolves.toBe("2 answers need a change");
      const website = page.getByLabel("Website");
      await expect.poll(() => website.getAttribute("aria-invalid")).toBe("true");
      const errorId = (await website.getAttribute("aria-describedby"))!.split(" ").find((id) => id.endsWith("-error"))!;
      await expect(page.locator(`#${errorId}`).textContent()).resolves.toBe(
        "Error: Enter the website's address starting with https:// (for example https://example.com).",
      );
      // Without JavaScript the server answered and the first wrong field has the focus; with it,
      // the browser stopped the submission (nothing sent, nothing counted) and the summary has it.
      if (js) await expect.poll(() => page.evaluate(() => document.activeElement?.className)).toBe("error-summary");
      else await expect.poll(() => website.evaluate((el) => el === document.activeElement)).toBe(true);
      await expect(page.getByLabel("Organisation's legal name").inputValue()).resolves.toBe(`Northwind Security ${n}`);
      // The title says so first (GOV.UK's pattern), whether the server or the browser refused it.
      await expect.poll(() => page.title()).toBe("Error: Apply to join · Accord Registry");
      await expect(page.getByRole("checkbox", { name: "No offense (required)" }).isChecked()).resolves.toBe(true);
      if (js) await hydrated(page);
      await expectAccessibleAtBothSizes(page, "/apply with errors", js);

      await expect(page.getByRole("checkbox", { name: "Capacity building (required)" }).getAttribute("aria-invalid")).resolves.toBe("true");

      // Corrected and sent again.
      expectedStatus = null;
      await website.fill(`https://www.northwind-${n}.co.uk`);
      await page.getByRole("checkbox", { name: "Capacity building (required)" }).check();
      await page.getByRole("button", { name: "Send the application" }).click();
      await page.waitForURL((url) => url.pathname === "/apply/received");
      const ref = await page.locator(".ref").textContent();
      expect(ref).toMatch(/^AR-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{8}$/);
      expect(new URL(page.url()).searchParams.get("ref")).toBe(ref);
      await expect(page.getByRole("heading", { name: "Check your e-mail" }).count()).resolves.toBe(1);
      if (js) await hydrated(page);
      await expectAccessibleAtBothSizes(page, "/apply/received", js);

      // The mail, through the server's outbox and sender to the SMTP server.
      const mail = await mailTo(`jane.doe.${n}@northwind-${n}.co.uk`);
      expect(mail.subject).toBe(`Confirm your application to the Accord Registry (${ref})`);
      expect(mail.text).toContain(`Reference: ${ref}`);
      const verifyLink = mail.links.find((l) => l.startsWith(`${server.url}/apply/verify?token=`))!;
      const statusLink = mail.links.find((l) => l.startsWith(`${server.url}/applications/${ref}?token=`))!;
      expect(verifyLink).toBeTruthy();
      expect(statusLink).toBeTruthy();

      const verified = await open(verifyLink);
      await expect(verified.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Thank you: your e-mail address is confirmed");
      await expectAccessibleAtBothSizes(verified, "the e-mail verification page", js);
      await verified.getByRole("link", { name: "Open your private status page" }).click();
      await verified.waitForURL(statusLink);
      if (js) await hydrated(verified);
      const status = verified.locator("#status-title .app-status");
      await expect.poll(() => status.getAttribute("data-status")).toBe("pending");
      await expect(status.textContent()).resolves.toBe("In review");
      await expectAccessibleAtBothSizes(verified, "status page", js);

      // Withdrawing asks first, on a page of its own.
      await verified.getByRole("button", { name: "Withdraw the application…" }).click();
      await verified.waitForURL((url) => url.pathname === `/applications/${ref}/withdraw`);
      if (js) await hydrated(verified);
      await expectAccessibleAtBothSizes(verified, "withdrawal confirmation", js);
      await verified.getByRole("button", { name: "Yes, withdraw the application" }).click();
      await expect.poll(() => status.getAttribute("data-status")).toBe("withdrawn");
      expect(verified.url()).toBe(statusLink);
      await expect(verified.getByText("Withdrawn by the applicant").count()).resolves.toBe(1);
      await expect(verified.getByRole("button", { name: "Withdraw the application…" }).count()).resolves.toBe(0);
      if (js) await hydrated(verified);
      await expectAccessibleAtBothSizes(verified, "a withdrawn application's status page", js);
    },
    TIMEOUT,
  );

  it(
    "a correction with a mistake shows the form again with its message, titled 'Error:', then goes through (fix 7)",
    async () => {
      const n = ++sequence + (js ? 5000 : 6000);
      const page = await open("/apply");
      await fillForm(page, n);
      // With a logo: the form sends it as multipart (with JavaScript, once a file is chosen).
      const logo = await sharp({ create: { width: 160, height: 90, channels: 3, background: "#134e4a" } })
        .jpeg()
        .toBuffer();
      await page.getByLabel("Logo (optional)").setInputFiles({ name: "logo.jpg", mimeType: "image/jpeg", buffer: logo });
      await page.waitForTimeout(2_100);
      await page.getByRole("button", { name: "Send the application" }).click();
      await page.waitForURL((url) => url.pathname === "/apply/received");
      const ref = (await page.locator(".ref").textContent())!;
      const mail = await mailTo(`jane.doe.${n}@northwind-${n}.co.uk`);
      const verifyLink = mail.links.find((l) => l.startsWith(`${server.url}/apply/verify?token=`))!;
      const statusLink = mail.links.find((l) => l.startsWith(`${server.url}/applications/${ref}?token=`))!;
      await open(verifyLink);
      // A moderator asks for changes (written as the staff area writes it).
      const db = openDatabase(server.databasePath);
      try {
        const { id } = await db.selectFrom("applications").select("id").where("ref", "=", ref).executeTakeFirstOrThrow();
        expect(await db.selectFrom("application_logos").select("hash").where("application_id", "=", id).executeTakeFirst()).toBeTruthy();
        await db.updateTable("applications").set({ status: "changes_requested" }).where("id", "=", id).execute();
        await db
          .insertInto("application_events")
          .values({
            application_id: id,
            kind: "changes_requested",
            reason: "Name your products.",
            actor: "staff:1",
            created_at: new Date().toISOString(),
          })
          .execute();
      } finally {
        await db.destroy();
      }

      const status = await open(statusLink);
      await expect(status.locator(".app-status").getAttribute("data-status")).resolves.toBe("changes_requested");
      const description = status.getByLabel("What the organisation does");
      await description.fill("Firewalls.");
      await status.getByRole("checkbox", { name: /^I confirm that I have the authority/ }).check();
      expectedStatus = 400;
      await status.getByRole("button", { name: "Send the corrected application" }).click();
      // The form again, with its message, on the page's own address (never "Page not found").
      await expect.poll(() => description.getAttribute("aria-invalid")).toBe("true");
      await expect(status.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(`Northwind Security ${n}`);
      await expect(description.inputValue()).resolves.toBe("Firewalls.");
      await expect.poll(() => status.title()).toMatch(/^Error: /);
      if (js) await hydrated(status);
      await expectAccessibleAtBothSizes(status, "status page with errors", js);

      expectedStatus = null;
      await description.fill("Northwind makes the Longship firewall for hospitals and schools.");
      await status.getByRole("checkbox", { name: /^I confirm that I have the authority/ }).check();
      await status.getByRole("button", { name: "Send the corrected application" }).click();
      await expect.poll(() => status.locator(".app-status").getAttribute("data-status")).toBe("pending");
      await expect(status.title()).resolves.not.toMatch(/^Error/);
      expect(status.url()).toBe(statusLink);
    },
    TIMEOUT,
  );

  it(
    "an approved application's status page says so, with the next steps and the badge code, at both sizes",
    async () => {
      // Approved as the staff area leaves it: decided, an event, the signatory it became.
      const [token, ref] = [newToken(), newRef()];
      const db = openDatabase(server.databasePath);
      try {
        const { id } = await insertApplication(db, { status: "approved", name: "Nokia" });
        const nokia = await db.selectFrom("signatories").select("id").where("slug", "=", "nokia").executeTakeFirstOrThrow();
        const now = new Date().toISOString();
        await db
          .updateTable("applications")
          .set({ ref, status_token_hash: hashToken(token), signatory_id: nokia.id, decided_at: now })
          .where("id", "=", id)
          .execute();
        await db
          .insertInto("application_events")
          .values({ application_id: id, kind: "approved", reason: null, actor: "staff:1", created_at: now })
          .execute();
      } finally {
        await db.destroy();
      }
      const page = await open(`/applications/${ref}?token=${token}`);
      await expect(page.locator("#status-title .app-status").getAttribute("data-status")).resolves.toBe("approved");
      await expect(page.getByRole("heading", { name: "Nokia is a signatory of the Cybersecurity Tech Accord" }).count()).resolves.toBe(1);
      // The badge's code whole, every line of it inside its box (nothing cut off at either size).
      const code = page.locator(".approval pre.snippet");
      await expect(code.textContent()).resolves.toMatch(/^<a href="http[^"]+\/signatories\/nokia"><img src=.*<\/a>$/);
      for (const viewport of [DESKTOP, PHONE]) {
        await page.setViewportSize(viewport);
        const fits = await code.evaluate((el) => el.scrollHeight <= el.clientHeight && el.scrollWidth <= el.clientWidth);
        expect(fits, `the badge's code fits its box at ${viewport.width} px`).toBe(true);
      }
      if (js) await expect(page.getByRole("button", { name: "Copy the badge's HTML" }).count()).resolves.toBe(1);
      await expect(page.getByRole("button", { name: "Withdraw the application…" }).count()).resolves.toBe(0);
      await expectAccessibleAtBothSizes(page, "an approved application's status page", js);
    },
    TIMEOUT,
  );

  it(
    "the whole journey with the keyboard alone: fill in, a mistake fixed through the error summary, send, verify, status",
    async () => {
      const n = ++sequence + (js ? 7000 : 8000);
      const page = await open("/apply");
      const opened = Date.now();
      /** What a screen reader would call the focused element: its label, else its text. */
      const focusedName = () =>
        page.evaluate(() => {
          const el = document.activeElement as HTMLInputElement | null;
          const text = el?.labels?.[0]?.textContent ?? el?.textContent ?? "";
          return text.replace(/\s+/g, " ").trim();
        });
      /** Tab (or Shift+Tab) until the focus is on the control so named (at most 150 steps). */
      const tabTo = async (name: string | RegExp, key: "Tab" | "Shift+Tab" = "Tab") => {
        const seen: string[] = [];
        for (let i = 0; i < 150; i++) {
          await page.keyboard.press(key);
          const now = await focusedName();
          if (typeof name === "string" ? now === name : name.test(now)) return;
          seen.push(now);
        }
        throw new Error(`the keyboard never reached ${name}; it went through: ${seen.join(" | ")}`);
      };
      const fill = async (label: string | RegExp, text: string) => {
        await tabTo(label);
        await page.keyboard.type(text);
      };

      await fill("Organisation's legal name", `Keyboard Security ${n}`);
      // The mistake: a website without https://.
      await fill("Website", `http://www.keyboard-${n}.co.uk`);
      await fill("Headquarters country", "United Kingdom"); // a closed select picks what is typed
      await fill("Sector", "Cybersecurity");
      await fill("What the organisation does", "Keyboard Security audits the firewalls of small hospitals and schools.");
      await fill("Your name", "Jane Doe");
      await fill("Your job title", "Chief Information Security Officer");
      await fill("Your work e-mail address", `jane.doe.${n}@keyboard-${n}.co.uk`);
      for (const title of ["Stronger defense", "No offense", "Capacity building", "Collective action"]) {
        await tabTo(`${title} (required)`);
        await page.keyboard.press("Space");
      }
      await tabTo(/^I confirm that I have the authority/);
      await page.keyboard.press("Space");
      await expect(page.getByLabel("Headquarters country").inputValue()).resolves.toBe("GB");
      await expect(page.getByLabel("Sector").inputValue()).resolves.toBe("security");
      await expect(page.getByRole("checkbox", { name: "Collective action (required)" }).isChecked()).resolves.toBe(true);
      await expect(page.getByRole("checkbox", { name: /^I confirm that I have the authority/ }).isChecked()).resolves.toBe(true);
      await page.waitForTimeout(Math.max(0, 2_100 - (Date.now() - opened))); // the form's minimum fill time

      expectedStatus = 400;
      await tabTo("Send the application");
      await page.keyboard.press("Enter");
      await page.locator(".error-summary").waitFor();
      await expect(page.locator(".error-summary h2").textContent()).resolves.toBe("One answer needs a change");
      // The summary's link to the field: with JavaScript the focus is on the summary, so
      // forward; without, the server focused the wrong field itself, so back up to it.
      await tabTo(/^Website: /, js ? "Tab" : "Shift+Tab");
      await page.keyboard.press("Enter");
      await expect.poll(focusedName).toBe("Website");
      await page.keyboard.press("ControlOrMeta+A");
      await page.keyboard.type(`https://www.keyboard-${n}.co.uk`);
      expectedStatus = null;
      await tabTo("Send the application");
      await page.keyboard.press("Enter");
      await page.waitForURL((url) => url.pathname === "/apply/received");
      const ref = await page.locator(".ref").textContent();

      // The verification link, from the mail as the SMTP server received it.
      const mail = await mailTo(`jane.doe.${n}@keyboard-${n}.co.uk`);
      const verifyLink = mail.links.find((l) => l.startsWith(`${server.url}/apply/verify?token=`))!;
      await page.goto(verifyLink);
      if (js) await hydrated(page);
      await tabTo("Open your private status page");
      await page.keyboard.press("Enter");
      await page.waitForURL((url) => url.pathname === `/applications/${ref}`);
      if (js) await hydrated(page);
      const status = page.locator("#status-title .app-status");
      await expect.poll(() => status.getAttribute("data-status")).toBe("pending");
      await expect(status.textContent()).resolves.toBe("In review");
      await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(`Keyboard Security ${n}`);
    },
    TIMEOUT,
  );

  it(
    "a wrong status link is a 404 page",
    async () => {
      const page = await open(`/applications/AR-22222222?token=${"A".repeat(43)}`, 404);
      await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Page not found");
    },
    TIMEOUT,
  );
});

describe("POST /apply over HTTP, as an outside client sends it", () => {
  /** GET /apply: the cookie and every hidden input the form renders. */
  async function getForm() {
    const response = await fetch(`${server.url}/apply`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const cookie = response.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const html = await response.text();
    const hidden = [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map(([, name, value]) => [
      name,
      value.replace(/&amp;/g, "&"),
    ]);
    const honeypot = html.match(/<input id="form-extra-field" type="text" name="([^"]+)"/)![1];
    return { cookie, hidden, honeypot };
  }

  it(
    "takes the form with its hidden inputs sent back: 303 to the reference; then the private pages keep their address to this site",
    async () => {
      const { cookie, hidden, honeypot } = await getForm();
      expect(hidden.map(([name]) => name)).toEqual(["csrf", "form_started"]);
      await new Promise((r) => setTimeout(r, 2_100));
      const n = ++sequence + 3000;
      const body = new URLSearchParams([
        ...hidden,
        [honeypot, ""],
        ["name", `Northwind Security ${n}`],
        ["website", `https://www.northwind-${n}.co.uk`],
        ["country", "GB"],
        ["sector", "security"],
        ["description", "Northwind builds intrusion detection for small hospitals and schools."],
        ["contact_name", "Jane Doe"],
        ["contact_title", "CISO"],
        ["contact_email", `jane@northwind-${n}.co.uk`],
        ["pledges", "stronger-defense"],
        ["pledges", "no-offense"],
        ["pledges", "capacity-building"],
        ["pledges", "collective-action"],
        ["accept", "on"],
      ]);
      const post = (init: RequestInit = {}) =>
        fetch(`${server.url}/apply`, {
          method: "POST",
          redirect: "manual",
          headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie, Origin: server.url },
          body,
          ...init,
        });
      const response = await post();
      expect(response.status).toBe(303);
      const location = response.headers.get("Location")!;
      expect(location).toMatch(/^\/apply\/received\?ref=AR-[A-Z0-9]{8}$/);

      // Without the cookie the token belongs to no one: 403.
      const forged = await post({ headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url } });
      expect(forged.status).toBe(403);
      // Over 64 KiB: 413 from the server, before the action.
      const huge = await post({ body: `${body}&description=${"x".repeat(70_000)}` });
      expect(huge.status).toBe(413);

      // A logo (CONTRACT §8): multipart with a file is taken (the cap rises for this upload
      // only); over 2 MiB it is a 413; a hostile file is refused beside the field (400).
      const multipart = (fields: URLSearchParams, logo: Blob, name: string) => {
        const form = new FormData();
        for (const [k, v] of fields) form.append(k, v);
        form.set("logo", logo, name);
        return fetch(`${server.url}/apply`, {
          method: "POST",
          redirect: "manual",
          headers: { Cookie: cookie, Origin: server.url },
          body: form,
        });
      };
      const withName = (m: number) => {
        const fields = new URLSearchParams(body);
        fields.set("name", `Northwind Security ${m}`);
        fields.set("website", `https://www.northwind-${m}.co.uk`);
        fields.set("contact_email", `jane@northwind-${m}.co.uk`);
        return fields;
      };
      const logo = await sharp({ create: { width: 200, height: 200, channels: 4, background: "#0b2545" } })
        .png()
        .toBuffer();
      // Padded past 64 KiB, still under 2 MiB: the pixels are re-encoded, the padding dropped.
      const padded = new Blob([logo, new Uint8Array(300_000)], { type: "image/png" });
      expect((await multipart(withName(n + 100), padded, "logo.png")).status).toBe(303);
      const svg = await multipart(withName(n + 200), new Blob(["<svg xmlns='http://www.w3.org/2000/svg'/>"]), "logo.png");
      expect(svg.status).toBe(400);
      expect(await svg.text()).toContain("SVG logos are not accepted");
      const oversize = await multipart(withName(n + 300), new Blob([new Uint8Array(2 * 1024 * 1024 + 100 * 1024)]), "logo.png");
      expect(oversize.status).toBe(413);
      // The cap rises for a logo upload only: a large multipart body elsewhere is still a 413.
      const elsewhere = new FormData();
      elsewhere.set("padding", new Blob([new Uint8Array(100_000)]), "x.bin");
      const login = await fetch(`${server.url}/login`, {
        method: "POST",
        headers: { Cookie: cookie, Origin: server.url },
        body: elsewhere,
      });
      expect(login.status).toBe(413);

      const mail = await mailTo(`jane@northwind-${n}.co.uk`);
      const statusLink = mail.links.find((l) => l.includes("/applications/"))!;
      const page = await fetch(statusLink);
      expect(page.status).toBe(200);
      expect(page.headers.get("Cache-Control")).toBe("no-store");
      expect(page.headers.get("Referrer-Policy")).toBe("same-origin");
      expect(await page.text()).toContain('data-status="unverified"');
      const wrong = await fetch(statusLink.replace(/token=.*/, `token=${"A".repeat(43)}`));
      expect(wrong.status).toBe(404);
      expect(wrong.headers.get("Referrer-Policy")).toBe("same-origin");
    },
    TIMEOUT,
  );
});
