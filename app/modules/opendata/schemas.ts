// The open data's JSON shapes (CONTRACT §4) as zod schemas: the OpenAPI document is
// generated from them (z.toJSONSchema), the routes are typed by them, and the tests
// check real responses against the generated document.
import { z } from "zod";
import type { SignatoryStatus } from "../../../db/schema";
import { ACCORD_LAUNCH, FOUNDING_SIGNATORIES } from "~/modules/accord";

export const SIGNATORY_STATUSES = ["active", "withdrawn", "suspended"] as const satisfies readonly SignatoryStatus[];

const day = () => z.iso.date().meta({ description: "A calendar date, YYYY-MM-DD." });
const count = () => z.number().int().min(0);

const PRECISIONS = ["day", "month", "year"] as const;

const SourceSchema = z
  .object({
    url: z.url().nullable().meta({ description: "Where the source can be read; null when it has no address." }),
    title: z.string().meta({ description: "What the source is: publication, headline and date, or the registry's own evidence." }),
    quote: z.string().nullable().meta({ description: "The source's own words that support the record; null when none was recorded." }),
    retrieved_on: day()
      .nullable()
      .meta({ description: "When the registry read the source (on or before that day), or recorded its evidence; null when unknown." }),
  })
  .meta({
    description:
      "A public source for a signatory's record or one of its endorsements, or, for a record that came through the registry's application process, the registry's own evidence (the approved application).",
  });

const PledgeRefSchema = z
  .object({
    code: z.string().meta({ description: "Pledge code, as in /api/v1/pledges." }),
    title: z.string().meta({ description: "The pledge's title." }),
    endorsed_on: day().meta({
      description: "When the signatory endorsed this pledge (for the principles, the day it joined, with joined_precision's precision).",
    }),
  })
  .meta({ description: "A pledge a signatory endorses." });

/** CONTRACT §9: the signatory's security.txt (RFC 9116), as the registry last checked it. */
const SecurityContactSchema = z
  .object({
    status: z.enum(["valid", "expired", "invalid", "missing", "unchecked"]).meta({
      description:
        "valid: Contact and a future Expires; expired: Expires has passed; invalid: a file without Contact or Expires (or too large); missing: no text/plain file at /.well-known/security.txt or /security.txt (or it could not be fetched); unchecked: not checked yet.",
    }),
    checked_at: z.iso.datetime().nullable().meta({ description: "When it was last checked (RFC 3339, UTC); null when unchecked." }),
    contact: z.array(z.string()).meta({ description: "The file's Contact values (URIs: mailto:, https:, tel:), in its order." }),
    policy: z.string().nullable().meta({ description: "The file's Policy (the vulnerability disclosure policy's address), or null." }),
    expires: z.iso.datetime().nullable().meta({ description: "The file's Expires, or null." }),
  })
  .meta({ description: "The signatory's vulnerability-disclosure contact from its security.txt (RFC 9116)." });

const SignatorySchema = z
  .object({
    slug: z.string().meta({ description: "Stable identifier, also the last part of the page's address." }),
    name: z.string().meta({ description: "The company's name, as it signed (later names in its record's history)." }),
    website: z.url().meta({ description: "The company's website, an https:// address." }),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .meta({ description: "Headquarters country, ISO 3166-1 alpha-2." }),
    country_name: z.string().meta({ description: "The headquarters country's English name." }),
    sector: z.string().meta({ description: "Sector code." }),
    description: z.string().meta({ description: "What the company does, in a sentence or two." }),
    joined_on: day().meta({
      description: "When it joined: a full date, the first day of the month or year when joined_precision says it is known only to that.",
    }),
    joined_precision: z.enum(PRECISIONS).meta({ description: "How precisely joined_on is known: day, month or year." }),
    founding: z
      .boolean()
      .meta({ description: `One of the ${FOUNDING_SIGNATORIES} companies that launched the accord on ${ACCORD_LAUNCH}.` }),
    status: z.enum(SIGNATORY_STATUSES).meta({
      description: "active; withdrawn (it left the accord); suspended (by the registry, while a question is looked into).",
    }),
    withdrawn_on: day().nullable().meta({ description: "Date of the latest withdrawal, null unless withdrawn." }),
    pledges: z.array(PledgeRefSchema).meta({ description: "The pledges it endorses, in the accord's order." }),
    url: z.url().meta({ description: "The signatory's page in the registry (absolute)." }),
    sources: z.array(SourceSchema).meta({
      description:
        "Where the record comes from: the registry's evidence first (if any), then the public sources, the record's before its endorsements'.",
    }),
    updated_at: z.iso.datetime().meta({ description: "When the record last changed (RFC 3339, UTC)." }),
    logo_url: z
      .url()
      .nullable()
      .meta({ description: "The signatory's approved logo (PNG; add &format=webp for WebP), or null when it has none." }),
    security_contact: SecurityContactSchema,
  })
  .meta({ description: "A company that signed the Cybersecurity Tech Accord, as this registry records it." });

const SignatoryListSchema = z
  .object({
    data: z.array(SignatorySchema),
    meta: z.object({
      total: count().meta({ description: "Signatories matching the query, on every page." }),
      page: z.number().int().min(1),
      per_page: z.number().int().min(1).max(100),
      pages: z.number().int().min(1),
    }),
    links: z.object({
      self: z.url(),
      next: z.url().nullable(),
      prev: z.url().nullable(),
    }),
  })
  .meta({ description: "One page of the directory." });

const SignatoryOneSchema = z.object({ data: SignatorySchema }).meta({ description: "One signatory." });

const PledgeSchema = z
  .object({
    code: z.string(),
    title: z.string(),
    summary: z.string(),
    introduced_on: day(),
    required: z.boolean().meta({ description: "A principle every signatory endorses on joining." }),
    endorsements: count().meta({
      description:
        "Active signatories recorded here as endorsing it. For a later commitment, 0 means no endorsement is recorded here, not that no signatory of the accord endorses it.",
    }),
  })
  .meta({ description: "A principle or later commitment of the accord." });

const PledgeListSchema = z.object({ data: z.array(PledgeSchema) }).meta({ description: "Every pledge, in order." });

const StatsSchema = z
  .object({
    total: count().meta({
      description:
        "Every signatory the registry lists, whatever its status: the records it holds, not the accord's size (see /api/v1/coverage).",
    }),
    active: count(),
    founding: count().meta({ description: "Founding signatories, whatever their status." }),
    by_year: z
      .array(
        z.object({
          year: z.number().int(),
          joined: z.number().int().min(1).meta({ description: "Joins recorded here in this year." }),
          cumulative: count().meta({ description: "Joins recorded here in this year or before (later withdrawals do not undo a join)." }),
        }),
      )
      .meta({
        description:
          "The years in which the registry records at least one join, oldest first. A year that is missing is not recorded here: it does not mean nobody joined the accord that year.",
      }),
    by_country: z
      .array(z.object({ country: z.string().regex(/^[A-Z]{2}$/), count: count() }))
      .meta({ description: "Active signatories by headquarters country, most first." }),
    by_sector: z.array(z.object({ sector: z.string(), count: count() })).meta({ description: "Active signatories by sector, most first." }),
  })
  .meta({ description: "Figures about the registry." });

const StatsEnvelopeSchema = z.object({ data: StatsSchema }).meta({ description: "Figures about the registry." });

const CoverageSchema = z
  .object({
    recorded: count().meta({ description: "Active signatories recorded in this registry." }),
    published: z
      .array(
        z.object({
          as_of: day().meta({ description: "When the count applied: a full date, the first day of the month or year when less precise." }),
          precision: z.enum(PRECISIONS).meta({ description: "How precisely as_of is known: day, month or year." }),
          count: z.number().int().min(1).meta({ description: "How many signatories the source reported." }),
          qualifier: z
            .enum(["exactly", "more than"])
            .meta({ description: "Whether the source gave the count exactly or as a lower bound." }),
          source: z
            .object({
              url: z.url().nullable().meta({ description: "The source's address; null when it has none." }),
              title: z.string().meta({ description: "The source: publication, title and date." }),
            })
            .meta({ description: "Where the count was published." }),
        }),
      )
      .meta({ description: "The accord's size as public sources reported it, oldest first." }),
  })
  .meta({ description: "The registry's own count of active signatories beside the accord's published counts." });

const CoverageEnvelopeSchema = z.object({ data: CoverageSchema }).meta({ description: "How much of the accord the registry covers." });

const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "invalid_parameter, not_found, …" }),
      message: z.string().meta({ description: "Names the parameter at fault, for people." }),
    }),
  })
  .meta({ description: "An error (4xx)." });

/** Every shape, by the name the OpenAPI document gives it under components/schemas. */
export const OPEN_DATA_SCHEMAS = {
  Signatory: SignatorySchema,
  PledgeRef: PledgeRefSchema,
  SignatoryList: SignatoryListSchema,
  SignatoryOne: SignatoryOneSchema,
  Pledge: PledgeSchema,
  PledgeList: PledgeListSchema,
  Stats: StatsSchema,
  StatsEnvelope: StatsEnvelopeSchema,
  Source: SourceSchema,
  Coverage: CoverageSchema,
  CoverageEnvelope: CoverageEnvelopeSchema,
  Error: ErrorSchema,
} as const;

export type ApiStats = z.infer<typeof StatsSchema>;
export type ApiPledge = z.infer<typeof PledgeSchema>;
export type ApiCoverage = z.infer<typeof CoverageSchema>;
