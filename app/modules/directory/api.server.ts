// The JSON shape of a signatory (CONTRACT §4).
import { countryName } from "~/modules/countries";
import { publicUrl } from "~/utils/env.server";
import type { RecordSource } from "~/modules/provenance/sources.server";
import type { SignatorySummary } from "./directory.server";
import { logoPath } from "~/modules/logos/paths";
import { UNCHECKED, type SecurityContact } from "~/modules/evidence/security-contact.server";

/** A signatory as the API gives it; `sources` are its public sources and the registry's
 * evidence (CONTRACT §8), in the shape {url, title, quote, retrieved_on}; `logo` its logo's
 * hash (logos.server.ts's logoHashes), null without one. */
export function toApiSignatory(
  s: SignatorySummary,
  sources: RecordSource[],
  logo: string | null = null,
  security: SecurityContact = UNCHECKED,
) {
  return {
    slug: s.slug,
    name: s.name,
    website: s.website,
    country: s.country,
    country_name: countryName(s.country),
    sector: s.sector,
    description: s.description,
    joined_on: s.joined_on,
    joined_precision: s.joined_precision,
    founding: s.founding,
    status: s.status,
    withdrawn_on: s.withdrawn_on,
    pledges: s.pledges.map((p) => ({ code: p.code, title: p.title, endorsed_on: p.endorsed_on })),
    url: publicUrl(`/signatories/${s.slug}`),
    sources: sources.map((x) => ({ url: x.url, title: x.title, quote: x.quote, retrieved_on: x.retrieved_on })),
    updated_at: s.updated_at,
    // The logo's hash names it in the address (issue 14): a replaced logo has a new URL.
    logo_url: logo ? publicUrl(logoPath(s.slug, logo)) : null,
    // Its security.txt as last checked (CONTRACT §9, issue 18); "unchecked" before the first check.
    security_contact: security,
  };
}
