/**
 * The browser side of the status check: its memory in `storage.session`, the network through `fetch`, and the
 * browser's own consent and private-window facts.
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

/** Whether a tab is in a private window; a tab that is gone counts as private (send nothing when unsure). */
export async function isIncognitoTab(tabId: number): Promise<boolean> {
  try {
    return (await browser.tabs.get(tabId)).incognito;
  } catch {
    return true;
  }
}
