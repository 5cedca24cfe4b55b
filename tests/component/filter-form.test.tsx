// @vitest-environment jsdom
import { useLocation } from "@remix-run/react";
import { createRemixStub } from "@remix-run/testing";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createContext, useContext } from "react";
import { renderToString } from "react-dom/server";
// The router @remix-run/react itself renders with (one deduplicated copy in node_modules).
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FilterForm, type FilterOptions, type FilterValues } from "~/components/filter-form";
import { failOnConsoleError } from "./guard";

failOnConsoleError();

const OPTIONS: FilterOptions = {
  countries: [
    { code: "FI", name: "Finland", count: 2 },
    { code: "DE", name: "Germany", count: 5 },
    { code: "SE", name: "Sweden", count: 1 },
  ],
  sectors: [
    { code: "security", name: "Cybersecurity", count: 12 },
    { code: "software", name: "Software and cloud", count: 30 },
    { code: "telecom", name: "Telecommunications", count: 3 },
  ],
  pledges: [
    { code: "stronger-defense", title: "Stronger defense", count: 40 },
    { code: "no-offense", title: "No offense", count: 40 },
    { code: "paris-call", title: "Support for the Paris Call", count: 0 },
  ],
  years: [
    { year: 2018, count: 34 },
    { year: 2019, count: 2 },
    { year: 2020, count: 4 },
  ],
  founding: { founding: 34, later: 6 },
  statuses: { active: 40, withdrawn: 2 },
};

const EMPTY: FilterValues = {
  q: "",
  country: [],
  sector: [],
  pledge: [],
  joined: "",
  founding: "",
  status: "active",
  sort: "",
  per_page: "",
};

const values = (over: Partial<FilterValues> = {}): FilterValues => ({ ...EMPTY, ...over });

// The stub app: the form on "/", and the directory route it submits to on "/signatories",
// whose loader records every request it gets. The form's props come from a context so a
// test can re-render it with new `values`, as the real route does after a navigation,
// without remounting the router (and so without losing focus or typed text).
type FormProps = Parameters<typeof FilterForm>[0];
const PropsContext = createContext<FormProps | null>(null);
let requests: URL[] = [];

function FormRoute() {
  const props = useContext(PropsContext);
  return props ? <FilterForm {...props} /> : null;
}

function DirectoryRoute() {
  const location = useLocation();
  return <p>Directory at {location.pathname + location.search}</p>;
}

const RemixStub = createRemixStub([
  { path: "/", Component: FormRoute },
  {
    path: "/signatories",
    Component: DirectoryRoute,
    loader: ({ request }) => {
      requests.push(new URL(request.url));
      return null;
    },
  },
]);

function App(props: FormProps) {
  return (
    <PropsContext.Provider value={props}>
      <RemixStub initialEntries={["/"]} />
    </PropsContext.Provider>
  );
}

function renderForm(v: FilterValues, onFilterChange?: FormProps["onFilterChange"], options: FilterOptions = OPTIONS, total?: number) {
  const result = render(<App values={v} options={options} onFilterChange={onFilterChange} total={total} />);
  return {
    ...result,
    rerenderWith: (next: FilterValues) =>
      result.rerender(<App values={next} options={options} onFilterChange={onFilterChange} total={total} />),
  };
}

/**
 * The form as the server sends it, put in the page without running any of its
 * JavaScript: what a visitor without JavaScript (or before hydration) gets.
 */
async function renderServerHtml(v: FilterValues, total?: number) {
  const handler = createStaticHandler([{ path: "/", Component: () => <FilterForm values={v} options={OPTIONS} total={total} /> }]);
  const context = await handler.query(new Request("http://registry.test/"));
  if (context instanceof Response) throw new Error(`static handler answered ${context.status}`);
  const router = createStaticRouter(handler.dataRoutes, context);
  const html = renderToString(<StaticRouterProvider router={router} context={context} hydrate={false} />);
  const container = document.body.appendChild(document.createElement("div"));
  container.innerHTML = html;
  return container;
}

const searchBox = () => screen.getByRole<HTMLInputElement>("searchbox", { name: "Search" });
const select = (name: string) => screen.getByRole<HTMLSelectElement>("combobox", { name });
const pledgeBox = (title: string) =>
  screen.getByRole<HTMLInputElement>("checkbox", { name: new RegExp(`^${title} \\((\\d+|none recorded)\\)$`) });
/** What the visitor sees in a closed select. */
const shown = (name: string) => select(name).selectedOptions[0]?.textContent ?? null;
const form = () => screen.getByRole<HTMLFormElement>("search", { name: "Search and filter signatories" });

beforeEach(() => {
  requests = [];
});

describe("FilterForm", () => {
  it("labels every field", () => {
    renderForm(values());

    expect(screen.getByLabelText("Search")).toBe(searchBox());
    for (const label of ["Country", "Sector", "Joined", "Signed", "Status", "Sort by", "Results a page"]) {
      expect(screen.getByLabelText(label).tagName, label).toBe("SELECT");
    }
    const pledges = screen.getByRole("group", { name: "Endorses every one of these pledges" });
    for (const { code, title } of OPTIONS.pledges) {
      const box = within(pledges).getByLabelText(new RegExp(`^${title} `));
      expect(box).toBe(pledgeBox(title));
      expect(box).toHaveProperty("value", code);
    }
    // Enter in the search box presses the first button, "Search"; the sheet ends with its own.
    const buttons = screen.getAllByRole("button");
    expect(buttons.map((b) => b.textContent)).toEqual(["Search", "Show results"]);
    for (const button of buttons) expect(button).toHaveProperty("type", "submit");
  });

  it("shows the current values in every field", () => {
    renderForm(
      values({
        q: "microsoft",
        country: ["FI"],
        sector: ["telecom"],
        pledge: ["no-offense", "paris-call"],
        joined: "2019",
        founding: "1",
        status: "withdrawn",
        sort: "-joined",
        per_page: "50",
      }),
    );

    expect(searchBox().value).toBe("microsoft");
    expect(shown("Country")).toBe("Finland (2)");
    expect(shown("Sector")).toBe("Telecommunications (3)");
    expect(shown("Joined")).toBe("2019 (2)");
    expect(shown("Signed")).toBe("At launch (founding) (34)");
    expect(shown("Status")).toBe("Withdrawn (2)");
    expect(shown("Sort by")).toBe("Joined, newest first");
    expect(shown("Results a page")).toBe("50");
    expect(pledgeBox("Stronger defense").checked).toBe(false);
    expect(pledgeBox("No offense").checked).toBe(true);
    expect(pledgeBox("Support for the Paris Call").checked).toBe(true);
  });

  it("starts from 'any' choices when nothing is filtered", () => {
    renderForm(values());

    expect(searchBox().value).toBe("");
    expect(shown("Country")).toBe("Any country");
    expect(shown("Sector")).toBe("Any sector");
    expect(shown("Joined")).toBe("Any year");
    expect(shown("Signed")).toBe("Any time");
    expect(shown("Status")).toBe("Active (40)");
    expect(shown("Sort by")).toBe("Name");
    expect(shown("Results a page")).toBe("25");
    for (const { title } of OPTIONS.pledges) expect(pledgeBox(title).checked, title).toBe(false);
  });

  it("shows how many signatories each country and sector has", () => {
    renderForm(values());

    const countries = within(select("Country"))
      .getAllByRole("option")
      .map((o) => o.textContent);
    expect(countries).toEqual(["Any country", "Finland (2)", "Germany (5)", "Sweden (1)"]);
    const sectors = within(select("Sector"))
      .getAllByRole("option")
      .map((o) => o.textContent);
    expect(sectors).toEqual(["Any sector", "Cybersecurity (12)", "Software and cloud (30)", "Telecommunications (3)"]);
    const years = within(select("Joined"))
      .getAllByRole("option")
      .map((o) => o.textContent);
    expect(years).toEqual(["Any year", "2018 (34)", "2019 (2)", "2020 (4)"]);
    const signed = within(select("Signed"))
      .getAllByRole("option")
      .map((o) => o.textContent);
    expect(signed).toEqual(["Any time", "At launch (founding) (34)", "After launch (6)"]);
    const statuses = within(select("Status"))
      .getAllByRole("option")
      .map((o) => o.textContent);
    expect(statuses).toEqual(["Active (40)", "Withdrawn (2)", "Suspended (0)", "Any status (42)"]);
    expect(pledgeBox("Stronger defense").labels?.[0]?.textContent).toBe("Stronger defense (40)");
    // A pledge nobody here endorses says so, rather than a bare 0 (decision 016).
    expect(pledgeBox("Support for the Paris Call").labels?.[0]?.textContent).toBe("Support for the Paris Call (none recorded)");
  });

  it("disables the choices that would give nothing, unless they are the current ones", () => {
    const { unmount } = renderForm(values());
    const option = (name: string, label: string) => within(select(name)).getByRole<HTMLOptionElement>("option", { name: label });
    expect(option("Status", "Suspended (0)").disabled).toBe(true);
    expect(option("Status", "Withdrawn (2)").disabled).toBe(false);
    expect(pledgeBox("Support for the Paris Call").disabled).toBe(true);
    expect(pledgeBox("No offense").disabled).toBe(false);
    unmount();

    // Nothing after launch among these results: that choice is off; chosen, it stays on.
    const none = { ...OPTIONS, founding: { founding: 34, later: 0 } };
    const first = renderForm(values(), undefined, none);
    expect(option("Signed", "After launch (0)").disabled).toBe(true);
    first.unmount();
    renderForm(values({ founding: "0", status: "suspended", pledge: ["paris-call"] }), undefined, none);
    expect(option("Signed", "After launch (0)").disabled).toBe(false);
    expect(shown("Signed")).toBe("After launch (0)");
    expect(option("Status", "Suspended (0)").disabled).toBe(false);
    expect(pledgeBox("Support for the Paris Call").disabled).toBe(false);
    expect(pledgeBox("Support for the Paris Call").checked).toBe(true);
  });

  it("puts the filters in a folded disclosure that says how many are on", () => {
    const { unmount } = renderForm(values({ q: "cloud" }));
    const sheet = form().querySelector("details")!;
    expect(sheet.open).toBe(false);
    expect(sheet.querySelector("summary")?.textContent).toBe("Filter and sort");
    // The search box stays outside it, always shown.
    expect(sheet.contains(searchBox())).toBe(false);
    expect(sheet.contains(select("Country"))).toBe(true);
    unmount();

    renderForm(values({ country: ["FI", "DE"], pledge: ["no-offense"], status: "all" }));
    expect(form().querySelector("summary")?.textContent).toBe("Filter and sort (4 on)");
  });

  it("says how many results the sheet's button shows, once the page runs JavaScript", async () => {
    renderForm(values(), undefined, OPTIONS, 42);
    expect(screen.getByRole("button", { name: "Show 42 results" })).toBeTruthy();
    document.body.innerHTML = "";
    // The server's HTML cannot know what the changed fields will give: it says "Show results".
    await renderServerHtml(values(), 42);
    expect(screen.getByRole("button", { name: "Show results" })).toBeTruthy();
    document.body.innerHTML = "";
  });

  it("offers 10 to 100 results a page, 25 by default, and keeps a size from the URL", () => {
    const { unmount } = renderForm(values());
    const sizes = () =>
      within(select("Results a page"))
        .getAllByRole<HTMLOptionElement>("option")
        .map((o) => [o.textContent, o.value]);
    // 25 is sent as nothing, so the address stays short.
    expect(sizes()).toEqual([
      ["10", "10"],
      ["25", ""],
      ["50", "50"],
      ["100", "100"],
    ]);
    unmount();
    renderForm(values({ per_page: "7" }));
    expect(shown("Results a page")).toBe("7");
  });

  it("offers the joined year from the URL even when it is not among the listed years", () => {
    renderForm(values({ joined: "2018-2019" }));

    const years = within(select("Joined"))
      .getAllByRole("option")
      .map((o) => o.textContent);
    expect(years).toEqual(["Any year", "2018 (34)", "2019 (2)", "2020 (4)", "2018-2019"]);
    expect(shown("Joined")).toBe("2018-2019");
  });

  it("offers 'Best match' sorting only when there is a search", () => {
    const { unmount } = renderForm(values());
    expect(within(select("Sort by")).queryByRole("option", { name: "Best match" })).toBeNull();
    unmount();

    renderForm(values({ q: "cloud", sort: "" }));
    const sorts = within(select("Sort by"))
      .getAllByRole("option")
      .map((o) => o.textContent);
    expect(sorts).toEqual(["Best match", "Name", "Joined, oldest first", "Joined, newest first"]);
    expect(shown("Sort by")).toBe("Best match");
  });

  it("keeps the extra countries and sectors of the URL as hidden fields", () => {
    renderForm(values({ country: ["FI", "DE", "SE"], sector: ["security", "telecom"] }));

    expect(shown("Country")).toBe("Finland (2)");
    expect(shown("Sector")).toBe("Cybersecurity (12)");
    const data = new FormData(form());
    expect(data.getAll("country")).toEqual(["FI", "DE", "SE"]);
    expect(data.getAll("sector")).toEqual(["security", "telecom"]);
    const hidden = [...form().querySelectorAll<HTMLInputElement>('input[type="hidden"]')];
    expect(hidden.map((i) => `${i.name}=${i.value}`)).toEqual(["country=DE", "country=SE", "sector=telecom"]);
  });

  it("asks for an immediate submission when a select or checkbox changes", async () => {
    const user = userEvent.setup();
    const onFilterChange = vi.fn();
    renderForm(values(), onFilterChange);

    await user.selectOptions(select("Country"), "Finland (2)");
    expect(onFilterChange).toHaveBeenCalledTimes(1);
    expect(onFilterChange).toHaveBeenLastCalledWith(form(), false);
    // The form handed over already holds the new choice.
    expect(new FormData(onFilterChange.mock.lastCall![0]).get("country")).toBe("FI");

    await user.selectOptions(select("Status"), "Any status (42)");
    expect(onFilterChange).toHaveBeenCalledTimes(2);
    expect(onFilterChange).toHaveBeenLastCalledWith(form(), false);

    await user.click(pledgeBox("No offense"));
    expect(onFilterChange).toHaveBeenCalledTimes(3);
    expect(onFilterChange).toHaveBeenLastCalledWith(form(), false);
  });

  it("asks for a debounced submission on every keystroke in the search box", async () => {
    const user = userEvent.setup();
    const onFilterChange = vi.fn();
    renderForm(values(), onFilterChange);

    await user.type(searchBox(), "sap");
    expect(onFilterChange.mock.calls).toEqual([
      [form(), true],
      [form(), true],
      [form(), true],
    ]);
    expect(new FormData(form()).get("q")).toBe("sap");
  });

  it("navigates to /signatories with the chosen filters when submitted", async () => {
    const user = userEvent.setup();
    renderForm(values({ sector: ["security", "telecom"] }));
    const sheet = form().querySelector("details")!;
    sheet.open = true; // as a visitor on a phone opens it

    await user.type(searchBox(), "cloud");
    await user.selectOptions(select("Country"), "Finland (2)");
    await user.click(pledgeBox("No offense"));
    await user.click(pledgeBox("Stronger defense"));
    await user.click(screen.getByRole("button", { name: "Show results" }));

    // The sheet folds, so on a phone the results are what is on the screen.
    expect(sheet.open).toBe(false);
    const landed = await screen.findByText(/^Directory at \/signatories\?/);
    expect(requests).toHaveLength(1);
    const [url] = requests;
    expect(url.pathname).toBe("/signatories");
    expect(url.searchParams.get("q")).toBe("cloud");
    expect(url.searchParams.getAll("country")).toEqual(["FI"]);
    expect(url.searchParams.getAll("sector")).toEqual(["security", "telecom"]);
    expect(url.searchParams.getAll("pledge")).toEqual(["stronger-defense", "no-offense"]);
    expect(url.searchParams.get("status")).toBe("active");
    expect(landed.textContent).toBe(`Directory at /signatories${url.search}`);
  });

  it("still submits the extra countries of the URL", async () => {
    const user = userEvent.setup();
    renderForm(values({ country: ["FI", "DE"] }));

    await user.click(screen.getByRole("button", { name: "Search" }));

    await screen.findByText(/^Directory at \/signatories/);
    expect(requests.map((u) => u.searchParams.getAll("country"))).toEqual([["FI", "DE"]]);
  });

  it("follows new values from the URL, as after a navigation", () => {
    const { rerenderWith } = renderForm(values({ q: "cloud", country: ["FI"], sector: ["telecom"], pledge: ["no-offense"], sort: "" }));

    rerenderWith(
      values({
        q: "antivirus",
        country: ["SE"],
        sector: ["security"],
        pledge: ["stronger-defense", "paris-call"],
        joined: "2020",
        founding: "0",
        status: "all",
        sort: "joined",
        per_page: "100",
      }),
    );

    expect(searchBox().value).toBe("antivirus");
    expect(shown("Country")).toBe("Sweden (1)");
    expect(shown("Sector")).toBe("Cybersecurity (12)");
    expect(shown("Joined")).toBe("2020 (4)");
    expect(shown("Signed")).toBe("After launch (6)");
    expect(shown("Status")).toBe("Any status (42)");
    expect(shown("Results a page")).toBe("100");
    expect(shown("Sort by")).toBe("Joined, oldest first");
    expect(pledgeBox("Stronger defense").checked).toBe(true);
    expect(pledgeBox("No offense").checked).toBe(false);
    expect(pledgeBox("Support for the Paris Call").checked).toBe(true);

    // And back to no filter at all ("Clear all").
    rerenderWith(values());
    expect(searchBox().value).toBe("");
    expect(shown("Country")).toBe("Any country");
    expect(shown("Sector")).toBe("Any sector");
    expect(shown("Status")).toBe("Active (40)");
    expect(shown("Sort by")).toBe("Name");
    expect(shown("Results a page")).toBe("25");
    for (const { title } of OPTIONS.pledges) expect(pledgeBox(title).checked, title).toBe(false);
  });

  it("also follows fields the visitor changed by hand", async () => {
    const user = userEvent.setup();
    const { rerenderWith } = renderForm(values({ country: ["FI"] }));

    await user.selectOptions(select("Status"), "Withdrawn (2)");
    await user.click(pledgeBox("No offense"));
    await user.click(searchBox()); // move focus away from the changed fields
    rerenderWith(values({ country: ["DE"] }));

    expect(shown("Country")).toBe("Germany (5)");
    expect(shown("Status")).toBe("Active (40)");
    expect(pledgeBox("No offense").checked).toBe(false);
  });

  it("leaves the search box alone while the visitor is typing in it", async () => {
    const user = userEvent.setup();
    const { rerenderWith } = renderForm(values({ q: "clo", country: ["FI"] }));

    await user.clear(searchBox());
    await user.type(searchBox(), "cloud secu");
    expect(document.activeElement).toBe(searchBox());
    // The debounced submission of "cloud" comes back while the visitor typed on.
    rerenderWith(values({ q: "cloud", country: ["DE"] }));

    expect(searchBox().value).toBe("cloud secu");
    expect(document.activeElement).toBe(searchBox());
    expect(shown("Country")).toBe("Germany (5)"); // the other fields still follow

    await user.type(searchBox(), "rity");
    expect(searchBox().value).toBe("cloud security");
  });

  // The select shares its name with the hidden inputs of the other countries.
  it("follows the first country when several are in the URL", () => {
    const { rerenderWith } = renderForm(values({ country: ["FI", "DE", "SE"] }));

    rerenderWith(values({ country: ["DE", "SE"] }));

    expect(shown("Country")).toBe("Germany (5)");
    expect(new FormData(form()).getAll("country")).toEqual(["DE", "SE"]);
  });

  describe("without JavaScript", () => {
    afterEach(() => {
      document.body.innerHTML = "";
    });

    it("is a plain GET form to /signatories that already shows the current values", async () => {
      await renderServerHtml(
        values({
          q: "cloud",
          country: ["FI", "DE"],
          pledge: ["paris-call"],
          founding: "0",
          status: "suspended",
          sort: "",
        }),
      );

      expect(form().getAttribute("method")).toBe("get");
      expect(form().getAttribute("action")).toBe("/signatories");
      expect(searchBox().value).toBe("cloud");
      expect(shown("Country")).toBe("Finland (2)");
      expect(shown("Signed")).toBe("After launch (6)");
      expect(shown("Status")).toBe("Suspended (0)");
      expect(form().querySelector("details")?.hasAttribute("open")).toBe(false);
      expect(shown("Sort by")).toBe("Best match");
      expect(pledgeBox("Support for the Paris Call").checked).toBe(true);
      expect(pledgeBox("No offense").checked).toBe(false);
      // What the "Show results" button would send.
      const data = new FormData(form());
      expect(data.get("q")).toBe("cloud");
      expect(data.getAll("country")).toEqual(["FI", "DE"]);
      expect(data.getAll("pledge")).toEqual(["paris-call"]);
      expect(data.get("status")).toBe("suspended");
    });
  });
});
