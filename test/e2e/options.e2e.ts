/**
 * The options page's recovery settings, set the way a user sets them (clicks and typing in the page, in real
 * Chromium and Firefox), then obeyed during real nginx gateway errors:
 * - a code switched off (503) is left alone;
 * - a site on the never-retry list is recorded and explained but never retried;
 * - the retry cap (2) sends the incident to watch mode after 2 visible reloads;
 * - notifications switched off: none is shown for any of these;
 * - the history's retention (7 days) is stored.
 */
import { describe, expect, it } from 'vitest';
import { getMessage } from '../locale';
import { NEWS_HOST, waitForText, type BrowserName, type TabPage } from './driver';
import { useSite } from './site-fixture';
import { errorResponse } from '../lab/upstream';
import { sleep, waitFor } from '../lab/wait';

const BROWSERS: BrowserName[] = ['chromium', 'firefox'];

/**
 * Clicks the control at `selector` once it is in the middle of the view. (Firefox: a click on a checkbox below the
 * fold, scrolled to by Puppeteer, sometimes landed beside it and toggled nothing.)
 */
async function clickInView(page: TabPage, selector: string): Promise<void> {
  await page.evaluate((s) => document.querySelector(s)!.scrollIntoView({ block: 'center' }), selector);
  await page.click(selector);
}

/** Replaces what the field at `selector` holds with `text` by typing, then leaves it (Tab), which commits it. */
async function retype(page: TabPage, selector: string, text: string): Promise<void> {
  await page.evaluate((s) => (document.querySelector(s) as HTMLInputElement).select(), selector);
  await page.type(selector, text);
  await page.press('Tab');
}

describe.each(BROWSERS)('%s: the options page', (browserName) => {
  const site = useSite(browserName);

  it('codes, retry cap, notifications, never-retry and retention are set in the page, stored, and obeyed', async () => {
    const { driver, gateway, upstream } = site;
    const options = await driver.openExtensionPage('extension/options/index.html');
    await waitForText(options, getMessage('optionsRecoverySection'), 10_000);
    const before = await driver.storedSettings();
    expect(before.codes ?? [502, 503, 504, 520, 521, 522, 523, 524]).toContain(503);

    await clickInView(options, '[data-testid="code-503"]');
    await retype(options, '[data-testid="retries"]', '2');
    await clickInView(options, '[data-testid="notify-never"]');
    await options.type('[data-testid="never-retry"]', NEWS_HOST);
    await clickInView(options, '[data-testid="never-retry-save"]');
    await retype(options, '[data-testid="history-retention"]', '7');
    await waitFor(
      async () => {
        const s = await driver.storedSettings();
        return s.maxVisibleRetries === 2 && s.notify === 'never' && JSON.stringify(s.neverRetry) === JSON.stringify([NEWS_HOST]) && s.historyRetentionDays === 7 && Array.isArray(s.codes) && !s.codes.includes(503);
      },
      { timeoutMs: 10_000, message: 'every setting stored' },
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}; stored: ${JSON.stringify(await driver.storedSettings())}`);
    });
    expect(await options.text()).toContain(getMessage('optionsSaved'));
    const stored = await driver.storedSettings();
    expect(stored.codes).toEqual([502, 504, 520, 521, 522, 523, 524]);
    await options.close();

    // A 503 is no longer acted on: no incident, and nginx sees the one request of the page.
    upstream.route('/busy', errorResponse(503, { retryAfter: 1 }));
    await driver.openTab(site.url('/busy'));
    // A site on the never-retry list: recorded and explained, never retried.
    upstream.route('/news-down', errorResponse(502));
    const newsUrl = `http://${NEWS_HOST}:${gateway.port}/news-down`;
    await driver.openTab(newsUrl);
    // The shop's own 502s: two visible reloads, then watch mode.
    upstream.route('/cap', { destroySocket: true });
    await driver.openTab(site.url('/cap'));

    const shop = async () => (await driver.state()).incidents.find((i) => i.url.endsWith('/cap'));
    await waitFor(async () => (await shop())?.phase === 'watching', { timeoutMs: 30_000, message: 'watch mode after the cap' });
    expect((await shop())!.attempts).toBe(2);
    await driver.waitForPhase(NEWS_HOST, 'not-retried', { timeoutMs: 5_000 });
    // Nothing more may happen in these 2 s: no incident for the 503, no retry of the never-retry site.
    await sleep(2_000);
    const state = await driver.state();
    expect(state.incidents.some((i) => i.url.endsWith('/busy'))).toBe(false);
    const news = state.incidents.find((i) => i.host === NEWS_HOST);
    expect(news?.phase).toBe('not-retried');
    expect(news?.notRetriedReason).toBe('never-retry');
    const hits = (path: string) => gateway.accessLog().filter((e) => e.path === path).length;
    const loads = (path: string) => gateway.accessLog().filter((e) => e.path === path && e.navigation).length;
    expect(hits('/busy')).toBe(1);
    expect(hits('/news-down')).toBe(1);
    // The page and its two reloads, and the one cookieless comparison of the incident (a fetch, not a navigation).
    expect(loads('/cap')).toBe(3);
    expect(hits('/cap')).toBe(4);
    expect(await driver.notificationIds()).toEqual([]);

    // The popup of the never-retried site says why it is left alone.
    const popup = await driver.openExtensionPage(`extension/popup/index.html?tabId=${await driver.tabIdOf(newsUrl)}`);
    await waitForText(popup, getMessage('popupPhaseNeverRetry'), 10_000);
  });
});
