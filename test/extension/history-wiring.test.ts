/**
 * The history's wiring against an in-memory browser (@webext-core/fake-browser): an incident that ends in the
 * recovery service lands in `storage.local` (host only), a private window's does not, and the store's reads and
 * clears are ordered with its writes.
 */
import { beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import { getMessage } from '../locale';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

const { createBrowserEffects } = await import('../../extension/background/browser-effects');
const { createSessionStateStore } = await import('../../extension/background/session-store');
const { createSettingsSource } = await import('../../extension/background/settings-source');
const { createRecoveryService } = await import('../../extension/background/recovery-service');
const { createHistoryStore } = await import('../../extension/background/history-store');
const { isIncognitoTab } = await import('../../extension/background/status-adapters');
const { describeBadge, describeIncident } = await import('../../src/view/notification');
const { incidentForTab } = await import('../../src/recovery/incident-machine');
const { renderText } = await import('../../extension/shared/i18n');
type StatusReport = import('../../src/status/verdict').StatusReport;
type HistoryEntry = import('../../src/history/history').HistoryEntry;

const silent = { warn: vi.fn(), error: vi.fn() };
const PAGE = 'https://shop.example.com/cart?coupon=s3cr3t&session=abc#top';

function completed(tabId: number, statusCode: number, extra: Record<string, unknown> = {}) {
  return { requestId: '1', url: PAGE, method: 'GET', statusCode, type: 'main_frame', tabId, frameId: 0, responseHeaders: [{ name: 'Server', value: 'nginx' }], ...extra };
}

/**
 * The background's recovery service and history store, wired as `extension/background/index.ts` wires them.
 * `writes()` resolves once every history write the events so far started has settled: the service calls the history
 * from within an event but does not wait for it (the write runs off the event's path).
 */
function createBackground(now: () => number, latest: (host: string) => Promise<StatusReport | null> = async () => null) {
  const settings = createSettingsSource(silent);
  const started: Promise<void>[] = [];
  const history = createHistoryStore({
    area: fakeBrowser.storage.local,
    now,
    retentionDays: async () => (await settings.get()).historyRetentionDays,
    latestStatus: latest,
    log: silent,
  });
  const service = createRecoveryService({
    now,
    random: () => 0.5,
    store: createSessionStateStore(silent),
    settings: settings.get,
    effects: createBrowserEffects(),
    scheduleWake: () => {},
    isOnline: () => true,
    ownOrigins: ['chrome-extension://test-extension-id'],
    describe: {
      incident: (incident, t, max, status) => describeIncident(incident, t, max, renderText, status),
      badge: (state, tabId) => describeBadge(state.tabs[String(tabId)], incidentForTab(state, tabId)),
    },
    log: silent,
    isPrivateTab: isIncognitoTab,
    onIncidentEnded: (incident) => void started.push(history.record(incident)),
  });
  const writes = async () => void (await Promise.all(started));
  return { service, history, settings, writes };
}

async function stored(): Promise<unknown> {
  return (await fakeBrowser.storage.local.get('history')).history;
}

/** The stored entries once `n` are there (recording runs after the event, off its path). */
async function storedEntries(n: number): Promise<HistoryEntry[]> {
  let entries: HistoryEntry[] = [];
  await vi.waitFor(async () => {
    entries = ((await stored()) as { entries?: HistoryEntry[] } | undefined)?.entries ?? [];
    expect(entries).toHaveLength(n);
  }, { interval: 2 });
  return entries;
}

describe('history wiring', () => {
  let clock: number;

  beforeEach(() => {
    // No test reaches the network: the cookieless comparison a new incident makes gets a network error.
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('no network in tests');
    });
    fakeBrowser.reset();
    clock = 1_700_000_000_000;
    (fakeBrowser.i18n as { getMessage: unknown }).getMessage = getMessage;
    (fakeBrowser.tabs as { reload: unknown }).reload = vi.fn(async () => undefined);
    (fakeBrowser.notifications as { update: unknown }).update = async () => false;
    silent.warn.mockClear();
    silent.error.mockClear();
  });

  it('a recovered incident lands in storage.local: host, code, server, times, outcome, reloads; nothing of the URL', async () => {
    const tab = await fakeBrowser.tabs.create({ url: PAGE });
    const { service, writes } = createBackground(() => clock);
    await service.onCompleted(completed(tab.id!, 502));
    await writes();
    expect(await stored()).toBeUndefined();
    clock += 1_500;
    await service.wake();
    await vi.waitFor(() => expect(fakeBrowser.tabs.reload).toHaveBeenCalledTimes(1), { interval: 2 });
    clock += 500;
    await service.onCompleted(completed(tab.id!, 200, { responseHeaders: [] }));
    const [entry] = await storedEntries(1);
    expect(entry).toMatchObject({
      host: 'shop.example.com',
      code: 502,
      server: 'nginx',
      startedAt: 1_700_000_000_000,
      endedAt: 1_700_000_002_000,
      outcome: 'recovered',
      attempts: 1,
      probes: 0,
    });
    expect(entry).not.toHaveProperty('verdict');
    const raw = JSON.stringify(await fakeBrowser.storage.local.get(null));
    for (const leak of ['s3cr3t', 'coupon', 'session=', '/cart', 'https://']) expect(raw).not.toContain(leak);
    // Recorded once, not again on the next events.
    await service.wake();
    await service.onCompleted(completed(tab.id!, 200, { responseHeaders: [] }));
    await writes();
    expect(await storedEntries(1)).toHaveLength(1);
  });

  it('a POST answered 502 (created already ended) and a cancelled incident are recorded too', async () => {
    const a = await fakeBrowser.tabs.create({ url: PAGE });
    const b = await fakeBrowser.tabs.create({ url: 'https://news.example.org/' });
    const { service } = createBackground(() => clock);
    await service.onCompleted(completed(a.id!, 503, { method: 'POST' }));
    const [form] = await storedEntries(1);
    expect(form).toMatchObject({ host: 'shop.example.com', code: 503, outcome: 'not-retried', notRetriedReason: 'non-get', attempts: 0 });

    clock += 1_000;
    await service.onCompleted(completed(b.id!, 504, { url: 'https://news.example.org/' }));
    const id = (await service.tabView(b.id!)).incident!.incident.id;
    clock += 4_000;
    await service.dispatch({ type: 'cancel', incidentId: id });
    const entries = await storedEntries(2);
    expect(entries.map((e) => [e.host, e.outcome])).toEqual([
      ['news.example.org', 'cancelled'],
      ['shop.example.com', 'not-retried'],
    ]);
  });

  it('a closed tab (abandoned) is recorded; an incident of a private window never is', async () => {
    const normal = await fakeBrowser.tabs.create({ url: PAGE });
    const hidden = await fakeBrowser.tabs.create({ url: 'https://private.example.net/' });
    // fake-browser's tabs are never incognito: this one is, as the browser would say.
    const get = fakeBrowser.tabs.get.bind(fakeBrowser.tabs);
    (fakeBrowser.tabs as { get: unknown }).get = async (id: number) => ({ ...(await get(id)), incognito: id === hidden.id });
    onTestFinished(() => void ((fakeBrowser.tabs as { get: unknown }).get = get));
    const { service, writes } = createBackground(() => clock);
    await service.onCompleted(completed(hidden.id!, 502, { url: 'https://private.example.net/' }));
    clock += 1; // incident ids are made from the clock and a random number, both fixed here
    await service.onCompleted(completed(normal.id!, 502));
    await writes();
    clock += 10_000;
    await service.dispatch({ type: 'tab-closed', tabId: hidden.id! });
    await service.dispatch({ type: 'tab-closed', tabId: normal.id! });
    const entries = await storedEntries(1);
    expect(entries[0]).toMatchObject({ host: 'shop.example.com', outcome: 'abandoned' });
    await writes();
    expect(JSON.stringify(await fakeBrowser.storage.local.get(null))).not.toContain('private.example.net');
    // Another private incident ending writes nothing at all (not even the same history again).
    const set = vi.spyOn(fakeBrowser.storage.local, 'set');
    onTestFinished(() => set.mockRestore());
    await service.onCompleted(completed(hidden.id!, 502, { url: 'https://private.example.net/' }));
    await service.dispatch({ type: 'tab-closed', tabId: hidden.id! });
    await writes();
    expect(set).not.toHaveBeenCalled();
    // Nor is anything of it left in the session's storage once its tab closed (issue 15).
    expect(JSON.stringify(await fakeBrowser.storage.session.get(null))).not.toContain('private.example.net');
  });

  it("Firefox's webRequest says a tab is private itself: its incident is never on disk, and never probed", async () => {
    const hidden = await fakeBrowser.tabs.create({ url: 'https://private.example.net/' });
    const fetched: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      fetched.push(url);
      return new Response('', { status: 502 });
    });
    onTestFinished(() => void vi.unstubAllGlobals());
    const { service, writes } = createBackground(() => clock);
    await service.onCompleted(completed(hidden.id!, 502, { url: 'https://private.example.net/', incognito: true }));
    await writes();
    expect((await service.tabView(hidden.id!)).incident?.incident.incognito).toBe(true);
    // In `storage.session` (held in memory, never on disk) while its tab is open; never in `storage.local` or `sync`.
    expect(JSON.stringify(await fakeBrowser.storage.session.get(null))).toContain('private.example.net');
    expect(JSON.stringify([await fakeBrowser.storage.local.get(null), await fakeBrowser.storage.sync.get(null)])).not.toContain('private.example.net');
    // No cookieless comparison went out for it (the regular profile's request).
    expect(fetched).toEqual([]);
  });

  it('a private incident that recovers, fails again and ends again is still never recorded', async () => {
    const hidden = await fakeBrowser.tabs.create({ url: 'https://private.example.net/' });
    const get = fakeBrowser.tabs.get.bind(fakeBrowser.tabs);
    (fakeBrowser.tabs as { get: unknown }).get = async (id: number) => ({ ...(await get(id)), incognito: id === hidden.id });
    onTestFinished(() => void ((fakeBrowser.tabs as { get: unknown }).get = get));
    const { service, writes } = createBackground(() => clock);
    const at = { url: 'https://private.example.net/' };
    await service.onCompleted(completed(hidden.id!, 502, at));
    await writes();
    clock += 2_000;
    await service.onCompleted(completed(hidden.id!, 200, at));
    await writes();
    // Within the reopen window: the same incident goes on, then ends again (the tab closes).
    clock += 60_000;
    await service.onCompleted(completed(hidden.id!, 502, at));
    await writes();
    // The incident goes on (in the session's storage while its tab is open, never on disk).
    const view = await service.tabView(hidden.id!);
    expect(view.incident?.incident).toMatchObject({ reopened: 1, incognito: true });
    expect(JSON.stringify(await fakeBrowser.storage.local.get(null))).not.toContain('private.example.net');
    await service.dispatch({ type: 'tab-closed', tabId: hidden.id! });
    await writes();
    expect(JSON.stringify(await fakeBrowser.storage.local.get(null))).not.toContain('private.example.net');
    expect(JSON.stringify(await fakeBrowser.storage.session.get(null))).not.toContain('private.example.net');
  });

  it('keeps the verdict of a check made during the incident, and one that answers after it ended', async () => {
    const report = (verdict: StatusReport['verdict']): StatusReport => ({ host: 'shop.example.com', verdict, sources: [], checkedAt: clock + 500, expiresAt: clock + 60_500 });
    const first = report('down-for-everyone');
    const tab = await fakeBrowser.tabs.create({ url: PAGE });
    const { service, history } = createBackground(() => clock, async () => first);
    await service.onCompleted(completed(tab.id!, 502));
    clock += 2_000;
    await service.dispatch({ type: 'cancel', incidentId: (await service.tabView(tab.id!)).incident!.incident.id });
    expect((await storedEntries(1))[0]?.verdict).toBe('down-for-everyone');

    // A POST's incident ends as it opens, before any check could answer.
    const form = await fakeBrowser.tabs.create({ url: 'https://news.example.org/' });
    const { service: s2, history: h2 } = createBackground(() => clock);
    await s2.onCompleted(completed(form.id!, 502, { method: 'POST', url: 'https://news.example.org/' }));
    const entries = await storedEntries(2);
    const formEntry = entries.find((e) => e.host === 'news.example.org')!;
    expect(formEntry).not.toHaveProperty('verdict');
    await h2.noteVerdict(formEntry.id, report('up-elsewhere'));
    expect((await storedEntries(2)).find((e) => e.host === 'news.example.org')?.verdict).toBe('up-elsewhere');
    void history;
  });

  it('list() applies the retention setting and deletes what fell out of it; 0 days keeps and records nothing', async () => {
    const tab = await fakeBrowser.tabs.create({ url: PAGE });
    const { service, history, settings, writes } = createBackground(() => clock);
    await service.onCompleted(completed(tab.id!, 502, { method: 'POST' }));
    await storedEntries(1);
    clock += 8 * 24 * 3_600_000;
    expect(await history.list()).toHaveLength(1);
    await fakeBrowser.storage.sync.set({ historyRetentionDays: 7 });
    settings.invalidate();
    expect(await history.list()).toEqual([]);
    expect(await stored()).toBeUndefined();

    await fakeBrowser.storage.sync.set({ historyRetentionDays: 0 });
    settings.invalidate();
    const other = await fakeBrowser.tabs.create({ url: 'https://news.example.org/' });
    await service.onCompleted(completed(other.id!, 502, { method: 'POST', url: 'https://news.example.org/' }));
    await writes();
    expect(await stored()).toBeUndefined();
  });

  it('clear() deletes every entry, after any write already queued', async () => {
    const tab = await fakeBrowser.tabs.create({ url: PAGE });
    const { service, history, writes } = createBackground(() => clock);
    await service.onCompleted(completed(tab.id!, 502, { method: 'POST' }));
    // No waiting: the record is still queued when the clear is asked for, and must not come back after it.
    await history.clear();
    await writes();
    expect(await stored()).toBeUndefined();
    expect(await history.list()).toEqual([]);
  });

  it('garbage in storage.local is dropped with a warning, and the next record starts afresh', async () => {
    await fakeBrowser.storage.local.set({ history: { version: 1, entries: [{ id: 'x', host: 'a.example/path?q=1' }, 'junk'] } });
    const tab = await fakeBrowser.tabs.create({ url: PAGE });
    const { service, history } = createBackground(() => clock);
    expect(await history.list()).toEqual([]);
    expect(silent.warn).toHaveBeenCalledWith(expect.stringContaining('2 stored item(s) were not entries'));
    await service.onCompleted(completed(tab.id!, 502, { method: 'POST' }));
    const entries = await storedEntries(1);
    expect(entries[0]?.host).toBe('shop.example.com');
  });
});
