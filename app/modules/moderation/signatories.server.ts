// Keeping the registry right: moderators edit a signatory's facts and withdraw, suspend
// or reinstate it. Writes go through the directory's writers (search index, history
// events, former names) and are audited in the same transaction.
import { z } from "zod";
import type { SignatoryStatus } from "../../../db/schema";
import { appendAudit } from "~/modules/audit/audit.server";
import type { StaffUser } from "~/modules/auth/require-staff.server";
import { isCountryCode } from "~/modules/countries";
import type { DB } from "~/modules/database/db.server";
import { fail, ok, type Result } from "~/modules/result";
import { setSignatoryLogo, type ProcessedLogo } from "~/modules/logos/logos.server";
import { formatDate } from "~/utils/format";
import { knownCodes, searchSignatories } from "~/modules/directory/directory.server";
import { offEventLoop } from "~/modules/search-pool/run.server";
import { parseDirectoryQuery } from "~/modules/directory/query";
import { setSignatoryStatus, updateSignatory } from "~/modules/directory/write.server";
import { day, reasonField, today } from "~/modules/staff/forms";
import { refuseForbidden, ruledText } from "~/modules/text";
import { STATUS_INTENTS, type StatusIntent } from "./constants";

type Moderator = Pick<StaffUser, "id" | "actor">;

const optionalText = (max: number, label: string) =>
  z
    .string()
    .optional()
    .transform((v) => v ?? "")
    .pipe(ruledText(label, "text"))
    .transform((v) => v || null)
    .pipe(
      z
        .string()
        .max(max, { error: `${label} must be at most ${max} characters.` })
        .nullable(),
    );

/** The edit form. Sector codes are checked against the database's list; names, descriptions
 * and notes follow the registry's text rule (app/modules/text.ts). */
export function signatorySchema(sectors: readonly string[]) {
  return z.object({
    name: ruledText("The name", "line").pipe(
      z
        .string()
        .min(2, { error: "The name must be at least 2 characters." })
        .max(120, { error: "The name must be at most 120 characters." }),
    ),
    website: z
      .string()
      .trim()
      // Before the URL parser, which would silently skip a tab or a line break.
      .superRefine(refuseForbidden("The website address", "line"))
      .pipe(z.string().max(300, { error: "The website address is too long." }))
      .refine(
        (v) => {
          try {
            const url = new URL(v);
            return (url.protocol === "https:" || url.protocol === "http:") && url.hostname.includes(".") && !url.username && !url.password;
          } catch {
            return false;
          }
        },
        { error: "The website must be an http:// or https:// address, such as https://example.com." },
      ),
    country: z.string().trim().toUpperCase().refine(isCountryCode, { error: "Choose the country of the headquarters." }),
    sector: z.string().refine((v) => sectors.includes(v), { error: "Choose one of the sectors." }),
    description: ruledText("The description", "text").pipe(
      z
        .string()
        .min(20, { error: "The description must be at least 20 characters." })
        .max(1000, { error: "The description must be at most 1,000 characters." }),
    ),
    joined_on: day("The join date"),
    notes: optionalText(2000, "The notes"),
  });
}

export type SignatoryForm = z.infer<ReturnType<typeof signatorySchema>>;

export const SIGNATORY_NOT_FOUND = "No signatory has this address.";

/** Saves the edited facts; the names of the fields that changed (none: nothing written). */
export async function saveSignatory(db: DB, slug: string, input: SignatoryForm, by: Moderator): Promise<Result<string[]>> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("signatories").select("id").where("slug", "=", slug).executeTakeFirst();
    if (!row) return fail({ kind: "not_found", message: SIGNATORY_NOT_FOUND });
    const { before, after } = await updateSignatory(trx, row.id, input);
    const changed = Object.keys(after).filter((k) => k !== "former_names");
    if (changed.length > 0) {
      await appendAudit(trx, {
        ...by.actor,
        action: "signatory.update",
        targetType: "signatory",
        targetId: slug,
        before,
        after,
      });
    }
    return ok(changed);
  });
}

/** Sets or replaces a signatory's logo (a processed upload), audited with the hashes. */
export async function replaceSignatoryLogo(db: DB, slug: string, logo: ProcessedLogo, by: Moderator): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("signatories").select("id").where("slug", "=", slug).executeTakeFirst();
    if (!row) return fail({ kind: "not_found", message: SIGNATORY_NOT_FOUND });
    const { before } = await setSignatoryLogo(trx, row.id, logo);
    await appendAudit(trx, {
      ...by.actor,
      action: "signatory.logo",
      targetType: "signatory",
      targetId: slug,
      before: { logo: before },
      after: { logo: logo.hash },
    });
    return ok();
  });
}

export const statusSchema = z.object({
  intent: z.enum(["withdraw", "suspend", "reinstate"]),
  reason: reasonField,
  on: z.preprocess((v) => (v === "" || v === undefined ? today() : v), day("The date")),
});

/**
 * Withdraws, suspends or reinstates, with a history event on the public page carrying the
 * reason. A change that does not fit the current status (suspending a withdrawn
 * signatory, reinstating an active one) is refused.
 */
export async function changeSignatoryStatus(
  db: DB,
  slug: string,
  input: { intent: StatusIntent; reason: string; on: string },
  by: Moderator,
): Promise<Result> {
  const rule = STATUS_INTENTS[input.intent];
  return db.transaction().execute(async (trx): Promise<Result> => {
    const row = await trx
      .selectFrom("signatories")
      .select(["id", "status", "joined_on", "withdrawn_on"])
      .where("slug", "=", slug)
      .executeTakeFirst();
    if (!row) return fail({ kind: "not_found", message: SIGNATORY_NOT_FOUND });
    const conflict = () =>
      fail({ kind: "conflict", message: `This cannot be done while the signatory is ${row.status}; nothing was changed.` });
    if (!(rule.from as readonly SignatoryStatus[]).includes(row.status)) return conflict();
    if (input.on < row.joined_on) {
      return fail({ kind: "invalid", errors: { on: `The date cannot be before the signatory joined (${formatDate(row.joined_on)}).` } });
    }
    const result = await setSignatoryStatus(trx, row.id, rule.to, { on: input.on, reason: input.reason });
    if (!result.changed) return conflict();
    await appendAudit(trx, {
      ...by.actor,
      action: `signatory.${input.intent}`,
      targetType: "signatory",
      targetId: slug,
      reason: input.reason,
      before: { status: row.status, withdrawn_on: row.withdrawn_on },
      after: { status: rule.to, on: input.on },
    });
    return ok();
  });
}

/**
 * The management list: the directory's own search (words, accents folded, prefixes) over
 * every status unless one is asked for, by name. Invalid parameters give the directory's
 * message, naming the parameter.
 */
export async function listForManagement(db: DB, url: URL) {
  const params = new URLSearchParams();
  for (const name of ["q", "status", "page"]) {
    for (const value of url.searchParams.getAll(name)) params.append(name, value);
  }
  if (!params.get("status")) params.set("status", "all");
  params.set("sort", "name");
  params.set("per_page", "50");
  const parsed = parseDirectoryQuery(params, await knownCodes(db));
  if (!parsed.ok) return parsed;
  // Where the directory's searches run (the search pool on SQLite, decision 023): a broad
  // staff search does not hold the event loop either.
  const query = parsed.query;
  return { ok: true as const, query, result: await offEventLoop(db, "search", query, (reader) => searchSignatories(reader, query)) };
}
