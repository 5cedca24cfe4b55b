// The application form (CONTRACT §5): one zod schema, run by the server on POST /apply
// and on a resubmission, and by the browser as the applicant leaves each field, so the
// two can never disagree on a rule or a message. Plain .ts without server imports: the
// rules that need the database or the free-mail list are in rules.server.ts.
import type { FieldErrors as FieldErrorsOf } from "~/utils/field-errors";
import type { ApplicationField, ApplicationValues, SingleField } from "./fields";
import { getDomain } from "tldts";
import { z } from "zod";
import { isCountryCode } from "~/modules/countries";
import { forbiddenCharacter, normaliseLine, normaliseText } from "~/modules/text";

// The text rule and its normalisation are shared with the moderator's edit and db:import.
export { normaliseLine, normaliseText };

// The fields and an empty form live apart (fields.ts): the form's first render needs them,
// while the rules below (zod, the public suffix list) load only once the applicant starts.
export { FIELDS, emptyValues, type ApplicationField, type ApplicationValues } from "./fields";
/** One message per wrong field. */
export type FieldErrors = FieldErrorsOf<ApplicationField>;

export interface ApplicationOptions {
  sectors: readonly string[];
  pledges: readonly { code: string; title: string; required: boolean }[];
}

/** A valid application, normalised (the values that are stored). */
export interface ApplicationInput {
  name: string;
  website: string;
  /** Registrable domain of the website ("example.co.uk"). */
  domain: string;
  country: string;
  sector: string;
  description: string;
  contact_name: string;
  contact_title: string;
  contact_email: string;
  pledges: string[];
}

const LIMITS = {
  name: { min: 2, max: 120 },
  description: { min: 20, max: 1000 },
  contact_name: { min: 2, max: 120 },
  contact_title: { min: 2, max: 120 },
  website: { max: 200 },
  contact_email: { max: 254 },
} as const;

export const MESSAGES = {
  duplicate: "Send one value for this field only.",
  forbidden: "Remove the control characters or text-direction overrides.",
  name: {
    empty: "Enter the organisation's legal name.",
    length: "The organisation's name must be 2 to 120 characters long.",
  },
  website: {
    empty: "Enter the organisation's website address.",
    https: "Enter the website's address starting with https:// (for example https://example.com).",
    invalid: "Enter a website address with a domain name, like https://example.com.",
    length: "The website address must be at most 200 characters long.",
  },
  country: "Choose the country of the organisation's headquarters.",
  sector: "Choose the sector from the list.",
  description: {
    empty: "Describe the organisation in a few sentences.",
    length: "The description must be 20 to 1,000 characters long.",
  },
  contact_name: {
    empty: "Enter the contact's name.",
    length: "The contact's name must be 2 to 120 characters long.",
  },
  contact_title: {
    empty: "Enter the contact's job title.",
    length: "The contact's job title must be 2 to 120 characters long.",
  },
  contact_email: {
    empty: "Enter the contact's e-mail address.",
    invalid: "Enter an e-mail address like name@example.com.",
    domain: (domain: string) => `Use an address at ${domain} (the website's domain) or at a subdomain of it.`,
  },
  pledges: {
    unknown: "Choose pledges from the list.",
    required: (titles: string[]) => `Tick every required pledge. Not ticked: ${titles.join(", ")}.`,
  },
  accept: "Confirm that you have the authority to commit the organisation to the accord.",
} as const;

/** Characters as a person counts them (code points, not UTF-16 units). */
const length = (value: string) => [...value].length;

function text(messages: { empty: string; length: string }, limits: { min: number; max: number }, multiline = false) {
  return z
    .string()
    .transform(multiline ? normaliseText : normaliseLine)
    .superRefine((value, ctx) => {
      if (value === "") ctx.addIssue({ code: "custom", message: messages.empty });
      // The shared text rule (app/modules/text.ts): tabs and line breaks became spaces above.
      else if (forbiddenCharacter(value, multiline ? "text" : "line")) ctx.addIssue({ code: "custom", message: MESSAGES.forbidden });
      else if (length(value) < limits.min || length(value) > limits.max) ctx.addIssue({ code: "custom", message: messages.length });
    });
}

/** The host's registrable domain (public suffix + one label), or null (an IP, "localhost"). */
export function registrableDomain(host: string): string | null {
  // getDomain drops every subdomain, "www." included: www.example.com → example.com.
  return getDomain(host)?.toLowerCase() ?? null;
}

/** An https URL as stored: parsed and re-serialised (lower-case host, punycode), without
 * a fragment, and without the lone "/" of a bare address. */
export function normaliseWebsite(value: string): string {
  const trimmed = value.normalize("NFC").trim();
  if (!/^https:\/\//i.test(trimmed)) return trimmed;
  try {
    const url = new URL(trimmed);
    url.hash = "";
    // An address with credentials keeps them, so the rules can refuse it.
    return url.pathname === "/" && !url.search && !url.username && !url.password ? url.origin : url.href;
  } catch {
    return trimmed;
  }
}

const website = z
  .string()
  .transform(normaliseWebsite)
  .superRefine((value, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: "custom", message });
    if (value === "") return issue(MESSAGES.website.empty);
    if (!/^https:\/\//i.test(value)) return issue(MESSAGES.website.https);
    if (forbiddenCharacter(value, "line") || /\s/.test(value)) return issue(MESSAGES.website.invalid);
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return issue(MESSAGES.website.invalid);
    }
    if (url.protocol !== "https:") return issue(MESSAGES.website.https);
    if (url.username || url.password || !registrableDomain(url.hostname)) return issue(MESSAGES.website.invalid);
    if (length(value) > LIMITS.website.max) return issue(MESSAGES.website.length);
  });

/** The registrable domain of a website address that passes the website rules, else null. */
export function websiteDomain(typed: string): string | null {
  const result = website.safeParse(typed);
  return result.success ? registrableDomain(new URL(result.data).hostname) : null;
}

/** An e-mail address as stored: trimmed, NFC, the domain in lower case. */
export function normaliseEmail(value: string): string {
  const trimmed = value.normalize("NFC").trim();
  const at = trimmed.lastIndexOf("@");
  return at < 0 ? trimmed : trimmed.slice(0, at) + trimmed.slice(at).toLowerCase();
}

const EMAIL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Whether a normalised address has a plain, deliverable shape (ASCII, a dotted domain). */
export function isEmailAddress(value: string): boolean {
  return EMAIL.test(value) && length(value) <= LIMITS.contact_email.max && value.indexOf("@") <= 64;
}

const contactEmail = z
  .string()
  .transform(normaliseEmail)
  .superRefine((value, ctx) => {
    if (value === "") ctx.addIssue({ code: "custom", message: MESSAGES.contact_email.empty });
    else if (!isEmailAddress(value)) ctx.addIssue({ code: "custom", message: MESSAGES.contact_email.invalid });
  });

/** The part of an address after the @. */
export function emailHost(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1).toLowerCase();
}

/** Whether an address is at the domain or at one of its subdomains. */
function emailAtDomain(email: string, domain: string): boolean {
  const host = emailHost(email);
  return host === domain || host.endsWith(`.${domain}`);
}

/** The schema for the sectors and pledges the form lists (they come from the database). */
function applicationSchema(options: ApplicationOptions) {
  const sectors = new Set(options.sectors);
  const pledges = new Map(options.pledges.map((p) => [p.code, p]));
  return z
    .object({
      name: text(MESSAGES.name, LIMITS.name),
      website,
      country: z
        .string()
        .transform((v) => v.trim().toUpperCase())
        .refine(isCountryCode, { error: MESSAGES.country }),
      sector: z
        .string()
        .transform((v) => v.trim())
        .refine((v) => sectors.has(v), { error: MESSAGES.sector }),
      description: text(MESSAGES.description, LIMITS.description, true),
      contact_name: text(MESSAGES.contact_name, LIMITS.contact_name),
      contact_title: text(MESSAGES.contact_title, LIMITS.contact_title),
      contact_email: contactEmail,
      pledges: z
        .array(z.string())
        .transform((codes) => [...new Set(codes.map((c) => c.trim()))].filter(Boolean))
        .superRefine((codes, ctx) => {
          if (codes.some((c) => !pledges.has(c))) return ctx.addIssue({ code: "custom", message: MESSAGES.pledges.unknown });
          const missing = options.pledges.filter((p) => p.required && !codes.includes(p.code));
          if (missing.length > 0) ctx.addIssue({ code: "custom", message: MESSAGES.pledges.required(missing.map((p) => p.title)) });
        })
        // Stored in the form's order, whatever order they came in.
        .transform((codes) => options.pledges.map((p) => p.code).filter((c) => codes.includes(c))),
      accept: z.string().refine((v) => v === "on", { error: MESSAGES.accept }),
    })
    .superRefine(
      (value, ctx) => {
        const domain = registrableDomain(new URL(value.website).hostname)!;
        if (!emailAtDomain(value.contact_email, domain)) {
          ctx.addIssue({ code: "custom", path: ["contact_email"], message: MESSAGES.contact_email.domain(domain) });
        }
      },
      // Only when both fields are valid on their own: there is a domain to compare with.
      { when: (payload) => !payload.issues.some((i) => i.path?.[0] === "website" || i.path?.[0] === "contact_email") },
    )
    .transform(({ accept: _accept, ...value }): ApplicationInput => ({
      ...value,
      domain: registrableDomain(new URL(value.website).hostname)!,
    }));
}

export type FormSource = { getAll(name: string): unknown[] };

/**
 * Reads the form's fields from FormData or URLSearchParams. A missing field is empty;
 * a field sent twice (or sent as a file) is an error of its own, never silently one of
 * its values. Fields the form does not have (status, id, …) are left out.
 */
export function readApplicationForm(source: FormSource): { values: ApplicationValues; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const one = (field: SingleField): string => {
    const all = source.getAll(field);
    if (all.length > 1 || (all.length === 1 && typeof all[0] !== "string")) errors[field] = MESSAGES.duplicate;
    return typeof all[0] === "string" ? all[0] : "";
  };
  const sent = source.getAll("pledges");
  const pledges = sent.filter((p): p is string => typeof p === "string");
  if (pledges.length !== sent.length) errors.pledges = MESSAGES.pledges.unknown;
  const values: ApplicationValues = {
    name: one("name"),
    website: one("website"),
    country: one("country"),
    sector: one("sector"),
    description: one("description"),
    contact_name: one("contact_name"),
    contact_title: one("contact_title"),
    contact_email: one("contact_email"),
    accept: one("accept"),
    pledges,
  };
  return { values, errors };
}

export type Validation = { ok: true; data: ApplicationInput } | { ok: false; errors: FieldErrors };

/** Validates what the form sent: the first message of each wrong field. */
export function validateApplication(values: ApplicationValues, options: ApplicationOptions, preErrors: FieldErrors = {}): Validation {
  const result = applicationSchema(options).safeParse(values);
  const errors: FieldErrors = { ...preErrors };
  if (!result.success) {
    for (const issue of result.error.issues) {
      const field = issue.path[0] as ApplicationField;
      errors[field] ??= issue.message;
    }
  }
  if (Object.keys(errors).length > 0 || !result.success) return { ok: false, errors };
  return { ok: true, data: result.data };
}
