// @vitest-environment jsdom
// The application page's form as a visitor with JavaScript meets it: the server's
// messages beside each wrong field (aria-invalid, aria-describedby), what was typed kept,
// the focus on the first wrong field, and each field checked by the shared schema as the
// visitor leaves it.
import { json } from "@remix-run/node";
import { createRemixStub } from "@remix-run/testing";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { MESSAGES, type ApplicationValues, type FieldErrors } from "~/modules/applications/schema";
import ApplyPage from "~/routes/apply";
import { failOnConsoleError } from "./guard";

failOnConsoleError();

const PLEDGES = [
  { code: "stronger-defense", title: "Stronger defense", summary: "Protect all users.", required: true },
  { code: "no-offense", title: "No offense", summary: "Oppose cyberattacks.", required: true },
  { code: "paris-call", title: "Support for the Paris Call", summary: "Support the Paris Call.", required: false },
];
const LOADER_DATA = {
  options: {
    countries: [
      { code: "FI", name: "Finland" },
      { code: "GB", name: "United Kingdom of Great Britain and Northern Ireland" },
    ],
    sectorList: [
      { code: "security", name: "Cybersecurity", description: "" },
      { code: "telecom", name: "Telecommunications", description: "" },
    ],
    pledges: PLEDGES,
  },
  schemaOptions: {
    sectors: ["security", "telecom"],
    pledges: PLEDGES.map(({ code, title, required }) => ({ code, title, required })),
  },
  csrf: "token-for-this-visitor",
  honeypot: { field: "url_confirm", startedField: "form_started", started: "1700000000000.signature" },
  privacy: { retentionDays: 365, contactEmail: "registry@localhost" },
};

type Answer = { values: ApplicationValues; errors: FieldErrors; formError: string | null; started: string };
let answer: { status: number; body: Answer } | null;
let sent: FormData[];

function renderPage() {
  const Stub = createRemixStub([
    {
      path: "/apply",
      Component: ApplyPage,
      loader: () => json(LOADER_DATA),
      action: async ({ request }) => {
        sent.push(await request.formData());
        return json(answer!.body, { status: answer!.status });
      },
    },
  ]);
  render(<Stub initialEntries={["/apply"]} />);
}

const field = (label: string) => screen.getByLabelText<HTMLInputElement>(label);
/** The message a control points to with aria-describedby (its error, not its hint). */
function messageOf(control: HTMLElement): string | null {
  const ids = (control.getAttribute("aria-describedby") ?? "").split(" ").filter((id) => id.endsWith("-error"));
  return ids.length ? document.getElementById(ids[0])!.textContent!.replace(/^Error: /, "") : null;
}

const typed: ApplicationValues = {
  name: "Northwind Security",
  website: "http://www.northwind.co.uk",
  country: "GB",
  sector: "security",
  description: "Too short",
  contact_name: "Jane Doe",
  contact_title: "CISO",
  contact_email: "jane@northwind.co.uk",
  pledges: ["no-offense"],
  accept: "",
};

beforeEach(() => {
  answer = null;
  sent = [];
});

/** Fills the form with answers the browser's checks accept, so that "Send" reaches the server. */
async function fillValid(user: ReturnType<typeof userEvent.setup>) {
  await user.type(field("Organisation's legal name"), "Northwind Security");
  await user.type(field("Website"), "https://www.northwind.co.uk");
  await user.selectOptions(screen.getByRole("combobox", { name: "Headquarters country" }), "GB");
  await user.selectOptions(screen.getByRole("combobox", { name: "Sector" }), "security");
  await user.type(field("What the organisation does"), "Northwind makes firewalls for hospitals.");
  await user.type(field("Your name"), "Jane Doe");
  await user.type(field("Your job title"), "CISO");
  await user.type(field("Your work e-mail address"), "jane@northwind.co.uk");
  await user.click(screen.getByRole("checkbox", { name: "Stronger defense (required)" }));
  await user.click(screen.getByRole("checkbox", { name: "No offense (required)" }));
  await user.click(screen.getByRole("checkbox", { name: /^I confirm/ }));
  // Leave the last field before pressing "Send", as a keyboard user does.
  await user.tab();
}

describe("the application form", () => {
  it("labels every field and leaves every pledge unticked", async () => {
    renderPage();
    await screen.findByRole("heading", { level: 1, name: "Apply to join the Cybersecurity Tech Accord" });

    for (const label of ["Organisation's legal name", "Website", "Your name", "Your job title", "Your work e-mail address"]) {
      expect(field(label).tagName, label).toBe("INPUT");
    }
    expect(field("What the organisation does").tagName).toBe("TEXTAREA");
    expect(screen.getByRole("combobox", { name: "Headquarters country" })).toBeTruthy();
    expect(screen.getByRole("combobox", { name: "Sector" })).toBeTruthy();
    const group = screen.getByRole("group", { name: "The organisation commits to" });
    const boxes = within(group).getAllByRole<HTMLInputElement>("checkbox");
    expect(boxes.map((b) => b.value)).toEqual(["stronger-defense", "no-offense", "paris-call"]);
    expect(boxes.every((b) => !b.checked)).toBe(true);
    expect(within(group).getByRole("checkbox", { name: "Stronger defense (required)" })).toBeTruthy();
    expect(within(group).getByRole("checkbox", { name: "Support for the Paris Call" })).toBeTruthy();
    expect(screen.getByRole<HTMLInputElement>("checkbox", { name: /^I confirm that I have the authority/ }).checked).toBe(false);
    // No field starts out marked wrong.
    expect(document.querySelectorAll('[aria-invalid="true"]')).toHaveLength(0);
  });

  it("shows the server's messages beside the wrong fields, keeps what was typed, and focuses the first", async () => {
    const user = userEvent.setup();
    answer = {
      status: 400,
      body: {
        values: typed,
        errors: {
          website: MESSAGES.website.https,
          description: MESSAGES.description.length,
          pledges: MESSAGES.pledges.required(["Stronger defense"]),
          accept: MESSAGES.accept,
        },
        formError: null,
        started: "1700000000000.signature",
      },
    };
    renderPage();
    await screen.findByRole("heading", { level: 1 });
    await fillValid(user);
    await user.click(screen.getByRole("button", { name: "Send the application" }));

    const website = field("Website");
    await waitFor(() => expect(website.getAttribute("aria-invalid")).toBe("true"));
    expect(messageOf(website)).toBe(MESSAGES.website.https);
    expect(messageOf(field("What the organisation does"))).toBe(MESSAGES.description.length);
    const strongerDefense = screen.getByRole("checkbox", { name: "Stronger defense (required)" });
    expect(strongerDefense.getAttribute("aria-invalid")).toBe("true");
    expect(messageOf(strongerDefense)).toBe(MESSAGES.pledges.required(["Stronger defense"]));
    expect(messageOf(screen.getByRole("checkbox", { name: /^I confirm/ }))).toBe(MESSAGES.accept);
    // Right fields carry no error.
    expect(field("Organisation's legal name").getAttribute("aria-invalid")).toBeNull();
    expect(messageOf(field("Organisation's legal name"))).toBeNull();

    // The summary lists the four, and the focus is on the first wrong field.
    const summary = screen.getByRole("heading", { name: "4 answers need a change" });
    expect(summary).toBeTruthy();
    expect(document.activeElement).toBe(website);
    // What was typed is still there (the form was never reset).
    expect(website.value).toBe("https://www.northwind.co.uk");
    expect(field("What the organisation does").value).toBe("Northwind makes firewalls for hospitals.");

    // What the browser sent: every field, the hidden ones unchanged.
    const data = sent[0];
    expect(data.get("csrf")).toBe("token-for-this-visitor");
    expect(data.get("form_started")).toBe("1700000000000.signature");
    expect(data.get("url_confirm")).toBe("");
  });

  it("checks a field as the visitor leaves it, and clears the message once it is fixed", async () => {
    const user = userEvent.setup();
    renderPage();
    const name = await screen.findByLabelText<HTMLInputElement>("Organisation's legal name");

    await user.click(name);
    await user.tab();
    expect(name.getAttribute("aria-invalid")).toBe("true");
    expect(messageOf(name)).toBe(MESSAGES.name.empty);
    // Fields not visited yet stay quiet.
    expect(field("Website").getAttribute("aria-invalid")).toBeNull();

    await user.type(name, "N");
    expect(messageOf(name)).toBe(MESSAGES.name.length);
    await user.type(name, "orthwind");
    expect(name.getAttribute("aria-invalid")).toBeNull();
    expect(messageOf(name)).toBeNull();
  });

  it("checks the e-mail address against the website's domain, in the browser too", async () => {
    const user = userEvent.setup();
    renderPage();
    const website = await screen.findByLabelText<HTMLInputElement>("Website");
    await user.type(website, "https://www.northwind.co.uk");
    const email = field("Your work e-mail address");
    await user.type(email, "jane@contoso.com");
    await user.tab();
    expect(messageOf(email)).toBe(MESSAGES.contact_email.domain("northwind.co.uk"));

    await user.clear(email);
    await user.type(email, "jane@mail.northwind.co.uk");
    expect(messageOf(email)).toBeNull();

    await user.clear(website);
    await user.type(website, "javascript:alert(1)");
    await user.tab();
    expect(messageOf(website)).toBe(MESSAGES.website.https);
  });

  it("checks the pledges when the focus leaves the group, not at each box", async () => {
    const user = userEvent.setup();
    renderPage();
    const first = await screen.findByRole("checkbox", { name: "Stronger defense (required)" });
    await user.click(first);
    await user.tab(); // to the next box, still in the group
    expect(document.querySelectorAll('[aria-invalid="true"]')).toHaveLength(0);
    await user.tab(); // to the optional pledge
    await user.tab(); // out of the group
    const missing = screen.getByRole("checkbox", { name: "No offense (required)" });
    expect(missing.getAttribute("aria-invalid")).toBe("true");
    expect(messageOf(missing)).toBe(MESSAGES.pledges.required(["No offense"]));

    await user.click(missing);
    expect(missing.getAttribute("aria-invalid")).toBeNull();
    expect(screen.queryByText(MESSAGES.pledges.required(["No offense"]))).toBeNull();
  });

  it("keeps a server-only message while the field still holds what the server judged", async () => {
    const user = userEvent.setup();
    const taken = "northwind.co.uk is already in the registry: it is the domain of Northwind, an active signatory.";
    answer = {
      status: 400,
      body: {
        values: { ...typed, website: "https://www.northwind.co.uk", description: "Northwind makes firewalls for hospitals." },
        errors: { website: taken },
        formError: null,
        started: "1700000000000.signature",
      },
    };
    renderPage();
    await screen.findByRole("heading", { level: 1 });
    await fillValid(user);
    const website = field("Website");
    await user.click(screen.getByRole("button", { name: "Send the application" }));
    await waitFor(() => expect(messageOf(website)).toBe(taken));

    // Leaving it unchanged: the browser cannot judge this rule, the message stays.
    await user.click(website);
    await user.tab();
    expect(messageOf(website)).toBe(taken);
    // Changed: the server will judge again, so the old message goes.
    await user.type(website, "/x");
    await user.tab();
    expect(messageOf(field("Website"))).toBeNull();
  });

  it("says what is wrong with the whole submission (too many, too fast)", async () => {
    const user = userEvent.setup();
    const message =
      "Too many applications were sent from your network address in the last hour. You can send this one after 14:05 UTC (in about 37 minutes); what you typed is kept below.";
    answer = { status: 429, body: { values: typed, errors: {}, formError: message, started: "1700000000000.signature" } };
    renderPage();
    await screen.findByRole("heading", { level: 1 });
    await fillValid(user);
    await user.click(screen.getByRole("button", { name: "Send the application" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe(message);
    expect(field("Organisation's legal name").value).toBe("Northwind Security");
  });

  it("stops a submission the browser knows is wrong: nothing is sent, every message shows, the summary takes the focus", async () => {
    const user = userEvent.setup();
    renderPage();
    await screen.findByRole("heading", { level: 1 });
    await user.type(field("Organisation's legal name"), "Northwind Security");
    await user.type(field("Website"), "http://www.northwind.co.uk");
    await user.click(screen.getByRole("button", { name: "Send the application" }));

    const summary = await screen.findByRole("heading", { name: /answers need a change$/ });
    expect(sent).toHaveLength(0);
    expect(document.activeElement).toBe(summary.closest(".error-summary"));
    expect(messageOf(field("Website"))).toBe(MESSAGES.website.https);
    expect(messageOf(field("Your name"))).toBe(MESSAGES.contact_name.empty);
    expect(field("Organisation's legal name").getAttribute("aria-invalid")).toBeNull();
    const links = [...summary.closest(".error-summary")!.querySelectorAll("a")].map((a) => a.getAttribute("href"));
    expect(links[0]).toBe("#field-website");

    // Corrected, the same button sends it.
    answer = { status: 400, body: { values: typed, errors: { website: "server says no" }, formError: null, started: "x" } };
    await user.clear(field("Organisation's legal name"));
    await user.clear(field("Website"));
    await fillValid(user);
    await user.click(screen.getByRole("button", { name: "Send the application" }));
    await waitFor(() => expect(sent).toHaveLength(1));
  });
});
