import { closeDb, getDb, migrateToLatest } from "~/modules/database/db.server";
import { getEnv } from "~/utils/env.server";

const url = getEnv().DATABASE_URL;
console.log(`db:migrate: ${url}`);
try {
  const applied = await migrateToLatest(getDb());
  console.log(applied.length ? `db:migrate: applied ${applied.join(", ")}` : "db:migrate: already up to date");
} catch (error) {
  console.error(`db:migrate: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  await closeDb();
}
