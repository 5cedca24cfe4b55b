// Browser end-to-end journeys through the public pages, against the production build.
// Every journey runs twice: with JavaScript (hydrated Remix app, client-side navigation
// and live filtering) and without it (plain HTML forms and links, CONTRACT §3).
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../helpers/browser";
import { startServer, type TestServer } from "../helpers/server";

const TIMEOUT = 60_000;
const PRINCIPLES = ["Stronger defense", "No offense", "Capacity building", "Collective action"];

let server: TestServer;
let browser: TestBrowser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([browser?.close(), server?.stop()]);
});

/** Waits until React has hydrated the document, so event handlers are in place. */
async function hydrated(page: Page) {
  await page.waitForFunction(() => {
    const main = document.querySelector("main");
    return !!main && Object.keys(main).some((key) => key.startsWith("__reactFiber"));
  });
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
}

/** Marks the current document; the mark survives client-side navigations, not reloads. */
async function markDocument(page: Page) {
  await page.evaluate(() => ((window as unknown as { __e2eMark: string }).__e2eMark = "still here"));
}
async function sameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __e2eMark?: string }).__e2eMark === "still here");
}

const results = (page: Page) => page.getByRole("region", { name: "Results" });
const resultCount = (page: Page) => results(page).getByRole("status");
const resultNames = async (page: Page) =>
  (await results(page).getByRole("heading", { level: 3 }).allTextContents()).map((t) => t.trim()).sort();

describe.each([
  { mode: "with JavaScript", js: true },
  { mode: "without JavaScript", js: false },
])("public journeys $mode", ({ js }) => {
  let context: BrowserContext | undefined;
  let problems: string[];
  /** Documents that are meant to answer with an error status (their load "fails"). */
  let expectedErrorDocuments: Set<string>;

  beforeEach(() => {
    problems = [];
    expectedErrorDocuments = new Set();
  });

  async function open(path: string): Promise<Page> {
    context = await browser.newContext({ javaScript: js, baseURL: server.url });
    const page = await context.newPage();
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      const where = message.location().url;
      if (message.text().startsWith("Failed to load resource") && expectedErrorDocuments.has(where)) return;
      problems.push(`console.error: ${message.text()}${where ? ` (${where})` : ""}`);
    });
    page.on("requestfailed", (request) => {
      const reason = request.failure()?.errorText;
      // A navigation that replaces another one aborts it; that is not a failure.
      if (reason === "net::ERR_ABORTED") return;
      // With JavaScript off, Chromium refuses to fetch the scripts (and says "csp").
      if (!js && request.resourceType() === "script") return;
      problems.push(`request failed: ${request.method()} ${request.url()} (${reason})`);
    });
    if (path) await goto(page, path);
    return page;
  }

  async function goto(page: Page, path: string, expectedStatus = 200) {
    if (expectedStatus >= 400) expectedErrorDocuments.add(new URL(path, server.url).href);
    const response = await page.goto(path);
    expect(response?.status(), `GET ${path}`).toBe(expectedStatus);
    if (js) await hydrated(page);
    // Without JavaScript the Remix app must never have started: this is plain HTML.
    else expect(await page.evaluate(() => "__remixRouter" in window)).toBe(false);
    return response!;
  }

  afterEach(async () => {
    await context?.close();
    context = undefined;
    // Nothing may go wrong in the page along the way: no uncaught exception, no console error.
    expect(problems).toEqual([]);
  });

  it(
    "searches from the home page",
    async () => {
      const page = await open("/");
      await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Who signed the Cybersecurity Tech Accord");
      const box = page.getByRole("searchbox", { name: "Search the directory" });
      await box.fill("trend micro");
      await box.press("Enter");

      await page.waitForURL((url) => url.pathname === "/signatories" && url.searchParams.get("q") === "trend micro");
      await expect.poll(() => resultNames(page)).toContain("Trend Micro");
      expect(await resultNames(page)).not.toContain("Microsoft");
      await expect(results(page).getByRole("link", { name: "Microsoft", exact: true }).count()).resolves.toBe(0);
      // The query stays in the directory's own search box, and the page title says what was searched.
      await expect(page.getByRole("searchbox", { name: "Search", exact: true }).inputValue()).resolves.toBe("trend micro");
      expect(await page.title()).toContain("trend micro");
    },
    TIMEOUT,
  );

  it(
    "opens a signatory from the directory",
    async () => {
      const page = await open("/signatories");
      const box = page.getByRole("searchbox", { name: "Search", exact: true });
      await box.fill("telefonica");
      // With JavaScript the typed words are searched as they come (debounced); pressing the
      // button as well would leave that pending search to land after the click on a result.
      if (!js) await page.getByRole("button", { name: "Search", exact: true }).click();
      await page.waitForURL((url) => url.searchParams.get("q") === "telefonica");
      await expect.poll(() => resultNames(page)).toEqual(["Telefónica"]);

      await results(page).getByRole("link", { name: "Telefónica" }).click();
      await page.waitForURL((url) => url.pathname === "/signatories/telefonica");
      const heading = page.getByRole("heading", { level: 1 });
      await expect.poll(() => heading.textContent()).toBe("Telefónica");
      expect(await page.title()).toBe("Telefónica · Accord Registry");

      const fact = (term: string) => page.locator(".facts > div", { has: page.locator("dt", { hasText: term }) }).locator("dd");
      await expect(fact("Headquarters").textContent()).resolves.toBe("Spain");
      await expect(fact("Joined").textContent()).resolves.toMatch(/^17 April 2018/);
      await expect(fact("Joined").locator("time").getAttribute("datetime")).resolves.toBe("2018-04-17");

      const pledges = page.getByRole("region", { name: "Pledges" });
      const principleRows = pledges.getByRole("row").filter({ hasText: "Principle" });
      const pledged = (await principleRows.getByRole("rowheader").allTextContents()).map((t) => t.trim());
      expect(pledged.sort()).toEqual([...PRINCIPLES].sort());
    },
    TIMEOUT,
  );

  it(
    "filters the directory by country and removes the filter again",
    async () => {
      const page = await open("/signatories");
      await expect(resultCount(page).textContent()).resolves.toBe("35 signatories, page 1 of 2");
      if (js) await markDocument(page);

      const country = page.getByLabel("Country", { exact: true });
      await country.selectOption("FI");
      expect(await country.locator("option:checked").textContent()).toMatch(/^Finland/);
      // The sheet's button says what it will show once JavaScript keeps its count current.
      if (!js) await page.getByRole("button", { name: "Show results" }).click();
      else await expect.poll(() => page.getByRole("button", { name: "Show 2 results" }).count()).toBe(1);

      await page.waitForURL((url) => url.searchParams.getAll("country").join() === "FI");
      await expect.poll(() => resultCount(page).textContent()).toBe("2 signatories");
      expect(await resultNames(page)).toEqual(["F-Secure", "Nokia"]);
      // With JavaScript the change alone updated the results, in place (no page load).
      if (js) expect(await sameDocument(page)).toBe(true);

      const chip = page.getByRole("link", { name: "Remove filter Country: Finland" });
      await expect(chip.textContent()).resolves.toContain("Country: Finland");
      await chip.click();
      await page.waitForURL((url) => url.pathname === "/signatories" && !url.searchParams.has("country"));
      await expect.poll(() => resultCount(page).textContent()).toBe("35 signatories, page 1 of 2");
      await expect(chip.count()).resolves.toBe(0);
      await expect(country.inputValue()).resolves.toBe("");
      expect(await results(page).getByRole("heading", { level: 3 }).count()).toBe(25);
    },
    TIMEOUT,
  );

  it.runIf(js)(
    "updates the results while the visitor types, without submitting",
    async () => {
      const page = await open("/signatories");
      await markDocument(page);
      const box = page.getByRole("searchbox", { name: "Search", exact: true });
      await box.click();
      await box.pressSequentially("cloudfl", { delay: 40 });

      await page.waitForURL((url) => url.searchParams.get("q") === "cloudfl");
      await expect.poll(() => resultCount(page).textContent()).toBe("1 signatory");
      expect(await resultNames(page)).toEqual(["Cloudflare"]);
      expect(await sameDocument(page)).toBe(true);
      // Typing was never interrupted: the box kept its text and the focus.
      await expect(box.inputValue()).resolves.toBe("cloudfl");
      await expect(box.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    },
    TIMEOUT,
  );

  it(
    "explains an invalid parameter with a 400 page naming it",
    async () => {
      const page = await open("");
      await goto(page, "/signatories?country=XX", 400);
      const heading = page.getByRole("heading", { level: 1 });
      await expect(heading.textContent()).resolves.toBe("This request cannot be answered");
      const message = await page.locator(".error-message").textContent();
      expect(message).toMatch(/\bcountry\b/);
      // No internals leak into the page.
      const body = (await page.locator("body").textContent()) ?? "";
      expect(body).not.toMatch(/\bat .*\.(js|ts):\d+|SqliteError|SELECT /);
      await expect(page.getByRole("link", { name: "browse the directory" }).count()).resolves.toBe(1);
    },
    TIMEOUT,
  );
});
