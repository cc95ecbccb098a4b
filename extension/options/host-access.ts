/** Host permissions through the browser, for the user's own checker (see {@link HostAccess}). */
import browser from 'webextension-polyfill';
import type { HostAccess } from './options-view';

/**
 * `request` goes to the browser at once, with nothing awaited first: Firefox refuses `permissions.request` once the
 * click that asked for it has been left ("may only be called from a user input handler"). That is why the view asks
 * `contains` ahead of the click. With every http and https origin in the manifest's host permissions Chrome already
 * holds each one; Firefox lets the user withdraw host permissions, so there the request can matter.
 */
export function createHostAccess(): HostAccess {
  return {
    contains: (pattern) => browser.permissions.contains({ origins: [pattern] }),
    request: (pattern) => browser.permissions.request({ origins: [pattern] }),
  };
}
