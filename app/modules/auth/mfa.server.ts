// The second factor: a TOTP authenticator (RFC 6238: SHA-1, 6 digits, 30 s, what every
// authenticator app understands) and ten one-time recovery codes. The TOTP secret is
// stored encrypted (AES-256-GCM, key derived from SESSION_SECRET), recovery codes as
// HMAC-SHA-256 with another key derived from it, so a copy of the database alone is not
// enough to test guesses against them (codes stored before that as plain SHA-256 are
// still accepted); neither is ever shown again after enrolment.
import { generateTOTP, getTOTPAuthUri, verifyTOTP } from "@epic-web/totp";
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, randomInt } from "node:crypto";
import QRCode from "qrcode";
import type { DB } from "~/modules/database/db.server";
import { getEnv } from "~/utils/env.server";

export const TOTP = { algorithm: "SHA-1", digits: 6, period: 30, charSet: "0123456789" } as const;
const ISSUER = "Accord Registry";
const RECOVERY_CODES = 10;
const RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
/** How long an enrolment form (its QR code) stays valid. */
const ENROLMENT_MS = 30 * 60 * 1000;

function key(purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", getEnv().SESSION_SECRET, "accord-registry", purpose, 32));
}

function seal(purpose: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(purpose), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

function unseal(purpose: string, sealed: string): string | null {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || body === undefined) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key(purpose), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

function base32(bytes: Buffer): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** A new 160-bit secret (RFC 4226's recommended length), base32 as apps expect. */
export function newTotpSecret(): string {
  return base32(randomBytes(20));
}

export function encryptTotpSecret(secret: string): string {
  return seal("totp-secret", secret);
}

export function decryptTotpSecret(stored: string): string | null {
  return unseal("totp-secret", stored);
}

/**
 * The enrolment form carries the new secret sealed for this account and half an hour,
 * so showing the QR code writes nothing and the form cannot be replayed for another account.
 */
export function sealEnrolment(staffId: number, secret: string, now = Date.now()): string {
  return seal("totp-enrolment", JSON.stringify({ staffId, secret, expires: now + ENROLMENT_MS }));
}

export function unsealEnrolment(token: string, staffId: number, now = Date.now()): string | null {
  const plain = unseal("totp-enrolment", token);
  if (!plain) return null;
  try {
    const data = JSON.parse(plain) as { staffId?: unknown; secret?: unknown; expires?: unknown };
    if (data.staffId !== staffId || typeof data.secret !== "string" || typeof data.expires !== "number") return null;
    return data.expires > now ? data.secret : null;
  } catch {
    return null;
  }
}

export function totpUri(secret: string, accountName: string): string {
  return getTOTPAuthUri({ ...TOTP, secret, accountName, issuer: ISSUER });
}

/** The QR code of the otpauth URI as an SVG data URL (the CSP allows img data:). */
export async function qrCodeDataUrl(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
}

/** The current code of a secret (tests and the enrolment check use it). */
export async function currentTotp(secret: string): Promise<string> {
  return (await generateTOTP({ ...TOTP, secret })).otp;
}

/**
 * The time step a code belongs to, when it is right now (one step of clock drift either
 * way) and newer than `lastStep`: a code is accepted once.
 */
export async function verifyTotp(secret: string, code: string, lastStep: number | null): Promise<number | null> {
  const otp = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(otp)) return null;
  const result = await verifyTOTP({ ...TOTP, otp, secret, window: 1 });
  if (!result) return null;
  const step = Math.floor(Date.now() / 1000 / TOTP.period) + result.delta;
  return lastStep !== null && step <= lastStep ? null : step;
}

/**
 * Accepts a code from the account's authenticator once: right now (verifyTotp) and newer
 * than the last one accepted, claimed with a conditional update so that of two requests
 * carrying the same code only one wins.
 */
export async function claimTotpCode(
  db: DB,
  staff: { id: number; totp_secret: string | null; totp_last_step: number | null },
  code: string,
): Promise<boolean> {
  const secret = staff.totp_secret ? decryptTotpSecret(staff.totp_secret) : null;
  const step = secret ? await verifyTotp(secret, code, staff.totp_last_step) : null;
  if (step === null) return false;
  const claimed = await db
    .updateTable("staff")
    .set({ totp_last_step: step })
    .where("id", "=", staff.id)
    .where((eb) => eb.or([eb("totp_last_step", "is", null), eb("totp_last_step", "<", step)]))
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1;
}

/** "k7m2q-9xh4d": 10 characters from 31 unambiguous ones (about 50 bits). */
function newRecoveryCode(): string {
  let code = "";
  for (let i = 0; i < 10; i++) code += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

const normaliseRecoveryCode = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, "");

/** How a recovery code is stored: "hmac:" and HMAC-SHA-256 (hex) keyed from SESSION_SECRET. */
function hashRecoveryCode(code: string): string {
  return `hmac:${createHmac("sha256", key("recovery-codes")).update(normaliseRecoveryCode(code)).digest("hex")}`;
}

/** How codes were stored before (plain SHA-256, hex): still accepted, never written. */
function legacyRecoveryCodeHash(code: string): string {
  return createHash("sha256").update(normaliseRecoveryCode(code)).digest("hex");
}

export function looksLikeRecoveryCode(code: string): boolean {
  return /^[a-z0-9]{10}$/.test(normaliseRecoveryCode(code));
}

/** Replaces the account's recovery codes with ten new ones; returns them (shown once). */
export async function replaceRecoveryCodes(trx: DB, staffId: number): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
  const now = new Date().toISOString();
  await trx.deleteFrom("staff_recovery_codes").where("staff_id", "=", staffId).execute();
  await trx
    .insertInto("staff_recovery_codes")
    .values(codes.map((code) => ({ staff_id: staffId, code_hash: hashRecoveryCode(code), used_at: null, created_at: now })))
    .execute();
  return codes;
}

/** Uses up a recovery code; false when it is wrong or was used before. */
export async function useRecoveryCode(db: DB, staffId: number, code: string): Promise<boolean> {
  if (!looksLikeRecoveryCode(code)) return false;
  const result = await db
    .updateTable("staff_recovery_codes")
    .set({ used_at: new Date().toISOString() })
    .where("staff_id", "=", staffId)
    .where("code_hash", "in", [hashRecoveryCode(code), legacyRecoveryCodeHash(code)])
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) >= 1;
}

export async function unusedRecoveryCodes(db: DB, staffId: number): Promise<number> {
  const row = await db
    .selectFrom("staff_recovery_codes")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("staff_id", "=", staffId)
    .where("used_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
