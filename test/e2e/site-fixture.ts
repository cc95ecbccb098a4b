/**
 * A fresh site for each test: a controllable upstream behind real nginx, reached as `shop.example.com` (on loopback, or
 * at the test run's public address), and a fresh browser with the built extension (one incident per site, so tests
 * must not share a browser).
 */
import { afterEach, beforeEach } from 'vitest';
import { launchDriver, SHOP_HOST, type BrowserName, type Driver } from './driver';
import { startGateway, type Gateway } from '../lab/gateway';
import { startUpstream, type Upstream } from '../lab/upstream';

export interface Site {
  upstream: Upstream;
  gateway: Gateway;
  /** May be replaced by a test that needs other launch options; the fixture closes whichever is set. */
  driver: Driver;
  /** `http://shop.example.com:<gateway port><path>`. */
  url(path: string): string;
}

/**
 * Registers the per-test setup and teardown; the returned object is filled in before each test.
 *
 * @param options.serverAddress `public` for a site the extension may ask status services about: its names resolve
 *   to the test run's public address (`../lab/public-address.ts`) instead of 127.0.0.1. Default `loopback`.
 */
export function useSite(browserName: BrowserName, options: { serverAddress?: 'loopback' | 'public' } = {}): Site {
  const site = {
    url: (path: string) => `http://${SHOP_HOST}:${site.gateway.port}${path}`,
  } as Site;
  beforeEach(async () => {
    site.upstream = await startUpstream();
    site.gateway = await startGateway({ upstreamPort: site.upstream.port });
    site.driver = await launchDriver(browserName, { serverAddress: options.serverAddress ?? 'loopback' });
  });
  afterEach(async () => {
    await site.driver?.close();
    await site.gateway?.stop();
    await site.upstream?.close();
  });
  return site;
}
