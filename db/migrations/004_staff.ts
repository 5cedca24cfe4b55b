import { sql, type Kysely } from "kysely";
import { idColumn } from "./dialect";

export async function up(db: Kysely<any>): Promise<void> {
  // Staff accounts. The password is an argon2id hash; the TOTP secret is encrypted with a
  // key derived from SESSION_SECRET (app/modules/auth/mfa.server.ts) and never shown again.
  await idColumn(db, db.schema.createTable("staff"))
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('admin', 'moderator')`))
    .addColumn("active", "integer", (c) =>
      c
        .notNull()
        .defaultTo(1)
        .check(sql`active in (0, 1)`),
    )
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("totp_secret", "text")
    .addColumn("totp_enrolled_at", "text")
    // The last TOTP time step accepted, so a code cannot be used twice.
    .addColumn("totp_last_step", "bigint")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_sign_in_at", "text")
    .execute();

  // Server-side sessions: the cookie holds a random 256-bit id, the table only its SHA-256.
  // stage 'mfa' is a password that still waits for its second factor.
  await db.schema
    .createTable("staff_sessions")
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("staff_id", "integer", (c) => c.notNull().references("staff.id").onDelete("cascade"))
    .addColumn("stage", "text", (c) => c.notNull().check(sql`stage in ('mfa', 'full')`))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_seen_at", "text", (c) => c.notNull())
    .addColumn("ip", "text")
    .execute();
  await db.schema.createIndex("staff_sessions_staff_idx").on("staff_sessions").column("staff_id").execute();

  // One-time recovery codes for a lost authenticator, stored as SHA-256 hashes.
  await idColumn(db, db.schema.createTable("staff_recovery_codes"))
    .addColumn("staff_id", "integer", (c) => c.notNull().references("staff.id").onDelete("cascade"))
    .addColumn("code_hash", "text", (c) => c.notNull().unique())
    .addColumn("used_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  // Moderators' internal notes on an application; never shown to the applicant.
  await idColumn(db, db.schema.createTable("application_notes"))
    .addColumn("application_id", "integer", (c) => c.notNull().references("applications.id").onDelete("cascade"))
    .addColumn("staff_id", "integer", (c) => c.notNull().references("staff.id"))
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("application_notes_app_idx").on("application_notes").column("application_id").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["application_notes", "staff_recovery_codes", "staff_sessions", "staff"]) {
    await db.schema.dropTable(table).execute();
  }
}
