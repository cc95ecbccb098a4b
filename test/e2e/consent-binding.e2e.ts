/**
 * The consent to status checks is bound to what it covers (issue 15), in real Chromium and Firefox against real nginx
 * 502s and loopback stand-ins: after the user agreed, the endpoints are changed where another machine or a developer
 * could change them (synced storage, and this device's own override in `storage.local`), and nothing reaches any
 * stand-in (no automatic check, no "Check now") until the user agrees again on the options page, which says what
 * changed; then the check goes to the new address.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitForText, type BrowserName, type TabPage } from './driver';
import { useSite } from './site-fixture';
import { allDown, startCheckHost, stopAll, type CheckHostStandIn } from '../lab/status-standins';
import { sleep, waitFor } from '../lab/wait';

const BROWSERS: BrowserName[] = ['chromium', 'firefox'];

/**
 * How long the test watches for a request that must not come (ms): an automatic check starts a few ms after the
 * incident is stored (see `status.e2e.ts`).
 */
const QUIET_WINDOW_MS = 2_000;

/** Only check-host is asked, so each stand-in's log is the whole story. */
const ONLY_CHECK_HOST = { checkHost: true, globalping: false, statusPage: false, cdnStatus: false, custom: false };

describe.each(BROWSERS)('%s: consent bound to what it covers', (browserName) => {
  const site = useSite(browserName, { serverAddress: 'public', shareBrowser: true });
  let agreed: CheckHostStandIn;
  let moved: CheckHostStandIn;
  let synced: CheckHostStandIn;
  const requests = () => agreed.requests.length + moved.requests.length + synced.requests.length;

  beforeEach(async () => {
    [agreed, moved, synced] = await Promise.all([
      startCheckHost({ nodes: allDown(502, 3) }),
      startCheckHost({ nodes: allDown(502, 3) }),
      startCheckHost({ nodes: allDown(502, 3) }),
    ]);
  });
  afterEach(async () => {
    await stopAll(agreed, moved, synced);
  });

  it('changed endpoints: no request reaches any stand-in until the user agrees again, then they go to the new one', async () => {
    const endpoints = { checkHost: agreed.baseUrl, checkHostNodes: 3, statusPageTemplates: [], cloudflareStatus: agreed.baseUrl };
    await site.driver.setSettings({ statusEndpoints: endpoints, statusProviders: ONLY_CHECK_HOST });
    await site.driver.giveStatusConsent();

    // Another machine's sync points the providers elsewhere and adds a code; this device's override moves check-host.
    await site.driver.setSyncedSettings({
      statusEndpoints: { checkHost: synced.baseUrl, cloudflareStatus: synced.baseUrl, archive: synced.baseUrl },
      codes: [500, 502, 503, 504, 520, 521, 522, 523, 524],
    });
    await site.driver.setSettings({ statusEndpoints: { ...endpoints, checkHost: moved.baseUrl } });
    expect((await site.driver.storedSettings()).statusAutoCheck).toBe(true);

    await site.upstream.setDown();
    const url = site.url('/consent-binding');
    await site.driver.openTab(url);
    const tabId = await site.driver.tabIdOf(url);
    await site.driver.waitForIncident((i) => i.url.endsWith('/consent-binding'), undefined, { timeoutMs: 5_000 });
    // No automatic check: the consent covers other addresses and codes than those in force.
    await sleep(QUIET_WINDOW_MS);
    expect(requests()).toBe(0);

    // The popup says so, and offers no "Check now" until the user agrees again.
    const popup: TabPage = await site.driver.openExtensionPage(`extension/popup/index.html?tabId=${tabId}`);
    await waitFor(async () => (await popup.text()).includes('has changed'), { timeoutMs: 5_000, message: 'the popup asks again' });
    const popupText = await popup.text();
    expect(popupText).toContain('the check-host.net address');
    expect(popupText).toContain('which error codes start a check');
    expect(await popup.evaluate(() => document.querySelectorAll('[data-testid="check-now"]').length, null)).toBe(0);
    await popup.close();

    // The options page says what changed; the user agrees again there.
    const options = await site.driver.openExtensionPage('extension/options/index.html');
    await waitForText(options, 'What status checks would send has changed', 10_000);
    const optionsText = await options.text();
    expect(optionsText).toContain('the check-host.net address');
    expect(optionsText).toContain(moved.baseUrl);
    expect(optionsText).not.toContain(synced.baseUrl);
    expect(requests()).toBe(0);
    await options.click('[data-testid="auto-check"]');
    await waitFor(async () => !(await options.text()).includes('has changed'), { timeoutMs: 5_000, message: 'the consent given again' });
    await options.close();

    // Now a check goes out, to the address the user agreed to, and only there.
    const again = await site.driver.openExtensionPage(`extension/popup/index.html?tabId=${tabId}`);
    // With the consent in force again, the incident's next step may start its automatic check before the user clicks
    // (the button then reads "Check again"): either way the check must reach the new address, once.
    const button = () => again.evaluate(() => document.querySelector('[data-testid="check-now"]') !== null, null).catch(() => false);
    await waitFor(async () => moved.checksStarted().length > 0 || (await button()), { timeoutMs: 15_000, message: 'a check at the new address, or the button to start one' });
    if (moved.checksStarted().length === 0) await again.click('[data-testid="check-now"]');
    await waitFor(async () => moved.checksStarted().length === 1, { timeoutMs: 20_000, message: 'the check at the new address' });
    expect(moved.checksStarted()).toEqual([site.url('').replace(/\/$/, '')]);
    expect(agreed.requests).toHaveLength(0);
    expect(synced.requests).toHaveLength(0);
    await again.close();
  });
});
