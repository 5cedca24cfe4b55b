// A logo's address (browser and server): `v` names the image, so an address never shows
// another one and browsers may keep it for good (signatories.$slug.logo.ts).
export type LogoFormat = "png" | "webp";

export function logoPath(slug: string, hash: string, format: LogoFormat = "png"): string {
  return `/signatories/${encodeURIComponent(slug)}/logo?v=${hash}${format === "webp" ? "&format=webp" : ""}`;
}

/** The initials a monogram shows: the first letters of the first two words that have one. */
export function initialsOf(name: string): string {
  const words = name
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  const letters = words.slice(0, 2).map((w) => [...w][0]);
  return (letters.join("") || "?").toUpperCase();
}

/** One of six colours, the same for a name every time. */
export function monogramTone(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)!) >>> 0;
  return h % 6;
}
