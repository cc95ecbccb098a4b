/** Host permissions through the browser, for the user's own checker (see {@link HostAccess}). */
import { createSiteAccess } from '../shared/site-access-adapter';
import type { HostAccess } from './options-view';

/**
 * `request` goes to the browser at once, with nothing awaited first: Firefox refuses `permissions.request` once the
 * click that asked for it has been left ("may only be called from a user input handler"). That is why the view asks
 * `contains` ahead of the click. The manifest's host permissions cover every http and https origin, but both browsers
 * let the user withdraw them (`../shared/site-access.ts`), so the request can matter.
 */
export function createHostAccess(): HostAccess {
  const access = createSiteAccess();
  return {
    contains: (pattern) => access.covers([pattern]),
    request: (pattern) => access.request([pattern]),
  };
}
