/**
 * The popup's first view, in every locale of `public/_locales` (issue 14, "a first view that reads in 5 seconds"): in
 * real Chromium and Firefox started in that UI language, during real nginx 502s, the main states (retrying, down for
 * everyone, a form not sent again, watch mode, recovered) each show their headline, the line on who failed and the
 * main action within the first 600 px of the toolbar popup (its body is 340 px wide, so the page's own width does not
 * matter), the ticking line of the headline never overflows its one line, and the words of that first view are printed
 * per browser, state and locale (what the closing note of the issue quotes).
 *
 * The locales are the folders of `public/_locales`, so a new translation is tested without touching this file.
 */
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { waitForText, type BrowserName, type TabPage } from './driver';
import { useSite } from './site-fixture';
import { stopAll } from '../lab/status-standins';
import { useDownForEveryone } from './down-for-everyone';
import { UPSTREAM_OK_MARKER } from '../lab/upstream';
import { waitFor } from '../lab/wait';

/** Every translation the extension ships. */
const LOCALES = readdirSync(resolve('public/_locales'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

/** The tallest a toolbar popup gets before it scrolls (Chromium: 800 x 600 px at most), px. */
const POPUP_MAX_HEIGHT = 600;
const BROWSERS: BrowserName[] = ['chromium', 'firefox'];

/** What the user sees without scrolling: the text and its number of words. */
interface FirstView {
  readonly text: string;
  readonly words: number;
}

/**
 * The visible text of the popup whose box starts above `maxY` px, block by block (` / ` between blocks), and its
 * number of words (runs of letters or digits; a host name is one word). Hidden text is left out: `display: none`,
 * a folded `<details>`, and the visually hidden live regions (clipped to 1 px).
 */
async function measureFirstView(page: TabPage, maxY = POPUP_MAX_HEIGHT): Promise<FirstView> {
  return page.evaluate((limit: number) => {
    window.scrollTo(0, 0);
    const hidden = (el: Element | null): boolean => {
      for (let e = el; e !== null; e = e.parentElement) {
        if (!e.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return true;
        const r = e.getBoundingClientRect();
        if (getComputedStyle(e).clipPath !== 'none' || (r.width <= 1 && r.height <= 1)) return true;
      }
      return false;
    };
    const blockOf = (el: Element): Element => {
      for (let e: Element | null = el; e !== null; e = e.parentElement) {
        const d = getComputedStyle(e).display;
        if (d !== 'inline' && d !== 'contents') return e;
      }
      return el;
    };
    const parts: { block: Element; text: string }[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) {
      const text = (n.textContent ?? '').replace(/\s+/g, ' ').trim();
      const parent = n.parentElement;
      if (text === '' || parent === null || hidden(parent)) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const first = [...range.getClientRects()].find((r) => r.width > 0 && r.height > 0);
      if (first === undefined || first.top >= limit) continue;
      parts.push({ block: blockOf(parent), text });
    }
    let out = '';
    for (let i = 0; i < parts.length; i++) out += i === 0 ? parts[i]!.text : `${parts[i]!.block === parts[i - 1]!.block ? ' ' : ' / '}${parts[i]!.text}`;
    const words = out.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
    return { text: out, words };
  }, maxY);
}

/**
 * The first view's promise: the headline, the line on who failed and (unless the page works again) the main action,
 * each with its whole box within the first {@link POPUP_MAX_HEIGHT} px; and the headline's ticking line keeps to its
 * one line in this locale.
 */
async function expectFirstView(page: TabPage, opts: { action: boolean }): Promise<void> {
  const found = await page.evaluate(() => {
    window.scrollTo(0, 0);
    const bottom = (selector: string) => {
      const el = document.querySelector(selector);
      return el === null ? null : el.getBoundingClientRect().bottom;
    };
    return {
      headline: bottom('h1'),
      whoFailed: bottom('[data-testid="who-failed"]'),
      mainAction: bottom('[data-testid="main-action"]'),
      overflow: [...document.querySelectorAll('h1 .next')].map((e) => e.scrollWidth - e.clientWidth),
    };
  }, null);
  const parts: [string, number | null][] = [
    ['the headline', found.headline],
    ['the line on who failed', found.whoFailed],
    ...(opts.action ? ([['the main action', found.mainAction]] as [string, number | null][]) : []),
  ];
  for (const [what, bottom] of parts) {
    expect(bottom, what).not.toBeNull();
    expect(bottom!, `bottom of ${what}`).toBeLessThanOrEqual(POPUP_MAX_HEIGHT);
  }
  for (const px of found.overflow) expect(px, "the headline's ticking line overflows its line").toBeLessThanOrEqual(0);
}

/** Waits until `selector` matches in the page. */
async function present(page: TabPage, selector: string, timeoutMs = 10_000): Promise<void> {
  await waitFor(() => page.evaluate((s: string) => document.querySelector(s) !== null, selector), { timeoutMs, message: selector });
}

/** Printed after the run: locale -> state -> first view. */
const seen = new Map<string, Map<string, FirstView>>();

afterAll(() => {
  const lines = ['first view (340 x 600 px), words per browser, locale and state:'];
  for (const [key, states] of seen) for (const [state, view] of states) lines.push(`  ${key} ${state}: ${view.words} words | ${view.text}`);
  console.log(lines.join('\n'));
});

const CASES = BROWSERS.flatMap((browserName) => LOCALES.map((locale) => [browserName, locale] as const));

describe.each(CASES)('%s in %s: the first view of the main states', (browserName, locale) => {
  const site = useSite(browserName, { serverAddress: 'public', shareBrowser: true, locale });
  const standIns: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await stopAll(...standIns.splice(0));
  });

  async function openPopup(tabId: number): Promise<TabPage> {
    const page = await site.driver.openExtensionPage(`extension/popup/index.html?tabId=${tabId}`);
    // The browser really runs in this locale, and the popup's messages are this locale's.
    const ui = await page.evaluate(() => {
      const g = globalThis as unknown as { browser?: { i18n: { getUILanguage(): string } }; chrome?: { i18n: { getUILanguage(): string } } };
      return (g.browser ?? g.chrome)!.i18n.getUILanguage();
    }, null);
    // A browser without the language's files falls back to English: Debian's chromium-l10n and firefox-esr-l10n-<l>.
    const needs = browserName === 'chromium' ? 'chromium-l10n' : `firefox-esr-l10n-${locale}`;
    expect(ui, `${browserName} runs in ${locale} (needs Debian's ${needs} when ${locale} is not English)`).toMatch(new RegExp(`^${locale}(-|$)`));
    await present(page, `html[lang="${locale}"]`);
    return page;
  }

  async function record(popup: TabPage, state: string, action: boolean): Promise<void> {
    const view = await measureFirstView(popup);
    const key = `${browserName} ${locale}`;
    if (!seen.has(key)) seen.set(key, new Map());
    seen.get(key)!.set(state, view);
    await expectFirstView(popup, { action });
    await popup.close();
  }

  it('retrying', async () => {
    const { tabId } = await site.failedTab('/checkout');
    const popup = await openPopup(tabId);
    await present(popup, '[data-testid="guide-step"]');
    await present(popup, '[data-testid="countdown"], [data-testid="retrying-now"]');
    await record(popup, 'retrying', true);
  });

  it('down for everyone', async () => {
    standIns.push(...(await useDownForEveryone(site.driver)));
    const { tabId } = await site.failedTab();
    const popup = await openPopup(tabId);
    await present(popup, '[data-testid="verdict"][data-verdict="down-for-everyone"]', 25_000);
    await record(popup, 'down for everyone', true);
  });

  it('a form not sent again', async () => {
    const popup = await openPopup((await site.failedForm()).tabId);
    await present(popup, '[data-testid="form-check-first"]');
    await record(popup, 'form not re-sent', true);
  });

  it('watching', async () => {
    await site.driver.setSettings({ maxVisibleRetries: 1 });
    const { tabId } = await site.failedTab('/watch');
    await waitFor(async () => (await site.driver.state()).incidents[0]?.phase === 'watching', { timeoutMs: 20_000, message: 'watch mode' });
    const popup = await openPopup(tabId);
    await present(popup, '[data-phase="watching"]');
    await present(popup, '[data-testid="countdown"]');
    await record(popup, 'watching', true);
  });

  it('recovered', async () => {
    const { tab, tabId } = await site.failedTab();
    await site.upstream.setUp();
    await waitForText(tab, UPSTREAM_OK_MARKER, 30_000);
    const popup = await openPopup(tabId);
    await present(popup, '[data-phase="recovered"]');
    await record(popup, 'recovered', false);
  });
});
