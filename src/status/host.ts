/**
 * Host names as the status check sees them: normalised, private or public, and their registrable domain.
 *
 * Private hosts are never sent to a status provider: names that only mean something on the user's own machine or
 * network. Asking check-host.net about `router.lan` or `10.0.0.5` would leak the user's network layout and could
 * only ever answer "down" for everyone else anyway. That covers addresses outside public unicast space in every
 * spelling ({@link isPrivateAddress}), names that spell such an address for a wildcard-DNS service (`10.0.0.5.nip.io`),
 * names that always mean this machine (`localtest.me`), names of a private network (`host.tail1234.ts.net`), and the
 * domains the user lists as never to be sent ({@link isWithheldHost}).
 */
import ipaddr from 'ipaddr.js';
import { parseIpAddress } from '../shared/ip-address';
import { hostMatches } from '../shared/page-address';

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
 * True when `ip` is not a public unicast address, so it must never be sent anywhere: RFC 1918 private, loopback,
 * link-local, unique-local, CGNAT, multicast, broadcast, unspecified, documentation and other reserved ranges
 * (ipaddr.js's table of the IANA special-purpose registries), and anything that does not parse (when unsure, send
 * nothing). IPv6 spellings that carry an IPv4 address are judged by that address:
 * - IPv4-mapped `::ffff:a.b.c.d` and IPv4-compatible `::a.b.c.d` (RFC 4291 §2.5.5; the latter deprecated, and
 *   what the URL parser makes of `[::192.168.1.1]`: `[::c0a8:101]`, which ipaddr.js calls plain unicast);
 * - IPv4-translated `::ffff:0:a.b.c.d` (RFC 2765, ipaddr.js's `rfc6145`);
 * - 6to4 `2002:AABB:CCDD::/48`, whose bits 16-47 are the site's IPv4 address (RFC 3056 §2);
 * - NAT64 with the well-known prefix `64:ff9b::/96`, the IPv4 address in the last 32 bits (RFC 6052 §2.1).
 *
 * Always private: the local-use NAT64 prefix `64:ff9b:1::/48` (RFC 8215: a prefix of one network's own translator)
 * and Teredo `2001::/32` (RFC 4380: a tunnel endpoint behind the user's NAT, whose obfuscated client address is that
 * household's own address, never a site's). sslip.io's server also counts 64:ff9b:1::/48 as private (`xip.IsPublic`).
 *
 * Meant for the address the browser connected to (webRequest's `ip`) as well as IP literals in URLs.
 *
 * @param ip - an IPv4 or IPv6 address, optionally in brackets or with an IPv6 zone (`fe80::1%eth0`)
 * @throws never
 */
export function isPrivateAddress(ip: string): boolean {
  const addr = parseIpAddress(ip);
  if (addr === null) return true;
  if (addr.kind() === 'ipv4') return !PUBLIC_RANGES.has(addr.range());
  const v6 = addr as ipaddr.IPv6;
  const embedded = embeddedIPv4(v6);
  if (embedded === 'private') return true;
  if (embedded !== null) return !PUBLIC_RANGES.has(embedded.range());
  return !PUBLIC_RANGES.has(v6.range());
}

/** The IPv4 address an IPv6 spelling carries (see {@link isPrivateAddress}), `'private'` for a form that is always
 * private, or `null` when it carries none. */
function embeddedIPv4(a: ipaddr.IPv6): ipaddr.IPv4 | 'private' | null {
  const p = a.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const zeros = (from: number, to: number) => p.slice(from, to).every((x) => x === 0);
  switch (a.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return v4(p[6]!, p[7]!);
    case '6to4':
      return v4(p[1]!, p[2]!);
    case 'teredo':
      return 'private';
    case 'rfc6052':
      // Only the well-known /96 carries an address anyone else can reach; 64:ff9b:1::/48 is one network's own.
      return p[0] === 0x64 && p[1] === 0xff9b && zeros(2, 6) ? v4(p[6]!, p[7]!) : 'private';
    default:
      // IPv4-compatible `::a.b.c.d`: ipaddr.js calls `::c0a8:101` unicast. `::` and `::1` are ranges of their own.
      return zeros(0, 6) && (p[6] !== 0 || p[7]! > 1) ? v4(p[6]!, p[7]!) : null;
  }
}

/**
 * Wildcard-DNS services: a name under one resolves to the address spelled inside it, so it is private exactly when
 * that address is. `reads` says how the service finds the address:
 * - `sslip`: sslip.io's own rules (nip.io is now served by sslip.io, its page says): dashed IPv4 (`10-0-0-5`),
 *   then dotted (`10.0.0.5`), then eight hex digits (`0a000005`), each anywhere between `.` or `-`, the leftmost
 *   winning; IPv6 with dashes (`--1`, `fe80--1`) or 32 hex digits. Source: cunnie/sslip.io `xip/xip.go`
 *   (`String2IPv4`, `NameToAAAA`) and its test table; the nip.io page kept in that repository.
 * - `last-four`: the original nip.io backend traefik.me still runs (pyrou/traefik.me `nipio/backend.py`): the last
 *   four `.`/`-`-separated parts before the domain, else `fallback`; xip.io's dotted form reads the same way.
 * `site`: names that are the service's own web site, not an embedded address.
 */
const WILDCARD_IP_SERVICES: readonly { suffix: string; reads: 'sslip' | 'last-four'; fallback?: string; site: readonly string[] }[] = [
  { suffix: 'nip.io', reads: 'sslip', site: ['nip.io', 'www.nip.io'] },
  { suffix: 'sslip.io', reads: 'sslip', site: ['sslip.io', 'www.sslip.io'] },
  // traefik.me answers 127.0.0.1 for a name without an address (`mysite.traefik.me`), its README says.
  { suffix: 'traefik.me', reads: 'last-four', fallback: '127.0.0.1', site: [] },
  // xip.io is out of service; its documented names still spell the address they meant.
  { suffix: 'xip.io', reads: 'last-four', site: [] },
];

/**
 * Public domains whose every name resolves to this machine (127.0.0.1 or ::1), used for local development; `except`
 * lists the names that are real sites. Sources in `test/fixtures/hosts/SOURCES.md`: the nip.io page (local.gd), the
 * PayloadsAllTheThings SSRF page (localtest.me, localh.st), the EvilBMP/local-dns table (lvh.me, vcap.me,
 * lacolhost.com, 127-0-0-1.org.uk, localhst.co.uk, localhost.tv, ddev.site), DDEV's documentation (ddev.site).
 */
const LOOPBACK_DOMAINS: readonly { suffix: string; except: readonly string[] }[] = [
  { suffix: 'localtest.me', except: ['readme.localtest.me'] },
  { suffix: 'lvh.me', except: [] },
  { suffix: 'vcap.me', except: [] },
  { suffix: 'lacolhost.com', except: [] },
  { suffix: 'localh.st', except: [] },
  { suffix: 'local.gd', except: [] },
  { suffix: 'ddev.site', except: [] },
  { suffix: '127-0-0-1.org.uk', except: [] },
  { suffix: 'localhst.co.uk', except: [] },
  { suffix: 'localhost.tv', except: ['localhost.tv'] },
];

/**
 * Domains whose names belong to one private network or one household, even where the public can reach a name:
 * Tailscale's MagicDNS names `<machine>.<tailnet>.ts.net` (addresses in CGNAT 100.64/10; a Funnel name is public, but
 * its tailnet name identifies the network and its owner: tailscale.com/kb/1217, /kb/1223), the names before ts.net
 * (`*.beta.tailscale.net`), and Plex's per-server names `<dashed-ip>.<server hash>.plex.direct` (the hash names one
 * user's media server, the dashed address is mostly a LAN one).
 */
const PRIVATE_NETWORK_DOMAINS: readonly string[] = ['ts.net', 'beta.tailscale.net', 'plex.direct'];

/** True when `h` is `suffix` or a name under it. */
function under(h: string, suffix: string): boolean {
  return h === suffix || h.endsWith(`.${suffix}`);
}

/** sslip.io's patterns (`xip/xip.go`), on the lowercased name with a trailing dot, as the server sees it. */
const OCTET = '(?:25[0-5]|(?:2[0-4]|1\\d|[1-9])?\\d)';
const SSLIP_IPV4_DASHES = new RegExp(`(?:^|[.-])((?:${OCTET}-){3}${OCTET})(?:$|[.-])`);
const SSLIP_IPV4_DOTS = new RegExp(`(?:^|[.-])((?:${OCTET}\\.){3}${OCTET})(?:$|[.-])`);
const SSLIP_IPV4_HEX = /(?:^|[.-])([0-9a-f]{8})(?:$|[.-])/;
const H = '[0-9a-f]{1,4}';
const SSLIP_IPV6 = new RegExp(
  `(?:^|[.-])((?:${H}-){7}${H}|(?:${H}-){1,6}-${H}|(?:${H}-){1,5}(?:-${H}){1,2}|(?:${H}-){1,4}(?:-${H}){1,3}|(?:${H}-){1,3}(?:-${H}){1,4}|(?:${H}-){1,2}(?:-${H}){1,5}|${H}-(?:(?:-${H}){1,6})|-(?:(?:-${H}){1,7}|-)|(?:${H}-){1,7}-)(?:$|[.-])`,
);
const SSLIP_IPV6_HEX = /(?:^|\.)([0-9a-f]{32})(?:$|\.)/;

/** The addresses sslip.io answers for `h` (A and AAAA), as strings ipaddr.js parses. */
function sslipAddresses(h: string): string[] {
  const fqdn = `${h}.`;
  const out: string[] = [];
  const dashes = SSLIP_IPV4_DASHES.exec(fqdn);
  const dots = dashes === null ? SSLIP_IPV4_DOTS.exec(fqdn) : null;
  const hex = dashes === null && dots === null ? SSLIP_IPV4_HEX.exec(fqdn) : null;
  if (dashes !== null) out.push(dashes[1]!.replaceAll('-', '.'));
  else if (dots !== null) out.push(dots[1]!);
  else if (hex !== null) out.push(hex[1]!.match(/../g)!.map((b) => parseInt(b, 16)).join('.'));
  const v6 = SSLIP_IPV6.exec(fqdn);
  const v6hex = v6 === null ? SSLIP_IPV6_HEX.exec(fqdn) : null;
  if (v6 !== null) out.push(v6[1]!.replaceAll('-', ':'));
  else if (v6hex !== null) out.push(v6hex[1]!.match(/.{4}/g)!.join(':'));
  return out;
}

/** The address the nip.io backend of traefik.me answers for `sub` (the part before the domain), or `null`. */
function lastFourAddress(sub: string): string | null {
  const parts = sub.split(/[.-]/);
  if (parts.length < 4) return null;
  const last = parts.slice(-4);
  return last.every((x) => /^\d{1,3}$/.test(x) && Number(x) <= 255) ? last.map(Number).join('.') : null;
}

/**
 * Whether a name of a wildcard-DNS, loopback or private-network domain is private; `null` when `h` is under none.
 * A name of a wildcard-DNS service is public only when every address the service answers for it is public; one
 * for which the service answers nothing is private (it is no site anyone else can reach, and we cannot tell).
 */
function privateByService(h: string): boolean | null {
  if (PRIVATE_NETWORK_DOMAINS.some((d) => h.endsWith(`.${d}`))) return true;
  const loopback = LOOPBACK_DOMAINS.find((d) => under(h, d.suffix));
  if (loopback !== undefined) return !loopback.except.includes(h);
  const service = WILDCARD_IP_SERVICES.find((d) => under(h, d.suffix));
  if (service === undefined) return null;
  if (service.site.includes(h)) return false;
  const sub = h === service.suffix ? '' : h.slice(0, -service.suffix.length - 1);
  let addresses: string[];
  if (service.reads === 'sslip') addresses = sslipAddresses(h);
  else {
    const found = lastFourAddress(sub) ?? service.fallback ?? null;
    addresses = found === null ? [] : [found];
  }
  return addresses.length === 0 || addresses.some(isPrivateAddress);
}

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
 * True when `host` must never leave the browser in a status check: IP literals that are private by
 * {@link isPrivateAddress}, single-label names, special-use suffixes, names whose first label is `localhost`
 * (`localhost.example.nl`: zones still carry such records pointing at 127.0.0.1, SIDN found 1.3 million in .nl),
 * names of wildcard-DNS services that spell a private address (`10-0-0-5.sslip.io`), of domains that always mean this
 * machine (`app.localtest.me`) or one private network (`host.tail1234.ts.net`), and anything unparseable (when
 * unsure, send nothing). An intranet name under a public domain (split DNS) cannot be told by its name: the server
 * address the browser connected to, or the user's never-send list ({@link isWithheldHost}), catches it.
 *
 * @param host - a host name, possibly with port, brackets, userinfo, trailing dot or in Unicode
 * @throws Error when a name needs the Public Suffix List and {@link loadPublicSuffixList} has not finished
 */
export function isPrivateHost(host: string): boolean {
  const h = normaliseHost(host);
  if (h === null) return true;
  if (ipaddr.isValid(h)) return isPrivateAddress(h);
  // The URL parser already turned odd IPv4 forms (`0x7f.1`, `2130706433`) into dotted quads, so what is left is a name.
  if (!h.includes('.')) return true;
  if (PRIVATE_SUFFIXES.some((s) => under(h, s))) return true;
  if (h.startsWith('localhost.')) return true;
  const byService = privateByService(h);
  if (byService !== null) return byService;
  // A public suffix itself (`co.uk`) or a name under a TLD that is not delegated cannot be a public site.
  const parsed = parse(h);
  return parsed.domain === null || (!parsed.isIcann && !parsed.isPrivate);
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

/**
 * True when `host` must never be sent anywhere: it is private ({@link isPrivateHost}), or it is one of the user's
 * never-send domains or a name under one (`example.com` covers `intranet.example.com`).
 *
 * @param neverSend - the `neverSend` setting: host names, lowercase, IDN in punycode
 * @throws Error when a name needs the Public Suffix List and {@link loadPublicSuffixList} has not finished
 */
export function isWithheldHost(host: string, neverSend: readonly string[]): boolean {
  if (isPrivateHost(host)) return true;
  const h = normaliseHost(host);
  return h === null || neverSend.some((d) => hostMatches(h, d));
}

/**
 * The registrable domain a site's status page may be guessed from (`<name>status.com`, `<name>.statuspage.io`,
 * `status.<domain>`), or `null` when no guess may be made:
 * - a private host ({@link isPrivateHost}): its name must not leave the browser at all;
 * - a name under a suffix of the Public Suffix List's private section (`user.github.io`, `app.vercel.app`,
 *   `host.tail1234.ts.net`): there the registrable domain is one customer's, not a company's, so `userstatus.com`
 *   would only tell a stranger which user's page (or which tailnet) was visited, and could never find that
 *   customer's status page anyway. Only ICANN-section domains (`github.com`, `bbc.co.uk`) are guessed from;
 * - a name of a wildcard-DNS service (`52-0-56-137.sslip.io`): the server is the user's, not the service's.
 *
 * @throws Error when {@link loadPublicSuffixList} has not finished
 */
export function statusPageDomain(host: string): RegistrableDomain | null {
  const h = normaliseHost(host);
  if (h === null || isPrivateHost(h) || ipaddr.isValid(h)) return null;
  // `52-0-56-137.sslip.io` is someone's server, not sslip.io: its status page would say nothing about it.
  if (WILDCARD_IP_SERVICES.some((d) => under(h, d.suffix) && !d.site.includes(h))) return null;
  const parsed = parse(h);
  if (!parsed.isIcann || parsed.domain === null || parsed.domainWithoutSuffix === null || parsed.domainWithoutSuffix === '') return null;
  return { domain: parsed.domain, name: parsed.domainWithoutSuffix };
}
