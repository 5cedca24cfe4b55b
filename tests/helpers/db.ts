// The per-file test database (see setup.ts): migrated and seeded with the real data,
// through the same code as `npm start`.
import { rmSync } from "node:fs";
import { afterAll, beforeAll } from "vitest";
import { closeDb, getDb, sqlitePath } from "~/modules/db/db.server";
import { prepareDatabase } from "~/modules/db/startup.server";

export function useSeededDatabase() {
  beforeAll(async () => {
    await prepareDatabase(getDb(), () => {});
  });
  afterAll(async () => {
    await closeDb();
    const path = sqlitePath(process.env.DATABASE_URL!);
    for (const suffix of ["", "-wal", "-shm"]) rmSync(path + suffix, { force: true });
  });
  return getDb;
}
