/**
 * What the guide and the report need to know of this browser and of a tab, read in the background so the popup
 * renders a finished view. Any part the browser will not tell falls back to a safe guess; never rejects.
 */
import browser from 'webextension-polyfill';
import type { PlatformOs } from '../../src/guide/steps';
import type { BrowserFacts } from '../../src/view/incident-view';
import { isFirefox } from '../shared/browser-family';

/** The browser's facts as seen from tab `tabId` (whether it is private). */
export async function readBrowserFacts(tabId: number): Promise<BrowserFacts> {
  const firefox = isFirefox();
  const [platform, info, allowed, tab] = await Promise.all([
    ask(() => browser.runtime.getPlatformInfo()),
    firefox ? ask(() => browser.runtime.getBrowserInfo()) : null,
    ask(() => browser.extension.isAllowedIncognitoAccess()),
    ask(() => browser.tabs.get(tabId)),
  ]);
  // Chromium has no getBrowserInfo; its user agent names the major version (the reduced UA keeps it).
  const chromeMajor = /Chrom(?:e|ium)\/(\d+)/.exec(globalThis.navigator?.userAgent ?? '')?.[1];
  return {
    browser: firefox ? 'firefox' : 'chromium',
    browserLabel: firefox ? `Firefox ${info?.version.split('.')[0] ?? ''}`.trim() : `Chromium ${chromeMajor ?? ''}`.trim(),
    os: (platform?.os ?? 'linux') as PlatformOs,
    incognito: tab?.incognito === true,
    canOpenPrivate: allowed === true,
  };
}

/** The browser's answer, or `null` when it refuses, whether it rejects or throws before returning a promise. */
async function ask<T>(call: () => Promise<T>): Promise<T | null> {
  try {
    return await call();
  } catch {
    return null;
  }
}
