/**
 * "Copy as curl": a command that asks the site for the failed page again the way the extension's retries do (GET, the
 * cache bypassed), for the person who runs the site or helps one. It reproduces the request safely: never the
 * visitor's cookies, credentials or a form's body, and the page's address quoted so that no address can break out of
 * its quotes in a POSIX shell (sh, bash, zsh). Pure.
 */
import { parsePageAddress } from '../shared/page-address';

/**
 * `s` as one word of a POSIX shell: in single quotes, inside which the shell gives no character a meaning, each `'`
 * written as `'\''` (close the quotes, an escaped quote, open them again). POSIX.1-2017 XCU §2.2.3 "Single-Quotes".
 */
export function shellQuote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

/** A URL as curl is given it: the WHATWG serialisation, printable ASCII only (anything else is percent-encoded). */
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * The page's address as the command asks for it: http(s) only, the fragment gone (never sent to a server), and any
 * `user:password@` gone (curl would send it as `Authorization`). `null` for anything else.
 */
export function curlUrl(url: string): string | null {
  const page = parsePageAddress(url);
  if (page === null) return null;
  const u = new URL(page.page);
  u.username = '';
  u.password = '';
  return PRINTABLE_ASCII.test(u.href) ? u.href : null;
}

export interface CurlInput {
  /** The failed page, as the extension saw it (webRequest's URL, fragment removed). */
  readonly url: string;
  /**
   * The site's server address the browser reached (`incidentSiteAddress`: never a proxy's), so the command asks that
   * very server (`--resolve`), as the browser did, rather than whatever DNS answers the person who runs it.
   */
  readonly serverAddress?: string | undefined;
}

/**
 * The command, or `null` when the address cannot be given to curl safely. Always GET: a form's body is never
 * included (it may hold an order or a payment, and re-sending it is the user's decision alone), and neither are
 * cookies or any header of the visitor's; `Cache-Control: no-cache` asks past caches, as a retry does.
 *
 * `-sS` quiet but errors shown, `-D -` the answer's status line and headers on standard output, `-o /dev/null` the
 * body discarded, `--globoff` the address taken literally (curl reads `[]` and `{}` in a URL as ranges otherwise, and an
 * IPv6 address has brackets).
 */
export function curlCommand(input: CurlInput): string | null {
  const url = curlUrl(input.url);
  if (url === null) return null;
  const parts = ['curl', '-sS', '-D', '-', '-o', '/dev/null', '--globoff', '-H', shellQuote('Cache-Control: no-cache')];
  const resolve = resolveRule(url, input.serverAddress);
  if (resolve !== null) parts.push('--resolve', shellQuote(resolve));
  parts.push(shellQuote(url));
  return parts.join(' ');
}

/** `host:port:address` for curl's `--resolve` (curl 7.57+ takes an IPv6 address in brackets); none for an IP host. */
function resolveRule(url: string, address: string | undefined): string | null {
  if (address === undefined || !/^[0-9A-Fa-f.:]+$/.test(address)) return null;
  const u = new URL(url);
  // An address in the URL itself is already what curl connects to.
  if (u.hostname.startsWith('[') || /^[0-9.]+$/.test(u.hostname)) return null;
  const port = u.port !== '' ? u.port : u.protocol === 'https:' ? '443' : '80';
  return `${u.hostname}:${port}:${address.includes(':') ? `[${address}]` : address}`;
}
