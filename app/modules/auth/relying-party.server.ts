// Who the registry is to a passkey: the WebAuthn relying party, from PUBLIC_URL. Its ID is
// PUBLIC_URL's host name (a passkey made for it works only there and on its subdomains),
// and answers are accepted only from PUBLIC_URL's origin, so a look-alike site cannot
// relay a staff member's passkey (what makes passkeys resist phishing).
// An IP address cannot be a relying-party ID (WebAuthn wants a domain): a loopback address
// becomes `localhost`, the one loopback name browsers accept (a development server on
// http://127.0.0.1:3000 takes passkeys at http://localhost:3000); any other address leaves
// passkeys unavailable until PUBLIC_URL names the site by its domain.
import { isIP } from "node:net";
import { getEnv } from "~/utils/env.server";

export const RP_NAME = "Accord Registry";

export interface RelyingParty {
  /** The relying-party ID: a host name. */
  id: string;
  /** The one origin answers may come from, e.g. https://registry.example.org */
  origin: string;
}

const LOOPBACK = new Set(["127.0.0.1", "[::1]", "::1"]);

export function relyingPartyOf(publicUrl: string): RelyingParty | null {
  const url = new URL(publicUrl);
  let host = url.hostname.toLowerCase();
  if (LOOPBACK.has(host)) host = "localhost";
  else if (isIP(host.replace(/^\[|\]$/g, "")) !== 0) return null;
  return { id: host, origin: `${url.protocol}//${host}${url.port ? `:${url.port}` : ""}` };
}

/** The relying party of this configuration, or null when passkeys cannot work here. */
export function relyingParty(): RelyingParty | null {
  return relyingPartyOf(getEnv().PUBLIC_URL);
}
