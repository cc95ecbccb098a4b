/**
 * The browser side of the recovery service's effects (`RecoveryEffects`): reload a tab, read what it shows, probe a
 * site, draw a notification and a badge. Each goes through `webextension-polyfill`.
 */
import browser from 'webextension-polyfill';
import type { ProbeOutcome } from '../../src/recovery/incident-machine';
import type { CookielessAnswer } from '../../src/recovery/cookieless';
import { readGatewayHeaders } from '../../src/gateway/headers';
import { isSamePage, parsePageAddress } from '../../src/shared/page-address';
import { parseRetryAfter } from '../../src/shared/retry-after';
import { notificationWords, type BadgeView, type NotificationText } from '../../src/view/notification';
import { renderText, t } from '../shared/i18n';
import { currentTabUrl, showNotification, supportsNotificationButtons } from './quirks';
import type { RecoveryEffects, ReloadResult, ShownDocument } from './recovery-service';

/** A probe that has not answered in this long counts as a network error, ms. */
const PROBE_TIMEOUT_MS = 20_000;

export function createBrowserEffects(): RecoveryEffects {
  return {
    async reload(tabId: number, url: string, unanswered = false): Promise<ReloadResult> {
      let tab;
      try {
        tab = await browser.tabs.get(tabId);
      } catch {
        return { kind: 'gone' };
      }
      if (tab === undefined || tab === null) return { kind: 'gone' };
      const shown = currentTabUrl(tab as { url?: string; pendingUrl?: string });
      // Only a tab that still shows the failed page is reloaded: the user may have left it since. A URL the browser
      // does not tell (it gives a tab's URL only where the extension holds host permission: not for about:, file:,
      // chrome: pages, nor for a site the user withdrew access from) is not the failed page either: when unsure,
      // reload nothing (issue 15, "Fail closed everywhere").
      if (shown === undefined) return { kind: 'unreadable' };
      if (!isSamePage(shown, url)) return { kind: 'elsewhere', url: shown };
      // The tab's last load got no outcome in time, and the tab is still loading this page: a slow answer (a gateway
      // may wait 100 s before it gives up), never cut short by a reload.
      if (unanswered && (tab as { status?: string }).status === 'loading') return { kind: 'loading' };
      // Firefox: `tabs.reload` of a discarded tab clears `discarded` and sends no request (ESR 140, seen in the
      // half-up e2e), so a discarded tab is loaded by its URL instead.
      if ((tab as { discarded?: boolean }).discarded === true) await browser.tabs.update(tabId, { url });
      else await browser.tabs.reload(tabId, { bypassCache: true });
      return { kind: 'reloaded' };
    },

    async tabPresence(tabId: number): Promise<'shown' | 'discarded' | 'gone'> {
      // `undefined` for an id that was never a tab (the API's promise would reject; a hostile caller's need not).
      const tab = (await browser.tabs.get(tabId).catch(() => undefined)) as { discarded?: boolean } | undefined;
      if (tab === undefined || tab === null) return 'gone';
      return tab.discarded === true ? 'discarded' : 'shown';
    },

    async readDocument(tabId: number, url: string): Promise<ShownDocument | null> {
      const tab = await browser.tabs.get(tabId).catch(() => null);
      if (tab === null || tab === undefined || tab.status !== 'complete') return null;
      // `scripting` runs code in whatever the tab shows at that moment: only a tab that shows the page asked about, an
      // http(s) page the browser tells the URL of, gets anything (a hidden URL is not it: see `reload`).
      const shown = currentTabUrl(tab as { url?: string; pendingUrl?: string });
      const expected = parsePageAddress(url);
      if (expected === null || !isSamePage(shown, url)) return null;
      const [injection] = await browser.scripting.executeScript({
        target: { tabId },
        args: [expected.origin],
        // Runs in the page. The tab may have moved on between `tabs.get` and here: a document of another origin
        // answers nothing, before anything of it is read. `responseStatus` is in Chromium 109+; where a browser lacks
        // it the outcome stays unknown.
        func: (origin: string) => {
          if (location.origin !== origin) return null;
          const entry = performance.getEntriesByType('navigation')[0] as (PerformanceEntry & { responseStatus?: number }) | undefined;
          return { url: location.href, status: entry?.responseStatus ?? 0, startedAt: performance.timeOrigin };
        },
      });
      const read = injection?.result as Partial<ShownDocument> | null | undefined;
      if (typeof read?.url !== 'string' || typeof read.status !== 'number' || typeof read.startedAt !== 'number') return null;
      if (!isSamePage(read.url, url)) return null;
      return { url: read.url, status: read.status, startedAt: read.startedAt };
    },

    async probe(url: string, codes: readonly number[]): Promise<ProbeOutcome> {
      try {
        const res = await pinnedGet(url);
        if (res.type === 'opaqueredirect') return { kind: 'answered', code: 0, challenge: false };
        const ra = parseRetryAfter(res.headers.get('retry-after'), Date.now());
        const retryAfter = ra.ok ? { retryAfterMs: ra.delayMs } : {};
        // A challenge served as a 5xx is a bot check, not the outage (see classify.ts).
        const challenge = isChallenge(res.headers, res.status);
        if (codes.includes(res.status) && !challenge) return { kind: 'gateway-error', code: res.status, ...retryAfter };
        return { kind: 'answered', code: res.status, challenge, ...retryAfter };
      } catch (err) {
        return { kind: 'network-error', reason: errorText(err) };
      }
    },

    async compareCookieless(tabId: number, url: string, codes: readonly number[]): Promise<CookielessAnswer> {
      // The design forbids a request for a private window's site from the regular profile: a gone tab counts as
      // private (when unsure, send nothing).
      const tab = await browser.tabs.get(tabId).catch(() => null);
      if (tab === null || tab === undefined || tab.incognito !== false) return { kind: 'skipped' };
      try {
        const res = await pinnedGet(url);
        if (res.type === 'opaqueredirect') return { kind: 'answered', code: 0, challenge: false };
        if (codes.includes(res.status)) {
          // A challenge served as a 5xx is a bot check, not the outage (see classify.ts).
          const challenge = isChallenge(res.headers, res.status);
          return challenge ? { kind: 'answered', code: res.status, challenge } : { kind: 'gateway-error', code: res.status };
        }
        return { kind: 'answered', code: res.status, challenge: isChallenge(res.headers, res.status) };
      } catch (err) {
        return { kind: 'network-error', reason: errorText(err) };
      }
    },

    async notify(id: string, text: NotificationText | null, pop: boolean): Promise<void> {
      if (text === null) {
        await browser.notifications.clear(id);
        return;
      }
      const { title, message } = notificationWords(text, renderText);
      await showNotification(
        id,
        {
          type: 'basic',
          iconUrl: browser.runtime.getURL('icons/icon-128.png'),
          title,
          message,
          ...(text.canStop && supportsNotificationButtons() ? { buttons: [{ title: t('notifStopButton') }] } : {}),
        },
        pop,
      );
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

/**
 * One GET to `url`, pinned: cache bypassed (`no-store` makes fetch send `Cache-Control: no-cache` and
 * `Pragma: no-cache`, Fetch standard, HTTP-network-or-cache fetch), no cookies, and a redirect not followed (it proves
 * the site answers; following it could lead anywhere). Fetch refuses a URL with credentials (Fetch standard, Request
 * constructor): the address is asked without them. The body is not read.
 */
async function pinnedGet(url: string): Promise<Response> {
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
  return res;
}

/**
 * The answer's headers mark an anti-bot challenge page (Cloudflare's `cf-mitigated: challenge`, Jiasule, ...): the
 * signature table's rule, read by `readGatewayHeaders`.
 */
function isChallenge(headers: Headers, code: number): boolean {
  const list = [...headers].map(([name, value]) => ({ name, value }));
  return readGatewayHeaders(list, code).challenge !== undefined;
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 200) : 'fetch failed';
}
