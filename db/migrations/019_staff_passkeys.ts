// Passkeys (WebAuthn credentials) for staff sign-in (issue 17, docs/decisions/020). One row
// per credential: its id and COSE public key as the authenticator gave them (base64url),
// the WebAuthn user handle the account's credentials share, the signature counter last
// seen (a uint32: bigint on PostgreSQL), the backup flags the authenticator last reported,
// the name the person chose, and when it was made and last used. Sessions remember
// whether a passkey opened them, for STAFF_MFA=passkey.
import { sql, type Kysely } from "kysely";
import { idColumn } from "./dialect";

export async function up(db: Kysely<any>): Promise<void> {
  await idColumn(db, db.schema.createTable("staff_passkeys"))
    .addColumn("staff_id", "integer", (c) => c.notNull().references("staff.id").onDelete("cascade"))
    .addColumn("credential_id", "text", (c) => c.notNull().unique())
    .addColumn("public_key", "text", (c) => c.notNull())
    .addColumn("user_handle", "text", (c) => c.notNull())
    .addColumn("counter", "bigint", (c) => c.notNull().defaultTo(0))
    // JSON array of the transports the browser reported (usb, nfc, internal, hybrid …).
    .addColumn("transports", "text")
    .addColumn("aaguid", "text", (c) => c.notNull())
    // Backup eligible (a multi-device credential, synced by its provider) and backed up.
    .addColumn("backup_eligible", "integer", (c) => c.notNull().check(sql`backup_eligible in (0, 1)`))
    .addColumn("backed_up", "integer", (c) => c.notNull().check(sql`backed_up in (0, 1)`))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_used_at", "text")
    .execute();
  await db.schema.createIndex("staff_passkeys_staff_idx").on("staff_passkeys").column("staff_id").execute();

  // ADD COLUMN with NOT NULL, a constant default and a CHECK works alike on both engines.
  await db.schema
    .alterTable("staff_sessions")
    .addColumn("passkey", "integer", (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`passkey in (0, 1)`),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("staff_sessions").dropColumn("passkey").execute();
  await db.schema.dropTable("staff_passkeys").execute();
}
