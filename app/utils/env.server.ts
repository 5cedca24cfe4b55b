// Configuration (CONTRACT §2), parsed once with zod so a bad value fails at start-up
// with a message instead of surfacing later as a confusing error.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { isIP } from "node:net";
import { z } from "zod";

/** One DNS server of DNS_SERVERS: an IP address, with a port after it (`[v6]:port` for IPv6). */
const dnsServer = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const bracketed = /^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$/.exec(value);
    const plain = /^([0-9.]+)(?::(\d{1,5}))?$/.exec(value);
    const bareV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:.]*$/.test(value) && value.split(":").length > 2 ? [value, value, undefined] : null;
    const match = bracketed ?? plain ?? bareV6;
    const host = match?.[1];
    const port = match?.[2] === undefined ? 53 : Number(match[2]);
    if (!host || isIP(host) === 0 || port < 1 || port > 65535) {
      ctx.addIssue({ code: "custom", message: `"${value}" is not an IP address with an optional port (host[:port], [IPv6]:port)` });
      return z.NEVER;
    }
    return { host, port };
  });

export type DnsServer = { host: string; port: number };

const count = (fallback: number) => z.coerce.number().int().min(0).max(1_000_000).default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z.string().min(1).default("file:./data/registry.db"),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .optional()
    .transform((value) => value?.replace(/\/+$/, "")),
  SESSION_SECRET: z.string().optional(),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).default("registry@localhost"),
  APPLY_LIMIT_PER_HOUR: count(5),
  LOGIN_LIMIT_PER_15MIN: count(10),
  WRITE_LIMIT_PER_MINUTE: count(60),
  READ_LIMIT_PER_MINUTE: count(120),
  // Unset: "required" when NODE_ENV=production (a deployment should not depend on each
  // person choosing to turn on a second factor), "optional" elsewhere. A value set wins.
  // "required": a TOTP app or a passkey; "passkey": a passkey, for every staff sign-in.
  STAFF_MFA: z.enum(["optional", "required", "passkey"]).optional(),
  TRUST_PROXY: z
    .enum(["0", "1", ""])
    .optional()
    .transform((v) => v === "1"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // The institution (CONTRACT §8): who runs this registry and where people write, shown on
  // /about, /contact, /privacy and in e-mails; how long applicants' personal data is kept
  // after a decision; the open data's licence (an SPDX id, shown on /open-data).
  OPERATOR_NAME: z.string().trim().min(1).max(200).default("Accord Registry"),
  CONTACT_EMAIL: z
    .string()
    .trim()
    .regex(/^[^\s@<>"]+@[^\s@<>"]+$/, { error: "must be an e-mail address" })
    .default("registry@localhost"),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),
  DATA_LICENCE: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.+-]+$/, { error: "must be an SPDX licence identifier, such as CC-BY-4.0" })
    .default("CC-BY-4.0"),
  // Evidence (CONTRACT §9, docs/decisions/024). DNS_SERVERS: comma-separated host[:port],
  // the resolvers for DNS proofs and for every outbound check's host names (unset: the
  // system's). OUTBOUND_GUARD: "off" lets outbound checks reach private and loopback
  // addresses (tests on this machine); on by default. SECURITY_TXT_INTERVAL_HOURS: how often
  // each active signatory's security.txt is checked, 0 for never on a schedule.
  // SECURITY_TXT_PORT: the HTTPS port those checks use (443; tests use a free one).
  DNS_SERVERS: z
    .string()
    .optional()
    .transform((v) => (v ?? "").split(",").filter((s) => s.trim() !== ""))
    .pipe(z.array(dnsServer)),
  REQUIRE_DNS_PROOF: z
    .enum(["0", "1", ""])
    .optional()
    .transform((v) => v === "1"),
  OUTBOUND_GUARD: z.enum(["on", "off"]).default("on"),
  SECURITY_TXT_INTERVAL_HOURS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 365)
    .default(24),
  SECURITY_TXT_PORT: z.coerce.number().int().min(1).max(65535).default(443),
  // SECURITY_TXT_REMINDERS: "1" sends the contact on record of a signatory whose
  // security.txt expires within 14 days one reminder per Expires date (off by default).
  SECURITY_TXT_REMINDERS: z
    .enum(["0", "1", ""])
    .optional()
    .transform((v) => v === "1"),
});

export type Env = Omit<z.infer<typeof envSchema>, "PUBLIC_URL" | "SESSION_SECRET" | "STAFF_MFA"> & {
  STAFF_MFA: "optional" | "required" | "passkey";
  PUBLIC_URL: string;
  /** Whether PUBLIC_URL was set, not derived from PORT (origin.server.ts is stricter then). */
  PUBLIC_URL_CONFIGURED: boolean;
  SESSION_SECRET: string;
};

let cached: Env | undefined;

export function getEnv(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  const env = parsed.data;
  cached = {
    ...env,
    PUBLIC_URL: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
    PUBLIC_URL_CONFIGURED: env.PUBLIC_URL !== undefined,
    SESSION_SECRET: sessionSecret(env.SESSION_SECRET, env.NODE_ENV, env.DATABASE_URL),
    STAFF_MFA: env.STAFF_MFA ?? (env.NODE_ENV === "production" ? "required" : "optional"),
  };
  return cached;
}

/**
 * The secret that signs cookies and form tokens. Production must set it; elsewhere one is
 * generated once and kept beside the SQLite file, so restarts keep sessions valid.
 */
function sessionSecret(given: string | undefined, nodeEnv: string, databaseUrl: string): string {
  if (given && given.length >= 32) return given;
  if (nodeEnv === "production") {
    throw new Error(
      given
        ? "SESSION_SECRET must be at least 32 characters long."
        : "SESSION_SECRET is required when NODE_ENV=production (at least 32 random characters, e.g. `openssl rand -hex 32`).",
    );
  }
  const dir = /^postgres(ql)?:/.test(databaseUrl) ? resolve("data") : dirname(resolve(databaseUrl.replace(/^file:(\/\/)?/, "")));
  const file = join(dir, ".session-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** Absolute URL of a path under PUBLIC_URL. */
export function publicUrl(path: string): string {
  return `${getEnv().PUBLIC_URL}${path}`;
}

/** Forgets the parsed configuration (tests change the environment between files). */
export function resetEnvForTests() {
  cached = undefined;
}
