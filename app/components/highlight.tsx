// Why a signatory matched a search: the part of each word that the search's words matched
// as prefixes ("micro" → <mark>Micro</mark>soft), found the way the search index finds them
// (case- and accent-insensitive, word by word). Text stays text: React escapes it, nothing
// is ever set as HTML.
import type { ReactNode } from "react";

/** A run of letters and digits, with the accents that belong to them (as foldWords splits). */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

const fold = (text: string) =>
  text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();

/** The ranges [start, end) of `text` that the search words match, in order, not overlapping. */
export function matchRanges(text: string, words: readonly string[]): [number, number][] {
  if (words.length === 0) return [];
  const ranges: [number, number][] = [];
  for (const token of text.matchAll(WORD)) {
    const folded = fold(token[0]);
    // The longest word that prefixes this token marks the most.
    const word = words.filter((w) => w.length > 0 && folded.startsWith(w)).sort((a, b) => b.length - a.length)[0];
    if (!word) continue;
    // How many of the token's own characters spell the word once folded ("Telefó" for "telefo").
    let end = 0;
    let length = 0;
    for (const char of token[0]) {
      if (length >= word.length) break;
      length += fold(char).length;
      end += char.length;
    }
    ranges.push([token.index, token.index + end]);
  }
  return ranges;
}

/** Whether any search word matches a word of the text. */
export function matches(text: string, words: readonly string[]): boolean {
  return matchRanges(text, words).length > 0;
}

/** The text with its matched parts in <mark>. */
export function Highlight({ text, words }: { text: string; words: readonly string[] }): ReactNode {
  const ranges = matchRanges(text, words);
  if (ranges.length === 0) return text;
  const parts: ReactNode[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) parts.push(text.slice(at, start));
    parts.push(<mark key={start}>{text.slice(start, end)}</mark>);
    at = end;
  }
  if (at < text.length) parts.push(text.slice(at));
  return <>{parts}</>;
}

/** At most `max` characters of the text around its first match, with "…" where it was cut. */
export function snippet(text: string, words: readonly string[], max = 160): string {
  if (text.length <= max) return text;
  const first = matchRanges(text, words)[0]?.[0] ?? 0;
  let start = Math.max(0, first - Math.floor(max / 3));
  // Start and end at word boundaries.
  const space = text.indexOf(" ", start);
  if (start > 0 && space >= 0 && space < first) start = space + 1;
  let end = Math.min(text.length, start + max);
  if (end < text.length) end = text.lastIndexOf(" ", end) > start ? text.lastIndexOf(" ", end) : end;
  return `${start > 0 ? "… " : ""}${text.slice(start, end).trim()}${end < text.length ? " …" : ""}`;
}
