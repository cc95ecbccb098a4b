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
