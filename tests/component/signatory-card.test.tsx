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
  pledge_count: 4,
};

function renderCard(over: Partial<CardSignatory> = {}) {
  const signatory = { ...SIGNATORY, ...over };
  const RemixStub = createRemixStub([
    { path: "/signatories", Component: () => <SignatoryCard signatory={signatory} /> },
    { path: "/signatories/:slug", Component: () => <h1>Profile of {useParams().slug}</h1> },
  ]);
  render(<RemixStub initialEntries={["/signatories"]} />);
  return screen.getByRole("article", { name: signatory.name });
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

  it("shows the country, the sector and the description", () => {
    const card = renderCard({ country_name: "Germany", sector_name: "Telecommunications" });

    expect(within(card).getByText("Germany")).toBeTruthy();
    expect(within(card).getByText("Telecommunications")).toBeTruthy();
    expect(within(card).getByText("Consumer security software and services.")).toBeTruthy();
    expect(within(card).queryByText("Finland")).toBeNull();
  });

  it("shows the join date written out, with the machine-readable date", () => {
    const card = renderCard();

    const time = within(card).getByText("17 April 2018");
    expect(time.tagName).toBe("TIME");
    expect(time.getAttribute("dateTime")).toBe("2018-04-17");
    expect(time.parentElement?.textContent).toBe("Joined 17 April 2018");
  });

  it("writes out other join dates in the same way", () => {
    const card = renderCard({ joined_on: "2023-12-01" });

    const time = within(card).getByText("1 December 2023");
    expect(time.getAttribute("dateTime")).toBe("2023-12-01");
  });

  it("marks founding signatories, and only them", () => {
    expect(within(renderCard({ founding: true })).getByText("Founding signatory")).toBeTruthy();
    expect(within(renderCard({ slug: "later", name: "Later Inc", founding: false })).queryByText("Founding signatory")).toBeNull();
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

  it("counts the pledges in words, singular for one", () => {
    expect(within(renderCard({ pledge_count: 4 })).getByText("4 pledges")).toBeTruthy();

    const one = renderCard({ slug: "one", name: "One Pledge Co", pledge_count: 1 });
    expect(within(one).getByText("1 pledge")).toBeTruthy();
    expect(within(one).queryByText(/pledges/)).toBeNull();
  });
});
