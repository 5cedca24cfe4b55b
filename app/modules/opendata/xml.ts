// What XML 1.0 cannot hold at all (§2.2 Char): C0 controls other than tab, line feed and
// carriage return, unpaired surrogates (\p{Cs} with the u flag matches only those), U+FFFE
// and U+FFFF. Escaping cannot express them (&#1; is ill-formed too), so they are dropped:
// a row stored before the text rule (app/modules/text.ts), or by a path it missed, can
// never make the feed or a badge unreadable.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\p{Cs}\uFFFE\uFFFF]/gu;

/** Escapes text for XML and HTML content and attribute values, dropping what XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, "")
    .replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}
