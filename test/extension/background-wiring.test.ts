/**
 * The background's adapters and wiring against an in-memory browser (@webext-core/fake-browser): storage.session
 * persistence, settings from sync + managed, badge, notifications, reloads guarded by the tab's URL.
 */
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { getMessage } from '../locale';
import { chromiumNotificationsUpdate } from './fake-events';

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
type StatusReport = import('../../src/status/verdict').StatusReport;

function completed(tabId: number, statusCode: number, extra: Record<string, unknown> = {}) {
  return {
    requestId: '1',
    url: URL_A,
    method: 'GET',
    statusCode,
    type: 'main_frame',
    tabId,
    frameId: 0,
    responseHeaders: [{ name: 'Server', value: 'nginx' }],
    ...extra,
  };
}

function createService(now: () => number, extra: Partial<Parameters<typeof createRecoveryService>[0]> = {}) {
  const wakes: (number | null)[] = [];
  const settings = createSettingsSource(silent);
  const service = createRecoveryService({
    now,
    random: () => 0.5,
    store: createSessionStateStore(silent),
    settings: settings.get,
    effects: createBrowserEffects(),
    scheduleWake: (at) => wakes.push(at),
    isOnline: () => true,
    ownOrigins: ['chrome-extension://test-extension-id'],
    describe: {
      incident: (incident, t, max, status) => describeIncident(incident, t, max, renderText, status),
      badge: (state, tabId) => describeBadge(state.tabs[String(tabId)], incidentForTab(state, tabId)),
    },
    log: silent,
    ...extra,
  });
  return { service, wakes, settings };
}

/**
 * The service carries out an event's effects (badge, notification, reload) after the event's promise has resolved:
 * a test waits for what the effect it asserts leaves in the fake browser.
 */
const eventually = (check: () => unknown) => vi.waitFor(check, { timeout: 1_000, interval: 2 });

/**
 * Resolves once every promise chain started so far has run to its end: the fake browser works in memory on promises
 * alone (no timers, no I/O), so one macrotask turn carries each fire-and-forget effect through. For the checks that
 * something did not happen, which have nothing to wait for.
 */
const drained = () => new Promise<void>((resolve) => setImmediate(resolve));

const badgeOf = (tabId: number) => fakeBrowser.action.getBadgeText({ tabId });

/** Every `notifications.update` the adapter asked for, shown or not (Chromium's update of a dismissed one shows nothing). */
const updates: { id: string; message: string }[] = [];

/** What the notifications drawn (or redrawn) say, as the fake browser keeps their options. */
async function recordedNotices(): Promise<{ id: string; title: string; message: string }[]> {
  return Object.entries(fakeBrowser.notifications.getAllCreateOptions()).map(([id, o]) => ({ id, title: String(o.title), message: String(o.message) }));
}

/** A 502 in a new tab of `URL_A` whose notification was shown, then closed (as a user's dismissal closes it). */
async function notifiedThenClosed(now: () => number) {
  const tab = await fakeBrowser.tabs.create({ url: URL_A });
  const { service } = createService(now);
  await service.onCompleted(completed(tab.id!, 502));
  await eventually(() => expect(Object.keys(fakeBrowser.notifications.getAllCreateOptions())).toHaveLength(1));
  const [id] = Object.keys(fakeBrowser.notifications.getAllCreateOptions());
  await fakeBrowser.notifications.clear(id!);
  return { tab, service, id: id! };
}

describe('background wiring', () => {
  let reload: ReturnType<typeof vi.fn>;
  let clock: number;

  beforeEach(() => {
    fakeBrowser.reset();
    // No test reaches the network: the cookieless comparison a new incident makes gets a network error.
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('no network in tests');
    });
    clock = 1_700_000_000_000;
    (fakeBrowser.i18n as { getMessage: unknown }).getMessage = getMessage;
    reload = vi.fn(async () => undefined);
    (fakeBrowser.tabs as { reload: unknown }).reload = reload;
    // Chromium's notifications.update: true when it updated a notification still shown.
    updates.length = 0;
    (fakeBrowser.notifications as { update: unknown }).update = chromiumNotificationsUpdate(fakeBrowser.notifications, updates);
    silent.warn.mockClear();
    silent.error.mockClear();
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('keeps the error\'s headers (no cookie) and its webRequest timings in storage.session, for the details view', async () => {
    const tab = await fakeBrowser.tabs.create({ url: URL_A });
    const { service } = createService(() => clock);
    const start = { requestId: '9', url: URL_A, tabId: tab.id!, type: 'main_frame' };
    await service.onMainFrameStart({ ...start, timeStamp: clock - 30.5 });
    service.onMainFrameHeaders({ ...start, timeStamp: clock - 10 });
    const headers = [{ name: 'Server', value: 'nginx' }, { name: 'Set-Cookie', value: 'sid=s3cret' }];
    await service.onCompleted(completed(tab.id!, 502, { requestId: '9', timeStamp: clock, responseHeaders: headers }));
    const stored = (await fakeBrowser.storage.session.get('recovery')).recovery as { incidents: { response?: unknown }[] };
    expect(stored.incidents[0]?.response).toEqual({
      headers: { list: [{ name: 'Server', value: 'nginx' }], withheld: ['set-cookie'] },
      timings: { requestAt: clock - 30.5, headersAt: clock - 10, completedAt: clock },
    });
    expect(JSON.stringify(await fakeBrowser.storage.local.get(null))).not.toContain('s3cret');
  });

  it('turns a main-frame 502 into a persisted incident, a badge, a notification and a wake-up', async () => {
    const tab = await fakeBrowser.tabs.create({ url: URL_A });
    const { service, wakes } = createService(() => clock);
    await service.onCompleted(completed(tab.id!, 502));
    const stored = (await fakeBrowser.storage.session.get('recovery')).recovery as { incidents: { code: number; host: string }[] };
    expect(stored.incidents).toHaveLength(1);
    expect(stored.incidents[0]).toMatchObject({ code: 502, host: 'shop.example.com' });
    await eventually(async () => expect(await badgeOf(tab.id!)).toBe('502'));
    await eventually(() => expect(Object.values(fakeBrowser.notifications.getAllCreateOptions())).toHaveLength(1));
    const shown = Object.values(fakeBrowser.notifications.getAllCreateOptions());
    expect(shown[0]).toMatchObject({
      title: 'shop.example.com answered 502 Bad Gateway',
      message: 'Retrying in 2 seconds (attempt 1 of 5). The page will reload by itself.',
      buttons: [{ title: 'Stop retrying' }],
    });
    expect(wakes.at(-1)).toBe(clock + 1500); // the first delay, 1.5 s, with random() at 0.5
  });

  it('state survives a new service instance (a restarted worker) and the retry reloads with bypassCache', async () => {
    const tab = await fakeBrowser.tabs.create({ url: URL_A });
    await createService(() => clock).service.onCompleted(completed(tab.id!, 502));
    await eventually(async () => expect(await badgeOf(tab.id!)).toBe('502'));
    clock += 1500;
    const restarted = createService(() => clock);
    await restarted.service.wake();
    await eventually(() => expect(reload).toHaveBeenCalledWith(tab.id, { bypassCache: true }));
    const view = await restarted.service.tabView(tab.id!);
    expect(view.incident?.incident.attempts).toBe(1);
    // Recovery: the reload answers 200.
    await restarted.service.onCompleted(completed(tab.id!, 200));
    expect((await restarted.service.tabView(tab.id!)).incident?.incident.phase).toBe('recovered');
    await eventually(async () => expect(await badgeOf(tab.id!)).toBe(''));
    await eventually(() => expect(Object.values(fakeBrowser.notifications.getAllCreateOptions())[0]).toMatchObject({ title: 'shop.example.com is back' }));
  });

  it("a private window's incident survives a restarted worker (storage.session, never on disk) and its next try happens", async () => {
    const PRIVATE = 'https://clinic.example.info/';
    const tab = await fakeBrowser.tabs.create({ url: PRIVATE });
    // Firefox's details say the tab is private themselves.
    const first = createService(() => clock);
    await first.service.onCompleted(completed(tab.id!, 502, { url: PRIVATE, incognito: true }));
    expect((await first.service.tabView(tab.id!)).incident?.incident).toMatchObject({ incognito: true, attempts: 0 });
    // The worker stops (~30 s without events, as a user waiting on an error page sends none); its alarm wakes another.
    clock += 60_000;
    const restarted = createService(() => clock);
    await restarted.service.wake();
    await eventually(() => expect(reload).toHaveBeenCalledWith(tab.id, { bypassCache: true }));
    const view = await restarted.service.tabView(tab.id!);
    expect(view.incident?.incident).toMatchObject({ incognito: true, attempts: 1, phase: 'retrying' });
    // Its notification's Stop reaches it in the new worker too.
    await restarted.service.dispatch({ type: 'cancel', incidentId: view.incident!.incident.id });
    expect((await restarted.service.tabView(tab.id!)).incident?.incident.phase).toBe('cancelled');
    expect(JSON.stringify([await fakeBrowser.storage.local.get(null), await fakeBrowser.storage.sync.get(null)])).not.toContain('clinic.example.info');
    // Its tab closes: nothing of the site is left in the session's storage.
    await restarted.service.dispatch({ type: 'tab-closed', tabId: tab.id! });
    expect(JSON.stringify(await fakeBrowser.storage.session.get(null))).not.toContain('clinic.example.info');
  });

  describe('a reload whose outcome was lost with the worker that sent it', () => {
    /** One worker opens the incident, a second sends the reload and stops before its outcome; returns when it was sent. */
    async function reloadThenStop(tabId: number): Promise<number> {
      await createService(() => clock).service.onCompleted(completed(tabId, 502));
      clock += 1500;
      await createService(() => clock).service.wake();
      await eventually(() => expect(reload).toHaveBeenCalledTimes(1));
      const sentAt = clock;
      clock += 2000;
      return sentAt;
    }
    const realGet = fakeBrowser.tabs.get;
    afterEach(() => {
      (fakeBrowser.tabs as { get: unknown }).get = realGet;
      delete (fakeBrowser as unknown as { scripting?: unknown }).scripting;
    });
    function showDocument(tab: { id?: number }, shown: unknown) {
      (fakeBrowser.tabs as { get: unknown }).get = async () => ({ ...tab, status: 'complete' });
      const executeScript = vi.fn(async () => [{ frameId: 0, result: shown }]);
      (fakeBrowser as unknown as { scripting: unknown }).scripting = { executeScript };
      return executeScript;
    }

    it('the next worker reads the outcome from the tab: a page back is a recovery, with no second reload', async () => {
      const tab = await fakeBrowser.tabs.create({ url: URL_A });
      const sentAt = await reloadThenStop(tab.id!);
      const executeScript = showDocument(tab, { url: URL_A, status: 200, startedAt: sentAt + 5 });
      const next = createService(() => clock);
      // wake() resolves once the outcome read from the tab has been applied.
      await next.service.wake();
      expect(executeScript).toHaveBeenCalledWith(expect.objectContaining({ target: { tabId: tab.id } }));
      expect((await next.service.tabView(tab.id!)).incident?.incident.phase).toBe('recovered');
      await drained();
      expect(reload).toHaveBeenCalledTimes(1);
    });

    it('a 502 read from the tab counts as the failed try, so the schedule goes on from it', async () => {
      const tab = await fakeBrowser.tabs.create({ url: URL_A });
      const sentAt = await reloadThenStop(tab.id!);
      showDocument(tab, { url: URL_A, status: 502, startedAt: sentAt + 5 });
      const next = createService(() => clock);
      await next.service.wake();
      const incident = (await next.service.tabView(tab.id!)).incident!.incident;
      expect(incident).toMatchObject({ phase: 'retrying', attempts: 1, awaiting: null });
      expect(incident.nextAt).toBeGreaterThan(clock);
    });

    it.each([
      ['a browser that does not give the status', (sentAt: number) => ({ url: URL_A, status: 0, startedAt: sentAt + 5 })],
      ['another page', (sentAt: number) => ({ url: 'https://news.example.org/', status: 200, startedAt: sentAt + 5 })],
      ['garbage from the page', () => ({ url: 7, status: '200' })],
    ])('%s is not taken as the outcome', async (_name, shown) => {
      const tab = await fakeBrowser.tabs.create({ url: URL_A });
      const sentAt = await reloadThenStop(tab.id!);
      showDocument(tab, shown(sentAt));
      const next = createService(() => clock);
      await next.service.wake();
      const incident = (await next.service.tabView(tab.id!)).incident!.incident;
      expect(incident.phase).toBe('retrying');
      expect(incident.awaiting).toMatchObject({ kind: 'reload', at: sentAt });
    });

    it('a tab still showing the page from before the reload: the reload never started, so it is made again', async () => {
      const tab = await fakeBrowser.tabs.create({ url: URL_A });
      const sentAt = await reloadThenStop(tab.id!);
      showDocument(tab, { url: URL_A, status: 502, startedAt: sentAt - 3000 });
      const next = createService(() => clock);
      await next.service.wake();
      await eventually(() => expect(reload).toHaveBeenCalledTimes(2));
      const incident = (await next.service.tabView(tab.id!)).incident!.incident;
      expect(incident).toMatchObject({ phase: 'retrying', attempts: 1, awaiting: { kind: 'reload', at: clock } });
    });

    it('a reload the current worker sent is left to its own event', async () => {
      const tab = await fakeBrowser.tabs.create({ url: URL_A });
      await createService(() => clock).service.onCompleted(completed(tab.id!, 502));
      clock += 1500;
      const executeScript = showDocument(tab, { url: URL_A, status: 200, startedAt: clock + 5 });
      const worker = createService(() => clock);
      await worker.service.wake();
      await eventually(() => expect(reload).toHaveBeenCalledTimes(1));
      await worker.service.wake();
      expect(executeScript).not.toHaveBeenCalled();
      expect((await worker.service.tabView(tab.id!)).incident?.incident.awaiting).toMatchObject({ kind: 'reload' });
    });
  });

  it('does not reload a tab that shows another page by the time the retry is due', async () => {
    const tab = await fakeBrowser.tabs.create({ url: URL_A });
    const { service } = createService(() => clock);
    await service.onCompleted(completed(tab.id!, 502));
    await fakeBrowser.tabs.update(tab.id!, { url: 'https://news.example.org/' });
    clock += 1500;
    await service.wake();
    // The reload effect finds the tab elsewhere and hands the tab back: it is then no longer the incident's.
    await eventually(async () => expect((await service.tabView(tab.id!)).incident).toBeNull());
    expect(reload).not.toHaveBeenCalled();
  });

  it('a discarded tab is loaded by its URL once the site answers (Firefox\'s reload of one sends nothing)', async () => {
    const tab = await fakeBrowser.tabs.create({ url: URL_A });
    const get = fakeBrowser.tabs.get.bind(fakeBrowser.tabs);
    (fakeBrowser.tabs as { get: unknown }).get = async (id: number) => ({ ...(await get(id)), discarded: true });
    onTestFinished(() => void ((fakeBrowser.tabs as { get: unknown }).get = get));
    const update = vi.spyOn(fakeBrowser.tabs, 'update');
    const { service } = createService(() => clock);
    await service.onCompleted(completed(tab.id!, 502));
    await service.dispatch({ type: 'tab-discarded', tabId: tab.id!, discarded: true });
    vi.stubGlobal('fetch', async () => new Response('<html>back</html>', { status: 200 }));
    clock += 2_000;
    await service.wake();
    await eventually(() => expect(update).toHaveBeenCalledWith(tab.id!, { url: URL_A }));
    expect(reload).not.toHaveBeenCalled();
  });

  it('uses the never-retry list and codes from settings; invalid stored settings fall back with a warning', async () => {
    await fakeBrowser.storage.sync.set({ version: 1, neverRetry: ['example.com'], codes: 'all of them' });
    const tab = await fakeBrowser.tabs.create({ url: URL_A });
    const { service } = createService(() => clock);
    await service.onCompleted(completed(tab.id!, 502));
    const view = await service.tabView(tab.id!);
    expect(view.incident?.incident.phase).toBe('not-retried');
    expect(view.incident?.incident.notRetriedReason).toBe('never-retry');
    expect(silent.warn).toHaveBeenCalledWith(expect.stringContaining('codes is invalid'));
  });

  it('managed (administrator) settings win over sync', async () => {
    await fakeBrowser.storage.sync.set({ maxVisibleRetries: 9 });
    await fakeBrowser.storage.managed.set({ maxVisibleRetries: 2 });
    const tab = await fakeBrowser.tabs.create({ url: URL_A });
    const { service } = createService(() => clock);
    await service.onCompleted(completed(tab.id!, 502));
    expect((await service.tabView(tab.id!)).maxVisibleRetries).toBe(2);
  });

  it('an attempt update does not re-pop a notification the user dismissed; a recovery does', async () => {
    const { tab, service, id } = await notifiedThenClosed(() => clock);
    clock += 1500;
    await service.wake();
    // The attempt's update is asked for without showing the notification again.
    await eventually(() => expect(updates.find((u) => u.id === id)?.message).toContain('attempt 1 of 5'));
    expect(Object.keys(fakeBrowser.notifications.getAllCreateOptions())).toEqual([]);
    await service.onCompleted(completed(tab.id!, 200));
    await eventually(() => expect(fakeBrowser.notifications.getAllCreateOptions()[id!]).toMatchObject({ title: 'shop.example.com is back' }));
  });

  it('without notifications.update (Firefox) an update draws nothing (a create would show it again); "back" replaces it in place', async () => {
    // Firefox: no notifications.update, no notification buttons.
    (fakeBrowser.notifications as { update: unknown }).update = undefined;
    vi.stubGlobal('__BROWSER__', 'firefox');
    const create = vi.spyOn(fakeBrowser.notifications, 'create');
    const tab = await fakeBrowser.tabs.create({ url: URL_A });
    const { service } = createService(() => clock);
    await service.onCompleted(completed(tab.id!, 502));
    await eventually(() => expect(Object.keys(fakeBrowser.notifications.getAllCreateOptions())).toHaveLength(1));
    const before = Object.keys(fakeBrowser.notifications.getAllCreateOptions());
    expect(fakeBrowser.notifications.getAllCreateOptions()[before[0]!]).not.toHaveProperty('buttons');
    clock += 2_000;
    await service.wake();
    await service.onCompleted(completed(tab.id!, 502));
    await drained();
    expect(create).toHaveBeenCalledTimes(1);
    clock += 10_000;
    await service.wake();
    await service.onCompleted(completed(tab.id!, 200));
    await eventually(() => expect(fakeBrowser.notifications.getAllCreateOptions()[before[0]!]).toMatchObject({ title: 'shop.example.com is back' }));
    expect(Object.keys(fakeBrowser.notifications.getAllCreateOptions())).toEqual(before);
    expect(create).toHaveBeenCalledTimes(2);
  });

  it('notifications switched off: none is shown', async () => {
    await fakeBrowser.storage.sync.set({ notifications: false });
    const tab = await fakeBrowser.tabs.create({ url: URL_A });
    const { service } = createService(() => clock);
    await service.onCompleted(completed(tab.id!, 502));
    await eventually(async () => expect(await badgeOf(tab.id!)).toBe('502'));
    await drained();
    expect(Object.keys(fakeBrowser.notifications.getAllCreateOptions())).toHaveLength(0);
  });

  it('a dismissed notification stays dismissed: no update at all until the site is back', async () => {
    const { tab, service, id } = await notifiedThenClosed(() => clock);
    await service.dispatch({ type: 'notification-dismissed', incidentId: id });
    await drained();
    // From here on: the opening notification's own draw (an update that found nothing, then a create) is done.
    updates.length = 0;
    for (let n = 0; n < 3; n++) {
      clock += 60_000;
      await service.wake();
      await service.onCompleted(completed(tab.id!, 502));
    }
    await drained();
    expect(updates.filter((u) => u.id === id).map((u) => u.message)).toEqual([]);
    expect(Object.keys(fakeBrowser.notifications.getAllCreateOptions())).toEqual([]);
    clock += 60_000;
    await service.wake();
    await service.onCompleted(completed(tab.id!, 200));
    await eventually(() => expect(fakeBrowser.notifications.getAllCreateOptions()[id!]).toMatchObject({ title: 'shop.example.com is back' }));
  });

  it('notify "back-only": nothing while the site is down, one notification when it is back', async () => {
    await fakeBrowser.storage.sync.set({ version: 3, notify: 'back-only' });
    const tab = await fakeBrowser.tabs.create({ url: URL_A });
    const { service } = createService(() => clock);
    await service.onCompleted(completed(tab.id!, 502));
    clock += 1500;
    await service.wake();
    await service.onCompleted(completed(tab.id!, 502));
    await eventually(async () => expect(await badgeOf(tab.id!)).toBe('502'));
    await drained();
    expect(Object.keys(fakeBrowser.notifications.getAllCreateOptions())).toEqual([]);
    clock += 10_000;
    await service.wake();
    await service.onCompleted(completed(tab.id!, 200));
    await eventually(() => expect(Object.values(fakeBrowser.notifications.getAllCreateOptions())).toMatchObject([{ title: 'shop.example.com is back' }]));
  });

  it('"Tell me when it\'s back" is told even when the notification limit holds every other pop back', async () => {
    await fakeBrowser.storage.sync.set({ version: 3, notify: 'back-only' });
    const tab = await fakeBrowser.tabs.create({ url: URL_A });
    // A limiter that refuses every pop: as after another incident of the same domain popped within the minute.
    const { service } = createService(() => clock, { mayPop: async () => false });
    await service.onCompleted(completed(tab.id!, 502));
    await service.dispatch({ type: 'keep-watching', tabId: tab.id! });
    clock += 1500;
    await service.wake();
    await service.onCompleted(completed(tab.id!, 200));
    await eventually(() => expect(Object.values(fakeBrowser.notifications.getAllCreateOptions())).toMatchObject([{ title: 'shop.example.com is back' }]));
  });

  it('the notification limit holds back the "back" of an incident nobody asked about, which never popped', async () => {
    await fakeBrowser.storage.sync.set({ version: 3, notify: 'back-only' });
    const tab = await fakeBrowser.tabs.create({ url: URL_A });
    const { service } = createService(() => clock, { mayPop: async () => false });
    await service.onCompleted(completed(tab.id!, 502));
    clock += 1500;
    await service.wake();
    await service.onCompleted(completed(tab.id!, 200));
    await drained();
    expect(Object.keys(fakeBrowser.notifications.getAllCreateOptions())).toEqual([]);
  });

  it('notify "back-only": a site that ends answering its own 500 is not "back", and shows nothing', async () => {
    await fakeBrowser.storage.sync.set({ version: 3, notify: 'back-only' });
    const tab = await fakeBrowser.tabs.create({ url: URL_A });
    const { service } = createService(() => clock);
    await service.onCompleted(completed(tab.id!, 502));
    clock += 10_000;
    await service.wake();
    await service.onCompleted(completed(tab.id!, 500));
    const state = (await fakeBrowser.storage.session.get('recovery')).recovery as { incidents: { phase: string; answer?: { kind: string } }[] };
    expect(state.incidents[0]).toMatchObject({ phase: 'recovered', answer: { kind: 'server-error' } });
    await drained();
    expect(Object.keys(fakeBrowser.notifications.getAllCreateOptions())).toEqual([]);
  });

  it('a 502 image is recorded for the popup and never reloads the tab', async () => {
    const tab = await fakeBrowser.tabs.create({ url: URL_A });
    const { service } = createService(() => clock);
    await service.onCompleted(completed(tab.id!, 502, { type: 'image', url: 'https://img.example.net/a.png', requestId: '9' }));
    clock += 60_000;
    await service.wake();
    await drained();
    const view = await service.tabView(tab.id!);
    expect(view.incident).toBeNull();
    expect(view.subresourceErrors).toMatchObject([{ host: 'img.example.net', code: 502, scope: 'sub-resource' }]);
    expect(reload).not.toHaveBeenCalled();
  });

  it('garbage in storage.session or in webRequest details never throws out of a listener', async () => {
    await fakeBrowser.storage.session.set({ recovery: { incidents: 'nope', tabs: 5 } });
    const { service } = createService(() => clock);
    const tab = await fakeBrowser.tabs.create({ url: URL_A });
    await expect(service.onCompleted({ ...completed(tab.id!, 502), responseHeaders: [null, { name: 5 }] } as never)).resolves.toBeUndefined();
    await expect(service.onCompleted({ garbage: true } as never)).resolves.toBeUndefined();
    await expect(service.onMainFrameError({ tabId: tab.id!, url: 'x', error: 'net::ERR_FAILED', requestId: 'z', type: 'main_frame' })).resolves.toEqual([]);
    expect(silent.warn).toHaveBeenCalledWith(expect.stringContaining('unknown shape'));
    expect((await service.tabView(tab.id!)).incident?.incident.code).toBe(502);
  });

  it('tells once per new incident, with its tabs; a second tab of the site joins without a second telling', async () => {
    const a = await fakeBrowser.tabs.create({ url: URL_A });
    const b = await fakeBrowser.tabs.create({ url: URL_A });
    const opened: [string, number[]][] = [];
    const { service } = createService(() => clock, { onIncidentOpened: (i, tabIds) => opened.push([i.host, tabIds]) });
    await service.onCompleted(completed(a.id!, 502));
    await service.onCompleted(completed(b.id!, 502, { requestId: '2' }));
    // Told from within the event: nothing to wait for once the event has been taken in.
    expect(opened).toEqual([['shop.example.com', [a.id!]]]);
  });

  it('a status verdict joins the notification when it is redrawn', async () => {
    const tab = await fakeBrowser.tabs.create({ url: URL_A });
    let report: StatusReport | null = null;
    const { service } = createService(() => clock, { statusOf: async () => report });
    await service.onCompleted(completed(tab.id!, 502));
    await eventually(async () => expect((await recordedNotices()).map((n) => n.title)).toEqual(['shop.example.com answered 502 Bad Gateway']));
    report = {
      host: 'shop.example.com',
      verdict: 'down-for-everyone',
      checkedAt: clock,
      expiresAt: clock + 60_000,
      sources: [{ provider: 'checkHost', verdict: 'down-for-everyone', evidence: { key: 'evidenceLocationsDown', subs: ['6', '7', '502'] }, checkedAt: clock }],
    };
    // Resolves once the redrawn notification is shown.
    await service.redrawNotifications('shop.example.com');
    const [shown] = Object.values(fakeBrowser.notifications.getAllCreateOptions());
    expect(shown?.message).toBe('Retrying in 2 seconds (attempt 1 of 5). The page will reload by itself.\nDown for everyone: 6 of 7 locations got 502.');
  });
});
