/**
 * The incident state machine: one incident per site (origin, and whether its tabs are in a private window), tabs
 * attached to it, driven by events and a clock.
 *
 * {@link reduce} is pure: it takes the persisted {@link RecoveryState}, one {@link RecoveryEvent} and the
 * {@link MachineContext}, and returns the next state plus the {@link Effect}s the extension must carry out
 * (reload a tab, probe a URL, redraw a notification or badge). The state is plain JSON so it can live in
 * `storage.session` and survive the MV3 service worker being stopped at any moment; its shape is the schema in
 * `state-schema.ts`, its sub-state changes the transitions in `transitions.ts`, the steps events share are in
 * `mutation.ts`.
 *
 * Invariants (checked by the unit tests):
 * - at most one active incident per origin and private-ness (a private window's tab and a normal tab of one site never
 *   share an incident); a tab belongs to at most one incident, which exists;
 * - nothing of a private window's tabs is left once they are closed (their incidents, frames' errors, reloads);
 * - a private window's incident is never probed and never compared without cookies (both go from the regular profile);
 * - only tabs whose page came from GET/HEAD are ever reloaded, and only while they still show the failed page;
 * - one try stream per incident however many tabs wait: one lead tab is reloaded (or one background probe sent), and
 *   the other tabs are reloaded once, when the site answers again;
 * - every active incident has a `nextAt` and a tab; every incident ends (recovered, gave up, cancelled, abandoned);
 * - a reload an incident awaits is of a tab of its own in `reloading`.
 */
import { withLoggedError } from './error-response';
import { isSafeMethod } from './classify';
import { judgeAnswer, type HttpAnswer } from './answer';
import { judgeCookieless, type CookielessAnswer } from './cookieless';
import type { MachineContext, ProbeOutcome, RecoveryEvent, Transition } from './events';
import { awaitsReloadOf, MAX_LOADING_WAIT_MS, Mutation } from './mutation';
import { nextDelayMs } from './schedule';
import { isActive, recordsSubresourceError, tabsOf, withoutPrivate, type RecoveryState, type TabEntry } from './state-schema';
import { openIncident, recordNotRetried, reopenIncident, toNavigating, toReloading, toSettled, toWaiting } from './transitions';
import { isSamePage, parsePageAddress } from '../shared/page-address';

export type { Effect, MachineContext, ProbeOutcome, RecoveryEvent, Transition } from './events';
export { ENDED_RETENTION_MS, MAX_ENDED_INCIDENTS, MAX_LOADING_WAIT_MS, REOPEN_WINDOW_MS } from './mutation';
export {
  EMPTY_STATE,
  MAX_RELOADS_PER_HOUR,
  MAX_SUBRESOURCE_ERRORS,
  RELOAD_CAP_WINDOW_MS,
  incidentForTab,
  isOfSite,
  withoutPrivate,
  isActive,
  nextWake,
  tabsOf,
  type ActiveIncident,
  type ActivePhase,
  type EndedIncident,
  type EndPhase,
  type Incident,
  type IncidentPhase,
  type NotRetriedReason,
  type RecoveryState,
  type SiteKey,
  type SubresourceError,
  type TabEntry,
  type TabStatus,
} from './state-schema';

/**
 * Applies one event. Pure: `state` is not modified. When the event concerns nothing the state knows, the same
 * `state` object comes back (so callers can skip the write by identity).
 */
export function reduce(state: RecoveryState, event: RecoveryEvent, ctx: MachineContext): Transition {
  // Every navigation of every tab comes through here; most concern no incident. Answer those without copying.
  if (concernsNothing(state, event)) return { state, effects: [] };
  const m = new Mutation(structuredClone(state), ctx);
  apply(m, event);
  m.prune();
  return { state: m.state, effects: m.effects };
}

function apply(m: Mutation, e: RecoveryEvent): void {
  switch (e.type) {
    case 'gateway-error':
      return onGatewayError(m, e);
    case 'main-frame-answered':
      return onAnswered(m, e.tabId, e.url, { code: e.code, challenge: e.challenge === true }, e.requestId);
    case 'main-frame-start':
      m.forgetSubresourceErrors(e.tabId);
      return onStart(m, e.tabId, e.requestId);
    case 'subresource-error':
      return m.recordSubresourceError(e);
    case 'main-frame-failed':
      return onFailed(m, e.tabId, e.url, e.error, e.requestId);
    case 'tab-url-changed':
      return onUrlChanged(m, e.tabId, e.url);
    case 'tab-closed':
      m.forgetSubresourceErrors(e.tabId);
      return m.detach(e.tabId);
    case 'private-windows-closed':
      return m.forgetPrivate();
    case 'reload-refused':
      return m.detach(e.tabId);
    case 'reload-not-sent':
      return onReloadNotSent(m, e.tabId);
    case 'reload-deferred':
      return onReloadDeferred(m, e.tabId, e.loadingSince);
    case 'due':
      return onDue(m, e.online);
    case 'probe-result':
      return onProbeResult(m, e.incidentId, e.outcome);
    case 'cookieless-result':
      return onCookielessResult(m, e.incidentId, e.answer);
    case 'cancel':
      return onCancel(m, e.incidentId);
    case 'never-retry-changed':
      return m.endNeverRetried();
    case 'retry-now':
      return onRetryNow(m, e.tabId);
    case 'notification-dismissed':
      return onDismissed(m, e.incidentId);
    case 'keep-watching':
      return onKeepWatching(m, e.tabId);
    case 'tab-discarded':
      return onDiscarded(m, e.tabId, e.discarded);
    case 'tab-replaced-discarded':
      return onReplacedDiscarded(m, e.tabId, e.newTabId);
  }
}

function onGatewayError(m: Mutation, e: Extract<RecoveryEvent, { type: 'gateway-error' }>): void {
  const address = parsePageAddress(e.url);
  if (address === null) return;
  const entry = m.tab(e.tabId);
  const site = { origin: address.origin, incognito: e.incognito === true };
  const active = m.activeFor(site);

  if (!isSafeMethod(e.method)) {
    // Never re-sent: the tab leaves any incident and gets a record of its own, so no recovery reloads it.
    m.detach(e.tabId);
    const record = m.putIncident(recordNotRetried(m.incidentOrigin(address, e), 'non-get'));
    m.attach(e.tabId, record, address.page, 'settled');
    m.notify(record, true);
    return;
  }

  if (entry !== undefined && active !== undefined && entry.incidentId === active.id) {
    if (isStale(entry, e.requestId)) return;
    const ours = entry.status === 'reloading' && awaitsReloadOf(active, e.tabId);
    m.putTab(toWaiting({ ...entry, url: address.page }));
    m.refreshError(active, e, address.page);
    // A probe got a page, and the tab's own reload right after it fails again: the site answers, only not to this
    // browser with its cookies. Reloading again would loop; the incident watches quietly and says why.
    if (ours && active.answer?.kind === 'works') m.quiet(active, 'cookies');
    if (ours) m.tryFailed(active, e.retryAfterMs);
    m.badge(e.tabId);
    return;
  }

  // The tab belonged to another incident (or none), so this cannot end `active`.
  m.detach(e.tabId);
  if (active !== undefined) {
    m.refreshError(active, e, address.page);
    m.attach(e.tabId, active, address.page, 'waiting');
    return;
  }
  if (e.neverRetry === true) {
    const record = m.putIncident(recordNotRetried(m.incidentOrigin(address, e), 'never-retry'));
    m.attach(e.tabId, record, address.page, 'settled');
    return;
  }
  const recent = m.recentlyRecovered(site);
  if (recent !== undefined) {
    // Soon after a recovery: the same outage going on, not a new one. Its backoff goes on from where it was, and its
    // notification is updated, not shown again.
    const failures = recent.attempts + recent.probes;
    const nextAt = m.ctx.now + nextDelayMs(failures, m.ctx.policy, m.ctx.random, e.retryAfterMs, m.ctx.now - recent.startedAt);
    // Its tabs that came back show a page that works: they no longer belong to it (an active incident's tabs wait).
    for (const t of tabsOf(m.state, recent.id)) m.detach(t.tabId);
    const reopened = m.putIncident(reopenIncident(recent, nextAt, recent.attempts >= m.ctx.policy.maxVisibleRetries));
    m.refreshError(reopened, e, address.page);
    m.attach(e.tabId, reopened, address.page, 'waiting');
    m.notify(reopened, false);
    return;
  }
  const origin = m.incidentOrigin(address, e);
  const incident = m.putIncident(openIncident(origin, m.ctx.now + nextDelayMs(0, m.ctx.policy, m.ctx.random, e.retryAfterMs)));
  m.attach(e.tabId, incident, address.page, 'waiting');
  m.notify(incident, true);
  // One cookieless look at the same page, at once; when the error asked for a wait (`Retry-After`), with the first
  // try instead, so the site gets no request before the time it asked for.
  if (e.retryAfterMs === undefined) m.compareCookieless(incident, { tabId: e.tabId, url: address.page });
}

function onAnswered(m: Mutation, tabId: number, url: string, answer: HttpAnswer, requestId: string | undefined): void {
  const entry = m.tab(tabId);
  if (entry === undefined || isStale(entry, requestId)) return;
  const incident = m.incident(entry.incidentId);
  const ourReload = entry.status === 'reloading';
  if (incident !== undefined && isActive(incident) && (ourReload || isSamePage(url, entry.url))) {
    m.recover(incident, tabId, answer);
    return;
  }
  if (incident !== undefined && ourReload) {
    // The reload a recovery made: the tab shows the site again and keeps the incident it came back from (the
    // popup says it is back, and after how long) until its next page.
    m.putTab(toSettled(entry));
    return;
  }
  // The tab moved on to another page that works: it no longer waits for this site.
  m.detach(tabId);
}

function onStart(m: Mutation, tabId: number, requestId: string | undefined): void {
  const entry = m.tab(tabId);
  if (entry === undefined || entry.status === 'settled') return;
  if (entry.status === 'reloading') {
    // The first request after our reload is ours; later ones with the same id are its redirects.
    if (entry.requestId === undefined || requestId === undefined || entry.requestId === requestId) {
      if (requestId !== undefined) m.putTab(toReloading(entry, requestId));
      return;
    }
    // A different request: the user started a navigation over our reload, which the browser aborts.
    const incident = m.incident(entry.incidentId);
    if (awaitsReloadOf(incident, tabId)) m.tryFailed(incident);
  }
  // The user's request now owns the tab: a late answer to an earlier one must not hand the tab back to us.
  m.putTab(toNavigating(entry, m.ctx.now, requestId));
}

function onFailed(m: Mutation, tabId: number, url: string, error: string, requestId: string | undefined): void {
  const entry = m.tab(tabId);
  if (entry === undefined || isStale(entry, requestId)) return;
  const incident = m.incident(entry.incidentId);
  if (entry.status === 'reloading') {
    // The user pressed Stop (or replaced our reload): like Chromium's auto-reload, a Stop ends retrying here.
    // A recovery's reload that got no answer: the incident is over, and what the tab shows now is not known.
    if (isAbort(error) || incident === undefined || !isActive(incident)) {
      m.detach(tabId);
      return;
    }
    // The try got no HTTP answer at all (connection refused, timeout): the site is still unreachable.
    m.putTab(toWaiting(entry));
    if (awaitsReloadOf(incident, tabId)) m.tryFailed(incident);
    return;
  }
  if (entry.status === 'navigating') {
    if (isSamePage(url, entry.url) && incident !== undefined && isActive(incident) && !isAbort(error)) {
      m.putTab(toWaiting(entry, entry.requestId));
    } else {
      m.detach(tabId);
    }
  }
}

function onUrlChanged(m: Mutation, tabId: number, url: string): void {
  const entry = m.tab(tabId);
  if (entry === undefined || isSamePage(url, entry.url)) return;
  // While a request is in flight its own outcome decides (a redirect commits a new URL too).
  if (entry.status === 'reloading' || entry.status === 'navigating') return;
  m.detach(tabId);
}

function onReloadNotSent(m: Mutation, tabId: number): void {
  const entry = m.tab(tabId);
  const incident = entry === undefined ? undefined : m.incident(entry.incidentId);
  if (entry === undefined || entry.status !== 'reloading' || !awaitsReloadOf(incident, tabId)) return;
  incident.attempts = Math.max(0, incident.attempts - 1);
  incident.awaiting = null;
  incident.nextAt = m.ctx.now;
  m.putTab(toWaiting(entry));
}

/**
 * The tab's own load of the page is still under way (a slow answer: a gateway may take 100 s to give up): it is never
 * cut short. That load stands for the try, and its outcome is the try's; the incident waits a full outcome timeout
 * again. Past `MAX_LOADING_WAIT_MS` since it started, the tab leaves the incident instead, its load left alone.
 */
function onReloadDeferred(m: Mutation, tabId: number, loadingSince: number): void {
  const entry = m.tab(tabId);
  if (entry === undefined || entry.status !== 'reloading') return;
  const since = Math.min(entry.loadingSince ?? loadingSince, m.ctx.now);
  if (m.ctx.now - since >= MAX_LOADING_WAIT_MS) {
    m.detach(tabId);
    return;
  }
  m.putTab(toReloading(entry, entry.requestId, since));
  const incident = m.incident(entry.incidentId);
  if (!awaitsReloadOf(incident, tabId)) return;
  // `at` is when the load started: a new worker that reads the tab's document (`recoverLostOutcomes`) then takes a
  // document of this load as its outcome.
  incident.awaiting = { kind: 'reload', tabId, at: since };
  incident.nextAt = m.ctx.now + m.ctx.policy.outcomeTimeoutMs;
}

function onDue(m: Mutation, online: boolean): void {
  const { now } = m.ctx;
  // The live list: an incident that ends is replaced at its place, and is then no longer active.
  for (const incident of m.state.incidents) {
    if (!isActive(incident) || incident.nextAt > now) continue;
    if (incident.awaiting !== null) {
      // No outcome arrived in time (event lost, page stuck): count the try as failed and move on.
      if (incident.awaiting.kind === 'reload') {
        const entry = m.tab(incident.awaiting.tabId);
        // The load may be slow rather than lost: its tab is not reloaded over it while it is still under way.
        if (entry?.status === 'reloading') m.putTab(toWaiting(entry, undefined, entry.loadingSince ?? incident.awaiting.at));
      }
      m.tryFailed(incident);
      if (incident.nextAt > now) continue;
    }
    m.step(incident, online);
  }
}

function onProbeResult(m: Mutation, incidentId: string, outcome: ProbeOutcome): void {
  const incident = m.incident(incidentId);
  if (incident === undefined || !isActive(incident) || incident.awaiting?.kind !== 'probe') return;
  if (outcome.kind === 'network-error') {
    m.tryFailed(incident);
    return;
  }
  if (outcome.kind === 'gateway-error') {
    incident.code = outcome.code;
    incident.errors = withLoggedError(incident.errors, { at: m.ctx.now, code: outcome.code, probe: true });
    delete incident.answer;
    m.tryFailed(incident, outcome.retryAfterMs);
    return;
  }
  // "Back" is proven by a tab, never assumed from a probe (issue 13): what the probe got decides what comes next.
  const kind = judgeAnswer({ code: outcome.code, challenge: outcome.challenge === true });
  const before = incident.answer;
  incident.answer = { kind, code: outcome.code, at: m.ctx.now };
  switch (kind) {
    case 'busy':
      // 429: the site answers but asks to wait: no reload, the next probe after its Retry-After.
      m.tryFailed(incident, outcome.retryAfterMs);
      return;
    case 'works':
      // Cookieless like the probe: a page here proves nothing for the tab that fails with its cookies.
      if (incident.quiet === 'cookies') m.tryFailed(incident);
      else m.reloadToConfirm(incident);
      return;
    case 'challenge':
      // A bot check stands before the origin for every probe: the tabs (which can pass it) have to look, at the
      // backoff's pace and within the hourly cap.
      m.reloadToConfirm(incident);
      return;
    case 'server-error':
    case 'other':
      // The site answers again with an error of its own: one reload shows the tabs what it says; then no more for
      // the same answer, however often the probes get it.
      if (before?.kind === kind && before.reloaded === true) {
        incident.answer = { ...incident.answer, reloaded: true };
        m.tryFailed(incident);
        return;
      }
      incident.answer = { ...incident.answer, reloaded: true };
      m.reloadToConfirm(incident);
      return;
  }
}

/** Records the cookieless comparison on its incident, whatever its phase now (the popup still explains an ended one). */
function onCookielessResult(m: Mutation, incidentId: string, answer: CookielessAnswer): void {
  const incident = m.incident(incidentId);
  // Only the outcome asked for, once: a duplicate (or one nobody asked for) changes nothing.
  if (incident === undefined || incident.cookieless?.result !== 'pending') return;
  // Nothing to tell yet: a `normal` outcome counts once a tab fails again with its cookies (`refreshError`).
  incident.cookieless = judgeCookieless(answer, m.ctx.now);
}

function onDismissed(m: Mutation, incidentId: string): void {
  const incident = m.incident(incidentId);
  // Only a notification still under way: a "back" that is dismissed has nothing after it.
  if (incident === undefined || !isActive(incident) || incident.dismissed === true) return;
  incident.dismissed = true;
}

function onKeepWatching(m: Mutation, tabId: number): void {
  const entry = m.tab(tabId);
  const incident = entry === undefined ? undefined : m.incident(entry.incidentId);
  // A page that was never retried (a form, a never-retry site) is not watched either; nor a site that answers only
  // without this browser's cookies: its cookieless probes get a page every time, and would run for a day for nothing.
  if (incident === undefined || !isActive(incident) || incident.keepWatching === true || incident.quiet === 'cookies') return;
  // Watching without a tab takes probes from the regular profile: never for a private window's site.
  if (incident.incognito === true) return;
  incident.keepWatching = true;
  m.notify(incident, false);
}

function onDiscarded(m: Mutation, tabId: number, discarded: boolean): void {
  const entry = m.tab(tabId);
  if (entry === undefined) return;
  if (entry.status === 'reloading' && discarded) {
    // Discarded while our reload was under way: the browser dropped the load, so no outcome will come for it. The try
    // counts as failed now rather than at the outcome timeout, and the tab waits, discarded, for the probes. A reload
    // that proved an ended incident back has no one to wait for: the tab settles (it shows the site when loaded).
    const incident = m.incident(entry.incidentId);
    if (incident === undefined || !isActive(incident)) {
      m.putTab(toSettled(entry));
      return;
    }
    m.putTab({ ...toWaiting(entry), discarded: true });
    if (awaitsReloadOf(incident, tabId)) m.tryFailed(incident);
    return;
  }
  if (entry.status !== 'waiting' || (entry.discarded === true) === discarded) return;
  m.putTab(discarded ? { ...entry, discarded: true } : toWaiting(entry, entry.requestId));
}

function onReplacedDiscarded(m: Mutation, tabId: number, newTabId: number): void {
  m.forgetSubresourceErrors(tabId);
  const entry = m.tab(tabId);
  if (entry === undefined) return;
  // The new id already has an entry of its own (events of the new tab came first): that one is the truth for it, and
  // the old id is gone like a closed tab.
  if (m.tab(newTabId) !== undefined) {
    m.detach(tabId);
    return;
  }
  // The entry moves to the new id as it was (a reload we await included), then the discard applies to it.
  delete m.state.tabs[String(tabId)];
  m.putTab({ ...entry, tabId: newTabId });
  const incident = m.incident(entry.incidentId);
  if (awaitsReloadOf(incident, tabId)) {
    const awaiting = incident.awaiting;
    if (awaiting?.kind === 'reload') incident.awaiting = { ...awaiting, tabId: newTabId };
  }
  m.badge(tabId);
  onDiscarded(m, newTabId, true);
  m.badge(newTabId);
}

function onCancel(m: Mutation, incidentId: string): void {
  const incident = m.incident(incidentId);
  if (incident === undefined || !isActive(incident)) return;
  m.end(incident, 'cancelled');
}

function onRetryNow(m: Mutation, tabId: number): void {
  const entry = m.tab(tabId);
  if (entry === undefined) return;
  const incident = m.incident(entry.incidentId);
  if (incident === undefined || !isSafeMethod(incident.method)) return;
  if (isActive(incident)) {
    if (entry.status === 'reloading' || entry.status === 'navigating') return;
    m.reload(incident, entry);
    return;
  }
  // An ended incident: the user asks on purpose, so reload once. The tab stays with it (settled, so nothing here
  // retries it) until the outcome: a page that works detaches it, a new error starts a new incident, and
  // meanwhile the popup still shows what failed.
  m.effects.push({ type: 'reload', tabId, url: entry.url });
}

/** Tab events for a tab that has neither an incident nor recorded sub-resource errors change nothing. */
function concernsNothing(state: RecoveryState, event: RecoveryEvent): boolean {
  switch (event.type) {
    case 'main-frame-start':
    case 'main-frame-answered':
    case 'main-frame-failed':
    case 'tab-url-changed':
    case 'tab-closed':
    case 'reload-refused':
    case 'reload-not-sent':
    case 'reload-deferred':
    case 'retry-now':
    case 'keep-watching':
    case 'tab-discarded':
    case 'tab-replaced-discarded':
      return (
        state.tabs[String(event.tabId)] === undefined &&
        !(state.subresourceErrors ?? []).some((x) => x.tabId === event.tabId)
      );
    // A flood of failing frames changes nothing past the per-tab bound: no copy, no write.
    case 'subresource-error':
      return !recordsSubresourceError(state, event.tabId, event.origin);
    // Every private window closing is told; only one that leaves something private behind changes the state.
    case 'private-windows-closed':
      return withoutPrivate(state) === state;
    default:
      return false;
  }
}

/**
 * True when an outcome belongs to an earlier request than the one that now owns the tab (ours or the user's), e.g.
 * our reload's 502 arriving after the user had started another navigation in the tab.
 */
function isStale(entry: TabEntry, requestId: string | undefined): boolean {
  const owner = entry.status === 'settled' ? undefined : entry.requestId;
  return owner !== undefined && requestId !== undefined && requestId !== owner;
}

/**
 * Chromium `net::ERR_ABORTED`, Firefox `NS_BINDING_ABORTED`: the user stopped or replaced the navigation, or the
 * browser dropped the load (the tab closed or discarded).
 */
export function isAbort(error: string): boolean {
  return /ERR_ABORTED|NS_BINDING_ABORTED|NS_ERROR_ABORT/i.test(error);
}
