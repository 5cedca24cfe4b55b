// DNS domain proof (issue 18, docs/decisions/024) against a real authoritative DNS server on
// a loopback port (tests/helpers/dns-server.ts): nothing is mocked, and no lookup leaves this
// machine. Runs on SQLite and (TEST_ENGINE=postgres) PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "~/modules/database/db.server";
import {
  checkDnsProofNow,
  dnsProofView,
  hasDnsProof,
  lookupDnsProof,
  publicDnsProof,
  recordName,
  RECHECK_AFTER_MINUTES,
  runDueDnsChecks,
  startDnsProof,
} from "~/modules/evidence/dns-proof.server";
import { makeResolver } from "~/modules/evidence/resolver.server";
import { approveApplication, DNS_PROOF_REQUIRED } from "~/modules/moderation/decide.server";
import { resetEnvForTests } from "~/utils/env.server";
import { useSeededDatabase } from "../helpers/db";
import { startDnsServer, type TestDnsServer } from "../helpers/dns-server";

const getDb = useSeededDatabase();
let dnsServer: TestDnsServer;
let resolver: ReturnType<typeof makeResolver>;
let sequence = 0;

beforeAll(async () => {
  dnsServer = await startDnsServer();
  resolver = makeResolver({ servers: [{ host: dnsServer.host, port: dnsServer.port }], timeoutMs: 300, tries: 1 });
});
afterAll(() => dnsServer.close());

async function insertApplication(db: DB, status: "pending" | "unverified" = "pending") {
  const n = ++sequence;
  const domain = `proof-${n}.example.test`;
  const at = new Date().toISOString();
  const row = await db
    .insertInto("applications")
    .values({
      ref: `AR-DNS${String(n).padStart(5, "0")}${Math.random().toString(36).slice(2, 6)}`,
      name: `Proof ${n}`,
      name_key: `proof ${n}`,
      website: `https://${domain}`,
      domain,
      country: "DE",
      sector: "software",
      description: "A company that proves control of its domain by DNS.",
      contact_name: "Ada",
      contact_title: "CISO",
      contact_email: `ada@${domain}`,
      status,
      verify_token_hash: `v${n}`,
      verify_expires_at: at,
      status_token_hash: `s${n}`,
      status_token_sealed: null,
      verified_at: at,
      decided_at: null,
      decision_reason: null,
      signatory_id: null,
      client_ip: "127.0.0.1",
      created_at: at,
      updated_at: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await startDnsProof(db, row);
  const view = await dnsProofView(db, row);
  return { row, domain, view: view!, token: view!.value.split("=")[1] };
}

describe("looking up the TXT record", () => {
  it("is confirmed when the record holds the application's token", async () => {
    const { row, domain, view, token } = await insertApplication(getDb());
    expect(view.name).toBe(`_accord-registry.${domain}`);
    expect(view.value).toMatch(/^accord-registry-verification=[0-9a-f]{32}$/);
    dnsServer.zone.set(recordName(domain), { txt: [[`accord-registry-verification=${token}`]] });
    const answer = await checkDnsProofNow(getDb(), row, { resolver });
    expect(answer?.outcome).toBe("confirmed");
    const after = await getDb().selectFrom("applications").selectAll().where("id", "=", row.id).executeTakeFirstOrThrow();
    expect(hasDnsProof(after)).toBe(true);
    const proof = await dnsProofView(getDb(), row);
    expect(proof?.confirmedAt).toBe(after.dns_proof_confirmed_at);
    expect(proof?.nextCheckAt).toBeNull();
  });

  it("is absent when the name holds other TXT records only", async () => {
    const { domain, token } = await insertApplication(getDb());
    dnsServer.zone.set(recordName(domain), { txt: [["v=spf1 -all"]] });
    expect((await lookupDnsProof(resolver, domain, token)).outcome).toBe("absent");
  });

  it("is absent when the name exists without TXT records", async () => {
    const { domain, token } = await insertApplication(getDb());
    dnsServer.zone.set(recordName(domain), { a: ["192.0.2.1"] });
    expect((await lookupDnsProof(resolver, domain, token)).outcome).toBe("absent");
  });

  it("names a wrong token as such", async () => {
    const { domain, token } = await insertApplication(getDb());
    dnsServer.zone.set(recordName(domain), { txt: [["accord-registry-verification=0123456789abcdef0123456789abcdef"]] });
    const answer = await lookupDnsProof(resolver, domain, token);
    expect(answer.outcome).toBe("wrong_token");
  });

  it("finds the token among several TXT records, and in one record split into several strings", async () => {
    const { domain, token } = await insertApplication(getDb());
    dnsServer.zone.set(recordName(domain), {
      txt: [
        ["v=spf1 -all"],
        ["accord-registry-verification=0000"],
        ["accord-registry-", `verification=${token.slice(0, 10)}`, token.slice(10)],
      ],
    });
    expect((await lookupDnsProof(resolver, domain, token)).outcome).toBe("confirmed");
  });

  it("says NXDOMAIN when the name does not exist", async () => {
    const { domain, token } = await insertApplication(getDb());
    const answer = await lookupDnsProof(resolver, domain, token);
    expect(answer.outcome).toBe("nxdomain");
    expect(dnsServer.questions.some((q) => q.name === recordName(domain) && q.type === "TXT")).toBe(true);
  });

  it("gives up after its timeout when the server does not answer", async () => {
    const { domain, token } = await insertApplication(getDb());
    dnsServer.zone.set(recordName(domain), { silent: true });
    const started = Date.now();
    const answer = await lookupDnsProof(resolver, domain, token);
    expect(answer.outcome).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe("the background re-checks", () => {
  it("look again a few times over the next hour until the record appears, then stop", async () => {
    const db = getDb();
    const { row, domain, token } = await insertApplication(db);
    const t0 = new Date();
    expect((await checkDnsProofNow(db, row, { resolver, now: t0 }))?.outcome).toBe("nxdomain");
    let view = await dnsProofView(db, row);
    expect(view?.nextCheckAt).toBe(new Date(t0.getTime() + RECHECK_AFTER_MINUTES[0] * 60_000).toISOString());

    // Not due yet: nothing is looked up.
    expect(await runDueDnsChecks(db, { resolver, now: new Date(t0.getTime() + 60_000) })).toBe(0);
    // Due: one look, still nothing there; the next is scheduled.
    const t5 = new Date(t0.getTime() + 5 * 60_000);
    expect(await runDueDnsChecks(db, { resolver, now: t5 })).toBe(1);
    view = await dnsProofView(db, row);
    expect(view?.outcome).toBe("nxdomain");
    expect(view?.nextCheckAt).toBe(new Date(t5.getTime() + 10 * 60_000).toISOString());

    dnsServer.zone.set(recordName(domain), { txt: [[`accord-registry-verification=${token}`]] });
    expect(await runDueDnsChecks(db, { resolver, now: new Date(t0.getTime() + 16 * 60_000) })).toBe(1);
    view = await dnsProofView(db, row);
    expect(view?.outcome).toBe("confirmed");
    expect(view?.nextCheckAt).toBeNull();
    expect(await runDueDnsChecks(db, { resolver, now: new Date(t0.getTime() + 90 * 60_000) })).toBe(0);
  });

  it("stop after the last one even when the record never appears", async () => {
    const db = getDb();
    const { row } = await insertApplication(db);
    const t0 = new Date();
    await checkDnsProofNow(db, row, { resolver, now: t0 });
    let looks = 0;
    for (let minute = 1; minute <= 120; minute++)
      looks += await runDueDnsChecks(db, { resolver, now: new Date(t0.getTime() + minute * 60_000) });
    expect(looks).toBe(RECHECK_AFTER_MINUTES.length);
    expect((await dnsProofView(db, row))?.nextCheckAt).toBeNull();
  });

  it("two workers at once look up each due proof once", async () => {
    const db = getDb();
    const { row } = await insertApplication(db);
    const t0 = new Date();
    await checkDnsProofNow(db, row, { resolver, now: t0 });
    const before = dnsServer.questions.length;
    const later = new Date(t0.getTime() + 6 * 60_000);
    const counts = await Promise.all([runDueDnsChecks(db, { resolver, now: later }), runDueDnsChecks(db, { resolver, now: later })]);
    expect(counts[0] + counts[1]).toBe(1);
    expect(dnsServer.questions.length - before).toBe(1);
  });
});

describe("what the proof counts for", () => {
  it("a proof made for another domain does not count after the domain changed", async () => {
    const db = getDb();
    const { row, domain, token } = await insertApplication(db);
    dnsServer.zone.set(recordName(domain), { txt: [[`accord-registry-verification=${token}`]] });
    await checkDnsProofNow(db, row, { resolver });
    const moved = await db
      .updateTable("applications")
      .set({ domain: "elsewhere.example.test" })
      .where("id", "=", row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    expect(hasDnsProof(moved)).toBe(false);
    expect(await dnsProofView(db, moved)).toBeNull();
    await startDnsProof(db, moved);
    const fresh = await dnsProofView(db, moved);
    expect(fresh?.name).toBe("_accord-registry.elsewhere.example.test");
    expect(fresh?.value).not.toContain(token);
  });

  it("the public sees when an approved record's domain control was proven", async () => {
    const db = getDb();
    const { row, domain, token } = await insertApplication(db);
    dnsServer.zone.set(recordName(domain), { txt: [[`accord-registry-verification=${token}`]] });
    await checkDnsProofNow(db, row, { resolver });
    const signatory = await db.selectFrom("signatories").select("id").orderBy("id").executeTakeFirstOrThrow();
    expect(await publicDnsProof(db, signatory.id)).toBeNull();
    await db.updateTable("applications").set({ status: "approved", signatory_id: signatory.id }).where("id", "=", row.id).execute();
    const confirmed = (await dnsProofView(db, row))!.confirmedAt;
    expect(await publicDnsProof(db, signatory.id)).toBe(confirmed);
  });
});

describe("REQUIRE_DNS_PROOF=1", () => {
  afterAll(() => {
    delete process.env.REQUIRE_DNS_PROOF;
    resetEnvForTests();
  });

  it("refuses to approve an application without a DNS proof, and approves it once the record is confirmed", async () => {
    process.env.REQUIRE_DNS_PROOF = "1";
    resetEnvForTests();
    const db = getDb();
    const staff = await db
      .insertInto("staff")
      .values({
        email: "dns-mod@registry.test",
        name: "Mod",
        role: "moderator",
        password_hash: "x",
        totp_secret: null,
        totp_enrolled_at: null,
        totp_last_step: null,
        created_at: new Date().toISOString(),
        last_sign_in_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const by = { id: staff.id, actor: { actor: `staff:${staff.id}`, actorLabel: "Mod <dns-mod@registry.test>", ip: "192.0.2.1" } };
    const { row, domain, token } = await insertApplication(db);
    const refused = await approveApplication(db, row.ref, "2026-01-02", by);
    expect(refused).toEqual({ ok: false, error: { kind: "conflict", message: DNS_PROOF_REQUIRED } });
    const unchanged = await db
      .selectFrom("applications")
      .select(["status", "signatory_id"])
      .where("id", "=", row.id)
      .executeTakeFirstOrThrow();
    expect(unchanged).toEqual({ status: "pending", signatory_id: null });

    dnsServer.zone.set(recordName(domain), { txt: [[`accord-registry-verification=${token}`]] });
    await checkDnsProofNow(db, row, { resolver });
    const approved = await approveApplication(db, row.ref, "2026-01-02", by);
    expect(approved.ok).toBe(true);
  });
});
