/**
 * The popup's controls in the background (`extension/background/controls.ts`) against an in-memory browser: the
 * pause stored on this device and held by the recovery service (no reload, no pop, the wake at its end), "Resume
 * now", "Never retry this site" ending the incident at once, and each notification mode as the options describe it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { getMessage } from '../locale';
import { chromiumNotificationsUpdate } from './fake-events';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

const { createBrowserEffects } = await import('../../extension/background/browser-effects');
const { createSessionStateStore } = await import('../../extension/background/session-store');
const { createSettingsSource } = await import('../../extension/background/settings-source');
const { createRecoveryService } = await import('../../extension/background/recovery-service');
const { createControls } = await import('../../extension/background/controls');
const { describeBadge, describeIncident } = await import('../../src/view/notification');
const { incidentForTab } = await import('../../src/recovery/incident-machine');
const { renderText } = await import('../../extension/shared/i18n');

const URL_A = 'https://shop.example.com/cart';
const URL_B = 'https://news.example.org/';
const HOUR = 3_600_000;
const silent = { warn: vi.fn(), error: vi.fn() };

function completed(tabId: number, statusCode: number, url = URL_A) {
  return { requestId: '1', url, method: 'GET', statusCode, type: 'main_frame', tabId, frameId: 0, responseHeaders: [{ name: 'Server', value: 'nginx' }] };
}

/** The recovery service as the background entry wires it, over the fake browser; `now` is epoch ms. */
function wiredService(settings: ReturnType<typeof createSettingsSource>, now: () => number, scheduleWake: (at: number | null) => unknown = () => undefined) {
  return createRecoveryService({
    now,
    random: () => 0.5,
    store: createSessionStateStore(silent),
    settings: settings.forRecovery,
    effects: createBrowserEffects(),
    scheduleWake: (at) => void scheduleWake(at),
    isOnline: () => true,
    ownOrigins: ['chrome-extension://test-extension-id'],
    describe: {
      incident: (incident, t, max, status) => describeIncident(incident, t, max, renderText, status),
      badge: (state, tabId) => describeBadge(state.tabs[String(tabId)], incidentForTab(state, tabId)),
    },
    log: silent,
  });
}

const eventually = (check: () => unknown) => vi.waitFor(check, { timeout: 1_000, interval: 2 });
/** Every fire-and-forget effect started so far has run (the fake browser works on promises alone). */
const drained = () => new Promise<void>((resolve) => setImmediate(resolve));
const shownNotices = () => Object.values(fakeBrowser.notifications.getAllCreateOptions()).map((o) => String(o.title));

describe('the controls, in the background', () => {
  let clock: number;
  let reload: ReturnType<typeof vi.fn>;
  const updates: { id: string; message: string }[] = [];

  beforeEach(() => {
    fakeBrowser.reset();
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('no network in tests');
    });
    clock = Date.UTC(2026, 11, 7, 13);
    (fakeBrowser.i18n as { getMessage: unknown }).getMessage = getMessage;
    reload = vi.fn(async () => undefined);
    (fakeBrowser.tabs as { reload: unknown }).reload = reload;
    updates.length = 0;
    (fakeBrowser.notifications as { update: unknown }).update = chromiumNotificationsUpdate(fakeBrowser.notifications, updates);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  function setup() {
    const wakes: (number | null)[] = [];
    const settings = createSettingsSource(silent);
    // As the entry does: a storage change drops the reader's copy.
    fakeBrowser.storage.onChanged.addListener(() => settings.invalidate());
    const service = wiredService(settings, () => clock, (at) => wakes.push(at));
    const controls = createControls({
      storage: fakeBrowser.storage,
      settings,
      service,
      wake: () => service.wake(),
      now: () => clock,
      offsetAt: () => 60,
      tab: async (tabId) => {
        const tab = await fakeBrowser.tabs.get(tabId).catch(() => null);
        return { url: tab?.url, incognito: tab?.incognito ?? true };
      },
      log: silent,
    });
    return { service, controls, wakes };
  }

  it('pause: stored on this device; no reload and no pop while it holds; the wake at its end; "Resume now" tries at once', async () => {
    const { service, controls, wakes } = setup();
    expect(await controls.setPause({ pause: 'hour' })).toEqual({ ok: true, pausedUntil: clock + HOUR });
    expect(await fakeBrowser.storage.local.get('pausedUntil')).toEqual({ pausedUntil: clock + HOUR });
    expect(await fakeBrowser.storage.sync.get(null)).toEqual({});
    const tab = await fakeBrowser.tabs.create({ url: URL_A });
    await service.onCompleted(completed(tab.id!, 502));
    // Recorded and shown: the badge says it; no notification pops.
    await eventually(async () => expect(await fakeBrowser.action.getBadgeText({ tabId: tab.id! })).toBe('502'));
    expect(wakes.at(-1)).toBe(clock + HOUR);
    clock += 10 * 60_000;
    await service.wake();
    await drained();
    expect(reload).not.toHaveBeenCalled();
    expect(shownNotices()).toEqual([]);
    expect((await controls.view(tab.id!)).pausedUntil).toBe(clock - 10 * 60_000 + HOUR);
    // "Resume now": the try that fell due goes out at once.
    expect(await controls.setPause({ pause: 'off' })).toEqual({ ok: true, pausedUntil: null });
    await eventually(() => expect(reload).toHaveBeenCalledWith(tab.id, { bypassCache: true }));
    expect((await controls.view(tab.id!)).pausedUntil).toBeNull();
  });

  it('could fail: without a pause the same wait reloads the tab and the notification pops', async () => {
    const { service } = setup();
    const tab = await fakeBrowser.tabs.create({ url: URL_A });
    await service.onCompleted(completed(tab.id!, 502));
    clock += 10 * 60_000;
    await service.wake();
    await eventually(() => expect(reload).toHaveBeenCalledTimes(1));
    expect(shownNotices()).toEqual(['shop.example.com answered 502 Bad Gateway']);
  });

  it('pause: the end is reached by the clock alone (its alarm), with nothing else to tell the service', async () => {
    const { service, controls } = setup();
    await controls.setPause({ pause: 'hour' });
    const tab = await fakeBrowser.tabs.create({ url: URL_A });
    await service.onCompleted(completed(tab.id!, 502));
    clock += HOUR;
    await service.wake();
    await eventually(() => expect(reload).toHaveBeenCalledTimes(1));
  });

  it('never retry this site: adds the host, ends its incident at once, leaves another site retrying; then takes it off', async () => {
    const { service, controls } = setup();
    const a = await fakeBrowser.tabs.create({ url: URL_A });
    const b = await fakeBrowser.tabs.create({ url: URL_B });
    await service.onCompleted(completed(a.id!, 502));
    // (An incident's id is drawn from the clock and the random source, both fixed here.)
    clock += 1;
    await service.onCompleted(completed(b.id!, 502, URL_B));
    await fakeBrowser.storage.sync.set({ neverRetry: ['other.example'] });
    expect(await controls.setNeverRetry({ tabId: a.id!, listed: true })).toEqual({ ok: true, host: 'shop.example.com' });
    expect(await fakeBrowser.storage.sync.get('neverRetry')).toEqual({ neverRetry: ['other.example', 'shop.example.com'] });
    // Ended now, not at its next step.
    expect((await service.tabView(a.id!)).incident?.incident.phase).toBe('cancelled');
    expect((await service.tabView(b.id!)).incident?.incident.phase).toBe('retrying');
    expect((await controls.view(a.id!)).site).toEqual({ host: 'shop.example.com', listedAs: ['shop.example.com'], locked: false });
    clock += 10 * 60_000;
    await service.wake();
    await eventually(() => expect(reload).toHaveBeenCalledTimes(1));
    expect(reload).toHaveBeenCalledWith(b.id, { bypassCache: true });
    // Taken off: the list keeps the other entries.
    expect(await controls.setNeverRetry({ tabId: a.id!, listed: false })).toEqual({ ok: true, host: 'shop.example.com' });
    expect(await fakeBrowser.storage.sync.get('neverRetry')).toEqual({ neverRetry: ['other.example'] });
    expect((await controls.view(a.id!)).site?.listedAs).toEqual([]);
  });

  it("never retry: refused for a private window's site (the list is synced), for a list set by policy, and for no site", async () => {
    const { controls } = setup();
    const priv = await fakeBrowser.tabs.create({ url: URL_A, incognito: true } as never);
    vi.spyOn(fakeBrowser.tabs, 'get').mockImplementation(async (id: number) => ({ id, url: id === priv.id ? URL_A : 'about:blank', incognito: id === priv.id }) as never);
    expect(await controls.setNeverRetry({ tabId: priv.id!, listed: true })).toEqual({ ok: false, reason: 'no-site' });
    expect((await controls.view(priv.id!)).site).toBeNull();
    expect(await controls.setNeverRetry({ tabId: 999, listed: true })).toEqual({ ok: false, reason: 'no-site' });
    expect(await fakeBrowser.storage.sync.get(null)).toEqual({});
  });

  it('never retry: an administrator\'s list is not changed from the popup', async () => {
    const { controls, service } = setup();
    vi.spyOn(fakeBrowser.storage.managed, 'get').mockImplementation(async () => ({ neverRetry: ['corp.example'] }));
    const tab = await fakeBrowser.tabs.create({ url: URL_A });
    await service.onCompleted(completed(tab.id!, 502));
    expect(await controls.setNeverRetry({ tabId: tab.id!, listed: true })).toEqual({ ok: false, reason: 'managed' });
    expect((await controls.view(tab.id!)).site?.locked).toBe(true);
  });
});

describe('each notification mode does what the options say', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('no network in tests');
    });
    (fakeBrowser.i18n as { getMessage: unknown }).getMessage = getMessage;
    (fakeBrowser.tabs as { reload: unknown }).reload = vi.fn(async () => undefined);
    (fakeBrowser.notifications as { update: unknown }).update = chromiumNotificationsUpdate(fakeBrowser.notifications, []);
  });
  afterEach(() => vi.unstubAllGlobals());

  /** A site fails, is retried once, then is back: the titles of the notifications shown at each point. */
  async function throughAnIncident(): Promise<{ down: string[]; back: string[] }> {
    let clock = 1_700_000_000_000;
    const settings = createSettingsSource(silent);
    const service = wiredService(settings, () => clock);
    const tab = await fakeBrowser.tabs.create({ url: URL_A });
    await service.onCompleted(completed(tab.id!, 502));
    clock += 2_000;
    await service.wake();
    await service.onCompleted(completed(tab.id!, 502));
    await drained();
    const down = shownNotices();
    clock += 10_000;
    await service.wake();
    await service.onCompleted(completed(tab.id!, 200));
    await drained();
    await drained();
    return { down, back: shownNotices() };
  }

  it('"every-change": when it fails, and when it is back (one notification, updated in place)', async () => {
    await fakeBrowser.storage.sync.set({ version: 4, notify: 'every-change' });
    expect(await throughAnIncident()).toEqual({ down: ['shop.example.com answered 502 Bad Gateway'], back: ['shop.example.com is back'] });
  });

  it('"back-only": nothing while it is down, one when it is back', async () => {
    await fakeBrowser.storage.sync.set({ version: 4, notify: 'back-only' });
    expect(await throughAnIncident()).toEqual({ down: [], back: ['shop.example.com is back'] });
  });

  it('"never": nothing at all, not even when it is back', async () => {
    await fakeBrowser.storage.sync.set({ version: 4, notify: 'never' });
    expect(await throughAnIncident()).toEqual({ down: [], back: [] });
  });
});
