// A record people can cite, in Chromium against the production build (issue 13): founders
// and Panda Security show their sources, a company approved through the registry shows its
// evidence, "Cite this record" works with JavaScript turned off (and copies with it on), the
// footer reaches the institution's pages, the directory offers its results as CSV and JSON
// with the filters in force, and the Atom feed reads as a page.
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "~/modules/database/db.server";
import { approveApplication } from "~/modules/moderation/decide.server";
import { insertApplication } from "../integration/staff-fixtures";
import { launchBrowser, type TestBrowser } from "../helpers/browser";
import { startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: TestBrowser;
let approved = { slug: "", ref: "" };

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  const db = openDatabase(server.databasePath);
  try {
    const app = await insertApplication(db, { name: "Evidence Example Security", domain: "evidence-example.example" });
    const result = await approveApplication(db, app.ref, "2026-11-03", {
      id: 1,
      actor: { actor: "staff:1", actorLabel: "Test Moderator <moderator@registry.test>", ip: "192.0.2.1" },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    approved = { slug: result.value.slug, ref: app.ref };
  } finally {
    await db.destroy();
  }
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([browser?.close(), server?.stop()]);
});

async function open(path: string, javaScript: boolean): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({ javaScript, baseURL: server.url });
  const page = await context.newPage();
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(200);
  return { page, context };
}

describe("sources and evidence on a record's page", () => {
  it("a founder links the launch reports", async () => {
    const { page, context } = await open("/signatories/nokia", false);
    try {
      const sources = page.getByRole("region", { name: "Sources" }).getByRole("listitem");
      await expect.poll(() => sources.count()).toBe(3);
      await expect.poll(() => sources.first().getByRole("link").getAttribute("href")).toContain("venturebeat.com");
      expect(await page.getByText(/^Last changed/).textContent()).toMatch(/last checked against its sources on \d{1,2} \w+ \d{4}/);
    } finally {
      await context.close();
    }
  });

  it("Panda Security shows its month (never a day) and quotes its own statements", async () => {
    const { page, context } = await open("/signatories/panda-security", false);
    try {
      const joined = page.locator(".facts dd", { hasText: "September 2018" });
      expect(await joined.textContent()).toBe("September 2018 (the sources give the month only)");
      expect(await page.locator("time[datetime='2018-09']").count()).toBeGreaterThan(0);
      expect(await page.content()).not.toContain("1 September 2018");
      const quotes = await page.getByRole("region", { name: "Sources" }).locator("q").allTextContents();
      expect(quotes).toEqual([
        expect.stringContaining("se unió el pasado mes de septiembre"),
        "This is why, in September, we joined The Cybersecurity Tech Accord",
      ]);
    } finally {
      await context.close();
    }
  });

  it("a company approved through the registry shows the registry's evidence", async () => {
    const { page, context } = await open(`/signatories/${approved.slug}`, false);
    try {
      const item = page.getByRole("region", { name: "Sources" }).getByRole("listitem").first();
      expect(await item.textContent()).toMatch(
        new RegExp(
          `Registry evidence.*Application ${approved.ref} to this registry, approved on \\d{1,2} \\w+ \\d{4}.*evidence-example\\.example`,
        ),
      );
      expect(await item.getByRole("link").getAttribute("href")).toBe("/methodology#verification".replace(/^/, server.url));
    } finally {
      await context.close();
    }
  });
});

describe("Cite this record", () => {
  it("works without JavaScript: the address, the registry and the day, to select; BibTeX in a native disclosure", async () => {
    const { page, context } = await open("/signatories/panda-security", false);
    try {
      const cite = page.getByRole("region", { name: "Cite this record" });
      const text = await cite.locator(".citation").textContent();
      const today = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(
        new Date(),
      );
      expect(text).toContain("Accord Registry. “Panda Security”.");
      expect(text).toContain(`${server.url}/signatories/panda-security (accessed ${today}).`);
      expect(await cite.getByRole("link", { name: `${server.url}/signatories/panda-security` }).count()).toBe(1);
      // No copy button without JavaScript (it could not work): the text is there to select.
      expect(await cite.getByRole("button").count()).toBe(0);
      await page.evaluate(() => {
        const el = document.querySelector(".citation")!;
        const range = document.createRange();
        range.selectNodeContents(el);
        window.getSelection()!.removeAllRanges();
        window.getSelection()!.addRange(range);
      });
      expect(await page.evaluate(() => window.getSelection()!.toString())).toBe(text);
      const bibtex = cite.locator("pre");
      expect(await bibtex.isVisible()).toBe(false);
      await cite.getByText("BibTeX").click();
      expect(await bibtex.isVisible()).toBe(true);
      expect(await bibtex.textContent()).toContain("@misc{accord-registry-panda-security,");
    } finally {
      await context.close();
    }
  });

  it("with JavaScript, copies the citation", async () => {
    const context = await browser.newContext({ baseURL: server.url });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    const page = await context.newPage();
    try {
      await page.goto("/signatories/panda-security");
      const button = page.getByRole("button", { name: "Copy the citation" });
      await button.click();
      await expect.poll(() => page.getByRole("region", { name: "Cite this record" }).getByRole("status").textContent()).toBe("Copied.");
      expect(await page.evaluate(() => navigator.clipboard.readText())).toContain("Accord Registry. “Panda Security”.");
    } finally {
      await context.close();
    }
  });
});

describe("around the records", () => {
  it("the footer links the institution's pages, each of which answers", async () => {
    const { page, context } = await open("/", false);
    try {
      const footer = page.getByRole("navigation", { name: "About the registry" });
      for (const [name, heading] of [
        ["About", "About the registry"],
        ["Methodology", "Methodology"],
        ["Privacy", "Privacy notice"],
        ["Accessibility", "Accessibility statement"],
        ["Contact", "Contact"],
        ["Open data", "Signatories of the Cybersecurity Tech Accord"],
      ]) {
        await footer.getByRole("link", { name, exact: true }).click();
        expect(await page.getByRole("heading", { level: 1 }).textContent(), name).toBe(heading);
        await page.goBack();
      }
    } finally {
      await context.close();
    }
  });

  it("the directory offers these results, filters and all, as CSV and JSON", async () => {
    const { page, context } = await open("/signatories?country=FI&sector=telecom&page=1", false);
    try {
      const links = page.locator(".download-links");
      expect(await links.textContent()).toContain("Download these results: CSV · JSON");
      const csv = await links.getByRole("link", { name: "CSV" }).getAttribute("href");
      const json = await links.getByRole("link", { name: "JSON" }).getAttribute("href");
      expect(csv).toBe("/signatories.csv?country=FI&sector=telecom");
      expect(json).toBe("/api/v1/signatories?country=FI&sector=telecom&per_page=100");
      const file = await (await fetch(`${server.url}${csv}`)).text();
      expect(
        file
          .split("\r\n")
          .filter(Boolean)
          .map((line) => line.split(",")[0]),
      ).toEqual(["slug", "nokia"]);
      const body = (await (await fetch(`${server.url}${json}`)).json()) as { data: { slug: string }[] };
      expect(body.data.map((s) => s.slug)).toEqual(["nokia"]);
    } finally {
      await context.close();
    }
  });

  it("the Atom feed reads as a page in the browser (its XSL stylesheet)", async () => {
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    try {
      const response = await page.goto("/feed.xml");
      // A browser gets a generic XML type, so that it applies the stylesheet; readers get Atom's.
      expect(response?.headers()["content-type"]).toBe("application/xml; charset=utf-8");
      expect((await fetch(`${server.url}/feed.xml`)).headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Accord Registry: joins and withdrawals");
      const entries = page.locator(".feed-entries li");
      expect(await entries.count()).toBeGreaterThan(30);
      expect(await entries.first().getByRole("link").textContent()).toBe("Evidence Example Security joined the Cybersecurity Tech Accord");
      // Chromium marks XSLT as deprecated with a banner of its own (inline styles and a
      // handler, which the CSP refuses); nothing else may fail, and our markup has neither.
      expect(problems.filter((p) => !/inline (style|event handler)/.test(p))).toEqual([]);
      expect(await page.locator("main [style], main [onclick]").count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
