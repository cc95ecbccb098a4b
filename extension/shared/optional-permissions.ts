/**
 * Optional permissions, asked for at the moment a feature needs them rather than at install (Chrome's and MDN's
 * `permissions.request`). A request must start synchronously inside the user's click: Firefox refuses one made after
 * an `await` ("permissions.request may only be called from a user input handler"), so the page asks and the
 * background, which does the work, waits for the grant.
 */
import browser, { type Permissions } from 'webextension-polyfill';

/** `cookies`, for "Clear this site's cookies" (the manifest lists it under `optional_permissions`). */
export const COOKIES: Permissions.Permissions = { permissions: ['cookies'] };

/** Asks for `wanted`; call it directly inside a click handler. False when declined or refused. */
export function requestPermission(wanted: Permissions.Permissions): Promise<boolean> {
  return browser.permissions.request(wanted).catch(() => false);
}

export function holdsPermission(wanted: Permissions.Permissions): Promise<boolean> {
  return browser.permissions.contains(wanted).catch(() => false);
}

/**
 * Resolves true once the extension holds `wanted` (at once if it does already), or false after `timeoutMs` ms:
 * for the background, whose request arrives while the browser's prompt may still be open.
 */
export function waitForPermission(wanted: Permissions.Permissions, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const check = () => void holdsPermission(wanted).then((held) => held && done(true));
    const timer = setTimeout(() => done(false), timeoutMs);
    const done = (granted: boolean) => {
      clearTimeout(timer);
      browser.permissions.onAdded.removeListener(check);
      resolve(granted);
    };
    // `onAdded` reports what was added, in shapes that differ between browsers (data_collection is Firefox's):
    // asking `contains` again is the one answer both give alike.
    browser.permissions.onAdded.addListener(check);
    // Granted between the caller's check and now: no event will come.
    check();
  });
}
