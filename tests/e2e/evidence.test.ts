// Evidence in Chromium (issue 18): an applicant gets the DNS record on their status page,
// publishes it (here: in the test's own authoritative DNS server, which the registry reaches
// through DNS_SERVERS), presses "Check now" without JavaScript, and sees the proof; a
// moderator then sees both proofs (the mailbox, DNS) on the application's page.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DB } from "~/modules/database/db.server";
import { launchBrowser, type TestBrowser } from "../helpers/browser";
import { startDnsServer, type TestDnsServer } from "../helpers/dns-server";
import { startServer, type TestServer } from "../helpers/server";
import { createStaffUser, insertApplication, type TestStaff } from "../integration/staff-fixtures";

const TIMEOUT = 90_000;
const dbPath = join(tmpdir(), `accord-evidence-e2e-${randomUUID()}.db`);
let server: TestServer;
let browser: TestBrowser;
let dnsServer: TestDnsServer;
let db: DB;
let moderator: TestStaff;

beforeAll(async () => {
  dnsServer = await startDnsServer();
  [server, browser] = await Promise.all([
    startServer({ DATABASE_URL: dbPath, STAFF_MFA: "optional", DNS_SERVERS: dnsServer.address, SECURITY_TXT_INTERVAL_HOURS: "0" }),
    launchBrowser(),
  ]);
  db = openDatabase(dbPath);
  moderator = await createStaffUser(db, { name: "Mira Moderator" });
}, 120_000);

afterAll(async () => {
  await db?.destroy();
  await Promise.allSettled([browser?.close(), server?.stop(), dnsServer?.close()]);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(dbPath + suffix, { force: true });
});

async function watched(page: Page, problems: string[]) {
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console.error: ${message.text()}`);
  });
  return page;
}

describe("a DNS proof, end to end", () => {
  it(
    "the applicant publishes the record and checks it without JavaScript; the moderator sees both proofs",
    async () => {
      const problems: string[] = [];
      const inserted = await insertApplication(db, { name: "Osprey Network Defence" });
      // A status link as the applicant's mail carries it: a reference of the real shape and its token.
      const alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
      const app = { ...inserted, ref: `AR-${[...randomBytes(8)].map((b) => alphabet[b % alphabet.length]).join("")}` };
      const token = randomBytes(32).toString("base64url");
      await db
        .updateTable("applications")
        .set({ ref: app.ref, status_token_hash: createHash("sha256").update(token).digest("hex") })
        .where("id", "=", app.id)
        .execute();
      const statusPath = `/applications/${app.ref}?token=${token}`;

      const applicant = await browser.newContext({ javaScript: false, baseURL: server.url });
      const page = await watched(await applicant.newPage(), problems);
      await page.goto(statusPath);
      await page.getByRole("heading", { name: `Prove control of ${app.domain} by DNS (optional)` }).waitFor();
      await page.getByRole("button", { name: "Get the DNS record to publish" }).click();
      const name = await page.locator("[data-dns-name]").textContent();
      const value = await page.locator("[data-dns-value]").textContent();
      expect(name).toBe(`_accord-registry.${app.domain}`);
      expect(value).toMatch(/^accord-registry-verification=[0-9a-f]{32}$/);

      // Not published yet: the page says so, and that the registry looks again by itself.
      await page.getByRole("button", { name: "Check now" }).click();
      await expect(page.locator(".dns-proof-outcome").textContent()).resolves.toContain("Not found yet: the name does not exist in DNS.");
      await expect(page.locator(".dns-proof-outcome").textContent()).resolves.toContain("we look again by ourselves");

      dnsServer.zone.set(name!, { txt: [["v=spf1 -all"], [value!]] });
      await page.getByRole("button", { name: "Check now" }).click();
      await expect(page.locator(".dns-proof-confirmed").textContent()).resolves.toMatch(/^Domain control proven by DNS on /);
      expect(page.url()).toContain(statusPath);
      await applicant.close();

      const staff = await browser.newContext({ javaScript: true, baseURL: server.url });
      const staffPage = await watched(await staff.newPage(), problems);
      await staffPage.goto(`/moderation/applications/${app.ref}`);
      await staffPage.waitForURL((url) => url.pathname === "/login");
      await staffPage.getByLabel("E-mail address").fill(moderator.email);
      await staffPage.getByLabel("Password").fill(moderator.password);
      await staffPage.getByRole("button", { name: "Sign in" }).click();
      await staffPage.waitForURL((url) => url.pathname === `/moderation/applications/${app.ref}`);
      const proofs = staffPage.locator("[data-proofs]");
      await expect(proofs.locator("[data-proof=mailbox]").textContent()).resolves.toMatch(/^Mailbox at the domain: verified /);
      await expect(proofs.locator("[data-proof=dns]").getAttribute("data-dns-outcome")).resolves.toBe("confirmed");
      await expect(proofs.locator("[data-proof=dns]").textContent()).resolves.toContain(`confirmed at`);
      await staff.close();
      expect(problems).toEqual([]);
    },
    TIMEOUT,
  );
});

describe("a signatory's page with its evidence, in Chromium", () => {
  it.each([
    { size: "phone", viewport: { width: 390, height: 844 } },
    { size: "desktop", viewport: { width: 1366, height: 900 } },
  ])(
    "the Security contact and Domain control rows pass axe and fit the screen ($size)",
    async ({ viewport }) => {
      // Nokia's record with a published security.txt (long and hostile values among them) and a DNS proof.
      const { id } = await db.selectFrom("signatories").select("id").where("slug", "=", "nokia").executeTakeFirstOrThrow();
      const contact = {
        status: "valid" as const,
        checked_at: new Date().toISOString(),
        url: "https://nokia.com/.well-known/security.txt",
        contact_json: JSON.stringify([
          "mailto:psirt-with-a-rather-long-address@security.nokia.example",
          "https://www.nokia.example/notices/responsible-disclosure/report-a-vulnerability-in-any-product-or-service",
          "javascript:alert(1)",
        ]),
        policy: "https://www.nokia.example/notices/responsible-disclosure/",
        expires: new Date(Date.now() + 90 * 86_400_000).toISOString(),
        signed: 0 as const,
        detail: "found",
      };
      await db
        .insertInto("security_contacts")
        .values({ signatory_id: id, ...contact })
        .onConflict((oc) => oc.column("signatory_id").doUpdateSet(contact))
        .execute();
      const app = await insertApplication(db, { status: "approved", domain: "nokia.com" });
      await db
        .updateTable("applications")
        .set({ signatory_id: id, dns_proof_domain: "nokia.com", dns_proof_confirmed_at: "2026-02-01T09:00:00.000Z" })
        .where("id", "=", app.id)
        .execute();

      const page = await browser.newPage({ viewport, baseURL: server.url });
      try {
        await page.goto("/signatories/nokia");
        const row = page.locator("[data-security-contact=valid]");
        await expect(row.textContent()).resolves.toContain("Published");
        await expect(row.locator("a").count()).resolves.toBe(3);
        await expect(page.locator(".dns-proof-fact").textContent()).resolves.toContain("Proven by DNS on 1 February 2026");
        const { violations } = await new AxeBuilder({ page }).analyze();
        expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
        const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
        expect(scroll).toBeLessThanOrEqual(inner);
      } finally {
        await page.context().close();
      }
    },
    TIMEOUT,
  );
});
