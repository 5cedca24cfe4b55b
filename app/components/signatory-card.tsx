import { Link } from "@remix-run/react";
import { formatDateAt, isoAt } from "~/utils/format";
import { SignatoryLogo } from "./signatory-logo";
import { StatusBadge } from "./status-badge";

export interface CardSignatory {
  slug: string;
  name: string;
  country_name: string;
  sector_name: string;
  description: string;
  joined_on: string;
  /** How precisely joined_on is known: shown as "September 2018", never a made-up day. */
  joined_precision?: "day" | "month" | "year";
  founding: boolean;
  status: "active" | "withdrawn" | "suspended";
  pledge_count: number;
  /** The logo's hash; null or absent: the card shows a monogram. */
  logo?: string | null;
}

export function SignatoryCard({ signatory: s }: { signatory: CardSignatory }) {
  return (
    <article className="card" aria-labelledby={`sig-${s.slug}`}>
      <div className="card-head">
        <SignatoryLogo slug={s.slug} name={s.name} logo={s.logo ?? null} />
        <h3 id={`sig-${s.slug}`} className="card-title">
          <Link to={`/signatories/${s.slug}`}>{s.name}</Link>
        </h3>
      </div>
      <p className="card-meta">
        <span>{s.country_name}</span>
        <span aria-hidden="true"> · </span>
        <span>{s.sector_name}</span>
      </p>
      <p className="card-description">{s.description}</p>
      <p className="card-footer">
        <span>
          Joined{" "}
          <time dateTime={isoAt(s.joined_on, s.joined_precision ?? "day")}>{formatDateAt(s.joined_on, s.joined_precision ?? "day")}</time>
        </span>
        {s.founding ? <span className="badge badge-founding">Founding signatory</span> : null}
        {s.status !== "active" ? <StatusBadge status={s.status} /> : null}
        <span className="card-pledges">
          {s.pledge_count} {s.pledge_count === 1 ? "pledge" : "pledges"}
        </span>
      </p>
    </article>
  );
}
