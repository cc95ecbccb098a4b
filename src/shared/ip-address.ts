/**
 * IP literals as URLs, webRequest and status providers spell them, read once for every rule that needs one (the
 * private-address rule, the browser's own connection, the comparison with outside locations).
 */
import ipaddr from 'ipaddr.js';

/**
 * Parses an IP literal with ipaddr.js: bare or in URL brackets (`[::1]`). An IPv4-mapped IPv6 address
 * (`::ffff:10.0.0.1`, RFC 4291 §2.5.5.2) is returned as the IPv4 address it is.
 *
 * @returns the address, or `null` when `text` is not an IP literal; never throws
 */
export function parseIpAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (typeof text !== 'string') return null;
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (!ipaddr.isValid(bare)) return null;
  try {
    const addr = ipaddr.parse(bare);
    return addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() ? (addr as ipaddr.IPv6).toIPv4Address() : addr;
  } catch {
    return null;
  }
}

/**
 * True for a host name that can only mean this machine: `localhost` and every name under it (RFC 6761 §6.3; Chromium
 * and Firefox resolve them to loopback themselves), an IPv4 address in `127.0.0.0/8` or the IPv6 `::1`, bare or in
 * URL brackets (`[::1]`, as `URL.hostname` spells it). For the local checkers an endpoint may reach over plain http.
 *
 * @param host - a URL's `hostname` (any case, a trailing dot allowed)
 * @throws never
 */
export function isLoopbackHost(host: string): boolean {
  if (typeof host !== 'string') return false;
  const h = host.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  return parseIpAddress(h)?.range() === 'loopback';
}
