// The challenges the registry hands to a browser for a passkey ceremony (issue 17): kept in
// the database, not in the process, so an answer may reach another instance than the one
// that asked; each is bound to what asked for it (a session, or a visitor's anti-forgery
// id, as a SHA-256), used once (deleted when claimed) and valid for a few minutes.
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("webauthn_challenges")
    .addColumn("challenge", "text", (c) => c.primaryKey())
    .addColumn("purpose", "text", (c) => c.notNull().check(sql`purpose in ('register', 'sign_in', 'second_factor')`))
    .addColumn("binding", "text", (c) => c.notNull())
    .addColumn("staff_id", "integer", (c) => c.references("staff.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("webauthn_challenges_expiry_idx").on("webauthn_challenges").column("expires_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("webauthn_challenges").execute();
}
