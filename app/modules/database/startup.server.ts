import { describeSeed, seedDatabase } from "~/modules/seed/seeder.server";
import { getDb, migrateToLatest, type DB } from "./db.server";

/** Migrates the database and seeds it when it is empty (CONTRACT §1, npm start). */
export async function prepareDatabase(db: DB = getDb(), log = console.log): Promise<void> {
  const applied = await migrateToLatest(db);
  if (applied.length > 0) log(`database: applied migrations ${applied.join(", ")}`);
  const sectors = await db.selectFrom("sectors").select("code").limit(1).execute();
  if (sectors.length === 0) {
    log("database: empty, seeding the accord's signatories and pledges");
    log(describeSeed(await seedDatabase(db)));
  }
}
