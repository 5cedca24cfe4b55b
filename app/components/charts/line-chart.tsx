import type { LineChartGeometry } from "./types";
import { YAxis } from "./y-axis";

/** A line over a shaded area (cumulative growth), from server-computed geometry. */
export function LineChart({ chart, id, title }: { chart: LineChartGeometry; id: string; title: string }) {
  const every = Math.max(1, Math.ceil(chart.points.length / 10));
  return (
    <svg className="chart chart-line" viewBox={`0 0 ${chart.width} ${chart.height}`} role="img" aria-labelledby={id} focusable="false">
      <title id={id}>{title}</title>
      <YAxis chart={chart} />
      <path className="chart-area" d={chart.area} />
      <path className="chart-stroke" d={chart.line} />
      <line className="chart-baseline" x1={chart.left} x2={chart.right} y1={chart.baseline} y2={chart.baseline} />
      <g className="chart-points">
        {chart.points.map((p) => (
          <circle key={p.label} cx={p.x} cy={p.y} r="3.5" />
        ))}
      </g>
      <g className="chart-values" textAnchor="middle">
        {chart.points
          .filter((p) => p.showLabel)
          .map((p) => (
            <text key={p.label} x={p.x} y={p.y - 9}>
              {p.value.toLocaleString("en-GB")}
            </text>
          ))}
      </g>
      <g className="chart-axis" textAnchor="middle">
        {chart.points.map((p, i) =>
          (chart.points.length - 1 - i) % every === 0 ? (
            <text key={p.label} x={p.x} y={chart.baseline + 18}>
              {p.label}
            </text>
          ) : null,
        )}
      </g>
    </svg>
  );
}
