// npm run privacy:erase -- --email E
// Erases at once the personal data of every application whose contact address is E (any
// case): name, job title, address and client address, wherever the registry copied them
// (docs/decisions/017). Open applications are withdrawn first. The audit log records the
// erasure without the address, and its chain still verifies (checked before exiting).
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { z } from "zod";
import { verifyAuditChain } from "~/modules/audit/audit.server";
import { closeDb, getDb, migrateToLatest } from "~/modules/database/db.server";
import { erasePersonalDataByEmail } from "~/modules/privacy/erasure.server";

const USAGE = "usage: npm run privacy:erase -- --email E";

function fail(message: string): never {
  console.error(`privacy:erase: ${message}\n${USAGE}`);
  process.exit(1);
}

let values: Record<string, string | boolean | undefined> = {};
try {
  ({ values } = parseArgs({ options: { email: { type: "string" } }, strict: true }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const email = z
  .string({ error: "--email is required" })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "--email must be an e-mail address" }))
  .safeParse(values.email);
if (!email.success) fail(email.error.issues.map((i) => i.message).join("; "));

try {
  const db = getDb();
  await migrateToLatest(db);
  const user = userInfo().username;
  const report = await erasePersonalDataByEmail(db, email.data, { actor: `cli:${user}`, actorLabel: `${user} (npm run privacy:erase)` });
  if (report.applications.length === 0 && report.mails === 0) {
    console.log("privacy:erase: the registry holds no personal data for this address (nothing to erase)");
  } else {
    const chain = await verifyAuditChain(db);
    console.log(
      `privacy:erase: erased the personal data of ${report.applications.length} application(s)` +
        (report.applications.length > 0 ? ` (${report.applications.join(", ")})` : "") +
        (report.withdrawn.length > 0 ? `, withdrawn first: ${report.withdrawn.join(", ")}` : "") +
        `; removed ${report.mails} mail(s); ${report.auditEntries} audit entr${report.auditEntries === 1 ? "y" : "ies"} cleared of it. ` +
        (chain.ok ? `Audit chain intact (${chain.count} entries).` : `AUDIT CHAIN BROKEN at entry #${chain.brokenId}: ${chain.reason}`),
    );
    if (!chain.ok) process.exitCode = 1;
  }
} catch (error) {
  console.error(`privacy:erase: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  await closeDb();
}
