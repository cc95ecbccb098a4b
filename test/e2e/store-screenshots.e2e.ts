/**
 * Store screenshots, 1280×800 as the Chrome Web Store asks (addons.mozilla.org takes the same), in real Chromium from
 * real states: a real nginx 502 with the popup over it, the popup once the page is back, the options page and the
 * welcome page. A toolbar popup cannot be photographed with the browser's toolbar here, so its page is opened at the
 * popup's size for the tab, photographed, and laid over the tab's own picture at the top right, where the browser
 * shows it. Written to `dist/store-screenshots/`; with `SCREENSHOTS_UPDATE=1` also to `docs/store/screenshots/`, the
 * copies the listing uses (`test/unit/store-material.test.ts` checks their size).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useSite } from './site-fixture';
import { htmlPage } from '../lab/upstream';
import { waitFor } from '../lab/wait';
import { pngSize } from '../png-size';

const OUT = [resolve('dist/store-screenshots'), ...(process.env.SCREENSHOTS_UPDATE ? [resolve('docs/store/screenshots')] : [])];
/** The Chrome Web Store's screenshot size, px. */
const STORE = { width: 1280, height: 800 } as const;
/** The toolbar popup's width (popup.css) and the tallest it gets before it scrolls (Chromium: 600), px. */
const POPUP = { width: 340, maxHeight: 600 } as const;

/** A shop front for the page that comes back (the lab's default page is a bare marker). */
const SHOP_WELCOME = 'Spring sale: everything for the garden';
const SHOP_PAGE = htmlPage(
  'Example Shop',
  `<main style="font: 18px/1.5 system-ui, sans-serif; max-width: 720px; margin: 80px auto; color: #1f2937">
  <h1 style="font-size: 40px; margin: 0 0 8px">Example Shop</h1>
  <p style="font-size: 22px; color: #047857">${SHOP_WELCOME}</p>
  <p>Seeds, tools and planters, shipped in two days.</p>
</main>`,
);

function save(name: string, png: Buffer): void {
  expect(pngSize(png), name).toEqual(STORE);
  for (const dir of OUT) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.png`), png);
  }
}

describe('chromium: store screenshots (1280×800, from real states)', () => {
  const site = useSite('chromium', { serverAddress: 'public', shareBrowser: true });

  /** A tab of the size of the store's picture, on `path` of the shop. */
  async function shopTab(path: string): Promise<{ tab: Page; tabId: number }> {
    const tab = await site.driver.chromium!.newPage();
    await tab.setViewportSize(STORE);
    await tab.goto(site.url(path));
    return { tab, tabId: await site.driver.tabIdOf(site.url(path)) };
  }

  /** The popup for `tabId` as the toolbar shows it: 340 px wide, as tall as its content up to 600 px. */
  async function popupPicture(tabId: number, ready: (popup: Page) => Promise<void>): Promise<Buffer> {
    const popup = await site.driver.chromium!.newPage();
    await popup.setViewportSize({ width: POPUP.width, height: POPUP.maxHeight });
    await popup.goto(site.driver.chromium!.extensionUrl(`extension/popup/index.html?tabId=${tabId}`));
    await ready(popup);
    const height = Math.min(POPUP.maxHeight, await popup.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height)));
    await popup.setViewportSize({ width: POPUP.width, height });
    const png = await popup.screenshot();
    await popup.close();
    return png;
  }

  /** The tab's picture with the popup's over it at the top right, under where the toolbar button would be. */
  async function withPopup(tab: Page, popupPng: Buffer): Promise<Buffer> {
    const backdrop = await tab.screenshot();
    const canvas = await site.driver.chromium!.newPage();
    await canvas.setViewportSize(STORE);
    const img = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;
    await canvas.setContent(`<!doctype html><body style="margin:0;width:${STORE.width}px;height:${STORE.height}px;overflow:hidden;position:relative">
<img alt="" src="${img(backdrop)}" style="position:absolute;left:0;top:0">
<img alt="" src="${img(popupPng)}" style="position:absolute;right:16px;top:8px;border:1px solid #9ca3af;border-radius:8px;box-shadow:0 10px 30px rgba(0,0,0,.35)">
</body>`);
    await canvas.waitForFunction(() => [...document.images].every((i) => i.complete && i.naturalWidth > 0));
    const png = await canvas.screenshot();
    await canvas.close();
    return png;
  }

  it('the popup during an incident: retrying, its first view', async () => {
    await site.upstream.setDown();
    const { tab, tabId } = await shopTab('/garden');
    await tab.getByText('502 Bad Gateway').first().waitFor();
    await waitFor(async () => (await site.driver.state()).incidents.length === 1, { message: 'an incident' });
    const popupPng = await popupPicture(tabId, async (popup) => {
      await popup.getByTestId('more').waitFor();
      await popup.getByTestId('countdown').or(popup.getByText('Retrying now')).first().waitFor();
      // The first view (issue 14): one headline, who failed, one "Retry now"; the steps are folded below.
      expect(await popup.getByTestId('headline').textContent()).toBe('shop.example.com is down');
      expect(await popup.getByTestId('who-failed').textContent()).toBe("The site's server failed (nginx)");
      expect(await popup.getByRole('button', { name: 'Retry now' }).count()).toBe(1);
    });
    save('1-popup-incident', await withPopup(tab, popupPng));
  });

  it('the popup when the site is back: the page reloaded by itself', async () => {
    site.upstream.route('/garden', { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: SHOP_PAGE });
    await site.upstream.setDown();
    const { tab, tabId } = await shopTab('/garden');
    await tab.getByText('502 Bad Gateway').first().waitFor();
    await waitFor(async () => (await site.driver.state()).incidents.length === 1, { message: 'an incident' });
    await site.upstream.setUp();
    await tab.getByText(SHOP_WELCOME).waitFor({ timeout: 30_000 });
    const popupPng = await popupPicture(tabId, async (popup) => {
      await popup.locator('[data-phase]', { hasText: /Back: reloaded after \d+ seconds?\./ }).waitFor();
      expect(await popup.getByTestId('headline').textContent()).toBe('shop.example.com is back');
      expect(await popup.getByTestId('guide').count()).toBe(0);
    });
    save('2-popup-back', await withPopup(tab, popupPng));
  });

  it('the options page, with the privacy policy link', async () => {
    const page = await site.driver.chromium!.newPage();
    await page.setViewportSize(STORE);
    await page.goto(site.driver.chromium!.extensionUrl('extension/options/index.html'));
    await page.getByRole('heading', { level: 1, name: 'Gateway Recovery options' }).waitFor();
    await page.getByRole('link', { name: 'Privacy policy' }).waitFor();
    save('3-options', await page.screenshot());
  });

  it('the welcome page: the consent question, and the policy it links to', async () => {
    const page = await site.driver.chromium!.newPage();
    await page.setViewportSize(STORE);
    await page.goto(site.driver.chromium!.extensionUrl('extension/onboarding/index.html'));
    await page.getByRole('heading', { level: 1, name: 'Welcome to Gateway Recovery' }).waitFor();
    await page.getByRole('button', { name: 'Turn on automatic checks' }).waitFor();
    save('4-onboarding', await page.screenshot());
    // The policy is shipped in the extension and opens from the link (offline: no network needed).
    const link = page.getByRole('link', { name: 'Privacy policy' });
    const [policy] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await policy.getByRole('heading', { level: 1, name: 'Gateway Recovery: privacy policy' }).waitFor();
    expect(policy.url()).toBe(site.driver.chromium!.extensionUrl('privacy.html'));
  });
});

describe('firefox: the privacy policy ships in the extension, linked from both pages', () => {
  const site = useSite('firefox', { shareBrowser: true });

  it('the options and welcome pages link to privacy.html, which the package holds', async () => {
    for (const path of ['extension/options/index.html', 'extension/onboarding/index.html']) {
      const page = await site.driver.openExtensionPage(path);
      const linkHref = () => page.evaluate(() => document.querySelector<HTMLAnchorElement>('a[data-testid="privacy-policy"]')?.href ?? null, null);
      await waitFor(async () => (await linkHref()) !== null, { message: `the privacy link on ${path}` });
      expect(await linkHref(), path).toMatch(/^moz-extension:\/\/[^/]+\/privacy\.html$/);
      await page.close();
    }
    // The page the links name, from the installed package (a navigation by link is the Chromium case's).
    const policy = await site.driver.openExtensionPage('privacy.html');
    await waitFor(async () => (await policy.text()).includes('Gateway Recovery: privacy policy'), { message: 'the policy page' });
    expect(await policy.text()).toContain('What the extension sees in your browser');
    await policy.close();
  });
});
