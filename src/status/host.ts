/**
 * Host names as the status check sees them: normalised, private or public, and their registrable domain.
 *
 * Private hosts are never sent to a status provider: names that only mean something on the user's own machine or
 * network. Asking check-host.net about `router.lan` or `10.0.0.5` would leak the user's network layout and could
 * only ever answer "down" for everyone else anyway.
 */
import ipaddr from 'ipaddr.js';

/** tldts: the Public Suffix List and its lookups. */
type PublicSuffixList = typeof import('tldts');
let psl: PublicSuffixList | null = null;
let loading: Promise<PublicSuffixList> | null = null;

/**
 * Loads the Public Suffix List (tldts) once; {@link isPrivateHost} and {@link registrableDomain} need it. Call and
 * await it before either. Evaluating the list's tables took 10-15 ms of CPU in Chromium's service worker (a trace of
 * a worker start, `npm run bench`'s stopped-worker arm), which every start of the worker would pay, mostly while the
 * page that woke it loads; most starts never need the list. The bundler keeps it in the same file as a lazily
 * initialised module (the dynamic import is inlined), so nothing is fetched and a service worker, where `import()` is
 * not allowed, never makes one.
 *
 * @throws never; rejects only if the module cannot be evaluated
 */
export function loadPublicSuffixList(): Promise<void> {
  loading ??= import('tldts').then((m) => (psl = m));
  return loading.then(() => undefined);
}

function parse(h: string): ReturnType<PublicSuffixList['parse']> {
  if (psl === null) throw new Error('the Public Suffix List is not loaded: await loadPublicSuffixList() first');
  return psl.parse(h, PSL_OPTIONS);
}

/**
 * Special-use names of RFC 6761 / RFC 6762 / RFC 8375 and names home routers and companies use in practice. A name
 * ending in one of these is private.
 */
const PRIVATE_SUFFIXES = ['localhost', 'local', 'internal', 'lan', 'home', 'home.arpa', 'corp', 'intranet', 'private', 'test', 'invalid', 'example', 'onion', 'fritz.box'];

/** ipaddr.js ranges that are reachable on the public internet; everything else (private, loopback, ...) is not. */
const PUBLIC_RANGES = new Set(['unicast']);

/**
 * Normalises a host as it may come from a URL, a header or the user: lowercase, brackets and trailing dots
 * removed, port and userinfo dropped, IDN turned into punycode and odd IPv4 forms (`0x7f.1`) into dotted quads by
 * the WHATWG URL parser. Idempotent. Returns `null` when it is not a usable host name.
 */
export function normaliseHost(input: string): string | null {
  if (typeof input !== 'string' || input.length === 0 || input.length > 1000) return null;
  let raw: string;
  try {
    raw = input.includes('://') ? new URL(input).host : input;
  } catch {
    return null;
  }
  const first = parseHostname(raw);
  if (first === null) return null;
  // Without its trailing dots a name may parse differently (`1..` is a name, `1` an IPv4 address): parse it again.
  const stripped = first.replace(/\.+$/, '');
  const host = stripped === first ? first : parseHostname(stripped);
  if (host === null || host.startsWith('.') || host.includes('..')) return null;
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare.length === 0 || bare.length > 253 ? null : bare;
}

/** The URL parser's hostname for `host[:port]` (IDNA to punycode, userinfo and port dropped), or `null`. */
function parseHostname(host: string): string | null {
  // A bare IPv6 literal (`::1`) needs its brackets before the URL parser will take it.
  const input = !host.includes('[') && ipaddr.IPv6.isValid(host) ? `[${host}]` : host;
  try {
    return new URL(`http://${input}`).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * True when `host` must never leave the browser in a status check: IP literals outside public unicast space
 * (RFC 1918 private, loopback, link-local, unique-local, CGNAT, multicast, unspecified, reserved, IPv4-mapped
 * private), single-label names, special-use suffixes, and anything unparseable (when unsure, send nothing).
 *
 * @param host - a host name, possibly with port, brackets, userinfo, trailing dot or in Unicode
 * @throws Error when a name needs the Public Suffix List and {@link loadPublicSuffixList} has not finished
 */
export function isPrivateHost(host: string): boolean {
  const h = normaliseHost(host);
  if (h === null) return true;
  if (ipaddr.isValid(h)) {
    let addr = ipaddr.parse(h);
    if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
    return !PUBLIC_RANGES.has(addr.range());
  }
  // The URL parser already turned odd IPv4 forms (`0x7f.1`, `2130706433`) into dotted quads, so what is left is a name.
  if (!h.includes('.')) return true;
  if (PRIVATE_SUFFIXES.some((s) => h === s || h.endsWith(`.${s}`))) return true;
  // A public suffix itself (`co.uk`) or a name under a TLD that is not delegated cannot be a public site.
  const parsed = parse(h);
  return parsed.domain === null || (!parsed.isIcann && !parsed.isPrivate);
}

/**
 * True when a server address (webRequest's `ip`, see `src/recovery/connection.ts`) is not public unicast: RFC 1918
 * private, loopback, link-local, unique-local, CGNAT, unspecified, reserved, ... (ipaddr.js `range()`). An IPv4-mapped
 * IPv6 address is judged as the IPv4 address it carries. Anything that does not parse counts as private (when unsure,
 * send nothing). Needs no Public Suffix List.
 */
export function isPrivateAddress(ip: string): boolean {
  if (typeof ip !== 'string') return true;
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (!ipaddr.isValid(bare)) return true;
  try {
    let addr = ipaddr.parse(bare);
    if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
    return !PUBLIC_RANGES.has(addr.range());
  } catch {
    return true;
  }
}

/** The Public Suffix List's private section counts: `a.github.io` and `b.github.io` are different sites. */
const PSL_OPTIONS = { allowPrivateDomains: true } as const;

/** A host's registrable domain (`github.com` for `api.github.com`) and that domain without its suffix (`github`). */
interface RegistrableDomain {
  readonly domain: string;
  readonly name: string;
}

/**
 * The registrable domain of `host` by the Public Suffix List (tldts), or `null` for IPs and bare suffixes.
 *
 * @throws Error when {@link loadPublicSuffixList} has not finished
 */
export function registrableDomain(host: string): RegistrableDomain | null {
  const h = normaliseHost(host);
  if (h === null || ipaddr.isValid(h)) return null;
  const parsed = parse(h);
  if (parsed.domain === null || parsed.domainWithoutSuffix === null || parsed.domainWithoutSuffix === '') return null;
  return { domain: parsed.domain, name: parsed.domainWithoutSuffix };
}
