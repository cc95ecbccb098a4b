/**
 * The browser side of the status check: its memory in `storage.session`, the network through `fetch`, and the
 * browser's own consent and private-window facts (a tab's, and whether any private window is open).
 */
import browser from 'webextension-polyfill';
import { createHttpClient, type HttpClient } from '../../src/status/http';
import { parseMemory, type StatusMemory, type StatusMemoryStore } from '../../src/status/checker';
import { createSessionStore } from './session-store';

const MEMORY_KEY = 'status';

/** Status answers, found status pages and provider limits: kept while the browser runs, gone when it closes. */
export function createSessionMemoryStore(): StatusMemoryStore {
  return createSessionStore<StatusMemory>(MEMORY_KEY, parseMemory);
}

/** JSON GETs with the extension's host permission (no CORS preflight), no cookies, bounded in size and time. */
export function createBrowserHttpClient(): HttpClient {
  return createHttpClient({ fetch: (url, init) => fetch(url, init), now: Date.now });
}

/**
 * Whether any private window is open (`windows.getAll`, whose windows say `incognito`; the extension sees private ones
 * only where the user allowed it, and then nothing of them reached it anyway). Unsure (the call failed): `true`, so
 * nothing under way is dropped; each private tab's incident still goes with its tab (`tab-closed`).
 */
export async function hasPrivateWindow(): Promise<boolean> {
  try {
    return (await browser.windows.getAll()).some((w) => w.incognito);
  } catch {
    return true;
  }
}

/** Whether a tab is in a private window; a tab that is gone counts as private (send nothing when unsure). */
export async function isIncognitoTab(tabId: number): Promise<boolean> {
  try {
    return (await browser.tabs.get(tabId)).incognito;
  } catch {
    return true;
  }
}
