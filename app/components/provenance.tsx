// A record's provenance on its page (issue 13): its sources and the registry's evidence,
// when it last changed and was last checked, and how to cite it. Everything works without
// JavaScript; with it, the citation also gets a copy button.
import { useState, useSyncExternalStore } from "react";
import { formatDate } from "~/utils/format";
import type { Citation } from "~/modules/provenance/cite";

export interface ShownSource {
  kind: "source" | "evidence";
  pledge_code: string | null;
  url: string | null;
  title: string;
  quote: string | null;
  retrieved_on: string | null;
}

function SourceItem({ source, pledgeTitle }: { source: ShownSource; pledgeTitle?: string }) {
  return (
    <li>
      {source.kind === "evidence" ? <span className="source-kind">Registry evidence</span> : null}
      {source.url ? (
        <a href={source.url} rel={source.kind === "evidence" ? undefined : "noopener noreferrer external"}>
          {source.title}
        </a>
      ) : (
        <cite>{source.title}</cite>
      )}
      {source.quote ? (
        <>
          {" "}
          <q>{source.quote}</q>
        </>
      ) : null}
      <span className="source-meta">
        {pledgeTitle ? `For the endorsement of “${pledgeTitle}”. ` : null}
        {source.kind === "evidence"
          ? `Recorded by the registry on ${source.retrieved_on ? formatDate(source.retrieved_on) : "the day of the decision"}.`
          : source.retrieved_on
            ? `Retrieved on or before ${formatDate(source.retrieved_on)}.`
            : "Retrieval date not recorded."}
      </span>
    </li>
  );
}

/** The sources block: the record's own, then each endorsement's. */
export function SourcesSection({
  sources,
  pledgeTitles,
  updatedAt,
  checkedOn,
}: {
  sources: ShownSource[];
  pledgeTitles: Record<string, string>;
  updatedAt: string;
  checkedOn: string | null;
}) {
  return (
    <section aria-labelledby="sources-heading" className="provenance">
      <h2 id="sources-heading">Sources</h2>
      {sources.length === 0 ? (
        <p>
          No source is recorded for this record yet. The <a href="/methodology#corrections">methodology</a> says how to send one.
        </p>
      ) : (
        <ol className="source-list">
          {sources.map((s, i) => (
            <SourceItem key={i} source={s} pledgeTitle={s.pledge_code ? pledgeTitles[s.pledge_code] : undefined} />
          ))}
        </ol>
      )}
      <p className="record-dates">
        Last changed <time dateTime={updatedAt}>{formatDate(updatedAt.slice(0, 10))}</time>
        {" · "}
        {checkedOn ? (
          <>
            last checked against its sources on <time dateTime={checkedOn}>{formatDate(checkedOn)}</time>
          </>
        ) : (
          "not yet checked against a source"
        )}
        .
      </p>
    </section>
  );
}

/** "Cite this record": readable and selectable without JavaScript; a copy button with it. */
export function CiteBlock({ citation, url }: { citation: Citation; url: string }) {
  return (
    <section aria-labelledby="cite-heading" className="cite" id="cite">
      <h2 id="cite-heading">Cite this record</h2>
      <p>
        Permanent address: <a href={url}>{url}</a>
      </p>
      <p className="citation" id="citation-text">
        {citation.text}
      </p>
      <CopyButton text={citation.text} label="Copy the citation" />
      <details>
        <summary>BibTeX</summary>
        <pre>
          <code>{citation.bibtex}</code>
        </pre>
      </details>
    </section>
  );
}

/** Shown only once the page runs JavaScript (without it, the text is there to select). */
export function CopyButton({ text, label }: { text: string; label: string }) {
  // False on the server and while hydrating; true once the browser runs the page with a clipboard.
  const ready = useSyncExternalStore(
    noSubscription,
    () => !!navigator.clipboard,
    () => false,
  );
  const [copied, setCopied] = useState(false);
  if (!ready) return null;
  return (
    <p>
      <button
        type="button"
        className="copy-button"
        onClick={() => {
          navigator.clipboard.writeText(text).then(
            () => setCopied(true),
            () => setCopied(false),
          );
        }}
      >
        {label}
      </button>{" "}
      <span role="status">{copied ? "Copied." : ""}</span>
    </p>
  );
}

const noSubscription = () => () => {};
