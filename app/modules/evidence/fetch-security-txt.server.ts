// Fetching a signatory's security.txt with strict limits (issue 18, docs/decisions/024):
// HTTPS only, a deadline for the whole fetch, a size cap, at most 3 redirects and only within
// the signatory's registrable domain, and, with the guard on, no connection to a private or
// loopback address: the address is checked when the socket connects (lookupGuarded), so a
// name that resolves differently on a second question (DNS rebinding) cannot slip through.
import type { promises as dns } from "node:dns";
import { Agent, request } from "node:https";
import type { IncomingMessage } from "node:http";
import { registrableDomain } from "~/modules/applications/schema";
import { lookupGuarded } from "./resolver.server";

export interface FetchLimits {
  resolver: dns.Resolver;
  /** Refuse private and loopback addresses. */
  guard: boolean;
  /** The HTTPS port (443; tests use their own server's). */
  port: number;
  /** For the whole fetch, redirects included. */
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  /** Extra trusted certificates (tests); the server process uses NODE_EXTRA_CA_CERTS instead. */
  ca?: string;
  userAgent: string;
}

export type FetchAnswer =
  | { found: true; url: string; httpStatus: number; text: string }
  | {
      found: false;
      url: string;
      httpStatus: number | null;
      reason: "not_found" | "not_text" | "oversize" | "timeout" | "blocked" | "redirect_off_domain" | "too_many_redirects" | "network";
      detail: string;
    };

class Oversize extends Error {}

function get(
  url: URL,
  agent: Agent,
  limits: FetchLimits,
  signal: AbortSignal,
): Promise<{ response: IncomingMessage; body: string | null }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { agent, method: "GET", signal, headers: { "user-agent": limits.userAgent, accept: "text/plain" } },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status !== 200) {
          response.resume();
          resolve({ response, body: null });
          return;
        }
        const declared = Number(response.headers["content-length"] ?? "0");
        if (declared > limits.maxBytes) {
          response.destroy();
          reject(new Oversize());
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > limits.maxBytes) {
            response.destroy();
            reject(new Oversize());
            return;
          }
          chunks.push(chunk);
        });
        response.on("end", () => resolve({ response, body: Buffer.concat(chunks).toString("utf8") }));
        response.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** GETs `path` on the domain, following redirects within it; never throws. */
export async function fetchWellKnown(domain: string, path: string, limits: FetchLimits): Promise<FetchAnswer> {
  const agent = new Agent({ lookup: lookupGuarded(limits.resolver, limits.guard), ca: limits.ca, keepAlive: false, maxCachedSessions: 0 });
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let url = new URL(`https://${domain}${limits.port === 443 ? "" : `:${limits.port}`}${path}`);
  try {
    for (let redirects = 0; ; redirects++) {
      const { response, body } = await get(url, agent, limits, signal);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if ([301, 302, 303, 307, 308].includes(status) && location) {
        if (redirects >= limits.maxRedirects) {
          return {
            found: false,
            url: url.href,
            httpStatus: status,
            reason: "too_many_redirects",
            detail: `more than ${limits.maxRedirects} redirects`,
          };
        }
        const next = new URL(location, url);
        if (next.protocol !== "https:" || registrableDomain(next.hostname) !== domain) {
          return {
            found: false,
            url: url.href,
            httpStatus: status,
            reason: "redirect_off_domain",
            detail: `redirected outside ${domain} (to ${next.protocol}//${next.host})`,
          };
        }
        url = next;
        continue;
      }
      if (status !== 200 || body === null)
        return { found: false, url: url.href, httpStatus: status, reason: "not_found", detail: `HTTP ${status}` };
      const type = String(response.headers["content-type"] ?? "").toLowerCase();
      if (!type.startsWith("text/plain")) {
        return {
          found: false,
          url: url.href,
          httpStatus: status,
          reason: "not_text",
          detail: `served as ${type.split(";")[0] || "no type"}, not text/plain`,
        };
      }
      return { found: true, url: url.href, httpStatus: status, text: body };
    }
  } catch (error) {
    if (error instanceof Oversize) {
      return {
        found: false,
        url: url.href,
        httpStatus: 200,
        reason: "oversize",
        detail: `larger than ${Math.round(limits.maxBytes / 1024)} KiB`,
      };
    }
    const code = (error as { code?: string }).code;
    if (code === "EBLOCKED") return { found: false, url: url.href, httpStatus: null, reason: "blocked", detail: (error as Error).message };
    if (signal.aborted || code === "ABORT_ERR") {
      return {
        found: false,
        url: url.href,
        httpStatus: null,
        reason: "timeout",
        detail: `no complete answer within ${limits.timeoutMs / 1000} s`,
      };
    }
    return {
      found: false,
      url: url.href,
      httpStatus: null,
      reason: "network",
      detail: `could not be fetched (${code ?? (error as Error).message})`,
    };
  } finally {
    agent.destroy();
  }
}
