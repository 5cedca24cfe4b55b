// The rules of CONTRACT §5 that the browser cannot check: free-mail providers (a list
// too large to ship to every visitor) and domains already taken, which need the
// database. They add to the shared schema's messages (schema.ts), never replace a rule.
import freeMailDomains from "email-providers/all.json";
import type { DB } from "~/modules/database/db.server";
import {
  emailHost,
  isEmailAddress,
  normaliseEmail,
  registrableDomain,
  validateApplication,
  websiteDomain,
  type ApplicationOptions,
  type ApplicationValues,
  type FieldErrors,
  type Validation,
} from "./schema";
import { OPEN_STATUSES } from "./status";

const FREE_MAIL = new Set<string>(freeMailDomains);

export const RULE_MESSAGES = {
  freeMail: (host: string) =>
    `Addresses at free e-mail providers (${host}) are not accepted: use an address at the organisation's own domain.`,
  signatory: (domain: string, name: string) => `${domain} is already in the registry: it is the domain of ${name}, an active signatory.`,
  openApplication: (domain: string) =>
    `An application for ${domain} is already open. If it is yours, follow the links in the e-mail we sent when it was submitted.`,
} as const;

/** Whether an address's domain (or the registrable domain above it) is a free-mail provider's. */
function isFreeMail(email: string): boolean {
  const host = emailHost(email);
  const domain = registrableDomain(host);
  return FREE_MAIL.has(host) || (domain !== null && FREE_MAIL.has(domain));
}

/** The free-mail rule, on what was typed (even when the schema found the address at the
 * wrong domain: this message says more). */
function freeMailError(typedEmail: string): FieldErrors {
  const email = normaliseEmail(typedEmail);
  return isEmailAddress(email) && isFreeMail(email) ? { contact_email: RULE_MESSAGES.freeMail(emailHost(email)) } : {};
}

/**
 * The domain rules: an active signatory's domain, or one with an open application, is
 * refused. Run inside the transaction that writes the application, so two submissions
 * for one domain cannot both pass (SQLite runs one write transaction at a time).
 */
export async function domainErrors(trx: DB, domain: string, options: { exceptApplicationId?: number } = {}): Promise<FieldErrors> {
  const signatory = await trx
    .selectFrom("signatories")
    .select("name")
    .where("domain", "=", domain)
    .where("status", "=", "active")
    .orderBy("id")
    .executeTakeFirst();
  if (signatory) return { website: RULE_MESSAGES.signatory(domain, signatory.name) };
  let open = trx
    .selectFrom("applications")
    .select("id")
    .where("domain", "=", domain)
    .where("status", "in", [...OPEN_STATUSES]);
  if (options.exceptApplicationId !== undefined) open = open.where("id", "!=", options.exceptApplicationId);
  if (await open.executeTakeFirst()) return { website: RULE_MESSAGES.openApplication(domain) };
  return {};
}

/**
 * Everything the server checks about what the form sent, in one answer: the shared
 * schema, then the free-mail rule, then the domain rules (whenever the website itself is
 * right, so one round trip shows every problem). `readErrors` are the form-reading
 * problems (a field sent twice). The domain rules run again where the row is written.
 */
export async function validateOnServer(
  db: DB,
  values: ApplicationValues,
  options: ApplicationOptions,
  readErrors: FieldErrors,
  scope: { exceptApplicationId?: number } = {},
): Promise<Validation> {
  const validation = validateApplication(values, options, readErrors);
  const errors: FieldErrors = validation.ok ? {} : { ...validation.errors };
  if (!readErrors.contact_email) Object.assign(errors, freeMailError(values.contact_email));
  const domain = errors.website ? null : websiteDomain(values.website);
  if (domain) Object.assign(errors, await domainErrors(db, domain, scope));
  return validation.ok && Object.keys(errors).length === 0 ? validation : { ok: false, errors };
}
