/**
 * The browser side of {@link RecoveryServiceDeps}: storage, tabs, fetch, notifications, badge, alarms. Each adapter
 * is a small factory over `webextension-polyfill`.
 */
import browser from 'webextension-polyfill';
import { isSamePage } from '../../src/shared/page-address';
import { parseRetryAfter } from '../../src/shared/retry-after';
import { createSerialQueue } from '../../src/shared/serial-queue';
import type { RecoveryState } from '../../src/recovery/incident-machine';
import type { ProbeOutcome } from '../../src/recovery/incident-machine';
import type { BadgeView, NotificationText } from '../../src/view/notification';
import { parseStoredState, type RecoveryEffects, type ReloadResult, type ShownDocument, type StateStore } from './recovery-service';
import { alarmFloorMs, currentTabUrl, showNotification, supportsNotificationButtons } from './quirks';
import { renderText, t } from '../shared/i18n';
import { hasDataConsent } from '../shared/data-consent';
import { createSettingsReader, type SettingsReader } from '../shared/settings-reader';

const STATE_KEY = 'recovery';
export const WAKE_ALARM = 'recovery-wake';
/** Waits shorter than this also get a timer: alarms are coarse, and Chromium's do not fire before 30 s. */
const TIMER_BELOW_MS = 30_000;
/** Longest wait for managed storage before reading settings without it, ms (see `createSettingsSource`). */
const MANAGED_WAIT_MS = 200;
/** A probe that has not answered in this long counts as a network error, ms. */
const PROBE_TIMEOUT_MS = 20_000;

/**
 * One key of `storage.session`: kept while the browser runs, gone when it closes, out of reach of pages. What is read
 * back goes through `parse`, since another version of the extension may have written it.
 */
export function createSessionStore<T>(key: string, parse: (raw: unknown) => T): { load(): Promise<T>; save(value: T): Promise<void> } {
  return {
    async load() {
      const got = await browser.storage.session.get(key);
      return parse(got[key]);
    },
    async save(value: T) {
      await browser.storage.session.set({ [key]: value });
    },
  };
}

/** Recovery state in `storage.session`. */
export function createSessionStateStore(log: Pick<Console, 'warn'>): StateStore {
  return createSessionStore<RecoveryState>(STATE_KEY, (raw) => parseStoredState(raw, log));
}

/**
 * The background's settings: the shared reader (see `settings-reader.ts`, the pages use it too), cached until
 * `invalidate()`, and waiting at most {@link MANAGED_WAIT_MS} for `storage.managed` (Chromium's first answer of a
 * session took 2.9 s here, which would delay noticing the first gateway error by as much).
 */
export function createSettingsSource(log: Pick<Console, 'warn'>): SettingsReader {
  return createSettingsReader({ storage: browser.storage, hasDataConsent, log, managedWaitMs: MANAGED_WAIT_MS });
}

export function createBrowserEffects(): RecoveryEffects {
  return {
    async reload(tabId: number, url: string): Promise<ReloadResult> {
      let tab;
      try {
        tab = await browser.tabs.get(tabId);
      } catch {
        return { kind: 'gone' };
      }
      if (tab === undefined || tab === null) return { kind: 'gone' };
      const shown = currentTabUrl(tab as { url?: string; pendingUrl?: string });
      // Only a tab that still shows the failed page is reloaded: the user may have left it since.
      if (shown !== undefined && !isSamePage(shown, url)) return { kind: 'elsewhere', url: shown };
      await browser.tabs.reload(tabId, { bypassCache: true });
      return { kind: 'reloaded' };
    },

    async readDocument(tabId: number): Promise<ShownDocument | null> {
      const tab = await browser.tabs.get(tabId).catch(() => null);
      if (tab === null || tab.status !== 'complete') return null;
      const [injection] = await browser.scripting.executeScript({
        target: { tabId },
        // Runs in the page: `responseStatus` is in Chromium 109+; where a browser lacks it the outcome stays unknown.
        func: () => {
          const entry = performance.getEntriesByType('navigation')[0] as (PerformanceEntry & { responseStatus?: number }) | undefined;
          return { url: location.href, status: entry?.responseStatus ?? 0, startedAt: performance.timeOrigin };
        },
      });
      const shown = injection?.result as Partial<ShownDocument> | undefined;
      if (typeof shown?.url !== 'string' || typeof shown.status !== 'number' || typeof shown.startedAt !== 'number') return null;
      return { url: shown.url, status: shown.status, startedAt: shown.startedAt };
    },

    async probe(url: string, codes: readonly number[]): Promise<ProbeOutcome> {
      try {
        // `no-store` makes fetch send `Cache-Control: no-cache` and `Pragma: no-cache` (Fetch standard, HTTP-network-
        // or-cache fetch); no cookies go with it; a redirect proves the site answers, so it is not followed.
        // Fetch refuses a URL with credentials (Fetch standard, Request constructor): probe the address without them.
        const target = new URL(url);
        target.username = '';
        target.password = '';
        const res = await fetch(target.href, {
          method: 'GET',
          cache: 'no-store',
          credentials: 'omit',
          redirect: 'manual',
          signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
        });
        void res.body?.cancel().catch(() => undefined);
        if (res.type === 'opaqueredirect') return { kind: 'answered', code: 0 };
        if (codes.includes(res.status)) {
          const ra = parseRetryAfter(res.headers.get('retry-after'), Date.now());
          return { kind: 'gateway-error', code: res.status, ...(ra.ok ? { retryAfterMs: ra.delayMs } : {}) };
        }
        return { kind: 'answered', code: res.status };
      } catch (err) {
        return { kind: 'network-error', reason: err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 200) : 'fetch failed' };
      }
    },

    async notify(id: string, text: NotificationText | null, phaseChanged: boolean): Promise<void> {
      if (text === null) {
        await browser.notifications.clear(id);
        return;
      }
      const title = renderText(text.title);
      const message = text.verdict === undefined ? renderText(text.message) : `${renderText(text.message)}\n${renderText(text.verdict)}`;
      await showNotification(
        id,
        {
          type: 'basic',
          iconUrl: browser.runtime.getURL('icons/icon-128.png'),
          title,
          message,
          ...(text.canStop && supportsNotificationButtons() ? { buttons: [{ title: t('notifStopButton') }] } : {}),
        },
        phaseChanged,
      );
      await recordNotice({ id, title, message, at: Date.now() });
    },

    async badge(tabId: number, view: BadgeView | null): Promise<void> {
      try {
        await browser.action.setBadgeText({ tabId, text: view?.text ?? '' });
        if (view !== null) await browser.action.setBadgeBackgroundColor({ tabId, color: view.color });
      } catch {
        // The tab closed meanwhile: nothing to draw on.
      }
    },
  };
}

/** The latest words each incident's notification showed, newest last. */
export interface Notice {
  readonly id: string;
  readonly title: string;
  readonly message: string;
  /** Epoch ms. */
  readonly at: number;
}

const NOTICES_KEY = 'notices';
/** Notices kept, at most. */
const MAX_NOTICES = 20;

const noticeQueue = createSerialQueue();

/**
 * Keeps what each notification last said in `storage.session`. Headless Firefox closes a notification the moment it
 * is shown and neither browser can read a shown notification's text back (Chromium's `getAll` gives ids only), so
 * this is the one place the exact words can be checked, by the e2e suite and later the incident history.
 */
function recordNotice(notice: Notice): Promise<void> {
  // Notifications are drawn concurrently; one read-modify-write at a time keeps every record.
  return noticeQueue.run(() => writeNotice(notice));
}

async function writeNotice(notice: Notice): Promise<void> {
  const got = await browser.storage.session.get(NOTICES_KEY);
  const list = Array.isArray(got[NOTICES_KEY]) ? (got[NOTICES_KEY] as Notice[]) : [];
  const next = [...list.filter((n) => n.id !== notice.id), notice].slice(-MAX_NOTICES);
  await browser.storage.session.set({ [NOTICES_KEY]: next });
}

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
