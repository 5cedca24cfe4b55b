// Staff choose their own passwords: an account whose password an admin set at
// /admin/users must change it at first sign-in (app/modules/auth/require-staff.server.ts).
// Existing accounts are not forced: which of their passwords an admin chose was not
// recorded, and the first ones came from `npm run user:create`, where people type their own.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  // ADD COLUMN with NOT NULL, a constant default and a CHECK works alike on both engines.
  await db.schema
    .alterTable("staff")
    .addColumn("must_change_password", "integer", (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`must_change_password in (0, 1)`),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("staff").dropColumn("must_change_password").execute();
}
