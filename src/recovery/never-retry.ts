/** The user's never-retry list: the one rule for which sites it covers. */
import { hostMatches } from '../shared/page-address';

/**
 * True when `host` is on the never-retry list: one of its names or a name under one (`example.com` covers
 * `shop.example.com`). Such a site gets no retry, no background probe and no automatic status check; the user may
 * still reload or check it by hand.
 *
 * @param neverRetry - the `neverRetry` setting, host names as the user typed them
 */
export function isNeverRetry(host: string, neverRetry: readonly string[]): boolean {
  return neverRetry.some((pattern) => hostMatches(host, pattern));
}

/**
 * The entries of the never-retry list that cover `host` (itself, or a domain above it), as they are stored; empty when
 * the host is not on the list. "Take it off the list" removes exactly these.
 */
export function neverRetryEntriesFor(host: string, neverRetry: readonly string[]): string[] {
  return neverRetry.filter((pattern) => hostMatches(host, pattern));
}

/**
 * The list with `host` added, as the popup's "Never retry this site" does: the host name itself (what the popup
 * names, and what the options page's list holds: a name covers the names under it), never its registrable domain,
 * which would also silence the domain's other sites the user did not name. Lower-cased, a trailing dot dropped.
 *
 * @param max - the most entries the list may hold (`MAX_NEVER_RETRY_HOSTS`)
 * @returns the same list when the host is covered already; `null` when the list is full
 */
export function withNeverRetry(neverRetry: readonly string[], host: string, max: number): readonly string[] | null {
  if (isNeverRetry(host, neverRetry)) return neverRetry;
  if (neverRetry.length >= max) return null;
  return [...neverRetry, host.toLowerCase().replace(/\.$/, '')];
}

/**
 * The list without every entry that covers `host` (see {@link neverRetryEntriesFor}), so the site is retried again:
 * taking off only `shop.example.com` while `example.com` stays would change nothing for it.
 */
export function withoutNeverRetry(neverRetry: readonly string[], host: string): readonly string[] {
  return neverRetry.filter((pattern) => !hostMatches(host, pattern));
}
