/**
 * "Show as table": a chart's figures in a native disclosure under it (works without
 * JavaScript; a link to an anchor inside opens it). `what` completes the summary's
 * accessible name, so a screen reader's list of controls tells the tables apart.
 */
export function TableDisclosure({ what, children }: { what: string; children: React.ReactNode }) {
  return (
    <details className="table-disclosure">
      <summary>
        Show as table<span className="visually-hidden">: {what}</span>
      </summary>
      <div className="table-disclosure-body">{children}</div>
    </details>
  );
}
