/**
 * "Up elsewhere, but not at the address you reached": compares the server address the browser connected to
 * (webRequest's `ip`) with the addresses the status sources' outside locations reached. Pure.
 *
 * A browser that reached an address no outside location reached, while the site is up elsewhere, points to stale DNS
 * (the OS or browser cache, a hosts-file entry, a resolver that lags) or a proxy on the user's side. The caveat: CDNs
 * and big sites answer from many addresses, differing by location and by moment, so an exact mismatch alone means
 * little. The rule here only speaks when every outside address is outside the browser's address's *network*: a
 * different /24 for IPv4, a different /48 for IPv6 (the usual announced-prefix and allocation sizes: a /24 is the
 * longest IPv4 prefix generally accepted in BGP, a /48 the longest IPv6 one and a site's usual allocation, RIPE-690).
 * Addresses of the other family cannot be compared, so IPv4-only outside answers say nothing about an IPv6
 * connection, and the reverse.
 */
import ipaddr from 'ipaddr.js';
import { parseIpAddress } from '../shared/ip-address';
import type { SourceReport } from './verdict';

/** Prefix lengths that make "the same network", by family (see the file comment). */
export const SAME_NETWORK_PREFIX = { ipv4: 24, ipv6: 48 } as const;

/** Outside addresses listed in a finding, at most (the popup names a few). */
const MAX_LISTED = 3;

export type AddressComparison =
  /** Every outside address of the browser's family is in another network: the browser reached somewhere else. */
  | { readonly kind: 'elsewhere'; readonly browser: string; readonly outside: readonly string[] }
  /** Some outside location reached the browser's address or its network. */
  | { readonly kind: 'same-network' }
  /** Nothing to compare: no address, no outside address of the same family, or one that does not parse. */
  | { readonly kind: 'cannot-tell' };


/**
 * Compares the browser's server address with the addresses the sources' outside locations reached.
 *
 * @param browserIp - the site's address as the browser reached it (`siteAddress`: none through a known proxy)
 * @param sources - the status report's sources; only their `addresses` are read
 */
export function compareAddresses(browserIp: string | undefined, sources: readonly Pick<SourceReport, 'addresses'>[]): AddressComparison {
  if (browserIp === undefined) return { kind: 'cannot-tell' };
  const mine = parseIpAddress(browserIp);
  if (mine === null) return { kind: 'cannot-tell' };
  const family = mine.kind();
  const outside = sources.flatMap((s) => s.addresses ?? []).map(parseIpAddress).filter((a): a is ipaddr.IPv4 | ipaddr.IPv6 => a !== null && a.kind() === family);
  if (outside.length === 0) return { kind: 'cannot-tell' };
  const prefix = SAME_NETWORK_PREFIX[family];
  const near = outside.some((a) => (family === 'ipv4' ? (a as ipaddr.IPv4).match(mine as ipaddr.IPv4, prefix) : (a as ipaddr.IPv6).match(mine as ipaddr.IPv6, prefix)));
  if (near) return { kind: 'same-network' };
  const listed = [...new Set(outside.map((a) => a.toString()))].slice(0, MAX_LISTED);
  return { kind: 'elsewhere', browser: mine.toString(), outside: listed };
}
