// Who runs this registry and on what terms (CONTRACT §8): the operator, where people write,
// how long applicants' personal data is kept, and the open data's licence, all from the
// configuration (app/utils/env.server.ts), for the institution's pages, the footer and mails.
import { getEnv } from "~/utils/env.server";

export interface Licence {
  /** The SPDX identifier, as configured (DATA_LICENCE). */
  id: string;
  name: string;
  url: string;
  /** Whoever reuses the data must say where it came from. */
  attribution: boolean;
}

const KNOWN: Record<string, Omit<Licence, "id">> = {
  "CC-BY-4.0": {
    name: "Creative Commons Attribution 4.0 International",
    url: "https://creativecommons.org/licenses/by/4.0/",
    attribution: true,
  },
  "CC-BY-SA-4.0": {
    name: "Creative Commons Attribution-ShareAlike 4.0 International",
    url: "https://creativecommons.org/licenses/by-sa/4.0/",
    attribution: true,
  },
  "CC0-1.0": {
    name: "Creative Commons Zero 1.0 Universal (public domain dedication)",
    url: "https://creativecommons.org/publicdomain/zero/1.0/",
    attribution: false,
  },
  "ODbL-1.0": {
    name: "Open Data Commons Open Database License 1.0",
    url: "https://opendatacommons.org/licenses/odbl/1-0/",
    attribution: true,
  },
  "ODC-By-1.0": {
    name: "Open Data Commons Attribution License 1.0",
    url: "https://opendatacommons.org/licenses/by/1-0/",
    attribution: true,
  },
  "PDDL-1.0": {
    name: "Open Data Commons Public Domain Dedication and License 1.0",
    url: "https://opendatacommons.org/licenses/pddl/1-0/",
    attribution: false,
  },
  "OGL-UK-3.0": {
    name: "Open Government Licence v3.0",
    url: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    attribution: true,
  },
};

/** The licence named by an SPDX id; an id this list does not know links to SPDX's page. */
export function licenceOf(id: string): Licence {
  const known = KNOWN[id];
  return known ? { id, ...known } : { id, name: id, url: `https://spdx.org/licenses/${encodeURIComponent(id)}.html`, attribution: true };
}

export interface Institution {
  operator: string;
  contactEmail: string;
  retentionDays: number;
  licence: Licence;
}

export function institution(): Institution {
  const env = getEnv();
  return {
    operator: env.OPERATOR_NAME,
    contactEmail: env.CONTACT_EMAIL,
    retentionDays: env.RETENTION_DAYS,
    licence: licenceOf(env.DATA_LICENCE),
  };
}
