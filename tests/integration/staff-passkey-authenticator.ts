// A software passkey authenticator for the tests that run without a browser: real P-256
// keys, real authenticator data, client data and ES256 signatures, built as the WebAuthn
// specification lays them out (with the CBOR and base64url helpers of
// @simplewebauthn/server), so the server's checks run unmocked on real answers. Each
// answer can be bent the way an attacker or a broken authenticator would bend it: another
// origin or relying-party ID, no user verification, a counter that went back, another
// account's user handle. (The browser tests use Chromium's virtual authenticator instead.)
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { isoBase64URL, isoCBOR } from "@simplewebauthn/server/helpers";
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";

interface StoredCredential {
  id: string;
  privateKey: KeyObject;
  rpId: string;
  userHandle: string;
  counter: number;
}

const FLAG = { up: 0x01, uv: 0x04, be: 0x08, bs: 0x10, at: 0x40 };

/** Bytes in their own ArrayBuffer, as the library's helpers take them. */
type Bytes = Uint8Array<ArrayBuffer>;
type Cbor = Parameters<typeof isoCBOR.encode>[0];

const sha256 = (data: Uint8Array | string): Bytes => new Uint8Array(createHash("sha256").update(data).digest());
const b64 = (bytes: Bytes | string) => isoBase64URL.fromBuffer(typeof bytes === "string" ? new Uint8Array(Buffer.from(bytes)) : bytes);

function concat(...parts: Uint8Array[]): Bytes {
  return new Uint8Array(Buffer.concat(parts.map((p) => Buffer.from(p))));
}

function u32(n: number): Bytes {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return new Uint8Array(b);
}

export interface Bend {
  /** The origin the client data names (default: the one given to the call). */
  origin?: string;
  /** The relying-party ID whose hash the authenticator data carries (default: the options'). */
  rpId?: string;
  /** Whether the person was verified (default true). */
  userVerified?: boolean;
  /** The signature counter to report (default: one more than the last). */
  counter?: number;
  /** The user handle to report (default: the credential's). */
  userHandle?: string;
  /** Which credential answers (default: the first the options allow, or any for the RP). */
  credentialId?: string;
  /** The challenge the client data names (default: the options'). */
  challenge?: string;
}

export class SoftAuthenticator {
  readonly credentials: StoredCredential[] = [];

  /** `synced`: the credential is backup eligible and backed up (a synced passkey). */
  constructor(readonly synced = false) {}

  private flags(extra: number, userVerified = true): number {
    return FLAG.up | (userVerified ? FLAG.uv : 0) | (this.synced ? FLAG.be | FLAG.bs : 0) | extra;
  }

  /** navigator.credentials.create(), as @simplewebauthn/browser returns its answer. */
  create(options: PublicKeyCredentialCreationOptionsJSON, origin: string, bend: Bend = {}): RegistrationResponseJSON {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = publicKey.export({ format: "jwk" });
    const cose = isoCBOR.encode(
      new Map<number, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, isoBase64URL.toBuffer(jwk.x!)],
        [-3, isoBase64URL.toBuffer(jwk.y!)],
      ]),
    );
    const id = randomBytes(16);
    const rpId = options.rp.id!;
    const credential: StoredCredential = { id: b64(id), privateKey, rpId, userHandle: options.user.id, counter: 0 };
    const authData = concat(
      sha256(bend.rpId ?? rpId),
      new Uint8Array([this.flags(FLAG.at, bend.userVerified)]),
      u32(0),
      new Uint8Array(16),
      new Uint8Array([id.length >> 8, id.length & 0xff]),
      id,
      cose,
    );
    const attestation = isoCBOR.encode(
      new Map<string, Cbor>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", authData],
      ]),
    );
    const clientData = JSON.stringify({
      type: "webauthn.create",
      challenge: bend.challenge ?? options.challenge,
      origin: bend.origin ?? origin,
      crossOrigin: false,
    });
    this.credentials.push(credential);
    return {
      id: credential.id,
      rawId: credential.id,
      type: "public-key",
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
      response: { clientDataJSON: b64(clientData), attestationObject: b64(attestation), transports: ["internal"] },
    };
  }

  /** navigator.credentials.get(), as @simplewebauthn/browser returns its answer. */
  get(options: PublicKeyCredentialRequestOptionsJSON, origin: string, bend: Bend = {}): AuthenticationResponseJSON {
    const allowed = options.allowCredentials?.map((c) => c.id);
    const credential =
      this.credentials.find((c) => c.id === bend.credentialId) ??
      this.credentials.find((c) => c.rpId === options.rpId && (!allowed || allowed.length === 0 || allowed.includes(c.id)));
    if (!credential) throw new Error("NotAllowedError: no credential for these options");
    const counter = bend.counter ?? ++credential.counter;
    if (bend.counter !== undefined) credential.counter = Math.max(credential.counter, counter);
    const authData = concat(sha256(bend.rpId ?? credential.rpId), new Uint8Array([this.flags(0, bend.userVerified)]), u32(counter));
    const clientData = JSON.stringify({
      type: "webauthn.get",
      challenge: bend.challenge ?? options.challenge,
      origin: bend.origin ?? origin,
      crossOrigin: false,
    });
    const signature = sign("sha256", concat(authData, sha256(clientData)), credential.privateKey);
    return {
      id: credential.id,
      rawId: credential.id,
      type: "public-key",
      authenticatorAttachment: "platform",
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64(clientData),
        authenticatorData: b64(authData),
        signature: b64(new Uint8Array(signature)),
        userHandle: bend.userHandle ?? credential.userHandle,
      },
    };
  }
}
