/** When the background wakes next: an alarm that outlives the worker, and a timer for short waits. */
import browser from 'webextension-polyfill';
import { alarmFloorMs } from './quirks';

export const WAKE_ALARM = 'recovery-wake';
/** Waits shorter than this also get a timer: alarms are coarse, and Chromium's do not fire before 30 s. */
const TIMER_BELOW_MS = 30_000;

/**
 * Wakes the background at `at` (epoch ms): an alarm, which survives the service worker or event page being stopped,
 * plus a timer for short waits (exact, but lost with the worker). Both end in the same idempotent `due` event.
 */
export function createWakeScheduler(onDue: () => void): (at: number | null) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // `undefined` until the first call of this worker's life, so a fresh worker always sets its wake-up.
  let scheduled: number | null | undefined;
  return (at) => {
    if (at === scheduled) return;
    scheduled = at;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (at === null) {
      void browser.alarms.clear(WAKE_ALARM);
      return;
    }
    const wait = Math.max(0, at - Date.now());
    if (wait < TIMER_BELOW_MS) {
      timer = setTimeout(() => {
        timer = undefined;
        scheduled = undefined;
        onDue();
      }, wait);
    }
    void browser.alarms.create(WAKE_ALARM, { when: Date.now() + Math.max(wait, alarmFloorMs()) });
  };
}
