// Chart geometry for the statistics: scales and shapes are computed here, on the server,
// and only strings and numbers go to the page (app/components/charts). The charts then
// show without JavaScript, and the browser bundle carries no d3.
//
// Every chart is CHART_WIDTH viewBox units wide, about the width it is drawn at on a phone
// (358 px at 390 px wide), and its text is 13 units (opendata.css): an SVG's text scales
// with its drawn width, so this keeps chart text at 12 px or more on a 390 px screen
// (checked in Chromium by tests/e2e/stats-layout.test.ts). Wider screens cap each chart's
// width in CSS, so its text stays text-sized there too. There is no world map any more
// (decision 022): with most countries holding one or two signatories, the bars answer
// "where are they based" better, at every width.
import { scaleBand, scaleLinear } from "d3-scale";
import { area, line } from "d3-shape";
import type { AxisTick, BarChartGeometry, ColumnChartGeometry, GrowthChartGeometry, LineChartGeometry } from "~/components/charts/types";

/** The width of every chart's viewBox (see above). */
export const CHART_WIDTH = 340;

const round = (n: number) => Math.round(n * 10) / 10;

/** Whole-number ticks of a count axis (counts are never fractional). */
function countTicks(y: (n: number) => number, ticks: number[]): AxisTick[] {
  return ticks.filter(Number.isInteger).map((t) => ({ label: t.toLocaleString("en-GB"), at: round(y(t)) }));
}

/** Vertical bars, one per label. */
export function columnChart(data: { label: string; value: number; recorded?: boolean }[]): ColumnChartGeometry {
  const width = CHART_WIDTH;
  const height = 200;
  const margin = { top: 24, right: 8, bottom: 28, left: 36 };
  const max = Math.max(1, ...data.map((d) => d.value));
  const y = scaleLinear()
    .domain([0, max])
    .nice(4)
    .range([height - margin.bottom, margin.top]);
  const x = scaleBand<string>()
    .domain(data.map((d) => d.label))
    .range([margin.left, width - margin.right])
    .paddingInner(0.25)
    .paddingOuter(0.15);
  const bandwidth = Math.min(x.bandwidth(), 64);
  // Year labels need about 40 units each; when the columns are closer, every n-th.
  const labelEvery = Math.max(1, Math.ceil(40 / x.step()));
  return {
    width,
    height,
    baseline: round(y(0)),
    top: margin.top,
    left: margin.left,
    right: width - margin.right,
    yTicks: countTicks(y, y.ticks(4)),
    showValues: bandwidth >= 22,
    columns: data.map((d, i) => {
      const top = y(d.value);
      return {
        label: d.label,
        value: d.value,
        x: round((x(d.label) ?? 0) + (x.bandwidth() - bandwidth) / 2),
        y: round(top),
        width: round(bandwidth),
        height: round(y(0) - top),
        showLabel: (data.length - 1 - i) % labelEvery === 0,
        recorded: d.recorded ?? true,
      };
    }),
  };
}

/** A line with the area under it (cumulative growth). */
export function lineChart(data: { label: string; value: number }[]): LineChartGeometry {
  const width = CHART_WIDTH;
  const height = 200;
  const margin = { top: 24, right: 20, bottom: 28, left: 36 };
  const max = Math.max(1, ...data.map((d) => d.value));
  const y = scaleLinear()
    .domain([0, max])
    .nice(4)
    .range([height - margin.bottom, margin.top]);
  const x = scaleLinear()
    .domain([0, Math.max(1, data.length - 1)])
    .range(data.length > 1 ? [margin.left + 12, width - margin.right] : [(width + margin.left) / 2, (width + margin.left) / 2]);
  const points = data.map((d, i) => ({ ...d, x: round(x(i)), y: round(y(d.value)) }));
  const toLine = line<(typeof points)[number]>(
    (p) => p.x,
    (p) => p.y,
  ).digits(1);
  const toArea = area<(typeof points)[number]>(
    (p) => p.x,
    y(0),
    (p) => p.y,
  ).digits(1);
  return {
    width,
    height,
    baseline: round(y(0)),
    left: margin.left,
    right: width - margin.right,
    line: toLine(points) ?? "",
    area: toArea(points) ?? "",
    yTicks: countTicks(y, y.ticks(4)),
    // Value labels where the line changes, and at its end, so equal years do not repeat.
    points: points.map((p, i) => ({
      ...p,
      showLabel: i === points.length - 1 || i === 0 || p.value !== points[i - 1].value,
    })),
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;
const dayNumber = (isoDay: string) => Date.parse(`${isoDay}T00:00:00Z`) / DAY_MS;
/** Where a date of this precision sits on a time axis: the middle of its month or year. */
function datePosition(isoDay: string, precision: "day" | "month" | "year"): number {
  if (precision === "day") return dayNumber(isoDay);
  const year = Number(isoDay.slice(0, 4));
  const month = Number(isoDay.slice(5, 7));
  const [start, end] =
    precision === "year"
      ? [`${year}-01-01`, `${year + 1}-01-01`]
      : [isoDay, month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, "0")}-01`];
  return (dayNumber(start) + dayNumber(end)) / 2;
}

/**
 * The registry's cumulative count, year by year where it records joins, beside the
 * accord's published counts as points at their dates. Years without a recorded join are
 * hatched "not recorded here": the line never runs across them, and nothing is drawn at 0.
 */
export function growthChart(input: {
  years: { year: number; recorded: boolean; cumulative: number | null; last_on: string | null }[];
  published: { as_of: string; precision: "day" | "month" | "year"; count: number; label: string; qualified: boolean }[];
}): GrowthChartGeometry {
  const width = CHART_WIDTH;
  const height = 220;
  const margin = { top: 24, right: 14, bottom: 28, left: 36 };
  const first = input.years[0]?.year ?? Number((input.published[0]?.as_of ?? "2018").slice(0, 4));
  const last = input.years.at(-1)?.year ?? first;
  const startOfYear = (year: number) => dayNumber(`${year}-01-01`);
  const x = scaleLinear()
    .domain([startOfYear(first), startOfYear(last + 1)])
    .range([margin.left, width - margin.right]);
  const max = Math.max(1, ...input.years.map((y) => y.cumulative ?? 0), ...input.published.map((p) => p.count));
  const y = scaleLinear()
    .domain([0, max])
    .nice(4)
    .range([height - margin.bottom, margin.top]);

  const unrecorded: GrowthChartGeometry["unrecorded"] = [];
  for (let i = 0; i < input.years.length; i++) {
    if (input.years[i].recorded) continue;
    let j = i;
    while (j + 1 < input.years.length && !input.years[j + 1].recorded) j++;
    const from = input.years[i].year;
    const to = input.years[j].year;
    const x0 = x(startOfYear(from));
    const bandWidth = x(startOfYear(to + 1)) - x0;
    // 13-unit text: "not recorded here" needs about 115 units across, "not recorded" 80 upright.
    unrecorded.push({
      x: round(x0),
      width: round(bandWidth),
      label: bandWidth >= 130 ? "not recorded here" : "not recorded",
      vertical: bandWidth < 130,
    });
    i = j;
  }

  // One path per run of consecutive recorded years: a gap is never bridged.
  const recordedLines: string[] = [];
  let run: [number, number][] = [];
  const points: GrowthChartGeometry["recorded"] = [];
  for (const year of input.years) {
    if (!year.recorded || year.cumulative === null) {
      if (run.length > 1) recordedLines.push(line()(run) ?? "");
      run = [];
      continue;
    }
    const px = round(x(dayNumber(year.last_on ?? `${year.year}-12-31`)));
    const py = round(y(year.cumulative));
    run.push([px, py]);
    points.push({ key: String(year.year), x: px, y: py, label: year.cumulative.toLocaleString("en-GB") });
  }
  if (run.length > 1) recordedLines.push(line()(run) ?? "");

  // Published points close together (four in autumn 2018) share one label: the highest.
  const published = input.published.map((p, i) => ({
    key: `${p.as_of}-${i}`,
    x: round(x(datePosition(p.as_of, p.precision))),
    y: round(y(p.count)),
    count: p.count,
    label: p.label as string | null,
    qualified: p.qualified,
  }));
  // Two labels collide when their centres are closer than half their widths together
  // (13-unit figures are about 7.5 units wide each) plus a little air.
  const labelWidth = (p: { label: string | null }) => (p.label ?? "").length * 7.5;
  const collide = (a: (typeof published)[number], b: (typeof published)[number]) => b.x - a.x < (labelWidth(a) + labelWidth(b)) / 2 + 4;
  for (let i = 0; i < published.length;) {
    let j = i;
    while (j + 1 < published.length && collide(published[j], published[j + 1])) j++;
    const cluster = published.slice(i, j + 1);
    const top = cluster.reduce((best, p) => (p.count > best.count ? p : best), cluster[0]);
    for (const p of cluster) if (p !== top) p.label = null;
    i = j + 1;
  }

  // A year label ("2018") needs about 40 units; closer years are labelled every n-th.
  const years = [];
  const yearWidth = (width - margin.right - margin.left) / (last - first + 1);
  const every = Math.max(1, Math.ceil(40 / yearWidth));
  for (let year = first; year <= last; year++) {
    if ((last - year) % every === 0) years.push({ label: String(year), x: round(x(startOfYear(year) + 182.5)) });
  }
  return {
    width,
    height,
    baseline: round(y(0)),
    top: margin.top,
    left: margin.left,
    right: width - margin.right,
    yTicks: countTicks(y, y.ticks(4)),
    years,
    unrecorded,
    recordedLines,
    recorded: points,
    published: published.map(({ count: _count, ...p }) => p),
  };
}

const BAR_VALUE_ROOM = 36;

/** Horizontal bars with the label above each bar, readable on a phone (countries, sectors, pledges). */
export function barChart(data: { key: string; label: string; value: number; display?: string }[]): BarChartGeometry {
  const width = CHART_WIDTH;
  const rowHeight = 36;
  const max = Math.max(1, ...data.map((d) => d.value));
  // Room on the right for the value printed after the longest bar.
  const x = scaleLinear()
    .domain([0, max])
    .range([0, width - BAR_VALUE_ROOM]);
  return {
    width,
    height: Math.max(rowHeight, data.length * rowHeight),
    trackWidth: width - BAR_VALUE_ROOM,
    labelDy: 14,
    barDy: 20,
    barHeight: 12,
    rows: data.map((d, i) => ({
      key: d.key,
      label: d.label,
      value: d.value,
      display: d.display ?? d.value.toLocaleString("en-GB"),
      y: i * rowHeight,
      barWidth: round(Math.max(d.value > 0 ? 2 : 0, x(d.value))),
    })),
  };
}

/**
 * The largest `limit - 1` items and one more bar for all the others together, when there
 * are more than `limit` (a table beside the chart lists every item). Bars grow with their
 * number, unlike a map; this keeps the chart the same height however many countries join.
 */
export function largestWithOthers(
  items: { key: string; label: string; value: number }[],
  limit: number,
  others: (count: number) => string,
): { key: string; label: string; value: number }[] {
  if (items.length <= limit) return items;
  const sorted = [...items].sort((a, b) => b.value - a.value);
  const rest = sorted.slice(limit - 1);
  return [
    ...sorted.slice(0, limit - 1),
    { key: "others", label: others(rest.length), value: rest.reduce((sum, item) => sum + item.value, 0) },
  ];
}
