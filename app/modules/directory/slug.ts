/** URL slug of a name: "Telefónica" → "telefonica", "HP Inc." → "hp-inc". */
export function slugify(name: string): string {
  return (
    name
      .normalize("NFKD")
      .replace(/\p{M}+/gu, "")
      .toLowerCase()
      .replace(/&/g, " and ")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 80) || "signatory"
  );
}
