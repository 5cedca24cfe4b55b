// Hostile text through every field that is displayed later (security catalogue 21, 55):
// applications carry XSS payloads in every text field; moderators see them, decide them
// (reasons with payloads), a staff account has a payload for a name; then every place the
// text reaches is read: moderation pages, the audit log, the public directory, the
// signatory's page, the API, the CSV, the feed, the badge, the applicant's status page.
// Each must hold the text escaped for its format. Then Chromium browses, applies, signs in
// and approves with those payloads on screen: no dialog, no CSP violation, no page error.
import { parse as parseCsv } from "csv-parse/sync";
import { randomBytes, randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DB } from "~/modules/database/db.server";
import { launchBrowser, type TestBrowser } from "../helpers/browser";
import { startServer, type TestServer } from "../helpers/server";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp";
import { createStaffUser, type TestStaff } from "../integration/staff-fixtures";
import { applicationFields, Client, fillTime } from "./client";

const PAYLOADS = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  '"><svg onload=alert(1)>',
  '\'><iframe src="javascript:alert(1)"></iframe>',
  "<svg><script>alert(1)</script></svg>",
  "&lt;script&gt;alert(1)&lt;/script&gt;",
  "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
  "</title><script>alert(1)</script>",
  '" onmouseover="alert(1)" x="',
  '<a href="javascript:alert(1)">click</a>',
  "]]><script>alert(1)</script><![CDATA[",
  "</script><script>alert(1)</script>",
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  "javascript:alert(document.domain)",
  "{{constructor.constructor('alert(1)')()}}",
];

const dbPath = join(tmpdir(), `accord-security-xss-${randomUUID()}.db`);
let server: TestServer;
let smtp: TestSmtp;
let db: DB;
let browser: TestBrowser;
let moderator: TestStaff;
const tally = { checks: 0, places: new Set<string>() };

beforeAll(async () => {
  smtp = await startTestSmtp();
  [server, browser] = await Promise.all([
    startServer({ DATABASE_URL: dbPath, SMTP_URL: smtp.url, TRUST_PROXY: "1", APPLY_LIMIT_PER_HOUR: "0", STAFF_MFA: "optional" }),
    launchBrowser(),
  ]);
  db = openDatabase(dbPath);
  moderator = await createStaffUser(db, { name: `Mira ${PAYLOADS[1]}` });
}, 120_000);

afterAll(async () => {
  console.log(
    `XSS: ${PAYLOADS.length} payloads, ${tally.checks} escaping checks over ${tally.places.size} places (${[...tally.places].join(", ")})`,
  );
  await db?.destroy();
  await Promise.allSettled([browser?.close(), server?.stop(), smtp?.close()]);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(dbPath + suffix, { force: true });
});

/** Text as React writes it into HTML. */
const reactEscape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;");

/** Nothing in the HTML can run: every script is ours (nonce), no handler attribute, no javascript: link. */
function expectInert(html: string, where: string) {
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
    // A JSON-LD block is data the browser never runs (CSP does not govern it); it is inert when it
    // parses as JSON and holds no "<" that could close its element.
    if (tag === '<script type="application/ld+json">') continue;
    expect(tag, `${where}: a script without our nonce`).toMatch(/\snonce="[^"]+"/);
  }
  for (const [, body] of html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/gi)) {
    expect(body, `${where}: a "<" inside JSON-LD`).not.toContain("<");
    expect(() => JSON.parse(body), `${where}: JSON-LD that does not parse`).not.toThrow();
  }
  // Attributes outside their quoted values (React quotes every value and escapes its quotes).
  const tags = [...html.matchAll(/<[a-z][^>]*>/gi)].map(([tag]) => tag.replace(/="[^"]*"/g, '=""'));
  expect(
    tags.filter((tag) => /\son[a-z]+\s*=/i.test(tag)),
    `${where}: an event-handler attribute`,
  ).toEqual([]);
  expect(html, `${where}: a javascript: URL`).not.toMatch(/(href|src|action)\s*=\s*["']?\s*javascript:/i);
  expect(html, `${where}: an iframe`).not.toMatch(/<iframe\b/i);
}

/** The value is in the page, escaped, and never raw. */
function expectEscapedIn(html: string, value: string, where: string) {
  tally.checks++;
  tally.places.add(where.split(" ")[0]);
  if (/[<>"]/.test(value)) expect(html.includes(value), `${where}: raw ${value}`).toBe(false);
  expect(html.includes(reactEscape(value)), `${where}: escaped ${value}`).toBe(true);
}

interface Applied {
  payload: string;
  ref: string;
  statusLink: string;
  stored: { name: string; description: string; contact_name: string; contact_title: string; website: string };
}
const applied: Applied[] = [];
let staffClient: Client;

describe("hostile text through every displayed field [ASVS 1.2.1, 1.2.2, 3.2.2, catalogue 21]", () => {
  it("refuses a javascript: website with a field error", async () => {
    const client = new Client(server.url, { "X-Forwarded-For": "192.0.2.250" });
    await client.get("/apply");
    await fillTime();
    const { response, body } = await client.post("/apply", applicationFields("jsurl.example", { website: "javascript:alert(1)" }));
    expect(response.status).toBe(400);
    expect(body).toMatch(/name="website"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*name="website"/);
  });

  it("accepts applications carrying the payloads in every text field, and the applicant's mail escapes them", async () => {
    const clients = PAYLOADS.map((_, i) => new Client(server.url, { "X-Forwarded-For": `192.0.2.${i + 1}` }));
    await Promise.all(clients.map((c) => c.get("/apply")));
    await fillTime();
    const answers = await Promise.all(
      PAYLOADS.map((payload, i) => {
        const domain = `xss-${i}-${randomBytes(2).toString("hex")}.example`;
        return clients[i].post(
          "/apply",
          applicationFields(domain, {
            name: `Acme ${i} ${payload}`,
            website: `https://www.${domain}/?q=${payload}`,
            description: `Secure software for everyone, made with care. ${payload}`,
            contact_name: `Jane ${payload}`,
            contact_title: `CISO ${payload}`,
          }),
        );
      }),
    );
    for (const [i, a] of answers.entries()) expect(a.response.status, `payload ${i}: ${a.body.slice(0, 400)}`).toBe(303);
    const mails = await smtp.waitFor(PAYLOADS.length);
    for (const [i, payload] of PAYLOADS.entries()) {
      const ref = /ref=(AR-[A-Z0-9]+)/.exec(answers[i].response.headers.get("Location")!)![1];
      const mail = mails.find((m) => m.text.includes(ref))!;
      const verify = mail.links.find((l) => l.includes("/apply/verify?token="))!;
      const statusLink = mail.links.find((l) => l.includes(`/applications/${ref}?token=`))!;
      expect((await fetch(verify)).status).toBe(200);
      const stored = await db
        .selectFrom("applications")
        .select(["name", "description", "contact_name", "contact_title", "website"])
        .where("ref", "=", ref)
        .executeTakeFirstOrThrow();
      // Stored as typed (hostile text is data, not refused), and the mail's HTML escapes it.
      expect(stored.name).toBe(`Acme ${i} ${payload}`.replace(/\s+/g, " ").trim());
      if (/[<>]/.test(stored.name) && mail.html) expect(mail.html).not.toContain(stored.name);
      applied.push({ payload, ref, statusLink, stored });
    }
  }, 60_000);

  it("moderation pages (queue, application) show them escaped", async () => {
    staffClient = new Client(server.url, { "X-Forwarded-For": "192.0.2.200" });
    await staffClient.get("/login");
    expect((await staffClient.post("/login", { email: moderator.email, password: moderator.password })).response.status).toBe(303);
    const queue = (await staffClient.get("/moderation")).body;
    expectInert(queue, "moderation queue");
    for (const a of applied) {
      expectEscapedIn(queue, a.stored.name, "moderation-queue");
      const { body } = await staffClient.get(`/moderation/applications/${a.ref}`);
      expectInert(body, `moderation page ${a.ref}`);
      for (const field of ["name", "description", "contact_name", "contact_title"] as const) {
        expectEscapedIn(body, a.stored[field], `moderation-application ${field}`);
      }
    }
  });

  it("decisions with hostile reasons; the applicant's status page shows the reason escaped", async () => {
    for (const [i, a] of applied.entries()) {
      await staffClient.get(`/moderation/applications/${a.ref}`);
      const fields: { intent: string; reason?: string } =
        i % 3 === 0
          ? { intent: "request_changes", reason: `Please explain ${a.payload}` }
          : i % 3 === 1
            ? { intent: "reject", reason: `Not a technology company ${a.payload}` }
            : { intent: "approve" };
      const { response, body } = await staffClient.post(
        `/moderation/applications/${a.ref}`,
        fields.reason ? { intent: fields.intent, reason: fields.reason } : { intent: fields.intent },
      );
      expect(response.status, body.slice(0, 300)).toBe(303);
      if (fields.intent === "approve") continue;
      const page = await fetch(a.statusLink).then((r) => r.text());
      expectInert(page, `status page ${a.ref}`);
      expectEscapedIn(page, fields.reason!.replace(/\s+/g, " ").trim(), "status-page reason");
    }
  });

  it("the audit log shows the staff name and the reasons escaped", async () => {
    const { body } = await staffClient.get("/moderation/audit");
    expectInert(body, "audit page");
    expectEscapedIn(body, moderator.name, "audit staff-name");
  });

  it("the public directory, the signatory's page, the API, the CSV, the feed and the badge hold them escaped for their format", async () => {
    const approved = applied.filter((_, i) => i % 3 === 2);
    const signatories = await db
      .selectFrom("signatories")
      .select(["slug", "name", "description", "website"])
      .where("name", "like", "Acme %")
      .execute();
    expect(signatories.map((s) => s.name).sort(), JSON.stringify(approved.map((a) => a.stored.name))).toEqual(
      approved.map((a) => a.stored.name).sort(),
    );
    const listing = await fetch(`${server.url}/signatories?q=acme&per_page=100`).then((r) => r.text());
    expectInert(listing, "directory");
    const csv = parseCsv(await fetch(`${server.url}/signatories.csv?q=acme`).then((r) => r.text()), { columns: true }) as Record<
      string,
      string
    >[];
    const feed = await fetch(`${server.url}/feed.xml`).then((r) => r.text());
    for (const s of signatories) {
      expectEscapedIn(listing, s.name, "directory");
      const page = await fetch(`${server.url}/signatories/${s.slug}`).then((r) => r.text());
      expectInert(page, `signatory page ${s.slug}`);
      expectEscapedIn(page, s.name, "signatory-page name");
      expectEscapedIn(page, s.description, "signatory-page description");
      // The <title> holds the name as text, escaped.
      expect(/<title>([^<]*)<\/title>/.exec(page)?.[1]).toContain(reactEscape(s.name));
      const api = await fetch(`${server.url}/api/v1/signatories/${s.slug}`);
      expect(api.headers.get("Content-Type")).toMatch(/^application\/json/);
      expect(api.headers.get("X-Content-Type-Options")).toBe("nosniff");
      const json = (await api.json()) as { data: { name: string; description: string; website: string } };
      expect(json.data.name).toBe(s.name);
      expect(json.data.description).toBe(s.description);
      tally.checks += 2;
      tally.places.add("api");
      expect(csv.find((row) => row.slug === s.slug)?.name).toBe(s.name);
      tally.checks++;
      tally.places.add("csv");
      // XML: the text is escaped (&lt;), never raw markup.
      if (/[<>]/.test(s.name)) {
        expect(feed).not.toContain(s.name);
        const xml = s.name.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
        expect(feed.includes(xml) || feed.includes(xml.replace(/"/g, "&quot;").replace(/'/g, "&apos;")), `feed: ${xml}`).toBe(true);
        tally.checks++;
        tally.places.add("feed");
      }
      const badge = await fetch(`${server.url}/signatories/${s.slug}/badge.svg`);
      const svg = await badge.text();
      expect(badge.headers.get("Content-Type")).toMatch(/^image\/svg\+xml/);
      expectInert(svg, `badge ${s.slug}`);
      if (/[<>]/.test(s.name)) expect(svg).not.toContain(s.name);
      tally.checks++;
      tally.places.add("badge");
    }
    // A feed or badge with markup of its own would have failed above; the whole feed has no script element.
    expect(feed).not.toMatch(/<script/i);
  });

  it("the applicant's contact details reach no public page or data [ASVS 15.3.1, 14.2.3, catalogue 24]", async () => {
    const approved = applied.filter((_, i) => i % 3 === 2);
    const contacts = await db
      .selectFrom("applications")
      .select(["contact_email", "contact_name"])
      .where(
        "ref",
        "in",
        approved.map((a) => a.ref),
      )
      .execute();
    const slugs = (await db.selectFrom("signatories").select("slug").where("name", "like", "Acme %").execute()).map((s) => s.slug);
    const publicBodies = await Promise.all(
      [
        "/signatories?q=acme&per_page=100",
        "/signatories?q=acme&_data=routes%2Fsignatories._index",
        "/api/v1/signatories?q=acme&per_page=100",
        "/signatories.csv?status=all",
        "/feed.xml",
        ...slugs.flatMap((s) => [`/signatories/${s}`, `/signatories/${s}?_data=routes%2Fsignatories.%24slug`, `/api/v1/signatories/${s}`]),
      ].map((p) => fetch(`${server.url}${p}`).then((r) => r.text())),
    );
    for (const c of contacts)
      for (const body of publicBodies) {
        expect(body).not.toContain(c.contact_email);
        expect(body).not.toContain(reactEscape(c.contact_name));
      }
  });
});

/** Watches a page for what must never happen: a dialog, a CSP violation, a script error. */
async function watched(context: BrowserContext, problems: string[]): Promise<Page> {
  await context.exposeFunction("__cspViolation", (what: string) => problems.push(`CSP violation: ${what}`));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as unknown as { __cspViolation(s: string): void }).__cspViolation(
        `${e.violatedDirective} ${e.blockedURI} ${e.sample} at ${e.sourceFile}:${e.lineNumber} on ${location.pathname}`,
      ),
    );
  });
  const page = await context.newPage();
  page.on("dialog", (dialog) => {
    problems.push(`dialog: ${dialog.type()} ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && !/status of 40[13]/.test(message.text())) problems.push(`console.error: ${message.text()}`);
  });
  return page;
}

async function hydrated(page: Page) {
  await page.waitForFunction(() => {
    const main = document.querySelector("main");
    return !!main && Object.keys(main).some((key) => key.startsWith("__reactFiber"));
  });
}

describe("in Chromium, with the CSP enforced [ASVS 3.4.3, catalogue 21, 55]", () => {
  it("browsing, applying, signing in and approving with hostile text on screen: no dialog, no CSP violation, no error", async () => {
    const problems: string[] = [];
    const context = await browser.newContext({ baseURL: server.url, extraHTTPHeaders: { "X-Forwarded-For": "192.0.2.201" } });
    const page = await watched(context, problems);

    // The directory and every approved signatory's page, with the payloads in them.
    await page.goto("/signatories?q=acme");
    await hydrated(page);
    const slugs = (await db.selectFrom("signatories").select("slug").where("name", "like", "Acme %").execute()).map((s) => s.slug);
    expect(slugs.length).toBeGreaterThan(0);
    for (const slug of slugs) {
      await page.goto(`/signatories/${slug}`);
      await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain("Acme");
      // Hover everything: an injected onmouseover would fire now.
      await page.mouse.move(10, 10);
      await page.mouse.move(600, 300);
    }

    // Applying, with payloads typed into the form.
    await page.goto("/apply");
    await hydrated(page);
    const domain = `browser-xss-${randomBytes(2).toString("hex")}.example`;
    const fields = applicationFields(domain, {
      name: `Acme browser ${PAYLOADS[0]}`,
      description: `Secure software for everyone, made with care. ${PAYLOADS[2]}`,
      contact_name: `Jane ${PAYLOADS[1]}`,
      contact_title: `CISO ${PAYLOADS[8]}`,
    });
    for (const name of ["name", "website", "description", "contact_name", "contact_title", "contact_email"]) {
      await page.locator(`form [name="${name}"]`).fill(String(fields[name]));
    }
    await page.locator('form [name="country"]').selectOption("GB");
    await page.locator('form [name="sector"]').selectOption("security");
    for (const code of fields.pledges as string[]) await page.locator(`input[name="pledges"][value="${code}"]`).check();
    await page.locator('form [name="accept"]').check();
    await fillTime();
    await page.getByRole("button", { name: /send|apply|submit/i }).click();
    await page.waitForURL((url) => url.pathname === "/apply/received");
    const ref = /ref=(AR-[A-Z0-9]+)/.exec(page.url())![1];
    await db.updateTable("applications").set({ status: "pending", verified_at: new Date().toISOString() }).where("ref", "=", ref).execute();

    // Signing in and approving it; the moderation pages show every payload meanwhile.
    await page.goto("/login");
    await hydrated(page);
    await page.getByLabel("E-mail address").fill(moderator.email);
    await page.getByLabel("Password").fill(moderator.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/moderation");
    await page.goto(`/moderation/applications/${ref}`);
    await hydrated(page);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toContain(PAYLOADS[0]);
    await page
      .getByRole("button", { name: /^approve/i })
      .first()
      .click();
    await page.waitForURL((url) => url.searchParams.get("done") === "approved");
    await page.goto("/moderation/audit");
    await hydrated(page);
    await page.goto("/signatories?q=acme+browser");
    await expect(page.getByText(`Acme browser ${PAYLOADS[0]}`).first().isVisible()).resolves.toBe(true);
    for (const a of applied.slice(0, 3)) await page.goto(a.statusLink.replace(/^https?:\/\/[^/]+/, ""));

    await context.close();
    expect(problems, problems.join("\n")).toEqual([]);
  }, 120_000);
});
