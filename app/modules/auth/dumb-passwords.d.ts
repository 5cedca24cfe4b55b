// The package ships no types; this is the part the password policy uses.
declare module "dumb-passwords" {
  /** Whether the password (compared in lower case) is on the list of 10,000 common ones. */
  export function check(password: string): boolean;
  const dumbPasswords: { check: typeof check };
  export default dumbPasswords;
}
