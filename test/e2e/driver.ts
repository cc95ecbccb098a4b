/**
 * One interface over the two real browsers for the recovery e2e tests: open tabs like a person does, and read the
 * extension's own state (storage.session, badge, notifications) from one of its pages.
 */
import { resolve } from 'node:path';
import type { Page as PlaywrightPage } from 'playwright-core';
import type { Page as PuppeteerPage } from 'puppeteer-core';
import type { Incident, IncidentPhase, RecoveryState } from '../../src/recovery/incident-machine';
import { launchChromium, launchFirefox, loopbackHostRules, type ChromiumSession, type FirefoxSession } from '../lab/browsers';
import { publicAddress } from '../lab/public-address';
import { proxyPacUrl } from '../lab/squid-proxy';
import { waitFor } from '../lab/wait';
import { DEVICE_FIELDS } from '../../src/settings/settings';
import { isErrorReply, type TabView } from '../../src/messages';
import { notificationWords } from '../../src/view/notification';
import { getMessage } from '../locale';

export type BrowserName = 'chromium' | 'firefox';

/**
 * Public-looking names the tests use; both browsers resolve them to 127.0.0.1 on the URL's port, or to the test run's
 * public address (`../lab/public-address.ts`) with `launchDriver(name, { serverAddress: 'public' })`.
 */
export const SHOP_HOST = 'shop.example.com';
export const NEWS_HOST = 'news.example.org';
/** Where the status check looks for shop.example.com's own status page (`status.{domain}`). */
export const STATUS_HOST = 'status.example.com';

/** A tab the test drives. */
export interface TabPage {
  goto(url: string): Promise<void>;
  /** The document's text (the nginx error page, or the upstream's page). */
  text(): Promise<string>;
  /** `location.href` of the document. */
  href(): Promise<string>;
  click(selector: string): Promise<void>;
  /** Types `text` into the field at `selector` with real key events. */
  type(selector: string, text: string): Promise<void>;
  /** Presses one key (`Tab`, `Enter`, `Shift+Tab`...) with real key events, wherever the focus is. */
  press(key: string): Promise<void>;
  /**
   * Gives the page's window the focus if something else took it. Headless Firefox ESR 140 shows each notification in
   * an alert window of its own that takes the focus from the page (ESR 153 does not), and a page without the focus
   * never matches `:focus-visible`; a person at the keyboard has the page focused.
   */
  refocus(): Promise<void>;
  /** Runs `fn` in the page; in an extension page that is the page's own global, with its `browser`/`chrome` API. */
  evaluate<T, A>(fn: (arg: A) => T | Promise<T>, arg: A): Promise<T>;
  /**
   * Runs a script's source text in the page's global, the way a debugger console does. The extension pages' CSP
   * (`script-src 'self'`) refuses injected `<script>` tags (`addScriptTag`) and the page's own `eval`, but not code
   * sent over the automation protocol (CDP in Chromium, WebDriver BiDi in Firefox), so this is how a test tool such as
   * axe-core gets into them.
   */
  runScript(source: string): Promise<void>;
  close(): Promise<void>;
}

/** The extension's own page, used to read its state. */
interface ControlPage {
  evaluate<T, A>(fn: (arg: A) => T | Promise<T>, arg: A): Promise<T>;
  close(): Promise<void>;
}

/** Which incident a wait is about: its host (`shop.example.com`, `[::1]`), or a test of the incident. */
export type IncidentMatch = string | ((incident: Incident) => boolean);

/** Options of the waits on the recovery state. */
export interface StateWaitOptions {
  /** Give up after this many ms. Default 10 000. */
  timeoutMs?: number;
  /** What is awaited, for the timeout error (which adds what the state last held). */
  what?: string;
}

/**
 * How often (ms) the waits read the recovery state: one `storage.session` read in the control page each time, cheap
 * enough that a wait ends within a few tens of ms of the background's write.
 */
const STATE_POLL_MS = 50;

export interface Driver {
  readonly name: BrowserName;
  /** Opens a new tab and navigates it to `url` (as if typed). */
  openTab(url: string): Promise<TabPage>;
  /**
   * The extension's recovery state from `storage.session`, as it is at this moment. A tab shows its page before the
   * background has taken in the page's outcome (webRequest reports it, then the state is written), so a test that
   * asserts on what the background made of something it waited for in a page uses {@link Driver.waitForState},
   * {@link Driver.waitForIncident} or {@link Driver.waitForPhase} instead.
   */
  state(): Promise<RecoveryState>;
  /**
   * Reads the recovery state every {@link STATE_POLL_MS} ms until `predicate` holds, and resolves with that state.
   * Rejects after `timeoutMs` (default 10 000) with an error naming `what` and the incidents last seen.
   */
  waitForState(predicate: (state: RecoveryState) => boolean, options?: StateWaitOptions): Promise<RecoveryState>;
  /**
   * Waits until the incident matched by `which` exists and `predicate` (default: any) holds for it, and resolves with
   * it. Rejects like {@link Driver.waitForState}.
   */
  waitForIncident(which: IncidentMatch, predicate?: (incident: Incident) => boolean, options?: StateWaitOptions): Promise<Incident>;
  /** Waits until the incident matched by `which` is in `phase`, and resolves with it. Rejects like {@link Driver.waitForState}. */
  waitForPhase(which: IncidentMatch, phase: IncidentPhase, options?: StateWaitOptions): Promise<Incident>;
  /** Any other key of the extension's `storage.session` (`status`), or `undefined`. */
  session<T>(key: string): Promise<T | undefined>;
  /** The background's view of a tab, as the popup gets it (`getTabView`). */
  tabView(tabId: number): Promise<TabView>;
  /**
   * The words the incident's notification of `tabId` shows now (from the tab's view, in English), or `null`. Neither
   * browser can read a shown notification's text back, and headless Firefox closes each at once.
   */
  notification(tabId: number): Promise<{ title: string; message: string } | null>;
  /** The browser's id of the tab showing `url` (exact match, fragment ignored). */
  tabIdOf(url: string): Promise<number>;
  badgeText(tabId: number): Promise<string>;
  /**
   * Writes settings as the extension keeps them: `statusEndpoints` (and the other device fields: the consent and what
   * it covers) to `storage.local`, the device-local area where tests and developers set endpoint overrides (the
   * extension ignores endpoints in `storage.sync`, and real managed storage cannot be set per test), the rest to
   * `storage.sync`, as the options page does. Note that changing endpoints after consent makes that consent outdated.
   */
  setSettings(values: Record<string, unknown>): Promise<void>;
  /** Writes `values` to `storage.sync` as they are, as sync from another machine would. */
  setSyncedSettings(values: Record<string, unknown>): Promise<void>;
  /** What `storage.sync` holds, with this device's own fields from `storage.local` (the consent) on top. */
  storedSettings(): Promise<Record<string, unknown>>;
  /**
   * Switches automatic status checks on the way a user does: a click on "Turn on automatic checks" on the
   * onboarding page (on Firefox that click also grants the browser's own data consent).
   */
  giveStatusConsent(): Promise<void>;
  /**
   * Ids of the notifications the extension has shown since launch. Chromium: those on screen now. Firefox: those
   * shown now, after those `notifications.onClosed` reported to our control page, one per close (a notification may
   * close at once where there is no alert service, or stay, as ESR 140 keeps it).
   */
  notificationIds(): Promise<string[]>;
  /** Opens an extension page (e.g. the popup for a tab) in a tab of its own. */
  openExtensionPage(path: string): Promise<TabPage>;
  /** Opens the page used to read state and closes the onboarding page opened on install (done by {@link launchDriver}). */
  ready(): Promise<void>;
  /** The extension opened its onboarding page on install (seen, then closed, by {@link Driver.ready}). */
  readonly onboardingOpenedOnInstall: boolean;
  /** Closes the page used to read state, so nothing of the test's keeps the background awake. */
  closeControl(): Promise<void>;
  /**
   * Brings the browser back to where {@link launchDriver} left it, for the next test of a file that shares one browser
   * (`useSite(name, { shareBrowser: true })`): every tab and window closed but one blank tab; the extension's alarms,
   * notifications, optional permissions and `storage` (session, local, sync) back to what they were right after launch;
   * the browser's cookies gone; then the extension reloaded (`runtime.reload()`), so its background starts again with
   * nothing in memory. Checks all of that afterwards and throws if anything is left, rather than let one test's
   * leftovers make another pass or fail. Costs ~0.5 s (Chromium) to ~1.5 s (Firefox) against ~2 s and ~5 s for a new
   * browser on a 2-core machine.
   *
   * @throws Error naming what is left when the browser could not be brought back (the caller then launches anew)
   */
  reset(): Promise<void>;
  readonly chromium?: ChromiumSession;
  /** The address the test's host names resolve to: `127.0.0.1`, or the run's public address. */
  readonly serverAddress: string;
  close(): Promise<void>;
}

/** The few extension APIs the tests read, as both browsers expose them (promise-based). */
interface ExtApi {
  storage: {
    session: StorageArea & { get(key: string | null): Promise<Record<string, unknown>> };
    sync: StorageArea & { set(values: Record<string, unknown>): Promise<void>; get(keys: null): Promise<Record<string, unknown>> };
    local: StorageArea & { get(keys: null): Promise<Record<string, unknown>> };
  };
  runtime: { sendMessage(message: unknown): Promise<unknown>; reload(): void };
  tabs: {
    query(q: object): Promise<{ id?: number; url?: string }[]>;
    remove(id: number | number[]): Promise<void>;
    getCurrent(): Promise<{ id?: number } | undefined>;
    create(p: { url: string; active?: boolean }): Promise<{ id?: number }>;
  };
  alarms: { clearAll(): Promise<boolean>; getAll(): Promise<{ name: string }[]> };
  permissions: {
    getAll(): Promise<Permissions>;
    remove(p: Permissions): Promise<boolean>;
  };
  extension: { getViews(q: { type: 'tab' }): Window[] };
  action: { getBadgeText(d: { tabId: number }): Promise<string> };
  notifications: {
    getAll(): Promise<Record<string, unknown>>;
    clear(id: string): Promise<boolean>;
    onClosed: { addListener(fn: (id: string) => void): void };
  };
}

/** What `storage.<area>` offers beyond `get`. */
interface StorageArea {
  get(keys: null): Promise<Record<string, unknown>>;
  set(values: Record<string, unknown>): Promise<void>;
  clear(): Promise<void>;
}

/** `permissions.getAll()`'s answer; `data_collection` is Firefox's (140+). */
interface Permissions {
  permissions?: string[];
  origins?: string[];
  data_collection?: string[];
}

/**
 * What the extension holds that a test can change and a new browser would not have, as read from its own page:
 * compared after {@link Driver.reset} with what it was right after launch.
 */
interface ExtensionSnapshot {
  storage: { session: Record<string, unknown>; local: Record<string, unknown>; sync: Record<string, unknown> };
  alarms: string[];
  notifications: string[];
  permissions: Permissions;
  /** Tabs other than the page reading this, in every window (private ones too where the extension may run). */
  otherTabs: number;
}

const DIST = { chromium: resolve('dist/chrome'), firefox: resolve('dist/firefox') };

/**
 * Unfolds the popup's details ("What you can try, and details", `data-testid="more"`): the first view shows the
 * headline, who failed and the main action (issue 14) and folds the rest, which a person opens with a click on its
 * summary, as this does. Waits for the popup to show an incident first; does nothing when it is open already.
 */
export async function openMore(popup: TabPage): Promise<void> {
  await waitFor(() => popup.evaluate(() => document.querySelector('[data-testid="more"]') !== null, null), { timeoutMs: 15_000, message: 'the popup\'s folded details' });
  if (await popup.evaluate(() => (document.querySelector('[data-testid="more"]') as HTMLDetailsElement).open, null)) return;
  await popup.click('[data-testid="more-summary"]');
  await waitFor(() => popup.evaluate(() => (document.querySelector('[data-testid="more"]') as HTMLDetailsElement | null)?.open === true, null), { timeoutMs: 5_000, message: 'the details unfolded' });
}

/** Launches `name` with the built extension (`npm run build` first). */
export async function launchDriver(
  name: BrowserName,
  options: {
    hosts?: string[];
    headless?: boolean;
    backgroundIdleTimeoutMs?: number;
    colorScheme?: ColorScheme;
    /**
     * Accept the suite's self-signed certificates (`test/lab/tls.ts`). Default `true`: the guessed status pages the
     * extension asks are HTTPS only, so their stand-ins are too (`statusPageCertificate`).
     */
    acceptInsecureCerts?: boolean;
    /**
     * Where `hosts` resolve: `loopback` (default, 127.0.0.1) or `public`, the test run's public address in a network
     * namespace of its own (`../lab/public-address.ts`), so the extension sees a public server address and may ask
     * status services about the site. Firefox then sends every name there (`network.dns.forceResolve` has one
     * address), where every lab server is reachable; `loopbackHosts` still go to 127.0.0.1.
     */
    serverAddress?: 'loopback' | 'public';
    /**
     * Names that resolve to 127.0.0.1 even with `serverAddress: 'public'`: an intranet site behind a public-looking
     * name (Chromium: their own `MAP`; Firefox: `network.dns.localDomains`, which resolves them as `localhost`).
     */
    loopbackHosts?: string[];
    /** Send these hosts (only) through the proxy on `127.0.0.1:<port>` (a PAC script; `../lab/squid-proxy.ts`). */
    proxy?: { port: number; hosts: string[] };
    /**
     * Chromium: start with Developer mode on, which {@link Driver.reset} needs (see `launchChromium`'s `developerMode`).
     * Firefox reloads its temporary add-on either way. Default `false`.
     */
    resettable?: boolean;
    /**
     * Chromium: a browser in which a tab may be discarded (`tabs.discard`) without losing the browser (see
     * `launchChromium`'s `noViewport`): pages then have the window's size, not an emulated 1280x720. Firefox discards
     * either way. Default `false`.
     */
    discardable?: boolean;
    /**
     * The browser's UI language, a folder name of `public/_locales` (`de`, `fr`): what `i18n.getUILanguage()` answers
     * and which messages the extension gets. Chromium on Linux takes it from `LANGUAGE` (`--lang` alone changes the
     * messages but not `getUILanguage()`; `chromium-l10n` has the browser's own strings); Firefox from
     * `intl.locale.requested`, served by the installed language pack (`firefox-esr-l10n-<l>`). Default: the
     * machine's (English here).
     */
    locale?: string;
  } = {},
): Promise<Driver> {
  const hosts = options.hosts ?? [SHOP_HOST, NEWS_HOST, STATUS_HOST];
  const headless = options.headless ?? true;
  const loopbackHosts = options.loopbackHosts ?? [];
  let serverAddress = '127.0.0.1';
  if (options.serverAddress === 'public') {
    const pub = await publicAddress();
    await pub.ready();
    serverAddress = pub.address;
  }
  const pacUrl = options.proxy === undefined ? undefined : proxyPacUrl(options.proxy.port, options.proxy.hosts);
  if (name === 'chromium') {
    const args = [
      ...(options.acceptInsecureCerts !== false ? ['--ignore-certificate-errors'] : []),
      ...(pacUrl === undefined ? [] : [`--proxy-pac-url=${pacUrl}`]),
      ...(options.locale === undefined ? [] : [`--lang=${options.locale}`]),
    ];
    const session = await launchChromium({
      extensionDir: DIST.chromium,
      // The first matching rule wins: the intranet names before the rest.
      hostRules: [loopbackHostRules(loopbackHosts), serverAddress === '127.0.0.1' ? loopbackHostRules(hosts) : hosts.map((h) => `MAP ${h} ${serverAddress}`).join(', ')]
        .filter((rule) => rule !== '')
        .join(', '),
      headless,
      ...(options.colorScheme !== undefined ? { colorScheme: options.colorScheme } : {}),
      ...(args.length > 0 ? { args } : {}),
      ...(options.resettable === true ? { developerMode: true } : {}),
      ...(options.discardable === true ? { noViewport: true } : {}),
      ...(options.locale !== undefined ? { env: { LANGUAGE: options.locale } } : {}),
    });
    // A user's extension was installed long before the page fails: wait until the worker has run its top level (its
    // listeners registered) before any test acts. Without this, an image loaded in the first second after launch
    // went unseen in about one run in six under load.
    await session.serviceWorker().catch(async (err: unknown) => {
      await session.close();
      throw err;
    });
    return ready(
      createDriver(name, {
        newTab: async () => wrapPage(await session.context.newPage()),
        openExtensionPage: async (path) => session.openExtensionPage(path),
        close: () => session.close(),
        cookies: {
          clear: () => session.context.clearCookies(),
          count: async () => (await session.context.cookies()).length,
        },
        chromium: session,
        serverAddress,
        resettable: options.resettable === true,
      }),
    );
  }
  const session: FirefoxSession = await launchFirefox({
    extensionDir: DIST.firefox,
    resolveAllHostsToLoopback: true,
    headless,
    // permissions.request() then grants at once instead of showing a doorhanger that headless Firefox cannot click;
    // the request still needs a real click (user input), so the consent flow under test is the real one.
    prefs: {
      'extensions.webextOptionalPermissionPrompts': false,
      ...(options.colorScheme !== undefined ? firefoxColorSchemePrefs(options.colorScheme) : {}),
      ...(serverAddress === '127.0.0.1' ? {} : { 'network.dns.forceResolve': serverAddress }),
      ...(loopbackHosts.length > 0 ? { 'network.dns.localDomains': loopbackHosts.join(',') } : {}),
      // Type 2: the proxy auto-config script; the extension's own requests to 127.0.0.1 stay direct.
      ...(pacUrl === undefined ? {} : { 'network.proxy.type': 2, 'network.proxy.autoconfig_url': pacUrl }),
      ...(options.locale === undefined ? {} : firefoxLocalePrefs(options.locale)),
    },
    ...(options.backgroundIdleTimeoutMs !== undefined ? { backgroundIdleTimeoutMs: options.backgroundIdleTimeoutMs } : {}),
    ...(options.acceptInsecureCerts !== false ? { acceptInsecureCerts: true } : {}),
  });
  return ready(
    createDriver(name, {
      newTab: async () => wrapPage(await session.newPage()),
      openExtensionPage: async (path) => session.openExtensionPage(path) as unknown as Promise<ControlPage & PuppeteerPage>,
      close: () => session.close(),
      cookies: {
        clear: async () => {
          const all = await session.browser.cookies();
          if (all.length > 0) await session.browser.deleteCookie(...all);
        },
        count: async () => (await session.browser.cookies()).length,
      },
      serverAddress,
      resettable: true,
    }),
  );
}

/**
 * Firefox in the UI language `locale`: the language packs Debian installs into the application's own extensions folder
 * (`/usr/lib/firefox-esr/browser/extensions`, the app scope, 4) must be enabled, then `intl.locale.requested` picks one.
 */
function firefoxLocalePrefs(locale: string): Record<string, string | number> {
  return { 'intl.locale.requested': locale, 'extensions.enabledScopes': 5, 'extensions.autoDisableScopes': 0 };
}

/** What `prefers-color-scheme` answers in every page of the browser, extension pages included. */
export type ColorScheme = 'light' | 'dark';

/**
 * Firefox has no per-page media emulation over WebDriver BiDi (Puppeteer's `emulateMediaFeatures` is CDP only), so
 * the scheme is set for the whole profile: as the OS's (which the browser theme and extension pages follow) and as
 * the one websites get (Settings > Website appearance).
 */
function firefoxColorSchemePrefs(scheme: ColorScheme): Record<string, number> {
  return {
    'ui.systemUsesDarkTheme': scheme === 'dark' ? 1 : 0,
    'layout.css.prefers-color-scheme.content-override': scheme === 'dark' ? 0 : 1,
  };
}

async function ready(driver: Driver): Promise<Driver> {
  try {
    await driver.ready();
  } catch (err) {
    await driver.close();
    throw err;
  }
  return driver;
}

function createDriver(
  name: BrowserName,
  io: {
    newTab: () => Promise<TabPage>;
    openExtensionPage: (path: string) => Promise<ControlPage & (PlaywrightPage | PuppeteerPage)>;
    close: () => Promise<void>;
    /** The browser's cookie jar (the automation protocol's, which needs no permission of the extension's). */
    cookies: { clear: () => Promise<void>; count: () => Promise<number> };
    chromium?: ChromiumSession;
    serverAddress: string;
    /** Launched so that `runtime.reload()` works (Chromium: Developer mode on). */
    resettable: boolean;
  },
): Driver {
  let control: Promise<ControlPage> | null = null;
  // The popup page for a tab id that never exists: it shows "nothing seen" and gives us extension APIs.
  const controlPage = () =>
    (control ??= io.openExtensionPage('extension/popup/index.html?tabId=2147483646').then(async (page) => {
      if (name === 'firefox') {
        await page.evaluate(() => {
          const g = globalThis as unknown as { browser: ExtApi; closedNotifications: string[] };
          g.closedNotifications = [];
          g.browser.notifications.onClosed.addListener((id: string) => g.closedNotifications.push(id));
        }, null);
      }
      return page;
    }));
  const evaluate = async <T, A>(fn: (arg: A) => T | Promise<T>, arg: A): Promise<T> => (await controlPage()).evaluate(fn, arg);
  const tabView = async (tabId: number): Promise<TabView> => {
    const answer = await evaluate(async (id) => {
      const g = globalThis as unknown as { browser?: ExtApi; chrome?: ExtApi };
      return (await (g.browser ?? g.chrome)!.runtime.sendMessage({ type: 'getTabView', payload: { tabId: id } })) as unknown;
    }, tabId);
    if (isErrorReply(answer)) throw new Error(`getTabView refused: ${answer.error}`);
    return answer as TabView;
  };
  let onboardingClosed = false;
  const readState = () =>
    evaluate(async (): Promise<RecoveryState> => {
      const g = globalThis as unknown as { browser?: ExtApi; chrome?: ExtApi };
      const api = (g.browser ?? g.chrome)!;
      const got = await api.storage.session.get('recovery');
      return (got.recovery ?? { incidents: [], tabs: {} }) as never;
    }, null);
  const waitForState: Driver['waitForState'] = async (predicate, options = {}) => {
    let last: RecoveryState | undefined;
    try {
      return await waitFor(async () => (predicate((last = await readState())) ? last : false), {
        timeoutMs: options.timeoutMs ?? 10_000,
        intervalMs: STATE_POLL_MS,
        message: options.what ?? 'the recovery state',
      });
    } catch (err) {
      throw new Error(`${(err as Error).message}; last seen: ${last === undefined ? 'nothing (the state could not be read)' : describeState(last)}`, { cause: err });
    }
  };
  /** What the extension held right after launch ({@link Driver.ready}); {@link Driver.reset} brings it back. */
  let pristine: ExtensionSnapshot | undefined;
  const snapshot = () =>
    evaluate(async (): Promise<ExtensionSnapshot> => {
      const g = globalThis as unknown as { browser?: ExtApi; chrome?: ExtApi };
      const api = (g.browser ?? g.chrome)!;
      const own = (await api.tabs.getCurrent())?.id;
      const held = await api.permissions.getAll();
      return {
        storage: { session: await api.storage.session.get(null), local: await api.storage.local.get(null), sync: await api.storage.sync.get(null) },
        alarms: (await api.alarms.getAll()).map((a) => a.name).sort(),
        notifications: Object.keys(await api.notifications.getAll()).sort(),
        permissions: { permissions: [...(held.permissions ?? [])].sort(), origins: [...(held.origins ?? [])].sort(), data_collection: [...(held.data_collection ?? [])].sort() },
        otherTabs: (await api.tabs.query({})).filter((t) => t.id !== own).length,
      };
    }, null);
  /** Names what differs between the extension's state now and right after launch; '' when nothing does. */
  const leftovers = async (): Promise<string> => {
    const now = await snapshot();
    const wanted = { ...pristine!, notifications: [], otherTabs: 1 };
    const found: string[] = [];
    for (const area of ['session', 'local', 'sync'] as const) {
      if (JSON.stringify(sortKeys(now.storage[area])) !== JSON.stringify(sortKeys(wanted.storage[area]))) found.push(`storage.${area} ${JSON.stringify(now.storage[area])}`);
    }
    if (JSON.stringify(now.alarms) !== JSON.stringify(wanted.alarms)) found.push(`alarms ${JSON.stringify(now.alarms)}`);
    if (now.notifications.length > 0) found.push(`notifications ${JSON.stringify(now.notifications)}`);
    if (JSON.stringify(now.permissions) !== JSON.stringify(wanted.permissions)) found.push(`permissions ${JSON.stringify(now.permissions)}`);
    if (now.otherTabs !== 1) found.push(`${now.otherTabs} tabs besides the control page (want the one blank tab)`);
    const cookies = await io.cookies.count();
    if (cookies > 0) found.push(`${cookies} cookies`);
    return found.join('; ');
  };
  const waitForIncident: Driver['waitForIncident'] = async (which, predicate = () => true, options = {}) => {
    const matches = incidentMatcher(which);
    const state = await waitForState((s) => s.incidents.some((i) => matches(i) && predicate(i)), {
      ...options,
      what: options.what ?? `an incident for ${nameOf(which)}`,
    });
    return state.incidents.find((i) => matches(i) && predicate(i))!;
  };

  return {
    name,
    serverAddress: io.serverAddress,
    ...(io.chromium ? { chromium: io.chromium } : {}),
    /** Opens the control page first, so it sees everything from the start. */
    async ready() {
      await controlPage();
      // The extension opens its onboarding page on install. Close it, as a user who reads it later would, so it
      // cannot wake the background at a moment a test chose (its tab events reach the background's listeners).
      let closed = false;
      await waitFor(
        async () =>
          (closed = await evaluate(async () => {
            const g = globalThis as unknown as { browser?: ExtApi; chrome?: ExtApi };
            const api = (g.browser ?? g.chrome)!;
            // Found through the extension's own views, not `tabs.query`: Chromium 150 gives an extension without the
            // `tabs` permission no `url` for its own pages' tabs (156 does), so the tab cannot be found by its URL.
            const view = api.extension
              .getViews({ type: 'tab' })
              .find((w) => w.location.pathname.endsWith('/extension/onboarding/index.html'));
            const own = view as unknown as { browser?: ExtApi; chrome?: ExtApi } | undefined;
            const viewApi = own?.browser ?? own?.chrome;
            const tab = await viewApi?.tabs.getCurrent();
            if (tab?.id === undefined) return false;
            await api.tabs.remove(tab.id);
            return true;
          }, null)),
        { timeoutMs: 10_000, message: 'the onboarding page the extension opens on install' },
      );
      onboardingClosed = closed;
      pristine = await snapshot();
    },
    async reset() {
      if (pristine === undefined) throw new Error('reset() before ready()');
      if (!io.resettable) throw new Error('reset() needs a browser launched with `resettable: true`');
      let left = '';
      const t0 = Date.now();
      // A background still at work when the storage is cleared (a step under way when its tab closed) can write once
      // more before the reload stops it: the check after the reload sees that, and the reset goes round again.
      for (let round = 0; round < 3; round++) {
        await evaluate(async (p: ExtensionSnapshot) => {
          const g = globalThis as unknown as { browser?: ExtApi; chrome?: ExtApi };
          const api = (g.browser ?? g.chrome)!;
          await api.alarms.clearAll();
          for (const id of Object.keys(await api.notifications.getAll())) await api.notifications.clear(id);
          // Every tab in every window (a private one too, where the extension may run) but this page and a new blank one,
          // which keeps the browser open (Firefox quits with its last tab).
          const own = (await api.tabs.getCurrent())?.id;
          const keeper = (await api.tabs.create({ url: 'about:blank', active: true })).id;
          const others = (await api.tabs.query({})).flatMap((t) => (t.id === undefined || t.id === own || t.id === keeper ? [] : [t.id]));
          if (others.length > 0) await api.tabs.remove(others);
          // Optional permissions granted since launch (cookies for "Clear cookies"; Firefox's data consent).
          const held = await api.permissions.getAll();
          const extra: Permissions = {};
          for (const kind of ['permissions', 'origins', 'data_collection'] as const) {
            const more = (held[kind] ?? []).filter((x) => !(p.permissions[kind] ?? []).includes(x));
            if (more.length > 0) extra[kind] = more;
          }
          if (Object.keys(extra).length > 0) await api.permissions.remove(extra);
          for (const area of ['session', 'local', 'sync'] as const) {
            await api.storage[area].clear();
            if (Object.keys(p.storage[area]).length > 0) await api.storage[area].set(p.storage[area]);
          }
        }, pristine);
        await io.cookies.clear();
        // The reload closes the extension's pages, this one too: a new control page is opened once it is done.
        const old = await controlPage();
        control = null;
        await old.evaluate(() => {
          const g = globalThis as unknown as { browser?: ExtApi; chrome?: ExtApi };
          const api = (g.browser ?? g.chrome)!;
          setTimeout(() => api.runtime.reload(), 0);
        }, null);
        await waitFor(() => old.evaluate(() => false, null).then((open) => open, () => true), { timeoutMs: 10_000, intervalMs: 50, message: 'the extension to reload (its pages close)' });
        await old.close().catch(() => undefined);
        // The new background answers a message only once its top-level script has run, i.e. its listeners are registered.
        await waitFor(
          async () => {
            try {
              await controlPage();
              return (await tabView(2147483646)).incident === null;
            } catch (err) {
              const stale = control;
              control = null;
              await stale?.then((page) => page.close()).catch(() => undefined);
              throw err;
            }
          },
          { timeoutMs: 15_000, intervalMs: 100, message: 'the reloaded extension to answer' },
        );
        left = await leftovers();
        if (process.env.RESET_DEBUG) console.log(`[reset ${name}] round ${round} after ${Date.now() - t0} ms: ${left || 'clean'}`);
        if (left === '') return;
      }
      throw new Error(`the browser could not be brought back to its state after launch: ${left}`);
    },
    get onboardingOpenedOnInstall() {
      return onboardingClosed;
    },
    async openTab(url) {
      const tab = await io.newTab();
      await tab.goto(url);
      return tab;
    },
    state: readState,
    waitForState,
    waitForIncident,
    waitForPhase: (which, phase, options = {}) =>
      waitForIncident(which, (i) => i.phase === phase, { ...options, what: options.what ?? `the incident for ${nameOf(which)} to be ${phase}` }),
    async session<T>(key: string) {
      return evaluate(async (k) => {
        const g = globalThis as unknown as { browser?: ExtApi; chrome?: ExtApi };
        const got = await (g.browser ?? g.chrome)!.storage.session.get(k);
        return got[k] as never;
      }, key) as Promise<T | undefined>;
    },
    tabView,
    async notification(tabId) {
      const text = (await tabView(tabId)).incident?.notification ?? null;
      return text === null ? null : notificationWords(text, (x) => getMessage(x.key, x.subs));
    },
    async tabIdOf(url) {
      let found: number | undefined;
      await waitFor(
        async () => {
          found = await evaluate(async (wanted) => {
            const g = globalThis as unknown as { browser?: ExtApi; chrome?: ExtApi };
        const api = (g.browser ?? g.chrome)!;
            const strip = (u: string | undefined) => (u ?? '').replace(/#.*$/, '');
            const tabs = await api.tabs.query({});
            return tabs.find((t) => strip(t.url) === strip(wanted))?.id;
          }, url);
          return found !== undefined;
        },
        { timeoutMs: 10_000, message: `a tab showing ${url}` },
      );
      return found!;
    },
    async badgeText(tabId) {
      return evaluate(async (id) => {
        const g = globalThis as unknown as { browser?: ExtApi; chrome?: ExtApi };
        const api = (g.browser ?? g.chrome)!;
        return api.action.getBadgeText({ tabId: id });
      }, tabId);
    },
    async setSettings(values) {
      const device = new Set<string>(DEVICE_FIELDS);
      const local = Object.fromEntries(Object.entries(values).filter(([k]) => device.has(k)));
      const sync = Object.fromEntries(Object.entries(values).filter(([k]) => !device.has(k)));
      await evaluate(
        async ({ local, sync }) => {
          const g = globalThis as unknown as { browser?: ExtApi; chrome?: ExtApi };
          const api = (g.browser ?? g.chrome)!;
          if (Object.keys(local).length > 0) await api.storage.local.set(local);
          if (Object.keys(sync).length > 0) await api.storage.sync.set(sync);
        },
        { local, sync },
      );
    },
    async setSyncedSettings(values) {
      await evaluate(async (v) => {
        const g = globalThis as unknown as { browser?: ExtApi; chrome?: ExtApi };
        await (g.browser ?? g.chrome)!.storage.sync.set(v);
      }, values);
    },
    async storedSettings() {
      return evaluate(async () => {
        const g = globalThis as unknown as { browser?: ExtApi; chrome?: ExtApi };
        const api = (g.browser ?? g.chrome)!;
        return { ...(await api.storage.sync.get(null)), ...(await api.storage.local.get(null)) };
      }, null);
    },
    async giveStatusConsent() {
      const page = await this.openExtensionPage('extension/onboarding/index.html');
      // The button, not a provider's name: the page names only the providers switched on.
      await waitFor(async () => await page.evaluate(() => document.querySelector('[data-testid="consent-accept"]') !== null, null).catch(() => false), {
        timeoutMs: 10_000,
        message: 'the onboarding page',
      });
      // Agreeing again (after the settings changed what a yes covers) stores a new scope: wait for that, not only for
      // the yes, which is already there.
      const before = await this.storedSettings();
      const scopeOf = (s: Record<string, unknown>) => JSON.stringify(s['statusConsentScope'] ?? null);
      await page.click('[data-testid="consent-accept"]');
      await waitFor(
        async () => {
          const now = await this.storedSettings();
          return now['statusAutoCheck'] === true && (before['statusAutoCheck'] !== true || scopeOf(now) !== scopeOf(before));
        },
        { timeoutMs: 5_000, message: 'consent stored' },
      );
      await page.close();
    },
    async notificationIds() {
      const shown = await evaluate(async () => {
        const g = globalThis as unknown as { browser?: ExtApi; chrome?: ExtApi };
        const api = (g.browser ?? g.chrome)!;
        return Object.keys(await api.notifications.getAll());
      }, null);
      if (name !== 'firefox') return shown;
      // Firefox: a notification may be shown still (ESR 140 keeps it without an alert service) or already closed.
      const closed = await evaluate(() => (globalThis as unknown as { closedNotifications: string[] }).closedNotifications, null);
      return [...closed, ...shown.filter((id) => !closed.includes(id))];
    },
    async openExtensionPage(path) {
      const page = await io.openExtensionPage(path);
      return wrapPage(page);
    },
    async closeControl() {
      const page = control;
      control = null;
      if (page) await (await page).close();
    },
    close: () => io.close(),
  };
}

/** `value` with its object keys in order, so two JSON texts of equal data are equal. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sortKeys(v)]));
}

function incidentMatcher(which: IncidentMatch): (incident: Incident) => boolean {
  return typeof which === 'string' ? (incident) => incident.host === which : which;
}

function nameOf(which: IncidentMatch): string {
  return typeof which === 'string' ? which : 'the matched site';
}

/** One line per incident, for a timeout error: `shop.example.com retrying (2 reloads, 0 probes, awaiting reload)`. */
function describeState(state: RecoveryState): string {
  if (state.incidents.length === 0) return `no incident (${Object.keys(state.tabs).length} tabs attached)`;
  // Times relative to now, so a stalled incident shows what it waits for and since when.
  const now = Date.now();
  const rel = (t: number) => `${Math.round((t - now) / 100) / 10}s`;
  const tabsOf = (id: string) =>
    Object.values(state.tabs)
      .filter((t) => t.incidentId === id)
      .map((t) => `tab ${t.tabId} ${t.status}${'discarded' in t && t.discarded === true ? ' discarded' : ''}`);
  return state.incidents
    .map((i) => {
      const facts = [
        `${i.attempts} reloads, ${i.probes} probes`,
        ...(i.awaiting ? [`awaiting ${i.awaiting.kind} since ${rel(i.awaiting.at)}`] : []),
        ...(i.nextAt !== null ? [`next ${rel(i.nextAt)}`] : []),
        ...(i.offline === true ? ['offline'] : []),
        ...(i.quiet !== undefined ? [`quiet ${i.quiet}`] : []),
        ...tabsOf(i.id),
      ];
      return `${i.host} ${i.phase} (${facts.join(', ')})`;
    })
    .join('; ');
}

/** What both Playwright's and Puppeteer's `Page` offer with the same meaning. */
interface PageLike {
  goto(url: string, options: { waitUntil: 'load' }): Promise<unknown>;
  evaluate<T>(fn: () => T): Promise<T>;
  evaluate<T, A>(fn: (arg: A) => T | Promise<T>, arg: A): Promise<T>;
  evaluate(expression: string): Promise<unknown>;
  click(selector: string): Promise<void>;
  type(selector: string, text: string): Promise<void>;
  keyboard: { press(key: string): Promise<void> };
  bringToFront(): Promise<void>;
  close(): Promise<void>;
}

function wrapPage(page: PlaywrightPage | PuppeteerPage): TabPage {
  const p = page as unknown as PageLike;
  const refocus = async () => {
    if (!(await p.evaluate(() => document.hasFocus()))) await p.bringToFront();
  };
  return {
    goto: async (url) => void (await p.goto(url, { waitUntil: 'load' })),
    text: () => p.evaluate(() => document.body?.innerText ?? ''),
    href: () => p.evaluate(() => location.href),
    click: (selector) => p.click(selector),
    type: (selector, text) => p.type(selector, text),
    press: async (key) => {
      await refocus();
      await p.keyboard.press(key);
    },
    refocus,
    evaluate: (fn, arg) => p.evaluate(fn, arg),
    // Both libraries evaluate a string as an expression; `void 0` keeps the script's completion value (possibly
    // something unserialisable) from being sent back.
    runScript: async (source) => void (await p.evaluate(`${source}\n;void 0`)),
    close: () => p.close(),
  };
}

/** Waits until the tab's text contains `marker` (the page came back), polling; tolerant of reloads in flight. */
export async function waitForText(tab: TabPage, marker: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    async () => {
      try {
        return (await tab.text()).includes(marker);
      } catch {
        return false; // the document is being replaced by a reload
      }
    },
    { timeoutMs, message: `the tab to show "${marker}"` },
  );
}
