// The JSON shape of a signatory (CONTRACT §4).
import { countryName } from "~/modules/countries";
import { publicUrl } from "~/utils/env.server";
import type { SignatorySummary } from "./directory.server";

export function toApiSignatory(s: SignatorySummary) {
  return {
    slug: s.slug,
    name: s.name,
    website: s.website,
    country: s.country,
    country_name: countryName(s.country),
    sector: s.sector,
    description: s.description,
    joined_on: s.joined_on,
    founding: s.founding,
    status: s.status,
    withdrawn_on: s.withdrawn_on,
    pledges: s.pledges.map((p) => ({ code: p.code, title: p.title, endorsed_on: p.endorsed_on })),
    url: publicUrl(`/signatories/${s.slug}`),
  };
}
