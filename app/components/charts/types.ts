// Chart geometry, computed on the server (app/modules/opendata/charts.server.ts, with
// d3-scale and d3-shape) and drawn by the components beside this file. Only strings and
// numbers cross to the browser, so d3 never reaches it.

export interface AxisTick {
  label: string;
  /** Position along the axis, in the chart's viewBox units. */
  at: number;
}

export interface ColumnChartGeometry {
  width: number;
  height: number;
  /** y of the zero line. */
  baseline: number;
  left: number;
  right: number;
  yTicks: AxisTick[];
  /** False when the columns are too narrow to print their values above them. */
  showValues: boolean;
  columns: { label: string; value: number; x: number; y: number; width: number; height: number; showLabel: boolean; recorded: boolean }[];
  /** Top of the plot: where a "not recorded" column's hatching starts. */
  top: number;
}

/** The registry's own count beside the accord's published counts, over time (issue 13). */
export interface GrowthChartGeometry {
  width: number;
  height: number;
  baseline: number;
  top: number;
  left: number;
  right: number;
  yTicks: AxisTick[];
  /** Year labels along the bottom. */
  years: { label: string; x: number }[];
  /** Runs of years without a recorded join: hatched, labelled "not recorded here". */
  unrecorded: { x: number; width: number; label: string; vertical: boolean }[];
  /** The registry's cumulative count: one path per run of recorded years (never across a gap). */
  recordedLines: string[];
  recorded: { key: string; x: number; y: number; label: string }[];
  /** The published counts, each a point (a diamond) at its date. */
  published: { key: string; x: number; y: number; label: string | null; qualified: boolean }[];
}

export interface LineChartGeometry {
  width: number;
  height: number;
  baseline: number;
  left: number;
  right: number;
  /** SVG path data. */
  line: string;
  area: string;
  yTicks: AxisTick[];
  points: { label: string; value: number; x: number; y: number; showLabel: boolean }[];
}

export interface BarChartGeometry {
  width: number;
  height: number;
  /** `display`: the value as printed, when it is not the number (a count nobody recorded). */
  rows: { key: string; label: string; value: number; display: string; y: number; barWidth: number }[];
  /** Length of a bar at the largest value (the track drawn behind every bar). */
  trackWidth: number;
  /** Layout of every row (relative to its y). */
  labelDy: number;
  barDy: number;
  barHeight: number;
}
