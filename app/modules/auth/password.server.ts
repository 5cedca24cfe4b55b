// Password hashing: argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane). A hash
// made with other parameters still verifies and is replaced at the next sign-in.
import { hash, verify } from "@node-rs/argon2";

// @node-rs/argon2 declares Algorithm as a const enum, which isolated modules cannot read.
const ARGON2ID = 2;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
export const HASH_PREFIX = "$argon2id$v=19$m=19456,t=2,p=1$";

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Verified when the e-mail matches no account, so an unknown address costs the same work
// as a wrong password and timing does not tell them apart. No password matches it.
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$ZHVtbXktc2FsdC1hY2NvcmQ$RlDTWjyrwemidnO5AD8Y7jpLErbLZFp7cHst1muylw0";

/** Whether the password matches the hash; with no hash, does the same work and says no. */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  try {
    const ok = await verify(passwordHash ?? DUMMY_HASH, password);
    return passwordHash !== null && ok;
  } catch {
    return false;
  }
}

export function needsRehash(passwordHash: string): boolean {
  return !passwordHash.startsWith(HASH_PREFIX);
}
