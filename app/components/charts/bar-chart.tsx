import type { BarChartGeometry } from "./types";

/** Horizontal bars, each with its label above it, from server-computed geometry. */
export function BarChart({ chart, id, title }: { chart: BarChartGeometry; id: string; title: string }) {
  const valueY = chart.barDy + chart.barHeight / 2;
  return (
    <svg className="chart chart-bars" viewBox={`0 0 ${chart.width} ${chart.height}`} role="img" aria-labelledby={id} focusable="false">
      <title id={id}>{title}</title>
      {chart.rows.map((r) => (
        <g key={r.key} transform={`translate(0 ${r.y})`}>
          <text className="chart-label" x="0" y={chart.labelDy}>
            {r.label}
          </text>
          <rect className="chart-track" x="0" y={chart.barDy} width={chart.trackWidth} height={chart.barHeight} rx="2" />
          <rect className="chart-bar" x="0" y={chart.barDy} width={r.barWidth} height={chart.barHeight} rx="2" />
          <text className="chart-value" x={r.barWidth + 6} y={valueY} dy="0.35em">
            {r.display}
          </text>
        </g>
      ))}
    </svg>
  );
}
