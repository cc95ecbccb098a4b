/**
 * Firefox's data consent, read the same way by the settings pages and by the background (the background entry itself,
 * loaded against @webext-core/fake-browser dressed as a Firefox without the `browsingActivity` permission):
 * - an administrator's managed "on" is the organisation's decision: the page shows it on, and the background checks;
 * - the user's own stored "yes" without the browser's consent reads as "no" in both.
 */
import { grantConsent } from '../../src/settings/consent';
import { loadSettings } from '../../src/settings/settings';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { getMessage } from '../locale';
import { recordingEvent, recordingWebRequest } from './fake-events';
import type { TabView } from '../../src/messages';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

const { createSettingsStore } = await import('../../extension/shared/settings-store');
const { hasDataConsent } = await import('../../extension/shared/data-consent');

const webRequest = recordingWebRequest();
const flush = () => new Promise((r) => setTimeout(r, 30));
const silent = { warn: () => {} };

async function ask(message: unknown): Promise<unknown> {
  const [answer] = await fakeBrowser.runtime.onMessage.trigger(message, { id: fakeBrowser.runtime.id }, () => {});
  return answer;
}

/** What the options and onboarding pages show for the consent. */
async function pageSees(): Promise<boolean> {
  const store = createSettingsStore({ storage: fakeBrowser.storage, hasDataConsent, log: silent });
  return (await store.load()).settings.statusAutoCheck;
}

describe('the data consent, pages and background alike (Firefox without its data consent)', () => {
  const fetched: string[] = [];
  const checksOf = (host: string) => fetched.filter((u) => u.startsWith(`https://ch.test/check-http?host=https%3A%2F%2F${host}`));

  /** Opens an incident on `host` and returns what the background says about automatic checks there. */
  async function backgroundSees(host: string, requestId: string): Promise<{ autoCheck: boolean; checked: boolean }> {
    const tabId = (await fakeBrowser.tabs.create({ url: `https://${host}/` })).id!;
    webRequest.onCompleted.listeners[0]!({ requestId, url: `https://${host}/`, method: 'GET', statusCode: 502, type: 'main_frame', tabId, responseHeaders: [] });
    await flush();
    const view = (await ask({ type: 'getTabView', payload: { tabId } })) as TabView;
    await flush();
    // The popup says what a check would send only while automatic checks are off.
    const check = view.incident?.check;
    return { autoCheck: check != null && check.whatIsSent === null, checked: checksOf(host).length > 0 };
  }

  beforeAll(async () => {
    // The build fixes the browser family (`extension/shared/browser-family.ts`); this is the Firefox build.
    vi.stubGlobal('__BROWSER__', 'firefox');
    fakeBrowser.reset();
    Object.assign(fakeBrowser, { webRequest });
    Object.assign(fakeBrowser.tabs, { onReplaced: recordingEvent(), reload: vi.fn(async () => undefined) });
    Object.assign(fakeBrowser.runtime, {
      onStartup: recordingEvent(),
      onInstalled: recordingEvent(),
      getURL: (path: string) => `moz-extension://${fakeBrowser.runtime.id}/${path.replace(/^\//, '')}`,
    });
    Object.assign(fakeBrowser.permissions, { contains: vi.fn(async () => false), onAdded: recordingEvent(), onRemoved: recordingEvent() });
    Object.assign(fakeBrowser.i18n, { getMessage });
    Object.assign(fakeBrowser.notifications, { update: undefined });
    Object.assign(globalThis, { self: new EventTarget() });
    vi.stubGlobal('fetch', async (url: string) => {
      fetched.push(url);
      return new Response('{}', { status: 404 });
    });
    // Endpoint overrides are read from this device's own area (and policy), never from sync.
    await fakeBrowser.storage.sync.set({ statusProviders: { statusPage: false, cdnStatus: false } });
    await fakeBrowser.storage.local.set({ statusEndpoints: { checkHost: 'https://ch.test' } });
    await import('../../extension/background/index');
  });

  it("an administrator's managed \"on\" is on for the page and for the background's checks", async () => {
    await fakeBrowser.storage.managed.set({ statusAutoCheck: true });
    await flush();
    expect(await pageSees()).toBe(true);
    const background = await backgroundSees('admin.example.com', '1');
    expect(background).toEqual({ autoCheck: true, checked: true });
  });

  it('a user\'s stored "yes" without the browser\'s consent is "no" for the page and for the background', async () => {
    await fakeBrowser.storage.managed.clear();
    // A "yes" to exactly what is configured, so only the browser's missing consent can make it a "no".
    const configured = loadSettings(await fakeBrowser.storage.sync.get(null), undefined, await fakeBrowser.storage.local.get(null)).settings;
    await fakeBrowser.storage.local.set(grantConsent(configured));
    await flush();
    const background = await backgroundSees('user.example.com', '2');
    expect(background).toEqual({ autoCheck: false, checked: false });
    expect(await pageSees()).toBe(false);
  });

  it("the archive lookup waits for the browser's data consent, and sends nothing without it", async () => {
    const tabId = (await fakeBrowser.tabs.create({ url: 'https://archive-me.example.com/page' })).id!;
    webRequest.onCompleted.listeners[0]!({ requestId: '3', url: 'https://archive-me.example.com/page', method: 'GET', statusCode: 502, type: 'main_frame', tabId, responseHeaders: [] });
    await flush();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const answer = ask({ type: 'findArchivedCopy', payload: { tabId } });
      // The popup asked inside the click; the user never answers Firefox's prompt.
      await vi.advanceTimersByTimeAsync(61_000);
      expect(await answer).toMatchObject({ found: false, reason: { code: 'no-consent' } });
    } finally {
      vi.useRealTimers();
    }
    expect(fetched.filter((u) => u.includes('wayback'))).toEqual([]);
  });
});
