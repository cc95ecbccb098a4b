/**
 * The ways people actually reach a failing page, in real Chromium and Firefox: a link clicked on a working page, an
 * address typed into a tab that shows another page, a redirect that lands on a 502, an iframe that fails, two sites
 * down at once. The browsers report these navigations differently to an extension; each must work in both.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { launchDriver, NEWS_HOST, SHOP_HOST, waitForText, type BrowserName, type Driver } from './driver';
import { startGateway, type Gateway } from './support/gateway';
import { errorResponse, htmlResponse, redirectResponse, startUpstream, UPSTREAM_OK_MARKER, type Upstream } from './support/upstream';
import { sleep, waitFor } from './support/wait';

const BROWSERS: BrowserName[] = ['chromium', 'firefox'];

/** Answers 502 (from the upstream, passed through nginx) for the first `failures` requests, then the page. */
const failingThenOk = (failures: number, label: string) => (_req: unknown, hit: number) =>
  hit <= failures ? errorResponse(502) : htmlResponse(`${UPSTREAM_OK_MARKER} ${label}`);

describe.each(BROWSERS)('%s: how people get to a failing page', (browserName) => {
  let upstream: Upstream;
  let gateway: Gateway;
  let driver: Driver;
  const shop = (path: string) => `http://${SHOP_HOST}:${gateway.port}${path}`;

  beforeEach(async () => {
    upstream = await startUpstream();
    gateway = await startGateway({ upstreamPort: upstream.port });
    driver = await launchDriver(browserName);
  });

  afterEach(async () => {
    await driver?.close();
    await gateway?.stop();
    await upstream?.close();
  });

  it('a link clicked on a working page leads to a 502: the target page comes back', async () => {
    upstream.route('/home', htmlResponse(`<a id="go" href="/target">go</a>`));
    upstream.route('/target', failingThenOk(2, '/target'));
    const tab = await driver.openTab(shop('/home'));
    await tab.click('#go');
    await waitForText(tab, `${UPSTREAM_OK_MARKER} /target`, 20_000);
    expect(upstream.requestsTo('/target')).toHaveLength(3);
    expect(upstream.requestsTo('/home')).toHaveLength(1);
    expect((await driver.state()).incidents[0]?.phase).toBe('recovered');
  });

  it('an address typed into a tab that shows another page: only the new page is retried', async () => {
    upstream.route('/before', htmlResponse('before'));
    upstream.route('/typed', failingThenOk(1, '/typed'));
    const tab = await driver.openTab(shop('/before'));
    await tab.goto(shop('/typed'));
    await waitForText(tab, `${UPSTREAM_OK_MARKER} /typed`, 20_000);
    expect(upstream.requestsTo('/before')).toHaveLength(1);
    expect(await tab.href()).toBe(shop('/typed'));
  });

  it('a redirect that lands on a 502: the final URL is retried, not the redirect', async () => {
    upstream.route('/old', redirectResponse('/new'));
    upstream.route('/new', failingThenOk(2, '/new'));
    const tab = await driver.openTab(shop('/old'));
    await waitForText(tab, `${UPSTREAM_OK_MARKER} /new`, 20_000);
    expect(upstream.requestsTo('/old')).toHaveLength(1);
    expect(upstream.requestsTo('/new')).toHaveLength(3);
  });

  it('an iframe answering 502 never reloads the page around it', async () => {
    upstream.route('/framed', htmlResponse(`<iframe src="/frame"></iframe>`));
    upstream.route('/frame', errorResponse(502));
    await driver.openTab(shop('/framed'));
    await waitFor(() => upstream.requestsTo('/frame').length >= 1, { timeoutMs: 5_000, message: 'the frame request' });
    await sleep(5_000);
    expect(upstream.requestsTo('/framed')).toHaveLength(1);
    expect(upstream.requestsTo('/frame')).toHaveLength(1);
    const state = await driver.state();
    expect(state.incidents).toEqual([]);
    expect(state.subresourceErrors).toMatchObject([{ host: SHOP_HOST, code: 502, scope: 'sub-frame' }]);
  });

  it('two sites down at once: two incidents, both recover', async () => {
    const news = await startUpstream({ routes: { '/': htmlResponse(`${UPSTREAM_OK_MARKER} news`) } });
    const newsGateway = await startGateway({ upstreamPort: news.port });
    try {
      await upstream.setDown();
      await news.setDown();
      upstream.route('/', htmlResponse(`${UPSTREAM_OK_MARKER} shop`));
      const shopTab = await driver.openTab(shop('/'));
      const newsTab = await driver.openTab(`http://${NEWS_HOST}:${newsGateway.port}/`);
      await waitFor(async () => (await driver.state()).incidents.length === 2, { timeoutMs: 5_000, message: 'two incidents' });
      await sleep(3_000);
      await upstream.setUp();
      await news.setUp();
      await waitForText(shopTab, `${UPSTREAM_OK_MARKER} shop`, 30_000);
      await waitForText(newsTab, `${UPSTREAM_OK_MARKER} news`, 30_000);
      const state = await driver.state();
      expect(state.incidents.map((i) => [i.host, i.phase]).sort()).toEqual([
        [NEWS_HOST, 'recovered'],
        [SHOP_HOST, 'recovered'],
      ]);
    } finally {
      await newsGateway.stop();
      await news.close();
    }
  });
});
