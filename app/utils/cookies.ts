// The one cookie parser (the maintained `cookie` package) for the server's fast path, the
// anti-forgery cookie and the staff session, so they can never disagree on a header.
import { parse } from "cookie";

/** The value of cookie `name` in a Cookie header, or undefined. */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header || !header.includes(name)) return undefined;
  return parse(header)[name];
}
