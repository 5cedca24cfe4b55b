import { closeDb, getDb, migrateToLatest } from "~/modules/database/db.server";
import { getEnv } from "~/utils/env.server";
import { describeSeed, seedDatabase } from "~/modules/seed/seeder.server";

console.log(`db:seed: ${getEnv().DATABASE_URL}`);
try {
  const db = getDb();
  await migrateToLatest(db);
  console.log(describeSeed(await seedDatabase(db)));
} catch (error) {
  console.error(`db:seed: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  await closeDb();
}
