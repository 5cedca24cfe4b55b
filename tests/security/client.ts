// A browser-like HTTP client for the running server, for the security and resilience
// tests: keeps cookies, reads every hidden input of the last page (the anti-forgery token,
// the form's start time, the honeypot), sends the site's Origin and repeated fields
// (pledges), never follows redirects, and can speak for a client behind a proxy.
import { setTimeout as sleep } from "node:timers/promises";
import { MIN_FILL_MS } from "~/modules/security/honeypot.server";

export type Fields = Record<string, string | string[]>;

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#x27": "'", "#39": "'" };
const unescape = (s: string) => s.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (_m, e: string) => ENTITIES[e]);

/** name → value of every hidden input of a page (attributes in any order). */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [tag] of html.matchAll(/<input\b[^>]*>/g)) {
    if (!/\btype="hidden"/.test(tag)) continue;
    const name = /\bname="([^"]*)"/.exec(tag)?.[1];
    if (name === undefined) continue;
    fields[unescape(name)] = unescape(/\bvalue="([^"]*)"/.exec(tag)?.[1] ?? "");
  }
  return fields;
}

export class Client {
  cookies = new Map<string, string>();
  hidden: Record<string, string> = {};
  /** Set-Cookie values ever received (for the "no secret in the log" checks). */
  seenCookieValues = new Set<string>();
  constructor(
    readonly base: string,
    readonly extraHeaders: Record<string, string> = {},
  ) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private keep(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value) this.seenCookieValues.add(value);
      if (/Max-Age=0/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<{ response: Response; body: string }> {
    const response = await fetch(new URL(path, this.base), {
      headers: { Cookie: this.cookieHeader, ...this.extraHeaders, ...headers },
      redirect: "manual",
    });
    this.keep(response);
    const body = await response.text();
    const hidden = hiddenFields(body);
    if (Object.keys(hidden).length > 0) this.hidden = hidden;
    return { response, body };
  }

  /** A form POST with the last page's hidden inputs (unless `fields` overrides them). */
  async post(path: string, fields: Fields, headers: Record<string, string> = {}): Promise<{ response: Response; body: string }> {
    const body = new URLSearchParams();
    const merged: Fields = { ...this.hidden, ...fields };
    for (const [name, value] of Object.entries(merged)) for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
    const response = await fetch(new URL(path, this.base), {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: this.base,
        Cookie: this.cookieHeader,
        ...this.extraHeaders,
        ...headers,
      },
      body,
      redirect: "manual",
    });
    this.keep(response);
    return { response, body: await response.text() };
  }
}

export const REQUIRED_PLEDGES = ["stronger-defense", "no-offense", "capacity-building", "collective-action"];

/** A valid application for a domain of its own. */
export function applicationFields(domain: string, overrides: Fields = {}): Fields {
  return {
    name: `Northwind Security ${domain.split(".")[0]}`,
    website: `https://www.${domain}`,
    country: "GB",
    sector: "security",
    description: "Northwind builds intrusion detection for small hospitals and schools across Europe.",
    contact_name: "Jane Doe",
    contact_title: "Chief Information Security Officer",
    contact_email: `jane.doe@${domain}`,
    pledges: [...REQUIRED_PLEDGES, "paris-call"],
    accept: "on",
    ...overrides,
  };
}

/** Waits out the form's minimum fill time (honeypot.server.ts), as a person would. */
export const fillTime = () => sleep(MIN_FILL_MS + 150);
