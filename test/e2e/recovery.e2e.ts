/**
 * The built extension in real Chromium and real Firefox, against real nginx answering real 502s on loopback.
 * Every test gets a fresh site (nginx and upstream) and a browser brought back to its state after launch: one per
 * browser for the file, reset between tests (`Driver.reset`: one incident per site, so tests must not share state).
 * Pages use public-looking host names mapped to 127.0.0.1, as real sites are not loopback.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { launchDriver, NEWS_HOST, openMore, SHOP_HOST, waitForText, type BrowserName } from './driver';
import { useSite } from './site-fixture';
import { errorResponse, htmlResponse, pageWithImage, pageWithPostForm, startUpstream, UPSTREAM_OK_MARKER, type Upstream } from '../lab/upstream';
import { sleep, waitFor } from '../lab/wait';

const BROWSERS: BrowserName[] = ['chromium', 'firefox'];

/** Recovery figures seen by the tests, printed at the end for the closing note. */
const figures: string[] = [];

describe.each(BROWSERS)('%s: gateway-error recovery', (browserName) => {
  const site = useSite(browserName, { shareBrowser: true });
  /** A second site, for "the user went elsewhere". */
  let other: Upstream;
  const gatewayHits = (path: string) => site.gateway.accessLog().filter((e) => e.path === path);

  beforeEach(async () => {
    other = await startUpstream();
  });
  afterEach(async () => {
    await other?.close();
  });

  it('a site down for a few seconds comes back by itself; the reload bypassed the cache', async () => {
    await site.upstream.setDown();
    const tab = await site.driver.openTab(site.url('/recover'));
    expect(await tab.text()).toContain('502 Bad Gateway');
    const tabId = await site.driver.tabIdOf(site.url('/recover'));
    await waitFor(async () => (await site.driver.badgeText(tabId)) === '502', { timeoutMs: 5_000, message: 'badge 502' });
    await waitFor(async () => (await site.driver.notificationIds()).length > 0, { timeoutMs: 5_000, message: 'a notification' });

    // The site stays down 4 s: a few failed retries.
    await sleep(4_000);
    const upAt = Date.now();
    await site.upstream.setUp();
    await waitForText(tab, UPSTREAM_OK_MARKER, 30_000);

    const [reload] = site.upstream.requestsTo('/recover');
    expect(reload?.headers['cache-control']).toBe('no-cache');
    expect(reload?.headers.pragma).toBe('no-cache');
    // The tab shows the page before the background has taken in its outcome (and cleared the badge after that).
    const incident = await site.driver.waitForPhase(SHOP_HOST, 'recovered');
    await waitFor(async () => (await site.driver.badgeText(tabId)) === '', { timeoutMs: 5_000, intervalMs: 50, message: 'the badge cleared' });
    // One notification for the incident, updated in place under its id, never one per attempt.
    expect(new Set(await site.driver.notificationIds())).toEqual(new Set([incident.id]));
    const during = gatewayHits('/recover').filter((e) => e.status === 502).length;
    // Noticed within a second of the gateway's answer (nginx logs $msec when the response is sent).
    const noticedMs = incident.startedAt - gatewayHits('/recover')[0]!.time;
    expect(noticedMs).toBeLessThan(1_000);
    figures.push(
      `${browserName}: noticed ${noticedMs} ms after the 502, down ~${((upAt - incident.startedAt) / 1000).toFixed(1)} s, back in the tab ${((reload!.time - upAt) / 1000).toFixed(1)} s after the upstream returned, ${during} requests reached the gateway while down`,
    );
  });

  it('a POST answered 502 reaches the gateway exactly once and is never re-sent', async () => {
    site.upstream.route('/form', pageWithPostForm('/submit', { order: 'widget' }));
    const tab = await site.driver.openTab(site.url('/form'));
    await site.upstream.setDown();
    await tab.click('button, input[type=submit]');
    await waitFor(async () => (await tab.text().catch(() => '')).includes('502 Bad Gateway'), { timeoutMs: 10_000, message: 'the POST to fail' });
    await site.driver.waitForPhase(SHOP_HOST, 'not-retried', { timeoutMs: 5_000 });
    // Nothing may be sent again, while the site is down nor once it is back. A GET's first retry comes after 1 s
    // (+20 % jitter) and the next 4 s later: each window covers a first retry that should not have been.
    await sleep(2_000);
    await site.upstream.setUp();
    await sleep(2_000);
    expect(site.gateway.accessLog().filter((e) => e.method === 'POST')).toHaveLength(1);
    expect(site.upstream.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    const state = await site.driver.state();
    expect(state.incidents.map((i) => [i.method, i.phase, i.notRetriedReason])).toEqual([['POST', 'not-retried', 'non-get']]);
    expect(await tab.text()).toContain('502 Bad Gateway');
  });

  it('a 502 image on a good page does not reload the page', async () => {
    site.upstream.route('/with-image', pageWithImage('/broken.png'));
    site.upstream.route('/broken.png', errorResponse(502));
    const tab = await site.driver.openTab(site.url('/with-image'));
    await waitFor(() => site.upstream.requestsTo('/broken.png').length >= 1, { timeoutMs: 5_000, message: 'the image request' });
    // Nothing may happen meanwhile: no reload, no incident (a page's first retry would come after 1 s, +20 % jitter).
    await sleep(2_000);
    expect(site.upstream.requestsTo('/with-image')).toHaveLength(1);
    const state = await site.driver.state();
    expect(state.incidents).toEqual([]);
    // Images are not listened to at all (each event would cost every page load something): nothing recorded either.
    expect(state.subresourceErrors ?? []).toEqual([]);
    expect(await tab.text()).toContain(UPSTREAM_OK_MARKER);
  });

  it('a page the user moved to during backoff is not reloaded', async () => {
    await site.upstream.setDown();
    const tab = await site.driver.openTab(site.url('/left'));
    // Let the first retry fail and the extension take it in, so the tab is in backoff (nginx logs the 502 before
    // the browser has committed it; navigating in between would race the browser, not the extension).
    await site.driver.waitForIncident(SHOP_HOST, (i) => i.attempts >= 1 && i.awaiting === null, { what: 'the first retry to have failed' });
    // webRequest reports the 502 before the browser has committed that page: wait for the retry's document (a reload,
    // by its navigation type) to have loaded in the tab. The next retry is ~3 s away.
    await waitFor(
      () =>
        tab
          .evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.type === 'reload' && document.readyState === 'complete', null)
          .catch(() => false),
      { timeoutMs: 5_000, intervalMs: 50, message: "the retry's 502 page committed in the tab" },
    );
    const elsewhere = `http://${NEWS_HOST}:${other.port}/elsewhere`;
    await tab.goto(elsewhere);
    const hitsWhenLeft = gatewayHits('/left').length;
    await site.upstream.setUp();
    await site.driver.waitForPhase(SHOP_HOST, 'abandoned');
    // Nothing may reload the page the user left, for 12 s (four retries' worth) after the site is back.
    await sleep(12_000);
    expect(gatewayHits('/left')).toHaveLength(hitsWhenLeft);
    expect(other.requestsTo('/elsewhere')).toHaveLength(1);
    expect(await tab.href()).toBe(elsewhere);
    const state = await site.driver.state();
    expect(state.incidents[0]?.phase).toBe('abandoned');
  });

  it('watch mode: background probes (cache bypassed, no cookies) find the site back, then every waiting tab reloads once', async () => {
    site.upstream.route('/login', htmlResponse('signed in', 200, { 'Set-Cookie': 'session=secret; Path=/' }));
    await site.driver.openTab(site.url('/login'));
    await site.driver.setSettings({ maxVisibleRetries: 1 });
    await site.upstream.setDown();
    const tabs = [await site.driver.openTab(site.url('/w1')), await site.driver.openTab(site.url('/w2'))];
    const watching = async () => {
      const incident = (await site.driver.state()).incidents[0];
      return incident?.phase === 'watching' && incident.probes >= 1 && incident.awaiting === null;
    };
    await waitFor(watching, { timeoutMs: 20_000, message: 'a failed probe in watch mode' });
    expect((await site.driver.state()).incidents[0]?.attempts).toBe(1);
    // The popup says what watch mode is doing, and when the next background check comes.
    const popup = await site.driver.openExtensionPage(`extension/popup/index.html?tabId=${await site.driver.tabIdOf(site.url('/w1'))}`);
    // The headline's second line says when, in words.
    await waitFor(async () => /Checking again in \d+ (seconds?|minutes?)/.test(await popup.text()), { timeoutMs: 10_000, message: 'the next check in the headline' });
    await openMore(popup);
    await waitForText(popup, 'Checking in the background; the page will reload when the site is back.', 10_000);
    await popup.close();
    await site.upstream.setUp();
    for (const tab of tabs) await waitForText(tab, UPSTREAM_OK_MARKER, 30_000);
    const hits = site.upstream.requests.filter((r) => r.pathname === '/w1' || r.pathname === '/w2');
    // The probe, then one reload per tab.
    expect(hits).toHaveLength(3);
    const [probe, ...reloads] = hits;
    expect(probe!.headers.cookie).toBeUndefined();
    expect(probe!.headers['cache-control']).toBe('no-cache');
    for (const r of reloads) {
      expect(r.headers.cookie).toBe('session=secret');
      expect(r.headers['cache-control']).toBe('no-cache');
    }
    await site.driver.waitForPhase(SHOP_HOST, 'recovered');
  });

  it('404 and 500 are left alone', async () => {
    site.upstream.route('/missing', errorResponse(404));
    site.upstream.route('/crash', errorResponse(500));
    await site.driver.openTab(site.url('/missing'));
    await site.driver.openTab(site.url('/crash'));
    // Nothing may happen in these 4 s: no retry, no incident.
    await sleep(4_000);
    expect(site.upstream.requestsTo('/missing')).toHaveLength(1);
    expect(site.upstream.requestsTo('/crash')).toHaveLength(1);
    expect((await site.driver.state()).incidents).toEqual([]);
  });

  it('a 503 with Retry-After: 4 is not retried before 4 s', async () => {
    site.upstream.route('/busy', (_req, hit) => (hit === 1 ? errorResponse(503, { retryAfter: 4 }) : htmlResponse(`${UPSTREAM_OK_MARKER} /busy`)));
    const tab = await site.driver.openTab(site.url('/busy'));
    const [first, second] = await site.upstream.waitForRequests('/busy', 2, { timeoutMs: 15_000 });
    expect(second!.time - first!.time).toBeGreaterThanOrEqual(4_000);
    expect(second!.time - first!.time).toBeLessThan(8_000);
    await waitForText(tab, UPSTREAM_OK_MARKER, 10_000);
    figures.push(`${browserName}: Retry-After 4 -> retried after ${((second!.time - first!.time) / 1000).toFixed(2)} s`);
  });

  it('three tabs of one site down together: one try stream, and all three recover', async () => {
    await site.upstream.setDown();
    const paths = ['/t1', '/t2', '/t3'];
    const tabs = [];
    for (const p of paths) tabs.push(await site.driver.openTab(site.url(p)));
    const state = await site.driver.waitForState((s) => Object.keys(s.tabs).length === 3, { what: 'three tabs attached' });
    expect(state.incidents).toHaveLength(1);
    // Page loads only: the browser also asks for /favicon.ico after each error page, and the incident's one cookieless
    // comparison is a fetch, not a load (its `Accept` does not ask for HTML); no probe comes this early.
    const pageHits = () => site.gateway.accessLog().filter((e) => paths.includes(e.path) && e.navigation).length;
    const loadsBefore = pageHits();
    // Until two tries reached the gateway (the second comes some 4 s after the first; a slow browser may still be
    // opening the third tab when the first goes out).
    await waitFor(() => pageHits() - loadsBefore >= 2, { timeoutMs: 25_000, intervalMs: 100, message: 'two tries at the gateway' });
    const retries = pageHits() - loadsBefore;
    const incident = (await site.driver.state()).incidents[0]!;
    // Every request after the three first loads is one of the incident's tries: one stream, not three. A try
    // counts when it is sent and the gateway logs it when answered, so one may be in flight between the reads.
    expect(incident.probes).toBe(0);
    expect(retries).toBeLessThanOrEqual(incident.attempts);
    expect(retries).toBeGreaterThanOrEqual(incident.attempts - 1);
    expect(retries).toBeGreaterThanOrEqual(2);
    await site.upstream.setUp();
    for (const tab of tabs) await waitForText(tab, UPSTREAM_OK_MARKER, 30_000);
    for (const p of paths) expect(site.upstream.requestsTo(p)).toHaveLength(1);
    figures.push(`${browserName}: 3 tabs, ${retries} requests reached the gateway (one stream, counted until the second try)`);
  });

  it('the popup shows the incident; "Retry now" reloads at once and "Stop retrying" stops it', async () => {
    // The upstream's own 502 asks for 60 s (`Retry-After`), so no scheduled retry comes while "Retry now" is checked:
    // every request that reaches nginx meanwhile is the click's.
    let dropped = false;
    site.upstream.route('/popup', () => (dropped ? { destroySocket: true } : errorResponse(502, { retryAfter: 60 })));
    await site.driver.openTab(site.url('/popup'));
    const tabId = await site.driver.tabIdOf(site.url('/popup'));
    const popup = await site.driver.openExtensionPage(`extension/popup/index.html?tabId=${tabId}`);
    await waitFor(async () => (await popup.text()).includes(`${SHOP_HOST} is down`), { timeoutMs: 10_000, message: 'popup heading' });
    expect(await popup.text()).toContain("The site's server failed (nginx)");
    await openMore(popup);
    expect(await popup.text()).toMatch(/attempt \d of 5/);
    const incident = async () => (await site.driver.state()).incidents[0]!;
    expect((await incident()).nextAt! - Date.now()).toBeGreaterThan(50_000);
    // "Retry now" reloads the tab at once, cache bypassed: exactly one request, one more attempt.
    const before = gatewayHits('/popup').length;
    const attempts = (await incident()).attempts;
    await popup.click('[data-testid=retry-now]');
    await waitFor(() => gatewayHits('/popup').length > before, { timeoutMs: 3_000, message: 'the retry-now reload' });
    expect(gatewayHits('/popup').at(-1)?.cacheControl).toBe('no-cache');
    await waitFor(async () => (await incident()).awaiting === null, { timeoutMs: 5_000, message: 'the reload\'s outcome' });
    expect(gatewayHits('/popup')).toHaveLength(before + 1);
    expect((await incident()).attempts).toBe(attempts + 1);

    // Now the site fails fast with nginx's own 502 and no Retry-After: one more "Retry now" puts the retries back
    // on their seconds-long schedule, and "Stop retrying" must stop them.
    dropped = true;
    await popup.click('[data-testid=retry-now]');
    await waitFor(async () => { const i = await incident(); return i.awaiting === null && i.nextAt !== null && i.nextAt - Date.now() < 20_000; }, { timeoutMs: 5_000, message: 'a retry scheduled within seconds' });
    const due = (await incident()).nextAt!;
    await popup.click('[data-testid=stop]');
    await waitFor(async () => (await popup.text()).includes('Retrying stopped.'), { timeoutMs: 5_000, message: 'stopped' });
    await site.driver.waitForPhase(SHOP_HOST, 'cancelled', { timeoutMs: 5_000 });
    const hits = gatewayHits('/popup').length;
    // Past the moment the next retry was due, and then some: nothing came.
    await sleep(Math.max(0, due - Date.now()) + 3_000);
    expect(gatewayHits('/popup')).toHaveLength(hits);
    expect((await incident()).phase).toBe('cancelled');
  });

  it('the background stopped during backoff: the retry still happens', async () => {
    let retryAfterS: number;
    if (browserName === 'chromium') {
      // 35 s is an alarm's job; the worker is killed (CDP) and nothing of ours wakes it.
      retryAfterS = 35;
    } else {
      // Firefox suspends the event page after 2 s idle here, which drops its timers; only the alarm can wake it.
      await site.driver.close();
      site.driver = await launchDriver(browserName, { backgroundIdleTimeoutMs: 2_000 });
      retryAfterS = 8;
    }
    site.upstream.route('/stopped', (_req, hit) =>
      hit === 1 ? errorResponse(503, { retryAfter: retryAfterS }) : htmlResponse(`${UPSTREAM_OK_MARKER} /stopped`),
    );
    const tab = await site.driver.openTab(site.url('/stopped'));
    await site.driver.waitForIncident(SHOP_HOST, undefined, { timeoutMs: 5_000 });
    // The control page talks to the background: close it so it cannot keep the background awake.
    await site.driver.closeControl();
    if (site.driver.chromium) await site.driver.chromium.killServiceWorker();
    const [first, second] = await site.upstream.waitForRequests('/stopped', 2, { timeoutMs: (retryAfterS + 25) * 1000 });
    const gap = second!.time - first!.time;
    expect(gap).toBeGreaterThanOrEqual(retryAfterS * 1000);
    expect(gap).toBeLessThan((retryAfterS + 10) * 1000);
    expect(second!.headers['cache-control']).toBe('no-cache');
    await waitForText(tab, UPSTREAM_OK_MARKER, 10_000);
    await site.driver.waitForPhase(SHOP_HOST, 'recovered');
    figures.push(`${browserName}: background stopped during a ${retryAfterS} s backoff, retry came ${(gap / 1000).toFixed(1)} s after the error`);
  });
});

describe('figures', () => {
  it('prints what the runs measured', () => {
    console.log(`\nrecovery figures:\n  ${figures.join('\n  ')}`);
    expect(figures.length).toBeGreaterThan(0);
  });
});
