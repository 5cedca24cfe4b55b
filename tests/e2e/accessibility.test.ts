// axe-core scans of the public pages in Chromium, against the production build: every
// rule axe runs by default (WCAG 2.x A and AA, plus best practices) must pass.
import { AxeBuilder } from "@axe-core/playwright";
import type { Result } from "axe-core";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../helpers/browser";
import { startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: TestBrowser;
let context: BrowserContext;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  context = await browser.newContext({ baseURL: server.url });
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
  { name: "signatory page", path: "/signatories/nokia", status: 200 },
  { name: "pledges", path: "/pledges", status: 200 },
  { name: "404 page", path: "/no-such-page", status: 404 },
];

describe("accessibility (axe-core)", () => {
  it.each(PAGES)(
    "$name ($path) has no violations",
    async ({ path, status }) => {
      const page = await context.newPage();
      try {
        const response = await page.goto(path);
        expect(response?.status()).toBe(status);
        await hydrated(page);
        const { violations } = await new AxeBuilder({ page }).analyze();
        const found = describeViolations(violations);
        if (found.length > 0) console.error(`axe violations on ${path}:\n  ${found.join("\n  ")}`);
        expect(found).toEqual([]);
      } finally {
        await page.close();
      }
    },
    60_000,
  );
});
