// The canonical address of a public page (issue 13): PUBLIC_URL, the path, and only the
// query parameters the page reads, without empty ones, sorted by name (as the response
// cache keys it, docs/decisions/011), so every spelling of one view names the same address.
// Plain .ts: route `meta` functions run on the server and in the browser; the origin comes
// from the root loader's data.
import type { MetaDescriptor } from "@remix-run/node";

interface Match {
  id: string;
  data?: unknown;
}

/** PUBLIC_URL as the root loader gives it to every page. */
export function siteOrigin(matches: readonly Match[]): string {
  const root = matches.find((m) => m.id === "root")?.data as { site?: { publicUrl?: string } } | undefined;
  return root?.site?.publicUrl ?? "";
}

/** The declared parameters of a query string, non-empty, stably sorted by name. */
export function canonicalSearch(search: string, params: readonly string[]): string {
  const pairs = [...new URLSearchParams(search)].filter(([name, value]) => params.includes(name) && value.trim() !== "");
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const query = new URLSearchParams(pairs).toString();
  return query ? `?${query}` : "";
}

/** `<link rel="canonical">` for a page at `path` (with its canonical query, if any). */
export function canonical(matches: readonly Match[], path: string): MetaDescriptor[] {
  return [{ tagName: "link", rel: "canonical", href: `${siteOrigin(matches)}${path}` }];
}
