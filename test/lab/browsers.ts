/**
 * Launches the two real browsers the extension ships for, each with the extension loaded unpacked and a
 * throwaway profile.
 *
 * - Chromium: Playwright (`playwright-core`) with a persistent context, the only way Chromium loads an
 *   unpacked extension (`--load-extension`) and lets us reach its MV3 service worker.
 * - Firefox: Puppeteer (`puppeteer-core`) over WebDriver BiDi, whose `browser.installExtension()` installs
 *   an unpacked directory as a temporary add-on (no signing needed).
 *
 * Both are kept off the network (loopback only): Chromium via its background-networking flags plus a
 * host-resolver catch-all that fails every unmapped name without a DNS query; Firefox via preferences that
 * switch off updates, telemetry, captive-portal and connectivity checks, safe browsing, Remote Settings and
 * DNS-over-HTTPS. (Measured with strace over 15 s: Chromium then made no DNS lookups, Firefox none.)
 *
 * Closing a session always ends with SIGKILL for anything left of the browser's process group and removes
 * the profile directory, even if the graceful close hangs; a process-exit hook covers sessions that a
 * failing test never closed.
 *
 * @module
 */
import { createHash, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type CDPSession, type Page, type Worker } from 'playwright-core';
import puppeteer, { type Browser as PuppeteerBrowser, type Page as PuppeteerPage } from 'puppeteer-core';
import { CHROMIUM_PATH, FIREFOX_PATH, requireBinary } from './binaries';
import { findProcesses, killQuietly, removeDirQuietly, trackForExitCleanup } from './cleanup';
import { sleep, waitFor } from './wait';

export { requireBinary, CHROMIUM_PATH, FIREFOX_PATH } from './binaries';

/** How long a graceful browser close may take before we SIGKILL it. */
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * An idempotent close for a browser: a graceful close for at most {@link CLOSE_TIMEOUT_MS}, then SIGKILL for the
 * process group led by `pid` and anything still using the profile, then the profile goes.
 */
function createCloser(graceful: () => Promise<unknown>, pid: number | undefined, profileDir: string, untrack: () => void): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      await Promise.race([graceful().catch(() => {}), sleep(CLOSE_TIMEOUT_MS)]);
      if (pid !== undefined) killQuietly(pid, 'SIGKILL', true);
      for (const leftover of findProcesses(profileDir)) killQuietly(leftover.pid, 'SIGKILL');
      untrack();
      removeDirQuietly(profileDir);
    })();
    return closing;
  };
}

// ---------------------------------------------------------------------------------------------------------
// Chromium
// ---------------------------------------------------------------------------------------------------------

/** Options for {@link launchChromium}. */
export interface ChromiumOptions {
  /**
   * Directory of the unpacked extension (with manifest.json). Omit it for the same browser, with the same flags,
   * without any extension: the baseline of `npm run bench`'s page-load cost. `extensionId` is then `''`.
   */
  extensionDir?: string;
  /**
   * More unpacked extensions loaded beside `extensionDir` (the bench's do-nothing extensions that hold one permission
   * each). The session's `extensionId` and service worker stay those of `extensionDir`.
   */
  alsoLoad?: string[];
  /** Run headless (Chromium's "new" headless mode, which supports extensions). Default `true`. */
  headless?: boolean;
  /**
   * Rules for `--host-resolver-rules`, e.g. `MAP shop.example.com 127.0.0.1` (see {@link loopbackHostRules}).
   * Lets tests use public-looking host names that resolve to loopback; a mapped name keeps the URL's port
   * unless the rule names one. Placed before the catch-all of `blockOtherHosts`, and the first matching
   * rule wins, so `MAP * 127.0.0.1:PORT` here overrides the catch-all.
   */
  hostRules?: string;
  /**
   * Append `MAP * ~NOTFOUND` (except localhost and 127.0.0.1) to the resolver rules, so every host name not
   * mapped by `hostRules` fails to resolve without a DNS query. Default `true`: even with background
   * networking disabled, Chromium 156 looked up accounts.google.com and update.googleapis.com about 55
   * times in 15 s; with the catch-all it makes no such lookups.
   */
  blockOtherHosts?: boolean;
  /** Chromium executable. Default `/usr/bin/chromium` (Debian package `chromium`). */
  executablePath?: string;
  /** Extra command-line switches. */
  args?: string[];
  /** Extra environment variables for the browser process (e.g. `LANGUAGE`, which sets its UI language on Linux). */
  env?: Record<string, string>;
  /** How long to wait for the extension's service worker at startup. Default 20 000 ms. */
  startupTimeoutMs?: number;
  /** What `prefers-color-scheme` answers in every page, extension pages included. Default: Playwright's (`light`). */
  colorScheme?: 'light' | 'dark';
  /**
   * Start with Developer mode on (chrome://extensions' switch, pref `extensions.ui.developer_mode`), as whoever runs an
   * unpacked extension has it. Needed for `runtime.reload()`: Chromium 150 and 156 reload an unpacked extension as one
   * that needs Developer mode, and with it off the extension stays disabled (its pages answer ERR_BLOCKED_BY_CLIENT).
   * Default `false`.
   */
  developerMode?: boolean;
  /**
   * Leave each page's size to the browser window (Playwright's `viewport: null`) instead of emulating a 1280x720
   * viewport. Needed by a case that discards a tab (`tabs.discard`): Chromium 150 replaces the tab's page with an
   * unloaded one, Playwright attaches to it and sends its viewport emulation (`Browser.setWindowBounds`,
   * `Emulation.setDeviceMetricsOverride`), and the browser process dies of a SIGSEGV, which ends the whole session
   * ("Target page, context or browser has been closed"). Without the emulation the browser and the session go on.
   * Default `false`.
   */
  noViewport?: boolean;
}

/** A running Chromium with the extension loaded. */
export interface ChromiumSession {
  /** The persistent Playwright context (one per browser process). */
  readonly context: BrowserContext;
  /** The extension's id (host part of `chrome-extension://<id>/`). */
  readonly extensionId: string;
  /** The temporary profile directory (removed by {@link ChromiumSession.close}). */
  readonly profileDir: string;
  /** `chrome-extension://<id>/<path>`. */
  extensionUrl(path?: string): string;
  /**
   * The extension's running service worker, once its top-level script has run. If it is stopped (e.g. after
   * {@link ChromiumSession.killServiceWorker}), waits up to `timeoutMs` (default 15 000) for it to start
   * again; the caller must cause an event that wakes it (a navigation the extension's webRequest listener
   * sees, a runtime message, an alarm).
   *
   * Note: after a restart Playwright hands out the same `Worker` object as before (Chromium reuses the
   * target); calling `evaluate` on it while the worker is stopped hangs until it runs again.
   */
  serviceWorker(timeoutMs?: number): Promise<Worker>;
  /**
   * Stops the extension's service worker, as Chromium does when it idles out (CDP `ServiceWorker.stopWorker` on
   * its running version), again whenever an event starts it, until it has stayed stopped for 1 s (at most 15 s).
   * In-memory state (globals, timers) is lost; the next extension event starts it again. No-op if it is not running.
   */
  killServiceWorker(): Promise<void>;
  /** Whether a version of the extension's worker is running (or starting/stopping), per CDP's ServiceWorker domain. */
  serviceWorkerRunning(): Promise<boolean>;
  /** Opens a new tab. */
  newPage(): Promise<Page>;
  /** Opens `chrome-extension://<id>/<path>` in a new tab and waits for it to load. */
  openExtensionPage(path: string): Promise<Page>;
  /** Closes the browser, kills whatever is left of it and removes the profile. Idempotent. */
  close(): Promise<void>;
}

/**
 * Builds `hostRules` that map each host name to 127.0.0.1 (the URL's port is kept), e.g.
 * `loopbackHostRules(['shop.example.com'])` -> `MAP shop.example.com 127.0.0.1`.
 */
export function loopbackHostRules(hosts: readonly string[]): string {
  return hosts.map((host) => `MAP ${host} 127.0.0.1`).join(', ');
}

function hostResolverRules(options: ChromiumOptions): string[] {
  const rules = [options.hostRules?.trim() ?? ''];
  // First matching MAP wins; EXCLUDE entries apply to all rules. Loopback must keep resolving normally.
  if (options.blockOtherHosts ?? true) rules.push('MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1');
  const value = rules.filter((rule) => rule !== '').join(', ');
  return value === '' ? [] : [`--host-resolver-rules=${value}`];
}

/**
 * Launches Debian's Chromium with the unpacked extension in `extensionDir`, using a fresh temp profile.
 * Resolves once the extension's service worker is running (if the manifest declares one), so that
 * `extensionId` is known and its listeners are registered before the test navigates anywhere.
 *
 * @throws Error `chromium is not installed: apt-get install -y chromium ...` if the binary is missing.
 */
export async function launchChromium(options: ChromiumOptions): Promise<ChromiumSession> {
  const executablePath = requireBinary(options.executablePath ?? CHROMIUM_PATH, 'chromium');
  const extensionDir = options.extensionDir === undefined ? undefined : realpathSync(resolve(options.extensionDir));
  const loaded = extensionDir === undefined ? [] : [extensionDir, ...(options.alsoLoad ?? []).map((dir) => realpathSync(resolve(dir)))];
  const manifest: ManifestSubset = extensionDir === undefined ? {} : readManifest(extensionDir);
  const profileDir = mkdtempSync(join(tmpdir(), 'e2e-chromium-'));
  if (options.developerMode === true) {
    // Chromium keeps a profile's existing Preferences file and fills in the rest at its first start.
    mkdirSync(join(profileDir, 'Default'), { recursive: true });
    writeFileSync(join(profileDir, 'Default', 'Preferences'), JSON.stringify({ extensions: { ui: { developer_mode: true } } }));
  }
  const untrackDir = trackForExitCleanup({ dir: profileDir });

  const args = [
    '--no-sandbox', // we run as root in a container; the sandbox cannot work there
    '--disable-gpu',
    ...(loaded.length === 0 ? [] : [`--disable-extensions-except=${loaded.join(',')}`, `--load-extension=${loaded.join(',')}`]),
    // Without these Chromium keeps trying to reach Google services and gets refused (no internet).
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    ...hostResolverRules(options),
    ...(options.args ?? []),
  ];

  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath,
      headless: options.headless ?? true,
      args,
      ...(options.env !== undefined ? { env: { ...process.env, ...options.env } as Record<string, string> } : {}),
      // Playwright adds --disable-extensions by default, which fights --load-extension.
      ignoreDefaultArgs: ['--disable-extensions'],
      ...(options.noViewport === true ? { viewport: null } : {}),
      ...(options.colorScheme !== undefined ? { colorScheme: options.colorScheme } : {}),
    });
  } catch (error) {
    removeDirQuietly(profileDir);
    untrackDir();
    throw error;
  }

  // Playwright spawns Chromium detached (own process group) but does not expose its pid for persistent
  // contexts; find it by the unique profile path so the exit hook and close() can kill the whole group.
  const mainProcess = findProcesses(`--user-data-dir=${profileDir}`).find((info) => info.ppid === process.pid);
  const untrackProcess = mainProcess ? trackForExitCleanup({ pid: mainProcess.pid, group: true }) : () => {};

  const close = createCloser(() => context.close(), mainProcess?.pid, profileDir, () => {
    untrackProcess();
    untrackDir();
  });

  try {
    let extensionId = extensionDir === undefined ? '' : chromeExtensionIdFromPath(extensionDir);
    if (manifest.background?.service_worker) {
      // With other extensions beside it, the first worker to start need not be its own: wait for the one at its id.
      const prefix = loaded.length > 1 ? `chrome-extension://${extensionId}/` : 'chrome-extension://';
      const worker = await waitForWorker(context, prefix, options.startupTimeoutMs ?? 20_000).catch(
        (error: Error) => {
          throw new Error(
            `The extension's service worker did not start; is ${extensionDir}/manifest.json valid for Chromium? (${error.message})`,
          );
        },
      );
      extensionId = new URL(worker.url()).host;
      // Playwright reports the worker as soon as its target exists, which can be before its top-level code
      // has run; events dispatched in between have no listener and are lost (seen: the first navigation's
      // onBeforeRequest/onCompleted missing). An evaluate round trip is answered only after the synchronous
      // top-level script has finished, i.e. after the listeners are registered.
      await worker.evaluate(() => 0);
    }
    return makeChromiumSession(context, extensionId, profileDir, close);
  } catch (error) {
    await close();
    throw error;
  }
}

function makeChromiumSession(
  context: BrowserContext,
  extensionId: string,
  profileDir: string,
  close: () => Promise<void>,
): ChromiumSession {
  const origin = `chrome-extension://${extensionId}/`;
  const isOurs = (url: string) => url.startsWith(origin);

  // A browser-wide CDP session sees every target, including the service worker; create it lazily.
  let cdp: Promise<CDPSession> | undefined;
  const cdpSession = () => {
    cdp ??= (async () => {
      const browser = context.browser();
      if (browser) return browser.newBrowserCDPSession();
      const page = context.pages()[0] ?? (await context.newPage());
      return context.newCDPSession(page);
    })();
    return cdp;
  };
  interface TargetInfo {
    targetId: string;
    type: string;
    url: string;
  }
  const serviceWorkerTargets = async (): Promise<TargetInfo[]> => {
    const { targetInfos } = (await (await cdpSession()).send('Target.getTargets')) as { targetInfos: TargetInfo[] };
    return targetInfos.filter((target) => target.type === 'service_worker' && isOurs(target.url));
  };

  type RunningStatus = 'stopped' | 'starting' | 'running' | 'stopping';
  /** How long a restarted worker may run before the kill stops it again (ms): time to take in what woke it. */
  const STOP_GRACE_MS = 500;
  /**
   * A CDP session with the ServiceWorker domain enabled, and the running status of each version of the extension's
   * worker (by version id), kept up to date. The domain belongs to a page and sees its storage partition, which the
   * extension's worker shares with ordinary pages: any open page will do. None is opened unless there is none, since
   * a new tab is itself an event (tabs listeners) that wakes the worker.
   */
  const openServiceWorkerDomain = async () => {
    const page = context.pages().find((candidate) => !candidate.isClosed()) ?? (await context.newPage());
    const session = await context.newCDPSession(page);
    const status = new Map<string, { versionId: string; runningStatus: RunningStatus; since: number }>();
    const debug = process.env.KILL_DEBUG ? (...args: unknown[]) => console.log(`[sw ${Date.now() % 100_000}]`, ...args) : () => {};
    session.on('ServiceWorker.workerVersionUpdated', (event: { versions: { versionId: string; scriptURL: string; runningStatus: RunningStatus }[] }) => {
      for (const version of event.versions) {
        if (!isOurs(version.scriptURL)) continue;
        if (status.get(version.versionId)?.runningStatus === version.runningStatus) continue;
        debug(version.versionId, version.runningStatus);
        // Running when first seen: long enough (a kill must not wait its grace).
        const since = status.has(version.versionId) ? Date.now() : 0;
        status.set(version.versionId, { versionId: version.versionId, runningStatus: version.runningStatus, since });
      }
    });
    const close = () => session.detach().catch(() => undefined);
    await session.send('ServiceWorker.enable');
    // enable reports every registration's versions shortly after it answers. None of ours would mean another
    // partition, and a kill that sees no worker must not pass for one that stopped it.
    await waitFor(() => status.size > 0, { timeoutMs: 5_000, intervalMs: 20, message: `the ServiceWorker domain of ${page.url()} to list a worker of ${origin}` }).catch(
      async (error: unknown) => {
        await close();
        throw error;
      },
    );
    return { session, status, close };
  };

  return {
    context,
    extensionId,
    profileDir,
    extensionUrl(path = '') {
      return origin + path.replace(/^\//, '');
    },
    async serviceWorker(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      // Playwright keeps one Worker object per service-worker version and never reports a stop (Chromium
      // keeps the target id and sends no detach), so the Worker list cannot tell a running worker from a
      // stopped one. CDP's target list can: a stopped worker is not in it.
      await waitFor(async () => (await serviceWorkerTargets()).length > 0, {
        timeoutMs,
        message: `the service worker of ${origin} to run (a stopped worker needs an event to wake it)`,
      });
      const worker = await waitForWorker(context, origin, Math.max(1_000, deadline - Date.now()));
      // Answered only once the top-level script has run, i.e. once its event listeners are registered.
      await worker.evaluate(() => 0);
      return worker;
    },
    async serviceWorkerRunning() {
      const domain = await openServiceWorkerDomain();
      try {
        return [...domain.status.values()].some((version) => version.runningStatus !== 'stopped');
      } finally {
        await domain.close();
      }
    },
    async killServiceWorker() {
      // Target.closeTarget on the worker's target is not a reliable stop on Chromium 156.0.8078.129: under load it
      // answered success again and again while the target stayed listed for the whole 15 s. The ServiceWorker domain
      // stops the version itself (as the idle timeout does) and reports each running-status change, so the kill
      // waits for "stopped" rather than inferring it from the target list.
      const domain = await openServiceWorkerDomain();
      try {
        // Events queued for the worker (a try's webRequest events, the favicon an error page fetches late) start it
        // again at once: stop it again until it has stayed stopped for a whole second. But never while it is starting:
        // the event that started it is then still undelivered, and Chromium starts it again for that event as soon as
        // it has stopped, on and on (seen: stop/start every 100-200 ms for the whole 15 s). Once it runs, it gets
        // STOP_GRACE_MS to take its events in before the next stop.
        let stoppedSince: number | null = null;
        await waitFor(
          async () => {
            const now = Date.now();
            const versions = [...domain.status.values()];
            if (versions.every((version) => version.runningStatus === 'stopped')) {
              stoppedSince ??= now;
              return now - stoppedSince >= 1_000;
            }
            stoppedSince = null;
            for (const version of versions) {
              if (version.runningStatus !== 'running' || now - version.since < STOP_GRACE_MS) continue;
              await domain.session.send('ServiceWorker.stopWorker', { versionId: version.versionId }).catch(() => undefined);
            }
            return false;
          },
          { timeoutMs: 15_000, intervalMs: 50, message: 'the service worker to stay stopped' },
        );
      } finally {
        await domain.close();
      }
    },
    newPage() {
      return context.newPage();
    },
    async openExtensionPage(path) {
      const page = await context.newPage();
      await page.goto(origin + path.replace(/^\//, ''));
      return page;
    },
    close,
  };
}

/** The current worker whose URL starts with `prefix`, or the next one to start. */
async function waitForWorker(context: BrowserContext, prefix: string, timeoutMs: number): Promise<Worker> {
  const current = context.serviceWorkers().find((worker) => worker.url().startsWith(prefix));
  if (current) return current;
  return context.waitForEvent('serviceworker', {
    predicate: (worker) => worker.url().startsWith(prefix),
    timeout: timeoutMs,
  });
}

/**
 * The id Chromium gives an unpacked extension without a `key`: SHA-256 of its absolute path, first 32 hex
 * digits mapped 0-f -> a-p. Used only when the extension has no service worker to read the id from.
 */
function chromeExtensionIdFromPath(absPath: string): string {
  const hex = createHash('sha256').update(absPath).digest('hex').slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode('a'.charCodeAt(0) + parseInt(digit, 16))).join('');
}

// ---------------------------------------------------------------------------------------------------------
// Firefox
// ---------------------------------------------------------------------------------------------------------

/** Options for {@link launchFirefox}. */
export interface FirefoxOptions {
  /** Directory of the unpacked extension; its manifest must set `browser_specific_settings.gecko.id`. */
  extensionDir: string;
  /** Run headless. Default `true`. */
  headless?: boolean;
  /**
   * Internal UUID to give the extension (its `moz-extension://<uuid>/` origin). Default: a random UUID.
   * Firefox normally picks one at install time and tells nobody; fixing it via the
   * `extensions.webextensions.uuids` preference is what makes extension pages reachable from tests.
   */
  extensionUuid?: string;
  /**
   * Resolve every host name to 127.0.0.1 (pref `network.dns.forceResolve`), keeping the URL's port,
   * so tests can use public-looking names such as `shop.example.com`. Default `false`.
   */
  resolveAllHostsToLoopback?: boolean;
  /**
   * Suspend the extension's (MV3, non-persistent) background page after this many idle ms
   * (pref `extensions.background.idle.timeout`, Firefox default 30 000). A short value is Firefox's
   * counterpart of Chromium's `killServiceWorker()`: it proves state survives a suspension. Note that a
   * pending `setTimeout` does not keep the page alive; it is simply lost.
   */
  backgroundIdleTimeoutMs?: number;
  /**
   * Set `MOZ_DISABLE_NONLOCAL_CONNECTIONS=1`, the switch Mozilla's own test harnesses use: any socket
   * connection to a non-loopback address then **crashes** Firefox (seen on ESR 153: the page's navigation
   * fails with "Target closed" and the session dies). Loud proof of "loopback only", but a crash is a
   * confusing failure, so it is off by default. Default `false`.
   */
  crashOnNonLocalConnection?: boolean;
  /** Extra preferences, applied last. */
  /** Accept any TLS certificate (WebDriver's `acceptInsecureCerts`), for the suite's self-signed test sites. */
  acceptInsecureCerts?: boolean;
  prefs?: Record<string, string | number | boolean>;
  /** Firefox executable. Default `/usr/bin/firefox-esr` (Debian package `firefox-esr`). */
  executablePath?: string;
}

/** A running Firefox with the extension installed as a temporary add-on. */
export interface FirefoxSession {
  /** The Puppeteer browser (WebDriver BiDi protocol). */
  readonly browser: PuppeteerBrowser;
  /** The gecko id from the manifest (what `installExtension` returned). */
  readonly extensionId: string;
  /** The extension's internal UUID: pages live at `moz-extension://<uuid>/<path>`. */
  readonly extensionUuid: string;
  /** The temporary profile directory (removed by {@link FirefoxSession.close}). */
  readonly profileDir: string;
  /** `moz-extension://<uuid>/<path>`. */
  extensionUrl(path?: string): string;
  /** Opens a new tab. */
  newPage(): Promise<PuppeteerPage>;
  /**
   * Opens `moz-extension://<uuid>/<path>` in a new tab and resolves once it has loaded. `page.evaluate()`
   * there runs in the extension page's own global, so `browser.runtime.sendMessage`, `browser.storage`,
   * `browser.tabs` etc. work. Quirk: Puppeteer's `page.url()` keeps saying `about:blank` for this page; use
   * `page.evaluate(() => location.href)`. Do not call `page.goto()` with a moz-extension URL yourself: it
   * hangs until its timeout (see the implementation).
   */
  openExtensionPage(path: string): Promise<PuppeteerPage>;
  /** Closes the browser, kills whatever is left of it and removes the profile. Idempotent. */
  close(): Promise<void>;
}

/**
 * Preferences that keep Firefox on loopback: no update, telemetry, captive-portal, connectivity,
 * safe-browsing, remote-settings, region or DoH traffic. Puppeteer's own defaults already cover part of
 * this (it points several services at `dummy.test`); these close the remaining gaps seen on Firefox ESR.
 */
export const FIREFOX_OFFLINE_PREFS: Readonly<Record<string, string | number | boolean>> = {
  'app.update.auto': false,
  'app.update.enabled': false,
  'app.update.url': '',
  'browser.aboutwelcome.enabled': false,
  'browser.discovery.enabled': false,
  'browser.newtabpage.activity-stream.feeds.section.topstories': false,
  'browser.newtabpage.activity-stream.feeds.telemetry': false,
  'browser.newtabpage.activity-stream.telemetry': false,
  'browser.ping-centre.telemetry': false,
  'browser.region.network.url': '',
  'browser.region.update.enabled': false,
  'browser.safebrowsing.provider.google.updateURL': '',
  'browser.safebrowsing.provider.google4.updateURL': '',
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'browser.search.geoip.url': '',
  'browser.topsites.contile.enabled': false,
  'datareporting.policy.firstRunURL': '',
  'extensions.blocklist.enabled': false,
  'extensions.systemAddon.update.enabled': false,
  'media.gmp-gmpopenh264.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.predictor.enabled': false,
  'network.prefetch-next': false,
  'network.trr.mode': 5,
  'security.OCSP.enabled': 0,
  'security.remote_settings.crlite_filters.enabled': false,
  'security.remote_settings.intermediates.enabled': false,
  // Honoured thanks to FIREFOX_OFFLINE_ENV; a data: URL cannot reach the network.
  'services.settings.server': 'data:,#remote-settings-dummy/v1',
  'toolkit.telemetry.archive.enabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.server': '',
  'toolkit.telemetry.unified': false,
};

/**
 * Environment for Firefox. Release builds ignore the `services.settings.server` pref (Remote Settings kept
 * resolving firefox.settings.services.mozilla.com) unless `MOZ_REMOTE_SETTINGS_DEVTOOLS=1` is set.
 */
export const FIREFOX_OFFLINE_ENV: Readonly<Record<string, string>> = {
  MOZ_REMOTE_SETTINGS_DEVTOOLS: '1',
};

/**
 * Launches Debian's Firefox ESR through Puppeteer (WebDriver BiDi) with a fresh temp profile and installs
 * the unpacked extension in `extensionDir` as a temporary add-on with a known internal UUID.
 *
 * @throws Error `firefox-esr is not installed: apt-get install -y firefox-esr ...` if the binary is missing.
 * @throws Error if the manifest has no `browser_specific_settings.gecko.id`.
 */
let template: Promise<string> | null = null;

/**
 * A Firefox profile started once and closed, with no extension in it, to copy for each launch: Firefox fills a new
 * profile (its databases, the startup cache) at its first start, which took 1.5 s of the 4.8 s a launch took on this
 * 2-core machine, once per test. A person's profile is a used one too. Kept in the temp dir per Firefox binary (its
 * path, size and time), so the files of one run share it; the extension is installed afresh at every launch.
 *
 * @returns the template's directory
 */
function firefoxProfileTemplate(executablePath: string): Promise<string> {
  template ??= (async () => {
    const binary = statSync(realpathSync(executablePath));
    const key = createHash('sha256').update(`${realpathSync(executablePath)} ${binary.size} ${binary.mtimeMs}`).digest('hex').slice(0, 12);
    const dir = join(tmpdir(), `e2e-firefox-template-${key}`);
    if (existsSync(join(dir, 'prefs.js'))) return dir;
    const fresh = mkdtempSync(join(tmpdir(), 'e2e-firefox-template-new-'));
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath,
      headless: true,
      userDataDir: fresh,
      env: { ...process.env, ...FIREFOX_OFFLINE_ENV },
      extraPrefsFirefox: { ...FIREFOX_OFFLINE_PREFS },
    });
    await browser.close();
    try {
      renameSync(fresh, dir);
    } catch {
      // Another run made it meanwhile: use that one.
      removeDirQuietly(fresh);
    }
    return dir;
  })();
  template.catch(() => (template = null));
  return template;
}

/**
 * A new tab in the browser window. Firefox ESR 140's WebDriver BiDi opens a tab without a reference in the most recent
 * window, and while a notification is on screen that is the notification's own alert window, which has no tabs:
 * `browsingContext.create` then fails with "TabManager.getTabBrowser(...) is undefined" (seen with Firefox ESR
 * 140.12; ESR 153 does not do it). Given an existing tab as `referenceContext` (a BiDi parameter Puppeteer's
 * `newPage` does not pass), Firefox opens the new tab in that tab's window.
 */
async function newFirefoxPage(browser: PuppeteerBrowser): Promise<PuppeteerPage> {
  try {
    return await browser.newPage();
  } catch (error) {
    if (!String(error).includes('getTabBrowser')) throw error;
    type Internal = { createBrowsingContext(type: 'tab', options: { referenceContext: unknown }): Promise<{ id: string }> };
    const userContext = (browser.defaultBrowserContext() as unknown as { userContext: Internal }).userContext;
    const frameContext = (page: PuppeteerPage) => (page.mainFrame() as unknown as { browsingContext: { id: string } }).browsingContext;
    // A tab closed a moment ago (by the extension, say) may still be listed ("no such frame"): try the next one, newest
    // first.
    for (const reference of (await browser.pages()).filter((page) => !page.isClosed()).reverse()) {
      const created = await userContext.createBrowsingContext('tab', { referenceContext: frameContext(reference) }).catch(() => undefined);
      if (created === undefined) continue;
      const page = (await browser.pages()).find((p) => frameContext(p).id === created.id);
      if (page !== undefined) return page;
    }
    throw error;
  }
}

export async function launchFirefox(options: FirefoxOptions): Promise<FirefoxSession> {
  const executablePath = requireBinary(options.executablePath ?? FIREFOX_PATH, 'firefox-esr');
  const extensionDir = realpathSync(resolve(options.extensionDir));
  const geckoId = readManifest(extensionDir).browser_specific_settings?.gecko?.id;
  if (!geckoId) {
    throw new Error(`${extensionDir}/manifest.json has no browser_specific_settings.gecko.id, which Firefox needs`);
  }
  const extensionUuid = options.extensionUuid ?? randomUUID();
  const profileDir = mkdtempSync(join(tmpdir(), 'e2e-firefox-'));
  // A profile that has started once: Firefox 140 starts in ~3.3 s from it and ~4.8 s from an empty one.
  cpSync(await firefoxProfileTemplate(executablePath), profileDir, { recursive: true });
  const untrackDir = trackForExitCleanup({ dir: profileDir });

  let browser: PuppeteerBrowser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath,
      ...(options.acceptInsecureCerts === true ? { acceptInsecureCerts: true } : {}),
      headless: options.headless ?? true,
      // Our own dir (not Puppeteer's temp one) so that close() can always remove it, even after a kill.
      userDataDir: profileDir,
      env: {
        ...process.env,
        ...FIREFOX_OFFLINE_ENV,
        ...(options.crashOnNonLocalConnection ? { MOZ_DISABLE_NONLOCAL_CONNECTIONS: '1' } : {}),
      },
      // WebDriver BiDi refuses to navigate a tab to moz-extension:// URLs ("Navigation to ... is not allowed
      // in this context") unless system access is allowed; with it, extension pages can be opened and
      // scripted like web pages.
      args: ['--remote-allow-system-access'],
      extraPrefsFirefox: {
        ...FIREFOX_OFFLINE_PREFS,
        // Firefox reads this map when the add-on starts, so its origin is moz-extension://<our uuid>/.
        'extensions.webextensions.uuids': JSON.stringify({ [geckoId]: extensionUuid }),
        ...(options.resolveAllHostsToLoopback ? { 'network.dns.forceResolve': '127.0.0.1' } : {}),
        ...(options.backgroundIdleTimeoutMs !== undefined
          ? { 'extensions.background.idle.timeout': options.backgroundIdleTimeoutMs }
          : {}),
        ...options.prefs,
      },
    });
  } catch (error) {
    removeDirQuietly(profileDir);
    untrackDir();
    throw error;
  }

  // Puppeteer spawns Firefox detached, so its pid leads a process group that holds the content processes.
  const pid = browser.process()?.pid;
  const untrackProcess = pid !== undefined ? trackForExitCleanup({ pid, group: true }) : () => {};

  const close = createCloser(() => browser.close(), pid, profileDir, () => {
    untrackProcess();
    untrackDir();
  });

  try {
    const extensionId = await browser.installExtension(extensionDir);
    const origin = `moz-extension://${extensionUuid}/`;
    return {
      browser,
      extensionId,
      extensionUuid,
      profileDir,
      extensionUrl(path = '') {
        return origin + path.replace(/^\//, '');
      },
      newPage() {
        return newFirefoxPage(browser);
      },
      async openExtensionPage(path) {
        const url = origin + path.replace(/^\//, '');
        const page = await newFirefoxPage(browser);
        // page.goto() never resolves for moz-extension: URLs: Puppeteer waits for the navigation's network
        // response, and WebDriver BiDi reports none for extension resources. The navigation itself works
        // (given --remote-allow-system-access), so start it, ignore the promise and poll the document.
        page.goto(url, { timeout: 20_000 }).catch(() => {});
        await waitFor(
          () => page.evaluate((expected) => location.href === expected && document.readyState === 'complete', url),
          { timeoutMs: 15_000, message: `${url} to load` },
        );
        return page;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Shared
// ---------------------------------------------------------------------------------------------------------

/** The manifest fields this module looks at. */
interface ManifestSubset {
  background?: { service_worker?: string; scripts?: string[] };
  browser_specific_settings?: { gecko?: { id?: string } };
}

function readManifest(extensionDir: string): ManifestSubset {
  const path = join(extensionDir, 'manifest.json');
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ManifestSubset;
  } catch (error) {
    throw new Error(`Cannot read the extension manifest ${path}: ${(error as Error).message}`);
  }
}
