// The application form's fields and an empty form: what the form needs to render, without
// the rules that judge it (schema.ts, with zod and the public suffix list), which the
// browser loads only when the applicant starts on the form (application-form.tsx).
// Plain .ts with no server imports.

/** Every field, in the form's order (messages and focus follow it). */
export const FIELDS = [
  "name",
  "website",
  "country",
  "sector",
  "description",
  "contact_name",
  "contact_title",
  "contact_email",
  "pledges",
  "accept",
] as const;

export type ApplicationField = (typeof FIELDS)[number];
/** The fields sent once (pledges is repeated). */
export type SingleField = Exclude<ApplicationField, "pledges">;
/** What the applicant typed, as sent: shown again, unchanged, when something is wrong. */
export type ApplicationValues = Record<SingleField, string> & { pledges: string[] };

/** Values for an empty form. */
export function emptyValues(): ApplicationValues {
  return {
    name: "",
    website: "",
    country: "",
    sector: "",
    description: "",
    contact_name: "",
    contact_title: "",
    contact_email: "",
    accept: "",
    pledges: [],
  };
}
