/**
 * Every outgoing request is pinned, and a squatted status page changes nothing (issue 15), in real Chromium and
 * Firefox against real nginx 502s, with one browser per family for both cases (each case has its own site, so its own
 * incident, report and status-page memory):
 *
 * a. the site's status page (`status.{domain}`, a loopback stand-in configured as a status-page template) answers 302
 *    to another loopback server: the browser is asked with `redirect: 'manual'` and shows no target (an opaque
 *    redirect), so it is not followed: the second server receives no request, and the verdict is not "up";
 * b. a squatted guess (`{name}status.com`, a stand-in serving a Statuspage answer whose `page.url` is another
 *    domain's, reporting a major outage): dropped without a second request; and a forger at `{name}.statuspage.io`
 *    whose `page.url` names the site (`https://status.example.org`) but whose origin nobody serves: the guess is only a
 *    pointer, asked again there, and dropped when that fails. The verdict is what the error alone says, and no link to
 *    either shows.
 *
 * Only the status-page provider is on, so the page's answer is all there is to decide on (with check-host on, its
 * measurement would decide whatever the page said). The guessed pages speak HTTPS (the extension accepts a guess only
 * as `https:`) with the suite's certificate. Settings are written with the driver's `setSettings` and consent given
 * with `giveStatusConsent`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchDriver, NEWS_HOST, openMore, SHOP_HOST, STATUS_HOST, type BrowserName, type Driver } from './driver';
import { startGateway, type Gateway } from '../lab/gateway';
import { startStatusPage, stopAll, type StatusPageStandIn } from '../lab/status-standins';
import { createTestCertificate, type TestCertificate } from '../lab/tls';
import { startUpstream, type Upstream } from '../lab/upstream';
import { waitFor } from '../lab/wait';
import type { StatusMemory } from '../../src/status/checker';
import type { StatusReport } from '../../src/status/verdict';

const BROWSERS: BrowserName[] = ['chromium', 'firefox'];

/** The name `{name}status.com` makes of `example.org`: a name the site does not control. */
const SQUATTED_HOST = 'examplestatus.com';
/** The name `{name}.statuspage.io` makes of `example.org`: another name the site does not control. */
const FORGED_HOST = 'example.statuspage.io';
/**
 * What the forger writes into `page.url`: an address on the site's own domain that no server answers (Chromium: not
 * mapped, so it does not resolve; Firefox: the test's public address, where nothing listens on 443).
 */
const FORGED_PAGE_URL = 'https://status.example.org';

/** Only the status-page provider asks anything. */
const ONLY_STATUS_PAGES = { checkHost: false, globalping: false, statusPage: true, cdnStatus: false, custom: false };

describe.each(BROWSERS)('%s: pinned requests', (browserName) => {
  let driver: Driver;
  let upstream: Upstream;
  let gateway: Gateway;
  /** Answers 302 for the site's status page, to {@link target}. */
  let redirector: StatusPageStandIn;
  /** The guessed status pages speak HTTPS, as the extension asks them to. */
  let cert: TestCertificate;
  /** Where the redirect points: a Statuspage answer saying all is well, which must never be asked. */
  let target: StatusPageStandIn;
  let squatter: StatusPageStandIn;
  /** A guess whose `page.url` names the site, falsely: its origin does not answer. */
  let forger: StatusPageStandIn;

  beforeAll(async () => {
    upstream = await startUpstream();
    gateway = await startGateway({ upstreamPort: upstream.port });
    target = await startStatusPage({ vendor: 'statuspage', state: 'operational', url: 'https://status.example.com' });
    cert = createTestCertificate([STATUS_HOST, SQUATTED_HOST, FORGED_HOST]);
    redirector = await startStatusPage({ vendor: 'statuspage', state: 'operational', tls: cert, redirectTo: `http://127.0.0.1:${target.port}` });
    squatter = await startStatusPage({ vendor: 'statuspage', state: 'major', name: 'Squatter', url: 'https://www.squatter-status.net', tls: cert });
    forger = await startStatusPage({ vendor: 'statuspage', state: 'major', name: 'Forger', url: FORGED_PAGE_URL, tls: cert });
    driver = await launchDriver(browserName, { serverAddress: 'public', hosts: [SHOP_HOST, NEWS_HOST, STATUS_HOST, SQUATTED_HOST, FORGED_HOST], acceptInsecureCerts: true });
    await upstream.setDown();
  });
  afterAll(async () => {
    await driver?.close();
    await stopAll(target, squatter, forger, redirector);
    cert?.remove();
    await gateway?.stop();
    await upstream?.close();
  });

  async function reportFor(host: string): Promise<StatusReport> {
    return waitFor(async () => (await driver.session<StatusMemory>('status'))?.reports[host], { timeoutMs: 20_000, message: `a status report for ${host}` });
  }

  it('a. a status page that redirects to another loopback server is not followed: nothing reaches it, and it is not "up"', async () => {
    await driver.setSettings({
      statusProviders: ONLY_STATUS_PAGES,
      statusEndpoints: { statusPageTemplates: [`https://status.{domain}:${redirector.port}`] },
    });
    // A yes covers the endpoints it was given for: agree after setting them.
    await driver.giveStatusConsent();
    const url = `http://${SHOP_HOST}:${gateway.port}/pinned`;
    const tab = await driver.openTab(url);
    try {
      const report = await reportFor(SHOP_HOST);
      // The page was asked, and answered its redirect.
      expect(redirector.requestsTo('/api/v2/summary.json').map((r) => r.host.split(':')[0])).toEqual([STATUS_HOST]);
      // The browser was asked not to follow, and showed no target to follow: the target got nothing.
      expect(target.requests).toHaveLength(0);
      const page = report.sources.find((s) => s.provider === 'statusPage');
      expect(page?.verdict).toBe('unknown');
      expect(page?.reason?.code).toBe('redirect');
      expect(report.verdict).not.toBe('up-elsewhere');
      expect(report.verdict).toBe('unknown');
    } finally {
      await tab.close();
    }
  });

  it('b. squatted status-page guesses reporting a major outage change nothing, and no link to them is shown', async () => {
    await driver.setSettings({
      statusProviders: ONLY_STATUS_PAGES,
      statusEndpoints: { statusPageTemplates: [`https://{name}status.com:${squatter.port}`, `https://{name}.statuspage.io:${forger.port}`] },
    });
    // A yes covers the endpoints it was given for: agree after setting them.
    await driver.giveStatusConsent();
    const url = `http://${NEWS_HOST}:${gateway.port}/squatted`;
    const tab = await driver.openTab(url);
    const tabId = await driver.tabIdOf(url);
    try {
      const report = await reportFor(NEWS_HOST);
      // The guesses were asked, under the squatted names...
      expect(squatter.requestsTo('/api/v2/summary.json').map((r) => r.host.split(':')[0])).toEqual([SQUATTED_HOST]);
      expect(forger.requestsTo('/api/v2/summary.json').map((r) => r.host.split(':')[0])).toEqual([FORGED_HOST]);
      // ...and dropped: no vote, no link. The verdict is the error's own (what it is with no status page at all).
      const page = report.sources.find((s) => s.provider === 'statusPage');
      expect(page?.verdict).toBe('unknown');
      expect(page?.reason?.code).toBe('no-status-page');
      expect(page?.link).toBeUndefined();
      // The squatter names another site: dropped on its own answer. The forger names the site: followed to
      // status.example.org, which does not answer, so dropped too.
      expect(page?.reason?.detail).toContain(`${SQUATTED_HOST} does not name example.org`);
      expect(page?.reason?.detail).toContain(`${FORGED_HOST} points to status.example.org`);
      expect(report.verdict).toBe(report.sources.find((s) => s.provider === 'gateway')?.verdict);
      expect(report.verdict).not.toBe('down-for-everyone');

      const view = await driver.tabView(tabId);
      const evidence = view.incident?.check?.verdict?.evidence ?? [];
      expect(evidence.map((e) => e.provider)).toContain('statusPage');
      expect(evidence.filter((e) => e.link !== undefined)).toEqual([]);
      const popup = await driver.openExtensionPage(`extension/popup/index.html?tabId=${tabId}`);
      try {
        // The status panel with a verdict is folded with the details (issue 14).
        await openMore(popup);
        await waitFor(async () => (await popup.text()).includes('no status page found'), { timeoutMs: 10_000, message: 'the status panel in the popup' });
        const links = await popup.evaluate(() => [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href') ?? ''), null);
        expect(links.filter((h) => [SQUATTED_HOST, 'squatter', FORGED_HOST, 'status.example.org'].some((x) => h.includes(x)))).toEqual([]);
        expect(await popup.text()).not.toContain('reports a major outage');
      } finally {
        await popup.close();
      }
    } finally {
      await tab.close();
    }
  });
});
