// security.txt checks (issue 18, docs/decisions/024) against a real HTTPS server with a
// throw-away certificate, its names resolved by a real DNS server on a loopback port: no
// mocks, and nothing leaves this machine (every other name is NXDOMAIN). The guard against
// private addresses is off for the loopback server, and on in the tests of the guard.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FetchLimits } from "~/modules/evidence/fetch-security-txt.server";
import { lookupGuarded, makeResolver } from "~/modules/evidence/resolver.server";
import {
  checkSecurityTxt,
  claimDueSecurityTxt,
  expiringSecurityTxt,
  recordSecurityTxt,
  runDueSecurityTxtChecks,
  securityContacts,
  securityContactsBySlug,
  securityTxtHistory,
  securityTxtShare,
} from "~/modules/evidence/security-contact.server";
import { exportCsvText } from "~/modules/opendata/csv.server";
import { useSeededDatabase } from "../helpers/db";
import { startDnsServer, type TestDnsServer } from "../helpers/dns-server";
import { answer, startHttpsServer, type TestHttpsServer } from "../helpers/https-server";

const getDb = useSeededDatabase();
let dnsServer: TestDnsServer;
let https: TestHttpsServer;
let limits: FetchLimits;

const DOMAINS = [
  "valid",
  "expired",
  "nocontact",
  "big",
  "slow",
  "offsite",
  "signed",
  "absent",
  "html",
  "legacy",
  "apex",
  "rebind",
  "private",
  "tenner",
].map((d) => `${d}.test`);
const future = new Date(Date.now() + 180 * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
const past = new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
const file = (lines: string[]) => lines.join("\n") + "\n";
const WELL_KNOWN = "/.well-known/security.txt";

beforeAll(async () => {
  https = await startHttpsServer([...DOMAINS, ...DOMAINS.map((d) => `www.${d}`), "inside.rebind.test", "ten.tenner.test"]);
  dnsServer = await startDnsServer();
  for (const d of DOMAINS) {
    dnsServer.zone.set(d, { a: ["127.0.0.1"] });
    dnsServer.zone.set(`www.${d}`, { a: ["127.0.0.1"] });
  }
  dnsServer.zone.set("ten.tenner.test", { a: ["10.0.0.1"] });
  limits = {
    resolver: makeResolver({ servers: [{ host: dnsServer.host, port: dnsServer.port }], timeoutMs: 500, tries: 1 }),
    guard: false,
    port: https.port,
    timeoutMs: 1500,
    maxBytes: 32 * 1024,
    maxRedirects: 3,
    ca: https.ca,
    userAgent: "test",
  };
  const r = https.routes;
  r.set(
    `valid.test${WELL_KNOWN}`,
    answer(
      200,
      file([
        "# ours",
        "Contact: mailto:security@valid.test",
        "Contact: https://valid.test/report",
        `Expires: ${future}`,
        "Policy: https://valid.test/cvd",
        "Preferred-Languages: en, de",
      ]),
    ),
  );
  r.set(`expired.test${WELL_KNOWN}`, answer(200, file(["Contact: mailto:security@expired.test", `Expires: ${past}`])));
  r.set(`nocontact.test${WELL_KNOWN}`, answer(200, file([`Expires: ${future}`, "Policy: https://nocontact.test/cvd"])));
  r.set(`big.test${WELL_KNOWN}`, answer(200, file(["Contact: mailto:a@big.test", `Expires: ${future}`, "#" + "x".repeat(40 * 1024)])));
  r.set(`slow.test${WELL_KNOWN}`, (_req, res) => {
    const timer = setTimeout(() => answer(200, file(["Contact: mailto:a@slow.test", `Expires: ${future}`]))(_req, res), 4000);
    res.on("close", () => clearTimeout(timer));
  });
  r.set(`offsite.test${WELL_KNOWN}`, answer(302, "", { location: `https://valid.test:${https.port}${WELL_KNOWN}` }));
  r.set(
    `signed.test${WELL_KNOWN}`,
    answer(
      200,
      file([
        "-----BEGIN PGP SIGNED MESSAGE-----",
        "Hash: SHA256",
        "",
        "Contact: mailto:security@signed.test",
        `Expires: ${future}`,
        "- -----not a header, dash-escaped",
        "-----BEGIN PGP SIGNATURE-----",
        "",
        "iQIzBAEBCAAdFiEE",
        "-----END PGP SIGNATURE-----",
      ]),
    ),
  );
  r.set(`html.test${WELL_KNOWN}`, answer(200, "<!doctype html><title>Welcome</title>", { "content-type": "text/html; charset=utf-8" }));
  r.set(`legacy.test/security.txt`, answer(200, file(["Contact: mailto:security@legacy.test", `Expires: ${future}`])));
  r.set(`apex.test${WELL_KNOWN}`, answer(301, "", { location: `https://www.apex.test:${https.port}${WELL_KNOWN}` }));
  r.set(`www.apex.test${WELL_KNOWN}`, answer(200, file(["Contact: mailto:security@apex.test", `Expires: ${future}`])));
  r.set(`tenner.test${WELL_KNOWN}`, answer(302, "", { location: `https://ten.tenner.test:${https.port}${WELL_KNOWN}` }));
});

afterAll(async () => {
  await Promise.all([https?.close(), dnsServer?.close()]);
});

describe("reading a domain's security.txt", () => {
  it("valid: Contact and a future Expires, with its Policy", async () => {
    const result = await checkSecurityTxt("valid.test", limits);
    expect(result).toMatchObject({
      status: "valid",
      contact: ["mailto:security@valid.test", "https://valid.test/report"],
      policy: "https://valid.test/cvd",
      expires: new Date(future).toISOString(),
      signed: false,
    });
    expect(result.url).toBe(`https://valid.test:${https.port}${WELL_KNOWN}`);
  });

  it("expired: Expires in the past", async () => {
    expect((await checkSecurityTxt("expired.test", limits)).status).toBe("expired");
  });

  it("invalid: no Contact", async () => {
    const result = await checkSecurityTxt("nocontact.test", limits);
    expect(result.status).toBe("invalid");
    expect(result.detail).toContain("no Contact field");
  });

  it("invalid: larger than the size cap, and not read past it", async () => {
    const result = await checkSecurityTxt("big.test", limits);
    expect(result.status).toBe("invalid");
    expect(result.detail).toContain("larger than 32 KiB");
  });

  it("missing: too slow, within the deadline", async () => {
    const started = Date.now();
    const result = await checkSecurityTxt("slow.test", { ...limits, timeoutMs: 500 });
    expect(result.status).toBe("missing");
    expect(result.detail).toContain("no complete answer within");
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("missing: a redirect off the domain is not followed", async () => {
    const before = https.requests.length;
    const result = await checkSecurityTxt("offsite.test", limits);
    expect(result.status).toBe("missing");
    expect(result.detail).toContain("redirected outside offsite.test");
    expect(https.requests.slice(before).some((r) => r.startsWith("valid.test"))).toBe(false);
  });

  it("a redirect within the domain is followed (apex → www)", async () => {
    const result = await checkSecurityTxt("apex.test", limits);
    expect(result.status).toBe("valid");
    expect(result.url).toContain("https://www.apex.test:");
  });

  it("valid and signed: the OpenPGP armour is taken off and the signature noted", async () => {
    const result = await checkSecurityTxt("signed.test", limits);
    expect(result).toMatchObject({ status: "valid", signed: true, contact: ["mailto:security@signed.test"] });
  });

  it("missing: 404 at both places", async () => {
    const before = https.requests.length;
    const result = await checkSecurityTxt("absent.test", limits);
    expect(result.status).toBe("missing");
    expect(https.requests.slice(before)).toEqual([`absent.test${WELL_KNOWN}`, "absent.test/security.txt"]);
  });

  it("missing: an HTML page is not a security.txt", async () => {
    const result = await checkSecurityTxt("html.test", limits);
    expect(result.status).toBe("missing");
    expect(result.detail).toContain("text/html");
  });

  it("the legacy /security.txt when the well-known one is not there", async () => {
    const result = await checkSecurityTxt("legacy.test", limits);
    expect(result.status).toBe("valid");
    expect(result.url).toContain("/security.txt");
  });
});

describe("the guard against private addresses (on)", () => {
  it("refuses a domain that resolves to 127.0.0.1, before connecting", async () => {
    const before = https.requests.length;
    const result = await checkSecurityTxt("valid.test", { ...limits, guard: true });
    expect(result.status).toBe("missing");
    expect(result.detail).toContain("private or loopback");
    expect(https.requests.length).toBe(before);
  });

  it("refuses, at connect time, a name of the domain that resolves to 10.0.0.1 (a redirect's target)", async () => {
    // The whole fetch runs with the guard on, so the first connection (to 127.0.0.1 here)
    // is refused already; the lookup the agent uses is what refuses the 10.x target too.
    const guarded = await checkSecurityTxt("tenner.test", { ...limits, guard: true });
    expect(guarded.status).toBe("missing");
    expect(guarded.detail).toContain("private or loopback");
    const lookup = lookupGuarded(limits.resolver, true);
    const error = await new Promise<Error | null>((resolve) => lookup("ten.tenner.test", { all: true }, (err) => resolve(err)));
    expect(error?.message).toContain("ten.tenner.test resolves only to private or loopback addresses (10.0.0.1)");
    const open = await new Promise<unknown>((resolve) =>
      lookupGuarded(limits.resolver, false)("ten.tenner.test", { all: true }, (_e, list) => resolve(list)),
    );
    expect(open).toEqual([{ address: "10.0.0.1", family: 4 }]);
  });

  it("a redirect to an address (https://127.0.0.1/…) is off the domain and not followed", async () => {
    https.routes.set(`rebind.test${WELL_KNOWN}`, answer(302, "", { location: `https://127.0.0.1:${https.port}${WELL_KNOWN}` }));
    const result = await checkSecurityTxt("rebind.test", limits);
    expect(result.status).toBe("missing");
    expect(result.detail).toContain("redirected outside rebind.test");
  });
});

describe("the schedule", () => {
  async function testSignatory(slug: string, domain: string) {
    const db = getDb();
    const at = new Date().toISOString();
    const { id } = await db
      .insertInto("signatories")
      .values({
        slug,
        name: slug,
        website: `https://${domain}`,
        country: "DE",
        sector: "software",
        description: "A test signatory for security.txt checks.",
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
    return id;
  }

  it("two workers at once claim different signatories, and each is checked once", async () => {
    const db = getDb();
    const ids = [
      await testSignatory("sec-valid", "valid.test"),
      await testSignatory("sec-expired", "expired.test"),
      await testSignatory("sec-legacy", "legacy.test"),
    ];
    const now = new Date();
    // Every other active signatory is not due (the seed's domains are not in the test DNS anyway).
    const later = new Date(now.getTime() + 86_400_000).toISOString();
    const active = await db.selectFrom("signatories").select("id").where("status", "=", "active").execute();
    await db
      .insertInto("security_txt_schedule")
      .values(active.map((s) => ({ signatory_id: s.id, next_check_at: ids.includes(s.id) ? now.toISOString() : later })))
      .execute();

    const [a, b] = await Promise.all([claimDueSecurityTxt(db, now, 2), claimDueSecurityTxt(db, now, 2)]);
    expect([...a, ...b].sort()).toEqual([...ids].sort());
    expect(new Set([...a, ...b]).size).toBe(3);
    // Claimed: nobody else takes them until the claim expires.
    expect(await claimDueSecurityTxt(db, now, 10)).toEqual([]);
    await db.updateTable("security_txt_schedule").set({ claimed_until: null }).where("signatory_id", "in", ids).execute();

    const counts = await Promise.all([
      runDueSecurityTxtChecks(db, { intervalHours: 24, limits, now, limit: 2 }),
      runDueSecurityTxtChecks(db, { intervalHours: 24, limits, now, limit: 2 }),
    ]);
    expect(counts[0] + counts[1]).toBe(3);
    const history = await db.selectFrom("security_txt_checks").select(["signatory_id"]).where("signatory_id", "in", ids).execute();
    expect(history.map((h) => h.signatory_id).sort()).toEqual([...ids].sort());
    expect(await runDueSecurityTxtChecks(db, { intervalHours: 24, limits, now })).toBe(0);

    const contacts = await securityContacts(db, ids);
    expect(contacts.get(ids[0])).toMatchObject({
      status: "valid",
      contact: ["mailto:security@valid.test", "https://valid.test/report"],
    });
    expect(contacts.get(ids[1])?.status).toBe("expired");
    expect(contacts.get(ids[2])?.status).toBe("valid");

    // Next day: due again, and the history grows.
    const tomorrow = new Date(now.getTime() + 25 * 3600_000);
    await db
      .updateTable("security_txt_schedule")
      .set({ next_check_at: new Date(tomorrow.getTime() + 86_400_000).toISOString() })
      .where("signatory_id", "not in", ids)
      .execute();
    expect(await runDueSecurityTxtChecks(db, { intervalHours: 24, limits, now: tomorrow })).toBe(3);
    expect((await securityTxtHistory(db, ids[0])).length).toBe(2);

    // The API's security_contact and the CSV's column (CONTRACT §9).
    const bySlug = await securityContactsBySlug(db, ["sec-valid", "sec-expired", "microsoft"]);
    expect(bySlug.get("sec-valid")).toEqual({
      status: "valid",
      checked_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      contact: ["mailto:security@valid.test", "https://valid.test/report"],
      policy: "https://valid.test/cvd",
      expires: new Date(future).toISOString(),
    });
    const csv = await exportCsvText(db, new URL("http://registry.test/signatories.csv?status=all"));
    const lines = csv.split("\r\n");
    expect(lines[0].endsWith(",security_contact_status")).toBe(true);
    expect(lines.find((l) => l.startsWith("sec-expired,"))?.endsWith(",expired")).toBe(true);
    expect(lines.find((l) => l.startsWith("microsoft,"))?.endsWith(",unchecked")).toBe(true);

    const expiring = await expiringSecurityTxt(db, 30);
    expect(expiring.map((e) => e.slug)).toEqual(["sec-expired"]);
    const share = await securityTxtShare(db);
    expect(share.valid).toBe(2);
    expect(share.checked).toBe(3);

    // A file that was valid when checked and whose Expires has passed since reads "expired" in
    // the API and the CSV as on the page, not "valid" until the next check.
    await db.updateTable("security_contacts").set({ expires: "2020-01-01T00:00:00.000Z" }).where("signatory_id", "=", ids[0]).execute();
    expect((await securityContactsBySlug(db, ["sec-valid"])).get("sec-valid")?.status).toBe("expired");
    const csvNow = (await exportCsvText(db, new URL("http://registry.test/signatories.csv?status=all"))).split("\r\n");
    expect(csvNow.find((l) => l.startsWith("sec-valid,"))?.endsWith(",expired")).toBe(true);
  });

  it("keeps the current result and every check", async () => {
    const db = getDb();
    const id = await testSignatory("sec-history", "absent.test");
    await recordSecurityTxt(db, id, await checkSecurityTxt("absent.test", limits), "staff:1");
    const history = await securityTxtHistory(db, id);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ status: "missing", requested_by: "staff:1", http_status: 404 });
  });
});
