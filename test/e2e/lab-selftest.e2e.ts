/**
 * Self-test of the e2e harness in `../lab`: proves, independently of the real extension, that
 *
 * 1. nginx in front of the controllable upstream produces a genuine `502 Bad Gateway` (`Server: nginx`)
 *    while the upstream is down and passes the upstream's answers through once it is up again;
 * 2. in Chromium and in Firefox, a throwaway probe extension (generated at test time) sees that 502 in
 *    `webRequest.onCompleted`, and the `tabs.reload(tabId, { bypassCache: true })` it issues reaches the
 *    upstream carrying `Cache-Control: no-cache`;
 * 3. in Chromium, the extension's service worker can be killed and starts again on the next event.
 *
 * If this file fails, fix the harness (or the machine: missing packages are named in the error) before
 * trusting any other e2e result.
 *
 * Run: `npx vitest run --project e2e test/e2e/lab-selftest.e2e.ts`
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, launchFirefox, requireBinary } from '../lab/browsers';
import { findProcesses } from '../lab/cleanup';
import { startGateway, type Gateway } from '../lab/gateway';
import ipaddr from 'ipaddr.js';
import { publicAddress, type PublicAddress } from '../lab/public-address';
import { proxyPacUrl, startSquidProxy, type SquidProxy } from '../lab/squid-proxy';
import { createTestExtension, readProbeState, type ExtensionPageLike, type ProbeEvent, type TestExtension } from '../lab/test-extension';
import { carriesCookie, cookieOnlyFailure, jiasuleChallenge } from '../lab/who-failed-sites';
import { errorResponse, startUpstream, UPSTREAM_OK_MARKER, type Upstream } from '../lab/upstream';
import { waitFor } from '../lab/wait';

/**
 * The probe waits this long before reloading, so the test can bring the upstream back up after nginx has
 * answered 502 and the reload then reaches it. Far below the browsers' background idle timeouts (30 s).
 */
const RELOAD_DELAY_MS = 1_500;
const BROWSER_TEST_TIMEOUT_MS = 90_000;
const HOOK_TIMEOUT_MS = 60_000;

describe('gateway: real nginx in front of the controllable upstream', () => {
  let upstream: Upstream;
  let gateway: Gateway;

  beforeAll(async () => {
    upstream = await startUpstream();
    gateway = await startGateway({ upstreamPort: upstream.port });
  }, HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.close();
  });

  it('proxies to the upstream: 200, default page, Host header preserved', async () => {
    upstream.clear();
    const response = await fetch(gateway.url('/hello?x=1'));
    expect(response.status).toBe(200);
    expect(response.headers.get('server')).toBe('nginx');
    const body = await response.text();
    expect(body).toContain(UPSTREAM_OK_MARKER);
    expect(body).toContain('/hello?x=1');
    const [request] = upstream.requestsTo('/hello');
    expect(request?.path).toBe('/hello?x=1');
    expect(request?.headers.host).toBe(`127.0.0.1:${gateway.port}`);
  });

  it('answers a genuine nginx 502 while the upstream is down, and 200 again once it is back on the same port', async () => {
    await upstream.setDown();
    const down = await fetch(gateway.url('/down'));
    expect(down.status).toBe(502);
    expect(down.headers.get('server')).toBe('nginx');
    expect(await down.text()).toContain('502 Bad Gateway');
    expect(upstream.requestsTo('/down')).toHaveLength(0);

    await upstream.setUp();
    const up = await fetch(gateway.url('/down'));
    expect(up.status).toBe(200);
    expect(await up.text()).toContain(UPSTREAM_OK_MARKER);

    await waitFor(() => gateway.accessLog().filter((entry) => entry.path === '/down').length === 2);
    expect(gateway.accessLog().filter((entry) => entry.path === '/down').map((entry) => entry.status)).toEqual([502, 200]);
    expect(gateway.errorLog()).toContain('Connection refused');
  });

  it('passes upstream statuses and Retry-After through unchanged and never retries a POST itself', async () => {
    upstream.route('/busy', errorResponse(503, { retryAfter: 4 }));
    upstream.route('/missing', errorResponse(404));
    upstream.route('/broken', errorResponse(500));
    // The upstream accepts the POST and hangs up without answering: nginx must answer 502, not re-send it.
    upstream.route('/submit', { destroySocket: true });

    const busy = await fetch(gateway.url('/busy'));
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('4');
    expect((await fetch(gateway.url('/missing'))).status).toBe(404);
    expect((await fetch(gateway.url('/broken'))).status).toBe(500);

    const post = await fetch(gateway.url('/submit'), { method: 'POST', body: 'item=widget' });
    expect(post.status).toBe(502);
    expect(upstream.requestsTo('/submit').map((request) => [request.method, request.body])).toEqual([['POST', 'item=widget']]);
  });

  it('names the Debian package when a binary is missing (never a silent skip)', async () => {
    await expect(startGateway({ upstreamPort: upstream.port, nginxPath: '/nonexistent/nginx' })).rejects.toThrow(
      'nginx is not installed: apt-get install -y nginx',
    );
    expect(() => requireBinary('/nonexistent/chromium', 'chromium')).toThrow('chromium is not installed: apt-get install -y chromium');
  });
});

/** The part of a Playwright/Puppeteer page this file needs. */
interface TabLike {
  goto(url: string): Promise<{ status(): number } | null>;
  evaluate(fn: () => string): Promise<string>;
}

/**
 * The shared scenario: open `path` while the upstream is down, wait for nginx's 502, bring the upstream
 * back, and check that the probe's cache-bypassing reload reached it and the tab recovered.
 */
async function checkReloadAfter502(
  tab: TabLike,
  extensionPage: ExtensionPageLike,
  upstream: Upstream,
  gateway: Gateway,
  path: string,
): Promise<void> {
  await upstream.setDown();
  const first = await tab.goto(gateway.url(path));
  expect(first?.status()).toBe(502);
  await waitFor(() => gateway.accessLog().some((entry) => entry.path === path && entry.status === 502), {
    message: `nginx's 502 for ${path}`,
  });
  await upstream.setUp();

  const [reload] = await upstream.waitForRequests(path, 1, { timeoutMs: 20_000 });
  expect(reload?.method).toBe('GET');
  expect(reload?.headers['cache-control']).toBe('no-cache');
  expect(reload?.headers.pragma).toBe('no-cache');
  await waitFor(async () => (await tab.evaluate(() => document.body?.innerText ?? '')).includes(UPSTREAM_OK_MARKER), {
    message: `the tab to show the recovered ${path}`,
  });

  // The probe saw the nginx 502 (and then the 200) as main-frame onCompleted events for the same tab.
  const state = await waitFor(async () => {
    const current = await readProbeState(extensionPage);
    return current.completed.filter((event) => new URL(event.url).pathname === path).length >= 2 ? current : undefined;
  });
  const completed = state.completed.filter((event) => new URL(event.url).pathname === path);
  expect(completed.map((event) => event.statusCode)).toEqual([502, 200]);
  expect(completed.every((event) => event.type === 'main_frame' && event.tabId >= 0)).toBe(true);
  expect(completed[1]?.tabId).toBe(completed[0]?.tabId);
  expect(state.reloads.filter((reloadEntry) => new URL(reloadEntry.url).pathname === path)).toHaveLength(1);
}

/**
 * A browser of `target` with a fresh probe extension, nginx and upstream for a describe block. The returned object is
 * filled in before its tests run.
 */
function useProbeBrowser<S extends { close(): Promise<void> }>(
  target: 'chromium' | 'firefox',
  launch: (extensionDir: string) => Promise<S>,
): { upstream: Upstream; gateway: Gateway; extension: TestExtension; session: S } {
  const env = {} as { upstream: Upstream; gateway: Gateway; extension: TestExtension; session: S };
  beforeAll(async () => {
    env.upstream = await startUpstream();
    env.gateway = await startGateway({ upstreamPort: env.upstream.port });
    env.extension = createTestExtension({ target, reloadDelayMs: RELOAD_DELAY_MS });
    env.session = await launch(env.extension.dir);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await env.session?.close();
    await env.gateway?.stop();
    await env.upstream?.close();
    env.extension?.remove();
  }, HOOK_TIMEOUT_MS);
  return env;
}

describe('Chromium: probe env.extension, nginx 502, bypass-cache reload, service worker restart', () => {
  const env = useProbeBrowser('chromium', (extensionDir) => launchChromium({ extensionDir }));

  it(
    'sees the 502 from nginx and its bypassCache reload reaches the upstream with Cache-Control: no-cache',
    async () => {
      const tab = await env.session.newPage();
      const extensionPage = await env.session.openExtensionPage(env.extension.pagePath);
      await checkReloadAfter502(tab, extensionPage, env.upstream, env.gateway, '/flaky');
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it(
    'restarts the killed service worker on the next 502, which is still handled',
    async () => {
      const extensionPage = await env.session.openExtensionPage(env.extension.pagePath);
      const startsBefore = (await readProbeState(extensionPage)).starts.length;

      // A global survives anything but a real stop (a detached target, a hidden one): it must be gone afterwards.
      const before = await env.session.serviceWorker();
      await before.evaluate(() => {
        (globalThis as { killMarker?: string }).killMarker = 'set before the kill';
      });

      await env.session.killServiceWorker();
      expect(await env.session.serviceWorkerRunning()).toBe(false);

      const tab = await env.session.newPage();
      await checkReloadAfter502(tab, extensionPage, env.upstream, env.gateway, '/after-kill');
      const after = await env.session.serviceWorker(); // running again
      expect(await after.evaluate(() => (globalThis as { killMarker?: string }).killMarker ?? 'gone')).toBe('gone');
      expect((await readProbeState(extensionPage)).starts).toHaveLength(startsBefore + 1);
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it('close() kills the browser and removes the profile', async () => {
    const { profileDir } = env.session;
    expect(findProcesses(profileDir).length).toBeGreaterThan(0);
    await env.session.close();
    expect(findProcesses(profileDir)).toEqual([]);
    expect(existsSync(profileDir)).toBe(false);
  });
});

describe('Firefox: probe env.extension, nginx 502, bypass-cache reload', () => {
  const env = useProbeBrowser('firefox', (extensionDir) => launchFirefox({ extensionDir }));

  it(
    'sees the 502 from nginx and its bypassCache reload reaches the upstream with Cache-Control: no-cache',
    async () => {
      const tab = await env.session.newPage();
      const extensionPage = await env.session.openExtensionPage(env.extension.pagePath);
      // The extension page is scriptable with the extension's own APIs (runtime messaging, tabs).
      expect(
        await extensionPage.evaluate(() =>
          (globalThis as unknown as { browser: { runtime: { sendMessage(message: unknown): Promise<{ pong?: boolean }> } } }).browser.runtime.sendMessage({ cmd: 'ping' }),
        ),
      ).toMatchObject({ pong: true });
      await checkReloadAfter502(tab, extensionPage, env.upstream, env.gateway, '/flaky');
    },
    BROWSER_TEST_TIMEOUT_MS,
  );

  it('close() kills the browser and removes the profile', async () => {
    const { profileDir } = env.session;
    const pid = env.session.browser.process()?.pid;
    expect(pid).toBeTypeOf('number');
    await env.session.close();
    expect(findProcesses(profileDir)).toEqual([]);
    expect(existsSync(profileDir)).toBe(false);
  });
});

/**
 * The "who failed?" lab (issue 12): in each browser, with a recording probe extension (no reloads of its own),
 *
 * - a public-looking name mapped to the run's public address reaches nginx through the namespace forwarder, and
 *   webRequest reports that public address as `ip`; a name kept on loopback reports 127.0.0.1;
 * - a host listed in the PAC script goes through the squid-style proxy, which answers squid's 502 while the host is
 *   failing and forwards once it is not;
 * - the Jiasule stand-in answers 521 with `X-Via-JSL` and its cookie, and its script gets the page on the second
 *   request; the cookie-only site gets nginx's genuine 502 only when the request carries the session cookie.
 */
describe.each(['chromium', 'firefox'] as const)('%s: public server address, squid-style proxy, challenge and cookie sites', (target) => {
  const SHOP = 'shop.example.com';
  const INTRANET = 'intranet.example.com';
  const PROXIED = 'proxied.example.net';
  const JSL = 'jsl.example.cn';
  const env = {} as {
    upstream: Upstream;
    gateway: Gateway;
    proxy: SquidProxy;
    pub: PublicAddress;
    extension: TestExtension;
    close(): Promise<void>;
    newTab(): Promise<TabLike & { close(): Promise<void> }>;
    probePage: ExtensionPageLike;
  };

  beforeAll(async () => {
    env.pub = await publicAddress();
    env.upstream = await startUpstream();
    env.gateway = await startGateway({ upstreamPort: env.upstream.port });
    env.proxy = await startSquidProxy();
    await env.pub.ready();
    env.extension = createTestExtension({ target, reloadOn502: false });
    const pac = proxyPacUrl(env.proxy.port, [PROXIED]);
    if (target === 'chromium') {
      const session = await launchChromium({
        extensionDir: env.extension.dir,
        hostRules: `MAP ${INTRANET} 127.0.0.1, MAP ${SHOP} ${env.pub.address}, MAP ${JSL} ${env.pub.address}`,
        args: [`--proxy-pac-url=${pac}`],
      });
      env.close = () => session.close();
      env.newTab = () => session.newPage() as never;
      env.probePage = await session.openExtensionPage(env.extension.pagePath);
    } else {
      const session = await launchFirefox({
        extensionDir: env.extension.dir,
        prefs: {
          'network.dns.forceResolve': env.pub.address,
          'network.dns.localDomains': INTRANET,
          'network.proxy.type': 2,
          'network.proxy.autoconfig_url': pac,
        },
      });
      env.close = () => session.close();
      env.newTab = () => session.browser.newPage() as never;
      env.probePage = await session.openExtensionPage(env.extension.pagePath);
    }
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await env.close?.();
    await env.proxy?.close();
    await env.gateway?.stop();
    await env.upstream?.close();
    env.extension?.remove();
  }, HOOK_TIMEOUT_MS);

  /** Opens `url` in a new tab and returns the probe's main-frame onCompleted events for it (at least `count`). */
  async function visit(url: string, count = 1, navigatesAway = false): Promise<{ tab: TabLike & { close(): Promise<void> }; completed: ProbeEvent[] }> {
    const tab = await env.newTab();
    // A page whose script loads another page before its own load event ends the first navigation: Firefox's BiDi
    // then rejects goto() with NS_BINDING_ABORTED, although all went as the page meant.
    await (navigatesAway ? tab.goto(url).catch(() => null) : tab.goto(url));
    const completed = await waitFor(
      async () => {
        const events = (await readProbeState(env.probePage)).completed.filter((event) => event.url === url);
        return events.length >= count ? events : undefined;
      },
      { message: `the probe's onCompleted for ${url}` },
    );
    return { tab, completed };
  }
  const text = (tab: TabLike) => tab.evaluate(() => document.body?.innerText ?? '');

  it('the public address is public unicast, and a site there is reached at it (webRequest ip); an intranet name stays on 127.0.0.1', async () => {
    expect(ipaddr.parse(env.pub.address).range()).toBe('unicast');
    const before = env.pub.forwarded(env.gateway.port);
    const url = `http://${SHOP}:${env.gateway.port}/public`;
    const { tab, completed } = await visit(url);
    expect(completed[0]).toMatchObject({ statusCode: 200, ip: env.pub.address });
    expect(await text(tab)).toContain(UPSTREAM_OK_MARKER);
    expect(env.pub.forwarded(env.gateway.port)).toBeGreaterThan(before);
    await tab.close();

    const intranetUrl = `http://${INTRANET}:${env.gateway.port}/intranet`;
    const intranet = await visit(intranetUrl);
    expect(intranet.completed[0]).toMatchObject({ statusCode: 200, ip: '127.0.0.1' });
    expect(env.upstream.requestsTo('/intranet')[0]?.headers.host).toBe(`${INTRANET}:${env.gateway.port}`);
    await intranet.tab.close();
  });

  it("a proxied host gets squid's own 502 while failing, and the site through the proxy once it is not", async () => {
    env.proxy.setFailing(PROXIED, 'zero-size');
    const url = `http://${PROXIED}:${env.gateway.port}/via-proxy`;
    const failed = await visit(url);
    expect(failed.completed[0]?.statusCode).toBe(502);
    // The browser connected to the proxy, not to the site.
    expect(failed.completed[0]?.ip).toBe('127.0.0.1');
    if (target === 'firefox') expect(failed.completed[0]?.proxyInfo).toMatchObject({ host: '127.0.0.1', port: env.proxy.port, type: 'http' });
    expect(await text(failed.tab)).toContain('The requested URL could not be retrieved');
    expect(env.proxy.requestsFor(PROXIED).filter((r) => r.url === url).map((r) => r.outcome)).toEqual(['zero-size']);
    expect(env.upstream.requestsTo('/via-proxy')).toHaveLength(0);
    await failed.tab.close();

    env.proxy.setFailing(PROXIED, null);
    const ok = await visit(url, 2);
    expect(ok.completed.at(-1)?.statusCode).toBe(200);
    expect(await text(ok.tab)).toContain(UPSTREAM_OK_MARKER);
    expect(env.upstream.requestsTo('/via-proxy')[0]?.headers.via).toContain(`${env.proxy.hostname} (squid/`);
    await ok.tab.close();
  });

  it('the Jiasule challenge answers 521 with X-Via-JSL and its cookie, and its script gets the page', async () => {
    env.upstream.route('/challenge', jiasuleChallenge());
    const url = `http://${JSL}:${env.upstream.port}/challenge`;
    const direct = await fetch(`http://127.0.0.1:${env.upstream.port}/challenge`);
    expect(direct.status).toBe(521);
    expect(direct.headers.get('x-via-jsl')).toBe('fdc330b,-');
    expect(direct.headers.get('set-cookie')).toMatch(/^__jsluid_h=[0-9a-f]{32};/);
    expect(direct.headers.get('server')).toBeNull();
    env.upstream.clear();

    const { tab, completed } = await visit(url, 2, true);
    expect(completed.map((event) => event.statusCode)).toEqual([521, 200]);
    await waitFor(async () => (await text(tab)).includes(UPSTREAM_OK_MARKER), { message: 'the page behind the challenge' });
    const requests = env.upstream.requestsTo('/challenge');
    expect(requests).toHaveLength(2);
    expect(requests[1]?.headers.cookie).toContain('__jsl_clearance=');
    await tab.close();
  });

  it("the cookie-only site: nginx's genuine 502 with the session cookie, the page without it", async () => {
    env.upstream.route('/account', cookieOnlyFailure());
    const url = `http://${SHOP}:${env.gateway.port}/account`;
    const first = await visit(url);
    expect(first.completed[0]).toMatchObject({ statusCode: 200, ip: env.pub.address });
    await first.tab.goto(url);
    const again = await waitFor(
      async () => {
        const events = (await readProbeState(env.probePage)).completed.filter((event) => event.url === url);
        return events.length >= 2 ? events : undefined;
      },
      { message: 'the second visit' },
    );
    expect(again[1]?.statusCode).toBe(502);
    expect(await text(first.tab)).toContain('502 Bad Gateway');
    expect(env.gateway.errorLog()).toContain('upstream sent too big header');
    const requests = env.upstream.requestsTo('/account');
    expect(requests.map((r) => carriesCookie(r, 'session'))).toEqual([false, true]);
    // Without the cookie (what the extension's cookieless comparison sends) the page comes.
    const cookieless = await fetch(`http://127.0.0.1:${env.gateway.port}/account`);
    expect(cookieless.status).toBe(200);
    await first.tab.close();
  });
});
