/**
 * What the browser itself knows, wired (issue 12, points 2 and 3): the cookieless comparison's adapter (never for a
 * private window's tab; one pinned GET without cookies), the service carrying the effect out and recording it, and
 * webRequest's `ip` kept on the incident.
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
const { describeBadge, describeIncident } = await import('../../src/view/notification');
const { incidentForTab } = await import('../../src/recovery/incident-machine');
const { renderText } = await import('../../extension/shared/i18n');

type Incident = import('../../src/recovery/incident-machine').Incident;

const URL_A = 'https://shop.example.com/cart?id=1';
const CODES = [502, 503, 504];
const silent = { warn: vi.fn(), error: vi.fn() };
const eventually = (check: () => unknown) => vi.waitFor(check, { timeout: 1_000, interval: 2 });

/** A tab as the browser describes it: `incognito` is always there in both browsers (MDN tabs.Tab). */
async function tabIn(incognito: boolean): Promise<number> {
  const tab = await fakeBrowser.tabs.create({ url: URL_A });
  const id = tab.id!;
  const get = fakeBrowser.tabs.get.bind(fakeBrowser.tabs);
  const incognitoOf = ((fakeBrowser as unknown as { __incognito?: Map<number, boolean> }).__incognito ??= new Map());
  incognitoOf.set(id, incognito);
  (fakeBrowser.tabs as { get: unknown }).get = async (tabId: number) => ({ ...(await get(tabId)), incognito: incognitoOf.get(tabId) });
  return id;
}

interface Fetched {
  url: string;
  init: RequestInit | undefined;
}

function stubFetch(answer: (url: string) => Response | Promise<Response>): Fetched[] {
  const seen: Fetched[] = [];
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    seen.push({ url, init });
    return answer(url);
  });
  return seen;
}

describe('the cookieless comparison adapter', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    delete (fakeBrowser as unknown as { __incognito?: unknown }).__incognito;
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('sends nothing for a tab in a private window, or a tab that is gone', async () => {
    const seen = stubFetch(() => new Response('ok'));
    const effects = createBrowserEffects();
    const privateTab = await tabIn(true);
    expect(await effects.compareCookieless(privateTab, URL_A, CODES)).toEqual({ kind: 'skipped' });
    expect(await effects.compareCookieless(9_999, URL_A, CODES)).toEqual({ kind: 'skipped' });
    expect(seen).toEqual([]);
  });

  it('one GET of the same URL: no cookies, cache bypassed, redirects not followed', async () => {
    const seen = stubFetch(() => new Response('ok', { status: 200 }));
    const tab = await tabIn(false);
    expect(await createBrowserEffects().compareCookieless(tab, 'https://user:pw@shop.example.com/cart?id=1', CODES)).toEqual({
      kind: 'answered',
      code: 200,
      challenge: false,
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe(URL_A);
    expect(seen[0]!.init).toMatchObject({ method: 'GET', credentials: 'omit', redirect: 'manual', cache: 'no-store' });
  });

  it('tells a gateway error, a challenge, a redirect not followed and a network error apart', async () => {
    const tab = await tabIn(false);
    const effects = createBrowserEffects();
    stubFetch(() => new Response('bad', { status: 502, headers: { server: 'nginx' } }));
    expect(await effects.compareCookieless(tab, URL_A, CODES)).toEqual({ kind: 'gateway-error', code: 502 });
    stubFetch(() => new Response('just a moment', { status: 503, headers: { 'cf-mitigated': 'challenge', server: 'cloudflare' } }));
    expect(await effects.compareCookieless(tab, URL_A, CODES)).toEqual({ kind: 'answered', code: 503, challenge: true });
    stubFetch(() => new Response('', { status: 403, headers: { 'cf-mitigated': 'challenge' } }));
    expect(await effects.compareCookieless(tab, URL_A, CODES)).toEqual({ kind: 'answered', code: 403, challenge: true });
    // What fetch gives for `redirect: 'manual'` (Fetch standard): an opaque-redirect response, status 0.
    stubFetch(() => ({ type: 'opaqueredirect', status: 0, headers: new Headers(), body: null }) as unknown as Response);
    expect(await effects.compareCookieless(tab, URL_A, CODES)).toEqual({ kind: 'answered', code: 0, challenge: false });
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(await effects.compareCookieless(tab, URL_A, CODES)).toEqual({ kind: 'network-error', reason: 'TypeError: Failed to fetch' });
  });
});

describe('the recovery service and the browser facts', () => {
  const clock = 1_700_000_000_000;

  function createService() {
    const settings = createSettingsSource(silent);
    return createRecoveryService({
      now: () => clock,
      random: () => 0.5,
      store: createSessionStateStore(silent),
      settings: settings.get,
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

  const stored = async () => ((await fakeBrowser.storage.session.get('recovery')).recovery as { incidents: Incident[] }).incidents;

  beforeEach(() => {
    fakeBrowser.reset();
    delete (fakeBrowser as unknown as { __incognito?: unknown }).__incognito;
    (fakeBrowser.i18n as { getMessage: unknown }).getMessage = getMessage;
    (fakeBrowser.tabs as { reload: unknown }).reload = vi.fn(async () => undefined);
    // Chromium's notifications: `update` redraws a shown notification in place (Firefox redraws none, see quirks.ts).
    (fakeBrowser.notifications as { update: unknown }).update = chromiumNotificationsUpdate(fakeBrowser.notifications);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('a 502 with its cookies, a 200 without: recorded on the incident, and the notification names the cookies', async () => {
    const seen = stubFetch(() => new Response('<html>shop</html>', { status: 200 }));
    const tab = await tabIn(false);
    const service = createService();
    await service.onCompleted({ requestId: '1', url: URL_A, method: 'GET', statusCode: 502, type: 'main_frame', tabId: tab, responseHeaders: [{ name: 'Server', value: 'nginx' }], ip: '93.184.216.34', proxyInfo: null });
    await eventually(async () => expect((await stored())[0]?.cookieless).toEqual({ result: 'normal', code: 200, at: clock }));
    expect(seen.map((f) => f.url)).toEqual([URL_A]);
    expect((await stored())[0]?.connection).toEqual({ ip: '93.184.216.34' });
    // The tab fails again with its cookies (here: the user reloads it): now it is a finding.
    await service.onCompleted({ requestId: '2', url: URL_A, method: 'GET', statusCode: 502, type: 'main_frame', tabId: tab, responseHeaders: [{ name: 'Server', value: 'nginx' }], ip: '93.184.216.34' });
    expect((await stored())[0]?.cookieless?.confirmedAt).toBe(clock);
    await eventually(() => {
      const [shown] = Object.values(fakeBrowser.notifications.getAllCreateOptions());
      expect(String(shown?.message)).toContain('shop.example.com answers without your cookies for it: they are the likely cause.');
    });
  });

  it('a private window: no comparison is sent, and the incident says it was skipped', async () => {
    const seen = stubFetch(() => new Response('ok'));
    const tab = await tabIn(true);
    await createService().onCompleted({ requestId: '1', url: URL_A, method: 'GET', statusCode: 502, type: 'main_frame', tabId: tab, responseHeaders: [] });
    await eventually(async () => expect((await stored())[0]?.cookieless?.result).toBe('skipped'));
    expect(seen).toEqual([]);
  });

  it("Firefox's proxyInfo is kept (type, host, port); a bad ip is dropped, never stored", async () => {
    stubFetch(() => new Response('bad', { status: 502 }));
    const tab = await tabIn(false);
    await createService().onCompleted({
      requestId: '1',
      url: URL_A,
      method: 'GET',
      statusCode: 502,
      type: 'main_frame',
      tabId: tab,
      responseHeaders: [{ name: 'Server', value: 'squid/5.7' }],
      ip: 'proxy.corp.example',
      proxyInfo: { host: 'proxy.corp.example', port: 3128, type: 'http', username: 'alice', proxyDNS: false, failoverTimeout: 10 },
    });
    await eventually(async () => expect((await stored())[0]?.cookieless?.result).toBe('gateway-error'));
    expect((await stored())[0]?.connection).toEqual({ proxy: { type: 'http', host: 'proxy.corp.example', port: 3128 } });
  });
});
