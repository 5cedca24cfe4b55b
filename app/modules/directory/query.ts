// The directory's query parameters (CONTRACT §3): one schema for the HTML directory,
// the JSON API and the CSV export, so the three can never disagree.
import { z } from "zod";
import { isCountryCode } from "~/modules/countries";
import { searchWords } from "./search-text";

const STATUSES = ["active", "withdrawn", "suspended", "all"] as const;
const SORTS = ["name", "joined", "-joined", "relevance"] as const;
const DEFAULT_PER_PAGE = 25;
const MAX_PER_PAGE = 100;

type DirectoryStatus = (typeof STATUSES)[number];
type DirectorySort = (typeof SORTS)[number];

export interface DirectoryQuery {
  q?: string;
  /** The search words of q (lower-case, without diacritics). */
  words: string[];
  country: string[];
  sector: string[];
  pledge: string[];
  joined?: { from: number; to: number };
  founding?: boolean;
  status: DirectoryStatus;
  sort: DirectorySort;
  page: number;
  perPage: number;
}

/** Codes the database knows, against which sector and pledge values are checked. */
export interface KnownCodes {
  sectors: readonly string[];
  pledges: readonly string[];
}

const SINGLE = ["q", "joined", "founding", "status", "sort", "page", "per_page"] as const;
const REPEATABLE = ["country", "sector", "pledge"] as const;
export const DIRECTORY_PARAMS: readonly string[] = [...SINGLE, ...REPEATABLE];

const positiveInt = (name: string, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, { error: `${name} must be a whole number` })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, { error: `${name} must be at least 1` })
        .max(max, { error: `${name} must be at most ${max}` }),
    );

/**
 * The parameters' schema, exported so the OpenAPI document describes them from the same
 * source (its input side, `z.toJSONSchema(…, { io: "input" })`); the descriptions are for
 * that document. Parse with parseDirectoryQuery, which applies the rules around it.
 */
export function directoryParamsSchema(known: KnownCodes) {
  // Built once per set of codes (they change only when a sector or pledge is added): a
  // new zod schema costs its construction and, on its first parse, the compilation of its
  // fast path, ~1.5 ms of the event loop for every directory request (issue 16's profile).
  const key = JSON.stringify([known.sectors, known.pledges]);
  let schema = schemas.get(key);
  if (!schema) {
    if (schemas.size >= 16) schemas.clear();
    schema = buildParamsSchema(known);
    schemas.set(key, schema);
  }
  return schema;
}

const schemas = new Map<string, ReturnType<typeof buildParamsSchema>>();

function buildParamsSchema(known: KnownCodes) {
  // An enum (not a refinement) so the document lists the codes the database knows.
  const codeOf = (name: string, codes: readonly string[], description: string) =>
    z
      .array(
        z.enum(codes, {
          error: (issue) => `${name} '${String(issue.input).slice(0, 40)}' is not one of: ${codes.join(", ")}`,
        }),
      )
      .meta({ description });
  return z.object({
    q: z
      .string()
      .max(200, { error: "q must be at most 200 characters" })
      .refine((v) => searchWords(v).length > 0, {
        error: "q must contain at least one letter or digit",
      })
      .optional()
      .meta({
        description:
          "Full-text search over name, description, website, country name and sector: words are ANDed, prefix-matched, case- and accent-insensitive.",
      }),
    country: z
      .array(
        z
          .string()
          .transform((v) => v.toUpperCase())
          .refine(isCountryCode, {
            error: (issue) => `country '${String(issue.input).slice(0, 40)}' is not an ISO 3166-1 alpha-2 code`,
          }),
      )
      .meta({ description: "Headquarters country, an ISO 3166-1 alpha-2 code (either case); repeat to accept several." }),
    sector: codeOf("sector", known.sectors, "Sector code; repeat to accept several."),
    pledge: codeOf("pledge", known.pledges, "Pledge code; repeat to require every one named."),
    joined: z
      .string()
      .regex(/^\d{4}(-\d{4})?$/, { error: "joined must be a year (2018) or a range (2018-2020)" })
      .transform((v) => {
        const [from, to = from] = v.split("-").map(Number);
        return { from, to };
      })
      .refine((r) => r.from <= r.to, { error: "joined must be a range from an earlier year to a later one" })
      .optional()
      .meta({ description: "Year of joining (2018) or an inclusive range of years (2018-2020)." }),
    founding: z
      .enum(["1", "0"], { error: "founding must be 1 (founding signatories) or 0 (later joiners)" })
      .transform((v) => v === "1")
      .optional()
      .meta({ description: "1: founding signatories only; 0: later joiners only." }),
    status: z
      .enum(STATUSES, { error: `status must be one of: ${STATUSES.join(", ")}` })
      .optional()
      .meta({ description: "Signatories with this status (default active), or all." }),
    sort: z
      .enum(SORTS, { error: `sort must be one of: ${SORTS.join(", ")}` })
      .optional()
      .meta({
        description: "name (default), joined (oldest first), -joined (newest first), relevance (default when q is set).",
      }),
    page: positiveInt("page", 100_000).optional().meta({
      description:
        "1-based page number; a page past the last is empty. A search (q) lists its first 1,000 results: a page beyond them is a 400.",
    }),
    per_page: positiveInt("per_page", MAX_PER_PAGE)
      .optional()
      .meta({ description: `Signatories a page, 1 to ${MAX_PER_PAGE} (default ${DEFAULT_PER_PAGE}).` }),
  });
}

export type ParseResult = { ok: true; query: DirectoryQuery } | { ok: false; param: string; message: string };

/**
 * Reads the directory parameters of a URL. Empty values (an untouched select in the
 * GET form) count as absent; parameters the directory does not know are left alone.
 */
export function parseDirectoryQuery(params: URLSearchParams, known: KnownCodes): ParseResult {
  const raw: Record<string, string | string[] | undefined> = {};
  for (const name of DIRECTORY_PARAMS) {
    const values = params
      .getAll(name)
      .map((v) => v.trim())
      .filter((v) => v !== "");
    if ((SINGLE as readonly string[]).includes(name)) {
      if (values.length > 1) {
        return { ok: false, param: name, message: `${name} may be given only once` };
      }
      raw[name] = values[0];
    } else {
      raw[name] = [...new Set(values)];
    }
  }
  const parsed = directoryParamsSchema(known).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, param: String(issue.path[0]), message: issue.message };
  }
  const { q, per_page, page, sort, status, ...filters } = parsed.data;
  return {
    ok: true,
    query: {
      ...filters,
      q,
      words: q ? searchWords(q) : [],
      country: [...new Set(filters.country)],
      status: status ?? "active",
      sort: sort ?? (q ? "relevance" : "name"),
      page: page ?? 1,
      perPage: per_page ?? DEFAULT_PER_PAGE,
    },
  };
}
