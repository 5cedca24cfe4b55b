// How to cite a record, and what search engines read about it (issue 13). Plain .ts with
// no server imports: the loader computes these once, the page only shows them.
import type { DatePrecision } from "../../../db/schema";
import { formatDate, isoAt } from "~/utils/format";

export interface CitableRecord {
  name: string;
  slug: string;
  /** The permanent address of the record's page (slugs never change). */
  url: string;
  /** When the record last changed (ISO timestamp). */
  updated_at: string;
}

export interface Citation {
  /** One paragraph, as a reference list has it. */
  text: string;
  bibtex: string;
}

/** The registry as a publisher: its name, and who runs it when that is someone else. */
export function publisherName(operator: string): string {
  return operator === "Accord Registry" ? "Accord Registry" : `Accord Registry (${operator})`;
}

const bibtexEscape = (value: string) => value.replace(/[\\{}%&$#_^~]/g, (c) => `\\${c}`);

/**
 * "Accord Registry. “Nokia”. Record in the registry of signatories of the Cybersecurity
 * Tech Accord, last changed 29 November 2026. https://…/signatories/nokia (accessed 30
 * November 2026)."
 */
export function citeRecord(record: CitableRecord, options: { operator: string; accessedOn: string }): Citation {
  const publisher = publisherName(options.operator);
  const changed = record.updated_at.slice(0, 10);
  const text =
    `${publisher}. “${record.name}”. Record in the registry of signatories of the Cybersecurity Tech Accord, ` +
    `last changed ${formatDate(changed)}. ${record.url} (accessed ${formatDate(options.accessedOn)}).`;
  const bibtex = [
    `@misc{accord-registry-${record.slug},`,
    `  author = {{${bibtexEscape(publisher)}}},`,
    `  title = {{${bibtexEscape(record.name)}}: record in the registry of signatories of the Cybersecurity Tech Accord},`,
    `  year = {${changed.slice(0, 4)}},`,
    `  date = {${changed}},`,
    `  url = {${record.url}},`,
    `  urldate = {${options.accessedOn}},`,
    `  note = {Last changed ${changed}}`,
    `}`,
  ].join("\n");
  return { text, bibtex };
}

interface LinkedSignatory {
  name: string;
  website: string;
  country: string;
  description: string;
  founding: boolean;
  joined_on: string;
  joined_precision: DatePrecision;
  withdrawn_on: string | null;
  former_names: string | null;
}

/** schema.org JSON-LD: the company, a member of the accord since it joined (issue 13). */
export function signatoryJsonLd(s: LinkedSignatory, pageUrl: string) {
  return {
    "@context": "https://schema.org",
    "@type": "Organization",
    "@id": `${pageUrl}#organization`,
    name: s.name,
    url: s.website,
    description: s.description || undefined,
    alternateName: s.former_names ? s.former_names.split(";").map((n) => n.trim()) : undefined,
    address: { "@type": "PostalAddress", addressCountry: s.country },
    mainEntityOfPage: pageUrl,
    memberOf: {
      "@type": "OrganizationRole",
      roleName: s.founding ? "Founding signatory" : "Signatory",
      startDate: isoAt(s.joined_on, s.joined_precision),
      ...(s.withdrawn_on ? { endDate: s.withdrawn_on } : {}),
      memberOf: {
        "@type": "Organization",
        name: "Cybersecurity Tech Accord",
        url: "https://cybertechaccord.org/",
      },
    },
  };
}
