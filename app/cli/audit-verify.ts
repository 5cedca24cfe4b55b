// npm run audit:verify — recomputes the audit log's hash chain from the first entry.
// Exit 0 printing the number of entries when it is intact; exit 1 naming the first entry
// that does not fit (changed, removed or reordered) otherwise. Reads only. The last
// entry's hash is printed too: kept somewhere else, it also reveals entries cut off the
// end, which a chain alone cannot.
import { verifyAuditChain } from "~/modules/audit/audit.server";
import { closeDb, getDb } from "~/modules/database/db.server";
import { getEnv } from "~/utils/env.server";

try {
  const result = await verifyAuditChain(getDb());
  if (result.ok) {
    const head = await getDb().selectFrom("audit_log").select(["id", "hash"]).orderBy("id", "desc").limit(1).executeTakeFirst();
    console.log(
      `audit:verify: intact, ${result.count} ${result.count === 1 ? "entry" : "entries"}` +
        (head ? `; last entry #${head.id}, hash ${head.hash}` : "") +
        ` (${getEnv().DATABASE_URL})`,
    );
  } else {
    console.error(
      `audit:verify: BROKEN at entry #${result.brokenId}: ${result.reason}. ` +
        `${result.count} ${result.count === 1 ? "entry" : "entries"} before it verified.`,
    );
    process.exitCode = 1;
  }
} catch (error) {
  console.error(`audit:verify: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  await closeDb();
}
