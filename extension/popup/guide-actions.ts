/**
 * What the guide's buttons do, behind one interface so the guide renders against fixtures in tests. The real ones
 * call the background for anything that must outlive the popup (Firefox closes it for a permission prompt) and the
 * browser directly for the rest.
 */
import browser from 'webextension-polyfill';
import type { ArchiveResult } from '../../src/guide/archive';
import type { ReloadStart, Response } from '../../src/messages';
import { COOKIES, requestPermission } from '../shared/optional-permissions';
import { requestDataConsent } from '../shared/data-consent';
import type { MessageClient } from '../shared/message-client';

export interface GuideActions {
  /** Reloads the tab with the cache bypassed; says whether a reload started, was under way already, or had no page to reload. */
  reload(): Promise<ReloadStart>;
  /** Asks for the `cookies` permission (inside the click), then has the background clear `domain`'s cookies and reload. */
  clearCookies(domain: string): Promise<Response<'clearSiteCookies'>>;
  /** Opens the page in a new private window. */
  openPrivate(): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Puts `text` on the clipboard; false when the browser refused. */
  copy(text: string): Promise<boolean>;
  /** Asks for the browser's data consent (Firefox, inside the click), then has the background look the page up. */
  findArchive(): Promise<ArchiveResult>;
  resendForm(): Promise<boolean>;
}

export function createGuideActions(client: MessageClient, tabId: number, url: string): GuideActions {
  return {
    async reload() {
      return (await client.request('retryNow', { tabId })).reload;
    },
    clearCookies(domain) {
      // Both start inside the click: the request needs the gesture, and the message must be on its way before
      // Firefox's prompt can close the popup. The background waits for the grant.
      const granted = requestPermission(COOKIES);
      const cleared = client.request('clearSiteCookies', { tabId, domain });
      return granted.then((ok) => (ok ? cleared : { ok: false, reason: 'no-permission' as const }));
    },
    async openPrivate() {
      try {
        await browser.windows.create({ url, incognito: true });
        return { ok: true };
      } catch (err) {
        return { ok: false, reason: err instanceof Error ? err.message.slice(0, 200) : 'refused' };
      }
    },
    async copy(text) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch {
        return false;
      }
    },
    findArchive() {
      // The lookup sends the page's address to the archive: on Firefox the browser's data consent is asked inside the
      // click, as for "Check now", and the message leaves at once (the prompt may close the popup); the background
      // waits for the answer and sends nothing without it.
      const consent = requestDataConsent();
      const found = client.request('findArchivedCopy', { tabId });
      return consent.then((ok) => (ok ? found : { found: false as const, reason: { code: 'no-consent' as const, detail: "the browser's data consent was declined" } }));
    },
    async resendForm() {
      return (await client.request('resendForm', { tabId })).ok;
    },
  };
}
