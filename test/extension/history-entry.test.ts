/**
 * The background entry point's history, loaded against @webext-core/fake-browser: a 502 that recovers reaches the
 * options page's `getHistory`, and `clearHistory` empties it (in `storage.local` too).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { getMessage } from '../locale';
import { recordingEvent, recordingWebRequest } from './fake-events';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

const webRequest = recordingWebRequest();

async function ask(message: unknown): Promise<unknown> {
  const [answer] = await fakeBrowser.runtime.onMessage.trigger(message, { id: fakeBrowser.runtime.id }, () => {});
  return answer;
}

describe('background entry: history', () => {
  let tabId: number;

  beforeAll(async () => {
    fakeBrowser.reset();
    Object.assign(fakeBrowser, { webRequest });
    Object.assign(fakeBrowser.tabs, { onReplaced: recordingEvent(), reload: vi.fn(async () => undefined) });
    Object.assign(fakeBrowser.runtime, { onStartup: recordingEvent(), onInstalled: recordingEvent() });
    Object.assign(fakeBrowser.i18n, { getMessage });
    Object.assign(fakeBrowser.notifications, { update: undefined });
    Object.assign(globalThis, { self: new EventTarget() });
    tabId = (await fakeBrowser.tabs.create({ url: 'https://shop.example.com/checkout?step=2' })).id!;
    await import('../../extension/background/index');
  });

  it('an incident that recovers is listed by getHistory, and clearHistory empties it', async () => {
    expect(await ask({ type: 'getHistory', payload: {} })).toEqual({ entries: [] });
    const mainFrame = webRequest.onCompleted.listeners[0]!;
    const url = 'https://shop.example.com/checkout?step=2';
    mainFrame({ requestId: '1', url, method: 'GET', statusCode: 502, type: 'main_frame', tabId, responseHeaders: [{ name: 'server', value: 'nginx' }] });
    await vi.waitFor(async () => expect(((await ask({ type: 'getTabView', payload: { tabId } })) as { incident: unknown }).incident).not.toBeNull());
    mainFrame({ requestId: '2', url, method: 'GET', statusCode: 200, type: 'main_frame', tabId, responseHeaders: [] });

    let entries: { host: string; code: number; outcome: string; server?: string }[] = [];
    await vi.waitFor(async () => {
      entries = ((await ask({ type: 'getHistory', payload: {} })) as { entries: typeof entries }).entries;
      expect(entries).toHaveLength(1);
    });
    expect(entries[0]).toMatchObject({ host: 'shop.example.com', code: 502, outcome: 'recovered', server: 'nginx' });
    expect(JSON.stringify(await fakeBrowser.storage.local.get('history'))).not.toContain('step=2');

    expect(await ask({ type: 'clearHistory', payload: {} })).toEqual({ ok: true });
    expect(await ask({ type: 'getHistory', payload: {} })).toEqual({ entries: [] });
    expect(await fakeBrowser.storage.local.get('history')).toEqual({});
  });

  it('refuses a history message without a payload object', async () => {
    expect(await ask({ type: 'clearHistory' })).toMatchObject({ error: expect.stringContaining('clearHistory') });
  });
});
