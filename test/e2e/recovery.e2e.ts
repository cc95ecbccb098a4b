/**
 * The built extension in real Chromium and real Firefox, against real nginx answering real 502s on loopback.
 * Every test starts a fresh browser (one incident per site: tests must not share state) and a fresh upstream.
 * Pages use public-looking host names mapped to 127.0.0.1, as real sites are not loopback.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { launchDriver, NEWS_HOST, SHOP_HOST, waitForText, type BrowserName, type Driver } from './driver';
import { startGateway, type Gateway } from './support/gateway';
import { errorResponse, htmlResponse, pageWithImage, pageWithPostForm, startUpstream, UPSTREAM_OK_MARKER, type Upstream } from './support/upstream';
import { sleep, waitFor } from './support/wait';

const BROWSERS: BrowserName[] = ['chromium', 'firefox'];

/** Recovery figures seen by the tests, printed at the end for the closing note. */
const figures: string[] = [];

describe.each(BROWSERS)('%s: gateway-error recovery', (browserName) => {
  let upstream: Upstream;
  let gateway: Gateway;
  let driver: Driver;
  /** A second site, for "the user went elsewhere". */
  let other: Upstream;
  const shop = (path: string) => `http://${SHOP_HOST}:${gateway.port}${path}`;
  const gatewayHits = (path: string) => gateway.accessLog().filter((e) => e.path === path);

  beforeEach(async () => {
    upstream = await startUpstream();
    other = await startUpstream();
    gateway = await startGateway({ upstreamPort: upstream.port });
    driver = await launchDriver(browserName);
  });

  afterEach(async () => {
    await driver?.close();
    await gateway?.stop();
    await upstream?.close();
    await other?.close();
  });

  it('a site down for a few seconds comes back by itself; the reload bypassed the cache', async () => {
    await upstream.setDown();
    const tab = await driver.openTab(shop('/recover'));
    expect(await tab.text()).toContain('502 Bad Gateway');
    const tabId = await driver.tabIdOf(shop('/recover'));
    await waitFor(async () => (await driver.badgeText(tabId)) === '502', { timeoutMs: 5_000, message: 'badge 502' });
    await waitFor(async () => (await driver.notificationIds()).length > 0, { timeoutMs: 5_000, message: 'a notification' });

    await sleep(4_000);
    const upAt = Date.now();
    await upstream.setUp();
    await waitForText(tab, UPSTREAM_OK_MARKER, 30_000);

    const [reload] = upstream.requestsTo('/recover');
    expect(reload?.headers['cache-control']).toBe('no-cache');
    expect(reload?.headers.pragma).toBe('no-cache');
    const state = await driver.state();
    const incident = state.incidents[0]!;
    expect(incident.phase).toBe('recovered');
    expect(await driver.badgeText(tabId)).toBe('');
    // One notification for the incident, updated in place under its id, never one per attempt.
    expect(new Set(await driver.notificationIds())).toEqual(new Set([incident.id]));
    const during = gatewayHits('/recover').filter((e) => e.status === 502).length;
    // Noticed within a second of the gateway's answer (nginx logs $msec when the response is sent).
    const noticedMs = incident.startedAt - gatewayHits('/recover')[0]!.time;
    expect(noticedMs).toBeLessThan(1_000);
    figures.push(
      `${browserName}: noticed ${noticedMs} ms after the 502, down ~${((upAt - incident.startedAt) / 1000).toFixed(1)} s, back in the tab ${((reload!.time - upAt) / 1000).toFixed(1)} s after the upstream returned, ${during} requests reached the gateway while down`,
    );
  });

  it('a POST answered 502 reaches the gateway exactly once and is never re-sent', async () => {
    upstream.route('/form', pageWithPostForm('/submit', { order: 'widget' }));
    const tab = await driver.openTab(shop('/form'));
    await upstream.setDown();
    await tab.click('button, input[type=submit]');
    await waitFor(async () => (await tab.text().catch(() => '')).includes('502 Bad Gateway'), { timeoutMs: 10_000, message: 'the POST to fail' });
    await sleep(6_000);
    await upstream.setUp();
    await sleep(4_000);
    expect(gateway.accessLog().filter((e) => e.method === 'POST')).toHaveLength(1);
    expect(upstream.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    const state = await driver.state();
    expect(state.incidents.map((i) => [i.method, i.phase, i.notRetriedReason])).toEqual([['POST', 'not-retried', 'non-get']]);
    expect(await tab.text()).toContain('502 Bad Gateway');
  });

  it('a 502 image on a good page does not reload the page', async () => {
    upstream.route('/with-image', pageWithImage('/broken.png'));
    upstream.route('/broken.png', errorResponse(502));
    const tab = await driver.openTab(shop('/with-image'));
    await waitFor(() => upstream.requestsTo('/broken.png').length >= 1, { timeoutMs: 5_000, message: 'the image request' });
    await sleep(5_000);
    expect(upstream.requestsTo('/with-image')).toHaveLength(1);
    const state = await driver.state();
    expect(state.incidents).toEqual([]);
    expect(state.subresourceErrors?.filter((x) => x.code === 502)).toMatchObject([{ host: SHOP_HOST, scope: 'sub-resource' }]);
    expect(await tab.text()).toContain(UPSTREAM_OK_MARKER);
  });

  it('a page the user moved to during backoff is not reloaded', async () => {
    await upstream.setDown();
    const tab = await driver.openTab(shop('/left'));
    // Let the first retry fail, so the tab is in backoff.
    await waitFor(() => gatewayHits('/left').length >= 2, { timeoutMs: 10_000, message: 'the first retry' });
    const elsewhere = `http://${NEWS_HOST}:${other.port}/elsewhere`;
    await tab.goto(elsewhere);
    const hitsWhenLeft = gatewayHits('/left').length;
    await upstream.setUp();
    await sleep(12_000);
    expect(gatewayHits('/left')).toHaveLength(hitsWhenLeft);
    expect(other.requestsTo('/elsewhere')).toHaveLength(1);
    expect(await tab.href()).toBe(elsewhere);
    const state = await driver.state();
    expect(state.incidents[0]?.phase).toBe('abandoned');
  });

  it('watch mode: background probes (cache bypassed, no cookies) find the site back, then every waiting tab reloads once', async () => {
    upstream.route('/login', htmlResponse('signed in', 200, { 'Set-Cookie': 'session=secret; Path=/' }));
    await driver.openTab(shop('/login'));
    await driver.setSettings({ maxVisibleRetries: 1 });
    await upstream.setDown();
    const tabs = [await driver.openTab(shop('/w1')), await driver.openTab(shop('/w2'))];
    const watching = async () => {
      const incident = (await driver.state()).incidents[0];
      return incident?.phase === 'watching' && incident.probes >= 1 && incident.awaiting === null;
    };
    await waitFor(watching, { timeoutMs: 20_000, message: 'a failed probe in watch mode' });
    expect((await driver.state()).incidents[0]?.attempts).toBe(1);
    await upstream.setUp();
    for (const tab of tabs) await waitForText(tab, UPSTREAM_OK_MARKER, 30_000);
    const hits = upstream.requests.filter((r) => r.pathname === '/w1' || r.pathname === '/w2');
    // The probe, then one reload per tab.
    expect(hits).toHaveLength(3);
    const [probe, ...reloads] = hits;
    expect(probe!.headers.cookie).toBeUndefined();
    expect(probe!.headers['cache-control']).toBe('no-cache');
    for (const r of reloads) {
      expect(r.headers.cookie).toBe('session=secret');
      expect(r.headers['cache-control']).toBe('no-cache');
    }
    expect((await driver.state()).incidents[0]?.phase).toBe('recovered');
  });

  it('404 and 500 are left alone', async () => {
    upstream.route('/missing', errorResponse(404));
    upstream.route('/crash', errorResponse(500));
    await driver.openTab(shop('/missing'));
    await driver.openTab(shop('/crash'));
    await sleep(4_000);
    expect(upstream.requestsTo('/missing')).toHaveLength(1);
    expect(upstream.requestsTo('/crash')).toHaveLength(1);
    expect((await driver.state()).incidents).toEqual([]);
  });

  it('a 503 with Retry-After: 4 is not retried before 4 s', async () => {
    upstream.route('/busy', (_req, hit) => (hit === 1 ? errorResponse(503, { retryAfter: 4 }) : htmlResponse(`${UPSTREAM_OK_MARKER} /busy`)));
    const tab = await driver.openTab(shop('/busy'));
    const [first, second] = await upstream.waitForRequests('/busy', 2, { timeoutMs: 15_000 });
    expect(second!.time - first!.time).toBeGreaterThanOrEqual(4_000);
    expect(second!.time - first!.time).toBeLessThan(8_000);
    await waitForText(tab, UPSTREAM_OK_MARKER, 10_000);
    figures.push(`${browserName}: Retry-After 4 -> retried after ${((second!.time - first!.time) / 1000).toFixed(2)} s`);
  });

  it('three tabs of one site down together: one try stream, and all three recover', async () => {
    await upstream.setDown();
    const paths = ['/t1', '/t2', '/t3'];
    const tabs = [];
    for (const p of paths) tabs.push(await driver.openTab(shop(p)));
    await waitFor(async () => Object.keys((await driver.state()).tabs).length === 3, { timeoutMs: 10_000, message: 'three tabs attached' });
    const state = await driver.state();
    expect(state.incidents).toHaveLength(1);
    // Page requests only: the browser also asks for /favicon.ico after each error page.
    const pageHits = () => gateway.accessLog().filter((e) => paths.includes(e.path)).length;
    const loadsBefore = pageHits();
    await sleep(10_000);
    const retries = pageHits() - loadsBefore;
    const incident = (await driver.state()).incidents[0]!;
    // Every request after the three first loads is one of the incident's tries: one stream, not three. A try
    // counts when it is sent and the gateway logs it when answered, so one may be in flight between the reads.
    expect(retries).toBeLessThanOrEqual(incident.attempts + incident.probes);
    expect(retries).toBeGreaterThanOrEqual(incident.attempts + incident.probes - 1);
    expect(retries).toBeGreaterThanOrEqual(2);
    await upstream.setUp();
    for (const tab of tabs) await waitForText(tab, UPSTREAM_OK_MARKER, 30_000);
    for (const p of paths) expect(upstream.requestsTo(p)).toHaveLength(1);
    figures.push(`${browserName}: 3 tabs, ${retries} requests reached the gateway in 10 s of outage (one stream)`);
  });

  it('the popup shows the incident; "Retry now" reloads at once and "Stop retrying" stops it', async () => {
    await upstream.setDown();
    await driver.openTab(shop('/popup'));
    const tabId = await driver.tabIdOf(shop('/popup'));
    const popup = await driver.openExtensionPage(`extension/popup/index.html?tabId=${tabId}`);
    await waitFor(async () => (await popup.text()).includes(`${SHOP_HOST} answered 502 Bad Gateway`), { timeoutMs: 10_000, message: 'popup heading' });
    expect(await popup.text()).toMatch(/attempt \d of 5/);
    expect(await popup.text()).toContain('nginx');
    // "Retry now" reloads the tab at once, cache bypassed.
    const before = gatewayHits('/popup').length;
    await popup.click('[data-testid=retry-now]');
    await waitFor(() => gatewayHits('/popup').length > before, { timeoutMs: 3_000, message: 'the retry-now reload' });
    expect(gatewayHits('/popup').at(-1)?.cacheControl).toBe('no-cache');
    await popup.click('[data-testid=stop]');
    await waitFor(async () => (await popup.text()).includes('Retrying stopped.'), { timeoutMs: 5_000, message: 'stopped' });
    const hits = gatewayHits('/popup').length;
    await sleep(6_000);
    expect(gatewayHits('/popup')).toHaveLength(hits);
    expect((await driver.state()).incidents[0]?.phase).toBe('cancelled');
  });

  it('the background stopped during backoff: the retry still happens', async () => {
    let retryAfterS: number;
    if (browserName === 'chromium') {
      // 35 s is an alarm's job; the worker is killed (CDP) and nothing of ours wakes it.
      retryAfterS = 35;
    } else {
      // Firefox suspends the event page after 2 s idle here, which drops its timers; only the alarm can wake it.
      await driver.close();
      driver = await launchDriver(browserName, { backgroundIdleTimeoutMs: 2_000 });
      retryAfterS = 8;
    }
    upstream.route('/stopped', (_req, hit) =>
      hit === 1 ? errorResponse(503, { retryAfter: retryAfterS }) : htmlResponse(`${UPSTREAM_OK_MARKER} /stopped`),
    );
    const tab = await driver.openTab(shop('/stopped'));
    await waitFor(async () => (await driver.state()).incidents.length === 1, { timeoutMs: 5_000, message: 'the incident' });
    // The control page talks to the background: close it so it cannot keep the background awake.
    await driver.closeControl();
    if (driver.chromium) await driver.chromium.killServiceWorker();
    const [first, second] = await upstream.waitForRequests('/stopped', 2, { timeoutMs: (retryAfterS + 25) * 1000 });
    const gap = second!.time - first!.time;
    expect(gap).toBeGreaterThanOrEqual(retryAfterS * 1000);
    expect(gap).toBeLessThan((retryAfterS + 10) * 1000);
    expect(second!.headers['cache-control']).toBe('no-cache');
    await waitForText(tab, UPSTREAM_OK_MARKER, 10_000);
    expect((await driver.state()).incidents[0]?.phase).toBe('recovered');
    figures.push(`${browserName}: background stopped during a ${retryAfterS} s backoff, retry came ${(gap / 1000).toFixed(1)} s after the error`);
  });
});

describe('figures', () => {
  it('prints what the runs measured', () => {
    console.log(`\nrecovery figures:\n  ${figures.join('\n  ')}`);
    expect(figures.length).toBeGreaterThan(0);
  });
});
