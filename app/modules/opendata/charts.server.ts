// Chart geometry for the statistics: scales, shapes and the world map are computed here,
// on the server, and only strings and numbers go to the page (app/components/charts).
// The charts then show without JavaScript, and the browser bundle carries no d3 and no
// atlas.
import { geoEqualEarth, geoPath, type GeoContext } from "d3-geo";
import { scaleBand, scaleLinear } from "d3-scale";
import { area, line } from "d3-shape";
import countries from "i18n-iso-countries";
import type { Feature, FeatureCollection, Geometry } from "geojson";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import atlasJson from "world-atlas/countries-110m.json";
import type {
  AxisTick,
  BarChartGeometry,
  ColumnChartGeometry,
  GrowthChartGeometry,
  LineChartGeometry,
  WorldMapGeometry,
} from "~/components/charts/types";
import { countryName } from "~/modules/countries";

const round = (n: number) => Math.round(n * 10) / 10;

/** Whole-number ticks of a count axis (counts are never fractional). */
function countTicks(y: (n: number) => number, ticks: number[]): AxisTick[] {
  return ticks.filter(Number.isInteger).map((t) => ({ label: t.toLocaleString("en-GB"), at: round(y(t)) }));
}

/** Vertical bars, one per label (joins per year). */
// Sizes in viewBox units, chosen near the width a chart is drawn at on a phone (about
// 360 px) and on a wide screen (capped in opendata.css), so 12-unit text stays readable.
export function columnChart(data: { label: string; value: number; recorded?: boolean }[]): ColumnChartGeometry {
  const width = 420;
  const height = 220;
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
  // Year labels need about 36 units each; when the columns are closer, every n-th.
  const labelEvery = Math.max(1, Math.ceil(36 / x.step()));
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
  const width = 420;
  const height = 220;
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
  const width = 420;
  const height = 240;
  const margin = { top: 24, right: 16, bottom: 28, left: 40 };
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
    unrecorded.push({
      x: round(x0),
      width: round(bandWidth),
      label: bandWidth >= 110 ? "no join recorded here" : "not recorded",
      vertical: bandWidth < 110,
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
  for (let i = 0; i < published.length;) {
    let j = i;
    while (j + 1 < published.length && published[j + 1].x - published[j].x < 26) j++;
    const cluster = published.slice(i, j + 1);
    const top = cluster.reduce((best, p) => (p.count > best.count ? p : best), cluster[0]);
    for (const p of cluster) if (p !== top) p.label = null;
    i = j + 1;
  }

  const years = [];
  const every = Math.max(1, Math.ceil((last - first + 1) / 9));
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

const BAR_VALUE_ROOM = 48;

/** Horizontal bars with the label above each bar, readable on a phone (countries, sectors, pledges). */
export function barChart(data: { key: string; label: string; value: number; display?: string }[]): BarChartGeometry {
  const width = 400;
  const rowHeight = 40;
  const max = Math.max(1, ...data.map((d) => d.value));
  // Room on the right for the value printed after the longest bar.
  const x = scaleLinear()
    .domain([0, max])
    .range([0, width - BAR_VALUE_ROOM]);
  return {
    width,
    height: Math.max(rowHeight, data.length * rowHeight),
    trackWidth: width - BAR_VALUE_ROOM,
    labelDy: 15,
    barDy: 21,
    barHeight: 14,
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

// The atlas (Natural Earth 1:110m) names countries by ISO 3166-1 numeric code.
const atlas = atlasJson as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
const ANTARCTICA = "010";
let projected: { code: string; d: string }[] | undefined;
const MAP_WIDTH = 720;
const MAP_HEIGHT = 350;

/**
 * A path context that writes integer, relative coordinates and drops repeated points:
 * at this size nothing finer shows, and the paths shrink to about a third.
 */
class CompactPath implements GeoContext {
  private out = "";
  private x = 0;
  private y = 0;
  moveTo(x: number, y: number) {
    this.x = Math.round(x);
    this.y = Math.round(y);
    this.out += `M${this.x} ${this.y}`;
  }
  lineTo(x: number, y: number) {
    const nx = Math.round(x);
    const ny = Math.round(y);
    if (nx === this.x && ny === this.y) return;
    const dy = ny - this.y;
    this.out += `l${nx - this.x}${dy < 0 ? "" : " "}${dy}`;
    this.x = nx;
    this.y = ny;
  }
  closePath() {
    this.out += "z";
  }
  beginPath() {}
  arc() {}
  result() {
    return this.out;
  }
}

function countryPaths(): { code: string; d: string }[] {
  if (projected) return projected;
  const collection = feature(atlas, atlas.objects.countries) as FeatureCollection<Geometry, { name: string }>;
  const features = collection.features.filter((f) => f.id !== ANTARCTICA);
  const projection = geoEqualEarth().fitSize([MAP_WIDTH, MAP_HEIGHT], { type: "FeatureCollection", features });
  projected = features.flatMap((f: Feature<Geometry, { name: string }>) => {
    // A few territories (Kosovo, Somaliland, N. Cyprus) have no ISO code in the atlas.
    const code = f.id === undefined ? undefined : countries.numericToAlpha2(String(f.id));
    if (!code) return [];
    const context = new CompactPath();
    geoPath(projection, context)(f);
    return [{ code, d: context.result() }];
  });
  return projected;
}

/** Classes of the map's shading: exact counts up to 5, else five even ranges up to the maximum. */
function classes(max: number): { level: number; from: number; to: number }[] {
  if (max <= 5) return Array.from({ length: max }, (_, i) => ({ level: i + 1, from: i + 1, to: i + 1 }));
  const edges = [0, 1, 2, 3, 4, 5].map((k) => Math.round((k * max) / 5));
  return edges.slice(1).map((to, i) => ({ level: i + 1, from: edges[i] + 1, to }));
}

/** A world map shaded by the number of signatories headquartered in each country. */
export function worldMap(byCountry: { country: string; count: number }[]): WorldMapGeometry {
  const counts = new Map(byCountry.map((c) => [c.country, c.count]));
  const max = Math.max(0, ...counts.values());
  const bins = classes(max);
  const levelOf = (count: number) => (count === 0 ? 0 : (bins.find((b) => count <= b.to)?.level ?? bins.length));
  const paths = countryPaths();
  const drawn = new Set(paths.map((p) => p.code));
  return {
    width: MAP_WIDTH,
    height: MAP_HEIGHT,
    countries: paths.map((p) => {
      const count = counts.get(p.code) ?? 0;
      return { code: p.code, name: countryName(p.code), d: p.d, count, level: levelOf(count) };
    }),
    legend: [
      { level: 0, label: "none" },
      ...bins.map((b) => ({ level: b.level, label: b.from === b.to ? String(b.from) : `${b.from}–${b.to}` })),
    ],
    unmapped: byCountry
      .filter((c) => c.count > 0 && !drawn.has(c.country))
      .map((c) => ({ code: c.country, name: countryName(c.country), count: c.count })),
  };
}
