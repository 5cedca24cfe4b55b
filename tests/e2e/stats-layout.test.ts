// The statistics page and a signatory's page as people see them (issue 14), in Chromium
// against the production build: /stats is one chart per question, short on a desktop,
// readable on a phone (chart text measured as drawn: an SVG's text scales with its width),
// bars instead of a world map, every chart's figures in a "Show as table" disclosure that
// works without JavaScript; a signatory's page puts its facts first and folds the badge
// block away. axe-core runs with every disclosure open, at both sizes.
import { AxeBuilder } from "@axe-core/playwright";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../helpers/browser";
import { startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: TestBrowser;

const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([browser?.close(), server?.stop()]);
});

async function open(
  path: string,
  { javaScript, viewport }: { javaScript: boolean; viewport: { width: number; height: number } },
): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({ javaScript, viewport, baseURL: server.url });
  const page = await context.newPage();
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(200);
  if (javaScript) {
    await page.waitForFunction(() => Object.keys(document.querySelector("main")!).some((k) => k.startsWith("__reactFiber")));
  }
  return { page, context };
}

/** Every piece of chart text with the size it is drawn at, in CSS pixels: its font size in
 * the SVG's units times the SVG's scale on screen (rotation included). */
function chartTextSizes(page: Page) {
  return page.evaluate(() =>
    [...document.querySelectorAll<SVGTextElement>("main svg text")]
      .filter((t) => t.getBoundingClientRect().width > 0)
      .map((t) => {
        const m = t.getScreenCTM()!;
        const size = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
        return { text: t.textContent ?? "", size: Math.round(size * 100) / 100, height: t.getBoundingClientRect().height };
      }),
  );
}

const pageWidth = (page: Page) => page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);

async function openEveryTable(page: Page) {
  for (const summary of await page.locator("main summary", { hasText: "Show as table" }).all()) await summary.click();
}

describe("/stats", () => {
  it.each([true, false])(
    "is under 2,500 px tall at 1366 × 900, one chart per question (JavaScript: %s)",
    async (javaScript) => {
      const { page, context } = await open("/stats", { javaScript, viewport: DESKTOP });
      try {
        const height = await page.evaluate(() => document.documentElement.scrollHeight);
        expect(height).toBeLessThan(2500);
        const charts = await page.locator("main svg[role=img]").evaluateAll((svgs) => svgs.map((s) => s.closest("section")!.id || s.id));
        // Growth, countries, sectors, pledges: four questions, four charts.
        expect(charts).toHaveLength(4);
        expect(await page.locator("main section h2").allTextContents()).toEqual([
          "How the accord has grown",
          "Where they are based",
          "What they do",
          "What they endorse",
        ]);
        // Chart text stays text-sized on a wide screen too.
        const sizes = (await chartTextSizes(page)).map((t) => t.size);
        expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12);
        expect(Math.max(...sizes)).toBeLessThanOrEqual(18);
      } finally {
        await context.close();
      }
    },
    60_000,
  );

  it("draws chart text at 12 px or more at 390 × 844, with bars instead of a map, and never scrolls sideways", async () => {
    const { page, context } = await open("/stats", { javaScript: true, viewport: PHONE });
    try {
      const texts = await chartTextSizes(page);
      expect(texts.length).toBeGreaterThan(40);
      const small = texts.filter((t) => t.size < 12);
      expect(small, JSON.stringify(small.slice(0, 5))).toEqual([]);
      // Not only the computed size: the glyphs' box on screen is as tall as 12 px text's.
      expect(Math.min(...texts.map((t) => t.height))).toBeGreaterThanOrEqual(12);

      // No world map anywhere; the countries are bars, each country's name readable in full.
      expect(await page.locator("main .world-map, main path[class^='map-level']").count()).toBe(0);
      const countries = page.getByRole("img", { name: /active signatories by headquarters country/ });
      expect(await countries.isVisible()).toBe(true);
      const bars = countries.locator(".chart-bar");
      expect(await bars.count()).toBe(10);
      expect(await countries.locator(".chart-label").first().textContent()).toBe("United States of America");
      const box = (await countries.boundingBox())!;
      expect(box.width).toBeGreaterThan(300);
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);

      expect(await pageWidth(page)).toEqual([PHONE.width, PHONE.width]);
      // With every table open, still nothing wider than the screen (wide tables scroll in their box).
      await openEveryTable(page);
      const [scrollWidth] = await pageWidth(page);
      expect(scrollWidth).toBeLessThanOrEqual(PHONE.width);
    } finally {
      await context.close();
    }
  }, 60_000);

  it("shows each chart's figures under 'Show as table', without JavaScript", async () => {
    const { page, context } = await open("/stats", { javaScript: false, viewport: PHONE });
    try {
      const summaries = page.locator("main summary", { hasText: "Show as table" });
      expect(await summaries.count()).toBe(4);
      const table = page.getByRole("table", { name: "Active signatories by headquarters country" });
      expect(await table.count()).toBe(0); // folded: not in the accessibility tree
      await page.getByText("Show as table: signatories by country").click();
      expect(await table.getByRole("row", { name: /United States of America 23/ }).count()).toBe(1);
      // The growth chart's table: 2018, then the years without a recorded join in one row.
      await page.getByText("Show as table: joins per year and the accord's published counts").click();
      const growth = page.getByRole("table", { name: "Joins recorded here each year, and the counts the accord published" });
      const years = await growth.getByRole("rowheader").allTextContents();
      expect(years[0]).toBe("2018");
      expect(years[1]).toMatch(/^2019–\d{4}$/);
      expect(await growth.getByRole("row").nth(2).textContent()).toContain("not recorded");
      // The published counts with their sources sit in the same disclosure.
      expect(await page.getByRole("table", { name: "The accord's size as public sources reported it" }).getByRole("row").count()).toBe(7);
    } finally {
      await context.close();
    }
  }, 60_000);

  it.each([
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const)(
    "passes axe with every table open (%s)",
    async (_name, viewport) => {
      const { page, context } = await open("/stats", { javaScript: true, viewport });
      try {
        await openEveryTable(page);
        const { violations } = await new AxeBuilder({ page }).analyze();
        expect(violations.flatMap((v) => v.nodes.map((n) => `${v.id} at ${n.target.join(" ")}: ${v.help}`))).toEqual([]);
      } finally {
        await context.close();
      }
    },
    60_000,
  );
});

describe("a signatory's page", () => {
  it.each([true, false])(
    "puts the facts above the pledges and folds the badge block away (JavaScript: %s)",
    async (javaScript) => {
      for (const viewport of [PHONE, DESKTOP]) {
        const { page, context } = await open("/signatories/nokia", { javaScript, viewport });
        try {
          const top = async (locator: ReturnType<Page["locator"]>) => (await locator.boundingBox())!.y;
          const facts = page.getByRole("definition");
          const fact = (term: string) => page.locator(".record-facts > div", { has: page.locator("dt", { hasText: term }) }).locator("dd");
          expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Nokia");
          expect(await fact("Headquarters").textContent()).toBe("Finland");
          expect(await fact("Sector").textContent()).toBe("Telecommunications");
          expect(await fact("Joined").textContent()).toBe("17 April 2018 (at the accord's launch)");
          expect(await fact("Status").innerText()).toMatch(/^Active\s+Founding signatory$/);
          // A clear list of facts, one row each: one more (a security contact) fits without a new layout.
          expect(await page.locator("dl.record-facts > div > dt").count()).toBeGreaterThanOrEqual(5);
          const pledges = await top(page.getByRole("heading", { level: 2, name: "Pledges" }));
          for (const term of ["Headquarters", "Sector", "Joined", "Status"]) expect(await top(fact(term))).toBeLessThan(pledges);
          expect(await top(page.getByRole("heading", { level: 1 }))).toBeLessThan(await top(facts.first()));
          // Facts and pledges, then history, sources and the citation, then the company's block.
          const order = await page
            .locator("main h2, main summary")
            .evaluateAll((els) => els.map((el) => (el.firstChild?.textContent ?? "").trim().replace(/:.*/, ""))); // the title, not its hint
          expect(order.filter((t) => t !== "Note")).toEqual([
            "Pledges",
            "History",
            "Sources",
            "Cite this record",
            "BibTeX",
            "For this company",
          ]);

          const block = page.locator("details.for-company");
          expect(await block.evaluate((d: HTMLDetailsElement) => d.open)).toBe(false);
          const badge = page.getByRole("img", { name: "Nokia: status in the Cybersecurity Tech Accord registry" });
          expect(await badge.isVisible()).toBe(false);
          const blockHeight = (await block.boundingBox())!.height;
          const factsHeight = (await page.locator("dl.record-facts").boundingBox())!.height;
          expect(blockHeight).toBeLessThan(factsHeight / 2);

          await page.getByText("For this company").click();
          await badge.waitFor();
          expect(await page.locator(".snippet").first().innerText()).toContain(`${server.url}/signatories/nokia/badge.svg`);
          // Copy buttons only where they can work (JavaScript); without it the code is there to select.
          expect(await block.getByRole("button").allTextContents()).toEqual(javaScript ? ["Copy the HTML", "Copy the Markdown"] : []);
          expect(await pageWidth(page).then(([w, inner]) => w <= inner)).toBe(true);
        } finally {
          await context.close();
        }
      }
    },
    60_000,
  );

  it("copies the badge's embed code", async () => {
    const context = await browser.newContext({ baseURL: server.url, viewport: PHONE });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    const page = await context.newPage();
    try {
      await page.goto("/signatories/nokia");
      await page.getByText("For this company").click();
      await page.getByRole("button", { name: "Copy the Markdown" }).click();
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain(`(${server.url}/signatories/nokia)`);
    } finally {
      await context.close();
    }
  }, 60_000);

  it.each([
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const)(
    "passes axe with the badge block open (%s)",
    async (_name, viewport) => {
      const { page, context } = await open("/signatories/panda-security", { javaScript: true, viewport });
      try {
        await page.getByText("For this company").click();
        await page.getByText("BibTeX").click();
        const { violations } = await new AxeBuilder({ page }).analyze();
        expect(violations.flatMap((v) => v.nodes.map((n) => `${v.id} at ${n.target.join(" ")}: ${v.help}`))).toEqual([]);
      } finally {
        await context.close();
      }
    },
    60_000,
  );
});
