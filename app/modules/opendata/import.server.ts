// db:import (CONTRACT §1): signatories from a CSV with the export's columns. Every row is
// validated before anything is written, and one bad row refuses the whole file, naming
// each bad line. New slugs are added, existing ones updated, nothing is deleted; all of
// it in one transaction that takes the write lock first, recorded in the audit log.
import { fromFlag } from "../../../db/booleans";
import { parse } from "csv-parse/sync";
import { createHash } from "node:crypto";
import { z } from "zod";
import type { SignatoryStatus } from "../../../db/schema";
import { appendAudit } from "~/modules/audit/audit.server";
import { isCountryCode } from "~/modules/countries";
import { immediateTransaction, type DB } from "~/modules/database/db.server";
import {
  addEndorsement,
  correctWithdrawalDate,
  createSignatory,
  setSignatoryStatus,
  updateSignatory,
} from "~/modules/directory/write.server";
import { DATE_PRECISIONS, isPeriodStart, periodEnd } from "~/modules/provenance/precision";
import { codePointLabel, forbiddenCharacter } from "~/modules/text";
import { CSV_COLUMNS, csvCellValue, FOUNDING, LEGACY_CSV_COLUMNS, PLEDGE_SEPARATOR, PROVENANCE_CSV_COLUMNS } from "./csv.server";
import { SIGNATORY_STATUSES } from "./schemas";
import { ACCORD_LAUNCH } from "~/modules/accord";

/** Nobody signed before the accord's launch. */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A reason to refuse the file: at a line (numbered as an editor does), or about the whole file. */
export interface LineError {
  line: number | null;
  message: string;
}

export interface ImportReport {
  rows: number;
  added: string[];
  updated: { slug: string; fields: string[] }[];
  unchanged: number;
  auditId: number;
}

export type ImportResult = { ok: true; report: ImportReport } | { ok: false; errors: LineError[] };

interface Reference {
  sectors: string[];
  pledges: { code: string; introduced_on: string; required: boolean }[];
}

/** The zod schema of one row, given the codes the database knows and today's date. The
 * columns CONTRACT §8 added are optional: a file with the older header leaves them out.
 * country_name and sector_name are read but not used: they follow from the codes. */
function importRowSchema(ref: Reference, today: string) {
  const pledgeCodes = ref.pledges.map((p) => p.code);
  const introduced = new Map(ref.pledges.map((p) => [p.code, p.introduced_on]));
  return z
    .object({
      slug: z
        .string()
        .max(80, { error: "slug must be at most 80 characters" })
        .regex(SLUG, { error: "slug must be lower-case letters and digits in words joined by single hyphens (acme-corp)" }),
      // The registry's one text rule (app/modules/text.ts), as a file states it: NFC, and
      // refused (not altered) when it holds a line break, a tab or another forbidden character.
      name: z
        .string()
        .trim()
        .transform((v) => v.normalize("NFC"))
        .superRefine((v, ctx) => {
          const found = forbiddenCharacter(v, "line");
          if (found) {
            ctx.addIssue({
              code: "custom",
              message: `name must be one line of text, without control characters, text-direction overrides or noncharacters (found ${codePointLabel(found)})`,
              abort: true,
            });
          }
        })
        .pipe(z.string().min(2, { error: "name must be 2 to 120 characters" }).max(120, { error: "name must be 2 to 120 characters" })),
      website: z.url({
        protocol: /^https$/,
        hostname: z.regexes.domain,
        error: "website must be an https:// address with a domain name",
      }),
      country: z.string().refine(isCountryCode, {
        error: (issue) => `country '${String(issue.input).slice(0, 40)}' is not an ISO 3166-1 alpha-2 code in capitals`,
      }),
      sector: z.enum(ref.sectors, {
        error: (issue) => `sector '${String(issue.input).slice(0, 40)}' is not one of: ${ref.sectors.join(", ")}`,
      }),
      joined_on: z.iso.date({ error: "joined_on must be a date, YYYY-MM-DD" }).refine((d) => d <= today, {
        error: "joined_on cannot be in the future",
      }),
      founding: z.enum([FOUNDING.true, FOUNDING.false], { error: "founding must be true or false" }).transform((v) => v === FOUNDING.true),
      status: z.enum(SIGNATORY_STATUSES, { error: `status must be one of: ${SIGNATORY_STATUSES.join(", ")}` }),
      pledges: z
        .string()
        .transform((v) =>
          v
            .split(PLEDGE_SEPARATOR)
            .map((c) => c.trim())
            .filter(Boolean),
        )
        .pipe(
          z
            .array(
              z.enum(pledgeCodes, {
                error: (issue) => `pledge '${String(issue.input).slice(0, 40)}' is not one of: ${pledgeCodes.join(", ")}`,
              }),
            )
            .refine((codes) => new Set(codes).size === codes.length, { error: "pledges names a pledge twice" }),
        ),
      country_name: z.string().optional(),
      sector_name: z.string().optional(),
      description: z
        .string()
        .transform((v) => v.normalize("NFC"))
        .superRefine((v, ctx) => {
          const found = forbiddenCharacter(v, "text");
          if (found) {
            ctx.addIssue({
              code: "custom",
              message: `description must be text without control characters (but line feeds and tabs), text-direction overrides or noncharacters (found ${codePointLabel(found)})`,
              abort: true,
            });
          }
        })
        .pipe(z.string().max(1000, { error: "description must be at most 1,000 characters" }))
        .optional(),
      withdrawn_on: z
        .union([z.literal(""), z.iso.date({ error: "withdrawn_on must be empty or a date, YYYY-MM-DD" })])
        .transform((v) => v || null)
        .optional(),
      joined_precision: z.enum(DATE_PRECISIONS, { error: `joined_precision must be one of: ${DATE_PRECISIONS.join(", ")}` }).optional(),
    })
    .superRefine((row, ctx) => {
      // A date known to the month or year is the first day of its period, and only a
      // period that ends before the launch is too early (April 2018 is not).
      const precision = row.joined_precision ?? "day";
      if (!isPeriodStart(row.joined_on, precision)) {
        ctx.addIssue({
          code: "custom",
          path: ["joined_on"],
          message: `joined_on must be the first day of its ${precision} when joined_precision is ${precision}`,
        });
      }
      if (periodEnd(row.joined_on, precision) < ACCORD_LAUNCH) {
        ctx.addIssue({ code: "custom", path: ["joined_on"], message: `joined_on cannot be before the accord's launch (${ACCORD_LAUNCH})` });
      }
      if (row.withdrawn_on !== undefined) {
        if (row.status === "withdrawn" && row.withdrawn_on === null) {
          ctx.addIssue({
            code: "custom",
            path: ["withdrawn_on"],
            message: "withdrawn_on must be the date of the withdrawal when status is withdrawn",
          });
        } else if (row.status !== "withdrawn" && row.withdrawn_on !== null) {
          ctx.addIssue({ code: "custom", path: ["withdrawn_on"], message: "withdrawn_on must be empty unless status is withdrawn" });
        } else if (row.withdrawn_on !== null && (row.withdrawn_on < row.joined_on || row.withdrawn_on > today)) {
          ctx.addIssue({
            code: "custom",
            path: ["withdrawn_on"],
            message: "withdrawn_on must be between joined_on and today",
          });
        }
      }
      // Every principle that existed when the signatory joined is part of joining.
      const missing = ref.pledges
        .filter((p) => p.required && p.introduced_on <= row.joined_on && !row.pledges.includes(p.code))
        .map((p) => p.code);
      if (missing.length > 0) {
        ctx.addIssue({ code: "custom", path: ["pledges"], message: `pledges must include every principle: missing ${missing.join(", ")}` });
      }
      const early = row.pledges.filter((code) => (introduced.get(code) ?? "") > today);
      if (early.length > 0) {
        ctx.addIssue({ code: "custom", path: ["pledges"], message: `pledges names a pledge not introduced yet: ${early.join(", ")}` });
      }
    });
}

type ImportRow = z.infer<ReturnType<typeof importRowSchema>>;

/**
 * The records of a CSV file with the line each starts on (as an editor numbers them:
 * quoted line breaks and skipped blank lines count). A byte order mark is allowed.
 */
export function readCsv(input: Buffer): { ok: true; records: { line: number; fields: string[] }[] } | { ok: false; errors: LineError[] } {
  const body = input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf ? input.subarray(3) : input;
  let parsed: { record: string[]; info: { bytes: number } }[];
  try {
    parsed = parse(body, { info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as typeof parsed;
  } catch (error) {
    const where = (error as { lines?: number }).lines;
    return { ok: false, errors: [{ line: where ?? null, message: `not valid CSV: ${(error as Error).message}` }] };
  }
  const records = [];
  let line = 1;
  let pos = 0;
  const lineBreakAt = (i: number) => (body[i] === 0x0d ? (body[i + 1] === 0x0a ? 2 : 1) : body[i] === 0x0a ? 1 : 0);
  for (const { record, info } of parsed) {
    // Blank lines before the record (skipped by the parser) still count.
    for (let step = lineBreakAt(pos); step > 0 && pos < info.bytes; step = lineBreakAt(pos)) {
      pos += step;
      line++;
    }
    records.push({ line, fields: record });
    while (pos < info.bytes) {
      const step = lineBreakAt(pos);
      if (step > 0) line++;
      pos += step || 1;
    }
  }
  return { ok: true, records };
}

const today = () => new Date().toISOString().slice(0, 10);

/** The fields of an existing signatory that a row may change. */
type Current = {
  id: number;
  slug: string;
  name: string;
  website: string;
  country: string;
  sector: string;
  joined_on: string;
  founding: number;
  status: SignatoryStatus;
  withdrawn_on: string | null;
};

async function existingBySlug(trx: DB, slugs: string[]): Promise<Map<string, Current>> {
  const found = new Map<string, Current>();
  for (let i = 0; i < slugs.length; i += 500) {
    const rows = await trx
      .selectFrom("signatories")
      .select(["id", "slug", "name", "website", "country", "sector", "joined_on", "founding", "status", "withdrawn_on"])
      .where("slug", "in", slugs.slice(i, i + 500))
      .execute();
    for (const row of rows) found.set(row.slug, row);
  }
  return found;
}

class Refused extends Error {
  constructor(readonly errors: LineError[]) {
    super("import refused");
  }
}

/**
 * Imports a CSV file. On any invalid row nothing is written and every bad line is
 * returned; otherwise the changes and one audit entry commit together.
 */
export async function importSignatories(
  db: DB,
  input: { file: string; content: Buffer; actor: string; actorLabel: string; on?: string },
): Promise<ImportResult> {
  const on = input.on ?? today();
  const csv = readCsv(input.content);
  if (!csv.ok) return csv;
  const [header, ...records] = csv.records;
  // Any header the export has had: today's (CONTRACT §9; its security_contact_status is the
  // registry's own check and is not imported), CONTRACT §8's, or the first one.
  const columns: readonly string[] | undefined = [CSV_COLUMNS, PROVENANCE_CSV_COLUMNS, LEGACY_CSV_COLUMNS].find(
    (c) => header?.fields.join(",") === c.join(","),
  );
  if (!header || !columns) {
    return {
      ok: false,
      errors: [
        {
          line: header?.line ?? 1,
          message: `the first line must be the header ${CSV_COLUMNS.join(",")} (or an older one: ${PROVENANCE_CSV_COLUMNS.join(",")}, or ${LEGACY_CSV_COLUMNS.join(",")})`,
        },
      ],
    };
  }

  try {
    // BEGIN IMMEDIATE: the write lock is taken before the checks, so what they read
    // cannot change before the writes (and a busy server makes this wait, not fail).
    return await immediateTransaction(db, async (trx) => {
      const [sectors, pledges] = await Promise.all([
        trx.selectFrom("sectors").select("code").orderBy("position").execute(),
        trx.selectFrom("pledges").select(["code", "introduced_on", "required"]).orderBy("position").execute(),
      ]);
      if (sectors.length === 0 || pledges.length === 0) {
        throw new Refused([
          {
            line: null,
            message:
              "the database has no sectors or pledges: run `npm run db:seed` first (it adds the accord's sectors, pledges and founding signatories, which the import then keeps or updates)",
          },
        ]);
      }
      const ref: Reference = {
        sectors: sectors.map((s) => s.code),
        pledges: pledges.map((p) => ({ ...p, required: fromFlag(p.required) })),
      };
      const schema = importRowSchema(ref, on);

      // 1. Validate every row; collect every problem.
      const errors: LineError[] = [];
      const rows: { line: number; row: ImportRow }[] = [];
      const firstLine = new Map<string, number>();
      for (const { line, fields } of records) {
        if (fields.length !== columns.length) {
          errors.push({ line, message: `expected ${columns.length} fields (${columns.join(",")}), found ${fields.length}` });
          continue;
        }
        // A cell the export neutralised ('=…) is read without its leading '.
        const parsed = schema.safeParse(Object.fromEntries(columns.map((c, i) => [c, csvCellValue(fields[i])])));
        if (!parsed.success) {
          errors.push({ line, message: parsed.error.issues.map((i) => i.message).join("; ") });
          continue;
        }
        const seen = firstLine.get(parsed.data.slug);
        if (seen !== undefined) {
          errors.push({ line, message: `slug '${parsed.data.slug}' is already on line ${seen}` });
          continue;
        }
        firstLine.set(parsed.data.slug, line);
        rows.push({ line, row: parsed.data });
      }
      const existing = await existingBySlug(
        trx,
        rows.map((r) => r.row.slug),
      );
      for (const { line, row } of rows) {
        const current = existing.get(row.slug);
        if (current && fromFlag(current.founding) !== row.founding) {
          errors.push({
            line,
            message: `founding cannot change: the registry records ${row.slug} as ${fromFlag(current.founding) ? "a founding signatory" : "a later joiner"}`,
          });
        }
      }
      if (errors.length > 0) throw new Refused(errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));

      // 2. Write.
      const reason = `Imported from ${input.file}`;
      const report: Omit<ImportReport, "auditId"> = { rows: rows.length, added: [], updated: [], unchanged: 0 };
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      const introduced = new Map(ref.pledges.map((p) => [p.code, p.introduced_on]));
      for (const { row } of rows) {
        const current = existing.get(row.slug);
        if (!current) {
          // The file has no endorsement dates: a pledge counts from joining, or from its
          // introduction when it came later.
          const id = await createSignatory(
            trx,
            {
              name: row.name,
              website: row.website,
              country: row.country,
              sector: row.sector,
              description: row.description ?? "",
              joined_on: row.joined_on,
              joined_precision: row.joined_precision ?? "day",
              founding: row.founding,
              pledges: row.pledges.map((code) => ({ code, endorsed_on: maxDate(row.joined_on, introduced.get(code)!) })),
            },
            row.slug,
          );
          if (row.status !== "active") await setSignatoryStatus(trx, id, row.status, { on: row.withdrawn_on ?? on, reason });
          report.added.push(row.slug);
          continue;
        }
        // The older header carries no description or precision: those stay as they are.
        const change = await updateSignatory(trx, current.id, {
          name: row.name,
          website: row.website,
          country: row.country,
          sector: row.sector,
          joined_on: row.joined_on,
          ...(row.description !== undefined ? { description: row.description } : {}),
          ...(row.joined_precision !== undefined ? { joined_precision: row.joined_precision } : {}),
        });
        const fields = Object.keys(change.after).filter((f) => f !== "former_names");
        const rowBefore: Record<string, unknown> = { ...change.before };
        const rowAfter: Record<string, unknown> = { ...change.after };
        if (current.status !== row.status) {
          await setSignatoryStatus(trx, current.id, row.status, { on: row.withdrawn_on ?? on, reason });
          fields.push("status");
          rowBefore.status = current.status;
          rowAfter.status = row.status;
        } else if (row.status === "withdrawn" && row.withdrawn_on && row.withdrawn_on !== current.withdrawn_on) {
          await correctWithdrawalDate(trx, current.id, row.withdrawn_on);
          fields.push("withdrawn_on");
          rowBefore.withdrawn_on = current.withdrawn_on;
          rowAfter.withdrawn_on = row.withdrawn_on;
        }
        const added = [];
        for (const code of row.pledges) {
          // A pledge newly listed for a known signatory is recorded from today.
          if (await addEndorsement(trx, current.id, code, on, row.joined_on)) added.push(code);
        }
        if (added.length > 0) {
          fields.push("pledges");
          rowAfter.pledges_added = added;
        }
        if (fields.length === 0) {
          report.unchanged++;
        } else {
          report.updated.push({ slug: row.slug, fields });
          before[row.slug] = rowBefore;
          after[row.slug] = rowAfter;
        }
      }

      const audit = await appendAudit(trx, {
        actor: input.actor,
        actorLabel: input.actorLabel,
        action: "signatory.import",
        targetType: "signatory",
        targetId: input.file,
        reason,
        before: { signatories: before },
        after: {
          file: input.file,
          sha256: createHash("sha256").update(input.content).digest("hex"),
          rows: report.rows,
          added: report.added.length,
          updated: report.updated.length,
          unchanged: report.unchanged,
          added_slugs: report.added,
          signatories: after,
        },
      });
      return { ok: true as const, report: { ...report, auditId: audit.id } };
    });
  } catch (error) {
    if (error instanceof Refused) return { ok: false, errors: error.errors };
    throw error;
  }
}

const maxDate = (a: string, b: string) => (a > b ? a : b);

export function describeImport(file: string, report: ImportReport): string {
  return `db:import: ${file}: added ${report.added.length}, updated ${report.updated.length}, unchanged ${report.unchanged}`;
}
