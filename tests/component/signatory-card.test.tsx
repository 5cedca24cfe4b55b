// @vitest-environment jsdom
import { useParams } from "@remix-run/react";
import { createRemixStub } from "@remix-run/testing";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { SignatoryCard, type CardSignatory } from "~/components/signatory-card";
import { failOnConsoleError } from "./guard";

failOnConsoleError();

const SIGNATORY: CardSignatory = {
  slug: "f-secure",
  name: "F-Secure",
  country_name: "Finland",
  sector_name: "Cybersecurity",
  description: "Consumer security software and services.",
  joined_on: "2018-04-17",
  founding: true,
  status: "active",
};

function renderCard(over: Partial<CardSignatory> = {}, words: string[] = []) {
  const signatory = { ...SIGNATORY, ...over };
  const RemixStub = createRemixStub([
    { path: "/signatories", Component: () => <SignatoryCard signatory={signatory} words={words} /> },
    { path: "/signatories/:slug", Component: () => <h1>Profile of {useParams().slug}</h1> },
  ]);
  render(<RemixStub initialEntries={["/signatories"]} />);
  // The article named by its heading. (Found by the heading's text: jsdom computes names as if
  // <mark> were a block, "Telefó nica"; browsers, which know it is inline, say "Telefónica".)
  const card = screen
    .getAllByRole("article")
    .find((a) => document.getElementById(a.getAttribute("aria-labelledby") ?? "")?.textContent === signatory.name);
  if (!card) throw new Error(`no article labelled by a heading "${signatory.name}"`);
  return card;
}

describe("SignatoryCard", () => {
  it("names the signatory with a link to its profile", async () => {
    const card = renderCard();

    const link = within(card).getByRole("link", { name: "F-Secure" });
    expect(link.getAttribute("href")).toBe("/signatories/f-secure");
    expect(within(card).getByRole("heading", { level: 3, name: "F-Secure" })).toBeTruthy();

    await userEvent.setup().click(link);
    expect(await screen.findByRole("heading", { level: 1, name: "Profile of f-secure" })).toBeTruthy();
  });

  it("shows the country and the sector, and no description without a search", () => {
    const card = renderCard({ country_name: "Germany", sector_name: "Telecommunications" });

    expect(within(card).getByText("Germany")).toBeTruthy();
    expect(within(card).getByText("Telecommunications")).toBeTruthy();
    expect(within(card).queryByText("Finland")).toBeNull();
    // A compact row: the description is for the signatory's page (or a search that matched it).
    expect(within(card).queryByText(/Consumer security software/)).toBeNull();
  });

  it("shows the join date written out, with the machine-readable date", () => {
    const card = renderCard();

    const time = within(card).getByText("17 April 2018");
    expect(time.tagName).toBe("TIME");
    expect(time.getAttribute("dateTime")).toBe("2018-04-17");
    expect(time.parentElement?.textContent).toBe("Joined 17 April 2018 · founding");
  });

  it("writes out other join dates in the same way", () => {
    const card = renderCard({ joined_on: "2023-12-01" });

    const time = within(card).getByText("1 December 2023");
    expect(time.getAttribute("dateTime")).toBe("2023-12-01");
  });

  it("marks founding signatories, and only them", () => {
    expect(within(renderCard({ founding: true })).getByText(/founding/)).toBeTruthy();
    const later = renderCard({ slug: "later", name: "Later Inc", founding: false, joined_on: "2018-09-01", joined_precision: "month" });
    expect(within(later).queryByText(/founding/)).toBeNull();
    expect(within(later).getByText("September 2018").parentElement?.textContent).toBe("Joined September 2018");
  });

  it("shows the status only when the signatory is no longer active", () => {
    const active = renderCard({ status: "active" });
    expect(within(active).queryByText("Active")).toBeNull();
    expect(within(active).queryByText("Withdrawn")).toBeNull();
    expect(within(active).queryByText("Suspended")).toBeNull();

    const withdrawn = renderCard({ slug: "gone", name: "Gone Ltd", status: "withdrawn" });
    expect(within(withdrawn).getByText("Withdrawn")).toBeTruthy();
    expect(within(withdrawn).queryByText("Suspended")).toBeNull();

    const suspended = renderCard({ slug: "paused", name: "Paused Ltd", status: "suspended" });
    expect(within(suspended).getByText("Suspended")).toBeTruthy();
  });

  it("repeats nothing that every row would say (no pledge counts, no 'Active')", () => {
    const card = renderCard();
    expect(within(card).queryByText(/pledge/i)).toBeNull();
    expect(card.textContent).toBe("FSF-SecureFinlandCybersecurityJoined 17 April 2018 · founding");
  });

  describe("with a search", () => {
    it("marks the matched part of each word in the name, the facts and a snippet of the description", () => {
      const card = renderCard({ name: "LinkedIn", slug: "linkedin", description: "Professional social network, part of Microsoft." }, [
        "micro",
      ]);
      const marks = card.querySelectorAll("mark");
      expect([...marks].map((m) => m.textContent)).toEqual(["Micro"]);
      expect(marks[0].parentElement?.textContent).toBe("Professional social network, part of Microsoft.");

      const named = renderCard({ name: "Trend Micro", slug: "trend-micro", country_name: "Japan" }, ["micro", "jap"]);
      expect([...named.querySelectorAll("mark")].map((m) => m.textContent)).toEqual(["Micro", "Jap"]);
      expect(within(named).getByRole("heading", { level: 3 }).querySelector("mark")?.textContent).toBe("Micro");
      // The link keeps the name whole for screen readers.
      expect(within(named).getByRole("link").getAttribute("aria-label")).toBe("Trend Micro");
      // The description is shown only where it matched.
      expect(within(named).queryByText(/Consumer security/)).toBeNull();
    });

    it("matches as the search does: case- and accent-insensitive, as prefixes only", () => {
      const card = renderCard({ name: "Telefónica", slug: "telefonica", description: "Spanish operator; not a telefon company." }, [
        "telefo",
      ]);
      expect([...card.querySelectorAll("mark")].map((m) => m.textContent)).toEqual(["Telefó", "telefo"]);
      const inside = renderCard({ name: "Bitdefender", slug: "bitdefender" }, ["defender"]);
      expect(inside.querySelectorAll("mark")).toHaveLength(0);
    });

    it("says where a word matched that the row does not show", () => {
      const card = renderCard({ website: "https://www.withsecure.com/" }, ["withsec"]);
      expect(within(card).getByText(/^Website:/).textContent).toBe("Website: www.withsecure.com");
      expect(card.querySelector("mark")?.textContent).toBe("withsec");

      const noted = renderCard({ slug: "github", name: "GitHub" }, ["subsidiary"]);
      expect(within(noted).getByText("“subsidiary” found in a former name or a note of its record")).toBeTruthy();
    });

    it("shows markup in the data as text, never as HTML", () => {
      const card = renderCard({ name: "<img src=x onerror=alert(1)>", slug: "x", description: "<b>bold</b> claims" }, ["img", "bold"]);
      expect(card.querySelector("img")).toBeNull();
      expect(card.querySelector("b")).toBeNull();
      expect([...card.querySelectorAll("mark")].map((m) => m.textContent)).toEqual(["img", "bold"]);
      expect(within(card).getByRole("heading", { level: 3 }).textContent).toBe("<img src=x onerror=alert(1)>");
    });

    it("cuts a long description around its first match", () => {
      const long = `${"Early words that say little. ".repeat(10)}Then the matched term arrives, ${"and more words follow it. ".repeat(10)}`;
      const card = renderCard({ description: long }, ["matched"]);
      const snippet = card.querySelector("mark")!.parentElement!.textContent!;
      expect(snippet.length).toBeLessThanOrEqual(170);
      expect(snippet).toMatch(/^… .*matched term arrives.* …$/);
    });
  });
});
