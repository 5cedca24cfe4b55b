// Names folded for comparison, so moderators are warned about "Telefónica S.A." next to
// "TELEFONICA SA": the same folding as search (accents dropped, lower case, words only),
// joined by single spaces. Not for display.
import { foldWords } from "~/modules/directory/search-text";

export function nameKey(name: string): string {
  return foldWords(name).join(" ");
}
