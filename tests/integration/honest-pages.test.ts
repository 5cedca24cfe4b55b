// Honest figures and findable pages (issue 13), over HTTP against the production build: a
// walk through every public page the sitemap lists (and the directory's and statistics'
// views) fails on "0 endorsed", on a year without a recorded join shown as 0, and on a
// total of signatories shown without the coverage note beside it. Every page has its
// canonical link; robots.txt, the sitemap, the feed's stylesheet and the signatory pages'
// JSON-LD answer as crawlers and readers expect. The registry here holds the seed (34
// founders, Panda Security) and one company approved through it in 2026: 2019–2025 have no
// recorded join.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "~/modules/database/db.server";
import { approveApplication } from "~/modules/moderation/decide.server";
import { PUBLIC_PAGES } from "~/modules/opendata/sitemap.server";
import { startServer, type TestServer } from "../helpers/server";
import { insertApplication } from "./staff-fixtures";

let server: TestServer;
let approvedSlug = "";
let approvedRef = "";

beforeAll(async () => {
  server = await startServer();
  const db = openDatabase(server.databasePath);
  try {
    const app = await insertApplication(db, { name: "Honest Example Security", domain: "honest-example.example" });
    const approved = await approveApplication(db, app.ref, "2026-11-02", {
      id: 1,
      actor: { actor: "staff:1", actorLabel: "Test Moderator <moderator@registry.test>", ip: "192.0.2.1" },
    });
    if (!approved.ok) throw new Error(JSON.stringify(approved.error));
    approvedSlug = approved.value.slug;
    approvedRef = app.ref;
  } finally {
    await db.destroy();
  }
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

async function get(path: string) {
  const response = await fetch(`${server.url}${path}`);
  return { status: response.status, type: response.headers.get("Content-Type") ?? "", body: await response.text() };
}

/** What a reader sees: the text of the page without its scripts, styles and tags. */
function visibleText(html: string): string {
  return html
    .replace(/<script\b[\s\S]*?<\/script>/gi, " ")
    .replace(/<style\b[\s\S]*?<\/style>/gi, " ")
    .replace(/<title\b[\s\S]*?<\/title>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;|&#160;/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

/** The rows of every table of class "growth" (joins per year), as the text of their cells. */
function growthRows(html: string): string[][] {
  const tables = [...html.matchAll(/<table[^>]*class="[^"]*\bgrowth\b[^"]*"[\s\S]*?<\/table>/g)].map((m) => m[0]);
  return tables.flatMap((table) =>
    [...table.matchAll(/<tr[\s\S]*?<\/tr>/g)].map((row) =>
      [...row[0].matchAll(/<t[hd]\b[^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => visibleText(cell[1]).trim()),
    ),
  );
}

const TOTAL = /\b\d[\d,]*\s+(?:active\s+)?signator(?:y|ies)\b/i;

describe("a walk through every public page", () => {
  let paths: string[] = [];

  beforeAll(async () => {
    const sitemap = await get("/sitemap.xml");
    paths = [...sitemap.body.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1].replace(server.url, ""));
    paths.push(
      "/signatories?status=all",
      "/signatories?pledge=paris-call",
      "/signatories?joined=2020",
      "/signatories?founding=0&sort=-joined",
      "/signatories?q=zzzzzz",
    );
  });

  it("lists every public page and every signatory in the sitemap", () => {
    for (const page of PUBLIC_PAGES) expect(paths).toContain(page);
    expect(paths).toContain("/signatories/nokia");
    expect(paths).toContain("/signatories/panda-security");
    expect(paths).toContain(`/signatories/${approvedSlug}`);
  });

  it("never says '0 endorsed', never fills a year without a recorded join with 0, and puts the coverage note beside every total", async () => {
    const problems: string[] = [];
    for (const path of paths) {
      const page = await get(path);
      if (page.status !== 200) {
        problems.push(`${path}: ${page.status}`);
        continue;
      }
      const text = visibleText(page.body);
      const zeroEndorsed = /\b0\s+endorse|endorsed by 0\b|\b0 active signatories endorse/i.exec(text);
      if (zeroEndorsed) problems.push(`${path}: "${zeroEndorsed[0]}"`);
      for (const cells of growthRows(page.body).filter((c) => /^\d{4}/.test(c[0] ?? ""))) {
        if (cells.slice(1, 3).some((c) => c === "0")) problems.push(`${path}: year ${cells[0]} shows 0 (${cells.join(" | ")})`);
      }
      const total = TOTAL.exec(text);
      if (total && !page.body.includes("data-coverage-note")) problems.push(`${path}: "${total[0]}" without the coverage note`);
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it("says 'not recorded' for the years 2019–2025 and the pledges nobody recorded", async () => {
    for (const path of ["/", "/stats"]) {
      const rows = growthRows((await get(path)).body).filter((c) => /^\d{4}/.test(c[0] ?? ""));
      expect(
        rows.map((r) => r[0]),
        path,
      ).toEqual(["2018", "2019–2025", "2026"]);
      expect(rows[1][1], path).toBe("not recorded");
      expect(rows[0].slice(1, 3), path).toEqual(["35", "35"]);
      expect(rows[2].slice(1, 3), path).toEqual(["1", "36"]);
    }
    const pledges = visibleText((await get("/pledges")).body);
    expect(pledges).toContain("which signatories endorse it is not recorded here");
    const stats = visibleText((await get("/stats")).body);
    // The company approved here chose the Paris Call; nobody recorded an endorsement of the CVD policy.
    expect(stats).toMatch(/Coordinated vulnerability disclosure policy (?:Later commitment )?not recorded here/);
    expect(stats).toMatch(/Support for the Paris Call (?:Later commitment )?1\b/);
    // The API leaves out the years it has no record for rather than giving them 0.
    const api = JSON.parse((await get("/api/v1/stats")).body) as { data: { by_year: { year: number; joined: number }[] } };
    expect(api.data.by_year.map((y) => y.year)).toEqual([2018, 2026]);
  });

  it("gives each page one canonical link, its own address", async () => {
    for (const path of [
      ...PUBLIC_PAGES,
      "/signatories/nokia",
      "/signatories?country=FI&sector=telecom",
      "/signatories?sector=telecom&country=FI",
    ]) {
      const links = [...(await get(path)).body.matchAll(/<link rel="canonical" href="([^"]+)"\/?>/g)].map((m) =>
        m[1].replace(/&amp;/g, "&"),
      );
      const expected = path.startsWith("/signatories?") ? `${server.url}/signatories?country=FI&sector=telecom` : `${server.url}${path}`;
      expect(links, path).toEqual([expected]);
    }
  });
});

describe("a record people can cite", () => {
  it("shows a founder's launch reports, Panda Security's own words with its month, and an approved company's evidence", async () => {
    const nokia = visibleText((await get("/signatories/nokia")).body);
    expect(nokia).toContain("VentureBeat: Facebook, Microsoft, and 32 other tech firms sign cybersecurity pledge");
    expect(nokia).toMatch(/Last changed \d{1,2} \w+ \d{4}/);
    const panda = visibleText((await get("/signatories/panda-security")).body);
    expect(panda).toContain("September 2018");
    expect(panda).not.toContain("1 September 2018");
    expect(panda).toContain("This is why, in September, we joined The Cybersecurity Tech Accord");
    const approved = visibleText((await get(`/signatories/${approvedSlug}`)).body);
    expect(approved).toContain(`Application ${approvedRef} to this registry, approved on`);
    expect(approved).toContain("at honest-example.example (the company's own domain), was verified on");
    expect(approved).not.toContain("Jane Doe");
  });

  it("puts the citation in the page itself: the permanent address, the registry, the day it was read", async () => {
    const html = (await get("/signatories/nokia")).body;
    const today = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(new Date());
    const citation = visibleText(/<p class="citation"[^>]*>([\s\S]*?)<\/p>/.exec(html)![1]).trim();
    expect(citation).toBe(
      `Accord Registry. “Nokia”. Record in the registry of signatories of the Cybersecurity Tech Accord, last changed ${/last changed ([^.]+)\./.exec(citation)![1]}. ${server.url}/signatories/nokia (accessed ${today}).`,
    );
    expect(html).toContain("@misc{accord-registry-nokia,");
  });

  it("describes the signatory in schema.org JSON-LD: an organisation, member of the accord since it joined", async () => {
    const html = (await get("/signatories/panda-security")).body;
    const json = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)![1]) as Record<string, any>;
    expect(json).toMatchObject({
      "@context": "https://schema.org",
      "@type": "Organization",
      name: "Panda Security",
      url: "https://www.pandasecurity.com",
      address: { "@type": "PostalAddress", addressCountry: "ES" },
      mainEntityOfPage: `${server.url}/signatories/panda-security`,
      memberOf: {
        "@type": "OrganizationRole",
        roleName: "Signatory",
        startDate: "2018-09",
        memberOf: { "@type": "Organization", name: "Cybersecurity Tech Accord" },
      },
    });
  });
});

describe("for crawlers and feed readers", () => {
  it("robots.txt keeps crawlers out of private pages and the directory's endless filters, and names the sitemap", async () => {
    const robots = await get("/robots.txt");
    expect(robots.status).toBe(200);
    expect(robots.type).toContain("text/plain");
    expect(robots.body).toContain("User-agent: *");
    for (const line of ["Disallow: /moderation", "Disallow: /admin", "Disallow: /applications/", "Disallow: /signatories?"]) {
      expect(robots.body).toContain(line);
    }
    expect(robots.body).toContain(`Sitemap: ${server.url}/sitemap.xml`);
  });

  it("the sitemap is a sitemaps.org urlset with each signatory's last change; a part past the end is a 404", async () => {
    const sitemap = await get("/sitemap.xml");
    expect(sitemap.type).toContain("application/xml");
    expect(sitemap.body).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<urlset xmlns="http:\/\/www.sitemaps.org\/schemas\/sitemap\/0.9">/,
    );
    expect(sitemap.body).toMatch(
      new RegExp(`<url><loc>${server.url}/signatories/nokia</loc><lastmod>\\d{4}-\\d{2}-\\d{2}</lastmod></url>`),
    );
    expect((await get("/sitemap.xml?page=2")).status).toBe(404);
    expect((await get("/sitemap.xml?page=zero")).status).toBe(400);
  });

  it("the Atom feed names its XSL stylesheet, which is served", async () => {
    const feed = await get("/feed.xml");
    expect(feed.body).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<\?xml-stylesheet type="text\/xsl" href="\/feed.xsl"\?>\n<feed /);
    const xsl = await get("/feed.xsl");
    expect(xsl.status).toBe(200);
    expect(xsl.body).toContain('<xsl:stylesheet version="1.0"');
  });
});
