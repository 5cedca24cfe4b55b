// The open data's field dictionary (/open-data, issue 13), generated from the zod schemas
// the API answers with (./schemas.ts, the same source as the OpenAPI document), so the page
// can never describe a field the API does not have, or miss one it has.
import { z } from "zod";
import type { DB } from "~/modules/database/db.server";
import { CSV_COLUMNS } from "./csv.server";
import { OPEN_DATA_SCHEMAS } from "./schemas";

type JsonSchema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  description?: string;
  minimum?: number;
  maximum?: number;
};

export interface FieldRow {
  /** The field's path: `pledges[].code` for a field of each item of a list. */
  name: string;
  type: string;
  description: string;
}

/** How a JSON Schema type reads for people. */
function typeOf(schema: JsonSchema): string {
  if (schema.anyOf) {
    const kinds = schema.anyOf.filter((s) => s.type !== "null").map(typeOf);
    const nullable = schema.anyOf.some((s) => s.type === "null");
    return `${kinds.join(" or ")}${nullable ? ", or null" : ""}`;
  }
  if (schema.enum) return `one of: ${schema.enum.join(", ")}`;
  if (schema.type === "array") return schema.items?.type === "object" ? "list of objects" : `list of ${typeOf(schema.items ?? {})}`;
  if (schema.format === "date") return "date (YYYY-MM-DD)";
  if (schema.format === "date-time") return "date and time (RFC 3339, UTC)";
  if (schema.format === "uri") return "web address";
  if (schema.type === "boolean") return "true or false";
  if (schema.type === "integer") return "whole number";
  if (schema.type === "object") return "object";
  return "text";
}

function describe(schema: JsonSchema): string {
  return schema.description ?? schema.anyOf?.find((s) => s.description && s.type !== "null")?.description ?? "";
}

/** Every field of a shape, nested lists' fields after their list. */
function rows(schema: JsonSchema, prefix = ""): FieldRow[] {
  const out: FieldRow[] = [];
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const path = `${prefix}${name}`;
    out.push({ name: path, type: typeOf(field), description: describe(field) });
    if (field.type === "array" && field.items?.type === "object") out.push(...rows(field.items, `${path}[].`));
    if (field.type === "object") out.push(...rows(field, `${path}.`));
  }
  return out;
}

const shape = (id: keyof typeof OPEN_DATA_SCHEMAS) => z.toJSONSchema(OPEN_DATA_SCHEMAS[id]) as JsonSchema;

/** What a CSV column holds, where it differs from the API field of the same name. */
const CSV_FORMS: Partial<Record<(typeof CSV_COLUMNS)[number], { type: string; description: string }>> = {
  founding: { type: "true or false", description: "" },
  pledges: { type: "text", description: "The codes of the pledges it endorses, in the accord's order, separated by ; (no spaces)." },
  sector_name: { type: "text", description: "The sector's name." },
  withdrawn_on: { type: "date (YYYY-MM-DD), or empty", description: "Date of the latest withdrawal; empty unless withdrawn." },
  security_contact_status: {
    type: "one of: valid, expired, invalid, missing, unchecked",
    description:
      "The status of the signatory's security.txt (RFC 9116) at its last check: the API's security_contact.status. db:import reads past it.",
  },
};

let cached: { signatory: FieldRow[]; csv: FieldRow[]; coverage: FieldRow[] } | undefined;

/** The dictionary of the API's signatory, the CSV's columns and the coverage resource. */
export function fieldDictionary() {
  if (cached) return cached;
  const signatory = rows(shape("Signatory"));
  const byName = new Map(signatory.map((r) => [r.name, r]));
  const csv = CSV_COLUMNS.map((column) => {
    const api = byName.get(column);
    const form = CSV_FORMS[column];
    return {
      name: column,
      type: form?.type ?? api?.type ?? "text",
      description: form?.description || api?.description || "",
    };
  });
  cached = { signatory, csv, coverage: rows(shape("Coverage")) };
  return cached;
}

/** When the public data last changed: the data version's time (migration 015). */
export async function lastDataChange(db: DB): Promise<string | null> {
  const row = await db.selectFrom("data_version").select("changed_at").where("id", "=", 1).executeTakeFirst();
  return row?.changed_at ?? null;
}
