// RFC 9116 (security.txt) parsing, pure (issue 18, docs/decisions/024). Contact is required
// (one or more), Expires is required, once, and must be in the future; Policy, Encryption,
// Preferred-Languages and the rest are optional. A file signed with OpenPGP cleartext
// signatures (RFC 4880 §7) is read without its armour and noted as signed; the signature
// itself is not verified (the registry holds no key to verify it against).

export type SecurityTxtStatus = "valid" | "expired" | "invalid";

export interface ParsedSecurityTxt {
  status: SecurityTxtStatus;
  contact: string[];
  policy: string | null;
  encryption: string[];
  preferredLanguages: string | null;
  /** ISO timestamp, or null when missing or unreadable. */
  expires: string | null;
  signed: boolean;
  /** What is wrong, for invalid files. */
  problems: string[];
}

const MAX_VALUES = 10;
const MAX_VALUE_LENGTH = 500;

/** The signed text of an OpenPGP cleartext-signed message, dash-escaping undone; or null. */
function unarmour(text: string): string | null {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trim() === "-----BEGIN PGP SIGNED MESSAGE-----");
  if (start === -1) return null;
  let i = start + 1;
  while (i < lines.length && lines[i].trim() !== "") i++; // armour headers ("Hash: SHA256")
  const end = lines.findIndex((l, j) => j > i && l.trim() === "-----BEGIN PGP SIGNATURE-----");
  if (end === -1) return null;
  return lines
    .slice(i + 1, end)
    .map((l) => (l.startsWith("- ") ? l.slice(2) : l))
    .join("\n");
}

export function parseSecurityTxt(text: string, now = new Date()): ParsedSecurityTxt {
  const body = unarmour(text);
  const signed = body !== null;
  const fields = new Map<string, string[]>();
  for (const raw of (body ?? text).split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (!/^[a-z0-9-]+$/.test(name) || value === "") continue;
    const list = fields.get(name) ?? [];
    if (list.length < MAX_VALUES) list.push(value.slice(0, MAX_VALUE_LENGTH));
    fields.set(name, list);
  }
  const contact = fields.get("contact") ?? [];
  const expiresValues = fields.get("expires") ?? [];
  const problems: string[] = [];
  if (contact.length === 0) problems.push("no Contact field");
  let expires: string | null = null;
  if (expiresValues.length === 0) problems.push("no Expires field");
  else if (expiresValues.length > 1) problems.push("more than one Expires field");
  else {
    const parsed = Date.parse(expiresValues[0]);
    if (Number.isNaN(parsed) || !/^\d{4}-\d{2}-\d{2}T/.test(expiresValues[0])) problems.push("an Expires date that is not RFC 3339");
    else expires = new Date(parsed).toISOString();
  }
  const status: SecurityTxtStatus = problems.length > 0 ? "invalid" : expires! <= now.toISOString() ? "expired" : "valid";
  return {
    status,
    contact,
    policy: fields.get("policy")?.[0] ?? null,
    encryption: fields.get("encryption") ?? [],
    preferredLanguages: fields.get("preferred-languages")?.[0] ?? null,
    expires,
    signed,
    problems,
  };
}
