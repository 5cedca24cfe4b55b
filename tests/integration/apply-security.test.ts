// Bots, floods and forgeries against POST /apply: the cross-site check (403), the
// honeypot and the minimum fill time (400), the per-address limit (429 with Retry-After),
// fields the form does not have, and the registry as a mailer of other people's text
// (what the first mail says, how many go to one recipient or domain).
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startMailSender } from "~/modules/mail/sender.server";
import { HONEYPOT_FIELD, STARTED_FIELD, startedToken } from "~/modules/security/honeypot.server";
import * as applyRoute from "~/routes/apply";
import * as statusRoute from "~/routes/applications.$ref";
import { resetEnvForTests } from "~/utils/env.server";
import { log } from "~/utils/log.server";
import { useSeededDatabase } from "../helpers/db";
import { visitor } from "../helpers/remix";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp";
import { bodyOf, formRequest, freshVisitor, next, postForm, renderPage, validFields, type Fields } from "./apply-fixtures";

const getDb = useSeededDatabase();
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startTestSmtp();
});
afterAll(() => smtp.close());

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
  delete process.env.APPLY_LIMIT_PER_HOUR;
  resetEnvForTests();
});
afterAll(() => resetEnvForTests());

async function rows() {
  const db = getDb();
  const count = async (table: "applications" | "mail_outbox" | "rate_limit_hits") =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { applications: await count("applications"), mails: await count("mail_outbox"), hits: await count("rate_limit_hits") };
}

describe("cross-site submissions", () => {
  it("are refused with 403, write nothing and do not count against the limit", async () => {
    const before = await rows();
    const me = freshVisitor();
    const other = freshVisitor();
    const cases = [
      { name: "no token", options: { context: me, csrf: null } },
      {
        name: "another visitor's token",
        options: { context: me, csrf: (await import("~/modules/security/csrf.server")).csrfToken(other) },
      },
      { name: "a made-up token", options: { context: me, csrf: "x".repeat(43) } },
      { name: "a cross-site Origin", options: { context: me, origin: "https://evil.example" } },
    ];
    for (const { name, options } of cases) {
      const response = await postForm(applyRoute.action, "/apply", validFields(), options);
      expect(response.status, name).toBe(403);
      expect(await response.text(), name).toContain("did not come from this site's page");
    }
    // A browser's Sec-Fetch-Site: cross-site, even without an Origin header.
    const args = (await import("../helpers/remix")).formPost("/apply", validFields(), { context: me, origin: null });
    args.request.headers.set("Sec-Fetch-Site", "cross-site");
    const crossSite = await applyRoute.action(args).catch((e: unknown) => e as Response);
    expect((crossSite as Response).status).toBe(403);

    expect(await rows()).toEqual(before);
  });
});

describe("the honeypot", () => {
  it("filled in: 400, no row, no mail, a honeypot_triggered log event", async () => {
    const warn = vi.spyOn(log, "warn");
    const before = await rows();
    const response = await postForm(applyRoute.action, "/apply", validFields({ [HONEYPOT_FIELD]: "https://spam.example" }));
    expect(response.status).toBe(400);
    expect((await bodyOf(response)).formError).toMatch(/^The field marked “leave this field empty” was filled in/);
    const after = await rows();
    expect(after.applications).toBe(before.applications);
    expect(after.mails).toBe(before.mails);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ event: "honeypot_triggered" }));
  });

  it("is off screen for people, labelled for screen readers, out of the tab order", async () => {
    const { document } = await renderPage(applyRoute, "/apply", new Request("http://registry.test/apply"), freshVisitor());
    const trap = document!.querySelector<HTMLInputElement>(`input[name="${HONEYPOT_FIELD}"]`)!;
    expect(trap.closest(".form-extra")).not.toBeNull();
    expect(trap.getAttribute("tabindex")).toBe("-1");
    expect(trap.getAttribute("autocomplete")).toBe("off");
    expect(document!.querySelector(`label[for="${trap.id}"]`)!.textContent).toBe(
      "Leave this field empty: it is here to catch automated spam",
    );
  });
});

describe("the minimum fill time", () => {
  it("a form sent less than 2 s after it was served: 400, and the page says to wait", async () => {
    const before = await rows();
    const context = freshVisitor();
    const fields = validFields({ [STARTED_FIELD]: startedToken(Date.now() - 500) });
    const page = await renderPage(applyRoute, "/apply", formRequest("/apply", fields, context), context);
    expect(page.status).toBe(400);
    const alert = page.document!.querySelector('[role="alert"]')!;
    expect(alert.textContent).toBe("The form was sent faster than a person can fill it in. Wait a few seconds, then send it again.");
    // What was typed is kept, with the same start time: sent again later, it passes.
    expect(page.document!.querySelector<HTMLInputElement>("#field-name")!.value).toBe(fields.name);
    expect(page.document!.querySelector<HTMLInputElement>(`input[name=${STARTED_FIELD}]`)!.value).toBe(fields[STARTED_FIELD]);
    expect((await rows()).applications).toBe(before.applications);

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 2_000);
    const later = await postForm(applyRoute.action, "/apply", fields);
    expect(later.status).toBe(303);
  });

  it("a missing, malformed or forged start time: 400", async () => {
    const before = await rows();
    const old = Date.now() - 60_000;
    for (const started of [
      "",
      "nonsense",
      `${old}.${"A".repeat(43)}`,
      startedToken(old).replace(/^\d+/, String(old - 1)),
      [startedToken(old), startedToken(old)],
    ]) {
      const response = await postForm(applyRoute.action, "/apply", validFields({ [STARTED_FIELD]: started }));
      expect(response.status, String(started)).toBe(400);
      expect((await bodyOf(response)).formError).toBe("This form is incomplete or was changed. Reload the page and send it again.");
    }
    const withoutIt = validFields();
    delete withoutIt[STARTED_FIELD];
    expect((await postForm(applyRoute.action, "/apply", withoutIt)).status).toBe(400);
    expect((await rows()).applications).toBe(before.applications);
  });
});

describe("APPLY_LIMIT_PER_HOUR", () => {
  it("(default 5) counts only submissions that pass validation; mistakes cost nothing; the next valid one is a 429 with Retry-After", async () => {
    const context = visitor("203.0.113.50");
    const hits = async () =>
      Number(
        (
          await getDb()
            .selectFrom("rate_limit_hits")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .where("bucket", "=", "apply")
            .where("key", "=", "203.0.113.50")
            .executeTakeFirstOrThrow()
        ).n,
      );
    const mistakes = [
      validFields({ name: "" }), // invalid
      validFields({ website: "http://example.com" }), // invalid
      validFields({ [HONEYPOT_FIELD]: "bot" }), // caught
      validFields({ [STARTED_FIELD]: startedToken(Date.now()) }), // too fast
    ];
    // Ten mistakes in a row (more than the limit) are each answered with their messages.
    for (let i = 0; i < 10; i++) {
      expect((await postForm(applyRoute.action, "/apply", mistakes[i % mistakes.length], { context })).status).toBe(400);
    }
    expect(await hits()).toBe(0);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await postForm(applyRoute.action, "/apply", validFields(), { context })).status);
    expect(statuses).toEqual([303, 303, 303, 303, 303]);
    expect(await hits()).toBe(5);

    const before = await rows();
    const fields = validFields();
    const limited = await postForm(applyRoute.action, "/apply", fields, { context });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    const after = await rows();
    expect(after.applications).toBe(before.applications);
    expect(after.mails).toBe(before.mails);

    // The page says when to retry, and keeps what was typed.
    const page = await renderPage(applyRoute, "/apply", formRequest("/apply", fields, context), context);
    expect(page.status).toBe(429);
    const when = new Date(Date.now() + retryAfter * 1000).toISOString().slice(11, 16);
    const alert = page.document!.querySelector('[role="alert"]')!.textContent!;
    expect(alert).toMatch(
      /^Too many applications were sent from your network address in the last hour\. You can send this one after \d\d:\d\d UTC/,
    );
    expect([when, new Date(Date.now() + (retryAfter - 60) * 1000).toISOString().slice(11, 16)]).toContain(
      alert.match(/after (\d\d:\d\d) UTC/)![1],
    );
    expect(page.document!.querySelector<HTMLInputElement>("#field-name")!.value).toBe(fields.name);
    // The document answer carries Retry-After too (Remix's `headers` export).
    const headers = applyRoute.headers!({
      actionHeaders: limited.headers,
      loaderHeaders: new Headers(),
      parentHeaders: new Headers(),
      errorHeaders: undefined,
    }) as Headers;
    expect(headers.get("Retry-After")).toBe(String(retryAfter));

    // Another address is not affected; an hour later this one may send again.
    expect((await postForm(applyRoute.action, "/apply", validFields(), { context: visitor("203.0.113.51") })).status).toBe(303);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 60 * 60 * 1000 + 1000);
    expect((await postForm(applyRoute.action, "/apply", validFields(), { context })).status).toBe(303);
  });

  it("follows the configured value; 0 turns the limit off", async () => {
    process.env.APPLY_LIMIT_PER_HOUR = "2";
    resetEnvForTests();
    const context = visitor("203.0.113.60");
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await postForm(applyRoute.action, "/apply", validFields(), { context })).status);
    expect(statuses).toEqual([303, 303, 429]);

    // A limited address still gets its field errors for a wrong form (a 400, not a bare 429),
    // with the time it may send again.
    const wrong = validFields({ name: "", website: "http://example.com" });
    const page = await renderPage(applyRoute, "/apply", formRequest("/apply", wrong, context), context);
    expect(page.status).toBe(400);
    expect(page.document!.querySelector("#field-name")!.getAttribute("aria-invalid")).toBe("true");
    expect(page.document!.querySelector("#field-website")!.getAttribute("aria-invalid")).toBe("true");
    expect(page.document!.querySelector('[role="alert"]')!.textContent).toMatch(
      /^Too many applications were sent from your network address in the last hour\. You can send this one after \d\d:\d\d UTC .*correct the answers marked below meanwhile\.$/,
    );

    process.env.APPLY_LIMIT_PER_HOUR = "0";
    resetEnvForTests();
    const open = visitor("203.0.113.61");
    for (let i = 0; i < 8; i++) {
      expect((await postForm(applyRoute.action, "/apply", validFields(), { context: open })).status).toBe(303);
    }
  });
});

describe("fields the form does not have", () => {
  it("are ignored: a status, an id, a moderator flag or prototype keys change nothing", async () => {
    const fields = validFields({
      status: "approved",
      id: "1",
      signatory_id: "1",
      verified_at: "2020-01-01",
      approved_by: "staff:1",
      "__proto__[isModerator]": "true",
      "constructor[prototype][isModerator]": "true",
      ["__proto__"]: "x",
    });
    const response = await postForm(applyRoute.action, "/apply", fields);
    expect(response.status).toBe(303);
    const ref = new URL(response.headers.get("Location")!, "http://registry.test").searchParams.get("ref")!;
    const row = await getDb().selectFrom("applications").selectAll().where("ref", "=", ref).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "unverified", signatory_id: null, verified_at: null });
    expect(row.id).not.toBe(1);
    expect(({} as Record<string, unknown>).isModerator).toBeUndefined();
  });

  it("SQL in a name is stored literally", async () => {
    const name = "Robert'); DROP TABLE applications;--";
    const response = await postForm(applyRoute.action, "/apply", validFields({ name }));
    expect(response.status).toBe(303);
    const row = await getDb().selectFrom("applications").select("name").where("name", "=", name).executeTakeFirst();
    expect(row?.name).toBe(name);
  });
});

/** Delivers the outbox to the test SMTP server; every mail received for `to`. */
async function deliver(to: string, atLeast = 1) {
  const sender = startMailSender(getDb(), { smtpUrl: smtp.url, pollMs: 60_000 });
  await sender.flush();
  await sender.stop();
  const until = Date.now() + 10_000;
  let mails = smtp.mails.filter((m) => m.to === to);
  while (mails.length < atLeast && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 25));
    mails = smtp.mails.filter((m) => m.to === to);
  }
  return mails;
}

/** Submits from a client address of its own; the answer and the reference when accepted. */
async function submit(fields: Fields) {
  const response = await postForm(applyRoute.action, "/apply", fields, { context: freshVisitor() });
  const location = response.headers.get("Location");
  return { response, ref: location ? new URL(location, "http://registry.test").searchParams.get("ref") : null };
}

/** Closes an application (as its applicant would withdraw it), so its domain is free again. */
const withdraw = (ref: string) => getDb().updateTable("applications").set({ status: "withdrawn" }).where("ref", "=", ref).execute();

describe("[L6] the first mail carries no text the applicant typed", () => {
  it("[L6] names the reference and the recipient's own domain, not the organisation, contact name, title or description", async () => {
    const n = next();
    const typed = {
      name: `Quokka Pirate Broadcasting ${n}`,
      contact_name: "Zebulon Marmalade",
      contact_title: "Grand Vizier of Wire Transfers",
      description: "Call +1 555 0100 now to claim your prize at http://phish.example and reply with your password.",
    };
    const fields = validFields(typed, n);
    const { response, ref } = await submit(fields);
    expect(response.status).toBe(303);
    const to = String(fields.contact_email);
    const [mail] = await deliver(to);
    expect(mail, `a mail to ${to}`).toBeDefined();
    const everything = `${mail.subject}\n${mail.text}\n${mail.html}`;
    for (const [field, value] of Object.entries(typed)) {
      expect(everything, field).not.toContain(value);
    }
    expect(everything).not.toContain("Quokka");
    expect(everything).not.toContain("Zebulon");
    expect(everything).not.toContain("Vizier");
    expect(everything).not.toContain("phish.example");
    // What it does say: the reference, the recipient's own domain, the links.
    expect(mail.text).toContain(ref!);
    expect(mail.text).toContain(`northwind-${n}.co.uk`);
    expect(mail.links.some((l) => l.startsWith("http://registry.test/apply/verify?token="))).toBe(true);

    // A new link from the status page (still unverified): no typed text either.
    const status = new URL(mail.links.find((l) => l.startsWith("http://registry.test/applications/"))!);
    const resent = await postForm(
      statusRoute.action,
      `/applications/${ref}`,
      { token: status.searchParams.get("token")!, intent: "resend" },
      { params: { ref: ref! } },
    );
    expect(resent.status).toBe(303);
    const [, second] = await deliver(to, 2);
    expect(second, "the resent mail").toBeDefined();
    for (const [field, value] of Object.entries(typed)) {
      expect(`${second.subject}\n${second.text}\n${second.html}`, field).not.toContain(value);
    }
  });
});

describe("[L6] verification mails per recipient and per domain", () => {
  async function counts() {
    const db = getDb();
    const count = async (table: "applications" | "mail_outbox") =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return { applications: await count("applications"), mails: await count("mail_outbox") };
  }

  it("[L6] the 4th application to one recipient within 24 h, each from another client address, is refused beside contact_email (429), nothing stored or sent", async () => {
    const n = next();
    for (let i = 0; i < 3; i++) {
      const { response, ref } = await submit(validFields({}, n));
      expect(response.status, `application ${i + 1}`).toBe(303);
      await withdraw(ref!);
    }
    const before = await counts();
    const fields = validFields({}, n);
    const { response } = await submit(fields);
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(23 * 3600);
    expect(retryAfter).toBeLessThanOrEqual(24 * 3600);
    const body = await bodyOf(response);
    expect(Object.keys(body.errors)).toEqual(["contact_email"]);
    expect(body.errors.contact_email).toMatch(/^Too many e-mails were sent to this address/);
    expect(await counts()).toEqual(before);

    // Shown again with the message beside the field and what was typed kept.
    const context = freshVisitor();
    const page = await renderPage(applyRoute, "/apply", formRequest("/apply", fields, context), context);
    expect(page.status).toBe(429);
    const input = page.document!.querySelector<HTMLInputElement>("input[name=contact_email]")!;
    expect(input.value).toBe(fields.contact_email);
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const message = page.document!.getElementById(input.getAttribute("aria-describedby")!.split(" ")[0])!;
    expect(message.textContent).toContain("Too many e-mails were sent to this address");
    expect(await counts()).toEqual(before);

    // Another address at the same domain is not this recipient's limit.
    const other = await submit(validFields({ contact_email: `ops@northwind-${n}.co.uk` }, n));
    expect(other.response.status).toBe(303);
    await withdraw(other.ref!);

    // A day later the recipient may be written to again.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 24 * 3600 * 1000 + 60_000);
    expect((await submit(validFields({}, n))).response.status).toBe(303);
  });

  it("[L6] the 11th verification mail to one domain within 24 h is refused, whoever the recipient", async () => {
    const n = next();
    for (let i = 0; i < 10; i++) {
      const { response, ref } = await submit(validFields({ contact_email: `person-${i}@northwind-${n}.co.uk` }, n));
      expect(response.status, `application ${i + 1}`).toBe(303);
      await withdraw(ref!);
    }
    const before = await counts();
    const { response } = await submit(validFields({ contact_email: `person-10@northwind-${n}.co.uk` }, n));
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await bodyOf(response)).errors.contact_email).toMatch(/^Too many e-mails were sent to addresses at northwind-\d+\.co\.uk/);
    expect(await counts()).toEqual(before);
  });

  it("[L6] new verification links count too: after the first mail and two new links, a third link is refused", async () => {
    const fields = validFields();
    const { response, ref } = await submit(fields);
    expect(response.status).toBe(303);
    const [mail] = await deliver(String(fields.contact_email));
    const status = new URL(mail.links.find((l) => l.startsWith("http://registry.test/applications/"))!);
    const resend = () =>
      postForm(
        statusRoute.action,
        `/applications/${ref}`,
        { token: status.searchParams.get("token")!, intent: "resend" },
        { params: { ref: ref! } },
      );
    expect((await resend()).status).toBe(303);
    expect((await resend()).status).toBe(303);
    const before = await counts();
    const limited = await resend();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(23 * 3600);
    expect((await bodyOf(limited)).message).toMatch(/^Too many e-mails were sent to this address/);
    expect(await counts()).toEqual(before);
  });
});
