// "One open application per domain" (CONTRACT §5) as a constraint, not only a check: with
// several server instances on PostgreSQL, two submissions for one domain can both pass
// the check before either commits. A partial unique index lets only one of them commit;
// the other gets a unique violation, which applications.server.ts turns into the same
// field message as the check. Both engines support partial indexes.
import { sql, type Kysely } from "kysely";

export const OPEN_APPLICATION_DOMAIN_INDEX = "applications_open_domain_idx";
// The open statuses (app/modules/applications/status.ts); migrations import no app code.
const OPEN = ["unverified", "pending", "changes_requested"];

export async function up(db: Kysely<any>): Promise<void> {
  // An index cannot be built over duplicates, and which of two open applications to close
  // is the moderators' call, not a migration's: stop, naming the ones to settle.
  const duplicates: { domain: string }[] = await db
    .selectFrom("applications")
    .select("domain")
    .where("status", "in", OPEN)
    .groupBy("domain")
    .having((eb) => eb.fn.countAll(), ">", 1)
    .execute();
  if (duplicates.length > 0) {
    const rows: { domain: string; ref: string }[] = await db
      .selectFrom("applications")
      .select(["domain", "ref"])
      .where("status", "in", OPEN)
      .where(
        "domain",
        "in",
        duplicates.map((d) => d.domain),
      )
      .orderBy("domain")
      .orderBy("id")
      .execute();
    const list = duplicates.map(
      (d) =>
        `${d.domain}: ${rows
          .filter((r) => r.domain === d.domain)
          .map((r) => r.ref)
          .join(", ")}`,
    );
    throw new Error(
      `several open applications share a domain (${list.join("; ")}); withdraw or decide all but one of each, then migrate again`,
    );
  }
  await db.schema
    .createIndex(OPEN_APPLICATION_DOMAIN_INDEX)
    .on("applications")
    .column("domain")
    .unique()
    // Inlined as literals (Kysely's schema builders bind no parameters).
    .where(sql.ref("status"), "in", OPEN)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex(OPEN_APPLICATION_DOMAIN_INDEX).execute();
}
