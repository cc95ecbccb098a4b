/**
 * What the browser itself knows about the connection that brought a main frame's answer: the server address it really
 * connected to and, in Firefox, the proxy it went through. Read from a `webRequest.onCompleted` detail (untrusted:
 * any field may be missing or odd) and kept on the incident. Nothing here throws.
 *
 * Sources: MDN webRequest.onCompleted, `details.ip` ("the IP address of the server the request was sent to; it may
 * be a literal IPv6 address"; absent for an answer from the cache) and `details.proxyInfo` (Firefox only: `host`,
 * `port`, `type`, ...; `null` when the request went direct). Chromium's webRequest has `ip` but no `proxyInfo`.
 */
import ipaddr from 'ipaddr.js';
import * as v from 'valibot';
import { parseIpAddress } from '../shared/ip-address';

/** Proxy types Firefox reports (MDN proxy.ProxyInfo `type`; `masque` is the newest), `direct` excepted: no proxy at all. */
const PROXY_TYPES = ['http', 'https', 'socks', 'socks4', 'masque'] as const;

/** An IP literal as ipaddr.js parses it (IPv4 dotted quad or IPv6), at most 64 characters (an IPv6 with a zone). */
export function isIpLiteral(x: unknown): x is string {
  return typeof x === 'string' && x.length > 0 && x.length <= 64 && ipaddr.isValid(x) && (ipaddr.IPv4.isValidFourPartDecimal(x) || ipaddr.IPv6.isValid(x));
}

/** A proxy name as the browser reports it: a host name or an IP literal, nothing that could carry markup. */
const proxyHost = v.pipe(v.string(), v.minLength(1), v.maxLength(253), v.regex(/^[A-Za-z0-9.:_[\]-]+$/));

/** The stored connection facts of an incident's latest error (see {@link readConnection}). */
export const CONNECTION = v.object({
  /** The server address the browser sent the request to, normalised (ipaddr.js `toString`). */
  ip: v.optional(v.custom<string>(isIpLiteral, 'not an IP address')),
  /** Firefox: the proxy the request went through. Absent when it went direct, or when the browser does not tell. */
  proxy: v.optional(
    v.object({
      type: v.picklist(PROXY_TYPES),
      host: v.optional(proxyHost),
      port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65_535))),
    }),
  ),
});

export type Connection = v.InferOutput<typeof CONNECTION>;

/** The two webRequest detail fields read here. */
export interface ConnectionDetails {
  readonly ip?: unknown;
  readonly proxyInfo?: unknown;
}

/**
 * The connection facts of one completion detail, validated: an `ip` that ipaddr.js cannot parse, or a `proxyInfo`
 * that is not the documented shape, is dropped (never trusted as given). `undefined` when nothing usable is left.
 *
 * Limitation: Chromium does not say whether a proxy was used. Its `ip` is then the address of whatever the browser
 * connected to, which behind an explicit proxy is the proxy's, not the site's (see {@link siteAddress}).
 */
export function readConnection(d: ConnectionDetails): Connection | undefined {
  let ip: string | undefined;
  let proxy: Connection['proxy'];
  try {
    ip = readIp(d.ip);
    proxy = readProxy(d.proxyInfo);
  } catch {
    // A detail object whose fields throw when read (a hostile test double; browsers send plain data): nothing usable.
    return undefined;
  }
  if (ip === undefined && proxy === undefined) return undefined;
  return { ...(ip !== undefined ? { ip } : {}), ...(proxy !== undefined ? { proxy } : {}) };
}

function readIp(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 80) return undefined;
  // A bracketed IPv6 literal is how URLs spell it; the address inside is what counts.
  const bare = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  if (!isIpLiteral(bare)) return undefined;
  // An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is that IPv4 address: kept in the form people recognise.
  const text = parseIpAddress(bare)?.toString();
  return text !== undefined && isIpLiteral(text) ? text : undefined;
}

function readProxy(raw: unknown): Connection['proxy'] {
  if (raw === null || typeof raw !== 'object') return undefined;
  const p = raw as { type?: unknown; host?: unknown; port?: unknown };
  if (typeof p.type !== 'string') return undefined;
  const type = p.type.toLowerCase();
  if (!(PROXY_TYPES as readonly string[]).includes(type)) return undefined;
  const host = v.safeParse(proxyHost, p.host);
  const port = typeof p.port === 'number' && Number.isInteger(p.port) && p.port >= 1 && p.port <= 65_535 ? p.port : undefined;
  return {
    type: type as (typeof PROXY_TYPES)[number],
    ...(host.success ? { host: host.output } : {}),
    ...(port !== undefined ? { port } : {}),
  };
}

/**
 * The site's own address as far as the browser knows it: the `ip` when no proxy is known to have been used, else
 * `undefined` (through a proxy, `ip` is the proxy's address). In Chromium a proxy cannot be seen, so an address here
 * may still be a proxy's: callers that act on it must only ever act in the safe direction (send less, never more).
 *
 * @param answeredByProxy - the error's own headers show a proxy's error page (e.g. squid's): the browser talked to
 *   that proxy, so `ip` is the proxy's even where the browser does not say a proxy was used (Chromium)
 */
export function siteAddress(connection: Connection | undefined, answeredByProxy = false): string | undefined {
  return connection?.proxy === undefined && !answeredByProxy ? connection?.ip : undefined;
}

/** "http proxy.corp:3128", for the popup; the type alone when the browser gave no host. */
export function proxyLabel(proxy: NonNullable<Connection['proxy']>): string {
  if (proxy.host === undefined) return proxy.type;
  const host = proxy.host.includes(':') && !proxy.host.startsWith('[') ? `[${proxy.host}]` : proxy.host;
  return `${proxy.type} ${host}${proxy.port !== undefined ? `:${proxy.port}` : ''}`;
}
