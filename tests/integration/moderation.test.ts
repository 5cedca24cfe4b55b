// The moderation queue, the decisions (each exactly once), notes, signatory management and
// the audit log page, through the real route loaders and actions.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { personalValues, verifyAuditChain } from "~/modules/audit/audit.server";
import { countryName } from "~/modules/countries";
import { getSignatory } from "~/modules/directory/directory.server";
import * as writes from "~/modules/directory/write.server";
import { today } from "~/modules/staff/forms";
import * as adminUsers from "~/routes/admin.users";
import * as applicationPage from "~/routes/moderation.applications.$ref";
import * as auditPage from "~/routes/moderation.audit";
import * as queue from "~/routes/moderation._index";
import * as editSignatory from "~/routes/moderation.signatories.$slug";
import * as signatoryList from "~/routes/moderation.signatories._index";
import { loader as directoryLoader } from "~/routes/signatories._index";
import { useSeededDatabase } from "../helpers/db";
import { loaderArgs } from "../helpers/remix";
import {
  REQUIRED_PLEDGES,
  createStaffUser,
  getAs,
  insertApplication,
  postAs,
  respond,
  sessionCookie,
  type TestApplication,
  type TestStaff,
} from "./staff-fixtures";

vi.mock("~/modules/directory/write.server", { spy: true });

const getDb = useSeededDatabase();
let moderator: TestStaff;
let cookie: string;

beforeAll(async () => {
  moderator = await createStaffUser(getDb(), { name: "Mona Moderator" });
  cookie = (await sessionCookie(getDb(), moderator.id)).cookie;
});

const decide = (app: { ref: string }, fields: Record<string, string>, as = cookie) =>
  respond(applicationPage.action, postAs(`/moderation/applications/${app.ref}`, fields, as, { params: { ref: app.ref } }));
const view = async (ref: string) => respond(applicationPage.loader, getAs(`/moderation/applications/${ref}`, cookie, { ref }));

async function state(app: TestApplication) {
  const db = getDb();
  const row = await db.selectFrom("applications").selectAll().where("id", "=", app.id).executeTakeFirstOrThrow();
  const events = await db
    .selectFrom("application_events")
    .select(["kind", "reason", "actor"])
    .where("application_id", "=", app.id)
    .orderBy("id")
    .execute();
  const audit = await db
    .selectFrom("audit_log")
    .selectAll()
    .where("target_type", "=", "application")
    .where("target_id", "=", app.ref)
    .orderBy("id")
    .execute();
  const mails = await db.selectFrom("mail_outbox").selectAll().where("to_address", "=", app.contactEmail).orderBy("id").execute();
  const signatories = await db.selectFrom("signatories").selectAll().where("name", "=", app.name).execute();
  return { row, events, audit, mails, signatories };
}

const publicNames = async (search: string) => (await directoryLoader(loaderArgs(`/signatories${search}`))).signatories.map((s) => s.name);

describe("the queue", () => {
  it("lists open applications oldest first, with their age; unverified ones only on their own tab", async () => {
    const db = getDb();
    const day = 24 * 3600 * 1000;
    const older = await insertApplication(db, { name: "Queue Older Ltd", createdAt: new Date(Date.now() - 9 * day).toISOString() });
    const newer = await insertApplication(db, { name: "Queue Newer Ltd", createdAt: new Date(Date.now() - 2 * day).toISOString() });
    const asked = await insertApplication(db, {
      name: "Queue Asked Ltd",
      status: "changes_requested",
      createdAt: new Date(Date.now() - 5 * day).toISOString(),
    });
    const unverified = await insertApplication(db, { name: "Queue Unverified Ltd", status: "unverified" });
    const rejected = await insertApplication(db, { name: "Queue Rejected Ltd", status: "rejected" });

    const open = await (await respond(queue.loader, getAs("/moderation", cookie))).json();
    const refs = open.list.rows.map((r: { ref: string }) => r.ref);
    expect(refs).toEqual([older.ref, asked.ref, newer.ref]);
    expect(open.list.rows[0].age).toMatch(/^(8|9) days$/);
    expect(open.status).toBe("open");
    expect(open.counts).toMatchObject({ open: 3, pending: 2, changes_requested: 1, unverified: 1, rejected: 1 });

    const tab = await (await respond(queue.loader, getAs("/moderation?status=unverified", cookie))).json();
    expect(tab.list.rows.map((r: { ref: string }) => r.ref)).toEqual([unverified.ref]);
    const all = await (await respond(queue.loader, getAs("/moderation?status=all", cookie))).json();
    expect(all.list.total).toBe(5);
    expect(all.list.rows.map((r: { ref: string }) => r.ref)).toContain(rejected.ref);

    const bad = await respond(queue.loader, getAs("/moderation?status=maybe", cookie));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/^Invalid status: status must be one of: open, pending/);
    // Clean up, so the decisions below see a queue of their own.
    await db.updateTable("applications").set({ status: "withdrawn" }).where("ref", "in", [older.ref, newer.ref, asked.ref]).execute();
  });
});

describe("an application's page", () => {
  it("shows everything submitted, the verification time and the chosen pledges", async () => {
    const app = await insertApplication(getDb(), { pledges: [...REQUIRED_PLEDGES, "paris-call"] });
    const response = await view(app.ref);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const data = await response.json();
    expect(data.application).toMatchObject({
      ref: app.ref,
      name: app.name,
      contact_email: app.contactEmail,
      status: "pending",
      country_name: countryName("GB"),
    });
    expect(data.application.verified_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(data.open).toBe(true);
    const chosen = data.pledges.filter((p: { chosen: boolean }) => p.chosen).map((p: { code: string }) => p.code);
    expect(chosen.sort()).toEqual([...REQUIRED_PLEDGES, "paris-call"].sort());
    expect(data.events.map((e: { kind: string }) => e.kind)).toEqual(["submitted", "verified"]);
    expect(data.warnings).toEqual([]);
  });

  it("is a 404 for an unknown reference", async () => {
    const response = await view("AR-NOPE");
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("There is no application with this reference.");
  });

  it("warns about the same name (case and accents aside), a near miss, and the same registrable domain", async () => {
    const db = getDb();
    const telefonica = await insertApplication(db, { name: "TELEFONICA S.A." });
    const typo = await insertApplication(db, { name: "Microsfot Corporation" });
    const sameDomain = await insertApplication(db, { name: "Completely Different GmbH", domain: "nokia.com" });
    const twinA = await insertApplication(db, { name: "Zephyr Shield Labs" });
    const twinB = await insertApplication(db, { name: "zéphyr shield labs" });

    const w = async (ref: string) =>
      (await (await view(ref)).json()).warnings as { about: string; kind: string; name: string; match: string; href: string }[];
    expect(await w(telefonica.ref)).toEqual([
      expect.objectContaining({
        about: "name",
        kind: "signatory",
        name: "Telefónica",
        match: "same",
        href: "/moderation/signatories/telefonica",
      }),
    ]);
    expect(await w(typo.ref)).toEqual([
      expect.objectContaining({ about: "name", kind: "signatory", name: "Microsoft", match: "similar", distance: 1 }),
    ]);
    expect(await w(sameDomain.ref)).toEqual([
      expect.objectContaining({ about: "domain", kind: "signatory", name: "Nokia", match: "domain", domain: "nokia.com" }),
    ]);
    expect(await w(twinB.ref)).toEqual([
      expect.objectContaining({
        about: "name",
        kind: "application",
        name: `Zephyr Shield Labs (${twinA.ref})`,
        match: "same",
        href: `/moderation/applications/${twinA.ref}`,
      }),
    ]);
  });
});

describe("approving", () => {
  it("creates the signatory with the principles and chosen pledges, links it, records, audits and e-mails — in one go", async () => {
    const app = await insertApplication(getDb(), { name: "Aurora Cyber Defence", pledges: [...REQUIRED_PLEDGES, "paris-call"] });
    const response = await decide(app, { intent: "approve", joined_on: "2024-03-05" });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`/moderation/applications/${app.ref}?done=approved`);

    const s = await state(app);
    expect(s.row.status).toBe("approved");
    expect(s.row.decided_at).not.toBeNull();
    expect(s.signatories).toHaveLength(1);
    const signatory = s.signatories[0];
    expect(s.row.signatory_id).toBe(signatory.id);
    expect(signatory).toMatchObject({
      slug: "aurora-cyber-defence",
      founding: 0,
      status: "active",
      joined_on: "2024-03-05",
      domain: app.domain,
    });
    const detail = (await getSignatory(getDb(), signatory.slug))!;
    expect(detail.pledges.map((p) => [p.code, p.endorsed_on]).sort()).toEqual(
      [...REQUIRED_PLEDGES, "paris-call"].map((c) => [c, "2024-03-05"]).sort(),
    );
    expect(detail.events.map((e) => [e.kind, e.occurred_on])).toEqual([["joined", "2024-03-05"]]);
    expect(s.events.at(-1)).toEqual({ kind: "approved", reason: null, actor: `staff:${moderator.id}` });
    expect(s.audit).toHaveLength(1);
    expect(s.audit[0]).toMatchObject({
      action: "application.approve",
      actor: `staff:${moderator.id}`,
      actor_label: `Mona Moderator <${moderator.email}>`,
    });
    expect(JSON.parse(s.audit[0].before_json!)).toEqual({ status: "pending" });
    expect(JSON.parse(s.audit[0].after_json!)).toMatchObject({
      status: "approved",
      signatory: "aurora-cyber-defence",
      joined_on: "2024-03-05",
    });
    expect(s.mails).toHaveLength(1);
    expect(s.mails[0]).toMatchObject({ kind: "application_approved", status: "pending" });
    expect(s.mails[0].text_body).toContain("http://registry.test/signatories/aurora-cyber-defence");
    expect(s.mails[0].subject).toContain(app.ref);
    // The public directory has it at once.
    expect(await publicNames("?q=aurora+cyber")).toEqual(["Aurora Cyber Defence"]);
    // And the page says so afterwards.
    const page = await (
      await respond(applicationPage.loader, getAs(`/moderation/applications/${app.ref}?done=approved`, cookie, { ref: app.ref }))
    ).json();
    expect(page.open).toBe(false);
    expect(page.done).toBe("approved");
    expect(page.signatory).toEqual({ slug: "aurora-cyber-defence", name: "Aurora Cyber Defence" });
  });

  it("does not flag the signatory an application became as a duplicate of itself (issue 14)", async () => {
    const app = await insertApplication(getDb(), { name: "Borealis Threat Labs", pledges: REQUIRED_PLEDGES });
    const twin = await insertApplication(getDb(), { name: "Borealis Threat Labs Ltd" });
    expect((await decide(app, { intent: "approve", joined_on: "2024-03-05" })).status).toBe(303);
    const warnings = (await (await view(app.ref)).json()).warnings as { kind: string; name: string; about: string }[];
    // Its own signatory (same name, same domain) is not another record; the other application still is.
    expect(warnings.filter((w) => w.kind === "signatory")).toEqual([]);
    expect(warnings).toEqual([
      expect.objectContaining({ about: "name", kind: "application", name: `Borealis Threat Labs Ltd (${twin.ref})` }),
    ]);
    // The other application is still warned about the new signatory.
    const other = (await (await view(twin.ref)).json()).warnings as { kind: string; name: string }[];
    expect(other).toContainEqual(expect.objectContaining({ kind: "signatory", name: "Borealis Threat Labs" }));
  });

  it("defaults the join date to today", async () => {
    const app = await insertApplication(getDb(), { pledges: REQUIRED_PLEDGES });
    expect((await decide(app, { intent: "approve", joined_on: "" })).status).toBe(303);
    const s = await state(app);
    expect(s.signatories[0].joined_on).toBe(today());
    expect((await getSignatory(getDb(), s.signatories[0].slug))!.pledges.map((p) => p.code).sort()).toEqual([...REQUIRED_PLEDGES].sort());
  });

  it("dates a chosen pledge introduced after the join date from its introduction, as a later endorsement", async () => {
    const app = await insertApplication(getDb(), { pledges: [...REQUIRED_PLEDGES, "cyber-mercenaries"] });
    expect((await decide(app, { intent: "approve", joined_on: "2020-01-15" })).status).toBe(303);
    const detail = (await getSignatory(getDb(), (await state(app)).signatories[0].slug))!;
    expect(detail.pledges.find((p) => p.code === "cyber-mercenaries")!.endorsed_on).toBe("2023-03-27");
    expect(detail.events.map((e) => [e.kind, e.occurred_on, e.pledge_code])).toEqual([
      ["joined", "2020-01-15", null],
      ["pledge_endorsed", "2023-03-27", "cyber-mercenaries"],
    ]);
  });

  it("answers a second decision with 409 and writes nothing", async () => {
    const app = await insertApplication(getDb());
    expect((await decide(app, { intent: "approve", joined_on: "" })).status).toBe(303);
    const before = await state(app);
    const attempts: Record<string, string>[] = [
      { intent: "approve", joined_on: "" },
      { intent: "reject", reason: "Too late." },
      { intent: "request_changes", reason: "Too late." },
    ];
    for (const fields of attempts) {
      const again = await decide(app, fields);
      expect(again.status, fields.intent).toBe(409);
      expect((await again.json()).message).toMatch(/already decided \(it is now approved\); nothing was changed/);
    }
    expect(await state(app)).toEqual(before);
  });

  it.each([
    ["2017-12-31", "The join date cannot be before the accord's launch (17 April 2018)."],
    ["2999-01-01", "The join date cannot be in the future."],
    ["2023-02-30", "The join date is not a real date."],
    ["05/03/2024", "The join date must be a date written YYYY-MM-DD."],
  ])("refuses joined_on=%s with a message beside the field", async (joined, message) => {
    const app = await insertApplication(getDb());
    const response = await decide(app, { intent: "approve", joined_on: joined });
    expect(response.status).toBe(400);
    expect((await response.json()).errors).toEqual({ joined_on: message });
    expect((await state(app)).row.status).toBe("pending");
  });

  it("rolls everything back when a step fails after the status update [2.3.3]", async () => {
    const app = await insertApplication(getDb());
    const before = await state(app);
    vi.mocked(writes.createSignatory).mockRejectedValueOnce(new Error("disk full"));
    await expect(decide(app, { intent: "approve", joined_on: "" })).rejects.toThrow("disk full");
    expect(await state(app)).toEqual(before);
    expect(before.row.status).toBe("pending");
    // And the application can still be decided afterwards.
    expect((await decide(app, { intent: "approve", joined_on: "" })).status).toBe(303);
  });

  it("refuses an application that is not in the queue yet", async () => {
    const app = await insertApplication(getDb(), { status: "unverified" });
    const response = await decide(app, { intent: "approve", joined_on: "" });
    expect(response.status).toBe(409);
    expect((await response.json()).message).toMatch(/not in the queue yet/);
    expect((await state(app)).signatories).toEqual([]);
  });
});

describe("rejecting and requesting changes", () => {
  it("needs a reason, then rejects, records, audits and e-mails the reason", async () => {
    const app = await insertApplication(getDb());
    const missing = await decide(app, { intent: "reject", reason: "  " });
    expect(missing.status).toBe(400);
    expect((await missing.json()).errors).toEqual({ reason: "A reason must be at least 3 characters." });
    const response = await decide(app, { intent: "reject", reason: "Not a technology company." });
    expect(response.status).toBe(303);
    const s = await state(app);
    expect(s.row).toMatchObject({ status: "rejected", decision_reason: "Not a technology company.", signatory_id: null });
    expect(s.events.at(-1)).toEqual({ kind: "rejected", reason: "Not a technology company.", actor: `staff:${moderator.id}` });
    // The reason goes to the applicant and may name its contact: it is kept in the entry's
    // erasable part, outside the hash chain's own text (decision 017).
    expect(s.audit.map((a) => [a.action, a.reason, personalValues(a.personal_json)])).toEqual([
      ["application.reject", null, { reason: "Not a technology company." }],
    ]);
    expect(s.mails.map((m) => m.kind)).toEqual(["application_rejected"]);
    expect(s.mails[0].text_body).toContain("Not a technology company.");
    expect(s.signatories).toEqual([]);
    expect((await decide(app, { intent: "approve", joined_on: "" })).status).toBe(409);
  });

  it("requests changes once; the application can then still be approved", async () => {
    const app = await insertApplication(getDb());
    expect((await decide(app, { intent: "request_changes", reason: "Please name your products." })).status).toBe(303);
    let s = await state(app);
    expect(s.row).toMatchObject({ status: "changes_requested", decision_reason: "Please name your products.", decided_at: null });
    expect(s.mails.map((m) => m.kind)).toEqual(["application_changes_requested"]);
    expect(s.mails[0].text_body).toContain("Please name your products.");
    const twice = await decide(app, { intent: "request_changes", reason: "Again." });
    expect(twice.status).toBe(409);
    expect((await twice.json()).message).toMatch(/Changes were already requested/);
    expect((await decide(app, { intent: "approve", joined_on: "" })).status).toBe(303);
    s = await state(app);
    expect(s.audit.map((a) => a.action)).toEqual(["application.request_changes", "application.approve"]);
    expect(JSON.parse(s.audit[1].before_json!)).toEqual({ status: "changes_requested" });
    expect(s.signatories).toHaveLength(1);
  });

  it("refuses an unknown intent", async () => {
    const app = await insertApplication(getDb());
    const response = await decide(app, { intent: "delete" });
    expect(response.status).toBe(400);
    expect((await response.json()).message).toMatch(/Choose what to do/);
  });
});

describe("internal notes", () => {
  it("are added by staff, audited, shown on the page and never empty", async () => {
    const app = await insertApplication(getDb());
    expect((await decide(app, { intent: "note", body: "" })).status).toBe(400);
    const response = await decide(app, { intent: "note", body: "Called their CISO; legitimate." });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`/moderation/applications/${app.ref}?done=note#notes`);
    const page = await (await view(app.ref)).json();
    expect(page.notes).toEqual([expect.objectContaining({ body: "Called their CISO; legitimate.", author: "Mona Moderator" })]);
    expect((await state(app)).audit.map((a) => a.action)).toEqual(["application.note"]);
    expect((await state(app)).row.status).toBe("pending");
  });
});

describe("managing signatories", () => {
  const edit = (slug: string, fields: Record<string, string>) =>
    respond(editSignatory.action, postAs(`/moderation/signatories/${slug}`, fields, cookie, { params: { slug } }));
  const facts = async (slug: string) => {
    const s = (await getSignatory(getDb(), slug))!;
    return {
      intent: "save",
      name: s.name,
      website: s.website,
      country: s.country,
      sector: s.sector,
      description: s.description,
      joined_on: s.joined_on,
      notes: s.notes ?? "",
    };
  };

  it("lists and searches every status, accents aside", async () => {
    const data = await (await respond(signatoryList.loader, getAs("/moderation/signatories?q=telefonica", cookie))).json();
    expect(data.rows.map((r: { slug: string }) => r.slug)).toEqual(["telefonica"]);
    const all = await (await respond(signatoryList.loader, getAs("/moderation/signatories", cookie))).json();
    expect(all.status).toBe("all");
    expect(all.total).toBeGreaterThanOrEqual(34);
    expect((await respond(signatoryList.loader, getAs("/moderation/signatories?status=gone", cookie))).status).toBe(400);
  });

  it("renames without changing the slug, keeping the former name; audits before and after", async () => {
    const response = await edit("fastly", { ...(await facts("fastly")), name: "Fastly Edge Inc." });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/moderation/signatories/fastly?done=saved");
    const s = (await getSignatory(getDb(), "fastly"))!;
    expect(s).toMatchObject({ slug: "fastly", name: "Fastly Edge Inc.", former_names: "Fastly" });
    expect(await publicNames("?q=fastly")).toEqual(["Fastly Edge Inc."]);
    const audit = await getDb().selectFrom("audit_log").selectAll().where("target_id", "=", "fastly").execute();
    expect(audit.map((a) => a.action)).toEqual(["signatory.update"]);
    expect(JSON.parse(audit[0].before_json!)).toEqual({ name: "Fastly", former_names: null });
    expect(JSON.parse(audit[0].after_json!)).toEqual({ name: "Fastly Edge Inc.", former_names: "Fastly" });
    // Saving the same facts again changes and audits nothing.
    const same = await edit("fastly", await facts("fastly"));
    expect(same.headers.get("Location")).toBe("/moderation/signatories/fastly?done=unchanged");
    expect(await getDb().selectFrom("audit_log").select("id").where("target_id", "=", "fastly").execute()).toHaveLength(1);
  });

  it("moves the join event and the pledges taken on joining with a corrected join date", async () => {
    expect((await edit("stripe", { ...(await facts("stripe")), joined_on: "2018-05-01" })).status).toBe(303);
    const s = (await getSignatory(getDb(), "stripe"))!;
    expect(s.events.find((e) => e.kind === "joined")!.occurred_on).toBe("2018-05-01");
    expect(s.pledges.filter((p) => p.required).every((p) => p.endorsed_on === "2018-05-01")).toBe(true);
  });

  it.each([
    ["website", "javascript:alert(1)", "The website must be an http:// or https:// address, such as https://example.com."],
    ["country", "XX", "Choose the country of the headquarters."],
    ["sector", "nonsense", "Choose one of the sectors."],
    ["description", "short", "The description must be at least 20 characters."],
    ["name", "", "The name must be at least 2 characters."],
  ])("refuses %s=%j with a message beside the field", async (field, value, message) => {
    const response = await edit("arm", { ...(await facts("arm")), [field]: value });
    expect(response.status).toBe(400);
    const data = await response.json();
    expect(data.errors[field]).toBe(message);
    expect(data.values[field]).toBe(value);
    expect((await getSignatory(getDb(), "arm"))!.name).toBe("Arm");
  });

  it("withdraws, suspends and reinstates with a reason, each a public history event", async () => {
    const slug = "datastax";
    const noReason = await edit(slug, { intent: "withdraw", reason: "" });
    expect(noReason.status).toBe(400);
    expect((await noReason.json()).errors.reason).toBe("A reason must be at least 3 characters.");
    expect((await edit(slug, { intent: "withdraw", reason: "Left the accord by letter.", on: "2023-06-01" })).status).toBe(303);
    let s = (await getSignatory(getDb(), slug))!;
    expect(s).toMatchObject({ status: "withdrawn", withdrawn_on: "2023-06-01" });
    expect(s.events.at(-1)).toMatchObject({ kind: "withdrawn", occurred_on: "2023-06-01", detail: "Left the accord by letter." });
    expect(await publicNames("?q=datastax")).toEqual([]);

    const suspendWithdrawn = await edit(slug, { intent: "suspend", reason: "Complaint." });
    expect(suspendWithdrawn.status).toBe(409);
    expect((await suspendWithdrawn.json()).message).toBe("This cannot be done while the signatory is withdrawn; nothing was changed.");
    const beforeJoin = await edit(slug, { intent: "reinstate", reason: "Rejoined.", on: "2018-01-01" });
    expect(beforeJoin.status).toBe(400);

    expect((await edit(slug, { intent: "reinstate", reason: "Rejoined the accord." })).status).toBe(303);
    s = (await getSignatory(getDb(), slug))!;
    expect(s).toMatchObject({ status: "active", withdrawn_on: null });
    expect(s.events.at(-1)).toMatchObject({ kind: "reinstated", occurred_on: today(), detail: "Rejoined the accord." });
    expect((await edit(slug, { intent: "suspend", reason: "Under review after a complaint." })).status).toBe(303);
    expect((await getSignatory(getDb(), slug))!.status).toBe("suspended");

    const audit = await getDb()
      .selectFrom("audit_log")
      .selectAll()
      .where("target_type", "=", "signatory")
      .where("target_id", "=", slug)
      .orderBy("id")
      .execute();
    expect(audit.map((a) => [a.action, a.reason])).toEqual([
      ["signatory.withdraw", "Left the accord by letter."],
      ["signatory.reinstate", "Rejoined the accord."],
      ["signatory.suspend", "Under review after a complaint."],
    ]);
    expect(JSON.parse(audit[0].before_json!)).toEqual({ status: "active", withdrawn_on: null });
  });

  it("is a 404 for an unknown slug", async () => {
    expect((await respond(editSignatory.loader, getAs("/moderation/signatories/nobody", cookie, { slug: "nobody" }))).status).toBe(404);
  });
});

describe("staff accounts (admins)", () => {
  it("creates accounts, refusing weak passwords and taken e-mails; guards the last admin and oneself", async () => {
    const admin = await createStaffUser(getDb(), { role: "admin", name: "Ada Admin" });
    const { cookie: adminCookie } = await sessionCookie(getDb(), admin.id);
    const post = (fields: Record<string, string>) => respond(adminUsers.action, postAs("/admin/users", fields, adminCookie));

    const weak = await post({
      intent: "create",
      name: "New Person",
      email: "new@registry.test",
      role: "moderator",
      password: "Password1234",
    });
    expect(weak.status).toBe(400);
    const weakData = await weak.json();
    expect(weakData.errors.password).toMatch(/too common/);
    expect(weakData.values).toEqual({ name: "New Person", email: "new@registry.test", role: "moderator" });
    const ok = await post({
      intent: "create",
      name: "New Person",
      email: "New@Registry.test",
      role: "moderator",
      password: "saffron kettle drums at dawn",
    });
    expect(ok.status).toBe(303);
    const dup = await post({
      intent: "create",
      name: "Again",
      email: "new@registry.test",
      role: "moderator",
      password: "saffron kettle drums at dawn",
    });
    expect((await dup.json()).errors.email).toBe("A staff account with the e-mail new@registry.test already exists.");
    const created = await getDb().selectFrom("staff").selectAll().where("email", "=", "new@registry.test").executeTakeFirstOrThrow();
    expect(created.role).toBe("moderator");

    const self = await post({ intent: "deactivate", staff_id: String(admin.id) });
    expect(self.status).toBe(400);
    expect((await self.json()).message).toBe("You cannot deactivate your own account.");

    const off = await post({ intent: "deactivate", staff_id: String(created.id) });
    expect(off.status).toBe(303);
    expect(off.headers.get("Location")).toBe("/admin/users?done=deactivated");
    const again = await post({ intent: "deactivate", staff_id: String(created.id) });
    expect(again.status).toBe(409);
    expect((await again.json()).message).toBe("New Person is already deactivated.");
    expect((await post({ intent: "reactivate", staff_id: String(created.id) })).status).toBe(303);
    const list = await (await respond(adminUsers.loader, getAs("/admin/users?done=reactivated", adminCookie))).json();
    expect(list.staff.find((x: { id: number }) => x.id === created.id)).toMatchObject({ active: true, mfa: false, role: "moderator" });
    const actions = await getDb()
      .selectFrom("audit_log")
      .select(["action", "actor"])
      .where("target_type", "=", "staff")
      .where("target_id", "=", String(created.id))
      .orderBy("id")
      .execute();
    expect(actions).toEqual([
      { action: "staff.create", actor: `staff:${admin.id}` },
      { action: "staff.deactivate", actor: `staff:${admin.id}` },
      { action: "staff.reactivate", actor: `staff:${admin.id}` },
    ]);
  });

  it("refuses to deactivate the last active administrator", async () => {
    const db = getDb();
    const only = await createStaffUser(db, { role: "admin" });
    await db.updateTable("staff").set({ active: 0 }).where("role", "=", "admin").where("id", "!=", only.id).execute();
    const helper = await createStaffUser(db, { role: "admin" });
    await db.updateTable("staff").set({ role: "moderator" }).where("id", "=", helper.id).execute();
    const { setStaffActive } = await import("~/modules/staff/staff.server");
    const result = await setStaffActive(
      db,
      only.id,
      false,
      { actor: `staff:${helper.id}`, actorLabel: "x", ip: null, staffId: helper.id },
      null,
    );
    expect(result).toEqual({ ok: false, error: { kind: "invalid", message: expect.stringMatching(/last active administrator/) } });
    expect((await db.selectFrom("staff").select("active").where("id", "=", only.id).executeTakeFirstOrThrow()).active).toBe(1);
  });
});

describe("the audit log page", () => {
  it("shows entries newest first, filters by actor, action and target, and verifies the chain", async () => {
    const load = async (search: string) => (await respond(auditPage.loader, getAs(`/moderation/audit${search}`, cookie))).json();
    const all = await load("");
    const ids = all.list.rows.map((r: { id: number }) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(all.list.rows.length).toBe(Math.min(50, all.list.total));

    const approvals = await load("?action=application.approve");
    expect(approvals.list.total).toBeGreaterThanOrEqual(3);
    expect(approvals.list.rows.every((r: { action: string }) => r.action === "application.approve")).toBe(true);
    const mine = await load(`?actor=staff:${moderator.id}`);
    expect(mine.list.rows.every((r: { actor: string }) => r.actor === `staff:${moderator.id}`)).toBe(true);
    expect(mine.actors).toEqual(expect.arrayContaining([{ actor: `staff:${moderator.id}`, label: `Mona Moderator <${moderator.email}>` }]));
    const fastly = await load("?target=signatory:fastly");
    expect(fastly.list.rows.map((r: { action: string }) => r.action)).toEqual(["signatory.update"]);
    expect((await load("?target=fastly")).list.total).toBe(1);

    const page2 = await load("?page=2");
    if (all.list.total > 50) expect(page2.list.rows[0].id).toBeLessThan(ids.at(-1));
    else expect(page2.list.rows).toEqual([]);

    expect((await respond(auditPage.loader, getAs("/moderation/audit?action=drop.table", cookie))).status).toBe(400);
    const verified = await load("?verify=1");
    expect(verified.chain).toEqual({ ok: true, count: (await verifyAuditChain(getDb())).count });
  });
});
