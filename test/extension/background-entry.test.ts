/**
 * The background entry point itself, loaded against @webext-core/fake-browser: its listeners are registered at the
 * top level, and the user's actions reach the state (notification button, popup messages from our own pages only).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { getMessage } from '../locale';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

type Listener = (...args: unknown[]) => unknown;
/** A stand-in for webRequest events, which fake-browser does not implement: records listeners to call them. */
function recordingEvent() {
  const listeners: Listener[] = [];
  return { listeners, addListener: (fn: Listener) => listeners.push(fn), removeListener: () => {}, hasListener: () => false };
}

const webRequest = { onCompleted: recordingEvent(), onBeforeRequest: recordingEvent(), onErrorOccurred: recordingEvent() };
const flush = () => new Promise((r) => setTimeout(r, 30));

/** Sends a message as one of our pages (or another sender) and returns the background's answer. */
async function ask(message: unknown, senderId = fakeBrowser.runtime.id): Promise<unknown> {
  const [answer] = await fakeBrowser.runtime.onMessage.trigger(message, { id: senderId }, () => {});
  return answer;
}

describe('background entry', () => {
  let tabId: number;

  beforeAll(async () => {
    fakeBrowser.reset();
    Object.assign(fakeBrowser, { webRequest });
    Object.assign(fakeBrowser.tabs, { onReplaced: recordingEvent(), reload: vi.fn(async () => undefined) });
    Object.assign(fakeBrowser.runtime, { onStartup: recordingEvent(), onInstalled: recordingEvent() });
    Object.assign(fakeBrowser.i18n, { getMessage });
    Object.assign(fakeBrowser.notifications, { update: undefined });
    // The worker's global: `online` events arrive on it.
    Object.assign(globalThis, { self: new EventTarget() });
    tabId = (await fakeBrowser.tabs.create({ url: 'https://shop.example.com/' })).id!;
    await import('../../extension/background/index');
  });

  it('registers its webRequest listeners at the top level: main frames with headers, other types without', () => {
    expect(webRequest.onCompleted.listeners).toHaveLength(2);
    expect(webRequest.onBeforeRequest.listeners).toHaveLength(1);
    expect(webRequest.onErrorOccurred.listeners).toHaveLength(1);
  });

  it('a 502 opens an incident; the notification button stops it', async () => {
    const mainFrame = webRequest.onCompleted.listeners[0]!;
    mainFrame({ requestId: '1', url: 'https://shop.example.com/', method: 'GET', statusCode: 502, type: 'main_frame', tabId, responseHeaders: [] });
    await flush();
    const view = (await ask({ type: 'getTabView', payload: { tabId } })) as {
      incident: { incident: { id: string; phase: string } } | null;
    };
    expect(view.incident?.incident.phase).toBe('retrying');
    await fakeBrowser.notifications.onButtonClicked.trigger(view.incident!.incident.id, 0);
    await flush();
    const after = (await ask({ type: 'getTabView', payload: { tabId } })) as typeof view;
    expect(after.incident?.incident.phase).toBe('cancelled');
  });

  it('a click on the notification brings its tab to the front (Firefox has no buttons)', async () => {
    const failed = (await fakeBrowser.tabs.create({ url: 'https://news.example.org/' })).id!;
    webRequest.onCompleted.listeners[0]!({ requestId: '2', url: 'https://news.example.org/', method: 'GET', statusCode: 503, type: 'main_frame', tabId: failed, responseHeaders: [] });
    await flush();
    await fakeBrowser.tabs.create({ url: 'https://elsewhere.example.net/', active: true });
    expect((await fakeBrowser.tabs.query({ active: true }))[0]?.id).not.toBe(failed);
    const view = (await ask({ type: 'getTabView', payload: { tabId: failed } })) as { incident: { incident: { id: string } } };
    await fakeBrowser.notifications.onClicked.trigger(view.incident.incident.id);
    await flush();
    expect((await fakeBrowser.tabs.query({ active: true }))[0]?.id).toBe(failed);
  });

  it('refuses malformed messages with a reason, and answers no other extension', async () => {
    expect(await ask({ type: 'getTabView', payload: { tabId: -1 } })).toMatchObject({ error: expect.stringContaining('getTabView') });
    expect(await ask({ type: 'dropTables' })).toEqual({ error: 'unknown message type "dropTables"' });
    expect(await ask({ type: 'getTabView', payload: { tabId } }, 'another-extension')).toBeUndefined();
  });
});
