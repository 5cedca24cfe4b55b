// How the directory turns what a visitor typed into search words. Shared by the
// query parser (to reject a search with nothing to look for) and the search index.

const MAX_WORDS = 12;

/** Every word of a text, lower-cased and without diacritics: "Telefónica  S.A." → ["telefonica", "s", "a"]. */
export function foldWords(input: string): string[] {
  return input
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** The words of a search (at most twelve). */
export function searchWords(input: string): string[] {
  return foldWords(input).slice(0, MAX_WORDS);
}

/** An FTS5 query: every word must match (AND), each as a prefix. Words hold only
 * letters and digits, so quoting them cannot change the query's meaning. */
export function ftsQuery(words: string[]): string {
  return words.map((w) => `"${w}"*`).join(" ");
}
