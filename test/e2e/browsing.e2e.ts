/**
 * The ways people actually reach a failing page, in real Chromium and Firefox: a link clicked on a working page, an
 * address typed into a tab that shows another page, a redirect that lands on a 502, an iframe that fails, two sites
 * down at once. The browsers report these navigations differently to an extension; each must work in both.
 */
import { describe, expect, it } from 'vitest';
import { NEWS_HOST, SHOP_HOST, waitForText, type BrowserName } from './driver';
import { useSite } from './site-fixture';
import { startGateway } from '../lab/gateway';
import { errorResponse, htmlResponse, redirectResponse, startUpstream, UPSTREAM_OK_MARKER } from '../lab/upstream';
import { sleep, waitFor } from '../lab/wait';

const BROWSERS: BrowserName[] = ['chromium', 'firefox'];

/** Answers 502 (from the upstream, passed through nginx) for the first `failures` requests, then the page. */
const failingThenOk = (failures: number, label: string) => (_req: unknown, hit: number) =>
  hit <= failures ? errorResponse(502) : htmlResponse(`${UPSTREAM_OK_MARKER} ${label}`);

describe.each(BROWSERS)('%s: how people get to a failing page', (browserName) => {
  const site = useSite(browserName, { shareBrowser: true });

  it('a link clicked on a working page leads to a 502: the target page comes back', async () => {
    site.upstream.route('/home', htmlResponse(`<a id="go" href="/target">go</a>`));
    site.upstream.route('/target', failingThenOk(2, '/target'));
    const tab = await site.driver.openTab(site.url('/home'));
    await tab.click('#go');
    await waitForText(tab, `${UPSTREAM_OK_MARKER} /target`, 20_000);
    expect(site.upstream.requestsTo('/target')).toHaveLength(3);
    expect(site.upstream.requestsTo('/home')).toHaveLength(1);
    // The tab shows the page before the background has taken in its outcome.
    await site.driver.waitForPhase(SHOP_HOST, 'recovered');
  });

  it('an address typed into a tab that shows another page: only the new page is retried', async () => {
    site.upstream.route('/before', htmlResponse('before'));
    site.upstream.route('/typed', failingThenOk(1, '/typed'));
    const tab = await site.driver.openTab(site.url('/before'));
    await tab.goto(site.url('/typed'));
    await waitForText(tab, `${UPSTREAM_OK_MARKER} /typed`, 20_000);
    expect(site.upstream.requestsTo('/before')).toHaveLength(1);
    expect(await tab.href()).toBe(site.url('/typed'));
  });

  it('a redirect that lands on a 502: the final URL is retried, not the redirect', async () => {
    site.upstream.route('/old', redirectResponse('/new'));
    site.upstream.route('/new', failingThenOk(2, '/new'));
    const tab = await site.driver.openTab(site.url('/old'));
    await waitForText(tab, `${UPSTREAM_OK_MARKER} /new`, 20_000);
    expect(site.upstream.requestsTo('/old')).toHaveLength(1);
    expect(site.upstream.requestsTo('/new')).toHaveLength(3);
  });

  it('an iframe answering 502 never reloads the page around it', async () => {
    site.upstream.route('/framed', htmlResponse(`<iframe src="/frame"></iframe>`));
    site.upstream.route('/frame', errorResponse(502));
    await site.driver.openTab(site.url('/framed'));
    await waitFor(() => site.upstream.requestsTo('/frame').length >= 1, { timeoutMs: 5_000, message: 'the frame request' });
    await site.driver.waitForState((s) => (s.subresourceErrors ?? []).length > 0, { timeoutMs: 5_000, what: "the frame's 502 recorded" });
    // Nothing may happen in these 5 s: no reload of the page, no second try of the frame.
    await sleep(5_000);
    expect(site.upstream.requestsTo('/framed')).toHaveLength(1);
    expect(site.upstream.requestsTo('/frame')).toHaveLength(1);
    const state = await site.driver.state();
    expect(state.incidents).toEqual([]);
    expect(state.subresourceErrors).toMatchObject([{ host: SHOP_HOST, code: 502, scope: 'sub-frame' }]);
  });

  it('two sites down at once: two incidents, both recover', async () => {
    const news = await startUpstream({ routes: { '/': htmlResponse(`${UPSTREAM_OK_MARKER} news`) } });
    const newsGateway = await startGateway({ upstreamPort: news.port });
    try {
      await site.upstream.setDown();
      await news.setDown();
      site.upstream.route('/', htmlResponse(`${UPSTREAM_OK_MARKER} shop`));
      const shopTab = await site.driver.openTab(site.url('/'));
      const newsTab = await site.driver.openTab(`http://${NEWS_HOST}:${newsGateway.port}/`);
      await site.driver.waitForState((s) => s.incidents.length === 2, { timeoutMs: 5_000, what: 'two incidents' });
      // Both sites stay down a while: a few failed retries each.
      await sleep(3_000);
      await site.upstream.setUp();
      await news.setUp();
      await waitForText(shopTab, `${UPSTREAM_OK_MARKER} shop`, 30_000);
      await waitForText(newsTab, `${UPSTREAM_OK_MARKER} news`, 30_000);
      const state = await site.driver.waitForState((s) => s.incidents.length === 2 && s.incidents.every((i) => i.phase === 'recovered'), {
        what: 'both incidents recovered',
      });
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
