// The JSON API (CONTRACT §4) through its real loaders: shapes checked against the OpenAPI
// document generated from the zod schemas, ETags and 304, CORS, and the same answer as
// the HTML directory and the CSV export for the same query.
import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { parse } from "csv-parse/sync";
import type { OpenAPIV3_1 } from "openapi-types";
import { beforeAll, describe, expect, it } from "vitest";
import { loader as coverageLoader } from "~/routes/api.v1.coverage";
import { loader as openApiLoader } from "~/routes/api.v1.openapi[.]json";
import { loader as pledgesLoader } from "~/routes/api.v1.pledges";
import { loader as oneLoader } from "~/routes/api.v1.signatories.$slug";
import { loader as listLoader } from "~/routes/api.v1.signatories._index";
import { loader as statsLoader } from "~/routes/api.v1.stats";
import { loader as feedLoader } from "~/routes/feed[.]xml";
import { loader as badgeLoader } from "~/routes/signatories.$slug.badge[.]svg";
import { loader as csvLoader } from "~/routes/signatories[.]csv";
import { loader as directoryLoader } from "~/routes/signatories._index";
import { useSeededDatabase } from "../helpers/db";
import { loaderArgs, visitor } from "../helpers/remix";
import { addLaterSignatories, LATER } from "./opendata-fixtures";

const getDb = useSeededDatabase();
beforeAll(async () => {
  await addLaterSignatories(getDb());
});

type Loader = (args: ReturnType<typeof loaderArgs>) => Promise<Response>;
const ROUTES: Record<string, Loader> = {
  "/api/v1/signatories": listLoader,
  "/api/v1/pledges": pledgesLoader,
  "/api/v1/stats": statsLoader,
  "/api/v1/coverage": coverageLoader,
  "/api/v1/openapi.json": openApiLoader,
};

async function get(loader: Loader, path: string, params: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const args = loaderArgs(path, params);
  const request = new Request(args.request.url, { headers, method: headers["x-method"] ?? "GET" });
  return loader({ ...args, request, context: visitor() });
}

async function document(): Promise<OpenAPIV3_1.Document> {
  return (await (await get(openApiLoader, "/api/v1/openapi.json")).json()) as OpenAPIV3_1.Document;
}

/** Validates a body against the schema the document gives for this path, method and status. */
async function validator() {
  const doc = await document();
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addSchema(doc as object, "openapi.json");
  return (path: string, status: number, body: unknown) => {
    const pointer = `/paths/${path.replace(/~/g, "~0").replace(/\//g, "~1")}/get/responses/${status}/content/application~1json/schema`;
    const validate = ajv.compile({ $ref: `openapi.json#${pointer}` });
    const ok = validate(body);
    return ok ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
}

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document that describes every open-data route", async () => {
    const doc = await document();
    expect(doc.openapi).toBe("3.1.0");
    // swagger-parser dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(doc) as OpenAPIV3_1.Document)).resolves.toBeTruthy();
    expect(Object.keys(doc.paths ?? {}).sort()).toEqual(
      [
        "/api/v1/coverage",
        "/api/v1/openapi.json",
        "/api/v1/pledges",
        "/api/v1/signatories",
        "/api/v1/signatories/{slug}",
        "/api/v1/stats",
        "/feed.xml",
        "/signatories.csv",
        "/signatories/{slug}/badge.svg",
        "/sitemap.xml",
      ].sort(),
    );
    expect(doc.servers?.[0].url).toBe("http://registry.test");
  });

  it("takes the directory's parameters from the directory's schema, with the codes the database knows", async () => {
    const doc = await document();
    const params = doc.paths!["/api/v1/signatories"]!.get!.parameters as OpenAPIV3_1.ParameterObject[];
    const byName = Object.fromEntries(params.map((p) => [p.name, p]));
    expect(Object.keys(byName)).toEqual(
      expect.arrayContaining(["q", "country", "sector", "pledge", "joined", "founding", "status", "sort", "page", "per_page"]),
    );
    const sectors = (await getDb().selectFrom("sectors").select("code").orderBy("position").execute()).map((s) => s.code);
    expect(byName.sector.schema).toMatchObject({ type: "array", items: { enum: sectors } });
    expect(byName.sector).toMatchObject({ style: "form", explode: true });
    expect(byName.status.schema).toMatchObject({ enum: ["active", "withdrawn", "suspended", "all"] });
    expect(byName.q.schema).toMatchObject({ type: "string", maxLength: 200 });
    expect(byName.per_page.description).toContain("1 to 100");
    // Numbers as numbers (issue 13): generated clients type them as integers.
    expect(byName.page.schema).toEqual({ type: "integer", minimum: 1, maximum: 100000 });
    expect(byName.per_page.schema).toEqual({ type: "integer", minimum: 1, maximum: 100 });
  });

  it("validates the real answer of every JSON route, errors included", async () => {
    const check = await validator();
    const cases: [string, Response, number][] = [
      ["/api/v1/signatories", await get(listLoader, "/api/v1/signatories?status=all&per_page=5&page=2"), 200],
      ["/api/v1/signatories", await get(listLoader, "/api/v1/signatories?q=micro"), 200],
      ["/api/v1/signatories", await get(listLoader, "/api/v1/signatories?country=ZZ"), 400],
      [
        "/api/v1/signatories/{slug}",
        await get(oneLoader, "/api/v1/signatories/withdrawn-widgets-ltd", { slug: "withdrawn-widgets-ltd" }),
        200,
      ],
      ["/api/v1/signatories/{slug}", await get(oneLoader, "/api/v1/signatories/nokia", { slug: "nokia" }), 200],
      ["/api/v1/signatories/{slug}", await get(oneLoader, "/api/v1/signatories/nobody", { slug: "nobody" }), 404],
      ["/api/v1/pledges", await get(pledgesLoader, "/api/v1/pledges"), 200],
      ["/api/v1/stats", await get(statsLoader, "/api/v1/stats"), 200],
      ["/api/v1/coverage", await get(coverageLoader, "/api/v1/coverage"), 200],
      ["/api/v1/signatories/{slug}", await get(oneLoader, "/api/v1/signatories/panda-security", { slug: "panda-security" }), 200],
      ["/api/v1/openapi.json", await get(openApiLoader, "/api/v1/openapi.json"), 200],
    ];
    for (const [path, response, status] of cases) {
      expect(response.status, path).toBe(status);
      expect(response.headers.get("Content-Type")).toBe(status === 200 ? "application/json; charset=utf-8" : "application/json");
      expect(check(path, status, await response.json()), `${path} ${status}`).toEqual([]);
    }
  });

  it("gives the media type each non-JSON route really answers with", async () => {
    const doc = await document();
    const cases: [string, number, Response][] = [
      ["/signatories.csv", 200, await get(csvLoader, "/signatories.csv?country=FI")],
      ["/signatories.csv", 400, await get(csvLoader, "/signatories.csv?country=ZZ")],
      ["/feed.xml", 200, await get(feedLoader, "/feed.xml")],
      [
        "/feed.xml",
        200,
        await get(feedLoader, "/feed.xml", {}, { Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" }),
      ],
      ["/signatories/{slug}/badge.svg", 200, await get(badgeLoader, "/signatories/nokia/badge.svg", { slug: "nokia" })],
      ["/signatories/{slug}/badge.svg", 404, await get(badgeLoader, "/signatories/nobody/badge.svg", { slug: "nobody" })],
    ];
    for (const [path, status, response] of cases) {
      expect(response.status, path).toBe(status);
      const documented = Object.keys((doc.paths![path]!.get!.responses![status] as OpenAPIV3_1.ResponseObject).content ?? {});
      expect(documented, `${path} ${status}`).toContain(response.headers.get("Content-Type")!.split(";")[0]);
      await response.arrayBuffer();
    }
  });

  it("would catch a response that drifted from the contract", async () => {
    const check = await validator();
    const body = await (await get(oneLoader, "/api/v1/signatories/nokia", { slug: "nokia" })).json();
    expect(check("/api/v1/signatories/{slug}", 200, { data: { ...body.data, founding: "yes" } })).not.toEqual([]);
    const { url: _url, ...withoutUrl } = body.data;
    expect(check("/api/v1/signatories/{slug}", 200, { data: withoutUrl })).not.toEqual([]);
    expect(check("/api/v1/signatories/{slug}", 200, { data: { ...body.data, extra: 1 } })).not.toEqual([]);
  });
});

describe("pledges and stats", () => {
  it("lists every pledge with the contract's fields and active endorsement counts", async () => {
    const { data } = await (await get(pledgesLoader, "/api/v1/pledges")).json();
    expect(data.map((p: { code: string }) => p.code)).toEqual([
      "stronger-defense",
      "no-offense",
      "capacity-building",
      "collective-action",
      "coordinated-vulnerability-disclosure",
      "paris-call",
      "cyber-mercenaries",
    ]);
    const first = data[0];
    expect(Object.keys(first).sort()).toEqual(["code", "endorsements", "introduced_on", "required", "summary", "title"]);
    // 34 founders, Panda Security + 3 active later joiners; the withdrawn and the suspended ones do not count.
    expect(first).toMatchObject({ code: "stronger-defense", required: true, introduced_on: "2018-04-17", endorsements: 38 });
    expect(data.find((p: { code: string }) => p.code === "paris-call").endorsements).toBe(1);
  });

  it("counts totals, years with a recorded join (no zero-filled year), countries and sectors", async () => {
    const { data } = await (await get(statsLoader, "/api/v1/stats")).json();
    expect(data).toMatchObject({ total: 40, active: 38, founding: 34 });
    expect(data.by_year[0]).toEqual({ year: 2018, joined: 35, cumulative: 35 });
    // 2023 has no recorded join: it is left out, never a 0 (docs/decisions/016).
    expect(data.by_year.map((y: { year: number }) => y.year)).toEqual([2018, 2019, 2020, 2021, 2022, 2024]);
    expect(data.by_year.every((y: { joined: number }) => y.joined > 0)).toBe(true);
    expect(data.by_year.at(-1)).toEqual({ year: 2024, joined: 1, cumulative: 40 });
    // Active signatories only: the suspended US company is not counted.
    expect(data.by_country[0]).toEqual({ country: "US", count: 23 });
    expect(data.by_country.find((c: { country: string }) => c.country === "GB")).toEqual({ country: "GB", count: 2 });
    expect(data.by_sector.reduce((n: number, s: { count: number }) => n + s.count, 0)).toBe(38);
    const counts = data.by_country.map((c: { count: number }) => c.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
  });
});

describe("coverage and provenance", () => {
  it("gives the registry's count beside the published counts, in the contract's shape", async () => {
    const { data } = await (await get(coverageLoader, "/api/v1/coverage")).json();
    expect(data.recorded).toBe(38);
    expect(data.published).toHaveLength(6);
    expect(data.published[0]).toEqual({
      as_of: "2018-04-17",
      precision: "day",
      count: 34,
      qualifier: "exactly",
      source: {
        url: "https://venturebeat.com/2018/04/17/facebook-microsoft-and-32-other-tech-firms-sign-cybersecurity-pledge/",
        title: "VentureBeat: Facebook, Microsoft, and 32 other tech firms sign cybersecurity pledge",
      },
    });
    expect(data.published.at(-1)).toMatchObject({ as_of: "2022-01-01", precision: "year", count: 150, qualifier: "more than" });
    expect(data.published.find((m: { count: number }) => m.count === 61).source.url).toBeNull();
  });

  it("gives Panda Security its month, its own statements as sources, and when it last changed", async () => {
    const { data } = await (await get(oneLoader, "/api/v1/signatories/panda-security", { slug: "panda-security" })).json();
    expect(data).toMatchObject({ name: "Panda Security", joined_on: "2018-09-01", joined_precision: "month", founding: false });
    expect(data.sources).toHaveLength(2);
    expect(data.sources[0]).toEqual({
      url: "https://www.pandasecurity.com/es/mediacenter/panda-security/apoya-llamamiento-paris-ciberespacio/",
      title: expect.stringContaining("Paris Call"),
      quote: expect.stringContaining("se unió el pasado mes de septiembre al Cybersecurity Tech Accord"),
      retrieved_on: "2026-11-29",
    });
    expect(Date.parse(data.updated_at)).not.toBeNaN();
  });

  it("gives an endorsement's source with the record's (GitHub and the principles on cyber mercenaries)", async () => {
    const { data } = await (await get(oneLoader, "/api/v1/signatories/github", { slug: "github" })).json();
    expect(data.sources.map((s: { title: string }) => s.title)).toEqual([
      expect.stringContaining("VentureBeat"),
      expect.stringContaining("ZDNet"),
      expect.stringContaining("Corporate Counsel"),
      "github.blog post of 2023-04-18 announcing that GitHub joined the industry principles",
    ]);
  });
});

describe("HTTP behaviour", () => {
  it.each(Object.entries(ROUTES))("%s carries an ETag, answers 304 to it, and allows any origin", async (path, loader) => {
    const first = await get(loader, path);
    expect(first.status).toBe(200);
    const etag = first.headers.get("ETag");
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(first.headers.get("Access-Control-Expose-Headers")).toContain("ETag");
    expect(first.headers.get("Cache-Control")).toMatch(/^public, max-age=\d+, must-revalidate$/);
    const again = await get(loader, path, {}, { "If-None-Match": etag! });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("ETag")).toBe(etag);
    const stale = await get(loader, path, {}, { "If-None-Match": '"something-else"' });
    expect(stale.status).toBe(200);
  });

  it("gives each route a cache lifetime suited to how often it changes", async () => {
    const maxAge = async (loader: Loader, path: string) =>
      Number((await get(loader, path)).headers.get("Cache-Control")!.match(/max-age=(\d+)/)![1]);
    expect(await maxAge(listLoader, "/api/v1/signatories")).toBe(60);
    expect(await maxAge(pledgesLoader, "/api/v1/pledges")).toBe(300);
    expect(await maxAge(statsLoader, "/api/v1/stats")).toBe(300);
    expect(await maxAge(openApiLoader, "/api/v1/openapi.json")).toBe(3600);
  });

  it("changes the ETag when the data changes", async () => {
    const before = (await get(oneLoader, "/api/v1/signatories/nokia", { slug: "nokia" })).headers.get("ETag");
    await getDb().updateTable("signatories").set({ description: "Changed by the ETag test." }).where("slug", "=", "nokia").execute();
    const after = await get(oneLoader, "/api/v1/signatories/nokia", { slug: "nokia" }, { "If-None-Match": before! });
    expect(after.status).toBe(200);
    expect(after.headers.get("ETag")).not.toBe(before);
    expect((await after.json()).data.description).toBe("Changed by the ETag test.");
  });

  it("answers a CORS preflight with 204 and the allowed methods and headers", async () => {
    for (const [path, loader] of [...Object.entries(ROUTES), ["/signatories.csv", csvLoader] as const]) {
      const response = await get(
        loader,
        path,
        {},
        {
          "x-method": "OPTIONS",
          Origin: "https://elsewhere.example",
          "Access-Control-Request-Method": "GET",
          "Access-Control-Request-Headers": "if-none-match",
        },
      );
      expect(response.status, path).toBe(204);
      expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect(response.headers.get("Access-Control-Allow-Methods")).toBe("GET, HEAD, OPTIONS");
      expect(response.headers.get("Access-Control-Allow-Headers")).toContain("If-None-Match");
    }
  });

  it("lets other sites read errors too, in the contract's shape, never cached", async () => {
    const notFound = await get(oneLoader, "/api/v1/signatories/nobody", { slug: "nobody" });
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(notFound.headers.get("Cache-Control")).toBe("no-store");
    expect(await notFound.json()).toEqual({ error: { code: "not_found", message: expect.stringContaining("nobody") } });
    const invalid = await get(listLoader, "/api/v1/signatories?per_page=500");
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(await invalid.json()).toEqual({ error: { code: "invalid_parameter", message: expect.stringContaining("per_page") } });
  });
});

describe("one query, three views", () => {
  const slugsOfCsv = async (search: string) => {
    const response = await get(csvLoader, `/signatories.csv${search}`);
    expect(response.status).toBe(200);
    const rows = parse(await response.text(), { columns: true }) as { slug: string }[];
    return rows.map((r) => r.slug);
  };
  const slugsOfApi = async (search: string) => {
    const slugs: string[] = [];
    for (let page = 1; ; page++) {
      const sep = search ? "&" : "?";
      const body = await (await get(listLoader, `/api/v1/signatories${search}${sep}per_page=7&page=${page}`)).json();
      slugs.push(...body.data.map((s: { slug: string }) => s.slug));
      if (!body.links.next) return { slugs, total: body.meta.total };
    }
  };
  const slugsOfHtml = async (search: string) => {
    const sep = search ? "&" : "?";
    const data = await directoryLoader(loaderArgs(`/signatories${search}${sep}per_page=100`));
    return data.signatories.map((s) => s.slug);
  };

  it.each([
    "",
    "?status=all",
    "?status=all&sort=-joined",
    "?sort=joined&founding=0&status=all",
    "?q=micro",
    "?q=security&sort=name",
    "?country=US&country=gb&status=all",
    "?sector=security",
    "?pledge=paris-call&status=all",
    "?joined=2019-2024&status=withdrawn",
    "?status=suspended",
    "?country=FI&sector=telecom",
  ])("%s gives the same signatories in the same order as HTML, API (every page) and CSV", async (search) => {
    const html = await slugsOfHtml(search);
    const api = await slugsOfApi(search);
    const csv = await slugsOfCsv(search);
    expect(api.slugs).toEqual(html);
    expect(csv).toEqual(html);
    expect(api.total).toBe(html.length);
  });

  it("the fixtures make the comparison meaningful", async () => {
    expect(await slugsOfHtml("?status=all")).toHaveLength(40);
    expect(await slugsOfCsv("?status=withdrawn")).toEqual(["withdrawn-widgets-ltd"]);
    expect(await slugsOfCsv("?q=zurich")).toEqual(["zurich-donnees-sarl"]);
    expect((await slugsOfApi("?q=acme")).slugs).toEqual(["acme-quoted-and-co"]);
    expect(LATER.quoted).toContain(",");
  });

  it.each(["?country=XX", "?sector=banking", "?joined=18", "?page=0", "?per_page=101", "?status=deleted", "?q=a&q=b"])(
    "%s is a 400 naming the parameter in every view",
    async (search) => {
      const param = search.slice(1).split("=")[0];
      const api = await get(listLoader, `/api/v1/signatories${search}`);
      const csv = await get(csvLoader, `/signatories.csv${search}`);
      for (const response of [api, csv]) {
        expect(response.status).toBe(400);
        expect((await response.json()).error.message).toContain(param);
      }
      await expect(directoryLoader(loaderArgs(`/signatories${search}`))).rejects.toMatchObject({ status: 400 });
    },
  );
});
