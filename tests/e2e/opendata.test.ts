// The open data against the production build over HTTP, in Chromium: statistics and
// transparency pass axe and show their charts without JavaScript, the chart code stays
// on the server, another origin can read the API (CORS preflight included), and the CSV,
// feed and badges answer as files.
import { AxeBuilder } from "@axe-core/playwright";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "~/modules/database/db.server";
import { launchBrowser, type TestBrowser } from "../helpers/browser";
import { startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: TestBrowser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  // A few decided applications, so the transparency page has its table to check.
  const db = openDatabase(server.databasePath);
  try {
    let n = 0;
    const row = (status: "approved" | "rejected" | "pending", created: string, decided: string | null) => ({
      ref: `AR-E2E${++n}`,
      name: "E2E Applicant",
      name_key: "e2e applicant",
      website: "https://e2e.example",
      domain: "e2e.example",
      country: "DE",
      sector: "security",
      description: "Inserted by the open-data browser test.",
      contact_name: "E2E Contact",
      contact_title: "Tester",
      contact_email: "contact@e2e.example",
      status,
      verify_token_hash: "0".repeat(64),
      verify_expires_at: "2030-01-01T00:00:00.000Z",
      status_token_hash: "1".repeat(64),
      verified_at: created,
      decided_at: decided,
      decision_reason: null,
      signatory_id: null,
      client_ip: "192.0.2.1",
      created_at: created,
      updated_at: decided ?? created,
    });
    await db
      .insertInto("applications")
      .values([
        row("approved", "2025-01-02T00:00:00.000Z", "2025-01-05T00:00:00.000Z"),
        row("rejected", "2025-02-02T00:00:00.000Z", "2025-02-12T00:00:00.000Z"),
        row("pending", "2025-03-02T00:00:00.000Z", null),
      ])
      .execute();
  } finally {
    await db.destroy();
  }
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([browser?.close(), server?.stop()]);
});

async function open(path: string, javaScript: boolean): Promise<{ page: Page; context: BrowserContext; problems: string[] }> {
  const context = await browser.newContext({ javaScript, baseURL: server.url });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console.error: ${message.text()}`);
  });
  const response = await page.goto(path);
  expect(response?.status()).toBe(200);
  return { page, context, problems };
}

describe("accessibility (axe-core)", () => {
  it.each(["/stats", "/transparency", "/", "/signatories/nokia"])(
    "%s has no violations",
    async (path) => {
      const { page, context, problems } = await open(path, true);
      try {
        await page.waitForFunction(() => {
          const main = document.querySelector("main");
          return !!main && Object.keys(main).some((key) => key.startsWith("__reactFiber"));
        });
        const { violations } = await new AxeBuilder({ page }).analyze();
        const found = violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}) at ${n.target.join(" ")}: ${v.help}`));
        expect(found).toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    },
    60_000,
  );
});

describe("statistics without JavaScript", () => {
  it("draws every chart as SVG with an accessible name, each with a table of its figures", async () => {
    const { page, context } = await open("/stats", false);
    try {
      const charts = page.locator("main svg[role=img]");
      expect(await charts.count()).toBe(4);
      for (const name of ["total of signatories recorded", "by headquarters country", "by sector", "endorse each pledge"]) {
        await expect(page.getByRole("img", { name: new RegExp(name) }).count()).resolves.toBe(1);
      }
      // Bars, not a world map (decision 022): one per country, the US longest.
      expect(await page.locator(".world-map").count()).toBe(0);
      const countries = page.getByRole("img", { name: /by headquarters country/ });
      expect(await countries.locator(".chart-label").allTextContents()).toHaveLength(10);
      const widths = await countries.locator(".chart-bar").evaluateAll((bars) => bars.map((b) => Number(b.getAttribute("width"))));
      expect(Math.max(...widths)).toBe(widths[0]);
      // The growth chart: 2018 is recorded; every later year is one hatched band, not a 0.
      await expect(page.locator(".chart-growth .chart-points circle").count()).resolves.toBe(1);
      await expect(page.locator(".chart-growth .chart-unrecorded rect").count()).resolves.toBe(1);
      // Each chart's figures are one click away, without JavaScript.
      await page.getByText("Show as table: signatories by country").click();
      const table = page.getByRole("table", { name: "Active signatories by headquarters country" });
      await expect(table.getByRole("row").count()).resolves.toBe(11);
      await expect(table.getByRole("row", { name: /United States of America 23/ }).count()).resolves.toBe(1);
    } finally {
      await context.close();
    }
  }, 60_000);

  it("shows the moderation figures by quarter", async () => {
    const { page, context } = await open("/transparency", false);
    try {
      const table = page.getByRole("table", { name: "Applications by quarter, newest first" });
      const q1 = await table.getByRole("row", { name: /^2025 Q1/ }).innerText();
      expect(q1.split(/\s+/)).toEqual(["2025", "Q1", "3", "1", "1", "0", "6.5", "10.0"]);
      expect(await page.locator("main").innerText()).not.toContain("E2E");
    } finally {
      await context.close();
    }
  }, 60_000);
});

describe("what reaches the browser", () => {
  it("keeps d3 on the server: the statistics page's scripts are small", async () => {
    const { page, context } = await open("/", true);
    try {
      await page.waitForFunction(() => Object.keys(document.querySelector("main")!).some((k) => k.startsWith("__reactFiber")));
      await page.getByRole("link", { name: "Stats", exact: true }).click();
      await page.getByRole("heading", { level: 1, name: "Statistics" }).waitFor();
      // Client-side navigation rendered the same charts from the loader's geometry.
      expect(await page.locator("main svg[role=img]").count()).toBe(4);
      // Every script the browser fetched, modulepreloads included.
      const urls = await page.evaluate(() =>
        performance
          .getEntriesByType("resource")
          .map((e) => e.name)
          .filter((name) => name.endsWith(".js")),
      );
      const route = urls.find((url) => /\/assets\/stats-[\w-]+\.js$/.test(url));
      expect(route, urls.join("\n")).toBeDefined();
      for (const url of urls) {
        const body = await (await fetch(url)).text();
        if (url === route) expect(body.length).toBeLessThan(20_000);
        expect(body, url).not.toMatch(/geoEqualEarth|geoPath|scaleLinear|scaleBand|"arcs":\[\[/);
      }
    } finally {
      await context.close();
    }
  }, 60_000);

  it("links the Atom feed from every page's head", async () => {
    for (const path of ["/", "/stats", "/signatories/nokia"]) {
      const html = await (await fetch(`${server.url}${path}`)).text();
      expect(html).toMatch(
        /<link rel="alternate" type="application\/atom\+xml" title="Accord Registry: joins and withdrawals" href="\/feed.xml"\/>/,
      );
    }
  });

  it("shows the live badge on a signatory's page, with JavaScript off too", async () => {
    const { page, context } = await open("/signatories/nokia", false);
    try {
      // Folded away under "For this company" (issue 14), and it opens without JavaScript.
      await page.getByText("For this company").click();
      const badge = page.getByRole("img", { name: "Nokia: status in the Cybersecurity Tech Accord registry" });
      await badge.waitFor();
      expect(await badge.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 100)).toBe(true);
      expect(await page.locator(".snippet").first().innerText()).toContain(`${server.url}/signatories/nokia/badge.svg`);
    } finally {
      await context.close();
    }
  }, 60_000);
});

describe("over HTTP", () => {
  it("lets a script on another origin read the API, ETag and 304 included (CORS preflight)", async () => {
    // Another site: a page from a second server on the loopback address (another port is
    // another origin; Chromium lets loopback pages, and only those, call loopback).
    const client = createServer((_req, res) =>
      res.setHeader("Content-Type", "text/html").end("<!doctype html><title>Another site</title>"),
    );
    await new Promise<void>((resolve) => client.listen(0, "127.0.0.1", () => resolve()));
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const { port } = client.address() as AddressInfo;
      await page.goto(`http://127.0.0.1:${port}/`);
      const result = await page.evaluate(async (url) => {
        const first = await fetch(url);
        // Readable only because the API exposes it (Access-Control-Expose-Headers).
        const etag = first.headers.get("ETag");
        const body = await first.json();
        // If-None-Match is not a CORS-safelisted header: this request needs a preflight
        // that allows it, or the browser refuses to send it.
        const second = await fetch(url, { headers: { "If-None-Match": etag ?? "" }, cache: "no-store" });
        return { origin: location.origin, status: first.status, etag, total: body.data.total, second: second.status };
      }, `${server.url}/api/v1/stats`);
      expect(result.origin).not.toBe(server.url);
      expect(result).toMatchObject({ status: 200, total: 35, second: 304 });
      expect(result.etag).toMatch(/^".+"$/);
    } finally {
      await context.close();
      await new Promise((resolve) => client.close(resolve));
    }
  }, 60_000);

  it("streams the CSV as a dated attachment and refuses bad parameters with 400", async () => {
    const response = await fetch(`${server.url}/signatories.csv?country=FI`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="accord-signatories-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(response.headers.get("transfer-encoding")).toBe("chunked");
    const text = await response.text();
    expect(text.split("\r\n").map((line) => line.split(",")[0])).toEqual(["slug", "f-secure", "nokia", ""]);
    const bad = await fetch(`${server.url}/signatories.csv?founding=maybe`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain("founding");
  });

  it("serves the feed, the badge and the OpenAPI document with their types and the site's security headers", async () => {
    for (const [path, type] of [
      ["/feed.xml", "application/atom+xml; charset=utf-8"],
      ["/signatories/nokia/badge.svg", "image/svg+xml; charset=utf-8"],
      ["/api/v1/openapi.json", "application/json; charset=utf-8"],
    ]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type")).toBe(type);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("etag")).toBeTruthy();
      await response.arrayBuffer();
    }
    const preflight = await fetch(`${server.url}/api/v1/signatories`, {
      method: "OPTIONS",
      headers: { Origin: "https://elsewhere.example", "Access-Control-Request-Method": "GET" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
  });
});
