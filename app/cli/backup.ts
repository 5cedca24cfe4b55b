// npm run db:backup -- FILE: a consistent copy of the live SQLite database through
// SQLite's online backup API (the server may keep running and writing), then checked
// with PRAGMA integrity_check before it is called good.
import Sqlite from "better-sqlite3";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { sqlitePath } from "~/modules/database/db.server";
import { getEnv } from "~/utils/env.server";

const args = z
  .tuple([z.string().min(1, "give the backup file: npm run db:backup -- FILE")])
  .safeParse(process.argv.slice(2).filter((a) => a !== "--"));
if (!args.success) {
  console.error("db:backup: give the backup file: npm run db:backup -- FILE");
  process.exit(1);
}
const target = resolve(args.data[0]);
const source = sqlitePath(getEnv().DATABASE_URL);
if (!existsSync(source)) {
  console.error(`db:backup: no database at ${source}`);
  process.exit(1);
}

const partial = `${target}.partial`;
mkdirSync(dirname(target), { recursive: true });
rmSync(partial, { force: true });
const db = new Sqlite(source, { fileMustExist: true });
db.pragma("busy_timeout = 5000");
console.log(`db:backup: copying ${source} to ${target}`);
try {
  let lastShown = -1;
  await db.backup(partial, {
    progress({ totalPages, remainingPages }) {
      const percent = Math.floor(((totalPages - remainingPages) / Math.max(1, totalPages)) * 100);
      if (percent >= lastShown + 10) {
        console.log(`db:backup: ${percent}% (${totalPages - remainingPages}/${totalPages} pages)`);
        lastShown = percent;
      }
      return 100; // pages per step: small steps let the server's writes through
    },
  });
} catch (error) {
  rmSync(partial, { force: true });
  console.error(`db:backup: failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
} finally {
  db.close();
}

const copy = new Sqlite(partial, { readonly: true });
const check = copy.pragma("integrity_check", { simple: true });
const signatories = (copy.prepare("select count(*) as n from signatories").get() as { n: number }).n;
copy.close();
if (check !== "ok") {
  console.error(`db:backup: the copy failed its integrity check: ${check}`);
  rmSync(partial, { force: true });
  process.exit(1);
}
renameSync(partial, target);
console.log(`db:backup: done, integrity_check ok, ${signatories} signatories in ${target}`);
