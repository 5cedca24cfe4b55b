// Statistics and transparency through their real loaders, and the chart geometry the
// server computes for them.
import { beforeAll, describe, expect, it } from "vitest";
import type { ApplicationStatus } from "../../db/schema";
import { createSignatory } from "~/modules/directory/write.server";
import { barChart, columnChart, growthChart, largestWithOthers, lineChart } from "~/modules/opendata/charts.server";
import { median, percentile, quarterOf, yearsOfRecord } from "~/modules/opendata/stats.server";
import { loader as homeLoader } from "~/routes/_index";
import { loader as statsLoader } from "~/routes/stats";
import { loader as transparencyLoader } from "~/routes/transparency";
import { useSeededDatabase } from "../helpers/db";
import { addLaterSignatories } from "./opendata-fixtures";

const getDb = useSeededDatabase();

beforeAll(async () => {
  await addLaterSignatories(getDb());
  // Singapore is too small for a world map at 1:110m: it must still be counted somewhere visible.
  await getDb()
    .transaction()
    .execute((trx) =>
      createSignatory(trx, {
        name: "Lion City Cyber",
        website: "https://lioncity.example.sg",
        country: "SG",
        sector: "security",
        description: "A fictitious later joiner in Singapore.",
        joined_on: "2024-09-09",
        founding: false,
        pledges: [],
      }),
    );
});

describe("statistics page", () => {
  it("loads the contract's figures with chart geometry for each", async () => {
    const data = await statsLoader();
    // The 34 founders, Panda Security (seeded with its sources) and six later joiners.
    expect(data.totals).toEqual({ total: 41, active: 39, founding: 34, withdrawn: 1, suspended: 1 });
    expect(data.countries[0]).toMatchObject({ country: "US", count: 23, name: "United States of America" });
    expect(data.charts.growth.recorded.at(-1)!.label).toBe("41");
    expect(data.coverage.recorded).toBe(39);
    expect(data.coverage.latest).toMatchObject({ count: 150, qualifier: "more than", as_of: "2022-01-01", precision: "year" });
    // Eleven countries: the nine largest, then the other two together (the table has them all).
    expect(data.charts.countries.rows.map((r) => r.key)).toEqual([...data.countries.slice(0, 9).map((c) => c.country), "others"]);
    expect(data.charts.sectors.rows[0].label).toBe("Cybersecurity");
    expect(data.charts.pledges.rows).toHaveLength(7);
  });

  it("counts every country, Singapore too (a world map at this scale could not show it)", async () => {
    const { charts, countries } = await statsLoader();
    expect(countries.find((c) => c.country === "SG")).toMatchObject({ name: "Singapore", count: 1 });
    expect(charts.countries.rows[0]).toMatchObject({ key: "US", value: 23 });
    expect(charts.countries.rows.at(-1)).toMatchObject({ label: "2 other countries together", value: 2 });
  });

  it("sends strings and numbers to the page, never d3 objects", async () => {
    const data = await statsLoader();
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
  });

  it("puts the growth chart on the home page, over every year since the first join, with the published counts", async () => {
    const data = await homeLoader();
    const thisYear = new Date().getUTCFullYear();
    expect(data.growth.map((g) => g.year)).toEqual(Array.from({ length: thisYear - 2017 }, (_, i) => 2018 + i));
    expect(data.growthChart.recorded.map((p) => p.label)).toEqual(data.growth.filter((g) => g.recorded).map((g) => String(g.cumulative)));
    expect(data.growthChart.published).toHaveLength(6);
    expect(data.growthChart.recordedLines[0]).toMatch(/^M[\d.]+,[\d.]+L/);
  });

  it("counts the endorsements recorded here (a pledge with none would read 'not recorded here', see coverage.test.ts)", async () => {
    const data = await statsLoader();
    const paris = data.pledges.find((p) => p.code === "paris-call")!;
    const cvd = data.pledges.find((p) => p.code === "coordinated-vulnerability-disclosure")!;
    expect(paris.endorsements).toBe(1); // Zürich Données, a fixture
    expect(cvd.endorsements).toBe(1);
    // Every active signatory but Lion City Cyber, which the fixture gives no pledge.
    expect(data.pledges.find((p) => p.code === "stronger-defense")!.endorsements).toBe(38);
  });
});

describe("chart geometry", () => {
  it("columns stand on the baseline with heights in proportion to their values", () => {
    const chart = columnChart([
      { label: "2018", value: 34 },
      { label: "2019", value: 0 },
      { label: "2020", value: 17 },
    ]);
    const [a, b, c] = chart.columns;
    for (const col of chart.columns) expect(col.y + col.height).toBeCloseTo(chart.baseline, 0);
    expect(b.height).toBe(0);
    expect(c.height / a.height).toBeCloseTo(0.5, 1);
    expect(a.x).toBeLessThan(b.x);
    expect(chart.yTicks.every((t) => /^\d+$/.test(t.label))).toBe(true);
  });

  it("a line chart labels values only where they change, and at its ends", () => {
    const chart = lineChart([10, 10, 10, 12, 12].map((value, i) => ({ label: String(2018 + i), value })));
    expect(chart.points.filter((p) => p.showLabel).map((p) => p.label)).toEqual(["2018", "2021", "2022"]);
    expect(chart.area).toContain(`${chart.baseline}`);
  });

  it("the growth chart never bridges a year without a record, and hatches it", () => {
    const chart = growthChart({
      years: yearsOfRecord(
        [
          { year: 2018, joined: 35, last_on: "2018-09-01" },
          { year: 2021, joined: 1, last_on: "2021-06-01" },
          { year: 2022, joined: 2, last_on: "2022-03-01" },
        ],
        2023,
      ),
      published: [
        { as_of: "2018-04-17", precision: "day", count: 34, label: "34", qualified: false },
        { as_of: "2018-10-01", precision: "day", count: 61, label: "61", qualified: false },
        { as_of: "2022-01-01", precision: "year", count: 150, label: "150+", qualified: true },
      ],
    });
    expect(chart.recorded.map((p) => p.label)).toEqual(["35", "36", "38"]);
    // One line for 2021–2022; none from 2018 across 2019–2020.
    expect(chart.recordedLines).toHaveLength(1);
    expect(chart.unrecorded).toHaveLength(2);
    expect(chart.unrecorded[0].x).toBeGreaterThan(chart.recorded[0].x);
    expect(chart.published.map((p) => p.label)).toEqual(["34", "61", "150+"]);
    // Nothing is drawn on the zero line.
    expect([...chart.recorded, ...chart.published].every((p) => p.y < chart.baseline)).toBe(true);
  });

  it("bars are as long as their share of the largest, and a zero is no bar", () => {
    const chart = barChart([
      { key: "a", label: "A", value: 10 },
      { key: "b", label: "B", value: 5 },
      { key: "c", label: "C", value: 0 },
    ]);
    expect(chart.rows[1].barWidth * 2).toBeCloseTo(chart.rows[0].barWidth, 0);
    expect(chart.rows[2].barWidth).toBe(0);
    expect(chart.height).toBe(3 * 36);
  });

  it("past the limit, the largest bars and one for the others together, so the chart does not grow", () => {
    const items = Array.from({ length: 14 }, (_, i) => ({ key: `k${i}`, label: `L${i}`, value: 14 - i }));
    expect(largestWithOthers(items.slice(0, 10), 10, (n) => `${n} others`)).toEqual(items.slice(0, 10));
    const bars = largestWithOthers(items, 10, (n) => `${n} others`);
    expect(bars).toHaveLength(10);
    expect(bars.slice(0, 9)).toEqual(items.slice(0, 9));
    expect(bars[9]).toEqual({ key: "others", label: "5 others", value: 5 + 4 + 3 + 2 + 1 });
  });
});

describe("figures", () => {
  it("median and 90th percentile (nearest rank)", () => {
    expect(median([])).toBeNull();
    expect(median([4])).toBe(4);
    expect(median([2, 10])).toBe(6);
    expect(median([1, 2, 9])).toBe(2);
    expect(percentile([2, 10], 90)).toBe(10);
    expect(
      percentile(
        Array.from({ length: 10 }, (_, i) => i + 1),
        90,
      ),
    ).toBe(9);
    expect(percentile([7], 90)).toBe(7);
  });

  it("quarters and years of record", () => {
    expect(quarterOf("2025-01-01T00:00:00.000Z")).toBe("2025-Q1");
    expect(quarterOf("2025-06-30T23:59:59.000Z")).toBe("2025-Q2");
    expect(quarterOf("2025-10-01T00:00:00.000Z")).toBe("2025-Q4");
    // A year without a recorded join is "not recorded" (null), never 0 (decision 016).
    expect(
      yearsOfRecord(
        [
          { year: 2018, joined: 3, last_on: "2018-09-01" },
          { year: 2020, joined: 2, last_on: "2020-05-05" },
        ],
        2021,
      ),
    ).toEqual([
      { year: 2018, recorded: true, joined: 3, cumulative: 3, last_on: "2018-09-01" },
      { year: 2019, recorded: false, joined: null, cumulative: null, last_on: null },
      { year: 2020, recorded: true, joined: 2, cumulative: 5, last_on: "2020-05-05" },
      { year: 2021, recorded: false, joined: null, cumulative: null, last_on: null },
    ]);
    expect(yearsOfRecord([], 2025)).toEqual([]);
  });
});

describe("transparency", () => {
  const PERSONAL = ["Private Applicant Ltd", "jane.doe@private-applicant.example", "Jane Doe", "Head of Secrets", "198.51.100.23"];

  beforeAll(async () => {
    let n = 0;
    const application = (
      status: ApplicationStatus,
      created: string,
      verified: boolean,
      decided: string | null,
      updated = decided ?? created,
    ) => ({
      ref: `AR-TEST${String(++n).padStart(4, "0")}`,
      name: PERSONAL[0],
      name_key: "private applicant",
      website: "https://private-applicant.example",
      domain: `private-applicant-${n}.example`,
      country: "DE",
      sector: "security",
      description: "An application inserted directly by the transparency test.",
      contact_name: PERSONAL[2],
      contact_title: PERSONAL[3],
      contact_email: PERSONAL[1],
      status,
      verify_token_hash: "0".repeat(64),
      verify_expires_at: "2030-01-01T00:00:00.000Z",
      status_token_hash: "1".repeat(64),
      verified_at: verified ? created : null,
      decided_at: decided,
      decision_reason: decided ? "Test decision" : null,
      signatory_id: null,
      client_ip: PERSONAL[4],
      created_at: created,
      updated_at: updated,
    });
    await getDb()
      .insertInto("applications")
      .values([
        application("approved", "2025-01-01T10:00:00.000Z", true, "2025-01-03T10:00:00.000Z"), // 2 days
        application("rejected", "2025-01-10T00:00:00.000Z", true, "2025-01-20T00:00:00.000Z"), // 10 days
        application("withdrawn", "2025-02-01T00:00:00.000Z", true, null, "2025-02-05T00:00:00.000Z"),
        application("unverified", "2025-02-02T00:00:00.000Z", false, null), // never reached moderation
        application("approved", "2025-03-28T00:00:00.000Z", true, "2025-04-05T00:00:00.000Z"), // 8 days, decided in Q2
        application("approved", "2025-07-01T00:00:00.000Z", true, "2025-07-05T00:00:00.000Z"), // 4 days
        application("rejected", "2025-07-02T00:00:00.000Z", true, "2025-08-01T00:00:00.000Z"), // 30 days
        application("pending", "2025-08-01T00:00:00.000Z", true, null),
        application("changes_requested", "2025-08-02T00:00:00.000Z", true, null),
      ])
      .execute();
  });

  it("counts received, approved, rejected, withdrawn and days to decision by quarter, newest first", async () => {
    const data = await transparencyLoader();
    expect(data.quarters).toEqual([
      { quarter: "2025-Q3", received: 4, approved: 1, rejected: 1, withdrawn: 0, medianDays: 17, p90Days: 30 },
      { quarter: "2025-Q2", received: 0, approved: 1, rejected: 0, withdrawn: 0, medianDays: 8, p90Days: 8 },
      { quarter: "2025-Q1", received: 4, approved: 1, rejected: 1, withdrawn: 1, medianDays: 6, p90Days: 10 },
    ]);
    expect(data.total).toEqual({ received: 8, approved: 3, rejected: 2, withdrawn: 1, medianDays: 8, p90Days: 30 });
    expect(data.open).toBe(2);
  });

  it("carries no personal data: no name, e-mail, title or address of an applicant", async () => {
    const json = JSON.stringify(await transparencyLoader());
    for (const value of PERSONAL) expect(json).not.toContain(value);
    expect(json).not.toContain("AR-TEST");
  });
});
