// axe-core scans of the public pages in Chromium, against the production build: every
// rule axe runs by default (WCAG 2.x A and AA, plus best practices) must pass.
import { AxeBuilder } from "@axe-core/playwright";
import type { Result } from "axe-core";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../helpers/browser";
import { startServer, type TestServer } from "../helpers/server";
import { openDatabase } from "~/modules/database/db.server";
import { insertApplication } from "../integration/staff-fixtures";

let server: TestServer;
let browser: TestBrowser;
let context: BrowserContext;

let phone: BrowserContext;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  context = await browser.newContext({ baseURL: server.url });
  phone = await browser.newContext({ baseURL: server.url, viewport: { width: 390, height: 844 } });
  // A decided application, so /transparency has its table (the widest thing on a phone).
  const db = openDatabase(server.databasePath);
  try {
    await insertApplication(db, { status: "approved" });
    await db.updateTable("applications").set({ decided_at: new Date().toISOString() }).execute();
  } finally {
    await db.destroy();
  }
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([browser?.close(), server?.stop()]);
});

/** One line per failing element: rule, impact, where, and what to fix. */
function describeViolations(violations: Result[]): string[] {
  return violations.flatMap((violation) =>
    violation.nodes.map((node) => {
      const target = node.target.map(String).join(" ");
      const why = (node.failureSummary ?? "").replace(/\s+/g, " ").trim();
      return `${violation.id} (${violation.impact}) at ${target}: ${violation.help}. ${why} [${node.html.slice(0, 160)}]`;
    }),
  );
}

async function hydrated(page: Page) {
  await page.waitForFunction(() => {
    const main = document.querySelector("main");
    return !!main && Object.keys(main).some((key) => key.startsWith("__reactFiber"));
  });
}

const PAGES = [
  { name: "home page", path: "/", status: 200 },
  { name: "directory", path: "/signatories", status: 200 },
  { name: "directory search", path: "/signatories?q=nokia", status: 200 },
  { name: "filtered directory with chips", path: "/signatories?country=FI&founding=1", status: 200 },
  { name: "directory search with marked matches", path: "/signatories?q=micro", status: 200 },
  { name: "directory with numbered pages, page 2 of 4", path: "/signatories?per_page=10&page=2", status: 200 },
  { name: "directory with no result", path: "/signatories?q=zzzz", status: 200 },
  { name: "signatory page", path: "/signatories/nokia", status: 200 },
  { name: "pledges", path: "/pledges", status: 200 },
  { name: "transparency", path: "/transparency", status: 200 },
  { name: "application form", path: "/apply", status: 200 },
  // The institution's pages and the data set's page (issue 13), and a record's provenance.
  { name: "about", path: "/about", status: 200 },
  { name: "methodology", path: "/methodology", status: 200 },
  { name: "privacy notice", path: "/privacy", status: 200 },
  { name: "accessibility statement", path: "/accessibility", status: 200 },
  { name: "contact", path: "/contact", status: 200 },
  { name: "open data", path: "/open-data", status: 200 },
  { name: "a record known to the month, with its sources and citation", path: "/signatories/panda-security", status: 200 },
  { name: "statistics with the published counts", path: "/stats", status: 200 },
  { name: "404 page", path: "/no-such-page", status: 404 },
];

describe.each([
  { size: "desktop", phone: false },
  { size: "phone (390 × 844)", phone: true },
])("accessibility (axe-core), $size", ({ phone: onPhone }) => {
  it.each(PAGES)(
    "$name ($path) has no violations and does not scroll sideways",
    async ({ path, status }) => {
      const page = await (onPhone ? phone : context).newPage();
      try {
        const response = await page.goto(path);
        expect(response?.status()).toBe(status);
        await hydrated(page);
        const { violations } = await new AxeBuilder({ page }).analyze();
        const found = describeViolations(violations);
        if (found.length > 0) console.error(`axe violations on ${path}:\n  ${found.join("\n  ")}`);
        expect(found).toEqual([]);
        // The directory's filter sheet, opened (on a phone it is folded at first).
        const sheet = page.locator("details.filter-sheet > summary");
        if ((await sheet.count()) > 0 && (await sheet.isVisible())) {
          await sheet.click();
          const { violations: open } = await new AxeBuilder({ page }).analyze();
          const inSheet = describeViolations(open);
          if (inSheet.length > 0) console.error(`axe violations on ${path} with the filters open:\n  ${inSheet.join("\n  ")}`);
          expect(inSheet).toEqual([]);
        }
        // Nothing wider than the screen: a wide table scrolls inside its own box (issue 14).
        const width = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
        expect(width[0], `${path} is ${width[0]} px wide in a ${width[1]} px window`).toBeLessThanOrEqual(width[1]);
      } finally {
        await page.close();
      }
    },
    60_000,
  );
});
