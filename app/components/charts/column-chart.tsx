import type { ColumnChartGeometry } from "./types";
import { YAxis } from "./y-axis";

/** Vertical columns drawn from server-computed geometry. The accessible name is `title`;
 * the figures themselves belong in a table beside the chart. A column that is not
 * recorded (no figure exists, which is not 0) is hatched, without a value. */
export function ColumnChart({ chart, id, title }: { chart: ColumnChartGeometry; id: string; title: string }) {
  const hatch = `${id}-hatch`;
  const unrecorded = chart.columns.filter((c) => !c.recorded);
  return (
    <svg className="chart chart-columns" viewBox={`0 0 ${chart.width} ${chart.height}`} role="img" aria-labelledby={id} focusable="false">
      <title id={id}>{title}</title>
      {unrecorded.length > 0 ? (
        <defs>
          <pattern id={hatch} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <line x1="0" y1="0" x2="0" y2="6" className="chart-hatch-line" />
          </pattern>
        </defs>
      ) : null}
      <YAxis chart={chart} />
      <g className="chart-unrecorded">
        {unrecorded.map((c) => (
          <rect key={c.label} x={c.x} y={chart.top} width={c.width} height={chart.baseline - chart.top} fill={`url(#${hatch})`} />
        ))}
      </g>
      <g className="chart-marks">
        {chart.columns
          .filter((c) => c.recorded)
          .map((c) => (
            <rect key={c.label} x={c.x} y={c.y} width={c.width} height={c.height} rx="2" />
          ))}
      </g>
      {chart.showValues ? (
        <g className="chart-values" textAnchor="middle">
          {chart.columns
            .filter((c) => c.recorded)
            .map((c) => (
              <text key={c.label} x={c.x + c.width / 2} y={c.y - 6}>
                {c.value}
              </text>
            ))}
        </g>
      ) : null}
      <line className="chart-baseline" x1={chart.left} x2={chart.right} y1={chart.baseline} y2={chart.baseline} />
      <g className="chart-axis" textAnchor="middle">
        {chart.columns
          .filter((c) => c.showLabel)
          .map((c) => (
            <text key={c.label} x={c.x + c.width / 2} y={chart.baseline + 18}>
              {c.label}
            </text>
          ))}
      </g>
    </svg>
  );
}
