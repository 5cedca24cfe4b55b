// Synthetic, clearly fake signatories for scale tests and benchmarks (CONTRACT §1,
// db:synth). Every one is marked: the name ends in "(synthetic)", the slug starts with
// "synthetic-", the website is under the reserved .example domain.
import { fromFlag, toFlag } from "../../../db/booleans";
import { getDomain } from "tldts";
import { immediateTransaction, type DB } from "~/modules/database/db.server";
import { searchIndex } from "~/modules/database/search.server";

/** A small deterministic generator (mulberry32), so a count always makes the same rows. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PREFIXES = [
  "Aster",
  "Boreal",
  "Cobalt",
  "Delta",
  "Ember",
  "Fjord",
  "Granite",
  "Harbor",
  "Iris",
  "Juniper",
  "Kestrel",
  "Lumen",
  "Meridian",
  "Nimbus",
  "Orchid",
  "Pioneer",
  "Quartz",
  "Riverstone",
  "Sable",
  "Tundra",
  "Umber",
  "Vantage",
  "Willow",
  "Xenon",
  "Yarrow",
  "Zephyr",
];
const CORES = [
  "Secure",
  "Cloud",
  "Data",
  "Net",
  "Cyber",
  "Signal",
  "Shield",
  "Logic",
  "Grid",
  "Wave",
  "Core",
  "Link",
  "Vault",
  "Trust",
  "Byte",
  "Stack",
];
const SUFFIXES = [
  "Systems",
  "Labs",
  "Technologies",
  "Networks",
  "Software",
  "Group",
  "Solutions",
  "Industries",
  "Analytics",
  "Communications",
];
const ACTIVITIES = [
  "endpoint protection",
  "managed detection and response",
  "cloud hosting",
  "payment processing",
  "industrial control systems",
  "network equipment",
  "identity and access management",
  "threat intelligence",
  "secure messaging",
  "data analytics",
  "semiconductor design",
  "mobile networks",
  "content delivery",
  "developer tools",
  "IT consulting",
];
const AUDIENCES = [
  "small businesses",
  "hospitals",
  "banks",
  "public agencies",
  "manufacturers",
  "schools",
  "telecom operators",
  "retailers",
  "developers",
  "households",
];

// Roughly the accord's real spread: many American and European companies, a long tail.
const COUNTRIES: [string, number][] = [
  ["US", 34],
  ["GB", 8],
  ["DE", 6],
  ["FR", 5],
  ["JP", 5],
  ["IN", 5],
  ["ES", 4],
  ["NL", 3],
  ["IL", 3],
  ["FI", 2],
  ["SE", 2],
  ["CH", 2],
  ["KR", 2],
  ["CA", 2],
  ["AU", 2],
  ["BR", 2],
  ["SG", 2],
  ["IT", 2],
  ["PL", 1],
  ["EE", 1],
  ["RO", 1],
  ["CZ", 1],
  ["NG", 1],
  ["KE", 1],
  ["MX", 1],
  ["ZA", 1],
  ["AE", 1],
];
const SECTORS: [string, number][] = [
  ["security", 30],
  ["software", 22],
  ["services", 10],
  ["telecom", 8],
  ["hardware", 7],
  ["networking", 6],
  ["infrastructure", 5],
  ["internet", 4],
  ["fintech", 4],
  ["data", 2],
  ["industrial", 1],
  ["other", 1],
];

function weighted<T>(rand: () => number, table: [T, number][]): T {
  const total = table.reduce((sum, [, w]) => sum + w, 0);
  let pick = rand() * total;
  for (const [value, weight] of table) if ((pick -= weight) < 0) return value;
  return table[table.length - 1][0];
}

const pick = <T>(rand: () => number, list: T[]) => list[Math.floor(rand() * list.length)];
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const LAUNCH = Date.UTC(2018, 3, 18);
const END = Date.UTC(2026, 9, 31);

/**
 * Adds `count` synthetic signatories in transactions of `batch` rows, calling
 * `progress(done)` after each. Returns how many it added.
 */
export async function addSynthetic(
  db: DB,
  count: number,
  options: { batch?: number; progress?: (done: number) => void } = {},
): Promise<number> {
  const batch = options.batch ?? 2_000;
  const pledges = await db.selectFrom("pledges").select(["code", "required", "introduced_on"]).orderBy("position").execute();
  const first = (
    await db
      .selectFrom("signatories")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow()
  ).n;
  const rand = random(Number(first) + 1);
  let done = 0;
  while (done < count) {
    const size = Math.min(batch, count - done);
    // BEGIN IMMEDIATE: a server may be writing the same file meanwhile (busy_timeout waits).
    await immediateTransaction(db, async (trx) => {
      const now = new Date().toISOString();
      const rows = Array.from({ length: size }, (_, i) => {
        const n = Number(first) + done + i + 1;
        const label = String(n).padStart(6, "0");
        const name = `${pick(rand, PREFIXES)} ${pick(rand, CORES)} ${pick(rand, SUFFIXES)} ${label} (synthetic)`;
        // Joins grow over the years, like the real accord's did.
        const joined = day(LAUNCH + Math.sqrt(rand()) * (END - LAUNCH));
        const statusRoll = rand();
        const status = statusRoll < 0.04 ? ("withdrawn" as const) : statusRoll < 0.05 ? ("suspended" as const) : ("active" as const);
        const website = `https://synthetic-${label}.example`;
        return {
          slug: `synthetic-${label}`,
          name,
          website,
          domain: getDomain(website),
          country: weighted(rand, COUNTRIES),
          sector: weighted(rand, SECTORS),
          description: `Fictitious company made for load tests: provides ${pick(rand, ACTIVITIES)} for ${pick(rand, AUDIENCES)} and ${pick(rand, ACTIVITIES)} for ${pick(rand, AUDIENCES)}.`,
          joined_on: joined,
          founding: toFlag(false),
          status,
          withdrawn_on: status === "withdrawn" ? day(Math.min(END, Date.parse(joined) + rand() * 3 * 365 * 86_400_000)) : null,
          former_names: null,
          notes: "Synthetic record for scale tests; not a real signatory.",
          created_at: now,
          updated_at: now,
        };
      });
      const ids: number[] = [];
      // 16 columns a row: 1,000 rows stay under SQLite's 32,766 bound variables.
      for (let i = 0; i < rows.length; i += 1_000) {
        const inserted = await trx
          .insertInto("signatories")
          .values(rows.slice(i, i + 1_000))
          .returning(["id", "joined_on", "status", "withdrawn_on"])
          .execute();
        ids.push(...inserted.map((r) => r.id));
        const endorsements = inserted.flatMap((r) =>
          pledges
            .filter((p) => fromFlag(p.required) || (p.introduced_on <= r.joined_on ? rand() < 0.3 : rand() < 0.15))
            .map((p) => ({
              signatory_id: r.id,
              pledge_code: p.code,
              endorsed_on: fromFlag(p.required) || p.introduced_on <= r.joined_on ? r.joined_on : p.introduced_on,
            })),
        );
        for (let j = 0; j < endorsements.length; j += 5_000) {
          await trx
            .insertInto("endorsements")
            .values(endorsements.slice(j, j + 5_000))
            .execute();
        }
        const events = inserted.flatMap((r) => [
          { signatory_id: r.id, kind: "joined" as const, occurred_on: r.joined_on, pledge_code: null, detail: null, created_at: now },
          ...(r.status === "withdrawn" && r.withdrawn_on
            ? [
                {
                  signatory_id: r.id,
                  kind: "withdrawn" as const,
                  occurred_on: r.withdrawn_on,
                  pledge_code: null,
                  detail: "Synthetic withdrawal",
                  created_at: now,
                },
              ]
            : []),
        ]);
        for (let j = 0; j < events.length; j += 5_000) {
          await trx
            .insertInto("signatory_events")
            .values(events.slice(j, j + 5_000))
            .execute();
        }
      }
      await searchIndex(trx).reindex(trx, ids);
    });
    done += size;
    options.progress?.(done);
  }
  return done;
}
