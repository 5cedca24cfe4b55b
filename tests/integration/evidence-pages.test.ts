// What issue 18's evidence looks like through the BUILT server (tests/helpers/server.ts, a
// child process as `npm start` runs it): a moderator's "Check security.txt now" (CSRF and
// audit), the fetch on the production path (the server's own resolver pointed at a test DNS
// server with DNS_SERVERS, the test HTTPS server's throw-away certificate trusted only
// through NODE_EXTRA_CA_CERTS), the public page's "Security contact" row for each status
// (through the response cache, which must move with each check), hostile Contact values
// shown as text, the DNS proof line, the staff view of expiring files, /stats' figure, and
// the reminder mail (once per Expires date). Nothing leaves this machine: every other name
// is NXDOMAIN. Runs on SQLite and (TEST_ENGINE=postgres) PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "~/modules/audit/audit.server";
import { openDatabase, type DB } from "~/modules/database/db.server";
import { sendSecurityTxtReminders } from "~/modules/evidence/reminders.server";
import { dropDatabase, freshDatabaseUrl } from "../helpers/engine";
import { startDnsServer, type TestDnsServer } from "../helpers/dns-server";
import { answer, startHttpsServer, type TestHttpsServer } from "../helpers/https-server";
import { startServer, type TestServer } from "../helpers/server";
import { HttpClient, createStaffUser, insertApplication } from "./staff-fixtures";

const NAMES = ["valid", "expired", "absent", "hostile", "soon"];
const DOMAINS = NAMES.map((n) => `${n}.evidence.test`);
const WELL_KNOWN = "/.well-known/security.txt";
const iso = (ms: number) => new Date(Date.now() + ms).toISOString().replace(/\.\d+Z$/, "Z");
const DAY = 86_400_000;
const future = iso(180 * DAY);
const file = (lines: string[]) => lines.join("\n") + "\n";

let https: TestHttpsServer;
let dns: TestDnsServer;
let server: TestServer;
let dbPath: string;
let db: DB;
let staff: HttpClient;
const ids = new Map<string, number>();

async function addSignatory(name: string, domain: string) {
  const at = new Date().toISOString();
  const { id } = await db
    .insertInto("signatories")
    .values({
      slug: `ev-${name}`,
      name: `Evidence ${name}`,
      website: `https://${domain}`,
      country: "DE",
      sector: "software",
      description: "A test signatory for the evidence pages.",
      joined_on: "2024-01-01",
      founding: 0,
      status: "active",
      withdrawn_on: null,
      former_names: null,
      notes: null,
      domain,
      created_at: at,
      updated_at: at,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  ids.set(name, id);
}

beforeAll(async () => {
  https = await startHttpsServer(DOMAINS);
  dns = await startDnsServer();
  for (const d of DOMAINS) dns.zone.set(d, { a: ["127.0.0.1"] });
  const r = https.routes;
  r.set(
    `valid.evidence.test${WELL_KNOWN}`,
    answer(
      200,
      file([
        "Contact: mailto:security@valid.evidence.test",
        "Contact: https://valid.evidence.test/report",
        `Expires: ${future}`,
        "Policy: https://valid.evidence.test/cvd",
      ]),
    ),
  );
  r.set(`expired.evidence.test${WELL_KNOWN}`, answer(200, file(["Contact: mailto:psirt@expired.evidence.test", `Expires: ${iso(-DAY)}`])));
  r.set(
    `hostile.evidence.test${WELL_KNOWN}`,
    answer(
      200,
      file([
        "Contact: javascript:alert(1)",
        'Contact: "><script>alert(2)</script>',
        "Contact: data:text/html,<b>x</b>",
        `Expires: ${future}`,
        "Policy: javascript:alert(3)//https://x",
      ]),
    ),
  );
  r.set(`soon.evidence.test${WELL_KNOWN}`, answer(200, file(["Contact: mailto:security@soon.evidence.test", `Expires: ${iso(10 * DAY)}`])));

  dbPath = await freshDatabaseUrl("evidence-pages");
  server = await startServer({
    DATABASE_URL: dbPath,
    DNS_SERVERS: dns.address,
    OUTBOUND_GUARD: "off",
    SECURITY_TXT_PORT: String(https.port),
    // The only way the server process trusts the test server's certificate.
    NODE_EXTRA_CA_CERTS: https.caFile,
    WRITE_LIMIT_PER_MINUTE: "0",
    READ_LIMIT_PER_MINUTE: "0",
    STAFF_MFA: "optional",
  });
  db = openDatabase(dbPath);
  for (const [i, name] of NAMES.entries()) await addSignatory(name, DOMAINS[i]);
  const moderator = await createStaffUser(db, { name: "Sam Checker" });
  staff = new HttpClient(server.url);
  expect((await staff.signIn(moderator.email, moderator.password)).status).toBe(303);
}, 120_000);

afterAll(async () => {
  await db?.destroy();
  await Promise.allSettled([server?.stop(), https?.close(), dns?.close()]);
  if (dbPath) await dropDatabase(dbPath);
});

const publicPage = async (slug: string) => {
  const response = await fetch(`${server.url}/signatories/${slug}`);
  expect(response.status).toBe(200);
  return response.text();
};
/** The page's "Security contact" row. */
const row = (html: string) => html.match(/<div class="security-contact-fact"[\s\S]*?<\/dd><\/div>/)?.[0] ?? "";

async function checkNow(slug: string) {
  await staff.get(`/moderation/signatories/${slug}`);
  return staff.post(`/moderation/signatories/${slug}`, { intent: "security_txt_check" });
}

describe("the public page before any check", () => {
  it("says 'Not checked yet', with no date and no links", async () => {
    const html = await publicPage("ev-valid");
    expect(row(html)).toContain('data-security-contact="unchecked"');
    expect(row(html)).toContain("Not checked yet");
    expect(row(html)).not.toContain("checked on");
    expect(row(html)).not.toContain("<a ");
  });
});

describe("'Check security.txt now' (staff)", () => {
  it("is refused without the form's token (403), and nothing is fetched or recorded", async () => {
    const before = https.requests.length;
    await staff.get("/moderation/signatories/ev-valid");
    const { response } = await staff.post("/moderation/signatories/ev-valid", { intent: "security_txt_check", csrf: "" });
    expect(response.status).toBe(403);
    const other = new HttpClient(server.url);
    other.cookies = new Map(staff.cookies);
    other.csrf = "forged";
    expect((await other.post("/moderation/signatories/ev-valid", { intent: "security_txt_check" })).response.status).toBe(403);
    expect(https.requests.length).toBe(before);
    expect(await db.selectFrom("security_txt_checks").select("id").execute()).toHaveLength(0);
  });

  it("is refused without a staff session (to the sign-in page)", async () => {
    const anonymous = new HttpClient(server.url);
    await anonymous.get("/signatories/ev-valid");
    const { response } = await anonymous.post("/moderation/signatories/ev-valid", { intent: "security_txt_check" });
    expect([303, 403]).toContain(response.status);
    expect(await db.selectFrom("security_txt_checks").select("id").execute()).toHaveLength(0);
  });

  it("fetches the file on the production path (test DNS, certificate trusted by NODE_EXTRA_CA_CERTS), records it and audits who asked", async () => {
    const before = https.requests.length;
    const { response } = await checkNow("ev-valid");
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toContain("/moderation/signatories/ev-valid?done=security_txt");
    expect(https.requests.slice(before)).toEqual([`valid.evidence.test${WELL_KNOWN}`]);
    expect(dns.questions.some((q) => q.name === "valid.evidence.test")).toBe(true);

    const current = await db
      .selectFrom("security_contacts")
      .selectAll()
      .where("signatory_id", "=", ids.get("valid")!)
      .executeTakeFirstOrThrow();
    expect(current.status).toBe("valid");
    const audit = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("target_type", "=", "signatory")
      .where("target_id", "=", "ev-valid")
      .execute();
    expect(audit.map((a) => a.action)).toEqual(["signatory.security_txt_check"]);
    expect(audit[0].actor_label).toContain("Sam Checker");
    expect(JSON.parse(audit[0].after_json!)).toMatchObject({ status: "valid" });
    expect((await verifyAuditChain(db)).ok).toBe(true);

    const { body } = await staff.get("/moderation/signatories/ev-valid?done=security_txt");
    expect(body).toContain("Check security.txt now");
    expect(body).toContain('data-security-txt="valid"');
    expect(body).toMatch(/<tr data-check-status="valid">/);
  });
});

describe("the public page after the checks", () => {
  beforeAll(async () => {
    for (const slug of ["ev-expired", "ev-absent", "ev-hostile", "ev-soon"]) expect((await checkNow(slug)).response.status).toBe(303);
  });

  it("valid: 'Published (checked on …)' with the Contact and Policy links, rel noopener noreferrer nofollow (the cached page moved)", async () => {
    const html = row(await publicPage("ev-valid"));
    expect(html).toContain('data-security-contact="valid"');
    expect(html).toContain("Published");
    expect(html).toMatch(/checked on <time dateTime="\d{4}-\d{2}-\d{2}T/i);
    expect(html).toContain('<a href="mailto:security@valid.evidence.test" rel="noopener noreferrer nofollow external">');
    expect(html).toContain('<a href="https://valid.evidence.test/report" rel="noopener noreferrer nofollow external">');
    expect(html).toContain('<a href="https://valid.evidence.test/cvd" rel="noopener noreferrer nofollow external">');
    expect(html).not.toContain("target=");
  });

  it("expired, and missing", async () => {
    const expired = row(await publicPage("ev-expired"));
    expect(expired).toContain('data-security-contact="expired"');
    expect(expired).toContain("Expired");
    const missing = row(await publicPage("ev-absent"));
    expect(missing).toContain('data-security-contact="missing"');
    expect(missing).toContain("Missing");
    expect(missing).not.toContain("<a ");
  });

  it("hostile values are shown as text, never as links or markup", async () => {
    const page = await publicPage("ev-hostile");
    const html = row(page);
    expect(html).toContain('data-security-contact="valid"');
    expect(html).toContain("javascript:alert(1)");
    expect(html).not.toMatch(/href="(javascript|data):/i);
    expect(page).not.toContain("<script>alert(2)</script>");
    expect(html).toContain("&lt;script&gt;alert(2)&lt;/script&gt;");
    expect(html).not.toContain("<a ");
  });

  it("the API agrees", async () => {
    const body = (await (await fetch(`${server.url}/api/v1/signatories/ev-expired`)).json()) as {
      data: { security_contact: { status: string } };
    };
    expect(body.data.security_contact.status).toBe("expired");
  });
});

describe("the DNS proof line", () => {
  it("shows 'Proven by DNS on …' once an approved application of the signatory carries a confirmed proof", async () => {
    expect(await publicPage("ev-valid")).not.toContain("Proven by DNS");
    const app = await insertApplication(db, { status: "approved", domain: "valid.evidence.test" });
    await db
      .updateTable("applications")
      .set({ signatory_id: ids.get("valid")!, dns_proof_domain: "valid.evidence.test", dns_proof_confirmed_at: "2026-03-04T10:00:00.000Z" })
      .where("id", "=", app.id)
      .execute();
    const html = await publicPage("ev-valid");
    expect(html).toContain("Domain control");
    expect(html).toContain('Proven by DNS on <time dateTime="2026-03-04T10:00:00.000Z">4 March 2026</time>');
  });
});

describe("staff: expiring files, and reminders", () => {
  it("/moderation/security-txt lists the expired and the soon-expiring ones, soonest first; staff only", async () => {
    const { response, body } = await staff.get("/moderation/security-txt");
    expect(response.status).toBe(200);
    const listed = [...body.matchAll(/<tr data-slug="([^"]+)"/g)].map((m) => m[1]);
    expect(listed).toEqual(["ev-expired", "ev-soon"]);
    const anonymous = await fetch(`${server.url}/moderation/security-txt`, { redirect: "manual" });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toContain("/login");
  });

  it("queues one reminder per Expires date to the contact on record, and none without one", async () => {
    const app = await insertApplication(db, { status: "approved", domain: "soon.evidence.test" });
    await db
      .updateTable("applications")
      .set({ signatory_id: ids.get("soon")! })
      .where("id", "=", app.id)
      .execute();
    // valid.evidence.test expires in 180 days: not yet; the others have no contact on record.
    expect(await sendSecurityTxtReminders(db)).toBe(1);
    expect(await sendSecurityTxtReminders(db)).toBe(0);
    const mails = await db.selectFrom("mail_outbox").selectAll().where("kind", "=", "security_txt_reminder").execute();
    expect(mails).toHaveLength(1);
    expect(mails[0].to_address).toBe(app.contactEmail);
    expect(mails[0].text_body).toContain("soon.evidence.test");
    const { body } = await staff.get("/moderation/security-txt");
    expect(body).toMatch(/<tr data-slug="ev-soon">[\s\S]*?<\/tr>/);
    expect(body.match(/<tr data-slug="ev-soon">[\s\S]*?<\/tr>/)![0]).not.toContain(">no<");
    // A renewed file with a new Expires date gets its own reminder when that date comes near.
    await db
      .updateTable("security_contacts")
      .set({ expires: new Date(Date.now() + 12 * DAY).toISOString() })
      .where("signatory_id", "=", ids.get("soon")!)
      .execute();
    expect(await sendSecurityTxtReminders(db)).toBe(1);
  });
});

describe("/stats", () => {
  it("gives the share of the checked ones, and how many are not checked yet", async () => {
    const html = await (await fetch(`${server.url}/stats`)).text();
    const active = Number(
      (
        await db
          .selectFrom("signatories")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("status", "=", "active")
          .executeTakeFirstOrThrow()
      ).n,
    );
    // Checked: the five test signatories; valid now: valid, hostile and soon.
    expect(html).toContain(`data-security-txt="3/5/${active - 5}"`);
    expect(html).toContain(`3 of 5</strong> checked signatories publish a valid`);
    expect(html).toContain(`; ${active - 5} not yet checked`);
    expect(html).not.toMatch(/\d+(\.\d+)? ?% [^<]*security\.txt/);
  });
});
