// One test per rule of CONTRACT §5: a form that is right but for one thing is refused
// with 400, the message is beside that field and no other (aria-invalid, aria-describedby),
// what was typed is kept, and nothing is written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RULE_MESSAGES } from "~/modules/applications/rules.server";
import { MESSAGES } from "~/modules/applications/schema";
import * as applyRoute from "~/routes/apply";
import { useSeededDatabase } from "../helpers/db";
import {
  bodyOf,
  formRequest,
  freshVisitor,
  next,
  postForm,
  renderPage,
  REQUIRED_PLEDGES,
  validFields,
  type Fields,
} from "./apply-fixtures";

const getDb = useSeededDatabase();

async function counts() {
  const db = getDb();
  const [apps, mails] = await Promise.all([
    db
      .selectFrom("applications")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("mail_outbox")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow(),
  ]);
  return { applications: Number(apps.n), mails: Number(mails.n) };
}

let before: Awaited<ReturnType<typeof counts>>;
/** Submissions a test meant to succeed. */
let accepted = 0;
beforeAll(async () => {
  before = await counts();
});

/**
 * Sends the form with `overrides` and checks the answer: 400; `field` alone is wrong,
 * with exactly `message`, in the action's answer and on the page; the typed values are kept.
 */
async function expectRefused(overrides: Fields, field: string, message: string, n = next()) {
  const fields = validFields(overrides, n);
  const response = await postForm(applyRoute.action, "/apply", fields);
  expect(response.status).toBe(400);
  const body = await bodyOf(response);
  expect(body.errors).toEqual({ [field]: message });
  expect(body.formError).toBeNull();

  const context = freshVisitor();
  const page = await renderPage(applyRoute, "/apply", formRequest("/apply", fields, context), context);
  expect(page.status).toBe(400);
  const doc = page.document!;
  const invalid = [...doc.querySelectorAll<HTMLElement>('[aria-invalid="true"]')];
  expect(invalid.length).toBeGreaterThan(0);
  for (const element of invalid) {
    expect(element.getAttribute("name"), element.id).toBe(field);
    const describedBy = element.getAttribute("aria-describedby")!.split(" ");
    expect(describedBy).toContain(`field-${field}-error`);
  }
  const error = doc.getElementById(`field-${field}-error`)!;
  expect(error.textContent).toBe(`Error: ${message}`);
  expect(doc.querySelectorAll(".field-error")).toHaveLength(1);
  // The typed value is still there (HTML turns NUL into U+FFFD; a select shows only its options).
  const typed = overrides[field];
  const control = doc.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${field}"]`)!;
  const selectable =
    control.tagName !== "SELECT" || [...doc.querySelectorAll<HTMLOptionElement>(`[name="${field}"] option`)].some((o) => o.value === typed);
  if (typeof typed === "string" && field !== "accept" && selectable) {
    expect(control.value).toBe(typed.replace(/\0/g, "\uFFFD"));
  }
  return doc;
}

afterAll(async () => {
  // Not one refused submission left a row or a mail behind.
  expect(await counts()).toEqual({ applications: before.applications + accepted, mails: before.mails + accepted });
});

describe("CONTRACT §5 rules, one at a time", () => {
  describe("name: the organisation's legal name, 2–120 characters", () => {
    it("is required", () => expectRefused({ name: "   " }, "name", MESSAGES.name.empty));
    it("has at least 2 characters", () => expectRefused({ name: "N" }, "name", MESSAGES.name.length));
    it("has at most 120 characters", () => expectRefused({ name: "N".repeat(121) }, "name", MESSAGES.name.length));
    it("counts characters, not UTF-16 units: 120 emoji are fine, 121 are not", async () => {
      await expectRefused({ name: "🛡".repeat(121) }, "name", MESSAGES.name.length);
      const response = await postForm(applyRoute.action, "/apply", validFields({ name: "🛡".repeat(120) }));
      expect(response.status).toBe(303);
      accepted += 1;
    });
    it("refuses control characters and text-direction overrides", async () => {
      await expectRefused({ name: "Northwind\u0000Security" }, "name", MESSAGES.forbidden);
      await expectRefused({ name: "Northwind \u202Eytiruces" }, "name", MESSAGES.forbidden);
    });
    it("is refused when sent twice", () => expectRefused({ name: ["Northwind", "Southwind"] }, "name", MESSAGES.duplicate));
  });

  describe("website: an https:// URL of the organisation", () => {
    it("is required", () => expectRefused({ website: "" }, "website", MESSAGES.website.empty));
    it("refuses http://", () => expectRefused({ website: "http://www.northwind.co.uk" }, "website", MESSAGES.website.https));
    it("refuses javascript:", () => expectRefused({ website: "javascript:alert(1)" }, "website", MESSAGES.website.https));
    it("refuses an address without a scheme", () => expectRefused({ website: "www.northwind.co.uk" }, "website", MESSAGES.website.https));
    it("refuses an address without a domain name", async () => {
      await expectRefused({ website: "https://localhost" }, "website", MESSAGES.website.invalid);
      await expectRefused({ website: "https://192.0.2.1" }, "website", MESSAGES.website.invalid);
      await expectRefused({ website: "https://" }, "website", MESSAGES.website.invalid);
    });
    it("refuses credentials in the address", () =>
      expectRefused({ website: "https://admin:secret@northwind.co.uk" }, "website", MESSAGES.website.invalid));
  });

  it("country: an ISO 3166-1 alpha-2 code", async () => {
    await expectRefused({ country: "XX" }, "country", MESSAGES.country);
    await expectRefused({ country: "" }, "country", MESSAGES.country);
    await expectRefused({ country: "GBR" }, "country", MESSAGES.country);
  });

  it("sector: one of the listed codes", async () => {
    await expectRefused({ sector: "banking" }, "sector", MESSAGES.sector);
    await expectRefused({ sector: "" }, "sector", MESSAGES.sector);
  });

  describe("description: 20–1,000 characters", () => {
    it("is required", () => expectRefused({ description: "" }, "description", MESSAGES.description.empty));
    it("has at least 20 characters", () =>
      expectRefused({ description: "We make firewalls." }, "description", MESSAGES.description.length));
    it("has at most 1,000 characters", () => expectRefused({ description: "x".repeat(1001) }, "description", MESSAGES.description.length));
  });

  describe("contact_name and contact_title: 2–120 characters each", () => {
    it("contact_name", async () => {
      await expectRefused({ contact_name: "" }, "contact_name", MESSAGES.contact_name.empty);
      await expectRefused({ contact_name: "J" }, "contact_name", MESSAGES.contact_name.length);
      await expectRefused({ contact_name: "J".repeat(121) }, "contact_name", MESSAGES.contact_name.length);
    });
    it("contact_title", async () => {
      await expectRefused({ contact_title: "" }, "contact_title", MESSAGES.contact_title.empty);
      await expectRefused({ contact_title: "C" }, "contact_title", MESSAGES.contact_title.length);
      await expectRefused({ contact_title: "C".repeat(121) }, "contact_title", MESSAGES.contact_title.length);
    });
  });

  describe("contact_email: at the website's domain or a subdomain; no free mail", () => {
    it("is a plausible address", async () => {
      await expectRefused({ contact_email: "" }, "contact_email", MESSAGES.contact_email.empty);
      await expectRefused({ contact_email: "jane.doe" }, "contact_email", MESSAGES.contact_email.invalid);
      await expectRefused({ contact_email: "jane doe@northwind.co.uk" }, "contact_email", MESSAGES.contact_email.invalid);
    });
    it("is at the website's registrable domain (compared without www.)", async () => {
      const n = next();
      await expectRefused(
        { website: `https://www.northwind-${n}.co.uk`, contact_email: "jane@contoso.com" },
        "contact_email",
        MESSAGES.contact_email.domain(`northwind-${n}.co.uk`),
        n,
      );
      // A look-alike that merely ends with the same letters is another domain.
      await expectRefused(
        { website: `https://www.northwind-${n}.co.uk`, contact_email: `jane@evilnorthwind-${n}.co.uk` },
        "contact_email",
        MESSAGES.contact_email.domain(`northwind-${n}.co.uk`),
        n,
      );
    });
    it("may be at a subdomain, or at the bare domain of a www. website", async () => {
      for (const [website, email] of [
        ["https://www.northwind-%.co.uk", "jane@mail.northwind-%.co.uk"],
        ["https://shop.northwind-%.com/en/", "jane@northwind-%.com"],
      ]) {
        const n = next();
        const response = await postForm(
          applyRoute.action,
          "/apply",
          validFields({ website: website.replace("%", String(n)), contact_email: email.replace("%", String(n)) }, n),
        );
        expect(response.status, website).toBe(303);
        accepted += 1;
      }
    });
    it("is not at a free-mail provider", async () => {
      await expectRefused({ contact_email: "jane.doe@gmail.com" }, "contact_email", RULE_MESSAGES.freeMail("gmail.com"));
      // Even when the website is the provider's own.
      await expectRefused(
        { website: "https://www.outlook.com", contact_email: "jane.doe@outlook.com" },
        "contact_email",
        RULE_MESSAGES.freeMail("outlook.com"),
      );
    });
  });

  describe("pledges: repeated codes, every required pledge present", () => {
    it("needs every required pledge, and says which are missing", async () => {
      const doc = await expectRefused(
        { pledges: ["stronger-defense", "paris-call"] },
        "pledges",
        MESSAGES.pledges.required(["No offense", "Capacity building", "Collective action"]),
      );
      // The unticked required boxes are the ones marked, and the first of them has the focus.
      const marked = [...doc.querySelectorAll('[aria-invalid="true"]')].map((e) => e.id);
      expect(marked).toEqual(["pledge-no-offense", "pledge-capacity-building", "pledge-collective-action"]);
      expect([...doc.querySelectorAll("[autofocus]")].map((e) => e.id)).toEqual(["pledge-no-offense"]);
      // What was ticked stays ticked.
      const ticked = [...doc.querySelectorAll<HTMLInputElement>("input[name=pledges]")].filter((b) => b.checked).map((b) => b.value);
      expect(ticked).toEqual(["stronger-defense", "paris-call"]);
    });
    it("needs them even when none is sent", () =>
      expectRefused(
        { pledges: [] },
        "pledges",
        MESSAGES.pledges.required(["Stronger defense", "No offense", "Capacity building", "Collective action"]),
      ));
    it("takes only the listed codes", () =>
      expectRefused({ pledges: [...REQUIRED_PLEDGES, "world-peace"] }, "pledges", MESSAGES.pledges.unknown));
  });

  it("accept: 'on', the contact confirms the authority to commit the organisation", async () => {
    await expectRefused({ accept: "" }, "accept", MESSAGES.accept);
    await expectRefused({ accept: "yes" }, "accept", MESSAGES.accept);
  });

  describe("domains already taken", () => {
    it("an active signatory's domain is refused, naming it", async () => {
      await expectRefused(
        { website: "https://www.microsoft.com/en-gb", contact_email: "jane.doe@microsoft.com" },
        "website",
        RULE_MESSAGES.signatory("microsoft.com", "Microsoft"),
      );
    });

    it("a domain with an open application is refused, with or without www.", async () => {
      const n = next();
      const first = await postForm(applyRoute.action, "/apply", validFields({}, n));
      expect(first.status).toBe(303);
      accepted += 1;
      for (const status of ["unverified", "pending", "changes_requested"] as const) {
        await getDb().updateTable("applications").set({ status }).where("domain", "=", `northwind-${n}.co.uk`).execute();
        await expectRefused(
          { website: `https://northwind-${n}.co.uk`, contact_email: `ceo@northwind-${n}.co.uk` },
          "website",
          RULE_MESSAGES.openApplication(`northwind-${n}.co.uk`),
          n,
        );
      }
      // Closed applications (decided or withdrawn) leave the domain free.
      await getDb().updateTable("applications").set({ status: "rejected" }).where("domain", "=", `northwind-${n}.co.uk`).execute();
      const again = await postForm(applyRoute.action, "/apply", validFields({}, n));
      expect(again.status).toBe(303);
      accepted += 1;
    });
  });
});

describe("several wrong fields", () => {
  it("get a message each, in one answer", async () => {
    const response = await postForm(applyRoute.action, "/apply", validFields({ name: "", country: "XX", accept: "" }));
    expect(response.status).toBe(400);
    expect((await bodyOf(response)).errors).toEqual({ name: MESSAGES.name.empty, country: MESSAGES.country, accept: MESSAGES.accept });
  });
});
