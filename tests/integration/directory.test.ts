// The directory through its real loaders, on a fresh SQLite file seeded with the accord's data.
import { describe, expect, it } from "vitest";
import { loader as apiListLoader } from "~/routes/api.v1.signatories._index";
import { loader as apiOneLoader } from "~/routes/api.v1.signatories.$slug";
import { loader as directoryLoader } from "~/routes/signatories._index";
import { loader as detailLoader } from "~/routes/signatories.$slug";
import { loader as healthLoader } from "~/routes/healthz";
import { useSeededDatabase } from "../helpers/db";
import { loaderArgs, thrownResponse } from "../helpers/remix";

useSeededDatabase();

const directory = (search: string) => directoryLoader(loaderArgs(`/signatories${search}`));
const names = async (search: string) => (await directory(search)).signatories.map((s) => s.name);

async function api(search: string) {
  const response = await apiListLoader(loaderArgs(`/api/v1/signatories${search}`));
  return { response, body: await response.json() };
}

describe("search", () => {
  it('"trend micro" finds Trend Micro and not Microsoft', async () => {
    expect(await names("?q=trend+micro")).toEqual(["Trend Micro"]);
  });

  it('"micro" alone finds both, ranked', async () => {
    const found = await names("?q=micro");
    expect(found).toContain("Trend Micro");
    expect(found).toContain("Microsoft");
  });

  it('"telefonica" finds Telefónica, and so does "TELEFÓNICA"', async () => {
    expect(await names("?q=telefonica")).toEqual(["Telefónica"]);
    expect(await names("?q=TELEF%C3%93NICA")).toEqual(["Telefónica"]);
  });

  it('"cloudfl" finds Cloudflare by prefix', async () => {
    expect(await names("?q=cloudfl")).toEqual(["Cloudflare"]);
  });

  it("finds by country name, sector and website", async () => {
    expect((await names("?q=finland")).sort()).toEqual(["F-Secure", "Nokia"]);
    expect((await names("?q=telecommunications")).sort()).toEqual(["BT", "Nokia", "Telefónica"]);
    expect(await names("?q=trendmicro")).toEqual(["Trend Micro"]);
  });

  it("finds a signatory by the notes on later renames", async () => {
    expect(await names("?q=meta")).toContain("Facebook");
  });

  it("ranks a name match above a description match", async () => {
    const found = await names("?q=cisco");
    expect(found[0]).toBe("Cisco");
  });

  it("says so when nothing matches", async () => {
    const data = await directory("?q=zzzzzz");
    expect(data.total).toBe(0);
    expect(data.signatories).toEqual([]);
  });
});

describe("filters", () => {
  it("country=FI gives exactly Nokia and F-Secure", async () => {
    expect((await names("?country=FI")).sort()).toEqual(["F-Secure", "Nokia"]);
  });

  it("repeated countries are ORed, filters of different kinds ANDed", async () => {
    expect((await names("?country=FI&country=ES")).sort()).toEqual(["F-Secure", "Nokia", "Panda Security", "Telefónica"]);
    expect(await names("?country=FI&sector=telecom")).toEqual(["Nokia"]);
  });

  it("pledge filters need every pledge named", async () => {
    expect(await names("?pledge=cyber-mercenaries")).toEqual(["GitHub"]);
    expect(await names("?pledge=cyber-mercenaries&pledge=stronger-defense")).toEqual(["GitHub"]);
    // The 34 founders and Panda Security (seeded from its own statements).
    expect((await directory("?pledge=stronger-defense")).total).toBe(35);
    expect((await directory("?pledge=paris-call")).total).toBe(0);
  });

  it("joined and founding", async () => {
    expect((await directory("?joined=2018")).total).toBe(35);
    expect((await directory("?joined=2019-2025")).total).toBe(0);
    expect((await directory("?founding=1")).total).toBe(34);
    expect(await names("?founding=0")).toEqual(["Panda Security"]);
  });

  it("status defaults to active; other statuses are empty in the seed", async () => {
    expect((await directory("")).total).toBe(35);
    expect((await directory("?status=all")).total).toBe(35);
    expect((await directory("?status=withdrawn")).total).toBe(0);
  });

  it("facet counts show what each choice would give", async () => {
    const data = await directory("?country=FI");
    const finland = data.options.countries.find((c) => c.code === "FI");
    const us = data.options.countries.find((c) => c.code === "US");
    expect(finland).toMatchObject({ name: "Finland", count: 2 });
    // The country facet ignores the country filter itself, so other countries stay choosable.
    expect(us?.count).toBe(23);
    expect(data.options.sectors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: "telecom", count: 1 }),
        expect.objectContaining({ code: "security", count: 1 }),
      ]),
    );
  });
});

describe("facets of every filter (issue 14)", () => {
  it("counts the years, leaving the year filter out, and lists only years with a join", async () => {
    const all = await directory("");
    // Every join recorded is in 2018: no empty year is offered.
    expect(all.options.years).toEqual([{ year: 2018, count: 35 }]);
    const none = await directory("?joined=2020");
    expect(none.total).toBe(0);
    expect(none.options.years).toEqual([{ year: 2018, count: 35 }]);
    expect((await directory("?country=FI")).options.years).toEqual([{ year: 2018, count: 2 }]);
  });

  it("counts founding signatories and later joiners among the matches", async () => {
    expect((await directory("")).options.founding).toEqual({ founding: 34, later: 1 });
    // The founding filter itself is left out, so the other choice keeps its count.
    expect((await directory("?founding=1&country=ES")).options.founding).toEqual({ founding: 1, later: 1 });
  });

  it("counts each pledge among the matches, as one more pledge to require", async () => {
    const pledges = (await directory("")).options.pledges;
    expect(pledges.find((p) => p.code === "stronger-defense")?.count).toBe(35);
    expect(pledges.find((p) => p.code === "cyber-mercenaries")?.count).toBe(1);
    expect(pledges.find((p) => p.code === "paris-call")?.count).toBe(0);
    const narrowed = (await directory("?pledge=cyber-mercenaries")).options.pledges;
    expect(narrowed.find((p) => p.code === "stronger-defense")?.count).toBe(1);
  });

  it("counts statuses with the status filter left out", async () => {
    expect((await directory("?status=withdrawn")).options.statuses).toEqual({ active: 35 });
  });

  it("counts within a search", async () => {
    const data = await directory("?q=micro");
    expect(data.options.years).toEqual([{ year: 2018, count: data.total }]);
    expect(data.options.countries.reduce((sum, c) => sum + c.count, 0)).toBe(data.total);
    expect(data.words).toEqual(["micro"]);
  });
});

describe("sorting and pagination", () => {
  it("sorts by name case-insensitively by default, 25 a page", async () => {
    const data = await directory("");
    expect(data.signatories).toHaveLength(25);
    expect(data.pages).toBe(2);
    const all = [...data.signatories, ...(await directory("?page=2")).signatories].map((s) => s.name);
    expect(all).toHaveLength(35);
    expect(new Set(all).size).toBe(35);
    const lowered = all.map((n) => n.toLowerCase());
    expect(lowered).toEqual([...lowered].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(all[0]).toBe("ABB");
  });

  it("per_page and page cut the list", async () => {
    const data = await directory("?per_page=10&page=4");
    expect(data.signatories).toHaveLength(5);
    expect(data.pages).toBe(4);
  });

  it("a page past the end is empty, not an error", async () => {
    const data = await directory("?page=9");
    expect(data.signatories).toEqual([]);
    expect(data.total).toBe(35);
  });

  it("founding signatories share a join date, so joined order falls back to name", async () => {
    expect(await names("?sort=joined&per_page=3")).toEqual(["ABB", "Arm", "Avast"]);
    // Panda Security joined in September 2018 (sorted as its first day), after the launch.
    expect(await names("?sort=-joined&per_page=3")).toEqual(["Panda Security", "ABB", "Arm"]);
  });
});

describe("invalid parameters", () => {
  it.each([
    ["?country=XX", "country"],
    ["?sector=banking", "sector"],
    ["?per_page=500", "per_page"],
    ["?joined=twenty", "joined"],
    ["?status=gone", "status"],
    ["?q=a&q=b", "q"],
  ])("%s is a 400 naming %s on the HTML page", async (search, param) => {
    const response = await thrownResponse(() => directory(search));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(param);
  });

  it("is a 400 in the contract's JSON shape on the API", async () => {
    const { response, body } = await api("?country=XX");
    expect(response.status).toBe(400);
    expect(body).toEqual({ error: { code: "invalid_parameter", message: expect.stringContaining("country") } });
  });
});

describe("signatory page", () => {
  it("shows pledges with dates, history and notes", async () => {
    const { signatory } = await detailLoader(loaderArgs("/signatories/github", { slug: "github" }));
    expect(signatory).toMatchObject({ name: "GitHub", country_name: "United States of America", founding: true });
    expect(signatory.pledges.map((p) => [p.code, p.endorsed_on])).toEqual([
      ["stronger-defense", "2018-04-17"],
      ["no-offense", "2018-04-17"],
      ["capacity-building", "2018-04-17"],
      ["collective-action", "2018-04-17"],
      ["cyber-mercenaries", "2023-04-18"],
    ]);
    expect(signatory.events.map((e) => [e.kind, e.occurred_on, e.pledge_code])).toEqual([
      ["joined", "2018-04-17", null],
      ["pledge_endorsed", "2023-04-18", "cyber-mercenaries"],
    ]);
    expect(signatory.notes).toBe("Microsoft subsidiary");
  });

  it("is a 404 for an unknown slug", async () => {
    const response = await thrownResponse(() => detailLoader(loaderArgs("/signatories/acme", { slug: "acme" })));
    expect(response.status).toBe(404);
  });
});

describe("JSON API", () => {
  it("lists signatories in the contract's shape", async () => {
    const { response, body } = await api("?country=FI&sort=name");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("application/json");
    expect(body.meta).toEqual({ total: 2, page: 1, per_page: 25, pages: 1 });
    expect(body.links).toEqual({
      self: "http://registry.test/api/v1/signatories?country=FI&sort=name",
      next: null,
      prev: null,
    });
    expect(body.data[0]).toEqual({
      slug: "f-secure",
      name: "F-Secure",
      website: "https://www.f-secure.com",
      country: "FI",
      country_name: "Finland",
      sector: "security",
      description: expect.any(String),
      joined_on: "2018-04-17",
      joined_precision: "day",
      founding: true,
      status: "active",
      withdrawn_on: null,
      pledges: [
        { code: "stronger-defense", title: "Stronger defense", endorsed_on: "2018-04-17" },
        { code: "no-offense", title: "No offense", endorsed_on: "2018-04-17" },
        { code: "capacity-building", title: "Capacity building", endorsed_on: "2018-04-17" },
        { code: "collective-action", title: "Collective action", endorsed_on: "2018-04-17" },
      ],
      url: "http://registry.test/signatories/f-secure",
      // The three launch reports (db/seed/founding-sources.json).
      sources: [
        expect.objectContaining({ url: expect.stringContaining("venturebeat.com"), retrieved_on: "2026-11-29" }),
        expect.objectContaining({ url: expect.stringContaining("zdnet.com") }),
        expect.objectContaining({ url: expect.stringContaining("law.com") }),
      ],
      updated_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      // No logo was ever sent for the founding signatories (issue 14).
      logo_url: null,
      // Servers under test schedule no security.txt checks (CONTRACT §9, issue 18).
      security_contact: { status: "unchecked", checked_at: null, contact: [], policy: null, expires: null },
    });
  });

  it("links the next and previous pages", async () => {
    const { body } = await api("?per_page=10&page=2");
    expect(body.links.next).toBe("http://registry.test/api/v1/signatories?per_page=10&page=3");
    expect(body.links.prev).toBe("http://registry.test/api/v1/signatories?per_page=10&page=1");
  });

  it("answers the HTML directory's search with the same signatories", async () => {
    for (const search of ["?q=micro", "?country=US&sector=security&sort=-joined", "?per_page=7&page=2"]) {
      const { body } = await api(search);
      const html = await directory(search);
      expect(body.data.map((s: { slug: string }) => s.slug)).toEqual(html.signatories.map((s) => s.slug));
      expect(body.meta.total).toBe(html.total);
    }
  });

  it("gives an ETag and answers 304 when it still holds", async () => {
    const first = await apiListLoader(loaderArgs("/api/v1/signatories"));
    const etag = first.headers.get("ETag");
    expect(etag).toMatch(/^".+"$/);
    const again = await apiListLoader({
      ...loaderArgs("/api/v1/signatories"),
      request: new Request("http://registry.test/api/v1/signatories", { headers: { "If-None-Match": etag! } }),
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
  });

  it("one signatory, and a 404 in the error shape", async () => {
    const ok = await apiOneLoader(loaderArgs("/api/v1/signatories/nokia", { slug: "nokia" }));
    expect((await ok.json()).data).toMatchObject({ slug: "nokia", name: "Nokia", country: "FI" });
    const missing = await apiOneLoader(loaderArgs("/api/v1/signatories/acme", { slug: "acme" }));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
  });
});

describe("health", () => {
  it("answers ok when the database answers", async () => {
    const response = await healthLoader();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });
});
