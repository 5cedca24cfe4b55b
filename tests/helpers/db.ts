// The per-file test database (see setup.ts): migrated and seeded with the real data,
// through the same code as `npm start`.
import { afterAll, beforeAll } from "vitest";
import { closeDb, getDb, migrateToLatest } from "~/modules/database/db.server";
import { prepareDatabase } from "~/modules/database/startup.server";
import { dropDatabase } from "./engine";

export function useSeededDatabase() {
  beforeAll(async () => {
    await prepareDatabase(getDb(), () => {});
  });
  afterAll(dropTestDatabase);
  return getDb;
}

/** The per-file database migrated to the latest version, without the seed data. */
export function useMigratedDatabase() {
  beforeAll(async () => {
    await migrateToLatest(getDb());
  });
  afterAll(dropTestDatabase);
  return getDb;
}

async function dropTestDatabase() {
  await closeDb();
  await dropDatabase(process.env.DATABASE_URL!);
}
