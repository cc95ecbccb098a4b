/**
 * "Down for everyone, or just me?" in real Chromium and Firefox, against real nginx 502s, with loopback stand-ins
 * answering as check-host.net, Globalping, a site's own Statuspage and Cloudflare's status page do. Consent is given the way a
 * user gives it: a click on the onboarding page (on Firefox that click also grants the browser's own data consent).
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMore, waitForText, type BrowserName, type Driver, type TabPage } from './driver';
import { useSite } from './site-fixture';
import {
  allDown,
  globalpingProbes,
  startCheckHost,
  startGlobalping,
  startCloudflareStatus,
  startStatusPage,
  startUptimeKuma,
  stopAll,
  type CheckHostStandIn,
  type CloudflareStatusStandIn,
  type GlobalpingStandIn,
  type StatusPageStandIn,
} from '../lab/status-standins';
import { statusPageCertificate } from '../lab/tls';
import { errorResponse, UPSTREAM_OK_MARKER } from '../lab/upstream';
import { sleep, waitFor } from '../lab/wait';
import type { StatusMemory } from '../../src/status/checker';
import type { StatusReport } from '../../src/status/verdict';
import { getMessage } from '../locale';
import type { I18nText } from '../../src/shared/text';

const render = (x: I18nText) => getMessage(x.key, x.subs);

const BROWSERS: BrowserName[] = ['chromium', 'firefox'];

/**
 * How long a test watches for a request that must not come (ms). The automatic check starts as soon as the incident
 * is stored, in a few ms, and the first retry comes after 1 s (+20 % jitter), so 2 s covers both a check and a retry
 * that should not have been. (The windows were 3-4 s: 12 s per browser of pure waiting.)
 */
const QUIET_WINDOW_MS = 2_000;

/** How long each check took against the stand-ins, per browser, for the closing note. */
const durations: Record<string, number[]> = {};

async function reportFor(driver: Driver, host: string): Promise<StatusReport | undefined> {
  return (await driver.session<StatusMemory>('status'))?.reports[host];
}

async function waitForReport(driver: Driver, host: string): Promise<StatusReport> {
  let report: StatusReport | undefined;
  await waitFor(async () => (report = await reportFor(driver, host)) !== undefined, { timeoutMs: 25_000, message: `a status report for ${host}` });
  return report!;
}

/** The popup of `tabId`, its folded details open (the status check's evidence is folded once a verdict is in). */
async function openPopup(driver: Driver, tabId: number): Promise<TabPage> {
  const popup = await driver.openExtensionPage(`extension/popup/index.html?tabId=${tabId}`);
  await openMore(popup);
  return popup;
}

describe.each(BROWSERS)('%s: down for everyone, or just me?', (browserName) => {
  // A check is made only for a site whose server address is public: shop.example.com resolves to the run's public
  // address (a network namespace of its own, `../lab/public-address.ts`), not to 127.0.0.1.
  const site = useSite(browserName, { serverAddress: 'public', shareBrowser: true });
  let checkHost: CheckHostStandIn;
  let globalping: GlobalpingStandIn;
  let statusPage: StatusPageStandIn;
  let cloudflare: CloudflareStatusStandIn;
  const thirdPartyRequests = () => checkHost.requests.length + globalping.requests.length + statusPage.requests.length + cloudflare.requests.length;

  beforeEach(async () => {
    checkHost = await startCheckHost({ nodes: allDown(502, 7) });
    globalping = await startGlobalping({ probes: globalpingProbes(502, 5) });
    statusPage = await startStatusPage({ vendor: 'statuspage', state: 'major', name: 'Example', tls: statusPageCertificate() });
    cloudflare = await startCloudflareStatus();
    await site.driver.setSettings({
      statusEndpoints: {
        checkHost: checkHost.baseUrl,
        globalping: globalping.baseUrl,
        cloudflareStatus: cloudflare.baseUrl,
        statusPageTemplates: [`https://status.{domain}:${statusPage.port}`],
        checkHostNodes: 7,
        globalpingProbes: 5,
      },
    });
  });
  afterEach(async () => {
    await stopAll(checkHost, globalping, statusPage, cloudflare);
  });

  it('with consent, a gateway error starts exactly one check; the verdict reaches the notification and the popup', async () => {
    // Consent is asked for on install: the onboarding page opened by itself.
    expect(site.driver.onboardingOpenedOnInstall).toBe(true);
    await site.driver.giveStatusConsent();
    await site.upstream.setDown();
    const url = site.url('/status');
    const tab = await site.driver.openTab(url);
    const tabId = await site.driver.tabIdOf(url);
    const report = await waitForReport(site.driver, 'shop.example.com');
    const incident = (await site.driver.state()).incidents[0]!;
    (durations[browserName] ??= []).push(report.checkedAt - incident.startedAt);

    expect(report.verdict).toBe('down-for-everyone');
    expect(report.sources.map((s) => [s.provider, s.verdict])).toEqual([
      ['gateway', 'unknown'],
      ['checkHost', 'down-for-everyone'],
      ['globalping', 'down-for-everyone'],
      ['statusPage', 'down-for-everyone'],
    ]);
    // Only the origin went out: no path, no query; and no cookie or referrer to the checkers.
    expect(checkHost.checksStarted()).toEqual([site.url('').replace(/\/$/, '')]);
    const start = checkHost.requestsTo('/check-http')[0]!;
    expect(start.headers.cookie).toBeUndefined();
    expect(start.headers.referer).toBeUndefined();
    expect(globalping.targets()).toEqual(['shop.example.com']);
    const created = globalping.measurements()[0]!.request;
    expect(created.measurementOptions).toEqual({ request: { method: 'HEAD', path: '/' }, protocol: 'HTTP', port: site.gateway.port });
    const post = globalping.requestsTo('/v1/measurements')[0]!;
    expect(post.headers.cookie).toBeUndefined();
    expect(post.headers.referer).toBeUndefined();
    // The status page was found at the first candidate, by its documented API.
    expect(statusPage.requests.map((r) => `${r.host.split(':')[0]}${r.path}`)).toEqual(['status.example.com/api/v2/summary.json']);
    // nginx answered, not Cloudflare: Cloudflare's status is not asked.
    expect(cloudflare.requests).toHaveLength(0);

    await waitFor(
      async () => (await site.driver.notification(tabId))?.message.includes('Down for everyone: 7 of 7 locations got 502.') === true,
      { timeoutMs: 5_000, message: 'the verdict in the notification' },
    );
    const popup = await openPopup(site.driver, tabId);
    await waitForText(popup, 'Down for everyone.', 5_000);
    const text = await popup.text();
    expect(text).toContain('7 of 7 locations got 502');
    expect(text).toContain('status.example.com reports a major outage');
    expect(text).toMatch(/Checked \d+ seconds? ago\./);

    // Retries go on (one check per incident, however many retries and popups): no second check meanwhile.
    await sleep(QUIET_WINDOW_MS);
    expect(checkHost.checksStarted()).toHaveLength(1);
    expect(globalping.targets()).toHaveLength(1);
    await site.upstream.setUp();
    await waitForText(tab, UPSTREAM_OK_MARKER, 30_000);
    expect(checkHost.checksStarted()).toHaveLength(1);
    expect(globalping.targets()).toHaveLength(1);
  });

  it('without consent nothing reaches any status service, until the user clicks Check now (that one check only)', async () => {
    await site.upstream.setDown();
    const url = site.url('/no-consent');
    await site.driver.openTab(url);
    const tabId = await site.driver.tabIdOf(url);
    await site.driver.waitForIncident('shop.example.com', undefined, { timeoutMs: 5_000 });
    // Nothing may reach a status service meanwhile.
    await sleep(QUIET_WINDOW_MS);
    expect(thirdPartyRequests()).toBe(0);
    expect(await reportFor(site.driver, 'shop.example.com')).toBeUndefined();

    const popup = await openPopup(site.driver, tabId);
    await waitForText(popup, 'Check now', 5_000);
    expect(await popup.text()).toContain('Checking sends only the address shop.example.com');
    const clickedAt = Date.now();
    await popup.click('[data-testid="check-now"]');
    await waitForText(popup, 'Down for everyone.', 25_000);
    (durations[browserName] ??= []).push(Date.now() - clickedAt);
    expect(checkHost.checksStarted()).toHaveLength(1);
    // The click was consent for that check alone: automatic checks stay off.
    expect((await site.driver.storedSettings()).statusAutoCheck).not.toBe(true);
    // No automatic check may follow.
    await sleep(QUIET_WINDOW_MS);
    expect(checkHost.checksStarted()).toHaveLength(1);
  });

  it('a private host is never sent, even with consent', async () => {
    await site.driver.giveStatusConsent();
    await site.upstream.setDown();
    const url = `http://127.0.0.1:${site.gateway.port}/private`;
    await site.driver.openTab(url);
    const tabId = await site.driver.tabIdOf(url);
    await site.driver.waitForIncident((i) => i.url.endsWith('/private'), undefined, { timeoutMs: 5_000 });
    const popup = await openPopup(site.driver, tabId);
    await waitForText(popup, 'is a private address', 5_000);
    expect(await popup.text()).not.toContain('Check now');
    // Nothing may reach a status service meanwhile.
    await sleep(QUIET_WINDOW_MS);
    expect(thirdPartyRequests()).toBe(0);
  });

  it('broken providers give "unknown" with reasons, and recovery goes on untouched', async () => {
    await site.driver.giveStatusConsent();
    checkHost.setMode('html');
    globalping.setMode('truncated');
    statusPage.setMode('huge');
    await site.upstream.setDown();
    const url = site.url('/broken-providers');
    const tab = await site.driver.openTab(url);
    const tabId = await site.driver.tabIdOf(url);
    const report = await waitForReport(site.driver, 'shop.example.com');
    expect(report.verdict).toBe('unknown');
    const reasons = Object.fromEntries(report.sources.map((s) => [s.provider, s.reason?.code]));
    expect(reasons).toEqual({ gateway: 'no-signal', checkHost: 'not-json', globalping: 'not-json', statusPage: 'no-status-page' });
    expect(report.sources.find((s) => s.provider === 'statusPage')?.reason?.detail).toContain('too-large');

    const popup = await openPopup(site.driver, tabId);
    await waitForText(popup, "Can't tell yet.", 5_000);
    expect(await popup.text()).toContain('the answer was not readable data');

    await site.upstream.setUp();
    await waitForText(tab, UPSTREAM_OK_MARKER, 30_000);
    await site.driver.waitForPhase('shop.example.com', 'recovered');
  });

  it('the options page: a custom Uptime Kuma endpoint joins the verdict, and a provider switched off is not asked', async () => {
    // The page watches the shop (by its link, and by its name) and another site, which is up and must not count.
    const kuma = await startUptimeKuma({
      slug: 'shop',
      monitors: [
        { id: 1, name: 'Shop', url: 'https://shop.example.com/', state: 'down' },
        { id: 2, name: 'Checkout (shop.example.com)', state: 'down' },
        { id: 3, name: 'Blog', url: 'https://blog.example.org/', state: 'up' },
      ],
    });
    try {
      await site.driver.giveStatusConsent();
      const options = await site.driver.openExtensionPage('extension/options/index.html');
      await waitForText(options, 'check-host.net', 10_000);
      await options.click('[data-testid="provider-checkHost"]');
      await options.type('[data-testid="custom-template"]', `http://127.0.0.1:${kuma.port}/status/shop`);
      await options.click('[data-testid="custom-save"]');
      await waitFor(
        async () => {
          const stored = await site.driver.storedSettings();
          const providers = stored.statusProviders as { checkHost?: boolean; custom?: boolean } | undefined;
          return (stored.customEndpoint as { format?: string } | null | undefined)?.format === 'uptime-kuma' && providers?.checkHost === false && providers.custom === true;
        },
        { timeoutMs: 10_000, message: 'the options saved' },
      );
      // The consent text lists the endpoint now contacted.
      expect(await options.text()).toContain(`http://127.0.0.1:${kuma.port}/status/shop`);
      await options.close();

      await site.upstream.setDown();
      await site.driver.openTab(site.url('/custom'));
      const report = await waitForReport(site.driver, 'shop.example.com');
      expect(report.sources.map((x) => [x.provider, x.verdict])).toEqual([
        ['gateway', 'unknown'],
        ['globalping', 'down-for-everyone'],
        ['statusPage', 'down-for-everyone'],
        ['custom', 'down-for-everyone'],
      ]);
      expect(render(report.sources[3]!.evidence)).toBe(`127.0.0.1:${kuma.port}: 2 of 2 monitors down`);
      // The page's own config names the host's monitors; the host's name is never sent to Kuma.
      expect(kuma.requests.map((r) => r.path)).toEqual(['/api/status-page/shop', '/api/status-page/heartbeat/shop']);
      expect(checkHost.requests).toHaveLength(0);
    } finally {
      await kuma.close();
    }
  });

  it('check-host.net and Globalping both answer: the popup says they agree, and the addresses they reached are kept', async () => {
    await site.driver.giveStatusConsent();
    // Two probes take a while: the measurement is in progress at the first poll, as on the real network.
    globalping.setProbes([...globalpingProbes(502, 3), ...globalpingProbes(504, 2).map((p) => ({ ...p, delayMs: 1_500 }))]);
    await site.upstream.setDown();
    const url = site.url('/agree');
    await site.driver.openTab(url);
    const tabId = await site.driver.tabIdOf(url);
    const report = await waitForReport(site.driver, 'shop.example.com');
    expect(report.verdict).toBe('down-for-everyone');
    expect(report.agreeing).toEqual(['checkHost', 'globalping']);
    expect(report.disagreeing).toEqual([]);
    const gp = report.sources.find((s) => s.provider === 'globalping');
    expect(gp?.locations).toEqual({ down: 5, up: 0, reported: 5, asked: 5 });
    expect(gp?.addresses).toEqual(['203.0.113.10']);
    expect(report.sources.find((s) => s.provider === 'checkHost')?.addresses).toEqual(['203.0.113.10']);
    // Polled by id at the configured base, at least 500 ms apart, until finished.
    const id = globalping.measurements()[0]!.id;
    const polls = globalping.requestsTo(`/v1/measurements/${id}`);
    expect(polls.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < polls.length; i++) expect(polls[i]!.time - polls[i - 1]!.time).toBeGreaterThanOrEqual(500);

    const popup = await openPopup(site.driver, tabId);
    await waitForText(popup, 'check-host.net and Globalping agree: down from 12 of 12 places.', 5_000);
    const text = await popup.text();
    expect(text).toContain('Globalping:');
    // Three probes got 502 and two 504: the evidence names the commonest code.
    expect(text).toContain('Globalping: 5 of 5 locations got 502');
  });

  it("Cloudflare's 522: its status page (a fixed address) is asked, and the evidence says Cloudflare could not reach the origin", async () => {
    await site.driver.giveStatusConsent();
    site.upstream.route('/edge', errorResponse(522, { headers: { Server: 'cloudflare', 'CF-RAY': '8a1b2c3d4e5f6789-FRA' } }));
    // The upstream plays Cloudflare's edge here: nginx cannot answer as Cloudflare does.
    const url = `http://shop.example.com:${site.upstream.port}/edge`;
    await site.driver.openTab(url);
    const tabId = await site.driver.tabIdOf(url);
    const report = await waitForReport(site.driver, 'shop.example.com');
    const gateway = report.sources.find((x) => x.provider === 'gateway');
    expect(gateway?.hint).toBe('cdn-origin-failed');
    expect(report.sources.find((x) => x.provider === 'cdnStatus')?.evidence).toEqual({ key: 'evidenceCdnOperational', subs: ['Cloudflare'] });
    expect(cloudflare.requests.map((r) => r.path)).toEqual(['/api/v2/status.json']);
    const popup = await openPopup(site.driver, tabId);
    await waitForText(popup, 'Cloudflare answered 522', 5_000);
    expect(await popup.text()).toContain('Cloudflare reports all its systems operational');
  });
});

afterAll(() => {
  for (const [name, list] of Object.entries(durations)) {
    const sorted = [...list].sort((a, b) => a - b);
    console.log(`status check against loopback stand-ins, ${name}: ${sorted.map((ms) => `${ms} ms`).join(', ')}`);
  }
});
