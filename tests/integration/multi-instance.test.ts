// Two production servers (`npm start`'s server) on ONE PostgreSQL database, as behind a load
// balancer (issue 7): started at the same moment on an empty database; a session made on
// one used on the other; an application submitted on A, verified and approved on B, and
// A's cached directory showing the result; ten approvals split across A and B making one
// signatory; simultaneous applications for one domain on both making one; the
// per-address application limit counted across both; every queued mail delivered once
// though both instances send; an audit chain both appended to that verifies.
//
// It runs in the PostgreSQL pass only (TEST_ENGINE=postgres): several instances need a
// database server, and with SQLite the whole file is one skipped entry.
//
// How the two are set up, as docs/several-instances.md asks of a deployment: the same
// DATABASE_URL, the same SESSION_SECRET (session cookies, form tokens and the form's
// signed start time are checked with it), the same SMTP_URL, TRUST_PROXY=1 (the test plays
// the proxy: X-Forwarded-For names each client). PUBLIC_URL stays each server's own
// address (there is no proxy address here); the Origin check also accepts the Host the
// client addressed, so a form served by A can be posted to B. A browser keeps cookies per
// host, not per port, so one client's cookie jar is shared by its A and B handles.
import { fromFlag } from "../../db/booleans";
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resubmitApplication, submitApplication } from "~/modules/applications/applications.server";
import { verifyAuditChain } from "~/modules/audit/audit.server";
import { openDatabase, type DB } from "~/modules/database/db.server";
import { slugify } from "~/modules/directory/slug";
import { STARTED_FIELD, startedToken } from "~/modules/security/honeypot.server";
import { describeOnPostgres, dropDatabase, freshDatabaseUrl } from "../helpers/engine";
import { startServer, type TestServer } from "../helpers/server";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp";
import { createStaffUser, HttpClient, insertApplication, REQUIRED_PLEDGES } from "./staff-fixtures";

const APPLY_LIMIT = 3;

let n = 0;
const unique = () => `${++n}-${randomBytes(3).toString("hex")}`;

/** One visitor's handles on both servers, sharing a cookie jar as a browser would. */
function visitorOnBoth(a: TestServer, b: TestServer): { onA: HttpClient; onB: HttpClient } {
  const onA = new HttpClient(a.url);
  const onB = new HttpClient(b.url);
  onB.cookies = onA.cookies;
  return { onA, onB };
}

/** Every hidden input of a page's form, as a browser sends them back. */
function hiddenInputs(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [input] of html.matchAll(/<input\b[^>]*\btype="hidden"[^>]*>/g)) {
    const name = /\bname="([^"]*)"/.exec(input)?.[1];
    const value = /\bvalue="([^"]*)"/.exec(input)?.[1] ?? "";
    if (name) fields[name] = value.replace(/&amp;/g, "&");
  }
  return fields;
}

function applicationFields(domain: string, name: string): Record<string, string | string[]> {
  return {
    name,
    website: `https://www.${domain}`,
    country: "NL",
    sector: "security",
    description: "Builds intrusion detection for small hospitals and schools across Europe.",
    contact_name: "Jane Doe",
    contact_title: "Chief Information Security Officer",
    contact_email: `jane.doe@${domain}`,
    pledges: [...REQUIRED_PLEDGES, "paris-call"],
    accept: "on",
  };
}

/**
 * POST /apply as a browser sends it: the hidden inputs of the form it was served (on
 * `formFrom`), the fields, from client address `ip`. The form's start time is signed
 * with the shared secret as if it was served ten seconds ago (the form refuses faster
 * submissions), so no test waits.
 */
async function apply(formFrom: HttpClient, to: HttpClient, ip: string, fields: Record<string, string | string[]>) {
  const form = await formFrom.get("/apply");
  expect(form.response.status).toBe(200);
  const hidden = hiddenInputs(form.body);
  expect(Object.keys(hidden)).toContain(STARTED_FIELD);
  const body = new URLSearchParams({ ...hidden, [STARTED_FIELD]: startedToken(Date.now() - 10_000), url_confirm: "" });
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  }
  const response = await fetch(new URL("/apply", to.base), {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: to.base,
      Cookie: to.cookieHeader,
      "X-Forwarded-For": ip,
    },
    body,
    redirect: "manual",
  });
  return {
    status: response.status,
    location: response.headers.get("Location"),
    retryAfter: response.headers.get("Retry-After"),
    body: await response.text(),
  };
}

let addresses = 0;
/** A client address of its own (the servers trust X-Forwarded-For, as behind the proxy). */
const address = () => `203.0.113.${++addresses}`;

/** Signs in through /login from client address `ip`, as a browser would. */
async function signIn(client: HttpClient, staff: { email: string; password: string }, ip: string) {
  await client.get("/login");
  const { response } = await client.post("/login", { email: staff.email, password: staff.password }, { "X-Forwarded-For": ip });
  return response;
}

/** Waits (without a time limit of its own) until a condition on the database holds. */
async function until(check: () => Promise<boolean>) {
  await expect.poll(check, { timeout: 20_000, interval: 50 }).toBe(true);
}

describeOnPostgres("two server instances on one PostgreSQL database", () => {
  let a: TestServer;
  let b: TestServer;
  let smtp: TestSmtp;
  let db: DB;
  let databaseUrl: string;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    databaseUrl = await freshDatabaseUrl("multi");
    const shared = {
      DATABASE_URL: databaseUrl,
      SESSION_SECRET: process.env.SESSION_SECRET!,
      SMTP_URL: smtp.url,
      APPLY_LIMIT_PER_HOUR: String(APPLY_LIMIT),
      TRUST_PROXY: "1",
      // Staff here sign in with a password alone (production would otherwise require a second factor).
      STAFF_MFA: "optional",
    };
    // Both at once, on an empty database: both migrate and seed at start-up.
    [a, b] = await Promise.all([startServer(shared), startServer(shared)]);
    db = openDatabase(databaseUrl);
  }, 120_000);

  afterAll(async () => {
    await db?.destroy();
    await Promise.allSettled([a?.stop(), b?.stop(), smtp?.close()]);
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it("start together on an empty database: migrated once, seeded once, both healthy", async () => {
    const signatories = await db.selectFrom("signatories").select("slug").execute();
    expect(signatories).toHaveLength(35); // the 34 founders and Panda Security (../shared/data)
    expect(new Set(signatories.map((s) => s.slug)).size).toBe(35);
    const migrations = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    expect(migrations.rows.map((r) => r.name)).toContain("011_open_application_domain");
    expect(new Set(migrations.rows.map((r) => r.name)).size).toBe(migrations.rows.length);
    for (const server of [a, b]) {
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "ok" });
    }
  });

  it("a session made by signing in on A works on B, and signing out on B ends it on A", async () => {
    const staff = await createStaffUser(db);
    const { onA, onB } = visitorOnBoth(a, b);
    const ip = address();
    expect((await signIn(onA, staff, ip)).status).toBe(303);
    const queue = await onB.get("/moderation");
    expect(queue.response.status).toBe(200);
    expect(queue.body).toContain(staff.name);
    // B's page carries the form token B would check; A checks the same one.
    const out = await onB.post("/logout", {}, { "X-Forwarded-For": ip });
    expect(out.response.status).toBe(303);
    const after = await onA.get("/moderation");
    expect(after.response.status).toBe(303);
    expect(after.response.headers.get("Location")).toBe("/login?redirectTo=%2Fmoderation");
  });

  it("an application submitted on A is verified and approved on B, and A's directory shows the new signatory", async () => {
    const id = unique();
    const domain = `multi-${id}.example`;
    const name = `Multi Instance Labs ${id}`;
    const applicant = visitorOnBoth(a, b);
    const search = `/signatories?q=${encodeURIComponent(name)}`;
    const listed = `href="/signatories/${slugify(name)}"`;
    // A caches the (empty) answer for anonymous visitors before the approval.
    const before = await new HttpClient(a.url).get(search);
    expect(before.response.status).toBe(200);
    expect(before.body).not.toContain(listed);

    const submitted = await apply(applicant.onA, applicant.onA, address(), applicationFields(domain, name));
    expect(submitted.status).toBe(303);
    const ref = /ref=([A-Z0-9-]+)/.exec(submitted.location ?? "")![1];

    await until(async () => smtp.mails.some((m) => m.to === `jane.doe@${domain}`));
    const mail = smtp.mails.find((m) => m.to === `jane.doe@${domain}`)!;
    expect(mail.subject).toContain(ref);
    const verifyLink = mail.links.find((l) => l.includes("/apply/verify?token="))!;
    expect(verifyLink.startsWith(a.url)).toBe(true);
    const onB = new URL(verifyLink);
    const verified = await applicant.onB.get(`${onB.pathname}${onB.search}`);
    expect(verified.response.status).toBe(200);
    const row = await db.selectFrom("applications").select("status").where("ref", "=", ref).executeTakeFirstOrThrow();
    expect(row.status).toBe("pending");

    const staff = await createStaffUser(db);
    const moderator = new HttpClient(b.url);
    const ip = address();
    expect((await signIn(moderator, staff, ip)).status).toBe(303);
    const page = await moderator.get(`/moderation/applications/${ref}`);
    expect(page.body).toContain(name);
    const approved = await moderator.post(
      `/moderation/applications/${ref}`,
      { intent: "approve", joined_on: "" },
      { "X-Forwarded-For": ip },
    );
    expect(approved.response.status).toBe(303);

    const after = await new HttpClient(a.url).get(search);
    expect(after.response.status).toBe(200);
    expect(after.body).toContain(listed);
    const profile = await new HttpClient(a.url).get(`/signatories/${slugify(name)}`);
    expect(profile.response.status).toBe(200);
    expect(profile.body).toContain(name);
  });

  it("ten moderators approving one application at once, five on A and five on B, make exactly one signatory", async () => {
    const moderators: { client: HttpClient; ip: string }[] = [];
    for (let i = 0; i < 10; i++) {
      const staff = await createStaffUser(db);
      const client = new HttpClient(i % 2 ? b.url : a.url);
      const ip = address();
      expect((await signIn(client, staff, ip)).status).toBe(303);
      moderators.push({ client, ip });
    }
    for (const round of [1, 2, 3]) {
      const app = await insertApplication(db);
      const responses = await Promise.all(
        moderators.map((m) =>
          m.client.post(`/moderation/applications/${app.ref}`, { intent: "approve", joined_on: "" }, { "X-Forwarded-For": m.ip }),
        ),
      );
      const statuses = responses.map((r) => r.response.status).sort();
      console.log(`round ${round}: approve ×10 across A and B on ${app.ref}: ${statuses.join(", ")}`);
      expect(statuses).toEqual([303, ...Array(9).fill(409)]);
      const signatories = await db.selectFrom("signatories").select("id").where("name", "=", app.name).execute();
      expect(signatories).toHaveLength(1);
      const audit = await db
        .selectFrom("audit_log")
        .select("action")
        .where("target_type", "=", "application")
        .where("target_id", "=", app.ref)
        .execute();
      expect(audit.map((e) => e.action)).toEqual(["application.approve"]);
      const mails = await db.selectFrom("mail_outbox").select("kind").where("to_address", "=", app.contactEmail).execute();
      expect(mails.map((m) => m.kind)).toEqual(["application_approved"]);
    }
  });

  it("six applications for one domain sent at once to A and B: one is taken, five get the form's message, none fails", async () => {
    const id = unique();
    const domain = `race-${id}.example`;
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => {
        const visitor = visitorOnBoth(a, b);
        const server = i % 2 ? visitor.onB : visitor.onA;
        return apply(server, server, address(), applicationFields(domain, `Race Condition Systems ${id}`));
      }),
    );
    const statuses = results.map((r) => r.status).sort();
    console.log(`six simultaneous applications for ${domain} across A and B: ${statuses.join(", ")}`);
    expect(statuses).toEqual([303, 400, 400, 400, 400, 400]);
    for (const refused of results.filter((r) => r.status === 400)) {
      expect(refused.body).toContain(`An application for ${domain} is already open.`);
    }
    const open = await db.selectFrom("applications").select("id").where("domain", "=", domain).execute();
    expect(open).toHaveLength(1);
  });

  describe("the open-domain constraint answers like the check when another instance commits first", () => {
    /**
     * Another instance's transaction that has written an open application for `domain`
     * and not committed yet: `work` runs meanwhile, and the holder commits once `work`
     * is waiting on it (PostgreSQL reports the wait, so no test guesses a delay).
     */
    async function whileAnotherInstanceHolds<T>(domain: string, work: () => Promise<T>) {
      let commit!: () => void;
      const held = new Promise<void>((resolve) => (commit = resolve));
      let written!: () => void;
      const ready = new Promise<void>((resolve) => (written = resolve));
      const holder = db.transaction().execute(async (trx) => {
        await insertApplication(trx, { domain, status: "unverified", pledges: [] });
        written();
        await held;
      });
      await ready;
      const result = work();
      await until(async () => {
        const waiting = await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
        return waiting.rows[0].n > 0;
      });
      commit();
      await holder;
      return result;
    }

    const input = (domain: string) => ({
      name: "Northwind Security",
      website: `https://www.${domain}`,
      domain,
      country: "GB",
      sector: "security",
      description: "Northwind builds intrusion detection for small hospitals and schools.",
      contact_name: "Jane Doe",
      contact_title: "CISO",
      contact_email: `jane.doe@${domain}`,
      pledges: REQUIRED_PLEDGES,
    });

    it("a new application: the website field's message, nothing written, no mail", async () => {
      const domain = `held-${unique()}.example`;
      const result = await whileAnotherInstanceHolds(domain, () => submitApplication(db, input(domain), { clientIp: "192.0.2.1" }));
      expect(result).toEqual({
        ok: false,
        error: {
          kind: "invalid",
          errors: {
            website: `An application for ${domain} is already open. If it is yours, follow the links in the e-mail we sent when it was submitted.`,
          },
        },
      });
      expect(await db.selectFrom("applications").select("id").where("domain", "=", domain).execute()).toHaveLength(1);
      expect(await db.selectFrom("mail_outbox").select("id").where("to_address", "=", `jane.doe@${domain}`).execute()).toEqual([]);
    });

    it("a resubmission moving to a taken domain: the same message, the application unchanged", async () => {
      const mine = await insertApplication(db, { status: "changes_requested" });
      const domain = `held-${unique()}.example`;
      const result = await whileAnotherInstanceHolds(domain, () => resubmitApplication(db, mine.id, input(domain)));
      expect(result).toEqual({
        ok: false,
        error: { kind: "invalid", errors: { website: expect.stringContaining(`An application for ${domain} is already open.`) } },
      });
      const row = await db.selectFrom("applications").select(["status", "domain"]).where("id", "=", mine.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ status: "changes_requested", domain: mine.domain });
    });
  });

  it(`counts the application limit across both: ${APPLY_LIMIT} per hour, two on A and two on B, the fourth is a 429`, async () => {
    const ip = address();
    const visitor = visitorOnBoth(a, b);
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof apply>> | undefined;
    for (const client of [visitor.onA, visitor.onA, visitor.onB, visitor.onB]) {
      const id = unique();
      last = await apply(client, client, ip, applicationFields(`limit-${id}.example`, `Limit Test Networks ${id}`));
      statuses.push(last.status);
    }
    expect(statuses).toEqual([303, 303, 303, 429]);
    expect(Number(last!.retryAfter)).toBeGreaterThan(0);
    const hits = await db.selectFrom("rate_limit_hits").select("id").where("bucket", "=", "apply").where("key", "=", ip).execute();
    expect(hits).toHaveLength(APPLY_LIMIT);
  });

  it("delivers every queued mail exactly once, though both instances send", async () => {
    await until(async () => (await db.selectFrom("mail_outbox").select("id").where("status", "!=", "sent").execute()).length === 0);
    const outbox = await db.selectFrom("mail_outbox").select(["id", "to_address"]).execute();
    const attempts = await db.selectFrom("mail_attempts").select(["mail_id", "ok"]).execute();
    console.log(`outbox: ${outbox.length} mails; received by the SMTP server: ${smtp.mails.length}; attempts recorded: ${attempts.length}`);
    // Verification + approval (1 application), 3 approvals, 1 race winner, 3 within the limit.
    expect(outbox.length).toBeGreaterThanOrEqual(9);
    expect(smtp.mails).toHaveLength(outbox.length);
    const ids = smtp.mails.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    const perRecipient = (list: string[]) =>
      list.reduce<Record<string, number>>((count, to) => ({ ...count, [to]: (count[to] ?? 0) + 1 }), {});
    expect(perRecipient(smtp.mails.map((m) => m.to))).toEqual(perRecipient(outbox.map((m) => m.to_address)));
    expect(attempts.filter((t) => fromFlag(t.ok))).toHaveLength(outbox.length);
  });

  it("leaves one audit chain, appended to by both, that verifies", async () => {
    const check = await verifyAuditChain(db);
    expect(check).toEqual({ ok: true, count: expect.any(Number) });
    expect(check.ok && check.count).toBeGreaterThan(10);
  });

  it("logged no server error on either instance", () => {
    for (const server of [a, b]) {
      expect(server.output()).not.toContain('"level":50');
      expect(server.output()).not.toContain("unhandled_error");
    }
  });
});
