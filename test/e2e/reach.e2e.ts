/**
 * Reach (issue 14): is the extension seen, and can it see? In real Chromium and Firefox, by clicks:
 * - the onboarding page's pin check: Chromium starts unpinned (the steps are shown), is pinned the way a user does it
 *   in its own settings (chrome://extensions, "Pin to toolbar"), and the page then says so; Firefox puts the button
 *   on the toolbar at install (`default_area: "navbar"`) and the page says so;
 * - site access taken away the way users lose it (Chromium: "Site access: On click" in chrome://extensions; Firefox:
 *   the add-on manager's toggles, which `permissions.remove` from an extension page reproduces): the popup of a tab
 *   showing a real nginx 502 asks for access instead of saying "nothing seen", one click asks the browser, access
 *   comes back, and the next load of the page (a GET, from the popup's button) is seen as an incident;
 * - axe-core finds no serious or critical issue in any of these new states.
 *
 * Chromium's permission prompt is native UI, which no automation protocol reaches (see the case for what was tried):
 * there the test answers it as a user can, in chrome://extensions, and the popup takes the grant from
 * `permissions.onAdded`.
 */
import axe from 'axe-core';
import type { Page as PlaywrightPage } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { getMessage } from '../locale';
import { SHOP_HOST, waitForText, type BrowserName, type Driver, type TabPage } from './driver';
import { useSite } from './site-fixture';
import { waitFor } from '../lab/wait';

const BROWSERS: BrowserName[] = ['chromium', 'firefox'];
const ALL_SITES = ['http://*/*', 'https://*/*'];
const FAILING_IMPACTS: ReadonlySet<string> = new Set(['serious', 'critical']);
const timings: string[] = [];

/** The extension APIs this file calls from the extension's pages, as both browsers expose them (promise-based). */
interface ExtApi {
  permissions: { contains(p: { origins: string[] }): Promise<boolean>; remove(p: { origins: string[] }): Promise<boolean> };
  tabs: { query(q: object): Promise<{ id?: number }[]> };
}
/** `browser` (Firefox) or `chrome` in the page evaluating this. Named for the functions sent to the page. */
type PageGlobal = { browser?: ExtApi; chrome?: ExtApi };

/** Ids of every tab, read from an extension page (ids are shown whatever the extension's host access). */
async function tabIds(page: TabPage): Promise<number[]> {
  return page.evaluate(async () => {
    const g = globalThis as unknown as PageGlobal;
    return (await (g.browser ?? g.chrome)!.tabs.query({})).flatMap((t) => (t.id === undefined ? [] : [t.id]));
  }, null);
}

/** axe-core's serious or critical violations in `page`, one line each; empty when there are none. */
async function seriousViolations(page: TabPage, label: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis, null))) await page.runScript(axe.source);
  const found = await page.evaluate(async () => {
    const g = globalThis as unknown as { axe: typeof axe };
    const results = await g.axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, targets: v.nodes.map((n) => n.target.join(' ')).join(', ') }));
  }, null);
  return found.filter((f) => f.impact !== null && FAILING_IMPACTS.has(f.impact)).map((f) => `${label}: [${f.impact}] ${f.id} at ${f.targets}`);
}

/** The test id's element's text, or '' while it is not there. */
async function textOf(page: TabPage, testId: string): Promise<string> {
  return page.evaluate((id) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '', testId).catch(() => '');
}

async function waitForTestIdText(page: TabPage, testId: string, text: string, timeoutMs = 10_000): Promise<void> {
  await waitFor(async () => (await textOf(page, testId)).includes(text), { timeoutMs, message: `[data-testid="${testId}"] to say "${text}"` }).catch(async (err: Error) => {
    throw new Error(`${err.message}; it says "${await textOf(page, testId)}"`);
  });
}

/** Chromium: the extension's details page in chrome://extensions, where a user pins it and sets its site access. */
async function chromiumDetails(driver: Driver): Promise<PlaywrightPage> {
  const session = driver.chromium!;
  const page = await session.context.newPage();
  await page.goto(`chrome://extensions/?id=${session.extensionId}`);
  return page;
}

/** Chromium: "Site access" in the extension's details (Playwright's CSS selectors reach into the shadow roots). */
async function setChromiumSiteAccess(driver: Driver, value: 'ON_CLICK' | 'ON_ALL_SITES'): Promise<void> {
  const details = await chromiumDetails(driver);
  await details.locator('select#hostAccess').selectOption(value);
  await details.close();
}

/** Host access as the extension holds it, read from one of its pages. */
async function holdsAllSites(page: TabPage): Promise<boolean> {
  return page.evaluate(async (origins) => {
    const g = globalThis as unknown as PageGlobal;
    return (g.browser ?? g.chrome)!.permissions.contains({ origins });
  }, ALL_SITES);
}

describe.each(BROWSERS)('%s: reach', (browserName) => {
  const site = useSite(browserName, { shareBrowser: true });

  it('site access taken away: the popup asks, one click asks the browser, and the next 502 is seen', async () => {
    const started = Date.now();
    const { driver, gateway, upstream } = site;
    const failures: string[] = [];

    // Access goes the way users lose it.
    const options = await driver.openExtensionPage('extension/options/index.html');
    await waitForText(options, getMessage('optionsRecoverySection'), 10_000);
    if (browserName === 'chromium') {
      await setChromiumSiteAccess(driver, 'ON_CLICK');
    } else {
      // What the add-on manager's "Access your data for all websites" toggle does.
      expect(
        await options.evaluate(async (origins) => {
          const g = globalThis as unknown as PageGlobal;
          return g.browser!.permissions.remove({ origins });
        }, ALL_SITES),
      ).toBe(true);
    }
    expect(await holdsAllSites(options)).toBe(false);
    // The options page, open all along, shows its notice from the browser's event.
    await waitForTestIdText(options, 'options-access-missing', getMessage('optionsAccessMissing'));
    failures.push(...(await seriousViolations(options, 'options, access missing')));

    // A real nginx 502 the extension cannot see.
    await upstream.setDown();
    const url = site.url('/unseen');
    const known = await tabIds(options);
    const tab = await driver.openTab(url);
    await waitForText(tab, '502 Bad Gateway');
    // The new tab's id: without host access the browser hides its address from the extension, so not by its URL.
    const tabId = (await tabIds(options)).filter((id) => !known.includes(id));
    expect(tabId).toHaveLength(1);
    expect((await driver.state()).incidents).toEqual([]);

    const popup = await driver.openExtensionPage(`extension/popup/index.html?tabId=${tabId[0]}`);
    await waitForTestIdText(popup, 'site-access', getMessage('siteAccessTitleUnknown'));
    expect(await popup.text()).not.toContain(getMessage('popupNothing'));
    failures.push(...(await seriousViolations(popup, 'popup, access missing')));

    await popup.click('[data-testid="site-access-allow-all"]');
    if (browserName === 'chromium') {
      // Chromium asks in a native dialog (permissions.request stays pending), which neither CDP nor Playwright can
      // click, and no switch of Chromium 156 accepts it (`--apps-gallery-install-auto-confirm-for-tests=accept` was
      // tried: it covers Web Store installs only). The user's other way is the extension's details page: the popup,
      // still waiting, takes the grant from `permissions.onAdded`.
      await waitForTestIdText(popup, 'site-access-result', getMessage('siteAccessPending'));
      await setChromiumSiteAccess(driver, 'ON_ALL_SITES');
    }
    await waitForTestIdText(popup, 'site-access-granted', getMessage('siteAccessGranted'));
    expect(await holdsAllSites(popup)).toBe(true);
    failures.push(...(await seriousViolations(popup, 'popup, access granted')));
    await waitForTestIdText(options, 'options-access-granted', getMessage('optionsAccessGranted'));

    // "Load this page again": a GET of the address, and the extension sees its 502 now.
    const before = gateway.accessLog().filter((e) => e.path === '/unseen').length;
    await popup.click('[data-testid="site-access-reload"]');
    await driver.waitForIncident(SHOP_HOST, undefined, { timeoutMs: 15_000 });
    const loads = gateway.accessLog().filter((e) => e.path === '/unseen');
    expect(loads.length).toBeGreaterThan(before);
    expect(loads.every((e) => e.method === 'GET')).toBe(true);
    // The popup, polling, now shows the incident in place of the ask.
    await waitFor(async () => (await textOf(popup, 'site-access')) === '' && (await popup.text()).includes(SHOP_HOST), {
      timeoutMs: 10_000,
      message: 'the popup to show the incident',
    });

    expect(failures.join('\n'), 'serious or critical axe-core violations').toBe('');
    timings.push(`${browserName} site access ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it('onboarding: the pin check says what the browser reports, and checks again', async () => {
    const started = Date.now();
    const { driver } = site;
    const failures: string[] = [];
    const onboarding = await driver.openExtensionPage('extension/onboarding/index.html');
    await waitForTestIdText(onboarding, 'what-happens', getMessage('onboardingWhatFails'));

    if (browserName === 'chromium') {
      // A new profile: the button sits in the Extensions menu.
      await waitForTestIdText(onboarding, 'pin-state', getMessage('onboardingPinOff'));
      expect(await textOf(onboarding, 'pin-steps')).toBe(getMessage('onboardingPinStepsChrome'));
      failures.push(...(await seriousViolations(onboarding, 'onboarding, not pinned')));
      // Pinned the way a user can besides the puzzle-piece menu: "Pin to toolbar" in the extension's details.
      const details = await chromiumDetails(driver);
      const pinToggle = details.locator('#pin-to-toolbar');
      await pinToggle.click();
      // The page hears it (action.onUserSettingsChanged, Chrome 130+) without a click of its own, either way.
      await waitForTestIdText(onboarding, 'pin-state', getMessage('onboardingPinOn'));
      await pinToggle.click();
      await waitForTestIdText(onboarding, 'pin-state', getMessage('onboardingPinOff'));
      await pinToggle.click();
      await details.close();
    } else {
      // `default_area: "navbar"`: on the toolbar from the install.
      await waitForTestIdText(onboarding, 'pin-state', getMessage('onboardingPinOn'));
    }
    await onboarding.click('[data-testid="pin-check"]');
    await waitForTestIdText(onboarding, 'pin-state', getMessage('onboardingPinOn'));
    expect(await textOf(onboarding, 'pin-steps')).toBe('');
    failures.push(...(await seriousViolations(onboarding, 'onboarding, pinned')));

    expect(failures.join('\n'), 'serious or critical axe-core violations').toBe('');
    timings.push(`${browserName} pin check ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
});

afterAll(() => {
  console.log(`reach.e2e time per case: ${timings.join(', ')}`);
});
