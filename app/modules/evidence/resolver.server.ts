// The resolver every evidence check uses (issue 18, docs/decisions/024): Node's c-ares
// resolver, pointed at DNS_SERVERS when set (else the system's), with a timeout, so a check
// never waits on the operating system's resolver and tests can answer with their own
// authoritative server. The same resolver names the addresses outbound HTTPS connects to,
// and the guard refuses private and loopback ones at connect time (see lookupGuarded).
import { promises as dns } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";
import type { DnsServer } from "~/utils/env.server";

export interface ResolverOptions {
  servers: readonly DnsServer[];
  /** Per try, in milliseconds. */
  timeoutMs?: number;
  tries?: number;
}

export function makeResolver({ servers, timeoutMs = 2500, tries = 2 }: ResolverOptions): dns.Resolver {
  const resolver = new dns.Resolver({ timeout: timeoutMs, tries });
  if (servers.length > 0) {
    resolver.setServers(servers.map(({ host, port }) => (isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`)));
  }
  return resolver;
}

/** Addresses no outbound check may reach while the guard is on (RFC 6890 special-purpose). */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  PRIVATE.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  PRIVATE.addSubnet(net, prefix, "ipv6");
}

/** Whether `address` (an IP) is private, loopback, link-local or otherwise not the public internet's. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, "ipv4");
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1], "ipv4");
  return PRIVATE.check(address, "ipv6");
}

export class BlockedAddressError extends Error {
  readonly code = "EBLOCKED";
  constructor(host: string, addresses: string[]) {
    super(`${host} resolves only to private or loopback addresses (${addresses.join(", ")})`);
  }
}

/**
 * A `lookup` for net/tls connections: names resolved through `resolver`, and with the guard
 * on, private and loopback addresses refused. It runs when the socket connects, for every
 * connection (the first request and each redirect), so a name that answered with a public
 * address to an earlier question and a private one now (DNS rebinding) is still refused: the
 * address checked is the address connected to.
 */
export function lookupGuarded(resolver: dns.Resolver, guard: boolean): LookupFunction {
  return (hostname, options, callback) => {
    const all = typeof options === "object" && options !== null && "all" in options && options.all === true;
    const answer = (addresses: string[]) => {
      const allowed = guard ? addresses.filter((a) => !isPrivateAddress(a)) : addresses;
      if (allowed.length === 0) {
        (callback as (err: Error | null, address: string, family?: number) => void)(new BlockedAddressError(hostname, addresses), "", 4);
        return;
      }
      const entries = allowed.map((address) => ({ address, family: isIP(address) }));
      if (all) (callback as unknown as (err: null, list: { address: string; family: number }[]) => void)(null, entries);
      else (callback as (err: null, address: string, family: number) => void)(null, entries[0].address, entries[0].family);
    };
    if (isIP(hostname)) {
      answer([hostname]);
      return;
    }
    void Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]).then(([v4, v6]) => {
      const addresses = [...(v4.status === "fulfilled" ? v4.value : []), ...(v6.status === "fulfilled" ? v6.value : [])];
      if (addresses.length > 0) return answer(addresses);
      const reason: unknown = v4.status === "rejected" ? v4.reason : undefined;
      (callback as (err: Error, address: string, family: number) => void)(
        reason instanceof Error ? reason : new Error(`no address for ${hostname}`),
        "",
        4,
      );
    });
  };
}
