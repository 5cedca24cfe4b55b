// Applying to join, end to end through the route modules: the form, a submission and
// what it writes, the mail through a real SMTP server and its links, verification and
// its expiry, the private status page, withdrawal, a new verification link, and an
// answer to a request for changes.
import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startMailSender } from "~/modules/mail/sender.server";
import * as applyRoute from "~/routes/apply";
import * as statusRoute from "~/routes/applications.$ref";
import * as withdrawRoute from "~/routes/applications.$ref_.withdraw";
import * as receivedRoute from "~/routes/apply_.received";
import * as verifyRoute from "~/routes/apply_.verify";
import { useSeededDatabase } from "../helpers/db";
import { loaderArgs } from "../helpers/remix";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp";
import {
  bodyOf,
  formRequest,
  freshVisitor,
  next,
  pageRequest,
  postForm,
  renderPage,
  REQUIRED_PLEDGES,
  respond,
  validFields,
  type Fields,
} from "./apply-fixtures";

const getDb = useSeededDatabase();
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startTestSmtp();
});
afterAll(() => smtp.close());
afterEach(() => {
  vi.useRealTimers();
});

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const DAY = 24 * 60 * 60 * 1000;

/** Submits a valid application; returns its reference and row. */
async function apply(overrides: Fields = {}) {
  const response = await postForm(applyRoute.action, "/apply", validFields(overrides));
  expect(response.status).toBe(303);
  const location = new URL(response.headers.get("Location")!, "http://registry.test");
  const ref = location.searchParams.get("ref")!;
  const row = await getDb().selectFrom("applications").selectAll().where("ref", "=", ref).executeTakeFirstOrThrow();
  return { ref, row, location };
}

/** Delivers the outbox to the test SMTP server; returns the `count` newest mails to `to`. */
async function deliver(to: string, count = 1) {
  const sender = startMailSender(getDb(), { smtpUrl: smtp.url, pollMs: 60_000 });
  await sender.flush();
  await sender.stop();
  const until = Date.now() + 10_000;
  let mails = smtp.mails.filter((m) => m.to === to);
  while (mails.length < count && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 25));
    mails = smtp.mails.filter((m) => m.to === to);
  }
  expect(mails.length, `mails to ${to}`).toBeGreaterThanOrEqual(count);
  return mails.slice(-count);
}

/** The verification and status links of an application mail. */
function linksOf(mail: { links: string[] }) {
  const verify = mail.links.find((l) => l.startsWith("http://registry.test/apply/verify?token="));
  const status = mail.links.find((l) => l.startsWith("http://registry.test/applications/"));
  if (!verify || !status) throw new Error(`links missing: ${mail.links.join(" ")}`);
  return { verify: new URL(verify), status: new URL(status) };
}

const pathOf = (url: URL) => url.pathname + url.search;

async function statusPage(url: URL | string, context = freshVisitor()) {
  const u = typeof url === "string" ? new URL(url, "http://registry.test") : url;
  const ref = u.pathname.split("/").pop()!;
  return renderPage(statusRoute, "/applications/:ref", pageRequest(pathOf(u)), { ...context }).then((page) => ({ ...page, ref }));
}

const text = (document: Document | null) => (document?.querySelector("main, body")?.textContent ?? "").replace(/\s+/g, " ");

describe("the application form", () => {
  it("asks for every field of the contract, with countries, sectors and pledges, nothing pre-ticked", async () => {
    const { status, document } = await renderPage(applyRoute, "/apply", pageRequest("/apply"), freshVisitor());
    expect(status).toBe(200);
    const form = document!.querySelector<HTMLFormElement>("form.application-form")!;
    expect(form.getAttribute("method")).toBe("post");
    expect(form.getAttribute("action")).toBe("/apply");

    for (const name of ["name", "website", "contact_name", "contact_title", "contact_email"]) {
      const input = form.querySelector<HTMLInputElement>(`input[name="${name}"]`)!;
      expect(input, name).not.toBeNull();
      expect(form.querySelector(`label[for="${input.id}"]`)?.textContent, name).toBeTruthy();
    }
    expect(form.querySelector("textarea[name=description]")).not.toBeNull();

    const countries = [...form.querySelectorAll<HTMLOptionElement>("select[name=country] option")].map((o) => o.value);
    expect(countries[0]).toBe("");
    expect(countries.length).toBeGreaterThan(240);
    expect(countries).toEqual(expect.arrayContaining(["GB", "FI", "JP", "BR"]));

    const sectors = [...form.querySelectorAll<HTMLOptionElement>("select[name=sector] option")].map((o) => o.value).slice(1);
    const dbSectors = (await getDb().selectFrom("sectors").select("code").orderBy("position").execute()).map((s) => s.code);
    expect(sectors).toEqual(dbSectors);

    const boxes = [...form.querySelectorAll<HTMLInputElement>("input[type=checkbox][name=pledges]")];
    const dbPledges = await getDb().selectFrom("pledges").select(["code", "required"]).orderBy("position").execute();
    expect(boxes.map((b) => b.value)).toEqual(dbPledges.map((p) => p.code));
    expect(boxes.filter((b) => b.checked)).toEqual([]);
    for (const p of dbPledges.filter((p) => p.required)) {
      const label = form.querySelector(`label[for="pledge-${p.code}"]`)!.textContent!;
      expect(label).toContain("(required)");
    }
    const accept = form.querySelector<HTMLInputElement>("input[name=accept]")!;
    expect(accept.type).toBe("checkbox");
    expect(accept.checked).toBe(false);

    // The hidden inputs a client sends back unchanged; the honeypot is labelled to stay empty.
    const hidden = [...form.querySelectorAll<HTMLInputElement>("input[type=hidden]")].map((i) => i.name);
    expect(hidden).toEqual(["csrf", "form_started"]);
    const trap = form.querySelector<HTMLInputElement>("input[name=url_confirm]")!;
    expect(trap.value).toBe("");
    expect(trap.tabIndex).toBe(-1);
    expect(form.querySelector(`label[for="${trap.id}"]`)!.textContent).toMatch(/^Leave this field empty/);
  });
});

describe("a valid application", () => {
  it("is stored with its pledges, 'submitted' event and mail, then 303 to a page with the reference", async () => {
    const n = next();
    const fields = validFields(
      {
        name: "  Nörthwind   Security\tLtd ",
        website: "HTTPS://WWW.Northwind-" + n + ".co.uk/",
        contact_email: `Jane.Doe@MAIL.Northwind-${n}.co.uk`,
        description: "Northwind builds intrusion detection\r\n\r\n\r\nfor small hospitals and schools.",
        pledges: [...REQUIRED_PLEDGES, "paris-call", "paris-call"],
      },
      n,
    );
    const context = freshVisitor();
    const response = await postForm(applyRoute.action, "/apply", fields, { context });

    expect(response.status).toBe(303);
    const location = response.headers.get("Location")!;
    expect(location).toMatch(/^\/apply\/received\?ref=AR-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{8}$/);
    const ref = new URL(location, "http://registry.test").searchParams.get("ref")!;

    const db = getDb();
    const row = await db.selectFrom("applications").selectAll().where("ref", "=", ref).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      name: "Nörthwind Security Ltd",
      name_key: "northwind security ltd",
      website: `https://www.northwind-${n}.co.uk`,
      domain: `northwind-${n}.co.uk`,
      country: "GB",
      sector: "security",
      description: "Northwind builds intrusion detection\n\nfor small hospitals and schools.",
      contact_name: "Jane Doe",
      contact_title: "Chief Information Security Officer",
      contact_email: `Jane.Doe@mail.northwind-${n}.co.uk`,
      status: "unverified",
      verified_at: null,
      client_ip: context.clientIp,
    });
    expect(Date.parse(row.verify_expires_at) - Date.parse(row.created_at)).toBe(7 * DAY);
    const pledges = await db.selectFrom("application_pledges").select("pledge_code").where("application_id", "=", row.id).execute();
    expect(pledges.map((p) => p.pledge_code).sort()).toEqual([...REQUIRED_PLEDGES, "paris-call"].sort());
    const events = await db.selectFrom("application_events").selectAll().where("application_id", "=", row.id).execute();
    expect(events).toMatchObject([{ kind: "submitted", actor: "applicant", reason: null }]);
    const mails = await db.selectFrom("mail_outbox").selectAll().where("to_address", "=", row.contact_email).execute();
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ kind: "application_received", status: "pending" });
    expect(mails[0].subject).toContain(ref);

    // The page it lands on needs no token: the reference and "check your e-mail".
    const page = await renderPage(receivedRoute, "/apply/received", pageRequest(location), freshVisitor());
    expect(page.status).toBe(200);
    expect(page.document!.querySelector(".ref")!.textContent).toBe(ref);
    expect(text(page.document)).toContain("Check your e-mail");
    expect(text(page.document)).not.toContain(row.contact_email);
  });

  it("the received page of an unknown reference is a 404", async () => {
    for (const ref of ["AR-22222222", "nonsense", ""]) {
      const response = await respond(receivedRoute.loader, loaderArgs(`/apply/received?ref=${ref}`));
      expect(response.status, ref).toBe(404);
    }
  });
});

describe("the mail and its links", () => {
  it("arrives with the reference and both links; the verification link makes the application pending", async () => {
    const { ref, row } = await apply();
    const [mail] = await deliver(row.contact_email);

    expect(mail.subject).toBe(`Confirm your application to the Accord Registry (${ref})`);
    expect(mail.text).toContain(`Reference: ${ref}`);
    const links = linksOf(mail);
    expect(links.status.pathname).toBe(`/applications/${ref}`);
    expect(links.verify.searchParams.get("token")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(links.status.searchParams.get("token")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The HTML part carries the same reference and links.
    expect(mail.html).toContain(ref);
    expect(mail.html).toContain(`href="${links.verify.href}"`);
    expect(mail.html).toContain(`href="${links.status.href}"`);

    // Before verification the status page says so.
    let page = await statusPage(links.status);
    expect(page.status).toBe(200);
    expect(page.document!.querySelector(".app-status")!.getAttribute("data-status")).toBe("unverified");

    // Following the verification link.
    const verified = await renderPage(verifyRoute, "/apply/verify", pageRequest(pathOf(links.verify)), freshVisitor());
    expect(verified.status).toBe(200);
    expect(verified.document!.querySelector("h1")!.textContent).toBe("Thank you: your e-mail address is confirmed");
    expect(verified.document!.querySelector(".app-status")!.getAttribute("data-status")).toBe("pending");
    const statusLink = verified.document!.querySelector<HTMLAnchorElement>("a.button")!;
    expect(statusLink.getAttribute("href")).toBe(pathOf(links.status));

    const after = await getDb().selectFrom("applications").selectAll().where("id", "=", row.id).executeTakeFirstOrThrow();
    expect(after.status).toBe("pending");
    expect(after.verified_at).not.toBeNull();
    const kinds = await getDb()
      .selectFrom("application_events")
      .select("kind")
      .where("application_id", "=", row.id)
      .orderBy("id")
      .execute();
    expect(kinds.map((k) => k.kind)).toEqual(["submitted", "verified"]);

    // Again: nothing changes, the page says it was already done and still links the status.
    const again = await renderPage(verifyRoute, "/apply/verify", pageRequest(pathOf(links.verify)), freshVisitor());
    expect(again.document!.querySelector("h1")!.textContent).toBe("This address was already confirmed");
    expect(again.document!.querySelector<HTMLAnchorElement>("a.button")!.getAttribute("href")).toBe(pathOf(links.status));
    const events = await getDb().selectFrom("application_events").select("kind").where("application_id", "=", row.id).execute();
    expect(events).toHaveLength(2);

    // The status page now shows "pending" and its timeline.
    page = await statusPage(links.status);
    expect(page.document!.querySelector(".app-status")!.getAttribute("data-status")).toBe("pending");
    const timeline = [...page.document!.querySelectorAll(".timeline li span:first-of-type")].map((s) => s.textContent);
    expect(timeline).toEqual(["Application submitted", "E-mail address confirmed; the application entered the moderators' queue"]);
  });

  it("keeps the mail through an SMTP failure and delivers it, once, when the server is back", async () => {
    const { ref, row } = await apply();
    smtp.failing = true;
    const before = smtp.mails.length;
    const sender = startMailSender(getDb(), { smtpUrl: smtp.url, pollMs: 60_000 });
    try {
      await sender.flush();
      let mail = await getDb().selectFrom("mail_outbox").selectAll().where("to_address", "=", row.contact_email).executeTakeFirstOrThrow();
      expect(mail).toMatchObject({ status: "pending", attempts: 1 });
      expect(smtp.mails.length).toBe(before);
      // The application itself is untouched by the failure.
      expect((await getDb().selectFrom("applications").select("status").where("ref", "=", ref).executeTakeFirstOrThrow()).status).toBe(
        "unverified",
      );

      smtp.failing = false;
      await getDb()
        .updateTable("mail_outbox")
        .set({ next_attempt_at: new Date(0).toISOString() })
        .where("id", "=", mail.id)
        .execute();
      await sender.flush();
      await sender.flush();
      await smtp.waitFor(before + 1);
      mail = await getDb().selectFrom("mail_outbox").selectAll().where("id", "=", mail.id).executeTakeFirstOrThrow();
      expect(mail).toMatchObject({ status: "sent", attempts: 2 });
    } finally {
      smtp.failing = false;
      await sender.stop();
    }
    const arrived = smtp.mails.slice(before);
    expect(arrived.map((m) => m.subject)).toEqual([`Confirm your application to the Accord Registry (${ref})`]);
    // Its link still works.
    const verified = await respond(verifyRoute.loader, loaderArgs(pathOf(linksOf(arrived[0]).verify)));
    expect(verified.status).toBe(200);
  });
});

describe("tokens", () => {
  it("are stored only as SHA-256 hashes: the application row holds neither token", async () => {
    const { row } = await apply();
    const [mail] = await deliver(row.contact_email);
    const links = linksOf(mail);
    const verifyToken = links.verify.searchParams.get("token")!;
    const statusToken = links.status.searchParams.get("token")!;
    expect(verifyToken).not.toBe(statusToken);

    const stored = await getDb().selectFrom("applications").selectAll().where("id", "=", row.id).executeTakeFirstOrThrow();
    expect(stored.verify_token_hash).toBe(sha256(verifyToken));
    expect(stored.status_token_hash).toBe(sha256(statusToken));
    const everything = JSON.stringify(stored);
    expect(everything).not.toContain(verifyToken);
    expect(everything).not.toContain(statusToken);
    // Nor does any other table but the outbox (the message itself, which must be sent).
    for (const table of ["application_events", "application_pledges", "rate_limit_hits", "audit_log"] as const) {
      const rows = JSON.stringify(await getDb().selectFrom(table).selectAll().execute());
      expect(rows, table).not.toContain(verifyToken);
      expect(rows, table).not.toContain(statusToken);
    }
  });

  it("an unknown, malformed or missing verification token is a 404", async () => {
    const { row } = await apply();
    const almost = "A".repeat(43);
    for (const query of [`?token=${almost}`, "?token=short", "?token=", "", `?token=${row.verify_token_hash}`]) {
      const response = await respond(verifyRoute.loader, loaderArgs(`/apply/verify${query}`));
      expect(response.status, query).toBe(404);
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      expect(await response.text()).toContain("This verification link is not valid");
    }
    expect((await getDb().selectFrom("applications").select("status").where("id", "=", row.id).executeTakeFirstOrThrow()).status).toBe(
      "unverified",
    );
  });

  it("a verification link works for 7 days, then offers a new one; the new link works, the old one no more", async () => {
    const base = Date.now();
    const early = await apply();
    const late = await apply();
    const earlyLinks = linksOf((await deliver(early.row.contact_email))[0]);
    const lateLinks = linksOf((await deliver(late.row.contact_email))[0]);

    vi.useFakeTimers({ toFake: ["Date"] });
    // A minute before the end of the 7 days: still good.
    vi.setSystemTime(base + 7 * DAY - 60_000);
    const inTime = await respond(verifyRoute.loader, loaderArgs(pathOf(earlyLinks.verify)));
    expect(inTime.status).toBe(200);
    expect(await bodyOf(inTime)).toMatchObject({ state: "verified", status: "pending", justNow: true });

    // A minute after: expired (410), with a form for a new link.
    vi.setSystemTime(base + 7 * DAY + 60_000);
    const page = await renderPage(verifyRoute, "/apply/verify", pageRequest(pathOf(lateLinks.verify)), freshVisitor());
    expect(page.status).toBe(410);
    expect(page.document!.querySelector("h1")!.textContent).toBe("This verification link has expired");
    const form = page.document!.querySelector<HTMLFormElement>("form")!;
    expect(form.getAttribute("action")).toBe("/apply/verify");
    expect(form.querySelector<HTMLButtonElement>("button")!.textContent).toBe("Send me a new link");
    expect((await getDb().selectFrom("applications").select("status").where("id", "=", late.row.id).executeTakeFirstOrThrow()).status).toBe(
      "unverified",
    );

    const fields = Object.fromEntries(
      [...form.querySelectorAll<HTMLInputElement>("input[type=hidden]")].filter((i) => i.name !== "csrf").map((i) => [i.name, i.value]),
    );
    // Back to the present, so the new mail is due now.
    vi.useRealTimers();
    const resend = await postForm(verifyRoute.action, "/apply/verify", fields);
    expect(resend.status).toBe(303);
    expect(resend.headers.get("Location")).toBe(`/apply/received?ref=${late.ref}&resent=1`);

    const [, fresh] = await deliver(late.row.contact_email, 2);
    expect(fresh.subject).toBe(`New verification link for application ${late.ref}`);
    const freshLinks = linksOf(fresh);
    expect(freshLinks.verify.href).not.toBe(lateLinks.verify.href);
    expect(freshLinks.status.href).toBe(lateLinks.status.href);
    const stored = await getDb().selectFrom("applications").selectAll().where("id", "=", late.row.id).executeTakeFirstOrThrow();
    expect(stored.verify_token_hash).toBe(sha256(freshLinks.verify.searchParams.get("token")!));
    expect(Date.parse(stored.verify_expires_at)).toBeGreaterThan(Date.now() + 7 * DAY - 60_000);

    expect((await respond(verifyRoute.loader, loaderArgs(pathOf(lateLinks.verify)))).status).toBe(404);
    const ok = await respond(verifyRoute.loader, loaderArgs(pathOf(freshLinks.verify)));
    expect(await bodyOf(ok)).toMatchObject({ state: "verified", status: "pending", justNow: true, statusUrl: pathOf(lateLinks.status) });
  });
});

describe("the status page", () => {
  it("is private: a missing or wrong token, or another application's, is a 404; the page is never cached", async () => {
    const a = await apply();
    const b = await apply();
    const linkA = linksOf((await deliver(a.row.contact_email))[0]).status;
    const linkB = linksOf((await deliver(b.row.contact_email))[0]).status;

    const ok = await respond(statusRoute.loader, loaderArgs(pathOf(linkA), { ref: a.ref }));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("Cache-Control")).toBe("no-store");
    expect(ok.headers.get("Referrer-Policy")).toBe("same-origin");

    const tokenB = linkB.searchParams.get("token")!;
    const tokenA = linkA.searchParams.get("token")!;
    for (const [path, ref] of [
      [`/applications/${a.ref}`, a.ref],
      [`/applications/${a.ref}?token=`, a.ref],
      [`/applications/${a.ref}?token=${tokenB}`, a.ref],
      [`/applications/${a.ref}?token=${tokenA.slice(0, -1)}B`, a.ref],
      [`/applications/${a.ref}?token=${a.row.status_token_hash}`, a.ref],
      [`/applications/AR-22222222?token=${tokenA}`, "AR-22222222"],
      [`/applications/${a.ref.toLowerCase()}?token=${tokenA}`, a.ref.toLowerCase()],
    ]) {
      const response = await respond(statusRoute.loader, loaderArgs(path, { ref }));
      expect(response.status, path).toBe(404);
      expect(response.headers.get("Cache-Control"), path).toBe("no-store");
    }

    // The page's headers for the document (Remix's `headers` export).
    const headers = statusRoute.headers!({
      loaderHeaders: ok.headers,
      actionHeaders: new Headers(),
      parentHeaders: new Headers(),
      errorHeaders: undefined,
    }) as Headers;
    expect(headers.get("Cache-Control")).toBe("no-store");
    expect(headers.get("Referrer-Policy")).toBe("same-origin");
  });

  it("names the status with its contract word and explains it; shows the moderators' reason", async () => {
    const { row } = await apply();
    const [mail] = await deliver(row.contact_email);
    const link = linksOf(mail).status;
    const db = getDb();
    const cases = [
      ["pending", "The e-mail address is confirmed and the application is in the moderators' queue."],
      ["approved", "The application was approved"],
      ["rejected", "The application was rejected."],
    ] as const;
    for (const [status, explanation] of cases) {
      await db
        .updateTable("applications")
        .set({ status, decision_reason: status === "rejected" ? "Not a technology company." : null })
        .where("id", "=", row.id)
        .execute();
      const page = await statusPage(link);
      expect(page.document!.querySelector(".app-status")!.getAttribute("data-status")).toBe(status);
      expect(text(page.document)).toContain(explanation);
      if (status === "rejected") {
        expect(page.document!.querySelector(".moderator-reason p")!.textContent).toBe("Not a technology company.");
        // Decided: nothing left to withdraw.
        expect(page.document!.querySelector(".withdraw-section")).toBeNull();
      } else if (status === "pending") {
        // Plain words for people; the contract's word for programs.
        expect(page.document!.querySelector(".app-status")!.textContent).toBe("In review");
        expect(page.document!.querySelector(".withdraw-section button")!.textContent).toBe("Withdraw the application…");
        expect(page.document!.querySelector('.step-tracker [aria-current="step"]')!.textContent).toContain("The moderators review it");
      }
    }
  });

  it("lets the applicant withdraw an open application (and only with the right token)", async () => {
    const { ref, row } = await apply();
    const [mail] = await deliver(row.contact_email);
    const link = linksOf(mail).status;
    const token = link.searchParams.get("token")!;

    // The status page leads to a confirmation page (a GET form with the token), never a
    // one-click withdrawal.
    const page = await statusPage(link);
    const ask = page.document!.querySelector<HTMLFormElement>(".withdraw-section form")!;
    expect(ask.getAttribute("method")).toBe("get");
    expect(ask.getAttribute("action")).toBe(`/applications/${ref}/withdraw`);
    expect(ask.querySelector<HTMLInputElement>("input[name=token]")!.value).toBe(token);
    expect(page.document!.querySelector("button.button-danger")).toBeNull();
    const confirmation = await renderPage(
      withdrawRoute,
      "/applications/:ref/withdraw",
      pageRequest(`/applications/${ref}/withdraw?token=${token}`),
      freshVisitor(),
    );
    expect(confirmation.status).toBe(200);
    expect(confirmation.document!.querySelector("h1")!.textContent).toBe(`Withdraw the application for ${row.name}?`);
    // Its form posts to the status page's own address (token included), and carries the token as a field too.
    const form = confirmation.document!.querySelector<HTMLFormElement>("form:has(button.button-danger)")!;
    expect(form.getAttribute("action")).toBe(pathOf(link));
    const fields = Object.fromEntries(
      [...form.querySelectorAll<HTMLInputElement>("input[type=hidden]")].filter((i) => i.name !== "csrf").map((i) => [i.name, i.value]),
    );
    expect(fields).toEqual({ token, intent: "withdraw" });
    expect(
      (
        await renderPage(
          withdrawRoute,
          "/applications/:ref/withdraw",
          pageRequest(`/applications/${ref}/withdraw?token=${"B".repeat(43)}`),
          freshVisitor(),
        )
      ).status,
    ).toBe(404);

    // Without the token, with a wrong one, or from another site: nothing happens.
    expect((await postForm(statusRoute.action, `/applications/${ref}`, { intent: "withdraw" }, { params: { ref } })).status).toBe(404);
    expect(
      (await postForm(statusRoute.action, `/applications/${ref}`, { intent: "withdraw", token: "B".repeat(43) }, { params: { ref } }))
        .status,
    ).toBe(404);
    expect(
      (await postForm(statusRoute.action, `/applications/${ref}`, fields, { params: { ref }, origin: "https://evil.example" })).status,
    ).toBe(403);
    expect((await postForm(statusRoute.action, `/applications/${ref}`, fields, { params: { ref }, csrf: null })).status).toBe(403);
    expect((await getDb().selectFrom("applications").select("status").where("id", "=", row.id).executeTakeFirstOrThrow()).status).toBe(
      "unverified",
    );

    const response = await postForm(statusRoute.action, `/applications/${ref}`, fields, { params: { ref } });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(pathOf(link));
    const after = await statusPage(link);
    expect(after.document!.querySelector(".app-status")!.getAttribute("data-status")).toBe("withdrawn");
    expect([...after.document!.querySelectorAll(".timeline li span:first-of-type")].map((s) => s.textContent)).toEqual([
      "Application submitted",
      "Withdrawn by the applicant",
    ]);
    expect(after.document!.querySelector(".withdraw-section")).toBeNull();
    // The confirmation page of a withdrawn application goes back to the status page.
    const late = await renderPage(
      withdrawRoute,
      "/applications/:ref/withdraw",
      pageRequest(`/applications/${ref}/withdraw?token=${token}`),
      freshVisitor(),
    );
    expect(late).toMatchObject({ status: 303, redirect: pathOf(link) });

    // Once withdrawn, again is a 409 and changes nothing; the domain is free for a new application.
    const again = await postForm(statusRoute.action, `/applications/${ref}`, fields, { params: { ref } });
    expect(again.status).toBe(409);
    const events = await getDb().selectFrom("application_events").select("kind").where("application_id", "=", row.id).execute();
    expect(events.map((e) => e.kind)).toEqual(["submitted", "withdrawn"]);
    const n = Number(row.domain.match(/\d+/)![0]);
    await apply(validFields({}, n));
  });

  it("sends a new verification link from the status page while unverified, within the mail limits", async () => {
    const { ref, row } = await apply();
    const [mail] = await deliver(row.contact_email);
    const link = linksOf(mail).status;
    const fields = { token: link.searchParams.get("token")!, intent: "resend" };
    const resend = () => postForm(statusRoute.action, `/applications/${ref}`, fields, { params: { ref } });
    // Three verification mails per recipient a day: the first and two new links.
    for (let i = 0; i < 2; i++) {
      const response = await resend();
      expect(response.status).toBe(303);
      expect(response.headers.get("Location")).toBe(`${pathOf(link)}&resent=1`);
    }
    const limited = await resend();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(23 * 3600);
    expect((await bodyOf(limited)).message).toMatch(/^Too many e-mails were sent to this address in the last 24 hours/);

    // Without that limit (its count cleared), the application's own: three new links an hour.
    await getDb().deleteFrom("rate_limit_hits").where("bucket", "=", "verify-mail-to").execute();
    expect((await resend()).status).toBe(303);
    const hourly = await resend();
    expect(hourly.status).toBe(429);
    expect(Number(hourly.headers.get("Retry-After"))).toBeGreaterThan(3000);
    expect((await bodyOf(hourly)).message).toMatch(/^Several links were sent for this application in the last hour/);

    const mails = (await deliver(mail.to, 4)).slice(1);
    expect(mails.map((m) => m.subject)).toEqual(Array(3).fill(`New verification link for application ${ref}`));
    // Only the newest link verifies; every mail keeps the same status link.
    const verifyLinks = mails.map((m) => linksOf(m).verify);
    expect(mails.map((m) => linksOf(m).status.href)).toEqual(Array(3).fill(link.href));
    expect((await respond(verifyRoute.loader, loaderArgs(pathOf(verifyLinks[0])))).status).toBe(404);
    expect((await respond(verifyRoute.loader, loaderArgs(pathOf(verifyLinks[2])))).status).toBe(200);
  });

  it("takes an answer to a request for changes: same rules, back to pending, 'resubmitted' event", async () => {
    const { ref, row } = await apply();
    const [mail] = await deliver(row.contact_email);
    const links = linksOf(mail);
    await respond(verifyRoute.loader, loaderArgs(pathOf(links.verify)));
    // The moderator asks for changes (as the staff area would write it).
    const db = getDb();
    await db.updateTable("applications").set({ status: "changes_requested" }).where("id", "=", row.id).execute();
    await db
      .insertInto("application_events")
      .values({
        application_id: row.id,
        kind: "changes_requested",
        reason: "Say which products you make.",
        actor: "staff:1",
        created_at: new Date().toISOString(),
      })
      .execute();

    const page = await statusPage(links.status);
    expect(page.document!.querySelector(".app-status")!.getAttribute("data-status")).toBe("changes_requested");
    expect(page.document!.querySelector(".moderator-reason p")!.textContent).toBe("Say which products you make.");
    const form = page.document!.querySelector<HTMLFormElement>("form.application-form")!;
    // The page's own address, token included: a refusal renders the page again (issue 14).
    expect(form.getAttribute("action")).toBe(pathOf(links.status));
    expect(form.querySelector<HTMLInputElement>("input[name=name]")!.value).toBe(row.name);
    expect(form.querySelector<HTMLTextAreaElement>("textarea[name=description]")!.value).toBe(row.description);

    // The form's fields as it stands, with the answer typed in.
    const fields: Fields = {};
    for (const el of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>("input, textarea, select")) {
      if (el.name === "csrf" || (el.getAttribute("type") === "checkbox" && !(el as HTMLInputElement).checked)) continue;
      const current = fields[el.name];
      fields[el.name] = current === undefined ? el.value : [...(Array.isArray(current) ? current : [current]), el.value];
    }
    expect(fields).toMatchObject({ token: links.status.searchParams.get("token"), intent: "resubmit" });

    // The same schema and rules: a too-short description and a missing confirmation are refused.
    const wrong = await postForm(statusRoute.action, `/applications/${ref}`, { ...fields, description: "Firewalls." }, { params: { ref } });
    expect(wrong.status).toBe(400);
    expect((await bodyOf(wrong)).errors).toEqual({
      description: "The description must be 20 to 1,000 characters long.",
      accept: "Confirm that you have the authority to commit the organisation to the accord.",
    });
    const description = "Northwind makes the Longship firewall and the Drakkar intrusion detection system for hospitals.";
    const response = await postForm(
      statusRoute.action,
      `/applications/${ref}`,
      { ...fields, description, accept: "on" },
      { params: { ref } },
    );
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(pathOf(links.status));

    const after = await db.selectFrom("applications").selectAll().where("id", "=", row.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ status: "pending", description, name: row.name, domain: row.domain });
    const events = await db.selectFrom("application_events").select("kind").where("application_id", "=", row.id).orderBy("id").execute();
    expect(events.map((e) => e.kind)).toEqual(["submitted", "verified", "changes_requested", "resubmitted"]);
    const shown = await statusPage(links.status);
    expect(shown.document!.querySelector(".app-status")!.getAttribute("data-status")).toBe("pending");
    expect(shown.document!.querySelector("form.application-form")).toBeNull();

    // Not waiting for changes any more: a second answer is refused.
    const late = await postForm(statusRoute.action, `/applications/${ref}`, { ...fields, description, accept: "on" }, { params: { ref } });
    expect(late.status).toBe(409);
  });

  it("answers every refusal of the applicant's forms with the page again, not a 404 (fix 7, without JavaScript)", async () => {
    const { row } = await apply();
    const [mail] = await deliver(row.contact_email);
    const links = linksOf(mail);
    await respond(verifyRoute.loader, loaderArgs(pathOf(links.verify)));
    const db = getDb();
    await db.updateTable("applications").set({ status: "changes_requested" }).where("id", "=", row.id).execute();
    const context = freshVisitor();
    const page = await statusPage(links.status, context);
    const form = page.document!.querySelector<HTMLFormElement>("form.application-form")!;
    const fields: Fields = {};
    for (const el of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>("input, textarea, select")) {
      if (el.name === "csrf" || (el.getAttribute("type") === "checkbox" && !(el as HTMLInputElement).checked)) continue;
      const current = fields[el.name];
      fields[el.name] = current === undefined ? el.value : [...(Array.isArray(current) ? current : [current]), el.value];
    }
    // The browser posts to the form's action: the page's address with its token.
    const post = (body: Fields) =>
      renderPage(statusRoute, "/applications/:ref", formRequest(form.getAttribute("action")!, body, context), context);

    // A field error: 400, the page with the form, the message beside the field, what was typed kept.
    const wrong = await post({ ...fields, description: "Firewalls." });
    expect(wrong.status).toBe(400);
    const doc = wrong.document!;
    expect(doc.querySelector("h1")!.textContent).toBe(row.name);
    expect(doc.querySelector<HTMLTextAreaElement>("#field-description")!.value).toBe("Firewalls.");
    expect(doc.querySelector("#field-description")!.getAttribute("aria-invalid")).toBe("true");
    expect([...doc.querySelectorAll(".error-summary a")].map((a) => a.getAttribute("href"))).toEqual([
      "#field-description",
      "#field-accept",
    ]);

    // A conflict (no longer waiting for changes): 409, the page with the message.
    await db.updateTable("applications").set({ status: "pending" }).where("id", "=", row.id).execute();
    const conflict = await post({ ...fields, accept: "on" });
    expect(conflict.status).toBe(409);
    expect(conflict.document!.querySelector('[role="alert"]')!.textContent).toBe(
      "The moderators are not waiting for changes to this application now.",
    );
    expect(conflict.document!.querySelector(".app-status")!.getAttribute("data-status")).toBe("pending");
  });
});

describe("rendered answers", () => {
  it("a refused submission keeps what was typed and focuses the first wrong field without JavaScript", async () => {
    const context = freshVisitor();
    const fields = validFields({ website: "http://northwind.example.org", description: "Short" });
    const page = await renderPage(applyRoute, "/apply", formRequest("/apply", fields, context), context);
    expect(page.status).toBe(400);
    const doc = page.document!;
    expect(doc.querySelector<HTMLInputElement>("#field-website")!.value).toBe("http://northwind.example.org");
    expect(doc.querySelector<HTMLTextAreaElement>("#field-description")!.value).toBe("Short");
    expect(doc.querySelector<HTMLInputElement>("#field-name")!.value).toBe(fields.name);
    expect([...doc.querySelectorAll("[autofocus]")].map((e) => e.id)).toEqual(["field-website"]);
    const summary = [...doc.querySelectorAll(".error-summary a")].map((a) => a.getAttribute("href"));
    expect(summary).toEqual(["#field-website", "#field-description"]);
    // The new start time is the one the form was served with: the applicant keeps going.
    expect(doc.querySelector<HTMLInputElement>("input[name=form_started]")!.value).toBe(fields.form_started);
  });
});
