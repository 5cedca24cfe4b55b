// Numbered paging (issue 14): Previous, the first and last pages, the current one with its
// neighbours, Next; the current page is marked aria-current="page". Links, so it works
// without JavaScript; each carries the navigation state the page gives (to move the focus).
import { Link } from "@remix-run/react";

/** The page numbers to offer: the first, the last, and the current one with its neighbours;
 * null where pages are left out ("…"). */
export function pageNumbers(page: number, pages: number): (number | null)[] {
  const wanted = [...new Set([1, page - 1, page, page + 1, pages])].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b);
  const out: (number | null)[] = [];
  for (const n of wanted) {
    const last = out.at(-1);
    // A gap of one page shows that page: "…" would take as much room.
    if (typeof last === "number" && n - last === 2) out.push(last + 1);
    else if (typeof last === "number" && n - last > 2) out.push(null);
    out.push(n);
  }
  return out;
}

interface Props {
  page: number;
  pages: number;
  /** The address of a page. */
  href: (page: number) => string;
  /** History state for every link (the directory uses it to focus its results). */
  state?: unknown;
}

export function Pagination({ page, pages, href, state }: Props) {
  if (pages <= 1) return null;
  return (
    <nav className="pagination" aria-label="Pages">
      <ul>
        {page > 1 ? (
          <li className="pagination-step">
            <Link to={href(page - 1)} rel="prev" state={state}>
              <span aria-hidden="true">←</span>Previous<span className="visually-hidden"> page</span>
            </Link>
          </li>
        ) : null}
        {pageNumbers(page, pages).map((n, i) =>
          n === null ? (
            <li key={`gap-${i}`} className="pagination-gap">
              …
            </li>
          ) : (
            <li key={n}>
              <Link to={href(n)} state={state} aria-current={n === page ? "page" : undefined} aria-label={`Page ${n}`}>
                {n}
              </Link>
            </li>
          ),
        )}
        {page < pages ? (
          <li className="pagination-step">
            <Link to={href(page + 1)} rel="next" state={state}>
              Next<span className="visually-hidden"> page</span>
              <span aria-hidden="true">→</span>
            </Link>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
