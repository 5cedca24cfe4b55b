import { Link } from "@remix-run/react";

/** The figures beside a chart: one linked row per item with its count. */
export function CountTable({
  caption,
  itemHeading,
  rows,
}: {
  caption: string;
  itemHeading: string;
  rows: { key: string; label: string; to: string; count: number }[];
}) {
  return (
    <table className="table data-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{itemHeading}</th>
          <th scope="col" className="num">
            Signatories
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <th scope="row">
              <Link to={row.to}>{row.label}</Link>
            </th>
            <td className="num">{row.count}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
