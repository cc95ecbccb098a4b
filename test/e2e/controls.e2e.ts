/**
 * The popup's controls in real Chromium and real Firefox, by clicks, against real nginx 502s (issue 14, point 5):
 *
 * - pause: a failing tab is being retried; "Pause all retries" -> "For 1 hour" in the popup; nginx's access log shows
 *   no reload while paused, past a retry that was due (the same wait before the pause shows one: the test can fail);
 *   "Resume now" -> a reload arrives at once and, with the upstream up, the page is back;
 * - never retry one site: "Never retry shop.example.com", confirmed -> its incident ends at once; a new 502 of that
 *   site gets no retry, while another site (news.example.org, the same nginx) is still retried; "Retry this site
 *   again" takes it off the list.
 *
 * axe-core runs over the popup in each new state (0 serious or critical). One browser per family, reset between tests.
 */
import axe from 'axe-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEWS_HOST, SHOP_HOST, waitForText, type BrowserName, type TabPage } from './driver';
import { useSite } from './site-fixture';
import { UPSTREAM_OK_MARKER } from '../lab/upstream';
import { sleep, waitFor } from '../lab/wait';

const BROWSERS: BrowserName[] = ['chromium', 'firefox'];
const FAILING_IMPACTS: ReadonlySet<string> = new Set(['serious', 'critical']);
/** Past a retry's due time, this much longer before "no reload came" is believed, ms: the step, the reload, nginx's log. */
const MARGIN_MS = 2_500;

/** axe-core's serious or critical findings in `page`, as one line each (empty: none). Lesser ones are printed. */
async function axeProblems(page: TabPage, label: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis, null))) await page.runScript(axe.source);
  const found = await page.evaluate(async () => {
    const g = globalThis as unknown as { axe: typeof axe };
    const results = await g.axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, targets: v.nodes.map((n) => n.target.join(' ')) }));
  }, null);
  for (const f of found) console.log(`axe ${label}: [${f.impact}] ${f.id} at ${f.targets.join(', ')}`);
  return found.filter((f) => f.impact !== null && FAILING_IMPACTS.has(f.impact)).map((f) => `${label}: [${f.impact}] ${f.id} at ${f.targets.join(', ')}`);
}

const wallTimes: string[] = [];

describe.each(BROWSERS)('%s: the popup controls', (browserName) => {
  const site = useSite(browserName, { shareBrowser: true });
  const hits = (path: string, host = SHOP_HOST) => site.gateway.accessLog().filter((e) => e.path === path && e.host.startsWith(host)).length;
  let started = 0;
  beforeAll(() => {
    started = Date.now();
  });
  afterAll(() => {
    wallTimes.push(`${browserName}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it('pause for 1 hour: no reload while paused, past a due retry; "Resume now" reloads at once and the page is back', async () => {
    await site.upstream.setDown();
    const page = await site.driver.openTab(site.url('/paused'));
    const tabId = await site.driver.tabIdOf(site.url('/paused'));
    // Being retried: the first retry went out and failed.
    await site.driver.waitForIncident(SHOP_HOST, (i) => i.attempts >= 1 && i.awaiting === null, { what: 'the first retry to have failed' });

    // The control: without a pause, the retry that is due arrives (the same wait as below, so the test can fail).
    const before = await site.driver.waitForIncident(SHOP_HOST, (i) => i.awaiting === null);
    const count = hits('/paused');
    await waitFor(() => hits('/paused') > count, { timeoutMs: before.nextAt! - Date.now() + MARGIN_MS, message: 'the due retry, without a pause' });
    await site.driver.waitForIncident(SHOP_HOST, (i) => i.attempts >= 2 && i.awaiting === null, { what: 'the second retry to have failed' });

    const popup = await site.driver.openExtensionPage(`extension/popup/index.html?tabId=${tabId}`);
    await waitForText(popup, 'Pause all retries', 10_000);
    await popup.click('[data-testid="pause"]');
    await popup.click('[data-testid="pause-hour"]');
    await waitForText(popup, 'All retries paused until', 10_000);
    const stored = await site.driver.storedSettings();
    expect(stored.pausedUntil).toBeGreaterThan(Date.now() + 3_500_000);
    // Device-local, never synced.
    expect(Object.keys(await readSync(popup))).not.toContain('pausedUntil');
    const held = await site.driver.waitForIncident(SHOP_HOST, (i) => i.awaiting === null);
    const heldCount = hits('/paused');
    // Nothing may happen: the wait runs past the retry that was due, plus the margin the control above needed.
    await sleep(Math.max(0, held.nextAt! - Date.now()) + MARGIN_MS);
    expect(hits('/paused')).toBe(heldCount);
    expect((await site.driver.state()).incidents[0]).toMatchObject({ phase: 'retrying', attempts: held.attempts, awaiting: null });
    // Recorded and shown meanwhile: the badge, and the popup's countdown runs to the pause's end.
    expect(await site.driver.badgeText(tabId)).toBe('502');
    const view = await site.driver.tabView(tabId);
    expect(view.controls?.pausedUntil).toBe(stored.pausedUntil);
    expect(view.incident?.countdown).toMatchObject({ kind: 'next', at: stored.pausedUntil });
    const paused = await axeProblems(popup, `${browserName} popup paused`);

    // "Resume now": the retry that fell due goes out at once, and with the upstream up the page is back.
    await site.upstream.setUp();
    await popup.click('[data-testid="resume"]');
    await waitFor(() => hits('/paused') > heldCount, { timeoutMs: 10_000, message: 'a reload after "Resume now"' });
    await site.driver.waitForPhase(SHOP_HOST, 'recovered', { timeoutMs: 15_000 });
    await waitFor(async () => !(await popup.text()).includes('All retries paused until'), { timeoutMs: 5_000, message: 'the popup no longer paused' });
    expect((await site.driver.storedSettings()).pausedUntil).toBeNull();
    await waitForText(page, UPSTREAM_OK_MARKER, 10_000);
    expect(paused).toEqual([]);
  });

  it('never retry one site: ends its incident at once; a new 502 there gets no retry while another site is retried', async () => {
    await site.upstream.setDown();
    const newsUrl = (path: string) => `http://${NEWS_HOST}:${site.gateway.port}${path}`;
    await site.driver.openTab(site.url('/shop'));
    await site.driver.openTab(newsUrl('/news'));
    const shopTab = await site.driver.tabIdOf(site.url('/shop'));
    await site.driver.waitForIncident(SHOP_HOST, (i) => i.attempts >= 1 && i.awaiting === null, { what: 'shop being retried' });
    await site.driver.waitForIncident(NEWS_HOST, (i) => i.attempts >= 1, { what: 'news being retried' });

    const popup = await site.driver.openExtensionPage(`extension/popup/index.html?tabId=${shopTab}`);
    await waitForText(popup, `Never retry ${SHOP_HOST}`, 10_000);
    await popup.click('[data-testid="never-retry-add"]');
    await waitForText(popup, `Never retry ${SHOP_HOST}? Retrying stops now`, 5_000);
    const confirming = await axeProblems(popup, `${browserName} popup never-retry confirmation`);
    await popup.click('[data-testid="confirm-never-retry"]');
    // Ended at once: well before its next step would have ended it.
    const ended = await site.driver.waitForPhase(SHOP_HOST, 'cancelled', { timeoutMs: 3_000 });
    expect(ended.endedAt!).toBeLessThan(ended.nextAt ?? Number.POSITIVE_INFINITY);
    expect((await site.driver.storedSettings()).neverRetry).toEqual([SHOP_HOST]);
    await waitForText(popup, `${SHOP_HOST} is on your never-retry list (as ${SHOP_HOST})`, 5_000);
    const listed = await axeProblems(popup, `${browserName} popup never-retry listed`);

    // A new 502 of the listed site: recorded, never retried.
    await site.driver.openTab(site.url('/shop-again'));
    await site.driver.waitForIncident((i) => i.host === SHOP_HOST && i.phase === 'not-retried', undefined, { what: 'the new 502 recorded as not retried' });
    const newsCount = hits('/news', NEWS_HOST);
    // The other site is still retried: its next reload arrives (event-driven)...
    await waitFor(() => hits('/news', NEWS_HOST) > newsCount, { timeoutMs: 15_000, message: 'news.example.org retried' });
    // ...and by then the listed site's first retry (1.5 s, +20 % jitter) would long have come.
    const newsIncident = await site.driver.waitForIncident(NEWS_HOST, (i) => i.awaiting === null);
    await sleep(Math.max(0, newsIncident.nextAt! - Date.now()) + MARGIN_MS);
    expect(hits('/shop-again')).toBe(1);
    expect(hits('/news', NEWS_HOST)).toBeGreaterThan(newsCount + 1);

    // Taken off the list from the popup: the site is retried again from its next error.
    await popup.click('[data-testid="never-retry-remove"]');
    await waitForText(popup, `Never retry ${SHOP_HOST}`, 5_000);
    expect((await site.driver.storedSettings()).neverRetry).toEqual([]);
    expect([...confirming, ...listed]).toEqual([]);
  });
});

afterAll(() => {
  console.log(`controls.e2e wall time per browser: ${wallTimes.join(', ')}`);
});

/** What `storage.sync` holds, read in an extension page. */
function readSync(page: TabPage): Promise<Record<string, unknown>> {
  type Api = { storage: { sync: { get(keys: null): Promise<Record<string, unknown>> } } };
  return page.evaluate(async () => {
    const g = globalThis as unknown as { browser?: Api; chrome?: Api };
    return (g.browser ?? g.chrome)!.storage.sync.get(null);
  }, null);
}
