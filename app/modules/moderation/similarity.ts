// Is this applicant perhaps a company the registry already knows? Names are folded (case,
// accents, punctuation and legal forms such as "Inc." or "GmbH" dropped) and compared
// exactly, without spaces, by whole words at either end ("Cisco" / "Cisco Systems") and by edit
// distance (a typo or two: "Microsfot" / "Microsoft").

const LEGAL_FORMS = new Set([
  "inc",
  "incorporated",
  "corp",
  "corporation",
  "co",
  "company",
  "ltd",
  "limited",
  "llc",
  "llp",
  "lp",
  "plc",
  "gmbh",
  "ag",
  "kg",
  "se",
  "sa",
  "sas",
  "sarl",
  "srl",
  "spa",
  "bv",
  "nv",
  "oy",
  "oyj",
  "ab",
  "as",
  "asa",
  "aps",
  "kk",
  "pty",
  "pte",
  "bhd",
  "sdn",
  "pvt",
  "sl",
  "sro",
  "zrt",
  "kft",
  "doo",
  "the",
]);

/** "Telefónica, S.A." → "telefonica"; "AT&T Inc." → "at and t". */
export function foldName(name: string): string {
  const words = name
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/\b([a-z])\.(?=[a-z]\.)/g, "$1") // "s.a." → "sa."
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  const kept = words.filter((w, i) => i === 0 || !LEGAL_FORMS.has(w));
  return kept.join(" ");
}

/**
 * Edit distance (Levenshtein, with a swap of two neighbours counting as one edit: optimal
 * string alignment). Stops early, returning limit + 1, once it must exceed `limit`.
 */
function editDistance(a: string, b: string, limit = Infinity): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowBest = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      current[j] = d;
      rowBest = Math.min(rowBest, d);
    }
    if (rowBest > limit) return limit + 1;
    before = previous;
    previous = current;
  }
  return previous[b.length];
}

export type NameMatch = { kind: "same" } | { kind: "similar"; distance: number } | { kind: "contains" };

/** How two folded names relate, or null when they look unrelated. */
export function compareNames(a: string, b: string): NameMatch | null {
  if (!a || !b) return null;
  if (a === b || a.replace(/ /g, "") === b.replace(/ /g, "")) return { kind: "same" };
  const shorter = Math.min(a.length, b.length);
  const longer = Math.max(a.length, b.length);
  // About one edit in five characters, at least one; very short names only when equal.
  const limit = Math.max(1, Math.floor(longer / 5));
  if (shorter >= 4) {
    const distance = editDistance(a, b, limit);
    if (distance <= limit) return { kind: "similar", distance };
  }
  const [few, many] = a.split(" ").length <= b.split(" ").length ? [a, b] : [b, a];
  if (few.length >= 4 && (many.startsWith(`${few} `) || many.endsWith(` ${few}`))) return { kind: "contains" };
  return null;
}
