// The OpenAPI 3.1 document of the open data, generated from the zod schemas the routes
// use: response shapes from ./schemas, query parameters from the directory's own schema
// (app/modules/directory/query.ts). Nothing here restates a field by hand, so the
// document cannot drift from what the routes answer.
import { z } from "zod";
import { DIRECTORY_PARAMS, directoryParamsSchema, type KnownCodes } from "~/modules/directory/query";
import { getEnv } from "~/utils/env.server";
import { CSV_COLUMNS } from "./csv.server";
import { OPEN_DATA_SCHEMAS } from "./schemas";

type JsonSchema = Record<string, unknown>;

let components: Record<string, JsonSchema> | undefined;

/** components/schemas: one JSON Schema (2020-12) per shape, cross-referenced by $ref. */
function componentSchemas(): Record<string, JsonSchema> {
  if (components) return components;
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(OPEN_DATA_SCHEMAS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}` });
  // Inside an OpenAPI document a component is a subschema of the document: its dialect
  // is the document's, and a fragment-only $id is not allowed in 2020-12.
  components = Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _dialect, $id: _id, ...schema }]) => [id, schema as JsonSchema]),
  );
  return components;
}

type Properties = { properties: Record<string, JsonSchema & { description?: string; type?: string }> };

/**
 * The directory's query parameters as OpenAPI parameters. A URL carries strings, so most
 * are described by the schema's input side; a parameter whose parsed value is a number
 * (page, per_page) is described by its output side, an integer with its minimum and
 * maximum, so generated clients type it as a number (issue 13).
 */
function directoryParameters(known: KnownCodes) {
  const schema = directoryParamsSchema(known);
  const input = z.toJSONSchema(schema, { io: "input" }) as Properties;
  const output = z.toJSONSchema(schema, { io: "output", unrepresentable: "any" }) as Properties;
  const order = ["q", "country", "sector", "pledge", "joined", "founding", "status", "sort", "page", "per_page"];
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  const names = [...DIRECTORY_PARAMS].sort((a, b) => rank(a) - rank(b));
  return names.map((name) => {
    const numeric = output.properties[name]?.type === "integer";
    const { description, ...schema } = (numeric ? output : input).properties[name];
    const repeatable = schema.type === "array";
    return {
      name,
      in: "query",
      required: false,
      description: repeatable ? `${description} Repeatable (name=a&name=b).` : description,
      schema,
      ...(repeatable ? { style: "form", explode: true } : {}),
    };
  });
}

const ref = (id: keyof typeof OPEN_DATA_SCHEMAS) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: keyof typeof OPEN_DATA_SCHEMAS, description: string) => ({
  description,
  headers: {
    ETag: { description: "Strong validator of the body; send it back in If-None-Match.", schema: { type: "string" } },
    "Cache-Control": { schema: { type: "string" } },
    "Access-Control-Allow-Origin": { schema: { type: "string", const: "*" } },
  },
  content: { "application/json": { schema: ref(id) } },
});
const error = (description: string) => ({ description, content: { "application/json": { schema: ref("Error") } } });
const notModified = { description: "Not modified: the If-None-Match header named the current ETag." };
const conditional = {
  name: "If-None-Match",
  in: "header",
  required: false,
  description: "An ETag received before; the answer is 304 without a body while it is current.",
  schema: { type: "string" },
};

export function openApiDocument(known: KnownCodes) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Accord Registry open data",
      version: "1.0.0",
      description:
        "The public record of the companies that signed the Cybersecurity Tech Accord: the directory as JSON, " +
        "CSV and an Atom feed, with statistics. Every route answers GET (and HEAD), needs no key, allows any " +
        "origin (CORS) and honours If-None-Match with 304 where it sends an ETag. Dates are YYYY-MM-DD; " +
        'countries are ISO 3166-1 alpha-2 codes. Errors are {"error": {"code", "message"}} with a 4xx status.',
    },
    servers: [{ url: getEnv().PUBLIC_URL }],
    paths: {
      "/api/v1/signatories": {
        get: {
          operationId: "listSignatories",
          summary: "Search the directory, one page at a time",
          description: "The same query as the HTML directory at /signatories, with the same parameters and results in the same order.",
          parameters: [...directoryParameters(known), conditional],
          responses: {
            "200": json("SignatoryList", "A page of signatories, with paging links."),
            "304": notModified,
            "400": error("A parameter is invalid; the message names it."),
          },
        },
      },
      "/api/v1/signatories/{slug}": {
        get: {
          operationId: "getSignatory",
          summary: "One signatory, whatever its status",
          parameters: [
            { name: "slug", in: "path", required: true, schema: { type: "string" }, description: "The signatory's slug." },
            conditional,
          ],
          responses: {
            "200": json("SignatoryOne", "The signatory."),
            "304": notModified,
            "404": error("No signatory has this slug."),
          },
        },
      },
      "/api/v1/pledges": {
        get: {
          operationId: "listPledges",
          summary: "The principles and later commitments, with endorsement counts",
          parameters: [conditional],
          responses: { "200": json("PledgeList", "Every pledge, in the accord's order."), "304": notModified },
        },
      },
      "/api/v1/stats": {
        get: {
          operationId: "getStats",
          summary: "Totals, joins per year, and active signatories by country and sector",
          parameters: [conditional],
          responses: { "200": json("StatsEnvelope", "The registry's figures."), "304": notModified },
        },
      },
      "/api/v1/coverage": {
        get: {
          operationId: "getCoverage",
          summary: "The registry's own count beside the accord's published counts",
          description:
            "The registry holds the records that reached it, not necessarily the whole accord. recorded counts its active " +
            "signatories; published lists the accord's size as public sources reported it, each with its date, precision and source.",
          parameters: [conditional],
          responses: { "200": json("CoverageEnvelope", "The registry's count and the published counts."), "304": notModified },
        },
      },
      "/api/v1/openapi.json": {
        get: {
          operationId: "getOpenApiDocument",
          summary: "This document",
          responses: {
            "200": { description: "The OpenAPI 3.1 document.", content: { "application/json": { schema: { type: "object" } } } },
            "304": notModified,
          },
        },
      },
      "/signatories.csv": {
        get: {
          operationId: "exportSignatoriesCsv",
          summary: "The directory as CSV (RFC 4180), every page",
          description:
            "UTF-8 without a byte order mark, CRLF line ends, header " +
            `${CSV_COLUMNS.join(",")}. founding is true or false; ` +
            "pledges are codes separated by ';'; joined_precision is day, month or year (joined_on is then the first day of " +
            "the period); withdrawn_on is empty unless withdrawn. A cell that would start with =, +, -, @, a tab or a carriage " +
            "return is written with a leading '. The same filters as the directory; every matching signatory " +
            "(page and per_page are checked but not applied). Streamed, so it carries no ETag.",
          parameters: directoryParameters(known),
          responses: {
            "200": {
              description: "The CSV file, as an attachment named accord-signatories-YYYY-MM-DD.csv.",
              content: { "text/csv": { schema: { type: "string" } } },
            },
            "400": error("A parameter is invalid; the message names it."),
          },
        },
      },
      "/feed.xml": {
        get: {
          operationId: "getFeed",
          summary: "Atom feed (RFC 4287) of the latest joins and withdrawals, newest first",
          description:
            "application/atom+xml, except for a browser (an Accept header naming text/html), which gets the same document as " +
            "application/xml so that it applies the feed's XSL stylesheet (/feed.xsl) and shows a readable page.",
          parameters: [conditional],
          responses: {
            "200": {
              description: "The feed.",
              content: { "application/atom+xml": { schema: { type: "string" } }, "application/xml": { schema: { type: "string" } } },
            },
            "304": notModified,
          },
        },
      },
      "/sitemap.xml": {
        get: {
          operationId: "getSitemap",
          summary: "Every public page, for crawlers (sitemaps.org 0.9)",
          description: "Beyond 45,000 addresses, an index of numbered parts (?page=N).",
          parameters: [
            {
              name: "page",
              in: "query",
              required: false,
              schema: { type: "integer", minimum: 1 },
              description: "One part of a large sitemap.",
            },
            conditional,
          ],
          responses: {
            "200": { description: "The sitemap or its index.", content: { "application/xml": { schema: { type: "string" } } } },
            "304": notModified,
            "404": { description: "No such part." },
          },
        },
      },
      "/signatories/{slug}/badge.svg": {
        get: {
          operationId: "getBadge",
          summary: "A live SVG badge with the signatory's status and join date",
          description: "Cached for at most five minutes, so a withdrawal shows on every page that embeds it soon after.",
          parameters: [
            { name: "slug", in: "path", required: true, schema: { type: "string" }, description: "The signatory's slug." },
            conditional,
          ],
          responses: {
            "200": { description: "The badge.", content: { "image/svg+xml": { schema: { type: "string" } } } },
            "304": notModified,
            "404": { description: "No signatory has this slug.", content: { "image/svg+xml": { schema: { type: "string" } } } },
          },
        },
      },
    },
    components: { schemas: componentSchemas() },
  };
}
