/**
 * Background entry (Chromium service worker, Firefox event page). Every listener is registered synchronously at the
 * top level, so an event that wakes a stopped worker is delivered (chrome.runtime lifecycle docs); all state is
 * re-read from `storage.session` on each event.
 */
import browser from 'webextension-polyfill';
import { describeBadge, describeIncident } from '../../src/view/notification';
import { incidentForTab, isActive as isActiveIncident } from '../../src/recovery/incident-machine';
import { parseEnvelope, type Envelope, type MessageType, type ProtocolMap, type ReloadStart, type Request, type Response } from '../../src/messages';
import { renderText } from '../shared/i18n';
import { createBrowserEffects } from './browser-effects';
import { createSessionStateStore, createSessionStore } from './session-store';
import { createPopLimiter } from './pop-limiter';
import { parsePopLog } from '../../src/view/notification-limit';
import { createWakeScheduler, WAKE_ALARM } from './wake-scheduler';
import { createSettingsSource } from './settings-source';
import { isOnline } from './quirks';
import { createRecoveryService } from './recovery-service';
import { createControls } from './controls';
import { createHistoryStore } from './history-store';
import type { Incident } from '../../src/recovery/incident-machine';
import type { StatusFacts } from '../../src/view/status-panel';
import { buildIncidentView, subresourceNote } from '../../src/view/incident-view';
import { readBrowserFacts } from './browser-facts';
import { createStatusChecker } from '../../src/status/checker';
import { isWithheldHost, loadPublicSuffixList } from '../../src/status/host';
import { cookieDomain } from '../../src/guide/cookie-domain';
import { incidentSiteAddress, isIntranet } from '../../src/view/incident-facts';
import { createBrowserHttpClient, createSessionMemoryStore, hasPrivateWindow, isIncognitoTab } from './status-adapters';
import { waitForDataConsent } from '../shared/data-consent';
import { COOKIES, waitForPermission } from '../shared/optional-permissions';
import { clearSiteCookies } from './site-cookies';
import { findArchivedCopy } from '../../src/guide/archive';
import { isSamePage, parsePageAddress } from '../../src/shared/page-address';
import { consentStatus, mayLookUp } from '../../src/settings/consent';

const log = console;
const settings = createSettingsSource(log);
const ownOrigin = browser.runtime.getURL('').replace(/\/$/, '');

const checker = createStatusChecker({
  http: createBrowserHttpClient(),
  now: Date.now,
  // The reader already turns a user's "yes" without Firefox's data consent into "no" (see settings-reader.ts).
  settings: settings.get,
  store: createSessionMemoryStore(),
  log,
});

const history = createHistoryStore({
  area: browser.storage.local,
  now: Date.now,
  retentionDays: async () => (await settings.get()).historyRetentionDays,
  latestStatus: (host) => checker.latest(host),
  log,
});

// New notifications are limited per registrable domain, per tab and per minute, across incidents (issue 15); the log lives in
// `storage.session`, private windows' pops left out.
const pops = createPopLimiter({
  store: createSessionStore('notificationPops', parsePopLog),
  now: Date.now,
  // A host that is itself a public suffix (or a single label) has no registrable domain: it is its own key.
  domainOf: async (host) => (await siteDomainOf(host)) ?? host,
  log,
});

const service = createRecoveryService({
  now: Date.now,
  random: Math.random,
  store: createSessionStateStore(log),
  // Asks the browser nothing: a consent check (Firefox IPC) on every page load would buy recovery nothing.
  settings: settings.forRecovery,
  effects: createBrowserEffects(),
  scheduleWake: createWakeScheduler(() => void wake()),
  isOnline,
  ownOrigins: [ownOrigin],
  describe: {
    incident: (incident, now, max, status) => describeIncident(incident, now, max, renderText, status),
    badge: (state, tabId) => describeBadge(state.tabs[String(tabId)], incidentForTab(state, tabId)),
  },
  log,
  isPrivateTab: isIncognitoTab,
  mayPop: (incident, tabIds) => pops.mayPop(incident, tabIds),
  onIncidentOpened: (incident, tabIds) => {
    // The consent covers automatic checks "never from private windows" (its own words on the onboarding page).
    if (incident.incognito !== true) void checkStatus(incident, tabIds[0], 'auto');
  },
  onIncidentEnded: (incident) => void history.record(incident),
  // The notification's own rules decide whether the report speaks for the incident (`src/view/incident-facts.ts`).
  statusOf: (incident) => checker.latest(incident.host, incident.incognito === true),
});

// The popup's pause and "Never retry this site" (`controls.ts`).
const controls = createControls({
  storage: browser.storage,
  settings,
  service,
  wake,
  now: Date.now,
  offsetAt: (ms) => -new Date(ms).getTimezoneOffset(),
  tab: async (tabId) => {
    const tab = await browser.tabs.get(tabId).catch(() => null);
    return { url: tab?.url, incognito: tab?.incognito ?? true };
  },
  log,
});

/** Recovery acts on http(s) pages only, the extension's host permissions. */
const ALL_URLS = { urls: ['http://*/*', 'https://*/*'] };

// Main frames need the headers (Retry-After, who answered); frames are only checked for their status, and asking
// for their headers would cost every page load something. Images, scripts, stylesheets, fonts and XHR are not
// listened to at all: every event reaches the service worker, and with them a page of 100 parts took 1.20x as long
// to load in `npm run bench` (1.09x with frames only). Their gateway errors never reloaded the page anyway.
// The polyfill's detail types have every field `CompletedRequest`, `RequestStart` and `RequestError` read (the
// compiler checks it), so the details are handed on as they come.
browser.webRequest.onCompleted.addListener(
  (d) => void service.onCompleted(d),
  { ...ALL_URLS, types: ['main_frame'] },
  ['responseHeaders'],
);
browser.webRequest.onCompleted.addListener((d) => void service.onCompleted(d), {
  ...ALL_URLS,
  types: ['sub_frame'],
});
browser.webRequest.onBeforeRequest.addListener((d) => void service.onMainFrameStart(d), {
  ...ALL_URLS,
  types: ['main_frame'],
});
// Only when the headers came, for the details view's timings: one more event per page load, main frames only.
browser.webRequest.onHeadersReceived.addListener((d) => service.onMainFrameHeaders(d), {
  ...ALL_URLS,
  types: ['main_frame'],
});
browser.webRequest.onErrorOccurred.addListener((d) => void service.onMainFrameError(d), {
  ...ALL_URLS,
  types: ['main_frame'],
});

browser.tabs.onUpdated.addListener((tabId, change) => {
  if (typeof change.url === 'string') void service.dispatch({ type: 'tab-url-changed', tabId, url: change.url });
  // Chromium's memory saver and `tabs.discard` (both browsers) unload a tab; loading it again clears the flag.
  if (typeof change.discarded === 'boolean') void service.dispatch({ type: 'tab-discarded', tabId, discarded: change.discarded });
  if (change.status === 'complete') void service.redrawBadge(tabId);
});
browser.tabs.onRemoved.addListener((tabId) => void service.dispatch({ type: 'tab-closed', tabId }));
browser.tabs.onReplaced.addListener((added, removed) => void service.onTabReplaced(added, removed));
// Private windows' incidents live in `storage.session` (never on disk) while their tabs are open; once the last private
// window closes, nothing of them is kept (issue 15). Asked in the event's turn, so a private tab opened meanwhile
// cannot be dropped by an earlier window's closing.
browser.windows.onRemoved.addListener(() => {
  void service.dispatch(async () => {
    if (await hasPrivateWindow()) return null;
    checker.forgetPrivate();
    return { type: 'private-windows-closed' };
  });
});

browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === WAKE_ALARM) void wake();
});
self.addEventListener('online', () => void wake());

browser.notifications.onButtonClicked.addListener((id) => void service.dispatch({ type: 'cancel', incidentId: id }));
browser.notifications.onClicked.addListener((id) => void focusIncidentTab(id));
// Only the user's own dismissal counts: a notification the extension clears or replaces is not the user saying "quiet".
browser.notifications.onClosed.addListener((id, byUser) => {
  if (byUser) void service.dispatch({ type: 'notification-dismissed', incidentId: id });
});

browser.storage.onChanged.addListener((_changes, area) => {
  if (area === 'sync' || area === 'managed' || area === 'local') settings.invalidate();
});

browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
  // Only our own pages talk to the background; content scripts of other extensions cannot reach us, but check.
  if (sender.id !== browser.runtime.id) return undefined;
  const parsed = parseEnvelope(message);
  if (!parsed.ok) {
    log.warn('message refused:', parsed.error);
    return Promise.resolve({ error: parsed.error });
  }
  return handle(parsed.envelope);
});

browser.runtime.onStartup.addListener(() => {
  void wake();
  // Entries past the retention period go even when no new incident is recorded.
  void history.list().catch(() => undefined);
});
browser.runtime.onInstalled.addListener((details) => {
  void wake();
  // The consent to status checks is asked for once, on install, on a page that says exactly what is sent.
  if (details.reason === 'install') void browser.tabs.create({ url: browser.runtime.getURL('extension/onboarding/index.html') });
});

// Warm the settings cache before the first event needs it, and the Public Suffix List before the first notification
// (its pop limit counts per registrable domain).
void settings.get().catch(() => undefined);
void loadPublicSuffixList().catch(() => undefined);
// A worker that was stopped may have missed a short timer: catch up on anything overdue.
void wake();

/** One handler per message type; {@link ProtocolMap} types each request and response. */
const handlers: { [K in MessageType]: (request: Request<K>) => Promise<Response<K>> } = {
  getTabView: async ({ tabId }) => {
    const state = await service.tabView(tabId);
    const subresources = subresourceNote(state.subresourceErrors);
    if (state.incident === null) return { incident: null, subresources, now: state.now, controls: await controls.view(tabId, state) };
    const { incident, tab } = state.incident;
    const [check, siteDomain, facts, controlsView] = await Promise.all([
      statusFacts(incident.host, incident.incognito === true),
      siteDomainOf(incident.host),
      readBrowserFacts(tabId),
      controls.view(tabId, state),
    ]);
    const paused = controlsView.pausedUntil !== null ? { pausedUntil: controlsView.pausedUntil } : {};
    const input = { incident, tab, now: state.now, maxVisibleRetries: state.maxVisibleRetries, check, siteDomain, browser: facts, ...paused };
    return { incident: buildIncidentView(input, renderText), subresources, now: state.now, controls: controlsView };
  },
  checkStatus: async ({ tabId }) => {
    const found = (await service.tabView(tabId)).incident;
    if (found === null) return { report: null };
    // Firefox: the popup asks for the data consent and sends this at once, because the permission prompt may close
    // the popup before it could send anything later; the check waits here for the user's answer.
    if (!(await waitForDataConsent(DATA_CONSENT_WAIT_MS))) return { report: null };
    return { report: await checkStatus(found.incident, tabId, 'user') };
  },
  getHistory: async () => {
    // The options page asks right after it stored a new retention period: read it, not this worker's cached copy.
    settings.invalidate();
    return { entries: await history.list() };
  },
  clearHistory: async () => {
    await history.clear();
    return { ok: true };
  },
  retryNow: async ({ tabId }) => ({ ok: true, reload: await retryNow(tabId) }),
  stopRetrying: async ({ incidentId }) => {
    await service.dispatch({ type: 'cancel', incidentId });
    return { ok: true };
  },
  watchSite: async ({ tabId }) => {
    // Watching goes on from the regular profile after the tab is gone: never for a private window's site (the
    // design: no request for a private window's site from the regular profile once it is closed).
    if (await isIncognitoTab(tabId)) return { ok: false };
    await service.dispatch({ type: 'keep-watching', tabId });
    const found = (await service.tabView(tabId)).incident;
    return { ok: found !== null && found.incident.keepWatching === true && isActiveIncident(found.incident) };
  },
  clearSiteCookies: async ({ tabId, domain }) => {
    const found = (await service.tabView(tabId)).incident;
    if (found === null) return { ok: false, reason: 'no-incident' };
    const siteDomain = await siteDomainOf(found.incident.host);
    if (siteDomain === null) return { ok: false, reason: 'public-suffix' };
    if (siteDomain !== domain) return { ok: false, reason: 'site-changed' };
    // The popup asked for the permission inside the user's click; Firefox's prompt may still be open.
    if (!(await waitForPermission(COOKIES, PERMISSION_WAIT_MS))) return { ok: false, reason: 'no-permission' };
    const cleared = await clearSiteCookies(domain, tabId);
    if (!cleared.ok) return cleared;
    // A failed form's page is never reloaded for the user (that would send the form again). A reload already under way
    // left before the cookies went, so only one started now counts.
    const reloaded = found.incident.notRetriedReason !== 'non-get' && (await retryNow(tabId)) === 'started';
    return { ok: true, domain, removed: cleared.removed, reloaded };
  },
  findArchivedCopy: async ({ tabId }) => {
    const found = (await service.tabView(tabId)).incident;
    if (found === null) return { found: false, reason: { code: 'not-applicable', detail: 'no failed page in this tab' } };
    // The page of the tab the popup was opened for: the incident's own `url` is the latest of any of its tabs, which
    // another tab of the same site (a private window's included) overwrites.
    const pageUrl = found.tab.url;
    const pageHost = parsePageAddress(pageUrl)?.host ?? found.incident.host;
    // The same rule as the status check: a private site (by its name or by the address the browser reached), or one
    // the user listed, never leaves the browser.
    const [s] = await Promise.all([settings.get(), loadPublicSuffixList()]);
    if (isWithheldHost(pageHost, s.neverSend) || isWithheldHost(found.incident.host, s.neverSend) || isIntranet(found.incident)) {
      return { found: false, reason: { code: 'private-host', detail: 'a private address is not sent' } };
    }
    // The click is consent for this one lookup, but not while an earlier "yes" covers other addresses than these.
    if (!mayLookUp(s, 'user')) {
      return { found: false, reason: { code: 'no-consent', detail: 'the addresses changed since the consent; agree again first' } };
    }
    // Firefox: the popup asked for the data consent inside the click; its prompt may still be open.
    if (!(await waitForDataConsent(DATA_CONSENT_WAIT_MS))) {
      return { found: false, reason: { code: 'no-consent', detail: "the browser's data consent was not given" } };
    }
    return findArchivedCopy(createBrowserHttpClient(), s.statusEndpoints.archive, pageUrl);
  },
  resendForm: async ({ tabId }) => {
    const found = (await service.tabView(tabId)).incident;
    // Only the page whose form answered with a gateway error, and only while the tab still shows it.
    if (found === null || found.incident.notRetriedReason !== 'non-get') return { ok: false };
    const tab = await browser.tabs.get(tabId).catch(() => null);
    if (tab === null || !isSamePage(tab.url, found.tab.url)) return { ok: false };
    // A plain reload: the browser itself asks the user to confirm re-sending form data.
    await browser.tabs.reload(tabId);
    return { ok: true };
  },
  setPause: (request) => controls.setPause(request),
  setNeverRetry: (request) => controls.setNeverRetry(request),
};

/** "Retry now" in `tabId`, and what it did: the incident machine starts no second reload while one is under way. */
async function retryNow(tabId: number): Promise<ReloadStart> {
  const effects = await service.dispatch({ type: 'retry-now', tabId });
  if (effects.some((e) => e.type === 'reload' && e.tabId === tabId)) return 'started';
  const status = (await service.tabView(tabId)).incident?.tab.status;
  return status === 'reloading' || status === 'navigating' ? 'under-way' : 'none';
}

function handle<K extends MessageType>(envelope: Envelope<K>): Promise<Response<K>> {
  return handlers[envelope.type](envelope.payload);
}

async function focusIncidentTab(incidentId: string): Promise<void> {
  const found = await service.incident(incidentId);
  if (found === null) return;
  const tabId = found.tabIds[0];
  if (tabId === undefined) {
    // "Tell me when it's back" after the tab was closed: the notification is the link to the page.
    if (found.incident.keepWatching === true && found.incident.phase === 'recovered') {
      await browser.tabs.create({ url: found.incident.url }).catch((err: unknown) => log.warn('could not open the page', err));
    }
    return;
  }
  try {
    const tab = await browser.tabs.update(tabId, { active: true });
    if (tab?.windowId !== undefined) await browser.windows.update(tab.windowId, { focused: true });
  } catch (err) {
    log.warn('could not focus tab', err);
  }
}

/** How long a "Check now" waits for the user to answer Firefox's data consent prompt, ms. */
const DATA_CONSENT_WAIT_MS = 60_000;
/** The domain whose cookies "Clear cookies" removes, `null` for a public suffix (`cookieDomain`). */
async function siteDomainOf(host: string): Promise<string | null> {
  await loadPublicSuffixList();
  const own = cookieDomain(host);
  return own.ok ? own.domain : null;
}

/** How long "Clear cookies" waits for the user to answer the browser's permission prompt, ms. */
const PERMISSION_WAIT_MS = 60_000;

/**
 * Runs a status check for an incident's site, then shows its verdict in the incident's notification. Never
 * rejects: a failure is logged and the answer is `null`.
 */
async function checkStatus(incident: Incident, tabId: number | undefined, trigger: 'auto' | 'user') {
  try {
    const incognito = incident.incognito === true || tabId === undefined || (await isIncognitoTab(tabId));
    const serverAddress = incidentSiteAddress(incident);
    const report = await checker.check({
      url: incident.origin,
      code: incident.code,
      gateway: incident.gateway,
      trigger,
      incognito,
      // The checker refuses a site the browser reached at a private address, whatever its name.
      ...(serverAddress !== undefined ? { serverAddress } : {}),
      ...(trigger === 'auto' ? { incidentId: incident.id } : {}),
    });
    if (report.limitedBy === undefined) await service.redrawNotifications(incident.host);
    // A quick recovery may have ended the incident, and made its history entry, before the answer came.
    void history.noteVerdict(incident.id, report);
    return report;
  } catch (err) {
    log.warn('status: check failed', err);
    return null;
  }
}

/** Recovery's wake-up, then the automatic checks a stopped worker lost midway (each incident gets one answer). */
async function wake(): Promise<void> {
  await service.wake();
  try {
    for (const { incident, tabIds } of await service.activeIncidents()) {
      if (incident.incognito !== true && !(await checker.wasChecked(incident.id))) void checkStatus(incident, tabIds[0], 'auto');
    }
  } catch (err) {
    log.warn('status: resuming checks failed', err);
  }
}

/** What the popup shows of `host`'s status check; a private window's tab sees its own checks' answers too. */
async function statusFacts(host: string, incognito: boolean): Promise<StatusFacts> {
  const [report, s] = await Promise.all([checker.latest(host, incognito), settings.get(), loadPublicSuffixList()]);
  const consent = consentStatus(s);
  return {
    report,
    checking: checker.isChecking(host),
    autoCheck: consent.kind === 'given',
    ...(consent.kind === 'outdated' ? { consentChanges: consent.changes } : {}),
    privateHost: isWithheldHost(host, s.neverSend),
  };
}
