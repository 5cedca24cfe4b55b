// Logos (issue 14, docs/decisions/019): an applicant may send one with the application; it
// is approved with it and becomes the signatory's, which moderators can replace. Kept in the
// database, so every instance serves the same image: re-encoded (the upload itself is never
// kept) as PNG and WebP at one fixed size, stored as base64 text (the same column type on
// both engines; a logo is a few kilobytes), with a hash of both for ETags and addresses.
// A signatory's logo is public data (its pages and the API show it): data-version triggers.
// An application's is not, until approved.
import type { Kysely } from "kysely";
import { dropPublicData, makePublicData } from "./public-data";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("signatory_logos")
    .addColumn("signatory_id", "integer", (c) => c.primaryKey().notNull().references("signatories.id").onDelete("cascade"))
    .addColumn("png", "text", (c) => c.notNull())
    .addColumn("webp", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await makePublicData(db, "signatory_logos");

  await db.schema
    .createTable("application_logos")
    .addColumn("application_id", "integer", (c) => c.primaryKey().notNull().references("applications.id").onDelete("cascade"))
    .addColumn("png", "text", (c) => c.notNull())
    .addColumn("webp", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("application_logos").execute();
  await dropPublicData(db, "signatory_logos");
  await db.schema.dropTable("signatory_logos").execute();
}
