/**
 * A fresh site for each test: a controllable upstream behind real nginx, reached as `shop.example.com` (on loopback, or
 * at the test run's public address), and a browser with the built extension: a fresh one per test, or, with
 * `shareBrowser`, one per describe block brought back to its state after launch before each test ({@link Driver.reset}).
 */
import { afterAll, afterEach, beforeEach } from 'vitest';
import { launchDriver, SHOP_HOST, waitForText, type BrowserName, type Driver, type TabPage } from './driver';
import { waitFor } from '../lab/wait';
import { startGateway, type Gateway } from '../lab/gateway';
import { pageWithPostForm, startUpstream, UPSTREAM_OK_MARKER, type Upstream } from '../lab/upstream';

export interface Site {
  upstream: Upstream;
  gateway: Gateway;
  /** May be replaced by a test that needs other launch options; the fixture closes whichever is set. */
  driver: Driver;
  /** `http://shop.example.com:<gateway port><path>`. */
  url(path: string): string;
  /**
   * The site goes down and a new tab opens `path` on it: resolves once the tab shows nginx's 502 and the extension
   * holds the incident (the only one), with the tab and its id.
   */
  failedTab(path?: string): Promise<{ tab: TabPage; tabId: number }>;
  /**
   * A form at `/form` is posted to `/order` while the site is down: resolves once the tab shows nginx's 502 for the
   * POST, with the tab's id.
   */
  failedForm(): Promise<{ tab: TabPage; tabId: number }>;
}

/**
 * Registers the per-test setup and teardown; the returned object is filled in before each test.
 *
 * @param options.serverAddress `public` for a site the extension may ask status services about: its names resolve
 *   to the test run's public address (`../lab/public-address.ts`) instead of 127.0.0.1. Default `loopback`.
 * @param options.shareBrowser One browser for the tests of the describe block that calls this, reset between them
 *   ({@link Driver.reset}: tabs, windows, the extension's storage, alarms, notifications and optional permissions as
 *   after launch, cookies gone, the extension reloaded), instead of a new one per test: a launch costs ~2 s (Chromium)
 *   to ~5 s (Firefox) on a 2-core machine, a reset ~0.5-1.5 s. For tests that leave nothing else behind: a test that
 *   changes the browser itself (offline, a setting in chrome://extensions, launch options) takes a browser of its own.
 *   A reset that fails (something was left) is logged and the next test gets a new browser. A test may still close
 *   `site.driver` or replace it; the fixture then closes the replacement and launches anew for the next test.
 *   Every site (nginx and upstream) is new per test either way, on its own ports. Default `false`.
 * @param options.locale The browser's UI language (see `launchDriver`'s `locale`). Default: the machine's.
 */
export function useSite(browserName: BrowserName, options: { serverAddress?: 'loopback' | 'public'; shareBrowser?: boolean; locale?: string } = {}): Site {
  const site = {
    url: (path: string) => `http://${SHOP_HOST}:${site.gateway.port}${path}`,
    async failedTab(path = '/') {
      await site.upstream.setDown();
      const tab = await site.driver.openTab(site.url(path));
      await waitForText(tab, '502 Bad Gateway');
      const tabId = await site.driver.tabIdOf(site.url(path));
      await waitFor(async () => (await site.driver.state()).incidents.length === 1, { message: 'an incident' });
      return { tab, tabId };
    },
    async failedForm() {
      site.upstream.route('/form', pageWithPostForm('/order', { item: 'widget' }));
      const tab = await site.driver.openTab(site.url('/form'));
      await waitForText(tab, UPSTREAM_OK_MARKER);
      await site.upstream.setDown();
      await tab.click('#submit');
      await waitForText(tab, '502 Bad Gateway');
      return { tab, tabId: await site.driver.tabIdOf(site.url('/order')) };
    },
  } as Site;
  const launch = () =>
    launchDriver(browserName, {
      serverAddress: options.serverAddress ?? 'loopback',
      ...(options.shareBrowser === true ? { resettable: true } : {}),
      ...(options.locale !== undefined ? { locale: options.locale } : {}),
    });
  /** The describe block's browser, and whether a test has used it since its launch or last reset. */
  let shared: { driver: Driver; closed: boolean; used: boolean } | undefined;
  /** A reset failed: the remaining tests of the block get a browser each, as without `shareBrowser`. */
  let sharing = options.shareBrowser === true;
  const launchShared = async (): Promise<Driver> => {
    const driver = await launch();
    const entry = { driver, closed: false, used: false };
    const close = driver.close;
    driver.close = async () => {
      entry.closed = true;
      await close();
    };
    shared = entry;
    return driver;
  };
  beforeEach(async () => {
    site.upstream = await startUpstream();
    site.gateway = await startGateway({ upstreamPort: site.upstream.port });
    if (shared !== undefined && !shared.closed && shared.used) {
      // Reset when the next test needs it, not after the last one.
      try {
        await shared.driver.reset();
        shared.used = false;
      } catch (err) {
        console.warn(`${browserName}: the reset failed, so each remaining test of this block gets a new browser; ${(err as Error).message}`);
        sharing = false;
        await shared.driver.close();
        shared = undefined;
      }
    }
    if (!sharing) {
      site.driver = await launch();
      return;
    }
    if (shared === undefined || shared.closed) await launchShared();
    shared!.used = true;
    site.driver = shared!.driver;
  });
  afterEach(async () => {
    if (site.driver !== shared?.driver) await site.driver?.close();
    await site.gateway?.stop();
    await site.upstream?.close();
  });
  afterAll(async () => {
    await shared?.driver.close();
    shared = undefined;
  });
  return site;
}
