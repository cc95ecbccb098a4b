/**
 * URL helpers for untrusted page URLs. The WHATWG URL parser does the parsing; these only decide what a "site" and
 * "the same page" mean for recovery. Nothing here throws.
 */

/** A parsed http(s) URL reduced to what recovery needs. */
interface PageAddress {
  /** `scheme://host[:port]`, the key of an incident (one incident per site). */
  readonly origin: string;
  /** Host name as the URL parser gives it (IDN in punycode, IPv6 in brackets). */
  readonly host: string;
  /** The URL without its fragment: two URLs that differ only in `#...` show the same document. */
  readonly page: string;
}

/** Parses `url` if it is http or https; `null` for anything else (file:, about:, chrome:, garbage). */
export function parsePageAddress(url: string | undefined | null): PageAddress | null {
  if (typeof url !== 'string' || url.length === 0) return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  u.hash = '';
  return { origin: u.origin, host: u.hostname, page: u.href };
}

/**
 * The match pattern that covers the site of `url` (`https://shop.example.com/*`), or `null` for a URL that is not
 * http(s): what the extension asks the browser for to see that site. Match patterns carry no port and match every
 * port (MDN "Match patterns"; Chrome's "Match patterns" page).
 */
export function sitePattern(url: string | undefined | null): string | null {
  const page = parsePageAddress(url);
  if (page === null) return null;
  return `${new URL(page.origin).protocol}//${page.host}/*`;
}

/** True when both URLs parse and name the same document (fragment ignored). */
export function isSamePage(a: string | undefined | null, b: string | undefined | null): boolean {
  const pa = parsePageAddress(a);
  const pb = parsePageAddress(b);
  return pa !== null && pb !== null && pa.page === pb.page;
}

/**
 * True when `host` is `pattern` or a subdomain of it. Patterns are host names as the user typed them in the
 * never-retry list (`example.com` also covers `www.example.com`); case and a trailing dot are ignored.
 */
export function hostMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const p = pattern.trim().toLowerCase().replace(/\.$/, '');
  if (p === '') return false;
  return h === p || h.endsWith(`.${p}`);
}
