// npm run db:import -- FILE.csv (CONTRACT §1): the logic is in
// app/modules/opendata/import.server.ts; this reads the file, names the operator for the
// audit log, prints what happened and sets the exit code (1 when refused or failed).
import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { basename } from "node:path";
import { closeDb, getDb, migrateToLatest } from "~/modules/database/db.server";
import { describeImport, importSignatories } from "~/modules/opendata/import.server";
import { getEnv } from "~/utils/env.server";

const file = process.argv[2];
if (!file || process.argv.length > 3) {
  console.error("usage: npm run db:import -- FILE.csv");
  process.exit(1);
}

function operator(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? "unknown";
  }
}

console.log(`db:import: ${getEnv().DATABASE_URL}`);
try {
  const content = readFileSync(file);
  const db = getDb();
  await migrateToLatest(db);
  const user = operator();
  const result = await importSignatories(db, {
    file: basename(file),
    content,
    actor: `cli:${user}`,
    actorLabel: `${user} (npm run db:import)`,
  });
  if (result.ok) {
    console.log(describeImport(file, result.report));
  } else {
    const lines = result.errors.filter((e) => e.line !== null).length;
    console.error(`db:import: ${file} refused, nothing was changed${lines ? ` (${lines} bad ${lines === 1 ? "line" : "lines"})` : ""}:`);
    for (const e of result.errors) console.error(e.line === null ? `  ${e.message}` : `  line ${e.line}: ${e.message}`);
    process.exitCode = 1;
  }
} catch (error) {
  console.error(`db:import: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  await closeDb();
}
