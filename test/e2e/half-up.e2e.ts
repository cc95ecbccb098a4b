/**
 * Sites that are half up (issue 13, "Back means back, and never a loop"), in real Chromium and real Firefox against
 * real nginx:
 *
 * 1. the cookie-only 502 (nginx's genuine 502 only for requests with the session cookie) goes quiet after at most one
 *    probe-and-reload cycle, watched for 3 minutes;
 * 2. each kind of probe answer: a 429 with `Retry-After` (no reload, the next probe after it), Cloudflare's 403
 *    challenge, a 500 of the site's own (one reload, then the incident ends saying so), a login redirect (the tab's
 *    reload proves the site is back);
 * 3. a flapping upstream (up 2 s, down 10 s) for 3 minutes, the user reopening the page now and then: no more than the
 *    hourly cap of reloads, one incident, one notification;
 * 4. a notification the user dismissed stays dismissed until the site is back;
 * 5. "Tell me when it's back", then the tab closed: the site is watched without a tab, and its notification opens it;
 * 6. a discarded tab is never reloaded as a try, and is reloaded once the site is back;
 * 7. offline pauses the tries, online resumes them.
 *
 * Cost: one browser per family for the whole file (each case has its own host name, so its own incident), both
 * families at once, and the long cases (1 and 3 watch for 3 minutes) run concurrently with the rest. Offline (7)
 * switches the whole browser offline, so it runs after them (both families at once). Measured: 228 s for the file
 * (Chromium 150, Firefox ESR 140, nothing else running), of which offline took 26 s.
 *
 * How a notification is seen and dismissed: each browser gets a desktop notification server of our own on a private
 * D-Bus session bus (`../lab/notification-daemon.ts`). Chromium and Firefox on Linux (headless too) show their
 * notifications there, so the test sees every notification shown or updated, and closes one with the specification's
 * "dismissed by the user" reason, which both browsers report as `notifications.onClosed` with `byUser: true`: the
 * same path as a person's click on the close button.
 *
 * Offline: Chromium through CDP (`Network.emulateNetworkConditions`, which Playwright's `setOffline` sends to every
 * page and to the extension's service worker; there `navigator.onLine` turns false and fetches fail, but Chromium 156
 * fires no `online`/`offline` event in the worker). Firefox through its own offline switch (`Services.io.offline`,
 * File > Work Offline), set from a privileged page (about:preferences) that WebDriver BiDi may script when Firefox runs
 * with `--remote-allow-system-access`; `navigator.onLine` turns false in every page, the extension's included.
 */
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { launchDriver, openMore, type BrowserName, type Driver, type TabPage } from './driver';
import { startGateway, type AccessLogEntry, type Gateway } from '../lab/gateway';
import { onNotificationBus, startNotificationDaemon, type NotificationDaemon, type ShownNotification } from '../lab/notification-daemon';
import {
  busyAnswer,
  cloudflareChallengeAnswer,
  flappingRoute,
  isNavigation,
  loginRedirectAnswer,
  serverErrorAnswer,
  sitePage,
  switchableRoute,
} from '../lab/half-up-sites';
import { startUpstream, UPSTREAM_OK_MARKER, type Upstream } from '../lab/upstream';
import { sleep, waitFor } from '../lab/wait';
import { carriesCookie, cookieOnlyFailure } from '../lab/who-failed-sites';
import type { Incident, RecoveryState } from '../../src/recovery/incident-machine';
import { getMessage } from '../locale';

/** Both, unless `HALF_UP_ONLY=chromium` (or `firefox`) narrows a run by hand while looking into one browser. */
const BROWSERS: BrowserName[] = process.env.HALF_UP_ONLY === 'chromium' || process.env.HALF_UP_ONLY === 'firefox' ? [process.env.HALF_UP_ONLY] : ['chromium', 'firefox'];

/** The deliberate observation window of the cookie-only and flapping cases, ms (issue 13: "seen over 3 minutes"). */
const OBSERVE_MS = 180_000;
/** Visible reloads before watch mode, with the shipped settings (`DEFAULT_POLICY.maxVisibleRetries`). */
const VISIBLE_RETRIES = 5;
/** Visible reloads per site and hour, at most (`MAX_RELOADS_PER_HOUR`). */
const RELOAD_CAP = 12;
/** Long enough for the shipped schedule's 5 visible reloads (about 1+4+6+9+13.5 s, +20 % jitter) and a slow machine. */
const TO_WATCH_MODE_MS = 90_000;

/**
 * Each case's site: its own host name (its own incident), all behind the one nginx. Each under a registrable domain of
 * its own (RFC 2606's `.example`): the extension pops one new notification per registrable domain a minute (issue 15,
 * `src/view/notification-limit.ts`), and the cases that watch notifications open their incidents at the same moment.
 */
const HOSTS = {
  cookie: 'shop.cookie.example',
  flap: 'shop.flap.example',
  busy: 'shop.busy.example',
  challenge: 'shop.challenge.example',
  error: 'shop.error.example',
  login: 'shop.login.example',
  dismiss: 'shop.dismiss.example',
  watch: 'shop.watch.example',
  discard: 'shop.discard.example',
  other: 'shop.other.example',
  offline: 'shop.offline.example',
} as const;

/** What each case cost, seconds, printed at the end for the report. */
const costs: string[] = [];

interface Lab {
  driver: Driver;
  daemon: NotificationDaemon;
}

let upstream: Upstream;
let gateway: Gateway;
const labs = new Map<BrowserName, Lab>();

beforeAll(async () => {
  upstream = await startUpstream();
  gateway = await startGateway({ upstreamPort: upstream.port });
  // One after the other: each browser must inherit its own bus address.
  for (const name of BROWSERS) {
    const daemon = await startNotificationDaemon();
    const driver = await onNotificationBus(daemon, () => launchDriver(name, { hosts: Object.values(HOSTS), discardable: true }));
    labs.set(name, { driver, daemon });
  }
}, 120_000);

afterAll(async () => {
  for (const { driver, daemon } of labs.values()) {
    await driver.close().catch(() => undefined);
    await daemon.close();
  }
  await gateway?.stop();
  await upstream?.close();
  console.log(`half-up costs:\n${costs.join('\n')}`);
});

/** Per browser, a path prefix: both browsers share the upstream, so each case's route is its own per browser. */
const pathOf = (name: BrowserName, path: string) => `/${name}${path}`;
const urlOf = (host: string, path: string) => `http://${host}:${gateway.port}${path}`;

/** The gateway's log lines for `host` and `path` (nginx logs every request, its own 502s included). */
function logOf(host: string, path: string): AccessLogEntry[] {
  return gateway.accessLog().filter((e) => e.host.startsWith(`${host}:`) && e.path === path);
}
/** The extension's cache-bypassing reloads of a tab (a user's navigation does not send `Cache-Control: no-cache`). */
const extensionReloads = (entries: AccessLogEntry[]) => entries.filter((e) => e.navigation && e.cacheControl === 'no-cache');
/** The background's own requests (probes, the cookieless comparison): plain fetches, not loads of a tab. */
const backgroundFetches = (entries: AccessLogEntry[]) => entries.filter((e) => !e.navigation);

/** The `Notify` calls (new or in place) whose words name `host`. */
function notificationsOf(daemon: NotificationDaemon, host: string): ShownNotification[] {
  return daemon.calls.filter((c) => `${c.summary}\n${c.body}`.includes(host));
}
/** The `Notify` calls that say `host` is back (the notification's title, in English). */
const backNotificationsOf = (daemon: NotificationDaemon, host: string) =>
  notificationsOf(daemon, host).filter((c) => c.summary.includes(getMessage('notifTitleBack', [host])));
/** How often a notification naming `host` was shown anew (not updated in place). */
const popsOf = (daemon: NotificationDaemon, host: string) => notificationsOf(daemon, host).filter((c) => c.replacesId === 0);

/** What the notification server saw for `host`, for a failure message: `new 3 @0.0s "title"`, `update 3`, `closed 3 (3)`. */
function notificationStory(daemon: NotificationDaemon, host: string): string {
  const mine = notificationsOf(daemon, host);
  const ids = new Set(mine.map((c) => c.id));
  const t0 = mine[0]?.at ?? 0;
  const at = (t: number) => `@${Math.round((t - t0) / 100) / 10}s`;
  return [
    ...mine.map((c) => ({ at: c.at, line: `${c.replacesId === 0 ? 'new' : 'update'} ${c.id} ${at(c.at)} "${c.summary}"` })),
    ...daemon.closes.filter((c) => ids.has(c.id)).map((c) => ({ at: c.at, line: `closed ${c.id} ${at(c.at)} (reason ${c.reason})` })),
  ]
    .sort((a, b) => a.at - b.at)
    .map((x) => x.line)
    .join('; ');
}

const incidentsOf = (state: RecoveryState, host: string) => state.incidents.filter((i) => i.host === host);
const isActive = (i: Incident) => i.phase === 'retrying' || i.phase === 'watching';

/** Opens `url` in a new tab and returns it with its browser id. */
async function open(driver: Driver, url: string): Promise<{ tab: TabPage; tabId: number }> {
  const tab = await driver.openTab(url);
  return { tab, tabId: await driver.tabIdOf(url) };
}

/** Waits until the tab shows `text`, tolerant of a document being replaced. */
async function waitForTabText(tab: TabPage, text: string, timeoutMs: number): Promise<void> {
  await waitFor(async () => (await tab.text().catch(() => '')).includes(text), { timeoutMs, message: `the tab to show "${text}"` });
}

/** Runs `fn` in an extension page of `driver` (its `browser`/`chrome` API), e.g. to discard a tab. */
async function inExtensionPage<T, A>(driver: Driver, fn: (arg: A) => T | Promise<T>, arg: A): Promise<T> {
  const page = await driver.openExtensionPage('extension/popup/index.html?tabId=2147483645');
  try {
    return await page.evaluate(fn, arg);
  } finally {
    await page.close();
  }
}

/**
 * The site of `host`, failing with nginx's 502 from the start, opened in a tab; resolves once the incident has had its
 * visible reloads and watches with probes, so what comes next is a probe's answer.
 */
async function failingSiteInWatchMode(driver: Driver, host: string, path: string, slowNavigationsMs?: number) {
  const route = switchableRoute(slowNavigationsMs === undefined ? {} : { slowNavigationsMs });
  upstream.route(path, route.handler);
  const url = urlOf(host, path);
  const { tab, tabId } = await open(driver, url);
  const watching = await driver.waitForIncident(host, (i) => i.phase === 'watching', { timeoutMs: TO_WATCH_MODE_MS, what: `${host} in watch mode` });
  return { route, url, tab, tabId, watching };
}

/**
 * The site of `host` in watch mode ({@link failingSiteInWatchMode}), then answering `answer` from now on; resolves once
 * a probe got it and the incident says so (`answer.kind` is `kind`), with the time the answer was switched on.
 */
async function probeAnswered(
  driver: Driver,
  host: string,
  path: string,
  answer: Parameters<ReturnType<typeof switchableRoute>['set']>[0],
  kind: NonNullable<Incident['answer']>['kind'],
  what: string,
  slowNavigationsMs?: number,
) {
  const site = await failingSiteInWatchMode(driver, host, path, slowNavigationsMs);
  const answeredFrom = Date.now();
  site.route.set(answer);
  const incident = await driver.waitForIncident(host, (i) => i.answer?.kind === kind, { timeoutMs: 120_000, what });
  return { site, answeredFrom, incident };
}

function cost(name: BrowserName, what: string, since: number): void {
  costs.push(`${name}: ${what}: ${Math.round((Date.now() - since) / 1000)} s`);
}

describe.concurrent('half-up sites', () => {
  for (const name of BROWSERS) {
    const lab = () => labs.get(name)!;

    it(`${name}: the cookie-only 502 goes quiet after at most one probe-and-reload cycle, over 3 minutes`, async ({ expect }) => {
      const started = Date.now();
      const { driver, daemon } = lab();
      const host = HOSTS.cookie;
      const path = pathOf(name, '/account');
      upstream.route(path, cookieOnlyFailure());
      const url = urlOf(host, path);
      const { tab } = await open(driver, url); // signs in: the session cookie is set
      expect(await tab.text()).toContain(UPSTREAM_OK_MARKER);
      await tab.goto(url); // the renewed cookie is too big for nginx: its own 502
      expect(await tab.text()).toContain('502 Bad Gateway');
      const failedAt = Date.now();
      await driver.waitForIncident(host, undefined, { what: 'the incident of the cookie-only 502' });

      await sleep(OBSERVE_MS); // deliberate: the loop showed within 150 s

      const requests = upstream.requestsTo(path).filter((r) => r.time >= failedAt - 1_000);
      const withCookie = requests.filter((r) => carriesCookie(r, 'session') && isNavigation(r));
      // The extension's reloads bypass the cache; the user's own load does not.
      const reloads = withCookie.filter((r) => r.headers['cache-control'] === 'no-cache');
      const cookieless = requests.filter((r) => !carriesCookie(r, 'session') && !isNavigation(r));
      const state = await driver.state();
      const incidents = incidentsOf(state, host);
      // One incident, still watching, quietly, for the cookies.
      expect(incidents.map((i) => [i.phase, i.quiet])).toEqual([['watching', 'cookies']]);
      // The visible reloads before watch mode, and one reload after a probe got the page: nothing more in 3 minutes
      // (the issue measured 20 page requests in 150 s, 7 in the last minute).
      expect(reloads.length).toBeLessThanOrEqual(VISIBLE_RETRIES + 1);
      expect(incidents[0]!.attempts).toBeLessThanOrEqual(VISIBLE_RETRIES + 1);
      expect(cookieless.length, 'the cookieless probes got the page').toBeGreaterThan(0);
      expect(withCookie.filter((r) => r.time > Date.now() - 60_000)).toEqual([]);
      // One notification for it, shown once (updates in place are not new notifications).
      expect(popsOf(daemon, host).length, notificationStory(daemon, host)).toBe(1);
      await tab.close();
      costs.push(
        `${name}: cookie-only: ${reloads.length} reloads with the cookie, ${cookieless.length} cookieless fetches, ${notificationsOf(daemon, host).length} Notify calls`,
      );
      cost(name, 'cookie-only', started);
    }, OBSERVE_MS + 120_000);

    it(`${name}: a flapping upstream (up 2 s, down 10 s, 3 minutes, the user reopening it) gets at most the capped reloads`, async ({ expect }) => {
      const started = Date.now();
      const { driver, daemon } = lab();
      const host = HOSTS.flap;
      const path = pathOf(name, '/flap');
      const flapping = flappingRoute('Flapping shop', { upMs: 2_000, downMs: 10_000, startAt: Date.now(), forMs: OBSERVE_MS });
      upstream.route(path, flapping);
      const url = urlOf(host, path);
      const { tab } = await open(driver, url);
      const tabs = [tab];
      const end = started + OBSERVE_MS;
      // The user comes back to the page every 30 s: types its address again in the tab, and once opens it in a second
      // tab too. (Closing the last tab would end the incident as abandoned: a new one may then start, rightly.)
      for (let visit = 1; Date.now() + 30_000 < end; visit++) {
        await sleep(30_000); // deliberate: the user's pace
        if (visit === 3) tabs.push(await driver.openTab(url).catch(() => tab));
        else await tab.goto(url).catch(() => undefined); // an extension reload may be under way in it
      }
      await sleep(Math.max(0, end - Date.now()));

      const state = await driver.state();
      const incidents = incidentsOf(state, host);
      const reloads = extensionReloads(logOf(host, path));
      const origin = `http://${host}:${gateway.port}`;
      // One incident: each new 502 within 10 minutes of a recovery continues it.
      expect(new Set(incidents.map((i) => i.id)).size).toBe(1);
      // Whatever happens, at most the hourly cap of visible reloads, as nginx saw them and as the extension counts them.
      expect(reloads.length).toBeLessThanOrEqual(RELOAD_CAP);
      expect((state.reloads ?? []).filter((r) => r.origin === origin).length).toBeLessThanOrEqual(RELOAD_CAP);
      // One notification: shown when it failed, and again at most once when it was first back (once an hour at most).
      expect(popsOf(daemon, host).length, notificationStory(daemon, host)).toBeLessThanOrEqual(2);
      for (const t of new Set(tabs)) await t.close();
      costs.push(`${name}: flapping: ${reloads.length} extension reloads, ${logOf(host, path).length} requests, ${popsOf(daemon, host).length} pops, phase ${incidents[0]?.phase}`);
      cost(name, 'flapping', started);
    }, OBSERVE_MS + 120_000);

    it(`${name}: a 429 with Retry-After: no reload, the next probe after its Retry-After`, async ({ expect }) => {
      const started = Date.now();
      const { driver, daemon } = lab();
      const host = HOSTS.busy;
      const path = pathOf(name, '/busy');
      // Longer than any gap of the shipped schedule at this point (at most 36 s): only the Retry-After explains the wait.
      const retryAfterS = 45;
      const { site, answeredFrom, incident: busy } = await probeAnswered(driver, host, path, busyAnswer(retryAfterS), 'busy', 'a probe answered 429');
      expect(busy.answer?.code).toBe(429);
      expect(isActive(busy)).toBe(true);
      // The next probe, and nothing between: the tab is not reloaded for a 429.
      const [first, second] = await waitFor(
        () => {
          const got = backgroundFetches(logOf(host, path)).filter((e) => e.time >= answeredFrom && e.status === 429);
          return got.length >= 2 ? got : undefined;
        },
        { timeoutMs: (retryAfterS + 30) * 1_000, message: 'the probe after the Retry-After' },
      );
      // nginx logs when it sent the answer: the next probe left no sooner than Retry-After after the 429 arrived.
      expect(second!.time - first!.time).toBeGreaterThanOrEqual(retryAfterS * 1_000 - 500);
      expect(extensionReloads(logOf(host, path)).filter((e) => e.time >= answeredFrom)).toEqual([]);
      const after = incidentsOf(await driver.state(), host);
      expect(after.map((i) => i.phase)).toEqual(['watching']);
      expect(backNotificationsOf(daemon, host).filter((c) => c.at >= answeredFrom)).toEqual([]);
      await site.tab.close();
      cost(name, '429', started);
    }, 240_000);

    it(`${name}: a Cloudflare challenge to the probe is a challenge, never "back" by itself`, async ({ expect }) => {
      const started = Date.now();
      const { driver } = lab();
      const host = HOSTS.challenge;
      const path = pathOf(name, '/challenge');
      const { site, answeredFrom, incident: challenged } = await probeAnswered(driver, host, path, cloudflareChallengeAnswer(), 'challenge', 'a probe answered by the challenge', 2_000);
      expect(challenged.answer?.code).toBe(403);
      // The probe's answer alone ends nothing: whatever comes next comes from the tab.
      expect(isActive(challenged)).toBe(true);
      await sleep(30_000); // deliberate: no loop of reloads behind a challenge
      const probes = backgroundFetches(logOf(host, path)).filter((e) => e.time >= answeredFrom && e.status === 403);
      const reloads = extensionReloads(logOf(host, path)).filter((e) => e.time >= answeredFrom);
      expect(reloads.length).toBeLessThanOrEqual(Math.max(1, probes.length));
      const [incident] = incidentsOf(await driver.state(), host);
      if (incident?.endedAt !== undefined) expect(incident.endedAt).toBeGreaterThanOrEqual(reloads[0]?.time ?? Infinity);
      costs.push(`${name}: challenge: ${probes.length} probes got it, ${reloads.length} tab reloads, then ${incident?.phase}`);
      await site.tab.close();
      cost(name, 'challenge', started);
    }, 240_000);

    it(`${name}: a 500 of the site's own: one reload, then the incident ends saying it answers with 500`, async ({ expect }) => {
      const started = Date.now();
      const { driver } = lab();
      const host = HOSTS.error;
      const path = pathOf(name, '/error');
      const { site, answeredFrom, incident: judged } = await probeAnswered(driver, host, path, serverErrorAnswer(), 'server-error', 'a probe answered 500', 2_000);
      expect(judged.answer?.code).toBe(500);
      expect(isActive(judged), 'not over on the probe alone').toBe(true);
      const ended = await driver.waitForIncident(host, (i) => i.endedAt !== undefined, { timeoutMs: 30_000, what: 'the incident to end on the tab reload' });
      expect(ended.answer?.kind).toBe('server-error');
      expect(ended.answer?.code).toBe(500);
      await sleep(20_000); // deliberate: nothing reloads the tab again for the same 500
      expect(extensionReloads(logOf(host, path)).filter((e) => e.time >= answeredFrom)).toHaveLength(1);
      expect(await site.tab.text()).toContain('Internal Server Error');
      await site.tab.close();
      cost(name, '500', started);
    }, 240_000);

    it(`${name}: a login redirect is a site that works: the tab's reload proves it back`, async ({ expect }) => {
      const started = Date.now();
      const { driver, daemon } = lab();
      const host = HOSTS.login;
      const path = pathOf(name, '/members');
      const loginPath = pathOf(name, '/login');
      upstream.route(loginPath, sitePage('Sign in'));
      const { site, answeredFrom, incident: works } = await probeAnswered(driver, host, path, loginRedirectAnswer(loginPath), 'works', 'a probe answered by the redirect', 2_000);
      // The probe alone proves nothing for the tab: the incident waits for the tab's reload.
      expect(isActive(works)).toBe(true);
      const recovered = await driver.waitForPhase(host, 'recovered', { timeoutMs: 30_000 });
      expect(recovered.answer).toBeUndefined();
      await waitForTabText(site.tab, 'Sign in', 10_000);
      expect(await site.tab.href()).toBe(urlOf(host, loginPath));
      expect(extensionReloads(logOf(host, path)).filter((e) => e.time >= answeredFrom)).toHaveLength(1);
      // "Back" was said once the tab had the page, not before.
      const back = await waitFor(() => {
        const said = backNotificationsOf(daemon, host).filter((c) => c.at >= answeredFrom);
        return said.length > 0 ? said : undefined;
      }, { timeoutMs: 10_000, message: `"${host} is back"` });
      expect(Math.min(...back.map((c) => c.at))).toBeGreaterThanOrEqual(recovered.endedAt!);
      await site.tab.close();
      cost(name, 'login redirect', started);
    }, 240_000);

    it(`${name}: a dismissed notification stays dismissed until the site is back`, async ({ expect }) => {
      const started = Date.now();
      const { driver, daemon } = lab();
      const host = HOSTS.dismiss;
      const path = pathOf(name, '/dismiss');
      const route = switchableRoute();
      upstream.route(path, route.handler);
      const { tab } = await open(driver, urlOf(host, path));
      const [shown] = await waitFor(() => (notificationsOf(daemon, host).length > 0 ? notificationsOf(daemon, host) : undefined), {
        timeoutMs: 10_000,
        message: `a notification for ${host}`,
      });
      await daemon.dismiss(shown!.id);
      const dismissedAt = Date.now();
      const dismissed = await driver.waitForIncident(host, (i) => i.dismissed === true, { what: 'the dismissal taken in' });
      // The incident goes on: more reloads, then watch mode (each used to redraw, and re-pop, the notification).
      await driver.waitForIncident(host, (i) => i.phase === 'watching' && i.attempts >= dismissed.attempts + 2, { timeoutMs: TO_WATCH_MODE_MS, what: 'watch mode after the dismissal' });
      expect(notificationsOf(daemon, host).filter((c) => c.at >= dismissedAt)).toEqual([]);
      expect(daemon.open().filter((id) => notificationsOf(daemon, host).some((c) => c.id === id))).toEqual([]);
      // Back: that is worth one notification again.
      route.set(sitePage('Dismissed shop'));
      await driver.waitForPhase(host, 'recovered', { timeoutMs: 120_000 });
      const back = await waitFor(() => {
        const after = notificationsOf(daemon, host).filter((c) => c.at >= dismissedAt);
        return after.length > 0 ? after : undefined;
      }, { timeoutMs: 10_000, message: 'the "back" notification' });
      expect(back.filter((c) => c.replacesId === 0)).toHaveLength(1);
      await tab.close();
      cost(name, 'dismissed', started);
    }, 300_000);

    it(`${name}: "Tell me when it's back", then the tab closed: watched without a tab; the notification opens the page`, async ({ expect }) => {
      const started = Date.now();
      const { driver, daemon } = lab();
      const host = HOSTS.watch;
      const path = pathOf(name, '/watch');
      const route = switchableRoute();
      upstream.route(path, route.handler);
      const url = urlOf(host, path);
      const { tab, tabId } = await open(driver, url);
      await driver.waitForIncident(host, undefined, { what: `the incident of ${host}` });
      const popup = await driver.openExtensionPage(`extension/popup/index.html?tabId=${tabId}`);
      // Folded after the main action (issue 14): unfolded with a click, as a person does.
      await openMore(popup);
      // The button, found by its words as a person finds it, then clicked with a real click.
      await waitFor(
        () =>
          popup.evaluate(() => {
            const button = [...document.querySelectorAll('button')].find((b) => /tell me when it.s back/i.test(b.textContent ?? ''));
            button?.setAttribute('data-e2e-target', 'watch-site');
            return button !== undefined;
          }, null),
        { timeoutMs: 15_000, message: `the popup's "Tell me when it's back" button` },
      );
      await popup.click('[data-e2e-target="watch-site"]');
      await driver.waitForIncident(host, (i) => i.keepWatching === true, { what: 'keepWatching set' });
      await popup.close();
      await tab.close();
      const closedAt = Date.now();
      // Without a tab: still under way, and probing.
      const before = incidentsOf(await driver.state(), host)[0]!;
      const probing = await driver.waitForIncident(host, (i) => isActive(i) && i.probes > before.probes, { timeoutMs: 60_000, what: 'a probe after the tab closed' });
      expect(probing.keepWatching).toBe(true);
      expect(extensionReloads(logOf(host, path)).filter((e) => e.time >= closedAt)).toEqual([]);
      route.set(sitePage('Watched shop'));
      await driver.waitForPhase(host, 'recovered', { timeoutMs: 120_000 });
      const told = await waitFor(() => notificationsOf(daemon, host).filter((c) => c.at >= closedAt).at(-1), { timeoutMs: 10_000, message: 'the "back" notification' });
      await daemon.click(told.id);
      await driver.tabIdOf(url); // a tab showing the page, opened by the click
      cost(name, 'tell me when back', started);
    }, 300_000);

    // Chromium runs this only because the file's browser is `discardable` (no viewport emulation): otherwise the
    // discard crashes it (see `launchChromium`'s `noViewport`).
    it(`${name}: a discarded tab is not reloaded as a try, and is reloaded once the site is back`, async ({ expect }) => {
      const started = Date.now();
      const { driver } = lab();
      const host = HOSTS.discard;
      const path = pathOf(name, '/discard');
      const route = switchableRoute();
      upstream.route(path, route.handler);
      const url = urlOf(host, path);
      const { tabId } = await open(driver, url);
      // Between two tries, so the discard meets a tab that shows the error (one discarded during a reload is unit-tested).
      await driver.waitForIncident(host, (i) => i.attempts >= 1 && i.awaiting === null, { what: `${host} between two tries` });
      // Another page in front: a browser discards background tabs.
      const other = await driver.openTab(urlOf(HOSTS.other, pathOf(name, '/other')));
      await inExtensionPage(driver, async (id) => {
        const g = globalThis as unknown as { browser?: { tabs: { discard(id: number): Promise<unknown> } }; chrome?: { tabs: { discard(id: number): Promise<unknown> } } };
        await (g.browser ?? g.chrome)!.tabs.discard(id);
      }, tabId);
      const discardedAt = Date.now();
      const state = await driver.waitForState((s) => Object.values(s.tabs).some((t) => t.url === url && 'discarded' in t && t.discarded === true), { what: 'the tab seen discarded' });
      const [incident] = incidentsOf(state, host);
      // Tries go on as probes, never as loads of the discarded tab.
      await driver.waitForIncident(host, (i) => i.probes >= incident!.probes + 2, { timeoutMs: 60_000, what: 'two probes for the discarded tab' });
      expect(logOf(host, path).filter((e) => e.navigation && e.time >= discardedAt)).toEqual([]);
      route.set(sitePage('Discarded shop'));
      const upAt = Date.now();
      const seen = () => logOf(host, path).map((e) => `${e.navigation ? 'load' : 'fetch'} ${e.status}${e.cacheControl === 'no-cache' ? ' no-cache' : ''} @${Math.round((e.time - upAt) / 100) / 10}s`).join(', ');
      await driver.waitForPhase(host, 'recovered', { timeoutMs: 120_000 }).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}; nginx saw, from the site's return: ${seen()}`);
      });
      await waitFor(() => logOf(host, path).some((e) => e.navigation && e.time >= upAt && e.status === 200), { timeoutMs: 15_000, message: 'the discarded tab reloaded' });
      await other.close();
      cost(name, 'discarded tab', started);
    }, 300_000);
  }
});

/** Switches the whole browser off the network and on again, as its user's connection does. */
async function setOffline(name: BrowserName, driver: Driver, offline: boolean): Promise<void> {
  if (name === 'chromium') {
    // CDP `Network.emulateNetworkConditions` for every page and the extension's service worker.
    await driver.chromium!.context.setOffline(offline);
    return;
  }
  // Firefox's File > Work Offline. about:preferences is privileged, so it has `Services`; WebDriver BiDi may script it
  // because the lab starts Firefox with --remote-allow-system-access. Off the OS's link status first, which would
  // otherwise switch it back.
  const page = await driver.openTab('about:blank');
  try {
    // Like moz-extension: pages, a privileged page's navigation never reports a network response, so its goto never
    // resolves: start it and wait for the page itself.
    void page.goto('about:preferences').catch(() => undefined);
    await waitFor(() => page.evaluate(() => location.href === 'about:preferences' && 'Services' in globalThis, null).catch(() => false), {
      timeoutMs: 15_000,
      message: 'about:preferences with its privileges',
    });
    await page.evaluate((value) => {
      const io = (globalThis as unknown as { Services: { io: { manageOfflineStatus: boolean; offline: boolean } } }).Services.io;
      io.manageOfflineStatus = false;
      io.offline = value;
    }, offline);
  } finally {
    await page.close();
  }
}

// After the cases above: it switches a whole browser offline, and every incident of that browser would pause with it.
// A plain `describe` is what makes it wait: Vitest runs neighbouring concurrent suites of a file at once (seen: run
// beside them, the offline case paused all of Firefox's incidents). Its two cases, one per browser, run at once.
describe('offline', () => {
  for (const name of BROWSERS) {
    it.concurrent(`${name}: offline pauses the tries; online resumes them`, async ({ expect }: { expect: ExpectStatic }) => {
      const started = Date.now();
      const { driver } = labs.get(name)!;
      const host = HOSTS.offline;
      const path = pathOf(name, '/offline');
      const route = switchableRoute();
      upstream.route(path, route.handler);
      const { tab } = await open(driver, urlOf(host, path));
      await driver.waitForIncident(host, (i) => i.attempts >= 1, { timeoutMs: 20_000, what: 'a first try' });
      await setOffline(name, driver, true);
      try {
        // The incident notices at its next step, which may be a while off under load (a slow machine takes it through
        // its visible reloads into watch mode meanwhile): wait for that step, whenever it is due, plus some slack.
        const before = incidentsOf(await driver.state(), host)[0]!;
        const nextStepInMs = before.nextAt === null ? 0 : Math.max(0, before.nextAt - Date.now());
        const paused = await driver.waitForIncident(host, (i) => i.offline === true, { timeoutMs: nextStepInMs + 30_000, what: 'the incident paused offline' });
        const triesThen = paused.attempts + paused.probes;
        await sleep(15_000); // deliberate: the next tries would have come within this time
        const still = incidentsOf(await driver.state(), host)[0]!;
        expect(still.offline).toBe(true);
        expect(still.attempts + still.probes).toBe(triesThen);
        route.set(sitePage('Offline shop'));
      } finally {
        await setOffline(name, driver, false);
      }
      const onlineAt = Date.now();
      await driver.waitForPhase(host, 'recovered', { timeoutMs: 60_000 });
      await waitForTabText(tab, UPSTREAM_OK_MARKER, 15_000);
      costs.push(`${name}: offline: back ${Math.round((Date.now() - onlineAt) / 100) / 10} s after going online`);
      await tab.close();
      cost(name, 'offline', started);
    }, 180_000);
  }
});
