// The applicant's secrets: a verification token (the e-mail link that confirms the
// address, valid 7 days) and a status token (the private status page). Each is 32
// random bytes, base64url; the database holds only their SHA-256, compared in constant
// time, so a copy of the database opens no application. The reference is public.
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

export const VERIFY_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
// No 0/O, 1/I/L, U: a reference read aloud or copied by hand comes out right.
const REF_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
export const REF_PATTERN = /^AR-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{8}$/;

/** 32 random bytes, base64url (43 characters). */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Whether a string has the shape of a token (anything else is not looked up). */
export function isTokenShaped(value: unknown): value is string {
  return typeof value === "string" && TOKEN.test(value);
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Whether the token's hash is the stored one, in time independent of where they differ. */
export function tokenMatches(token: unknown, storedHash: string): boolean {
  if (!isTokenShaped(token)) return false;
  const given = Buffer.from(hashToken(token), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** "AR-" and 8 characters from an alphabet without look-alikes. */
export function newRef(): string {
  let ref = "AR-";
  for (let i = 0; i < 8; i++) ref += REF_ALPHABET[randomInt(REF_ALPHABET.length)];
  return ref;
}

// The status token, sealed under a key derived from the verification token: the
// verification page (which receives only that token) can show the status link, while
// the database alone cannot give the status token away.
const sealKey = (verifyToken: string) =>
  createHash("sha256").update("accord-registry/status-token-seal/v1\0").update(verifyToken, "utf8").digest();

export function sealStatusToken(statusToken: string, verifyToken: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", sealKey(verifyToken), iv);
  const body = Buffer.concat([cipher.update(statusToken, "utf8"), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
}

/** The status token, or null when the seal does not open with this verification token. */
export function openStatusToken(sealed: string | null, verifyToken: string): string | null {
  if (!sealed) return null;
  try {
    const raw = Buffer.from(sealed, "base64url");
    const decipher = createDecipheriv("aes-256-gcm", sealKey(verifyToken), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const token = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString("utf8");
    return isTokenShaped(token) ? token : null;
  } catch {
    return null;
  }
}
