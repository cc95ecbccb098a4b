/**
 * The popup in its main states, in real Chromium during real nginx 502s, each checked for what it must say and
 * photographed for the README: retrying (light and dark), down for everyone, a form that is not sent again, watch
 * mode, recovered, and nothing wrong. What the user must see first (the headline, who failed, the main action) has
 * to fit the toolbar popup, which Chromium shows at most 600 px tall (scrolling the rest). Screenshots go to `dist/screenshots/`; with `SCREENSHOTS_UPDATE=1` also to
 * `test/e2e/screenshots/`, the copies the README shows.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { waitForText } from './driver';
import { useSite } from './site-fixture';
import { stopAll } from '../lab/status-standins';
import { useDownForEveryone } from './down-for-everyone';
import { UPSTREAM_OK_MARKER } from '../lab/upstream';
import { waitFor } from '../lab/wait';

const OUT = [resolve('dist/screenshots'), ...(process.env.SCREENSHOTS_UPDATE ? [resolve('test/e2e/screenshots')] : [])];

/** Opens the popup page for `tabId` at the toolbar popup's width, in the given colour scheme. */
async function openPopup(site: ReturnType<typeof useSite>, tabId: number, scheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await site.driver.chromium!.newPage();
  await page.setViewportSize({ width: 340, height: 600 });
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto(site.driver.chromium!.extensionUrl(`extension/popup/index.html?tabId=${tabId}`));
  return page;
}

/** The tallest a toolbar popup gets before it scrolls (Chromium: 800 x 600 px at most), px. */
const POPUP_MAX_HEIGHT = 600;

/** The element is in view when the popup opens: its bottom is within the first {@link POPUP_MAX_HEIGHT} px. */
async function expectInFirstView(page: Page, testId: string): Promise<void> {
  const box = await page.getByTestId(testId).first().boundingBox();
  expect(box, testId).not.toBeNull();
  expect(box!.y + box!.height, `bottom of ${testId}`).toBeLessThanOrEqual(POPUP_MAX_HEIGHT);
}

async function shoot(page: Page, name: string): Promise<void> {
  // Let the 1 s poll and the countdown settle, so the picture is of a steady state.
  await page.waitForTimeout(300);
  for (const dir of OUT) {
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  }
}

describe('chromium: the popup in its main states (README screenshots)', () => {
  const site = useSite('chromium', { serverAddress: 'public', shareBrowser: true });
  const standIns: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await stopAll(...standIns.splice(0));
  });

  it('retrying: one headline, who failed, one "Retry now", the guide folded; the same in the dark theme', async () => {
    const { tabId } = await site.failedTab('/checkout');
    for (const scheme of ['light', 'dark'] as const) {
      const popup = await openPopup(site, tabId, scheme);
      await popup.getByTestId('more').waitFor();
      await popup.getByTestId('countdown').or(popup.getByText('Retrying now')).first().waitFor();
      expect(await popup.getByTestId('headline').textContent()).toBe('shop.example.com is down');
      expect(await popup.getByTestId('who-failed').textContent()).toBe("The site's server failed (nginx)");
      // One "Retry now": the guide's own reload is not offered beside it (issue 14).
      expect(await popup.getByRole('button', { name: 'Retry now' }).count()).toBe(1);
      expect(await popup.getByTestId('action-reload').count()).toBe(0);
      // The guide is folded, and there.
      expect(await popup.getByTestId('guide-step').isVisible()).toBe(false);
      expect(await popup.getByTestId('guide-step').count()).toBe(1);
      const bg = await popup.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(bg).toBe(scheme === 'dark' ? 'rgb(31, 41, 55)' : 'rgb(255, 255, 255)');
      // Chromium's own stylesheet for extension pages shrinks body text to 75 % (10.5 px here) unless the page says otherwise.
      expect(await popup.evaluate(() => getComputedStyle(document.querySelector('main p')!).fontSize)).toBe('14px');
      // The main action, and the status check (no verdict yet), are in view without scrolling.
      await expectInFirstView(popup, 'main-action');
      await expectInFirstView(popup, 'check-now');
      await shoot(popup, scheme === 'dark' ? 'popup-retrying-dark' : 'popup-retrying');
      await popup.close();
    }
  });

  it('down for everyone: said in the first view; "it\'s not you" and no chores behind the fold', async () => {
    standIns.push(...(await useDownForEveryone(site.driver)));
    const { tabId } = await site.failedTab();
    const popup = await openPopup(site, tabId);
    await popup.getByTestId('verdict').and(popup.locator('[data-verdict="down-for-everyone"]')).waitFor({ state: 'attached', timeout: 25_000 });
    // The news is in the first view: down for everyone.
    await popup.getByTestId('who-failed').and(popup.getByText('Down for everyone, not just you')).waitFor();
    await expectInFirstView(popup, 'who-failed');
    await expectInFirstView(popup, 'main-action');
    await shoot(popup, 'popup-down-for-everyone');
    // Unfolded: the verdict and its evidence come before what is left to do, which is no chore.
    await popup.getByTestId('more-summary').click();
    await popup.getByText("It's not you: nothing on your side will fix this.").waitFor();
    // The evidence, "try later" and the report: no chores.
    expect(await popup.locator('.toc li').count()).toBe(3);
    const [verdict, guide] = await Promise.all([popup.getByTestId('verdict').boundingBox(), popup.getByTestId('guide').boundingBox()]);
    expect(verdict!.y).toBeLessThan(guide!.y);
  });

  it('a form that failed: not sent again by itself, offered on purpose with a warning', async () => {
    const { tabId } = await site.failedForm();
    const popup = await openPopup(site, tabId);
    // Whether it went through comes first, as the main action in view; no "Retry now"; sending again only after.
    await popup.getByTestId('form-check-first').waitFor();
    await expectInFirstView(popup, 'main-action');
    expect(await popup.getByTestId('retry-now').count()).toBe(0);
    await popup.getByTestId('form-check-first').click();
    await popup.locator('[data-testid="guide-step"][data-step="form-check"]').waitFor();
    await popup.getByTestId('helped-no').click();
    await popup.getByTestId('action-resend-form').click();
    await popup.getByText('an order, a payment or a message may go through twice').waitFor();
    await shoot(popup, 'popup-form-not-resent');
  });

  it('watch mode: what it does, and when it checks next', async () => {
    await site.driver.setSettings({ maxVisibleRetries: 1 });
    const { tabId } = await site.failedTab('/watch');
    await waitFor(async () => (await site.driver.state()).incidents[0]?.phase === 'watching', { timeoutMs: 20_000, message: 'watch mode' });
    const popup = await openPopup(site, tabId);
    // The headline's second line says when the next background check comes, in words.
    await popup.getByTestId('countdown').and(popup.getByText(/^Checking again in \d+ (seconds?|minutes?)$/)).waitFor();
    await expectInFirstView(popup, 'main-action');
    await shoot(popup, 'popup-watching');
    // Unfolded: what watch mode does.
    await popup.getByTestId('more-summary').click();
    await popup.locator('[data-phase]', { hasText: 'Still down. Checking in the background' }).waitFor();
  });

  it('nothing wrong: says so, and nothing else', async () => {
    const tab = await site.driver.openTab(site.url('/fine'));
    await waitForText(tab, UPSTREAM_OK_MARKER);
    const popup = await openPopup(site, await site.driver.tabIdOf(site.url('/fine')));
    await popup.getByText('No gateway error seen on this page.').waitFor();
    expect(await popup.getByRole('button').count()).toBe(0);
    await shoot(popup, 'popup-nothing-wrong');
  });

  it('recovered: back, and after how long', async () => {
    const { tab, tabId } = await site.failedTab();
    await site.upstream.setUp();
    await waitForText(tab, UPSTREAM_OK_MARKER, 30_000);
    const popup = await openPopup(site, tabId);
    await popup.locator('[data-phase]', { hasText: /Back: reloaded after \d+ seconds?\./ }).waitFor();
    // The headline changes once the site is back.
    expect(await popup.getByTestId('headline').textContent()).toBe('shop.example.com is back');
    expect(await popup.getByTestId('guide').count()).toBe(0);
    await shoot(popup, 'popup-recovered');
  });
});
