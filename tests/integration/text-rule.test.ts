// One rule for the text people and files write (app/modules/text.ts): no control
// characters (line breaks and tabs only in multi-line fields), no text-direction
// overrides, no unpaired surrogates, no noncharacters (U+FFFE, U+FFFF…), Unicode NFC.
// The applicant, the moderator's edit and db:import refuse the same characters, each
// with a message beside (or naming) the field, and write nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { MESSAGES } from "~/modules/applications/schema";
import { getSignatory } from "~/modules/directory/directory.server";
import { importSignatories } from "~/modules/opendata/import.server";
import { escapeXml } from "~/modules/opendata/xml";
import { forbiddenCharacter, normaliseLine, normaliseText } from "~/modules/text";
import * as applyRoute from "~/routes/apply";
import * as editSignatory from "~/routes/moderation.signatories.$slug";
import { useSeededDatabase } from "../helpers/db";
import { visitor } from "../helpers/remix";
import { bodyOf, postForm, renderPage, validFields } from "./apply-fixtures";
import { createStaffUser, postAs, respond, sessionCookie } from "./staff-fixtures";

const getDb = useSeededDatabase();
let cookie: string;

beforeAll(async () => {
  const moderator = await createStaffUser(getDb(), { name: "Text Rule Moderator" });
  cookie = (await sessionCookie(getDb(), moderator.id)).cookie;
});

/** What the database holds that these tests could change. */
async function snapshot() {
  const db = getDb();
  const count = async (table: "signatories" | "signatory_events" | "audit_log" | "applications") =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    arm: await db.selectFrom("signatories").selectAll().where("slug", "=", "arm").executeTakeFirstOrThrow(),
    signatories: await count("signatories"),
    events: await count("signatory_events"),
    audit: await count("audit_log"),
    applications: await count("applications"),
  };
}

// Characters every write path refuses, in a one-line field and in a multi-line one.
const REFUSED: [string, string][] = [
  ["U+0001 (start of heading)", "\u0001"],
  ["U+0008 (backspace)", "\u0008"],
  ["U+001B (escape)", "\u001b"],
  ["U+007F (delete)", "\u007f"],
  ["U+009B (C1 control)", "\u009b"],
  ["U+202E (right-to-left override)", "\u202e"],
  ["U+FFFE (noncharacter)", "\ufffe"],
  ["U+FFFF (noncharacter)", "\uffff"],
];
// Refused in a one-line field; in a multi-line one it is a line break (becomes \n).
const NEXT_LINE = "\u0085";

describe("the moderator's edit of a signatory", () => {
  const path = "/moderation/signatories/arm";
  const facts = async () => {
    const s = (await getSignatory(getDb(), "arm"))!;
    return {
      intent: "save",
      name: s.name,
      website: s.website,
      country: s.country,
      sector: s.sector,
      description: s.description,
      joined_on: s.joined_on,
      notes: s.notes ?? "",
    };
  };
  const edit = (fields: Record<string, string>) => respond(editSignatory.action, postAs(path, fields, cookie, { params: { slug: "arm" } }));

  for (const [field, label] of [
    ["name", "The name"],
    ["description", "The description"],
    ["notes", "The notes"],
  ] as const) {
    it.each(REFUSED)(`refuses ${field} with %s: 400, the message beside the field names it, nothing stored`, async (_, character) => {
      const before = await snapshot();
      const fields = await facts();
      const value =
        field === "notes"
          ? `Renamed in 2020${character} after a merger.`
          : `${fields[field].slice(0, 10)}${character}${fields[field].slice(10)}`;
      const response = await edit({ ...fields, [field]: value });
      expect(response.status).toBe(400);
      const data = await response.json();
      expect(Object.keys(data.errors)).toEqual([field]);
      expect(data.errors[field]).toMatch(new RegExp(`^${label} `));
      expect(data.errors[field]).toContain(`U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`);
      expect(await snapshot()).toEqual(before);
    });
  }

  it("refuses U+0085 (next line) in the name, and shows the message beside the field on the page", async () => {
    const before = await snapshot();
    expect((await (await edit({ ...(await facts()), name: `Arm${NEXT_LINE}Holdings` })).json()).errors).toEqual({
      name: expect.stringMatching(/^The name .*U\+0085/),
    });
    const fields = { ...(await facts()), name: "Arm\u0007Holdings" };
    const context = visitor();
    const page = await renderPage(
      editSignatory,
      "/moderation/signatories/:slug",
      postAs(path, fields, cookie, { params: { slug: "arm" }, context }).request,
      context,
    );
    expect(page.status).toBe(400);
    const doc = page.document!;
    const input = doc.querySelector<HTMLInputElement>('input[name="name"]')!;
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const error = doc.getElementById(
      input
        .getAttribute("aria-describedby")!
        .split(" ")
        .find((id) => id.endsWith("-error"))!,
    )!;
    expect(error.textContent).toContain("The name contains U+0007");
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a control character in the website address, which the URL parser would otherwise skip", async () => {
    const before = await snapshot();
    const response = await edit({ ...(await facts()), website: "https://www.a\trm.com" });
    expect(response.status).toBe(400);
    expect((await response.json()).errors).toEqual({ website: expect.stringMatching(/^The website address contains U\+0009/) });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a control character in a withdrawal reason (it reaches the public history and the feed)", async () => {
    const before = await snapshot();
    const response = await edit({ intent: "withdraw", reason: "Left\u0001 the accord.", on: "" });
    expect(response.status).toBe(400);
    expect((await response.json()).errors).toEqual({ reason: expect.stringMatching(/^A reason contains U\+0001/) });
    expect(await snapshot()).toEqual(before);
  });

  it("keeps line breaks in the description (CRLF becomes LF), and stores names in NFC", async () => {
    const fields = await facts();
    const response = await edit({
      ...fields,
      name: " Arm Cafe\u0301 \t Holdings ",
      description: "Arm designs processors.\r\n\r\nIt joined\tin 2018\u0085and keeps its pledges.",
    });
    expect(response.status).toBe(303);
    const s = (await getSignatory(getDb(), "arm"))!;
    expect(s.name).toBe("Arm Caf\u00e9 Holdings");
    expect(s.description).toBe("Arm designs processors.\n\nIt joined in 2018\nand keeps its pledges.");
  });
});

describe("the application form", () => {
  it.each([
    ["name", "Northwind\uffffSecurity"],
    ["name", "Northwind\ufffe Security"],
    ["contact_name", "Jane\uffffDoe"],
    ["description", "Northwind builds intrusion detection\ufffe for small hospitals and schools."],
  ])("refuses %s with a noncharacter: 400, the message beside the field, nothing stored", async (field, value) => {
    const before = await snapshot();
    const response = await postForm(applyRoute.action, "/apply", validFields({ [field]: value }));
    expect(response.status).toBe(400);
    expect((await bodyOf(response)).errors).toEqual({ [field]: MESSAGES.forbidden });
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a control character in the name with the same rule", async () => {
    const response = await postForm(applyRoute.action, "/apply", validFields({ name: "Northwind\u001b[31m Security" }));
    expect(response.status).toBe(400);
    expect((await bodyOf(response)).errors).toEqual({ name: MESSAGES.forbidden });
  });
});

describe("db:import", () => {
  const HEADER = "slug,name,website,country,sector,joined_on,founding,status,pledges";
  const PRINCIPLES = "stronger-defense;no-offense;capacity-building;collective-action";

  it("refuses a name with a control character, an override or a noncharacter, naming the line, and writes nothing", async () => {
    const names = ["Ctrl\u0001Co", "Esc\u001b[2J Co", "Rtl \u202eoC", "Non\ufffeCo", "Non\uffffCo", "Next\u0085Line Co"];
    const lines = [
      HEADER,
      ...names.map((name, i) => `text-rule-${i},${name},https://text-rule-${i}.example,DE,security,2024-01-01,false,active,${PRINCIPLES}`),
    ];
    const before = await snapshot();
    const result = await importSignatories(getDb(), {
      file: "t.csv",
      content: Buffer.from(lines.join("\r\n") + "\r\n"),
      actor: "cli:tester",
      actorLabel: "tester",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.line)).toEqual(names.map((_, i) => i + 2));
    for (const e of result.errors) expect(e.message).toMatch(/^name .*U\+[0-9A-F]{4}/);
    expect(await snapshot()).toEqual(before);
  });
});

describe("the rule itself", () => {
  it("allows line breaks and tabs only in multi-line text, and finds what it refuses", () => {
    expect(forbiddenCharacter("Acme\nCo", "line")).toBe("\n");
    expect(forbiddenCharacter("Acme\tCo", "line")).toBe("\t");
    expect(forbiddenCharacter("Acme\nCo\tLtd", "text")).toBeNull();
    expect(forbiddenCharacter("Acme\rCo", "text")).toBe("\r");
    expect(forbiddenCharacter("Acme \ud800 Co", "line")).toBe("\ud800");
    expect(forbiddenCharacter("Acme \udfff Co", "text")).toBe("\udfff");
    expect(forbiddenCharacter("Shield \ud83d\udee1 Co", "line")).toBeNull();
    expect(forbiddenCharacter("\u{10FFFF}", "line")).toBe("\u{10FFFF}");
    expect(forbiddenCharacter("Zürich Données 東京 شركة", "line")).toBeNull();
    for (const [, c] of REFUSED) {
      expect(forbiddenCharacter(`a${c}b`, "line")).toBe(c);
      expect(forbiddenCharacter(`a${c}b`, "text")).toBe(c);
    }
  });

  it("normalises to NFC, one line or several", () => {
    expect(normaliseLine("  Cafe\u0301 \t  Ltd \r\n")).toBe("Café Ltd");
    expect(normaliseText("One\r\nTwo\rThree\n\n\n\nFour")).toBe("One\nTwo\nThree\n\nFour");
  });
});

describe("XML escaping drops what XML 1.0 forbids", () => {
  it("keeps tab, line feed and carriage return, drops other C0 controls, unpaired surrogates, U+FFFE and U+FFFF", () => {
    expect(escapeXml("a\u0000b\u0001c\u0008d\u000be\u000cf\u001fg\ufffeh\uffffi\ud800j\udc00k")).toBe("abcdefghijk");
    expect(escapeXml("a\tb\nc\rd")).toBe("a\tb\nc\rd");
    expect(escapeXml("<a href='x'>&</a> \ud83d\udee1 \u0085")).toBe("&lt;a href=&apos;x&apos;&gt;&amp;&lt;/a&gt; \ud83d\udee1 \u0085");
  });
});
