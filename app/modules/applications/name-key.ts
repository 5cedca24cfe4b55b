// Names folded for comparison, so moderators are warned about "Telefónica S.A." next to
// "TELEFONICA SA": compatibility forms unfolded (NFKD), accents dropped, lower case,
// punctuation and spacing reduced to single spaces. Not for display.
export function nameKey(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .join(" ");
}
