import type { GrowthChartGeometry } from "./types";
import { YAxis } from "./y-axis";

/**
 * The registry's cumulative count (circles, a line within runs of recorded years) beside
 * the accord's published counts (diamonds), with the years that have no recorded join
 * hatched "not recorded here". The figures and sources are in the tables beside it.
 */
export function GrowthChart({ chart, id, title }: { chart: GrowthChartGeometry; id: string; title: string }) {
  const hatch = `${id}-hatch`;
  const plotHeight = chart.baseline - chart.top;
  return (
    <svg className="chart chart-growth" viewBox={`0 0 ${chart.width} ${chart.height}`} role="img" aria-labelledby={id} focusable="false">
      <title id={id}>{title}</title>
      <defs>
        <pattern id={hatch} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <line x1="0" y1="0" x2="0" y2="6" className="chart-hatch-line" />
        </pattern>
      </defs>
      <YAxis chart={chart} />
      <g className="chart-unrecorded">
        {chart.unrecorded.map((u) => (
          <g key={u.x}>
            <rect x={u.x} y={chart.top} width={u.width} height={plotHeight} fill={`url(#${hatch})`} />
            {u.vertical ? (
              <text
                x={u.x + u.width / 2}
                y={chart.top + plotHeight / 2}
                textAnchor="middle"
                transform={`rotate(-90 ${u.x + u.width / 2} ${chart.top + plotHeight / 2})`}
                dy="0.32em"
              >
                {u.label}
              </text>
            ) : (
              <text x={u.x + u.width / 2} y={chart.top + plotHeight / 2} textAnchor="middle" dy="0.32em">
                {u.label}
              </text>
            )}
          </g>
        ))}
      </g>
      <line className="chart-baseline" x1={chart.left} x2={chart.right} y1={chart.baseline} y2={chart.baseline} />
      {chart.recordedLines.map((d) => (
        <path key={d} className="chart-stroke" d={d} />
      ))}
      <g className="chart-published">
        {chart.published.map((p) => (
          <path key={p.key} d={`M${p.x} ${p.y - 6}l6 6l-6 6l-6 -6z`} className={p.qualified ? "qualified" : undefined} />
        ))}
      </g>
      <g className="chart-points">
        {chart.recorded.map((p) => (
          <circle key={p.key} cx={p.x} cy={p.y} r="4" />
        ))}
      </g>
      <g className="chart-values" textAnchor="middle">
        {chart.published
          .filter((p) => p.label)
          .map((p) => (
            <text key={p.key} x={p.x} y={p.y - 10} className="chart-published-value">
              {p.label}
            </text>
          ))}
        {chart.recorded.map((p) => (
          <text key={p.key} x={p.x} y={p.y + 18}>
            {p.label}
          </text>
        ))}
      </g>
      <g className="chart-axis" textAnchor="middle">
        {chart.years.map((y) => (
          <text key={y.label} x={y.x} y={chart.baseline + 18}>
            {y.label}
          </text>
        ))}
      </g>
    </svg>
  );
}
