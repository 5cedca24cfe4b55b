import { closeDb, getDb, migrateToLatest } from "../../app/modules/db/db.server";
import { getEnv } from "../../app/utils/env.server";
import { describeSeed, seedDatabase } from "../seed/seeder";

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
