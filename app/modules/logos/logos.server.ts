// Logos (issue 14, CONTRACT §8, docs/decisions/019): an upload is never kept or served as
// sent. It is read by sharp (libvips) with limits first: at most 2 MiB, a PNG, JPEG or WebP
// by its content (whatever its name or declared type says; SVG and everything else refused),
// at most 40 million pixels by its header (a decompression bomb is refused before it is
// decoded), then decoded once, turned upright, fitted into a fixed square on a transparent
// ground and re-encoded as PNG and WebP. Re-encoding keeps pixels only: metadata (EXIF with
// GPS, XMP, ICC, comments) and anything appended to the file (a polyglot's payload) are
// gone. Stored in the database (base64) so every instance serves the same image.
import { createHash } from "node:crypto";
import sharp from "sharp";
import type { DB } from "~/modules/database/db.server";
import { fail, ok, type Result } from "~/modules/result";
import type { LogoFormat } from "./paths";

/** The largest file accepted (the server's body cap for the upload is a little above it). */
export const LOGO_MAX_BYTES = 2 * 1024 * 1024;
/** Pixels an image may declare; above it, refused from its header without decoding. */
const MAX_PIXELS = 40_000_000;
/** The stored size: a square, the logo fitted inside. */
export const LOGO_SIZE = 256;
const ACCEPTED = new Set(["png", "jpeg", "webp"]);

export const LOGO_MESSAGES = {
  tooLarge: "The logo is larger than 2 MiB. Send a smaller file (a PNG or WebP of a few hundred pixels is plenty).",
  svg: "SVG logos are not accepted, because they can carry scripts. Send the logo as a PNG, JPEG or WebP image.",
  format: "The file is not a PNG, JPEG or WebP image. Send the logo as one of those.",
  unreadable: "The image could not be read: the file may be damaged or incomplete. Export it again as PNG, JPEG or WebP.",
  tooManyPixels: "The image is too large in pixels (more than 40 megapixels). Send a smaller version of the logo.",
  tooSmall: "The image is too small to show as a logo. Send one at least 16 pixels wide and high.",
} as const;

export interface ProcessedLogo {
  png: Buffer;
  webp: Buffer;
  /** Names this pair of images: ETag and the `v` of its address. */
  hash: string;
}

const invalid = (message: string) => fail({ kind: "invalid", errors: { logo: message } });

/** The file field of a form: null when none was chosen (browsers send an empty, nameless part). */
export function logoFile(form: FormData, field = "logo"): File | null | "many" {
  const all = form.getAll(field).filter((v): v is File => typeof v !== "string" && (v.size > 0 || v.name !== ""));
  if (all.length > 1) return "many";
  return all[0] ?? null;
}

/** Reads, checks and re-encodes an upload; messages are for the field beside the upload. */
export async function processLogo(file: File): Promise<Result<ProcessedLogo>> {
  if (file.size > LOGO_MAX_BYTES) return invalid(LOGO_MESSAGES.tooLarge);
  const input = Buffer.from(await file.arrayBuffer());
  if (looksLikeSvg(input)) return invalid(LOGO_MESSAGES.svg);
  let format: string | undefined;
  let width = 0;
  let height = 0;
  try {
    // The header only: format and declared size, nothing decoded yet.
    const meta = await sharp(input, { limitInputPixels: false }).metadata();
    format = meta.format;
    width = meta.width ?? 0;
    height = meta.height ?? 0;
  } catch {
    return invalid(LOGO_MESSAGES.format);
  }
  if (format === "svg") return invalid(LOGO_MESSAGES.svg);
  if (!format || !ACCEPTED.has(format)) return invalid(LOGO_MESSAGES.format);
  if (width * height > MAX_PIXELS) return invalid(LOGO_MESSAGES.tooManyPixels);
  if (width < 16 || height < 16) return invalid(LOGO_MESSAGES.tooSmall);
  try {
    // One decode, bounded again by the pixel limit; the first frame of an animation; upright
    // by its EXIF orientation; fitted into the square. Output carries no metadata (sharp
    // writes none unless asked).
    const upright = await sharp(input, { limitInputPixels: MAX_PIXELS, failOn: "error", pages: 1 })
      .rotate()
      .resize(LOGO_SIZE, LOGO_SIZE, { fit: "contain", background: { r: 255, g: 255, b: 255, alpha: 0 } })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const pixels = () => sharp(upright.data, { raw: upright.info });
    const [png, webp] = await Promise.all([
      pixels().png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer(),
      pixels().webp({ quality: 90, alphaQuality: 100 }).toBuffer(),
    ]);
    const hash = createHash("sha256").update(png).update(webp).digest("hex").slice(0, 16);
    return ok({ png, webp, hash });
  } catch {
    return invalid(LOGO_MESSAGES.unreadable);
  }
}

/** An SVG (or any XML) by its first bytes, whatever it is called. */
function looksLikeSvg(input: Buffer): boolean {
  const head = input
    .subarray(0, 512)
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .trimStart()
    .toLowerCase();
  return head.startsWith("<svg") || head.startsWith("<?xml") || head.startsWith("<!doctype svg") || /<svg[\s>]/.test(head);
}

const stored = (logo: ProcessedLogo) => ({ png: logo.png.toString("base64"), webp: logo.webp.toString("base64"), hash: logo.hash });

/** Keeps the logo sent with an application (in the transaction that stores it). */
export async function saveApplicationLogo(trx: DB, applicationId: number, logo: ProcessedLogo): Promise<void> {
  await trx
    .insertInto("application_logos")
    .values({ application_id: applicationId, ...stored(logo), created_at: new Date().toISOString() })
    .execute();
}

/** An approval's step: the application's logo, if it sent one, becomes the signatory's. */
export async function approveApplicationLogo(trx: DB, applicationId: number, signatoryId: number): Promise<boolean> {
  const logo = await trx.selectFrom("application_logos").selectAll().where("application_id", "=", applicationId).executeTakeFirst();
  if (!logo) return false;
  await trx
    .insertInto("signatory_logos")
    .values({ signatory_id: signatoryId, png: logo.png, webp: logo.webp, hash: logo.hash, updated_at: new Date().toISOString() })
    .execute();
  return true;
}

/** Sets (or replaces) a signatory's logo; the hash before, for the audit. */
export async function setSignatoryLogo(trx: DB, signatoryId: number, logo: ProcessedLogo): Promise<{ before: string | null }> {
  const before = await trx.selectFrom("signatory_logos").select("hash").where("signatory_id", "=", signatoryId).executeTakeFirst();
  const values = { ...stored(logo), updated_at: new Date().toISOString() };
  if (before) await trx.updateTable("signatory_logos").set(values).where("signatory_id", "=", signatoryId).execute();
  else
    await trx
      .insertInto("signatory_logos")
      .values({ signatory_id: signatoryId, ...values })
      .execute();
  return { before: before?.hash ?? null };
}

export interface LogoImage {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
  hash: string;
}

const image = (row: { png: string; webp: string; hash: string }, format: LogoFormat): LogoImage => ({
  body: new Uint8Array(Buffer.from(format === "webp" ? row.webp : row.png, "base64")),
  contentType: format === "webp" ? "image/webp" : "image/png",
  hash: row.hash,
});

/** A signatory's approved logo, or null when it has none (or no such signatory). */
export async function signatoryLogo(db: DB, slug: string, format: LogoFormat): Promise<LogoImage | null> {
  const row = await db
    .selectFrom("signatory_logos")
    .innerJoin("signatories", "signatories.id", "signatory_logos.signatory_id")
    .select(["signatory_logos.png", "signatory_logos.webp", "signatory_logos.hash"])
    .where("signatories.slug", "=", slug)
    .executeTakeFirst();
  return row ? image(row, format) : null;
}

/** The logo an application sent, for its moderators. */
export async function applicationLogo(db: DB, ref: string, format: LogoFormat): Promise<LogoImage | null> {
  const row = await db
    .selectFrom("application_logos")
    .innerJoin("applications", "applications.id", "application_logos.application_id")
    .select(["application_logos.png", "application_logos.webp", "application_logos.hash"])
    .where("applications.ref", "=", ref)
    .executeTakeFirst();
  return row ? image(row, format) : null;
}

/** The logo hashes of some signatories, by slug; those without a logo are absent. */
export async function logoHashes(db: DB, slugs: readonly string[]): Promise<Map<string, string>> {
  if (slugs.length === 0) return new Map();
  const rows = await db
    .selectFrom("signatory_logos")
    .innerJoin("signatories", "signatories.id", "signatory_logos.signatory_id")
    .select(["signatories.slug", "signatory_logos.hash"])
    .where("signatories.slug", "in", [...new Set(slugs)])
    .execute();
  return new Map(rows.map((r) => [r.slug, r.hash]));
}

/** Whether an application sent a logo. */
export async function applicationHasLogo(db: DB, applicationId: number): Promise<boolean> {
  return !!(await db
    .selectFrom("application_logos")
    .select("application_id")
    .where("application_id", "=", applicationId)
    .executeTakeFirst());
}
