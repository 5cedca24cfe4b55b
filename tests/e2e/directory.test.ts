// The directory's layout and keyboard journey in Chromium (issue 14), against the production
// build: on a 390 × 844 phone the first result is on the first screen, with and without
// JavaScript; on a 1366 × 900 desktop a page of 25 results is under 2,000 px tall; a visitor
// with only a keyboard searches, filters, pages and opens a result.
import type { BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../helpers/browser";
import { startServer, type TestServer } from "../helpers/server";

const TIMEOUT = 60_000;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 900 };

let server: TestServer;
let browser: TestBrowser;
let context: BrowserContext | undefined;
let problems: string[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([browser?.close(), server?.stop()]);
});

afterEach(async () => {
  await context?.close();
  context = undefined;
  expect(problems).toEqual([]);
  problems = [];
});

async function hydrated(page: Page) {
  await page.waitForFunction(() => {
    const main = document.querySelector("main");
    return !!main && Object.keys(main).some((key) => key.startsWith("__reactFiber"));
  });
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
}

async function open(path: string, js: boolean, viewport: { width: number; height: number }): Promise<Page> {
  context = await browser.newContext({ javaScript: js, baseURL: server.url, viewport });
  const page = await context.newPage();
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console.error: ${message.text()}`);
  });
  const response = await page.goto(path);
  expect(response?.status(), `GET ${path}`).toBe(200);
  if (js) await hydrated(page);
  return page;
}

const results = (page: Page) => page.getByRole("region", { name: "Results" });
const resultCount = (page: Page) => results(page).getByRole("status");
const firstResult = (page: Page) => results(page).getByRole("heading", { level: 3 }).first();

/** Whether the element is wholly inside the window as it is now (no scrolling). */
async function onFirstScreen(locator: Locator) {
  return locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    return box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight && box.left >= 0 && box.right <= window.innerWidth;
  });
}

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? "");

describe.each([
  { mode: "with JavaScript", js: true },
  { mode: "without JavaScript", js: false },
])("the directory's layout $mode", ({ js }) => {
  it(
    "shows the first result on a phone's first screen, and puts the filters in a disclosure",
    async () => {
      const page = await open("/signatories", js, PHONE);
      expect(await page.evaluate(() => window.scrollY)).toBe(0);
      const first = firstResult(page);
      await expect(first.textContent()).resolves.toBe("ABB");
      const box = await first.boundingBox();
      expect(box, "the first result is laid out").not.toBeNull();
      expect(box!.y).toBeGreaterThanOrEqual(0);
      expect(box!.y + box!.height, `the first result ends at ${box!.y + box!.height} px`).toBeLessThanOrEqual(PHONE.height);
      expect(await onFirstScreen(first)).toBe(true);

      // The filters are folded away, and nothing is wider than the phone.
      const filters = page.getByRole("group", { name: "Filters" }).or(page.locator("details.filter-sheet"));
      await expect(page.locator("details.filter-sheet").getAttribute("open")).resolves.toBeNull();
      await expect(page.getByLabel("Country", { exact: true }).isVisible()).resolves.toBe(false);
      expect(await filters.count()).toBeGreaterThan(0);
      const width = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      expect(width[0]).toBeLessThanOrEqual(width[1]);
    },
    TIMEOUT,
  );

  it(
    "on a phone, a filter chosen in the sheet lands on the results, the first one on screen",
    async () => {
      const page = await open("/signatories", js, PHONE);
      await page.locator("details.filter-sheet > summary").click();
      const country = page.getByLabel("Country", { exact: true });
      await country.selectOption("FI");
      if (js) await expect.poll(() => resultCount(page).textContent()).toBe("2 signatories");
      const show = page.getByRole("button", { name: js ? "Show 2 results" : "Show results" });
      await show.click();
      await page.waitForURL((url) => url.searchParams.get("country") === "FI");
      await expect.poll(() => resultCount(page).textContent()).toBe("2 signatories");
      await expect(firstResult(page).textContent()).resolves.toBe("F-Secure");
      // The sheet is closed again and the results are on the screen.
      await expect.poll(() => page.locator("details.filter-sheet").getAttribute("open")).toBeNull();
      await expect.poll(() => onFirstScreen(firstResult(page))).toBe(true);
      // With JavaScript the focus went to the results' heading, so a screen reader reads on from there.
      if (js) await expect.poll(() => focusedId(page)).toBe("results-heading");
    },
    TIMEOUT,
  );

  it(
    "fits a page of 25 results in under 2,000 px on a desktop",
    async () => {
      const page = await open("/signatories", js, DESKTOP);
      await expect(results(page).getByRole("heading", { level: 3 }).count()).resolves.toBe(25);
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      expect(height, `the page is ${height} px tall`).toBeLessThan(2_000);
      // The filters are shown beside the results, open, without a click.
      await expect(page.getByLabel("Country", { exact: true }).isVisible()).resolves.toBe(true);
      await expect(onFirstScreen(firstResult(page))).resolves.toBe(true);
    },
    TIMEOUT,
  );

  it(
    "marks the words that matched, in the name and in the description",
    async () => {
      const page = await open("/signatories?q=micro", js, DESKTOP);
      const linkedin = results(page).getByRole("article", { name: "LinkedIn" });
      // LinkedIn matched "micro" through its description ("part of Microsoft").
      await expect(linkedin.locator("mark").allTextContents()).resolves.toEqual(["Micro"]);
      await expect(linkedin.locator("mark").evaluate((mark) => mark.parentElement?.textContent)).resolves.toContain("Microsoft");
      const trend = results(page).getByRole("article", { name: "Trend Micro" });
      await expect(trend.getByRole("heading", { level: 3 }).locator("mark").allTextContents()).resolves.toEqual(["Micro"]);
    },
    TIMEOUT,
  );
});

/** Presses Tab (Shift+Tab backwards) until `done` holds for the focused element; fails after `max` presses. */
async function tabUntil(page: Page, done: (el: Element) => boolean, description: string, backwards = false, max = 80) {
  const source = done.toString();
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(backwards ? "Shift+Tab" : "Tab");
    const found = await page.evaluate((fn) => {
      const test = new Function(`return (${fn})`)() as (el: Element) => boolean;
      return !!document.activeElement && test(document.activeElement);
    }, source);
    if (found) return;
  }
  throw new Error(`the keyboard never reached ${description}`);
}

describe.each([
  { mode: "with JavaScript", js: true },
  { mode: "without JavaScript", js: false },
])("the keyboard-only search journey $mode", ({ js }) => {
  it(
    "searches, filters, pages and opens a result with the keyboard alone",
    async () => {
      const page = await open("/signatories", js, DESKTOP);

      // Search: Tab to the box, type, Enter.
      await tabUntil(page, (el) => el.getAttribute("name") === "q", "the search box");
      await page.keyboard.type("american");
      await page.keyboard.press("Enter");
      await page.waitForURL((url) => url.searchParams.get("q") === "american");
      await expect.poll(() => resultCount(page).textContent()).toBe("20 signatories");
      if (js) await expect.poll(() => focusedId(page)).toBe("results-heading");

      // Filter: the sector select by typing its first letters, then 10 a page (one up from 25); "Show results".
      // With JavaScript the focus is on the results' heading, after the filters: back up to them.
      await tabUntil(page, (el) => el.id === "filter-sector", "the sector filter", js);
      await page.keyboard.type("Soft");
      await tabUntil(page, (el) => el.id === "filter-per-page", "the per-page choice");
      await page.keyboard.press("ArrowUp");
      await tabUntil(page, (el) => el.tagName === "BUTTON" && /^Show \d* ?results$/.test(el.textContent ?? ""), "the show button");
      await page.keyboard.press("Enter");
      await page.waitForURL((url) => url.searchParams.get("sector") === "software" && url.searchParams.get("per_page") === "10");
      await expect.poll(() => resultCount(page).textContent()).toBe("7 signatories");
      if (js) await expect.poll(() => focusedId(page)).toBe("results-heading");

      // Wider again: remove the sector filter from the chips, then page 2.
      await tabUntil(page, (el) => el.getAttribute("aria-label") === "Remove filter Sector: Software and cloud", "the sector chip");
      await page.keyboard.press("Enter");
      await page.waitForURL((url) => !url.searchParams.has("sector"));
      await expect.poll(() => resultCount(page).textContent()).toBe("20 signatories, page 1 of 2");
      if (js) await expect.poll(() => focusedId(page)).toBe("results-heading");
      await tabUntil(page, (el) => el.closest("nav[aria-label='Pages']") !== null && el.textContent?.trim() === "2", "page 2");
      await page.keyboard.press("Enter");
      await page.waitForURL((url) => url.searchParams.get("page") === "2");
      await expect.poll(() => resultCount(page).textContent()).toBe("20 signatories, page 2 of 2");
      await expect(page.locator("nav[aria-label='Pages'] [aria-current='page']").textContent()).resolves.toMatch(/2/);
      if (js) await expect.poll(() => focusedId(page)).toBe("results-heading");

      // Open the first result of page 2.
      const name = (await firstResult(page).textContent())?.trim();
      expect(name).toBeTruthy();
      await tabUntil(page, (el) => el.tagName === "A" && el.closest("h3") !== null, "the first result");
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(name);
      await page.keyboard.press("Enter");
      await page.waitForURL((url) => /^\/signatories\/[^/]+$/.test(url.pathname));
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(name);
    },
    TIMEOUT,
  );
});
