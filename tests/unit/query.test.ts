import { describe, expect, it } from "vitest";
import { parseDirectoryQuery, type KnownCodes } from "~/modules/directory/query";
import { ftsQuery, searchWords } from "~/modules/directory/search-text";

const known: KnownCodes = {
  sectors: ["security", "software", "telecom"],
  pledges: ["stronger-defense", "paris-call"],
};
const parse = (search: string) => parseDirectoryQuery(new URLSearchParams(search), known);

function ok(search: string) {
  const result = parse(search);
  if (!result.ok) throw new Error(`expected ${search} to parse, got ${result.message}`);
  return result.query;
}

describe("directory query parameters", () => {
  it("defaults to active signatories by name, 25 a page", () => {
    expect(ok("")).toEqual({
      q: undefined,
      words: [],
      country: [],
      sector: [],
      pledge: [],
      joined: undefined,
      founding: undefined,
      status: "active",
      sort: "name",
      page: 1,
      perPage: 25,
    });
  });

  it.each([
    ["q=Trend%20Micro", { q: "Trend Micro", words: ["trend", "micro"], sort: "relevance" }],
    ["q=Telef%C3%B3nica", { words: ["telefonica"] }],
    ["q=%20%20cloud%20%20", { q: "cloud", words: ["cloud"] }],
    ["country=fi&country=SE", { country: ["FI", "SE"] }],
    ["country=FI&country=fi", { country: ["FI"] }],
    ["sector=security&sector=telecom", { sector: ["security", "telecom"] }],
    ["pledge=stronger-defense&pledge=paris-call", { pledge: ["stronger-defense", "paris-call"] }],
    ["joined=2018", { joined: { from: 2018, to: 2018 } }],
    ["joined=2018-2020", { joined: { from: 2018, to: 2020 } }],
    ["founding=1", { founding: true }],
    ["founding=0", { founding: false }],
    ["status=withdrawn", { status: "withdrawn" }],
    ["status=all", { status: "all" }],
    ["sort=-joined", { sort: "-joined" }],
    ["sort=joined&q=x", { sort: "joined" }],
    ["page=3&per_page=100", { page: 3, perPage: 100 }],
    ["per_page=1", { perPage: 1 }],
    // An untouched select in the GET form sends an empty value: that means "any".
    ["country=&sector=&joined=&founding=&status=&sort=&q=", { country: [], status: "active", sort: "name" }],
    // Parameters the directory does not know (tracking, Remix's own) are not its business.
    ["utm_source=mail&_data=routes", { status: "active" }],
  ])("accepts %s", (search, expected) => {
    expect(ok(search)).toMatchObject(expected);
  });

  it.each([
    ["country=XX", "country", "not an ISO 3166-1 alpha-2 code"],
    ["country=FIN", "country", "not an ISO 3166-1 alpha-2 code"],
    ["country=FI&country=ZZ", "country", "'ZZ'"],
    ["sector=banking", "sector", "not one of"],
    ["pledge=nothing", "pledge", "not one of"],
    ["joined=18", "joined", "a year"],
    ["joined=2020-2018", "joined", "earlier year"],
    ["joined=2018-", "joined", "a year"],
    ["founding=yes", "founding", "founding must be 1"],
    ["status=deleted", "status", "status must be one of"],
    ["sort=price", "sort", "sort must be one of"],
    ["page=0", "page", "at least 1"],
    ["page=-1", "page", "whole number"],
    ["page=1.5", "page", "whole number"],
    ["page=abc", "page", "whole number"],
    ["per_page=101", "per_page", "at most 100"],
    ["per_page=0", "per_page", "at least 1"],
    ["q=%21%21%21", "q", "letter or digit"],
    [`q=${"a".repeat(201)}`, "q", "at most 200"],
    ["q=a&q=b", "q", "only once"],
    ["page=1&page=2", "page", "only once"],
  ])("rejects %s naming %s", (search, param, message) => {
    const result = parse(search);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.param).toBe(param);
    expect(result.message).toContain(param);
    expect(result.message).toContain(message);
  });
});

describe("search words", () => {
  it("folds case and accents and splits on anything but letters and digits", () => {
    expect(searchWords("Telefónica S.A.")).toEqual(["telefonica", "s", "a"]);
    expect(searchWords("F-Secure")).toEqual(["f", "secure"]);
    expect(searchWords("  ")).toEqual([]);
    expect(searchWords("ÅBO Ünïcödé")).toEqual(["abo", "unicode"]);
  });

  it("keeps at most twelve words", () => {
    expect(searchWords("a b c d e f g h i j k l m n")).toHaveLength(12);
  });

  it("builds an FTS5 query that ANDs every word as a prefix", () => {
    expect(ftsQuery(["trend", "micro"])).toBe('"trend"* "micro"*');
  });

  it("cannot smuggle FTS5 syntax through a search", () => {
    const words = searchWords('name:"x" OR NEAR(a b) * ^y');
    expect(words.join(" ")).toMatch(/^[a-z0-9 ]+$/);
    expect(ftsQuery(words)).not.toMatch(/[:^()]/);
  });
});
