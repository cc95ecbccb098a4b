/**
 * Browser differences the background works around, one small named helper each.
 */
import browser, { type Notifications } from 'webextension-polyfill';
import { isFirefox } from '../shared/browser-family';

/**
 * Firefox does not implement `NotificationOptions.buttons` and rejects a notification that has them (MDN,
 * notifications.NotificationOptions, browser compatibility): there a click on the notification is the only action.
 */
export function supportsNotificationButtons(): boolean {
  return !isFirefox();
}

/**
 * Shows or updates notification `id` in place.
 *
 * Chromium: `notifications.create` with an existing id clears and re-pops it, so an attempt update uses
 * `notifications.update`, which leaves a notification the user dismissed dismissed (`pop` false).
 * Firefox has no `notifications.update` (MDN): `create` with the same id closes the shown notification and shows a
 * new one (seen with ESR 140 on a desktop notification server: "closed", then "new", 0.7 s apart), so there an update
 * that should not pop draws nothing; the popup always has the current words.
 *
 * @param pop - show it even if it was dismissed or is gone (an incident opening, back, or given up)
 */
export async function showNotification(
  id: string,
  options: Notifications.CreateNotificationOptions,
  pop: boolean,
): Promise<void> {
  const update = (browser.notifications as { update?: (id: string, o: unknown) => Promise<boolean> }).update;
  if (typeof update === 'function') {
    const updated = await update(id, options);
    if (updated || !pop) return;
  } else if (!pop) {
    return;
  }
  await browser.notifications.create(id, options);
}

/**
 * The URL a tab shows or is about to show. Chromium sets `pendingUrl` while a navigation has not committed yet, and
 * the user may already have left the failed page in it.
 */
export function currentTabUrl(tab: { url?: string; pendingUrl?: string }): string | undefined {
  return tab.pendingUrl ?? tab.url;
}

/** `navigator.onLine` where the background runs (service worker or event page); assume online when unknown. */
export function isOnline(): boolean {
  return typeof navigator === 'undefined' || navigator.onLine !== false;
}

/**
 * Shortest delay an alarm honours, ms. Chromium (120+) fires alarms no sooner than 30 s after they are set
 * (chrome.alarms docs), so shorter waits also need a timer, which dies with the service worker. Firefox has no such
 * floor (an alarm set 3 s ahead fired after 3.3 s here), so there the alarm alone wakes a suspended event page: with
 * a 30 s floor, a backoff of 8 s came only after 30 s once the event page had been suspended (e2e, Firefox ESR 153).
 */
export function alarmFloorMs(): number {
  return isFirefox() ? 0 : 30_000;
}
