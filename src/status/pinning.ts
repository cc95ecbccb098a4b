/**
 * Every outgoing request is pinned (issue 15): where a status, provider or archive request may go, which redirect it
 * may follow, and which link from a provider's answer may be shown. One place for these rules, built on the host rules
 * of `./host.ts` (the private-address rule, the registrable domain by the Public Suffix List).
 *
 * Why: a site that answers 502 chooses what `status.<its domain>` answers. Following its redirect anywhere would let
 * it make the extension send blind GETs into the user's network (`http://192.168.1.1/…`, `127.0.0.1`) and time them,
 * a port scan by proxy. A provider's answer chooses its links in the same way.
 */
import { isPrivateHost, normaliseHost, registrableDomain } from './host';

/** Most redirect hops a request follows, each https on the first address's registrable domain. */
export const MAX_REDIRECT_HOPS = 3;

/**
 * Why the first request to `url` may not be sent, or `null` when it may. Only http(s) without credentials; a private
 * or loopback address (`isPrivateHost`: LAN, loopback, `.local`, an address spelled in a wildcard-DNS name, ...) only
 * when `configured`: the user or their administrator typed that address as an endpoint (a local checker, a test
 * stand-in). A guess (`status.{domain}`) or a redirect target is never configured.
 *
 * @throws Error when the Public Suffix List is not loaded (`loadPublicSuffixList`)
 */
export function destinationRefusal(url: string, configured: boolean): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'not a URL';
  }
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.username !== '' || u.password !== '') return `${u.protocol} address refused`;
  if (!configured && isPrivateHost(u.host)) return `${u.hostname} is a private address`;
  return null;
}

/**
 * Why a redirect from the request's first address `first` to `target` may not be followed, or `null` when it may: only
 * an https target without credentials, on the same registrable domain as `first` (Public Suffix List, private section
 * included, so `a.github.io` never sends on to `b.github.io`), never a private address, and at most
 * {@link MAX_REDIRECT_HOPS} hops (`hop` counts from 1). A first address without a registrable domain (an IP literal, a
 * configured `127.0.0.1` checker) follows no redirect at all.
 *
 * @param target - the `Location`, already resolved against the address that answered it (RFC 9110 §10.2.2)
 * @throws Error when the Public Suffix List is not loaded (`loadPublicSuffixList`)
 */
export function redirectRefusal(first: string, target: string, hop: number): string | null {
  if (hop > MAX_REDIRECT_HOPS) return `more than ${MAX_REDIRECT_HOPS} redirects`;
  let from: URL;
  let to: URL;
  try {
    from = new URL(first);
    to = new URL(target);
  } catch {
    return 'redirect to an address that does not parse';
  }
  if (to.protocol !== 'https:') return `redirect to ${to.protocol} refused: only https is followed`;
  if (to.username !== '' || to.password !== '') return 'redirect to an address with credentials refused';
  if (isPrivateHost(to.host)) return `redirect to the private address ${to.hostname} refused`;
  const a = registrableDomain(from.hostname);
  const b = registrableDomain(to.hostname);
  if (a === null || b === null || a.domain !== b.domain) return `redirect from ${from.hostname} to ${to.hostname} refused: another site`;
  return null;
}

/**
 * A link taken from a provider's answer (check-host's `permanent_link`, the archive's snapshot URL), pinned to the
 * provider: kept only when it is on the provider's own origin (`base`, the address the user or the defaults configured),
 * or https on the provider's registrable domain (`web.archive.org` for `https://archive.org`). An http link there is
 * made https when the provider's base is https: the Wayback availability API answers `http://web.archive.org/…`
 * (its documented example, archive.org/help/wayback_api.php), which is served over https too. Anything else is
 * dropped (`undefined`): a hostile or compromised answer must not put a link of its choosing in the popup.
 *
 * @param base - the provider's configured base URL
 * @throws Error when the Public Suffix List is not loaded (`loadPublicSuffixList`)
 */
export function pinnedLink(link: unknown, base: string): string | undefined {
  if (typeof link !== 'string' || link.length > 2000) return undefined;
  let u: URL;
  let b: URL;
  try {
    u = new URL(link);
    b = new URL(base);
  } catch {
    return undefined;
  }
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.username !== '' || u.password !== '') return undefined;
  if (u.origin === b.origin) return u.href;
  if (isPrivateHost(u.host)) return undefined;
  const a = registrableDomain(u.hostname);
  const d = registrableDomain(b.hostname);
  if (a === null || d === null || a.domain !== d.domain) return undefined;
  if (u.protocol === 'https:') return u.href;
  if (b.protocol !== 'https:' || u.port !== '') return undefined;
  u.protocol = 'https:';
  return u.href;
}

/**
 * The origin a status page's own address (Statuspage's and Instatus' `page.url`) names on the site, or `undefined` when
 * it names none: an https address without credentials or a port of its own, on the site's registrable domain
 * `domain`. This says whose page it is. A page guessed on a name the site does not control (`<name>status.com`,
 * `<name>.statuspage.io`) is only a pointer to this origin, asked again there: anyone can register such a name and
 * write the site's address into `page.url` (issue 15; `statusPageProvider`). The port is the https default so that a
 * squatter's pointer chooses no more than which host of the site's own domain is asked the vendor's path, which is
 * what asking `status.{domain}` does anyway. Private addresses are refused by the HTTP client that asks it.
 *
 * @param domain - the site's registrable domain (`example.com`)
 * @returns `https://host` (lowercase, punycode, no trailing dot or slash)
 * @throws Error when the Public Suffix List is not loaded (`loadPublicSuffixList`)
 */
export function statusPageOrigin(pageUrl: unknown, domain: string): string | undefined {
  if (typeof pageUrl !== 'string' || pageUrl.length > 2000) return undefined;
  let u: URL;
  try {
    u = new URL(pageUrl);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' || u.username !== '' || u.password !== '' || u.port !== '') return undefined;
  const host = normaliseHost(u.host);
  if (host === null || registrableDomain(host)?.domain !== domain) return undefined;
  return `https://${host}`;
}

/**
 * True when a status page's own address (`page.url`) names the site: {@link statusPageOrigin} finds an origin in it.
 *
 * @param domain - the site's registrable domain (`example.com`)
 * @throws Error when the Public Suffix List is not loaded (`loadPublicSuffixList`)
 */
export function namesSite(pageUrl: unknown, domain: string): boolean {
  return statusPageOrigin(pageUrl, domain) !== undefined;
}
