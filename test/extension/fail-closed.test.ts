/**
 * Fail closed (issue 15, point 5), wired against an in-memory browser (@webext-core/fake-browser): when the browser
 * does not tell what a tab shows, recovery does nothing to the tab; code runs in a page only after its origin was
 * checked.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { getMessage } from '../locale';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

const { createBrowserEffects } = await import('../../extension/background/browser-effects');
const { createSessionStateStore } = await import('../../extension/background/session-store');
const { createSettingsSource } = await import('../../extension/background/settings-source');
const { createRecoveryService } = await import('../../extension/background/recovery-service');
const { describeBadge, describeIncident } = await import('../../src/view/notification');
const { incidentForTab } = await import('../../src/recovery/incident-machine');
const { renderText } = await import('../../extension/shared/i18n');

const URL_A = 'https://shop.example.com/cart';
const silent = { warn: vi.fn(), error: vi.fn() };
const eventually = (check: () => unknown) => vi.waitFor(check, { timeout: 1_000, interval: 2 });
/** Every promise chain started so far has run: for checks that something did not happen. */
const drained = () => new Promise<void>((resolve) => setImmediate(resolve));

function completed(tabId: number, statusCode: number) {
  return { requestId: '1', url: URL_A, method: 'GET', statusCode, type: 'main_frame', tabId, frameId: 0, responseHeaders: [{ name: 'Server', value: 'nginx' }] };
}

function createService(now: () => number) {
  return createRecoveryService({
    now,
    random: () => 0.5,
    store: createSessionStateStore(silent),
    settings: createSettingsSource(silent).get,
    effects: createBrowserEffects(),
    scheduleWake: () => undefined,
    isOnline: () => true,
    ownOrigins: ['chrome-extension://test-extension-id'],
    describe: {
      incident: (incident, t, max, status) => describeIncident(incident, t, max, renderText, status),
      badge: (state, tabId) => describeBadge(state.tabs[String(tabId)], incidentForTab(state, tabId)),
    },
    log: silent,
  });
}

/** Makes `tabs.get` describe `tabId` with `fields` over what the fake browser keeps (e.g. no `url`, a `status`). */
function describeTab(tabId: number, fields: (tab: Record<string, unknown>) => Record<string, unknown>): void {
  const get = fakeBrowser.tabs.get.bind(fakeBrowser.tabs);
  (fakeBrowser.tabs as { get: unknown }).get = async (id: number) => {
    const tab = (await get(id)) as unknown as Record<string, unknown>;
    return id === tabId ? fields(tab) : tab;
  };
}

describe('fail closed', () => {
  let reload: ReturnType<typeof vi.fn>;
  let clock: number;
  const realGet = fakeBrowser.tabs.get;

  beforeEach(() => {
    fakeBrowser.reset();
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('no network in tests');
    });
    clock = 1_700_000_000_000;
    (fakeBrowser.i18n as { getMessage: unknown }).getMessage = getMessage;
    reload = vi.fn(async () => undefined);
    (fakeBrowser.tabs as { reload: unknown }).reload = reload;
  });
  afterEach(() => {
    (fakeBrowser.tabs as { get: unknown }).get = realGet;
    delete (fakeBrowser as unknown as { scripting?: unknown }).scripting;
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  describe('a tab whose URL the browser does not tell is not reloaded', () => {
    it('the reload effect reloads nothing and says why', async () => {
      const tab = await fakeBrowser.tabs.create({ url: URL_A });
      // Without host permission for what a tab shows (about:, file:, chrome:, or a site whose access the user
      // withdrew), both browsers leave `url` (and Chromium's `pendingUrl`) out of `tabs.Tab`.
      describeTab(tab.id!, ({ url: _url, ...rest }) => rest);
      expect(await createBrowserEffects().reload(tab.id!, URL_A)).toEqual({ kind: 'unreadable' });
      expect(reload).not.toHaveBeenCalled();
    });

    it('nor a discarded one (it would be loaded by its URL)', async () => {
      const tab = await fakeBrowser.tabs.create({ url: URL_A });
      describeTab(tab.id!, ({ url: _url, ...rest }) => ({ ...rest, discarded: true }));
      const update = vi.spyOn(fakeBrowser.tabs, 'update');
      expect(await createBrowserEffects().reload(tab.id!, URL_A)).toEqual({ kind: 'unreadable' });
      expect(update).not.toHaveBeenCalled();
    });

    it('the incident lets the tab go when its try is due', async () => {
      const tab = await fakeBrowser.tabs.create({ url: URL_A });
      const service = createService(() => clock);
      await service.onCompleted(completed(tab.id!, 502));
      expect((await service.tabView(tab.id!)).incident).not.toBeNull();
      describeTab(tab.id!, ({ url: _url, ...rest }) => rest);
      clock += 1_500;
      await service.wake();
      await eventually(async () => expect((await service.tabView(tab.id!)).incident).toBeNull());
      await drained();
      expect(reload).not.toHaveBeenCalled();
    });

    it.each(['about:blank', 'file:///home/user/page.html', 'chrome://settings/'])('a tab that shows %s is not reloaded', async (shown) => {
      const tab = await fakeBrowser.tabs.create({ url: URL_A });
      describeTab(tab.id!, (t) => ({ ...t, url: shown }));
      expect((await createBrowserEffects().reload(tab.id!, URL_A)).kind).not.toBe('reloaded');
      expect(reload).not.toHaveBeenCalled();
    });
  });

  describe('a load of the same page still under way is never cut short', () => {
    it('the reload effect asks the browser first when the last load went unanswered', async () => {
      const tab = await fakeBrowser.tabs.create({ url: URL_A });
      describeTab(tab.id!, (t) => ({ ...t, status: 'loading' }));
      const effects = createBrowserEffects();
      expect(await effects.reload(tab.id!, URL_A, true)).toEqual({ kind: 'loading' });
      expect(reload).not.toHaveBeenCalled();
      // A tab whose load had its outcome may be reloaded while it finishes its error page's parts.
      expect(await effects.reload(tab.id!, URL_A)).toEqual({ kind: 'reloaded' });
      expect(reload).toHaveBeenCalledTimes(1);
    });

    it('a finished tab is reloaded as before', async () => {
      const tab = await fakeBrowser.tabs.create({ url: URL_A });
      describeTab(tab.id!, (t) => ({ ...t, status: 'complete' }));
      expect(await createBrowserEffects().reload(tab.id!, URL_A, true)).toEqual({ kind: 'reloaded' });
    });

    it('wired: a reload with no outcome in 90 s is not made again over its own load; the tab stays with the incident', async () => {
      const tab = await fakeBrowser.tabs.create({ url: URL_A });
      const service = createService(() => clock);
      await service.onCompleted(completed(tab.id!, 502));
      clock += 1_500;
      await service.wake();
      await eventually(() => expect(reload).toHaveBeenCalledTimes(1));
      // The reload's answer takes its time: the tab keeps loading the page.
      describeTab(tab.id!, (t) => ({ ...t, status: 'loading' }));
      clock += 90_000;
      await service.wake();
      const waiting = (await service.tabView(tab.id!)).incident!.incident;
      clock = waiting.nextAt!;
      await service.wake();
      await eventually(async () => expect((await service.tabView(tab.id!)).incident?.tab.status).toBe('reloading'));
      await drained();
      expect(reload).toHaveBeenCalledTimes(1);
      expect((await service.tabView(tab.id!)).incident?.incident.awaiting).toMatchObject({ kind: 'reload', tabId: tab.id });
      // The slow load's answer is the try's.
      await service.onCompleted(completed(tab.id!, 200));
      expect((await service.tabView(tab.id!)).incident?.incident.phase).toBe('recovered');
    });
  });

  it('wired: a worker that stops while a slow load stands for the try takes that load\'s document as its outcome', async () => {
    const tab = await fakeBrowser.tabs.create({ url: URL_A });
    const first = createService(() => clock);
    await first.onCompleted(completed(tab.id!, 502));
    clock += 1_500;
    await first.wake();
    await eventually(() => expect(reload).toHaveBeenCalledTimes(1));
    describeTab(tab.id!, (t) => ({ ...t, status: 'loading' }));
    clock += 90_000;
    await first.wake();
    clock = (await first.tabView(tab.id!)).incident!.incident.nextAt!;
    await first.wake();
    await eventually(async () => expect((await first.tabView(tab.id!)).incident?.tab).toMatchObject({ status: 'reloading', loadingSince: expect.any(Number) }));
    const since = (await first.tabView(tab.id!)).incident!.incident.awaiting!.at;
    // The worker stops; the load ends meanwhile (a user's navigation reads as starting a moment before its event).
    (fakeBrowser.tabs as { get: unknown }).get = realGet;
    describeTab(tab.id!, (t) => ({ ...t, status: 'complete' }));
    const executeScript = vi.fn(async () => [{ frameId: 0, result: { url: URL_A, status: 200, startedAt: since - 5 } }]);
    (fakeBrowser as unknown as { scripting: unknown }).scripting = { executeScript };
    clock += 10_000;
    const next = createService(() => clock);
    await next.wake();
    expect(executeScript).toHaveBeenCalled();
    expect((await next.tabView(tab.id!)).incident?.incident.phase).toBe('recovered');
    await drained();
    // No reload was ever made over the load, nor after it.
    expect(reload).toHaveBeenCalledTimes(1);
  });

  describe('scripting runs in a page only after its origin was checked', () => {
    function stubScripting(result: unknown) {
      const executeScript = vi.fn(async (_injection: { func: (...args: never[]) => unknown; args?: unknown[] }) => [{ frameId: 0, result }]);
      (fakeBrowser as unknown as { scripting: unknown }).scripting = { executeScript };
      return executeScript;
    }

    it.each([
      ['another site', (t: Record<string, unknown>) => ({ ...t, url: 'https://news.example.org/', status: 'complete' })],
      ['a URL the browser does not tell', ({ url: _url, ...t }: Record<string, unknown>) => ({ ...t, status: 'complete' })],
      ['a page about to be left (Chromium\'s pendingUrl)', (t: Record<string, unknown>) => ({ ...t, pendingUrl: 'https://news.example.org/', status: 'complete' })],
      ['a non-http page', (t: Record<string, unknown>) => ({ ...t, url: 'file:///home/user/cart', status: 'complete' })],
    ])('nothing is injected into a tab showing %s', async (_name, fields) => {
      const tab = await fakeBrowser.tabs.create({ url: URL_A });
      describeTab(tab.id!, fields);
      const executeScript = stubScripting({ url: URL_A, status: 200, startedAt: clock });
      expect(await createBrowserEffects().readDocument(tab.id!, URL_A)).toBeNull();
      expect(executeScript).not.toHaveBeenCalled();
    });

    it('the injected code reads nothing in a document of another origin (the tab moved on meanwhile)', async () => {
      const tab = await fakeBrowser.tabs.create({ url: URL_A });
      describeTab(tab.id!, (t) => ({ ...t, status: 'complete' }));
      const executeScript = stubScripting({ url: URL_A, status: 200, startedAt: clock });
      expect(await createBrowserEffects().readDocument(tab.id!, `${URL_A}#top`)).toEqual({ url: URL_A, status: 200, startedAt: clock });
      const injection = executeScript.mock.calls[0]![0];
      expect(injection.args).toEqual(['https://shop.example.com']);
      // Run the injected function as the page would, in a document of another origin, then of this one.
      const getEntriesByType = vi.fn(() => [{ responseStatus: 200 }]);
      vi.stubGlobal('performance', { getEntriesByType, timeOrigin: 5 });
      vi.stubGlobal('location', { origin: 'https://news.example.org', href: 'https://news.example.org/' });
      const run = injection.func as (origin: string) => unknown;
      expect(run('https://shop.example.com')).toBeNull();
      expect(getEntriesByType).not.toHaveBeenCalled();
      vi.stubGlobal('location', { origin: 'https://shop.example.com', href: URL_A });
      expect(run('https://shop.example.com')).toEqual({ url: URL_A, status: 200, startedAt: 5 });
    });

    it('a document the page reports under another address is not taken', async () => {
      const tab = await fakeBrowser.tabs.create({ url: URL_A });
      describeTab(tab.id!, (t) => ({ ...t, status: 'complete' }));
      stubScripting({ url: 'https://shop.example.com/other', status: 200, startedAt: clock });
      expect(await createBrowserEffects().readDocument(tab.id!, URL_A)).toBeNull();
    });
  });
});
