// The directory as CSV (CONTRACT §4): RFC 4180 through csv-stringify, UTF-8 without a
// byte order mark, CRLF line ends, streamed page by page through the directory's own
// query module, so the export lists exactly what the directory and the API list, in the
// same order. Cells a spreadsheet would run as a formula carry a leading ' (CONTRACT §8).
// db:import reads the same columns (./import.server.ts).
import { stringify } from "csv-stringify/sync";
import { countryName } from "~/modules/countries";
import type { DB } from "~/modules/database/db.server";
import { knownCodes, searchSignatories, type DirectoryPage, type SignatorySummary } from "~/modules/directory/directory.server";
import { parseDirectoryQuery, type DirectoryQuery } from "~/modules/directory/query";
import { securityStatusBySlug } from "~/modules/evidence/security-contact.server";
import { offEventLoop } from "~/modules/search-pool/run.server";

/** The export's first columns, as CONTRACT §4 fixed them (and db:import still accepts alone). */
export const LEGACY_CSV_COLUMNS = ["slug", "name", "website", "country", "sector", "joined_on", "founding", "status", "pledges"] as const;
/** The header CONTRACT §8 made: the first columns, then those it added, in its order. */
export const PROVENANCE_CSV_COLUMNS = [
  ...LEGACY_CSV_COLUMNS,
  "country_name",
  "sector_name",
  "description",
  "withdrawn_on",
  "joined_precision",
] as const;
/** Every column: CONTRACT §9 appended the security.txt status (the registry's own check,
 * which db:import reads past). */
export const CSV_COLUMNS = [...PROVENANCE_CSV_COLUMNS, "security_contact_status"] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];

/** Separates pledge codes inside the pledges column. */
export const PLEDGE_SEPARATOR = ";";
/** The founding column's two values. */
export const FOUNDING = { true: "true", false: "false" } as const;

/** Signatories read per query while streaming (the API's per_page cap does not apply inside):
 * each page re-sorts the matches, so fewer, larger pages keep a 100,000-row export fast. */
const EXPORT_PAGE_SIZE = 5000;
/** Records per chunk written to the response: the reader gets bytes long before a page ends. */
const CHUNK_RECORDS = 500;

/**
 * A value that starts with one of these (after any apostrophes) gets one more leading '
 * in the file. `=`, `+`, `-`, `@`, tab and carriage return make a spreadsheet read the
 * cell as a formula (OWASP's CSV injection rule, CONTRACT §8); the apostrophes before them
 * make the rule reversible: a name that really starts with "'=" is written "''=", so
 * reading back removes exactly one ' from any cell that starts with ' and then this.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;
const NEUTRALISED = /^'+[=+\-@\t\r]/;

/** A value as the CSV writes it: neutralised when a spreadsheet would run it. */
export function csvCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** A cell as read from the CSV: the value csvCell was given (db:import). */
export function csvCellValue(cell: string): string {
  return NEUTRALISED.test(cell) ? cell.slice(1) : cell;
}

function csvRecord(s: SignatorySummary, security: string): Record<CsvColumn, string> {
  const record: Record<CsvColumn, string> = {
    slug: s.slug,
    name: s.name,
    website: s.website,
    country: s.country,
    sector: s.sector,
    joined_on: s.joined_on,
    founding: s.founding ? FOUNDING.true : FOUNDING.false,
    status: s.status,
    pledges: s.pledges.map((p) => p.code).join(PLEDGE_SEPARATOR),
    country_name: countryName(s.country),
    sector_name: s.sector_name,
    description: s.description,
    withdrawn_on: s.withdrawn_on ?? "",
    joined_precision: s.joined_precision,
    security_contact_status: security,
  };
  // Every column, not only the free-text ones: no cell of the file can start a formula.
  for (const column of CSV_COLUMNS) record[column] = csvCell(record[column]);
  return record;
}

/** RFC 4180 lines for these records (with the header line first when asked). */
function csvLines(records: Record<CsvColumn, string>[], header: boolean): string {
  return stringify(records, {
    header,
    columns: [...CSV_COLUMNS],
    record_delimiter: "windows",
    // csv-stringify quotes a field holding the delimiter, a quote or the record
    // delimiter (CRLF), but not a lone CR or LF; RFC 4180 wants those quoted too.
    quoted_match: /[\r\n]/,
  });
}

/** accord-signatories-2026-11-26.csv (UTC date). */
export function csvFileName(now = new Date()): string {
  return `accord-signatories-${now.toISOString().slice(0, 10)}.csv`;
}

export type CsvExport =
  { ok: true; query: DirectoryQuery; stream: ReadableStream<Uint8Array> } | { ok: false; param: string; message: string };

/**
 * Parses the directory parameters of `url` (a 400 for the caller when invalid) and
 * streams every matching signatory, a page at a time as the reader asks for more.
 * Pages are separate queries: a signatory added or renamed while a long export runs
 * can be missed or listed twice (docs/decisions/007-open-data.md).
 *
 * Each page is read where directory searches run (the search pool on SQLite, decision
 * 023), so the event loop only turns rows into CSV, one chunk of CHUNK_RECORDS per pull
 * (it answers other requests between chunks), while the pool reads the next page. The
 * first page is read before the answer starts: a busy pool or a page over the budget is
 * then a 503 with a message (thrown, as the directory's); later, it ends the stream
 * early (the response is cut off, never completed with missing rows).
 */
export async function exportCsv(db: DB, url: URL, options: { pageSize?: number } = {}): Promise<CsvExport> {
  const pageSize = options.pageSize ?? EXPORT_PAGE_SIZE;
  const parsed = parseDirectoryQuery(url.searchParams, await knownCodes(db));
  if (!parsed.ok) return parsed;
  const query = parsed.query;
  const readPage = (page: number) => {
    const pageQuery = { ...query, page, perPage: pageSize };
    return offEventLoop(db, "search", pageQuery, (reader) => searchSignatories(reader, pageQuery));
  };
  const encoder = new TextEncoder();
  let page = 1;
  let result: DirectoryPage = await readPage(1);
  let next: Promise<DirectoryPage> | undefined;
  let records: Record<CsvColumn, string>[] | undefined;
  let at = 0;
  let done = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (done) return;
      try {
        if (!records) {
          // The next page is read while this one is written.
          if (page < result.pages && result.items.length > 0) {
            next = readPage(page + 1);
            next.catch(() => undefined);
          }
          const security = await securityStatusBySlug(
            db,
            result.items.map((s) => s.slug),
          );
          records = result.items.map((s) => csvRecord(s, security.get(s.slug) ?? "unchecked"));
          at = 0;
          if (page === 1 && records.length === 0) controller.enqueue(encoder.encode(csvLines([], true)));
        }
        if (at < records.length) {
          controller.enqueue(encoder.encode(csvLines(records.slice(at, at + CHUNK_RECORDS), page === 1 && at === 0)));
          at += CHUNK_RECORDS;
          if (at < records.length) return;
        }
        records = undefined;
        if (!next) {
          done = true;
          controller.close();
          return;
        }
        result = await next;
        next = undefined;
        page++;
      } catch (error) {
        done = true;
        controller.error(error);
      }
    },
    cancel() {
      done = true;
    },
  });
  return { ok: true, query, stream };
}

/** The whole export as one string (tests, and the round trip). */
export async function exportCsvText(db: DB, url: URL, options: { pageSize?: number } = {}): Promise<string> {
  const result = await exportCsv(db, url, options);
  if (!result.ok) throw new Error(`${result.param}: ${result.message}`);
  return new Response(result.stream).text();
}
