/**
 * The background entry point itself, loaded against @webext-core/fake-browser: its listeners are registered at the
 * top level, and the user's actions reach the state (notification button, popup messages from our own pages only).
 */
import { grantConsent } from '../../src/settings/consent';
import { loadSettings } from '../../src/settings/settings';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '@webext-core/fake-browser';
import type { TabView } from '../../src/messages';
import { getMessage } from '../locale';
import { chromiumNotificationsUpdate, recordingEvent, recordingWebRequest } from './fake-events';

vi.mock('webextension-polyfill', () => ({ default: fakeBrowser }));

type RecoveryState = import('../../src/recovery/incident-machine').RecoveryState;
const webRequest = recordingWebRequest();

/** Sends a message as one of our pages (or another sender) and returns the background's answer. */
async function ask(message: unknown, senderId = fakeBrowser.runtime.id): Promise<unknown> {
  const [answer] = await fakeBrowser.runtime.onMessage.trigger(message, { id: senderId }, () => {});
  return answer;
}

type View = TabView;

/** The popup's view of a tab, as the background answers it. */
const viewOf = async (tabId: number) => (await ask({ type: 'getTabView', payload: { tabId } })) as View;

/** Waits for what an event leaves behind: the background's listeners return before the event is applied. */
const eventually = (check: () => unknown) => vi.waitFor(check, { timeout: 2_000, interval: 2 });

/** Waits until the incident of `tabId` is in `phase`, and returns the tab's view. */
async function phaseOf(tabId: number, phase: string): Promise<View> {
  let view: View | undefined;
  await eventually(async () => expect((view = await viewOf(tabId)).incident?.phase).toBe(phase));
  return view!;
}

/** One macrotask turn: the fake browser works in memory on promises alone, so every promise chain started runs out. */
const drained = () => new Promise<void>((resolve) => setImmediate(resolve));

/** No test reaches the network: the cookieless comparison a new incident makes gets a network error unless a test stubs `fetch`. */
const offline = async (): Promise<Response> => {
  throw new TypeError('no network in tests');
};


/**
 * Stores `sync` and `local` as the extension keeps them (endpoint overrides on this device), and the user's "yes" to
 * exactly those settings, with what it covers, as the consent pages record it.
 */
async function agreeTo(sync: Record<string, unknown>, local: Record<string, unknown>): Promise<void> {
  await fakeBrowser.storage.sync.set(sync);
  await fakeBrowser.storage.local.set(local);
  const stored = loadSettings(await fakeBrowser.storage.sync.get(null), undefined, await fakeBrowser.storage.local.get(null)).settings;
  await fakeBrowser.storage.local.set(grantConsent(stored));
}

describe('background entry', () => {
  let tabId: number;

  beforeEach(() => {
    vi.stubGlobal('fetch', offline);
  });

  beforeAll(async () => {
    fakeBrowser.reset();
    Object.assign(fakeBrowser, { webRequest });
    Object.assign(fakeBrowser.tabs, { onReplaced: recordingEvent(), reload: vi.fn(async () => undefined) });
    Object.assign(fakeBrowser.runtime, { onStartup: recordingEvent(), onInstalled: recordingEvent() });
    Object.assign(fakeBrowser.i18n, { getMessage });
    Object.assign(fakeBrowser.notifications, { update: chromiumNotificationsUpdate(fakeBrowser.notifications) });
    // The worker's global: `online` events arrive on it.
    Object.assign(globalThis, { self: new EventTarget() });
    tabId = (await fakeBrowser.tabs.create({ url: 'https://shop.example.com/' })).id!;
    await import('../../extension/background/index');
  });

  it('registers its webRequest listeners at the top level: main frames with headers, other types without', () => {
    expect(webRequest.onCompleted.listeners).toHaveLength(2);
    expect(webRequest.onBeforeRequest.listeners).toHaveLength(1);
    expect(webRequest.onHeadersReceived.listeners).toHaveLength(1);
    expect(webRequest.onErrorOccurred.listeners).toHaveLength(1);
  });

  it('a 502 opens an incident; the notification button stops it', async () => {
    const mainFrame = webRequest.onCompleted.listeners[0]!;
    mainFrame({ requestId: '1', url: 'https://shop.example.com/', method: 'GET', statusCode: 502, type: 'main_frame', tabId, responseHeaders: [] });
    const view = await phaseOf(tabId, 'retrying');
    // The registrable domain comes from the background (the popup does not carry the Public Suffix List).
    const cookies = view.incident?.guide?.guide.steps.find((s) => s.id === 'cookies');
    expect(cookies?.action).toMatchObject({ kind: 'clear-cookies', domain: 'example.com' });
    // The notification and the popup render one view: the popup's view carries what the notification says.
    expect(view.incident?.notification?.message).toMatchObject({ key: 'notifRetryingIn' });
    await fakeBrowser.notifications.onButtonClicked.trigger(view.incident!.id, 0);
    await phaseOf(tabId, 'cancelled');
  });

  it('a click on the notification brings its tab to the front (Firefox has no buttons)', async () => {
    const failed = (await fakeBrowser.tabs.create({ url: 'https://news.example.org/' })).id!;
    webRequest.onCompleted.listeners[0]!({ requestId: '2', url: 'https://news.example.org/', method: 'GET', statusCode: 503, type: 'main_frame', tabId: failed, responseHeaders: [] });
    const view = await phaseOf(failed, 'retrying');
    await fakeBrowser.tabs.create({ url: 'https://elsewhere.example.net/', active: true });
    expect((await fakeBrowser.tabs.query({ active: true }))[0]?.id).not.toBe(failed);
    await fakeBrowser.notifications.onClicked.trigger(view.incident!.id);
    await eventually(async () => expect((await fakeBrowser.tabs.query({ active: true }))[0]?.id).toBe(failed));
  });

  it('the user\'s dismissal, a discarded tab and "Tell me when it\'s back" reach the incident', async () => {
    const failed = (await fakeBrowser.tabs.create({ url: 'https://watch.example.org/' })).id!;
    webRequest.onCompleted.listeners[0]!({ requestId: '30', url: 'https://watch.example.org/', method: 'GET', statusCode: 502, type: 'main_frame', tabId: failed, responseHeaders: [] });
    const view = await phaseOf(failed, 'retrying');
    const stored = async () => ((await fakeBrowser.storage.session.get('recovery')).recovery as RecoveryState).incidents.find((i) => i.id === view.incident!.id);
    // Closed by the extension itself: not the user's "quiet".
    await fakeBrowser.notifications.onClosed.trigger(view.incident!.id, false);
    await drained();
    expect((await stored())?.dismissed).toBeUndefined();
    await fakeBrowser.notifications.onClosed.trigger(view.incident!.id, true);
    await eventually(async () => expect((await stored())?.dismissed).toBe(true));
    await fakeBrowser.tabs.onUpdated.trigger(failed, { discarded: true }, { id: failed } as never);
    const tabOf = async () => ((await fakeBrowser.storage.session.get('recovery')).recovery as RecoveryState).tabs[String(failed)];
    await eventually(async () => expect(await tabOf()).toMatchObject({ discarded: true }));
    expect(await ask({ type: 'watchSite', payload: { tabId: failed } })).toEqual({ ok: true });
    expect((await stored())?.keepWatching).toBe(true);
    // A tab with nothing under way: nothing to watch.
    const calm = (await fakeBrowser.tabs.create({ url: 'https://calm3.example.com/' })).id!;
    expect(await ask({ type: 'watchSite', payload: { tabId: calm } })).toEqual({ ok: false });
  });

  it('a private incident is kept in storage.session while a private window is open, and nothing of it once the last one closed', async () => {
    const session = async () => JSON.stringify(await fakeBrowser.storage.session.get(null));
    const onDisk = async () => JSON.stringify([await fakeBrowser.storage.local.get(null), await fakeBrowser.storage.sync.get(null)]);
    const privateWindow = async () => (await fakeBrowser.windows.create({ incognito: true }))!.id!;
    const first = await privateWindow();
    const second = await privateWindow();
    const hidden = (await fakeBrowser.tabs.create({ url: 'https://clinic.example.info/', windowId: first })).id!;
    // Firefox's details say the tab is private themselves. A registrable domain of its own (the notification limit).
    webRequest.onCompleted.listeners[0]!({ requestId: '40', url: 'https://clinic.example.info/', method: 'GET', statusCode: 502, type: 'main_frame', tabId: hidden, responseHeaders: [], incognito: true });
    const view = await phaseOf(hidden, 'retrying');
    expect(await session()).toContain('clinic.example.info');
    expect(await onDisk()).not.toContain('clinic.example.info');
    await eventually(async () => expect(Object.keys(await fakeBrowser.notifications.getAll())).toContain(view.incident!.id));
    // Its window closes without its tab's own event reaching the background (a stopped worker, a lost event): another
    // private window is still open, so nothing is dropped yet.
    await fakeBrowser.windows.remove(first);
    await drained();
    expect(await session()).toContain('clinic.example.info');
    // The last private window closes: nothing of the site is left in any area, and its notification is gone.
    await fakeBrowser.windows.remove(second);
    await eventually(async () => expect(await session()).not.toContain('clinic.example.info'));
    expect(await onDisk()).not.toContain('clinic.example.info');
    await eventually(async () => expect(Object.keys(await fakeBrowser.notifications.getAll())).not.toContain(view.incident!.id));
    // The normal incidents of other tests are left as they were.
    expect(await session()).toContain('shop.example.com');
  });

  it('a tab Chromium replaces with a discarded one keeps its incident under the new id; any other replacement closes it', async () => {
    const failed = (await fakeBrowser.tabs.create({ url: 'https://discard.example.org/' })).id!;
    webRequest.onCompleted.listeners[0]!({ requestId: '31', url: 'https://discard.example.org/', method: 'GET', statusCode: 502, type: 'main_frame', tabId: failed, responseHeaders: [] });
    await phaseOf(failed, 'retrying');
    const tabs = async () => ((await fakeBrowser.storage.session.get('recovery')).recovery as RecoveryState).tabs;
    const onReplaced = (fakeBrowser.tabs as unknown as { onReplaced: { listeners: ((added: number, removed: number) => void)[] } }).onReplaced;
    const get = vi.spyOn(fakeBrowser.tabs, 'get').mockResolvedValueOnce({ id: 901, discarded: true } as never);
    onReplaced.listeners[0]!(901, failed);
    await eventually(async () => expect((await tabs())['901']).toMatchObject({ tabId: 901, discarded: true }));
    expect((await tabs())[String(failed)]).toBeUndefined();
    // A prerendered page swapped in: the tab the incident waited in is gone.
    get.mockResolvedValueOnce({ id: 902, discarded: false } as never);
    onReplaced.listeners[0]!(902, 901);
    await eventually(async () => expect((await tabs())['901']).toBeUndefined());
    expect((await tabs())['902']).toBeUndefined();
    get.mockRestore();
  });

  it('with consent, a new incident starts one status check; a check lost with a stopped worker is redone on wake', async () => {
    const fetched: string[] = [];
    const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    const nodes = ['n1', 'n2', 'n3'];
    vi.stubGlobal('fetch', async (url: string) => {
      fetched.push(url);
      if (url.startsWith('https://ch.test/check-http')) return json({ ok: 1, request_id: 'r1', nodes: Object.fromEntries(nodes.map((n) => [n, ['us', 'USA', 'LA', '1.2.3.4', 'AS1']])) });
      if (url.startsWith('https://ch.test/check-result/')) return json(Object.fromEntries(nodes.map((n) => [n, [[0, 0.1, 'Bad Gateway', '502', '1.2.3.4']]])));
      // The site itself (the cookieless comparison): down, as it is for everyone.
      if (url.startsWith('https://api.example.net/')) return new Response('', { status: 502 });
      return new Response('', { status: 404 });
    });
    await agreeTo({ statusProviders: { statusPage: false, cdnStatus: false } }, { statusEndpoints: { checkHost: 'https://ch.test' } });
    // A registrable domain of its own: shop.example.com popped a notification in the first test, and a second
    // example.com incident within the minute would only be updated in place (the notification limit, issue 15).
    const tab = (await fakeBrowser.tabs.create({ url: 'https://api.example.net/' })).id!;
    webRequest.onCompleted.listeners[0]!({ requestId: '3', url: 'https://api.example.net/', method: 'GET', statusCode: 502, type: 'main_frame', tabId: tab, responseHeaders: [{ name: 'server', value: 'nginx' }] });
    // Only this site's checks: an incident of an earlier test, never checked without consent, may be checked now too.
    const starts = () => fetched.filter((u) => u.startsWith('https://ch.test/check-http?host=https%3A%2F%2Fapi.example.net'));
    await vi.waitFor(async () => expect((await viewOf(tab)).incident?.check?.verdict?.verdict).toBe('down-for-everyone'), { timeout: 5_000 });
    expect(starts()).toEqual(['https://ch.test/check-http?host=https%3A%2F%2Fapi.example.net&max_nodes=7']);
    await vi.waitFor(async () => {
      const drawn = Object.values(fakeBrowser.notifications.getAllCreateOptions()).map((o) => String(o.message));
      expect(drawn.some((m) => m.includes('Down for everyone: 3 of 3 locations got 502.'))).toBe(true);
    });

    // A wake with the check done asks nothing more.
    await fakeBrowser.alarms.onAlarm.trigger({ name: 'recovery-wake', scheduledTime: Date.now(), persistAcrossSessions: false });
    // Nothing to wait for: the wake runs on the in-memory fake and the stubbed fetch, so one turn ends it.
    await drained();
    expect(starts()).toHaveLength(1);
    // The worker stopped before the answer was stored: the next wake asks again, once.
    await fakeBrowser.storage.session.remove('status');
    await fakeBrowser.alarms.onAlarm.trigger({ name: 'recovery-wake', scheduledTime: Date.now(), persistAcrossSessions: false });
    await vi.waitFor(() => expect(starts()).toHaveLength(2), { timeout: 5_000 });
    // The consent goes with the stubbed fetch: later tests' incidents must not reach for the network.
    await fakeBrowser.storage.local.set({ statusAutoCheck: false });
    vi.unstubAllGlobals();
  });

  it('Retry now says what it did: a reload started, one already under way, or none to make', async () => {
    const tab = (await fakeBrowser.tabs.create({ url: 'https://retry.example.com/' })).id!;
    webRequest.onCompleted.listeners[0]!({ requestId: '9', url: 'https://retry.example.com/', method: 'GET', statusCode: 502, type: 'main_frame', tabId: tab, responseHeaders: [] });
    await phaseOf(tab, 'retrying');
    expect(await ask({ type: 'retryNow', payload: { tabId: tab } })).toEqual({ ok: true, reload: 'started' });
    // Its outcome has not come back: a second click starts no second reload, and says so.
    expect(await ask({ type: 'retryNow', payload: { tabId: tab } })).toEqual({ ok: true, reload: 'under-way' });
    const calm = (await fakeBrowser.tabs.create({ url: 'https://calm.example.com/' })).id!;
    expect(await ask({ type: 'retryNow', payload: { tabId: calm } })).toEqual({ ok: true, reload: 'none' });
  });

  it('the guide\'s requests are refused where they would act on the wrong page or send a private address', async () => {
    const fetched: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      fetched.push(url);
      return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
    });
    // Cookies: a tab with no failed page, and a domain other than the failed site's, are refused before anything.
    const calm = (await fakeBrowser.tabs.create({ url: 'https://calm2.example.com/' })).id!;
    expect(await ask({ type: 'clearSiteCookies', payload: { tabId: calm, domain: 'example.com' } })).toEqual({ ok: false, reason: 'no-incident' });
    const failed = (await fakeBrowser.tabs.create({ url: 'https://cart.example.com/' })).id!;
    webRequest.onCompleted.listeners[0]!({ requestId: '20', url: 'https://cart.example.com/', method: 'GET', statusCode: 502, type: 'main_frame', tabId: failed, responseHeaders: [] });
    await phaseOf(failed, 'retrying');
    expect(await ask({ type: 'clearSiteCookies', payload: { tabId: failed, domain: 'example.org' } })).toEqual({ ok: false, reason: 'site-changed' });
    // A site whose host is a public suffix: no button in the guide, and a request for it is refused before the
    // permission is even waited for (the cookies of github.io are every github.io site's).
    const suffix = (await fakeBrowser.tabs.create({ url: 'https://github.io/' })).id!;
    webRequest.onCompleted.listeners[0]!({ requestId: '22', url: 'https://github.io/', method: 'GET', statusCode: 502, type: 'main_frame', tabId: suffix, responseHeaders: [] });
    const suffixView = await phaseOf(suffix, 'retrying');
    const suffixStep = suffixView.incident?.guide?.guide.steps.find((s) => s.id === 'cookies');
    expect(suffixStep?.action).toBeUndefined();
    expect(suffixStep?.what).toEqual({ key: 'guideCookiesWhatPublicSuffix', subs: ['github.io'] });
    for (const domain of ['github.io', 'io']) {
      expect(await ask({ type: 'clearSiteCookies', payload: { tabId: suffix, domain } })).toEqual({ ok: false, reason: 'public-suffix' });
    }
    // The archive is never asked about a private address.
    const router = (await fakeBrowser.tabs.create({ url: 'http://router.lan/admin' })).id!;
    webRequest.onCompleted.listeners[0]!({ requestId: '21', url: 'http://router.lan/admin', method: 'GET', statusCode: 502, type: 'main_frame', tabId: router, responseHeaders: [] });
    await phaseOf(router, 'retrying');
    expect(await ask({ type: 'findArchivedCopy', payload: { tabId: router } })).toMatchObject({ found: false, reason: { code: 'private-host' } });
    expect(fetched.filter((u) => u.includes('wayback'))).toEqual([]);
    // A form is sent again only for the page whose form failed, and only while the tab still shows it.
    const reload = fakeBrowser.tabs.reload as unknown as ReturnType<typeof vi.fn>;
    reload.mockClear();
    expect(await ask({ type: 'resendForm', payload: { tabId: failed } })).toEqual({ ok: false });
    const order = (await fakeBrowser.tabs.create({ url: 'https://shop.example.com/order' })).id!;
    webRequest.onCompleted.listeners[0]!({ requestId: '22', url: 'https://shop.example.com/order', method: 'POST', statusCode: 502, type: 'main_frame', tabId: order, responseHeaders: [] });
    await phaseOf(order, 'not-retried');
    expect(await ask({ type: 'resendForm', payload: { tabId: order } })).toEqual({ ok: true });
    // A plain reload, so the browser itself asks before sending the form data again; never one that skips the cache.
    expect(reload.mock.calls).toEqual([[order]]);
    await fakeBrowser.tabs.update(order, { url: 'https://shop.example.com/elsewhere' });
    expect(await ask({ type: 'resendForm', payload: { tabId: order } })).toEqual({ ok: false });
    expect(reload.mock.calls).toHaveLength(1);
    vi.unstubAllGlobals();
  });

  it('a public-looking name the browser reached at a private address is never sent anywhere, and the popup says why', async () => {
    const fetched: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      fetched.push(url);
      // The site itself (the cookieless comparison) fails without cookies too.
      if (url.startsWith('https://wiki.example.com/')) return new Response('', { status: 502 });
      return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
    });
    await agreeTo({}, { statusEndpoints: { checkHost: 'https://ch.test' } });
    const wiki = (await fakeBrowser.tabs.create({ url: 'https://wiki.example.com/' })).id!;
    webRequest.onCompleted.listeners[0]!({
      requestId: '30',
      url: 'https://wiki.example.com/',
      method: 'GET',
      statusCode: 502,
      type: 'main_frame',
      tabId: wiki,
      responseHeaders: [{ name: 'server', value: 'nginx' }],
      ip: '10.20.30.40',
    });
    const view = await phaseOf(wiki, 'retrying');
    expect(view.incident?.check?.privateNote).toEqual({ key: 'popupStatusIntranet', subs: ['wiki.example.com', '10.20.30.40'] });
    expect(view.incident?.localFacts.map((f) => f.id)).toEqual(['intranet']);
    // The user's own "Check now" and the archive lookup are refused too.
    expect(await ask({ type: 'checkStatus', payload: { tabId: wiki } })).toMatchObject({ report: { limitedBy: 'private-host' } });
    expect(await ask({ type: 'findArchivedCopy', payload: { tabId: wiki } })).toMatchObject({ found: false, reason: { code: 'private-host' } });
    await drained();
    // Only the site itself was asked (the cookieless comparison); no third party heard of it.
    expect(fetched.filter((u) => !u.startsWith('https://wiki.example.com/'))).toEqual([]);
    expect(fetched).toEqual(['https://wiki.example.com/']);
    await fakeBrowser.storage.local.set({ statusAutoCheck: false });
    vi.unstubAllGlobals();
  });

  it('the archive lookup sends the page of the tab the popup was opened for, and nothing while the consent is outdated', async () => {
    const fetched: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      fetched.push(url);
      if (url.startsWith('https://docs.example.org/')) return new Response('', { status: 502 });
      return new Response(JSON.stringify({ archived_snapshots: {} }), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    const wayback = () => fetched.filter((u) => u.includes('/wayback/'));
    // Two tabs of one site share one incident, whose `url` is the latest tab's page.
    const mine = (await fakeBrowser.tabs.create({ url: 'https://docs.example.org/guide/a?token=1' })).id!;
    webRequest.onCompleted.listeners[0]!({ requestId: '40', url: 'https://docs.example.org/guide/a?token=1', method: 'GET', statusCode: 502, type: 'main_frame', tabId: mine, responseHeaders: [] });
    await phaseOf(mine, 'retrying');
    const other = (await fakeBrowser.tabs.create({ url: 'https://docs.example.org/other/b' })).id!;
    webRequest.onCompleted.listeners[0]!({ requestId: '41', url: 'https://docs.example.org/other/b', method: 'GET', statusCode: 502, type: 'main_frame', tabId: other, responseHeaders: [] });
    await eventually(async () => expect((await viewOf(other)).incident?.id).toBe((await viewOf(mine)).incident?.id));
    // The background has read the last test's settings: no consent, none outdated.
    await eventually(async () => expect((await viewOf(mine)).incident?.check?.consentOutdated).toBeNull());
    expect(await ask({ type: 'findArchivedCopy', payload: { tabId: mine } })).toEqual({ found: false });
    expect(wayback()).toEqual([`https://archive.org/wayback/available?url=${encodeURIComponent('https://docs.example.org/guide/a')}`]);

    // A "yes" given for other settings (from before consents recorded their scope: the defaults) while sync changed
    // the codes: the click does not send the address until the user agrees again.
    await fakeBrowser.storage.sync.set({ codes: [502] });
    await fakeBrowser.storage.local.set({ statusAutoCheck: true });
    await eventually(async () => expect((await viewOf(mine)).incident?.check?.consentOutdated).toContainEqual({ key: 'consentChangeCodes' }));
    expect(await ask({ type: 'findArchivedCopy', payload: { tabId: mine } })).toMatchObject({ found: false, reason: { code: 'no-consent' } });
    expect(await ask({ type: 'checkStatus', payload: { tabId: mine } })).toMatchObject({ report: { limitedBy: 'no-consent' } });
    expect(wayback()).toHaveLength(1);
    expect(fetched.filter((u) => !u.startsWith('https://docs.example.org/') && !u.includes('/wayback/'))).toEqual([]);
    await fakeBrowser.storage.sync.remove('codes');
    await fakeBrowser.storage.local.set({ statusAutoCheck: false });
    vi.unstubAllGlobals();
  });

  it('refuses malformed messages with a reason, and answers no other extension', async () => {
    expect(await ask({ type: 'getTabView', payload: { tabId: -1 } })).toMatchObject({ error: expect.stringContaining('getTabView') });
    expect(await ask({ type: 'dropTables' })).toEqual({ error: 'unknown message type "dropTables"' });
    expect(await ask({ type: 'getTabView', payload: { tabId } }, 'another-extension')).toBeUndefined();
  });
});
