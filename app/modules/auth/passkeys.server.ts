// Staff passkeys (WebAuthn), through @simplewebauthn/server (docs/decisions/020): the
// options a browser needs to make or use one, and the checks of its answers. Every answer
// must sign a challenge this registry issued (webauthn-challenge.server.ts: stored in the
// database, bound to the session or visitor that asked, used once, valid for minutes), for
// this registry's relying-party ID and from its origin (relying-party.server.ts), with the
// person verified by the authenticator (PIN, fingerprint, face), and with a signature
// counter above the last one seen. Each refusal is named, so the person reads what went
// wrong and the audit log records which check refused (the callers audit it).
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { decodeAttestationObject, decodeClientDataJSON, isoBase64URL, parseAuthenticatorData } from "@simplewebauthn/server/helpers";
import { createHash, hkdfSync, createHmac } from "node:crypto";
import { z } from "zod";
import { toFlag } from "../../../db/booleans";
import type { StaffPasskeyTable, WebAuthnPurpose } from "../../../db/schema";
import type { Selectable } from "kysely";
import { appendAudit } from "~/modules/audit/audit.server";
import type { DB } from "~/modules/database/db.server";
import type { Actor } from "~/modules/staff/staff.server";
import { getEnv } from "~/utils/env.server";
import { relyingParty, RP_NAME, type RelyingParty } from "./relying-party.server";
import { CHALLENGE_MS, claimChallenge, storeChallenge } from "./webauthn-challenge.server";

export type Passkey = Selectable<StaffPasskeyTable>;

/** Why an answer was refused: `audit` is the fixed text the audit log keeps (never what
 * the browser sent), `message` what the person reads. */
export interface Refusal {
  audit: string;
  message: string;
}

const refusal = (audit: string, message: string): Refusal => ({ audit, message });

export const REFUSED = {
  unavailable: refusal(
    "passkeys unavailable at this address",
    "Passkeys cannot work at this address: the registry must be reached by its domain name (PUBLIC_URL), not an IP address.",
  ),
  malformed: refusal("unreadable answer", "The passkey's answer could not be read. Please try again."),
  unknownChallenge: refusal(
    "replayed or unknown challenge",
    "This passkey answer was already used, or answers a request this site did not make. Please start again.",
  ),
  otherSession: refusal(
    "challenge of another session",
    "This passkey answer belongs to a request made in another browser session. Please start again on this page.",
  ),
  expired: refusal("expired challenge", `The passkey request expired (it lasts ${CHALLENGE_MS / 60_000} minutes). Please try again.`),
  wrongPurpose: refusal(
    "challenge issued for another step",
    "This passkey answer was made for another step. Please start again on this page.",
  ),
  wrongOrigin: refusal(
    "wrong origin",
    "This passkey answer was made on another website, not on this registry. If a page sent you here to sign in, do not trust it.",
  ),
  wrongRelyingParty: refusal("wrong relying party ID", "This passkey answer was made for another website's passkey, not this registry's."),
  unknownCredential: refusal(
    "unknown passkey",
    "This passkey is not registered for a staff account here (it may have been removed). Sign in another way, or ask an administrator.",
  ),
  otherUser: refusal("passkey of another account", "This passkey belongs to another staff account. Use one of your own passkeys."),
  notVerified: refusal(
    "user not verified",
    "Your passkey did not check that it is you (with a PIN, fingerprint or face). Turn that on for the passkey and try again.",
  ),
  counter: refusal(
    "signature counter did not increase",
    "This passkey's signature counter went backwards, a sign that it may have been copied. It was refused; tell an administrator.",
  ),
  badSignature: refusal("answer did not verify", "The passkey's answer did not verify. Please try again."),
  duplicate: refusal("passkey already registered", "This passkey is already registered. Choose another passkey or authenticator."),
};

// What a browser sends back (as @simplewebauthn/browser gives it), read field by field.
const base64url = z
  .string()
  .max(16_384)
  .regex(/^[A-Za-z0-9_-]*$/);
const attachment = z.enum(["platform", "cross-platform"]).optional();
const extensions = z.record(z.string(), z.unknown()).default({});
const transport = z.enum(["ble", "hybrid", "internal", "nfc", "usb"]);

const assertionSchema = z.object({
  id: base64url.min(1),
  rawId: base64url.min(1),
  type: z.literal("public-key"),
  authenticatorAttachment: attachment,
  clientExtensionResults: extensions,
  response: z.object({
    clientDataJSON: base64url.min(1),
    authenticatorData: base64url.min(1),
    signature: base64url.min(1),
    userHandle: base64url.optional(),
  }),
});

const attestationSchema = z.object({
  id: base64url.min(1),
  rawId: base64url.min(1),
  type: z.literal("public-key"),
  authenticatorAttachment: attachment,
  clientExtensionResults: extensions,
  response: z.object({
    clientDataJSON: base64url.min(1),
    attestationObject: base64url.min(1),
    authenticatorData: base64url.optional(),
    publicKey: base64url.optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    // Unknown future transports are dropped, not refused.
    transports: z
      .array(z.string().max(32))
      .max(10)
      .optional()
      .transform((list) => list?.filter((t): t is z.infer<typeof transport> => transport.safeParse(t).success)),
  }),
});

function parseJson<T>(schema: z.ZodType<T>, text: string): T | null {
  if (text.length === 0 || text.length > 60_000) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const sha256 = (text: string) => createHash("sha256").update(text).digest();

/** The client data the authenticator signed over, when it is readable and of this `type`. */
function clientDataOf(clientDataJSON: string, type: "webauthn.get" | "webauthn.create") {
  try {
    const data = decodeClientDataJSON(clientDataJSON);
    return data.type === type && typeof data.challenge === "string" && typeof data.origin === "string" ? data : null;
  } catch {
    return null;
  }
}

/** The same origin and relying party, checked before the library does, so that each
 * refusal can be named (the library only throws an Error with English text). */
function originProblem(rp: RelyingParty, data: { origin: string; crossOrigin?: boolean; topOrigin?: string }, rpIdHash: Uint8Array) {
  if (data.origin !== rp.origin || data.crossOrigin === true || data.topOrigin !== undefined) return REFUSED.wrongOrigin;
  if (!Buffer.from(rpIdHash).equals(sha256(rp.id))) return REFUSED.wrongRelyingParty;
  return null;
}

const transportsOf = (passkey: Pick<Passkey, "transports">): AuthenticatorTransport[] | undefined =>
  passkey.transports ? (JSON.parse(passkey.transports) as AuthenticatorTransport[]) : undefined;

/** The WebAuthn user handle of an account: its passkeys' own when it has any, else an
 * opaque value derived from SESSION_SECRET (no personal data, the same at every request). */
function userHandleOf(staffId: number, existing: Pick<Passkey, "user_handle">[]): string {
  if (existing.length > 0) return existing[0].user_handle;
  const key = Buffer.from(hkdfSync("sha256", getEnv().SESSION_SECRET, "accord-registry", "webauthn-user-handle", 32));
  return createHmac("sha256", key).update(`staff:${staffId}`).digest("base64url");
}

export async function passkeysOf(db: DB, staffId: number): Promise<Passkey[]> {
  return db.selectFrom("staff_passkeys").selectAll().where("staff_id", "=", staffId).orderBy("id").execute();
}

export async function passkeyCount(db: DB, staffId: number): Promise<number> {
  const row = await db
    .selectFrom("staff_passkeys")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("staff_id", "=", staffId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---------------------------------------------------------------------------------------
// Registration

/**
 * The options for making a new passkey for `staff`, bound to `binding` (its session): a
 * discoverable credential (so it can sign in without typing an e-mail address), with user
 * verification, none of the account's passkeys again, no attestation (any authenticator
 * the person trusts will do; the registry does not vet makes and models).
 */
export async function registrationOptions(
  db: DB,
  staff: { id: number; email: string; name: string },
  binding: string,
): Promise<PublicKeyCredentialCreationOptionsJSON | null> {
  const rp = relyingParty();
  if (!rp) return null;
  const existing = await passkeysOf(db, staff.id);
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: rp.id,
    userName: staff.email,
    userDisplayName: staff.name,
    userID: isoBase64URL.toBuffer(userHandleOf(staff.id, existing)),
    timeout: CHALLENGE_MS,
    attestationType: "none",
    excludeCredentials: existing.map((p) => ({ id: p.credential_id, transports: transportsOf(p) })),
    authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification: "required" },
  });
  await storeChallenge(db, { challenge: options.challenge, purpose: "register", binding, staffId: staff.id });
  return options;
}

export type NewPasskey = Omit<Passkey, "id" | "name" | "created_at" | "last_used_at" | "staff_id">;

/**
 * Checks a registration answer for `staffId` (bound to `binding`); the credential to store,
 * or why not. The caller stores it (with its name) and audits either way.
 */
export async function checkRegistration(
  db: DB,
  staffId: number,
  credentialJson: string,
  binding: string,
): Promise<{ ok: true; passkey: NewPasskey } | { ok: false; refusal: Refusal }> {
  const rp = relyingParty();
  if (!rp) return { ok: false, refusal: REFUSED.unavailable };
  const response = parseJson(attestationSchema, credentialJson);
  const data = response && clientDataOf(response.response.clientDataJSON, "webauthn.create");
  if (!response || !data) return { ok: false, refusal: REFUSED.malformed };

  const claim = await claimChallenge(db, data.challenge, { purpose: "register", binding });
  if (!claim.ok) return { ok: false, refusal: challengeRefusal(claim.problem) };
  if (claim.staffId !== staffId) return { ok: false, refusal: REFUSED.otherSession };

  let rpIdHash: Uint8Array;
  let userVerified: boolean;
  try {
    const authData = parseAuthenticatorData(
      decodeAttestationObject(isoBase64URL.toBuffer(response.response.attestationObject)).get("authData"),
    );
    rpIdHash = authData.rpIdHash;
    userVerified = authData.flags.uv;
  } catch {
    return { ok: false, refusal: REFUSED.malformed };
  }
  const problem = originProblem(rp, data, rpIdHash);
  if (problem) return { ok: false, refusal: problem };
  if (!userVerified) return { ok: false, refusal: REFUSED.notVerified };

  const taken = await db.selectFrom("staff_passkeys").select("id").where("credential_id", "=", response.id).executeTakeFirst();
  if (taken) return { ok: false, refusal: REFUSED.duplicate };

  let info;
  try {
    const verified = await verifyRegistrationResponse({
      response: response satisfies RegistrationResponseJSON,
      expectedChallenge: data.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserPresence: true,
      requireUserVerification: true,
    });
    if (!verified.verified) return { ok: false, refusal: REFUSED.badSignature };
    info = verified.registrationInfo;
  } catch {
    return { ok: false, refusal: REFUSED.badSignature };
  }
  const existing = await passkeysOf(db, staffId);
  return {
    ok: true,
    passkey: {
      credential_id: info.credential.id,
      public_key: isoBase64URL.fromBuffer(info.credential.publicKey),
      user_handle: userHandleOf(staffId, existing),
      counter: info.credential.counter,
      transports: response.response.transports?.length ? JSON.stringify(response.response.transports) : null,
      aaguid: info.aaguid,
      backup_eligible: toFlag(info.credentialDeviceType === "multiDevice"),
      backed_up: toFlag(info.credentialBackedUp),
    },
  };
}

// ---------------------------------------------------------------------------------------
// Authentication

/**
 * The options for using a passkey, bound to `binding`: any of this site's discoverable
 * passkeys (`allow` undefined: sign-in without an e-mail address), or one of `allow` (the
 * second step after a password). User verification is required either way.
 */
export async function authenticationOptions(
  db: DB,
  input: { purpose: Extract<WebAuthnPurpose, "sign_in" | "second_factor">; binding: string; staffId: number | null; allow?: Passkey[] },
): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
  const rp = relyingParty();
  if (!rp) return null;
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    timeout: CHALLENGE_MS,
    userVerification: "required",
    allowCredentials: input.allow?.map((p) => ({ id: p.credential_id, transports: transportsOf(p) })),
  });
  await storeChallenge(db, { challenge: options.challenge, purpose: input.purpose, binding: input.binding, staffId: input.staffId });
  return options;
}

export type AssertionCheck =
  | { ok: true; passkey: Passkey; counter: number; backedUp: boolean }
  /** `staffId`: whose passkey it was, when that is known (for the audit log). */
  | { ok: false; refusal: Refusal; staffId: number | null };

/**
 * Checks a passkey's answer to a challenge issued for `purpose` to `binding`; when
 * `staffId` is given (the second step after a password), the passkey must be that
 * account's. On success the passkey's counter, backup flag and last use are recorded
 * (claimed with a conditional update: of two answers with one counter, one passes).
 */
export async function checkAssertion(
  db: DB,
  credentialJson: string,
  expected: { purpose: Extract<WebAuthnPurpose, "sign_in" | "second_factor">; binding: string; staffId?: number },
): Promise<AssertionCheck> {
  const no = (r: Refusal, staffId: number | null = expected.staffId ?? null): AssertionCheck => ({ ok: false, refusal: r, staffId });
  const rp = relyingParty();
  if (!rp) return no(REFUSED.unavailable);
  const response = parseJson(assertionSchema, credentialJson);
  const data = response && clientDataOf(response.response.clientDataJSON, "webauthn.get");
  if (!response || !data || response.id !== response.rawId) return no(REFUSED.malformed);

  const claim = await claimChallenge(db, data.challenge, { purpose: expected.purpose, binding: expected.binding });
  if (!claim.ok) return no(challengeRefusal(claim.problem));

  let authData: ReturnType<typeof parseAuthenticatorData>;
  try {
    authData = parseAuthenticatorData(isoBase64URL.toBuffer(response.response.authenticatorData));
  } catch {
    return no(REFUSED.malformed);
  }
  const problem = originProblem(rp, data, authData.rpIdHash);
  if (problem) return no(problem);

  const passkey = await db.selectFrom("staff_passkeys").selectAll().where("credential_id", "=", response.id).executeTakeFirst();
  if (!passkey) return no(REFUSED.unknownCredential);
  if (expected.staffId !== undefined && passkey.staff_id !== expected.staffId) return no(REFUSED.otherUser);
  // A discoverable passkey names its account: it must be the account the passkey is stored for.
  if (response.response.userHandle !== undefined && response.response.userHandle !== passkey.user_handle) {
    return no(REFUSED.otherUser, passkey.staff_id);
  }
  if (!authData.flags.up || !authData.flags.uv) return no(REFUSED.notVerified, passkey.staff_id);
  const stored = Number(passkey.counter);
  if ((authData.counter > 0 || stored > 0) && authData.counter <= stored) return no(REFUSED.counter, passkey.staff_id);

  let info;
  try {
    const verified = await verifyAuthenticationResponse({
      response: response satisfies AuthenticationResponseJSON,
      expectedChallenge: data.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: {
        id: passkey.credential_id,
        publicKey: isoBase64URL.toBuffer(passkey.public_key),
        counter: stored,
        transports: transportsOf(passkey),
      },
      requireUserVerification: true,
    });
    if (!verified.verified) return no(REFUSED.badSignature, passkey.staff_id);
    info = verified.authenticationInfo;
  } catch {
    return no(REFUSED.badSignature, passkey.staff_id);
  }
  const used = await db
    .updateTable("staff_passkeys")
    .set({ counter: info.newCounter, backed_up: toFlag(info.credentialBackedUp), last_used_at: new Date().toISOString() })
    .where("id", "=", passkey.id)
    .where("counter", "=", stored)
    .executeTakeFirst();
  if (Number(used.numUpdatedRows) !== 1) return no(REFUSED.counter, passkey.staff_id);
  return { ok: true, passkey, counter: info.newCounter, backedUp: info.credentialBackedUp };
}

function challengeRefusal(problem: "unknown" | "other_session" | "expired" | "wrong_purpose"): Refusal {
  switch (problem) {
    case "unknown":
      return REFUSED.unknownChallenge;
    case "other_session":
      return REFUSED.otherSession;
    case "expired":
      return REFUSED.expired;
    case "wrong_purpose":
      return REFUSED.wrongPurpose;
  }
}

/** Records a refused passkey answer in the audit log: which check refused it, at which step
 * (`step`: fixed text), for whose passkey when known. Never what the browser sent. */
export async function auditRefusal(db: DB, input: { actor: Actor; staffId: number | null; step: string; refusal: Refusal }): Promise<void> {
  await db.transaction().execute((trx) =>
    appendAudit(trx, {
      ...input.actor,
      action: "auth.passkey_refused",
      targetType: "staff",
      targetId: input.staffId === null ? "unknown" : String(input.staffId),
      reason: `${input.step}: ${input.refusal.audit}`,
    }),
  );
}
