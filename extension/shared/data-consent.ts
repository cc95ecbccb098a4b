/**
 * The browser's own consent to send browsing data, where one exists.
 *
 * Firefox (140+ desktop, 142+ Android) has a built-in data consent: the manifest declares `browsingActivity` as an
 * optional data collection permission, and the extension must hold it before sending a visited site's address
 * anywhere (https://extensionworkshop.com/documentation/develop/firefox-builtin-data-consent/). Chrome has no such
 * permission: there the extension's own consent screen is the whole consent.
 *
 * Every function here starts its browser call synchronously: Firefox only shows a permission prompt to a caller that
 * is still handling the user's click, and an `await` before `permissions.request` loses that ("permissions.request
 * may only be called from a user input handler"). Which browser it is was fixed at build time (`browser-family.ts`),
 * so telling costs no `await` either.
 */
import browser, { type Permissions } from 'webextension-polyfill';
import { isFirefox } from './browser-family';
import { waitForPermission } from './optional-permissions';

const BROWSING_ACTIVITY: Permissions.Permissions = { data_collection: ['browsingActivity'] };

/**
 * Asks for the user's consent to send site addresses. Call it directly inside a click handler.
 *
 * @returns true when the browser granted it (at once if it was granted before, or on Chrome where none exists);
 *   false when the user declined or the browser refused the request
 */
export function requestDataConsent(): Promise<boolean> {
  if (!isFirefox()) return Promise.resolve(true);
  return browser.permissions.request(BROWSING_ACTIVITY).catch(() => false);
}

/** Gives the Firefox permission back when the user turns automatic checks off. Errors are ignored: the setting is what the background obeys. */
export function withdrawDataConsent(): Promise<void> {
  if (!isFirefox()) return Promise.resolve();
  return browser.permissions.remove(BROWSING_ACTIVITY).then(
    () => undefined,
    () => undefined,
  );
}

/**
 * True when the browser still holds the consent. Firefox lets the user withdraw it in the add-ons manager, behind the
 * extension's back; Chrome has nothing to withdraw.
 */
export function hasDataConsent(): Promise<boolean> {
  if (!isFirefox()) return Promise.resolve(true);
  return browser.permissions.contains(BROWSING_ACTIVITY).catch(() => false);
}

/**
 * Resolves true once the browser holds the data consent, or false after `timeoutMs` ms. For the background, whose
 * "Check now" request arrives while Firefox's permission prompt is still open (`permissions.onAdded` tells when the
 * user grants it).
 */
export function waitForDataConsent(timeoutMs: number): Promise<boolean> {
  if (!isFirefox()) return Promise.resolve(true);
  return waitForPermission(BROWSING_ACTIVITY, timeoutMs);
}
