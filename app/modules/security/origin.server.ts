// Which Host headers the server answers and which Origins may send it forms: one place for
// the cross-site refusal (server/checks.ts) and the forms' anti-forgery check (csrf.server.ts).
//
// A deployment (PUBLIC_URL set, or NODE_ENV=production) answers its public host name and
// bare IP addresses (health checks, a proxy that forwards by address: an IP literal cannot
// be re-pointed by DNS rebinding), and accepts forms only from PUBLIC_URL's origin. A
// development server on the default PUBLIC_URL answers any host and accepts forms from
// the host the browser addressed, so `npm start` works however the machine is reached.
// docs/decisions/011-cache-policy-and-request-checks.md.
import { isIP } from "node:net";
import type { Env } from "~/utils/env.server";

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

export interface Site {
  /** Whether a request naming this Host header is for this site. */
  hostAllowed(host: string | undefined): boolean;
  /** Whether a form sent with this Origin header (and Host) comes from this site. */
  originAllowed(origin: string, host: string | undefined): boolean;
}

function hostname(host: string): string {
  // "[::1]:3000" → "[::1]"; "example.org:443" → "example.org".
  return host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.replace(/:\d*$/, "");
}

const isIpLiteral = (name: string) => isIP(name.replace(/^\[|\]$/g, "")) !== 0;

export function siteOf(env: Pick<Env, "PUBLIC_URL" | "PUBLIC_URL_CONFIGURED" | "NODE_ENV">): Site {
  const publicUrl = new URL(env.PUBLIC_URL);
  const strict = env.PUBLIC_URL_CONFIGURED || env.NODE_ENV === "production";
  const port = publicUrl.port;
  // A loopback PUBLIC_URL is reached by any of its names: the browser on the same machine
  // may say localhost, 127.0.0.1 or [::1].
  const hosts = new Set([publicUrl.host.toLowerCase()]);
  if (LOOPBACK_NAMES.has(publicUrl.hostname)) for (const name of LOOPBACK_NAMES) hosts.add(port ? `${name}:${port}` : name);
  const origins = new Set([...hosts].map((h) => `${publicUrl.protocol}//${h}`));

  return {
    hostAllowed(host) {
      if (!strict) return true;
      if (!host) return false;
      const lower = host.toLowerCase();
      return hosts.has(lower) || isIpLiteral(hostname(lower));
    },
    originAllowed(origin, host) {
      if (origins.has(origin)) return true;
      return !strict && host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
    },
  };
}
