// The same directory on both engines (issue 7): in the PostgreSQL pass, a SQLite database
// is built beside the PostgreSQL test database, both are seeded the same way, and ~35
// directory queries (prefixes, accents, several words, filters, sorts, pages) must find
// the same signatories with the same totals on both; then again after 200 synthetic
// signatories are added to each. Relevance is ranked by different functions (FTS5's bm25,
// PostgreSQL's ts_rank), so a relevance-sorted page that is not the whole result may hold
// different members; for those the whole result is compared (every page), and the table
// says whether the order agreed too. In the SQLite pass there is nothing to compare with.
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { addSynthetic } from "~/modules/synth/generate.server";
import { openDatabase, type DB } from "~/modules/database/db.server";
import { prepareDatabase } from "~/modules/database/startup.server";
import { loadDirectory } from "~/modules/directory/load.server";
import { useSeededDatabase } from "../helpers/db";
import { describeOnPostgres } from "../helpers/engine";

const QUERIES = [
  "",
  "q=micro",
  "q=MICRO",
  "q=telefonica",
  "q=Telef%C3%B3nica",
  "q=TELEF%C3%93N",
  "q=tele",
  "q=secur",
  "q=juniper networks",
  "q=juniper",
  "q=f-secure",
  "q=hp inc",
  "q=united states",
  "q=finland telecom",
  "q=cloud secure",
  "q=hospitals banks",
  "q=xyzzy",
  "q=security&sort=name",
  "q=software&sort=-joined",
  "q=aster&country=US",
  "country=US",
  "country=US&country=FI&sort=-joined",
  "sector=security&sector=software",
  "pledge=paris-call",
  "pledge=paris-call&pledge=cyber-mercenaries",
  "joined=2018",
  "joined=2019-2021&sort=joined",
  "founding=1",
  "founding=0&sector=telecom",
  "status=withdrawn",
  "status=suspended",
  "status=all&sort=joined",
  "sort=-joined&page=2",
  "page=2&per_page=10",
  "page=3&per_page=7&sort=joined",
  "status=all&page=4&per_page=30",
] as const;

interface Answer {
  total: number;
  /** The requested page, in order. */
  page: string[];
  /** Every match (all pages of 100), in order. */
  all: string[];
  relevance: boolean;
  perPage: number;
}

async function ask(db: DB, query: string): Promise<Answer> {
  const url = new URL(`http://registry.test/signatories?${query}`);
  const first = await loadDirectory(db, url);
  if (!first.ok) throw new Error(`${query}: ${first.message}`);
  const all: string[] = [];
  for (let page = 1; ; page++) {
    const every = new URL(url);
    every.searchParams.set("per_page", "100");
    every.searchParams.set("page", String(page));
    const answer = await loadDirectory(db, every);
    if (!answer.ok) throw new Error(`${query}: ${answer.message}`);
    all.push(...answer.result.items.map((i) => i.slug));
    if (page >= answer.result.pages) break;
  }
  return {
    total: first.result.total,
    page: first.result.items.map((i) => i.slug),
    all,
    relevance: first.query.sort === "relevance",
    perPage: first.query.perPage,
  };
}

const sorted = (slugs: string[]) => [...slugs].sort();

/** A plain-text table the lead can quote (console.table colours its cells). */
function printTable(title: string, rows: Record<string, string | number>[]) {
  const columns = Object.keys(rows[0]);
  const width = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(width[i])).join(" | ")} |`;
  console.log(
    [title, line(columns), line(width.map((w) => "-".repeat(w))), ...rows.map((r) => line(columns.map((c) => String(r[c]))))].join("\n"),
  );
}

/** Runs every query on both engines; asserts equal totals and sets; returns the table rows. */
async function compareAll(sqlite: DB, postgres: DB) {
  const rows: Record<string, string | number>[] = [];
  for (const query of QUERIES) {
    const [s, p] = await Promise.all([ask(sqlite, query), ask(postgres, query)]);
    expect(p.total, `${query}: total`).toBe(s.total);
    expect(p.all.length, `${query}: every page adds up to the total`).toBe(p.total);
    expect(sorted(p.all), `${query}: the whole result`).toEqual(sorted(s.all));
    // A page is a slice of an order: comparable wherever the order is the same function.
    const pageComparable = !s.relevance || s.total <= s.perPage;
    if (pageComparable) expect(sorted(p.page), `${query}: the page`).toEqual(sorted(s.page));
    if (!s.relevance) expect(p.page, `${query}: the page's order`).toEqual(s.page);
    rows.push({
      query: query || "(none)",
      total: s.total,
      page: s.page.length,
      "same page": pageComparable ? "yes" : "whole result",
      "same set": "yes",
      "same order": JSON.stringify(p.all) === JSON.stringify(s.all) ? "yes" : s.relevance ? "no (ranking)" : "NO",
    });
  }
  return rows;
}

describeOnPostgres("the directory answers the same on SQLite and PostgreSQL", () => {
  const getDb = useSeededDatabase();
  const sqlitePath = join(tmpdir(), `accord-compare-${randomUUID()}.db`);
  let sqlite: DB;

  beforeAll(async () => {
    sqlite = openDatabase(sqlitePath);
    await prepareDatabase(sqlite, () => {});
  });

  afterAll(async () => {
    await sqlite?.destroy();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(sqlitePath + suffix, { force: true });
  });

  it("with the seeded accord (35 signatories): the same totals and result sets for every query", async () => {
    const rows = await compareAll(sqlite, getDb());
    printTable("Directory queries, SQLite vs PostgreSQL, seeded data (35 signatories):", rows);
    expect(rows).toHaveLength(QUERIES.length);
    // The comparison means something only if the queries find things.
    expect(rows.filter((r) => Number(r.total) > 0).length).toBeGreaterThan(QUERIES.length * 0.7);
  });

  it("with 200 synthetic signatories more on each: still the same", async () => {
    expect(await addSynthetic(sqlite, 200, { batch: 70 })).toBe(200);
    expect(await addSynthetic(getDb(), 200, { batch: 70 })).toBe(200);
    const rows = await compareAll(sqlite, getDb());
    printTable("Directory queries, SQLite vs PostgreSQL, seeded + 200 synthetic (235 signatories):", rows);
    const total = (query: string) => Number(rows.find((r) => r.query === query)?.total);
    expect(total("status=all&sort=joined")).toBe(235);
    expect(total("status=withdrawn")).toBeGreaterThan(0);
    expect(total("q=aster&country=US")).toBeGreaterThan(0);
  });
});
