// One signatory as a compact row of the directory (issue 14): logo or monogram, name, the
// facts to scan by (country, sector, when it joined, its status when not active) and, for a
// search, why it matched: the matched words marked in the name, the facts, or a snippet of
// the description. Nothing repeated on every row that says nothing (no pledge counts).
import { Link } from "@remix-run/react";
import { Highlight, matches, snippet } from "~/components/highlight";
import { displayHost, formatDateAt, isoAt } from "~/utils/format";
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
  /** The signatory's website: shown only when a search matched it and nothing else shown. */
  website?: string;
  /** The logo's hash; null or absent: the row shows a monogram. */
  logo?: string | null;
}

interface Props {
  signatory: CardSignatory;
  /** The search's words (folded, as DirectoryQuery.words): their matches are marked. */
  words?: readonly string[];
}

export function SignatoryCard({ signatory: s, words = [] }: Props) {
  const precision = s.joined_precision ?? "day";
  // Where each search word was found among what the row shows; the others are explained.
  const shown = [s.name, s.country_name, s.sector_name, s.description].join(" ");
  const elsewhere = words.filter((w) => !matches(shown, [w]));
  const host = s.website ? displayHost(s.website) : "";
  const inWebsite = elsewhere.filter((w) => matches(host, [w]));
  const inRecord = elsewhere.filter((w) => !inWebsite.includes(w));
  return (
    <article className="result" aria-labelledby={`sig-${s.slug}`}>
      <SignatoryLogo slug={s.slug} name={s.name} logo={s.logo ?? null} />
      <div className="result-body">
        <h3 id={`sig-${s.slug}`} className="result-name">
          {/* Marked, the name keeps its plain form as the link's name: screen readers that
              announce highlights would otherwise split it ("Micro", "soft"). */}
          <Link to={`/signatories/${s.slug}`} aria-label={words.length > 0 && matches(s.name, words) ? s.name : undefined}>
            <Highlight text={s.name} words={words} />
          </Link>
        </h3>
        <p className="result-facts">
          <span className="result-country">
            <Highlight text={s.country_name} words={words} />
          </span>
          <span className="result-sector">
            <Highlight text={s.sector_name} words={words} />
          </span>
          <span className="result-joined">
            <span className="result-joined-label">Joined </span>
            <time dateTime={isoAt(s.joined_on, precision)}>{formatDateAt(s.joined_on, precision)}</time>
            {s.founding ? <span className="result-founding"> · founding</span> : null}
            {s.status !== "active" ? (
              <>
                {" "}
                <StatusBadge status={s.status} />
              </>
            ) : null}
          </span>
        </p>
        {words.length > 0 && matches(s.description, words) ? (
          <p className="result-snippet">
            <Highlight text={snippet(s.description, words)} words={words} />
          </p>
        ) : null}
        {inWebsite.length > 0 ? (
          <p className="result-snippet">
            Website: <Highlight text={host} words={inWebsite} />
          </p>
        ) : null}
        {inRecord.length > 0 ? (
          <p className="result-snippet">{inRecord.map((w) => `“${w}”`).join(", ")} found in a former name or a note of its record</p>
        ) : null}
      </div>
    </article>
  );
}
