// The response cache is only as fresh as data_version, and data_version moves only when a
// trigger on the written table bumps it (migration 009). A public table that lost its
// triggers (an SQLite table rebuild drops them) or never got them would let cached pages
// outlive the data they show. This checks a freshly migrated database, on SQLite and
// (TEST_ENGINE=postgres) on PostgreSQL, against the one list of public tables
// (db/migrations/public-data.ts, docs/decisions/014-schema-and-public-tables.md).
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATA_VERSION_WRITES, PRIVATE_TABLES, PUBLIC_TABLES, dropPublicData, makePublicData } from "../../db/migrations/public-data";
import { useMigratedDatabase } from "../helpers/db";
import { onPostgres } from "../helpers/engine";
import { tableNames, versionTriggers } from "./catalogue";

const getDb = useMigratedDatabase();
let tables: string[] = [];
let triggers = new Map<string, Set<string>>();

beforeAll(async () => {
  tables = await tableNames(getDb());
  triggers = await versionTriggers(getDb());
});

describe(`public tables in a freshly migrated database (${onPostgres ? "PostgreSQL" : "SQLite"})`, () => {
  it("every table is declared public or private, once", () => {
    const undecided = tables.filter((t) => !PUBLIC_TABLES.includes(t) && !(t in PRIVATE_TABLES));
    expect(undecided, "add each to PUBLIC_TABLES (and call makePublicData in its migration) or to PRIVATE_TABLES, with the reason").toEqual(
      [],
    );
    expect(PUBLIC_TABLES.filter((t) => t in PRIVATE_TABLES)).toEqual([]);
  });

  it("every public table exists", () => {
    expect(PUBLIC_TABLES.filter((t) => !tables.includes(t))).toEqual([]);
  });

  it.each([...PUBLIC_TABLES])("%s bumps data_version on insert, update and delete", (table) => {
    expect([...(triggers.get(table) ?? [])].sort()).toEqual([...DATA_VERSION_WRITES].sort());
  });

  it("no private table bumps it (a bump there would only empty the cache)", () => {
    expect([...triggers.keys()].filter((t) => !PUBLIC_TABLES.includes(t))).toEqual([]);
  });
});

describe("applications: public once past unverified (migration 027)", () => {
  const version = async () =>
    Number((await sql<{ version: number }>`select version from data_version where id = 1`.execute(getDb())).rows[0].version);
  const at = "2026-11-29T00:00:00.000Z";
  const application = (ref: string) => ({
    ref,
    name: `Probe ${ref}`,
    name_key: `probe ${ref}`,
    website: `https://${ref.toLowerCase()}.example`,
    domain: `${ref.toLowerCase()}.example`,
    country: "FI",
    sector: "probe",
    description: "A probe.",
    contact_name: "P",
    contact_title: "T",
    contact_email: "p@probe.example",
    status: "unverified" as const,
    verify_token_hash: `v-${ref}`,
    verify_expires_at: at,
    status_token_hash: `s-${ref}`,
    status_token_sealed: null,
    verified_at: null,
    decided_at: null,
    decision_reason: null,
    signatory_id: null,
    client_ip: "127.0.0.1",
    created_at: at,
    updated_at: at,
  });
  const update = (ref: string, values: Record<string, unknown>) =>
    getDb().updateTable("applications").set(values).where("ref", "=", ref).execute();

  beforeAll(async () => {
    await getDb().insertInto("sectors").values({ code: "probe", name: "Probe", description: "A probe sector.", position: 99 }).execute();
  });

  it("an application nobody can see yet (sent, not confirmed) moves no version; confirming it does", async () => {
    const start = await version();
    await getDb().insertInto("applications").values(application("AR-PROBE1")).execute();
    await update("AR-PROBE1", { updated_at: "2026-11-29T00:00:01.000Z" });
    expect(await version(), "an unverified application is private").toBe(start);

    await update("AR-PROBE1", { status: "pending", verified_at: at });
    expect(await version(), "confirmed: /transparency counts it").toBeGreaterThan(start);
    const confirmed = await version();
    await update("AR-PROBE1", { status: "approved", decided_at: at });
    expect(await version()).toBeGreaterThan(confirmed);
    const decided = await version();
    await getDb().deleteFrom("applications").where("ref", "=", "AR-PROBE1").execute();
    expect(await version()).toBeGreaterThan(decided);
  });

  it("an unverified row that leaves unverified, or is inserted seen, moves it; deleting an unseen one does not", async () => {
    await getDb().insertInto("applications").values(application("AR-PROBE2")).execute();
    const start = await version();
    await getDb().deleteFrom("applications").where("ref", "=", "AR-PROBE2").execute();
    expect(await version()).toBe(start);
    await getDb()
      .insertInto("applications")
      .values({ ...application("AR-PROBE3"), status: "pending", verified_at: at })
      .execute();
    expect(await version()).toBeGreaterThan(start);
    const inserted = await version();
    await getDb().insertInto("applications").values(application("AR-PROBE4")).execute();
    await update("AR-PROBE4", { status: "withdrawn" });
    expect(await version(), "a status other than unverified is counted as seen").toBeGreaterThan(inserted);
  });
});

describe("makePublicData", () => {
  const table = "public_data_probe";
  const version = async () =>
    Number((await sql<{ version: number }>`select version from data_version where id = 1`.execute(getDb())).rows[0].version);

  beforeAll(async () => {
    await getDb().schema.createTable(table).addColumn("n", "integer").execute();
  });
  afterAll(async () => {
    await getDb().schema.dropTable(table).ifExists().execute();
  });

  it("bumps the version once per write, also when called again", async () => {
    await makePublicData(getDb(), table);
    await makePublicData(getDb(), table);
    const start = await version();
    await sql`insert into ${sql.table(table)} (n) values (1)`.execute(getDb());
    expect(await version()).toBe(start + 1);
    await sql`update ${sql.table(table)} set n = 2`.execute(getDb());
    expect(await version()).toBe(start + 2);
    await sql`delete from ${sql.table(table)}`.execute(getDb());
    expect(await version()).toBe(start + 3);
    expect([...((await versionTriggers(getDb())).get(table) ?? [])].sort()).toEqual([...DATA_VERSION_WRITES].sort());
  });

  it("dropPublicData removes what it made", async () => {
    await dropPublicData(getDb(), table);
    const start = await version();
    await sql`insert into ${sql.table(table)} (n) values (1)`.execute(getDb());
    expect(await version()).toBe(start);
    expect((await versionTriggers(getDb())).has(table)).toBe(false);
  });
});
