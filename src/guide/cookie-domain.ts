/**
 * Which cookies "Clear this site's cookies" may remove: the one rule, for the popup's guide and for the background that
 * removes them.
 */
import ipaddr from 'ipaddr.js';
import { normaliseHost, registrableDomain } from '../status/host';

/**
 * The domain whose cookies (its own and its subdomains') belong to the site at a host, or why there is none:
 * - `domain`: the host's registrable domain by the Public Suffix List, its private section included (`user.github.io`
 *   for `blog.user.github.io`, `example.com` for `shop.example.com`), or the host itself for an IP address (cookies of
 *   an address are that address's alone);
 * - `public-suffix`: the host is itself a public suffix (`github.io`, `vercel.app`, `co.uk`, or a single label such as
 *   `localhost`, a suffix by the list's default rule `*`). Removing the cookies of such a domain would remove those of
 *   every site under it, other people's sites (RFC 6265 §5.3, step 5: a public suffix is never one site's cookie
 *   domain);
 * - `invalid`: not a host name.
 */
export type CookieDomain = { readonly ok: true; readonly domain: string } | { readonly ok: false; readonly reason: 'public-suffix' | 'invalid' };

/**
 * The cookie domain of `host` (see {@link CookieDomain}).
 *
 * @param host - a host name or IP address, as a URL gives it
 * @throws Error when the Public Suffix List is not loaded yet (`loadPublicSuffixList` in `src/status/host.ts`)
 */
export function cookieDomain(host: string): CookieDomain {
  const h = normaliseHost(host);
  if (h === null) return { ok: false, reason: 'invalid' };
  if (ipaddr.isValid(h)) return { ok: true, domain: h };
  const registrable = registrableDomain(h);
  return registrable === null ? { ok: false, reason: 'public-suffix' } : { ok: true, domain: registrable.domain };
}
