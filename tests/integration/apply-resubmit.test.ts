// Answering a request for changes (the applicant's resubmission) and what it does to the
// e-mail verification: a new contact address or a new domain must be confirmed again
// before the application returns to the moderators, who see what the answer changed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailSender } from "~/modules/mail/sender.server";
import * as applyRoute from "~/routes/apply";
import * as statusRoute from "~/routes/applications.$ref";
import * as verifyRoute from "~/routes/apply_.verify";
import * as applicationPage from "~/routes/moderation.applications.$ref";
import * as queue from "~/routes/moderation._index";
import { useSeededDatabase } from "../helpers/db";
import { loaderArgs } from "../helpers/remix";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp";
import { freshVisitor, next, pageRequest, postForm, renderPage, respond, validFields, type Fields } from "./apply-fixtures";
import { createStaffUser, getAs, postAs, sessionCookie } from "./staff-fixtures";

const getDb = useSeededDatabase();
let smtp: TestSmtp;
let cookie: string;
beforeAll(async () => {
  smtp = await startTestSmtp();
  const moderator = await createStaffUser(getDb(), { name: "Mona Moderator" });
  cookie = (await sessionCookie(getDb(), moderator.id)).cookie;
});
afterAll(() => smtp.close());

const ORIGIN = "http://registry.test";
const pathOf = (url: URL) => url.pathname + url.search;
const text = (node: Element | null | undefined) => (node?.textContent ?? "").replace(/\s+/g, " ");
/** The section of the moderator's page that lists what the last resubmission changed. */
const changesSection = (document: Document | null) => document?.querySelector("#changes-heading")?.closest("section");

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

function linksOf(mail: { links: string[] }) {
  const verify = mail.links.find((l) => l.startsWith(`${ORIGIN}/apply/verify?token=`));
  const status = mail.links.find((l) => l.startsWith(`${ORIGIN}/applications/`));
  if (!verify || !status) throw new Error(`links missing: ${mail.links.join(" ")}`);
  return { verify: new URL(verify), status: new URL(status) };
}

const statusPage = (url: URL) => renderPage(statusRoute, "/applications/:ref", pageRequest(pathOf(url)), freshVisitor());
const moderatorPage = (ref: string) =>
  renderPage(
    applicationPage,
    "/moderation/applications/:ref",
    getAs(`/moderation/applications/${ref}`, cookie, { ref }).request,
    getAs("/", cookie).context,
  );

async function row(id: number) {
  return getDb().selectFrom("applications").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}
async function kinds(id: number) {
  const events = await getDb().selectFrom("application_events").select("kind").where("application_id", "=", id).orderBy("id").execute();
  return events.map((e) => e.kind);
}
const queueRefs = async () =>
  ((await (await respond(queue.loader, getAs("/moderation", cookie))).json()).list.rows as { ref: string }[]).map((r) => r.ref);

/**
 * An application applied for, verified with the mailed link, and sent back by a moderator
 * with a request for changes (through the staff route); its links and the form to answer.
 */
async function changesRequested(n = next()) {
  const response = await postForm(applyRoute.action, "/apply", validFields({}, n));
  expect(response.status).toBe(303);
  const ref = new URL(response.headers.get("Location")!, ORIGIN).searchParams.get("ref")!;
  const first = await row((await getDb().selectFrom("applications").select("id").where("ref", "=", ref).executeTakeFirstOrThrow()).id);
  const [mail] = await deliver(first.contact_email);
  const links = linksOf(mail);
  expect((await respond(verifyRoute.loader, loaderArgs(pathOf(links.verify)))).status).toBe(200);
  const asked = await respond(
    applicationPage.action,
    postAs(`/moderation/applications/${ref}`, { intent: "request_changes", reason: "Use your security team's address." }, cookie, {
      params: { ref },
    }),
  );
  expect(asked.status).toBe(303);
  const before = await row(first.id);
  expect(before).toMatchObject({ status: "changes_requested" });
  expect(before.verified_at).not.toBeNull();

  // The form on the status page, as it stands, ready to be answered.
  const page = await statusPage(links.status);
  const form = page.document!.querySelector<HTMLFormElement>("form.application-form")!;
  const fields: Fields = {};
  for (const el of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>("input, textarea, select")) {
    if (el.name === "csrf" || (el.getAttribute("type") === "checkbox" && !(el as HTMLInputElement).checked)) continue;
    const current = fields[el.name];
    fields[el.name] = current === undefined ? el.value : [...(Array.isArray(current) ? current : [current]), el.value];
  }
  fields.accept = "on";
  return { ref, n, before, links, fields };
}

const resubmit = (ref: string, fields: Fields) => postForm(statusRoute.action, `/applications/${ref}`, fields, { params: { ref } });

describe("[M2] a resubmission that changes the contact e-mail or the domain", () => {
  it("[M2] a new contact e-mail at the same domain: unverified again, a working link mailed to the new address, out of the queue until confirmed, the change shown to moderators", async () => {
    const { ref, n, before, links, fields } = await changesRequested();
    const oldEmail = before.contact_email;
    const newEmail = `security.team-${n}@northwind-${n}.co.uk`;
    const mailsToOld = (await getDb().selectFrom("mail_outbox").select("id").where("to_address", "=", oldEmail).execute()).length;

    const response = await resubmit(ref, { ...fields, contact_email: newEmail });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(pathOf(links.status));

    const after = await row(before.id);
    expect(after).toMatchObject({ status: "unverified", verified_at: null, contact_email: newEmail, domain: before.domain });
    expect(after.verify_token_hash).not.toBe(before.verify_token_hash);
    expect(await kinds(before.id)).toEqual(["submitted", "verified", "changes_requested", "resubmitted"]);
    // Nothing more to the old address.
    expect((await getDb().selectFrom("mail_outbox").select("id").where("to_address", "=", oldEmail).execute()).length).toBe(mailsToOld);

    // The new address gets a verification mail with a new link and the same status link.
    const [mail] = await deliver(newEmail);
    expect(mail, `a mail to ${newEmail}`).toBeDefined();
    expect(mail.text).toContain(ref);
    const fresh = linksOf(mail);
    expect(fresh.status.href).toBe(links.status.href);
    expect(fresh.verify.href).not.toBe(links.verify.href);
    // Sent before the new address is confirmed: none of the applicant's free text.
    expect(mail.text).not.toContain(before.name);
    expect(mail.text).not.toContain(before.contact_name);

    // The status page says to confirm the new address and offers a new link.
    const page = await statusPage(links.status);
    expect(page.document!.querySelector(".app-status")!.getAttribute("data-status")).toBe("unverified");
    const notice = page.document!.querySelector(".reverify")!;
    expect(notice.textContent).toContain(newEmail);
    expect(notice.textContent).toMatch(/confirm/i);
    expect([...page.document!.querySelectorAll(".timeline li")].pop()!.textContent).toContain(newEmail);

    // Out of the moderators' queue, and not decidable, until it is confirmed.
    expect(await queueRefs()).not.toContain(ref);
    const approve = await respond(
      applicationPage.action,
      postAs(`/moderation/applications/${ref}`, { intent: "approve", joined_on: new Date().toISOString().slice(0, 10) }, cookie, {
        params: { ref },
      }),
    );
    expect(approve.status).toBe(409);

    // The moderator's page shows what the resubmission changed and that the address is unconfirmed.
    const staff = await moderatorPage(ref);
    expect(staff.status).toBe(200);
    const shown = text(changesSection(staff.document));
    expect(shown).toContain("Contact e-mail");
    expect(shown).toContain(oldEmail);
    expect(shown).toContain(newEmail);
    expect(shown.indexOf(oldEmail)).toBeLessThan(shown.indexOf(newEmail));
    expect(text(staff.document?.body)).toMatch(/E-mail verified\s*Not yet/);

    // The first link no longer verifies anything; the new one does, and the application is back in the queue.
    expect((await respond(verifyRoute.loader, loaderArgs(pathOf(links.verify)))).status).toBe(404);
    const verified = await renderPage(verifyRoute, "/apply/verify", pageRequest(pathOf(fresh.verify)), freshVisitor());
    expect(verified.status).toBe(200);
    expect(verified.document!.querySelector(".app-status")!.getAttribute("data-status")).toBe("pending");
    expect(verified.document!.querySelector<HTMLAnchorElement>("a.button")!.getAttribute("href")).toBe(pathOf(links.status));
    const done = await row(before.id);
    expect(done.status).toBe("pending");
    expect(done.verified_at).not.toBeNull();
    expect(await kinds(before.id)).toEqual(["submitted", "verified", "changes_requested", "resubmitted", "verified"]);
    expect(await queueRefs()).toContain(ref);
  });

  it("[M2] a new website at another domain with an address there: confirmed again at the new address", async () => {
    const { ref, before, links, fields } = await changesRequested();
    const m = next();
    const website = `https://www.southwind-${m}.co.uk`;
    const newEmail = `jane.doe@southwind-${m}.co.uk`;
    const response = await resubmit(ref, { ...fields, website, contact_email: newEmail });
    expect(response.status).toBe(303);
    const after = await row(before.id);
    expect(after).toMatchObject({ status: "unverified", verified_at: null, domain: `southwind-${m}.co.uk`, contact_email: newEmail });
    const [mail] = await deliver(newEmail);
    expect(mail, `a mail to ${newEmail}`).toBeDefined();
    expect(mail.text).toContain(`southwind-${m}.co.uk`);
    expect(linksOf(mail).status.href).toBe(links.status.href);

    const staff = await moderatorPage(ref);
    const shown = text(changesSection(staff.document));
    expect(shown).toContain("Website");
    expect(shown).toContain(before.website);
    expect(shown).toContain(website);
  });

  it("[M2] only a changed description: back to pending, still verified, no new mail, the change shown to moderators", async () => {
    const { ref, before, links, fields } = await changesRequested();
    const mails = async () =>
      (await getDb().selectFrom("mail_outbox").select("id").where("to_address", "=", before.contact_email).execute()).length;
    const sent = await mails();
    const description = "Northwind makes the Longship firewall and the Drakkar intrusion detection system for hospitals.";
    const response = await resubmit(ref, { ...fields, description });
    expect(response.status).toBe(303);
    const after = await row(before.id);
    expect(after).toMatchObject({
      status: "pending",
      verified_at: before.verified_at,
      verify_token_hash: before.verify_token_hash,
      description,
    });
    expect(await mails()).toBe(sent);
    expect(await queueRefs()).toContain(ref);

    const page = await statusPage(links.status);
    expect(page.document!.querySelector(".app-status")!.getAttribute("data-status")).toBe("pending");
    expect(page.document!.querySelector(".reverify")).toBeNull();

    const staff = await moderatorPage(ref);
    const shown = text(changesSection(staff.document));
    expect(shown).toContain("Description");
    expect(shown).toContain(before.description);
    expect(shown).toContain(description);
    expect(shown).not.toContain("Contact e-mail");
  });
});
