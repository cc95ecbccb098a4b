/**
 * Generates a tiny throwaway MV3 "probe" extension for testing the harness itself.
 *
 * The real extension is still being written; the harness must be proven independently of it. The probe
 * does the minimum the real one does: it listens to `webRequest.onCompleted`, records what it saw into
 * `storage.local`, and reloads the tab with `bypassCache: true` once when a main-frame response is a 502.
 * If the probe works in a browser, the harness can load extensions, deliver real gateway errors and observe
 * reloads there.
 *
 * Storage keys written by the probe (all arrays, oldest first):
 * - `completed`: {@link ProbeEvent} for every main-frame `onCompleted`;
 * - `events`: {@link ProbeEvent} for `onBeforeRequest`/`onBeforeRedirect`/`onCompleted`/`onErrorOccurred`
 *   of main frames, sub frames and images (used to compare the browsers' webRequest details);
 * - `reloads`: `{ time, tabId, url }` for every `tabs.reload` the probe issued (after `reloadDelayMs`);
 * - `starts`: `{ time }` each time the background script (service worker / event page) started.
 *
 * It also answers runtime messages (see {@link ProbeMessage}) so tests can drive badge APIs from an
 * extension page.
 *
 * @module
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeDirQuietly, trackForExitCleanup } from './cleanup';

/** Which browser's manifest flavour to generate. */
export type ExtensionTarget = 'chromium' | 'firefox';

/** Options for {@link createTestExtension}. */
export interface TestExtensionOptions {
  /** `chromium`: `background.service_worker`; `firefox`: `background.scripts` + gecko id. */
  target: ExtensionTarget;
  /** Gecko id for Firefox. Default `e2e-probe@gateway-recovery.test`. */
  geckoId?: string;
  /**
   * Delay between seeing the 502 and calling `tabs.reload`. Default 0. A test that wants the reload to reach
   * a live upstream sets e.g. 2000 and brings the upstream up after the 502 shows in the gateway log.
   */
  reloadDelayMs?: number;
  /** Reload a tab once after a main-frame 502. Default `true`; `false` makes the probe a pure recorder. */
  reloadOn502?: boolean;
}

/** A generated probe extension on disk. */
export interface TestExtension {
  /** Directory to pass to `launchChromium`/`launchFirefox`. */
  readonly dir: string;
  /** Gecko id (Firefox flavour only). */
  readonly geckoId: string | undefined;
  /** Extension page that loads `page.js` (empty UI), useful to run extension APIs from a test. */
  readonly pagePath: 'page.html';
  /** Removes the directory. */
  remove(): void;
}

/** One webRequest event as the probe stores it (a subset of the details object, copied verbatim). */
export interface ProbeEvent {
  event: 'onBeforeRequest' | 'onBeforeRedirect' | 'onCompleted' | 'onErrorOccurred';
  url: string;
  method: string;
  type: string;
  tabId: number;
  frameId: number;
  parentFrameId: number;
  requestId: string;
  timeStamp: number;
  statusCode?: number;
  statusLine?: string;
  fromCache?: boolean;
  redirectUrl?: string;
  error?: string;
  /** Chromium only. */
  documentLifecycle?: string;
  /** Chromium only. */
  frameType?: string;
  /** Chromium only. */
  documentId?: string;
  /** Firefox only. */
  originUrl?: string;
  /** Firefox only. */
  documentUrl?: string;
  /** The server address the browser connected to (onCompleted; the proxy's when one was used). */
  ip?: string;
  /** Firefox only: the proxy used, if any (`{ host, port, type }`). */
  proxyInfo?: { host: string; port: number; type: string } | null;
  /** Time the probe recorded it (`Date.now()` in the extension). */
  recordedAt: number;
}

/** Everything the probe has recorded (see the module description). */
export interface ProbeState {
  completed: ProbeEvent[];
  events: ProbeEvent[];
  reloads: { time: number; tabId: number; url: string }[];
  starts: { time: number }[];
}

/**
 * Something that runs a function inside an extension page: a Playwright `Page` (Chromium) or a Puppeteer
 * `Page` (Firefox) opened with `openExtensionPage('page.html')`.
 */
export interface ExtensionPageLike {
  evaluate(fn: () => Promise<unknown>): Promise<unknown>;
}

/**
 * Reads the probe's recorded state through one of its extension pages. Reading storage from a page rather
 * than from the Chromium service worker matters: it does not wake (or require) the worker.
 */
export async function readProbeState(page: ExtensionPageLike): Promise<ProbeState> {
  const stored = (await page.evaluate(async () => {
    // Runs in the browser: `browser` in Firefox, `chrome` in Chromium (which has no `browser` global).
    type Api = { storage: { local: { get(keys: string[]): Promise<Record<string, unknown>> } } };
    const scope = globalThis as unknown as { browser?: Api; chrome?: Api };
    const api = scope.browser ?? scope.chrome;
    if (!api?.storage) throw new Error('readProbeState: not running in an extension page');
    return api.storage.local.get(['completed', 'events', 'reloads', 'starts']);
  })) as Partial<ProbeState>;
  return {
    completed: stored.completed ?? [],
    events: stored.events ?? [],
    reloads: stored.reloads ?? [],
    starts: stored.starts ?? [],
  };
}

/** Messages the probe's background answers (`runtime.sendMessage(msg)`). */
export type ProbeMessage =
  | { cmd: 'ping' }
  | { cmd: 'setBadge'; tabId: number; text: string }
  | { cmd: 'getBadge'; tabId: number };

const BACKGROUND_JS = String.raw`// Probe extension background (generated by test/lab/test-extension.ts).
'use strict';
const api = globalThis.browser ?? globalThis.chrome;
const startedAt = Date.now();
const RELOAD_DELAY_MS = __RELOAD_DELAY_MS__;
const RELOAD_ON_502 = __RELOAD_ON_502__;

// storage.local has no atomic append; serialise read-modify-write so concurrent events are not lost.
let queue = Promise.resolve();
function append(key, entry) {
  queue = queue
    .then(async () => {
      const stored = await api.storage.local.get(key);
      const list = Array.isArray(stored[key]) ? stored[key] : [];
      list.push(entry);
      await api.storage.local.set({ [key]: list });
    })
    .catch((error) => console.error('probe: storage append failed', error));
  return queue;
}

const FIELDS = ['url', 'method', 'type', 'tabId', 'frameId', 'parentFrameId', 'requestId', 'timeStamp',
  'statusCode', 'statusLine', 'fromCache', 'redirectUrl', 'error', 'documentLifecycle', 'frameType',
  'documentId', 'originUrl', 'documentUrl', 'ip', 'proxyInfo'];
function pick(event, details) {
  const entry = { event, recordedAt: Date.now() };
  for (const field of FIELDS) if (details[field] !== undefined) entry[field] = details[field];
  return entry;
}

append('starts', { time: startedAt });

const filter = { urls: ['<all_urls>'], types: ['main_frame', 'sub_frame', 'image'] };
api.webRequest.onBeforeRequest.addListener((d) => { append('events', pick('onBeforeRequest', d)); }, filter);
api.webRequest.onBeforeRedirect.addListener((d) => { append('events', pick('onBeforeRedirect', d)); }, filter);
api.webRequest.onErrorOccurred.addListener((d) => { append('events', pick('onErrorOccurred', d)); }, filter);
api.webRequest.onCompleted.addListener((d) => {
  const entry = pick('onCompleted', d);
  append('events', entry);
  if (d.type !== 'main_frame') return;
  append('completed', entry);
  if (RELOAD_ON_502 && d.statusCode === 502 && d.tabId >= 0) {
    // Reload once per tab and URL, remembered in storage so a restarted worker does not reload again.
    const key = 'reloaded:' + d.tabId + ':' + d.url;
    queue = queue.then(async () => {
      const stored = await api.storage.local.get(key);
      if (stored[key]) return;
      await api.storage.local.set({ [key]: true });
      // Outside the storage queue so the delay does not hold up event recording.
      setTimeout(() => {
        api.tabs.reload(d.tabId, { bypassCache: true }).then(
          () => append('reloads', { time: Date.now(), tabId: d.tabId, url: d.url }),
          (error) => console.error('probe: reload failed', error),
        );
      }, RELOAD_DELAY_MS);
    }).catch((error) => console.error('probe: reload bookkeeping failed', error));
  }
}, filter);

api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  const run = async () => {
    switch (message && message.cmd) {
      case 'ping': return { pong: true, startedAt };
      case 'setBadge': await api.action.setBadgeText({ tabId: message.tabId, text: message.text }); return { ok: true };
      case 'getBadge': return { text: await api.action.getBadgeText({ tabId: message.tabId }) };
      default: return { error: 'unknown command' };
    }
  };
  // sendResponse + return true works in both browsers (returning a Promise does not in older Chromium).
  run().then(sendResponse, (error) => sendResponse({ error: String(error) }));
  return true;
});
`;

const PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>probe page</title></head>
<body><p id="probe">probe extension page</p><script src="page.js"></script></body></html>
`;

// External script: extension pages forbid inline scripts (CSP).
const PAGE_JS = `document.documentElement.dataset.ready = 'true';\n`;

/**
 * Writes the probe extension for `options.target` into a new temp directory.
 * Call {@link TestExtension.remove} when done (a process-exit hook removes it otherwise).
 */
export function createTestExtension(options: TestExtensionOptions): TestExtension {
  const reloadDelayMs = Math.max(0, Math.floor(options.reloadDelayMs ?? 0));
  const geckoId = options.target === 'firefox' ? (options.geckoId ?? 'e2e-probe@gateway-recovery.test') : undefined;
  const manifest: Record<string, unknown> = {
    manifest_version: 3,
    name: 'e2e harness probe',
    version: '1.0.0',
    description: 'Generated by test/lab/test-extension.ts; records webRequest events.',
    permissions: ['webRequest', 'storage', 'tabs'],
    host_permissions: ['<all_urls>'],
    action: { default_title: 'probe' },
    // Each browser gets only the background key it supports, so neither logs manifest warnings.
    background: options.target === 'chromium' ? { service_worker: 'background.js' } : { scripts: ['background.js'] },
    ...(geckoId ? { browser_specific_settings: { gecko: { id: geckoId } } } : {}),
  };

  const dir = mkdtempSync(join(tmpdir(), `e2e-probe-${options.target}-`));
  const untrack = trackForExitCleanup({ dir });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'background.js'), BACKGROUND_JS.replace('__RELOAD_DELAY_MS__', String(reloadDelayMs)).replace('__RELOAD_ON_502__', String(options.reloadOn502 ?? true)));
  writeFileSync(join(dir, 'page.html'), PAGE_HTML);
  writeFileSync(join(dir, 'page.js'), PAGE_JS);

  return {
    dir,
    geckoId,
    pagePath: 'page.html',
    remove() {
      removeDirQuietly(dir);
      untrack();
    },
  };
}
