// npm run db:synth -- --count N: adds N clearly fake signatories for scale tests.
import { sql } from "kysely";
import { parseArgs } from "node:util";
import { z } from "zod";
import { closeDb, getDb } from "~/modules/database/db.server";
import { prepareDatabase } from "~/modules/database/startup.server";
import { getEnv } from "~/utils/env.server";
import { addSynthetic } from "~/modules/synth/generate.server";

const { values } = parseArgs({ options: { count: { type: "string" } }, args: process.argv.slice(2).filter((a) => a !== "--") });
const count = z.coerce.number().int().min(1).max(5_000_000).safeParse(values.count);
if (!count.success) {
  console.error("db:synth: give how many to add: npm run db:synth -- --count 100000");
  process.exit(1);
}
console.log(`db:synth: adding ${count.data} synthetic signatories to ${getEnv().DATABASE_URL}`);
const started = Date.now();
try {
  const db = getDb();
  await prepareDatabase(db, (m) => console.log(m));
  await addSynthetic(db, count.data, {
    progress(done) {
      const seconds = (Date.now() - started) / 1000;
      console.log(`db:synth: ${done}/${count.data} (${Math.round(done / Math.max(seconds, 0.001))} a second)`);
    },
  });
  // Fresh statistics let the query planner pick the directory's indexes at this size.
  await sql`analyze`.execute(db);
  console.log(`db:synth: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  console.error(`db:synth: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  await closeDb();
}
