/** The horizontal grid lines and the value labels at the left, shared by the charts. */
export function YAxis({ chart }: { chart: { yTicks: { label: string; at: number }[]; left: number; right: number } }) {
  return (
    <>
      <g className="chart-grid">
        {chart.yTicks.map((t) => (
          <line key={t.label} x1={chart.left} x2={chart.right} y1={t.at} y2={t.at} />
        ))}
      </g>
      <g className="chart-axis" textAnchor="end">
        {chart.yTicks.map((t) => (
          <text key={t.label} x={chart.left - 6} y={t.at} dy="0.32em">
            {t.label}
          </text>
        ))}
      </g>
    </>
  );
}
