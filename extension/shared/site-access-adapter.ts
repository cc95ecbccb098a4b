/** {@link SiteAccess} over the browser's `permissions` API. */
import browser from 'webextension-polyfill';
import type { SiteAccess } from './site-access';

/** {@link SiteAccess} through `browser.permissions`. */
export function createSiteAccess(): SiteAccess {
  return {
    covers: (origins) => browser.permissions.contains({ origins: [...origins] }).catch(() => false),
    request: (origins) => browser.permissions.request({ origins: [...origins] }).catch(() => false),
    watch(onChange) {
      // The events' payloads differ between browsers; the listener asks `contains` again, which both answer alike.
      const listener = () => onChange();
      browser.permissions.onAdded.addListener(listener);
      browser.permissions.onRemoved.addListener(listener);
      return () => {
        browser.permissions.onAdded.removeListener(listener);
        browser.permissions.onRemoved.removeListener(listener);
      };
    },
  };
}
