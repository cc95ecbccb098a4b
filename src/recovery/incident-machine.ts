/**
 * The incident state machine: one incident per site (origin), tabs attached to it, driven by events and a clock.
 *
 * {@link reduce} is pure: it takes the persisted {@link RecoveryState}, one {@link RecoveryEvent} and the
 * {@link MachineContext}, and returns the next state plus the {@link Effect}s the extension must carry out
 * (reload a tab, probe a URL, redraw a notification or badge). The state is plain JSON so it can live in
 * `storage.session` and survive the MV3 service worker being stopped at any moment.
 *
 * Invariants (checked by the unit tests):
 * - at most one active incident per origin; a tab belongs to at most one incident;
 * - only tabs whose page came from GET/HEAD are ever reloaded, and only while they still show the failed page;
 * - one try stream per incident however many tabs wait: one lead tab is reloaded (or one background probe sent), and
 *   the other tabs are reloaded once, when the site answers again;
 * - every active incident has a `nextAt`, and every incident ends (recovered, gave up, cancelled, abandoned).
 */
import { isSafeMethod, type GatewayInfo } from './classify';
import { isSamePage, parsePageAddress } from '../shared/page-address';
import { nextDelayMs, type Random, type RecoveryPolicy } from './schedule';

/** Phases while work is under way. */
export type ActivePhase = 'retrying' | 'watching';
/** Phases after which the incident does nothing more by itself. */
export type EndPhase = 'recovered' | 'gave-up' | 'cancelled' | 'abandoned' | 'not-retried';
export type IncidentPhase = ActivePhase | EndPhase;

/** Why an incident was recorded but never retried. */
export type NotRetriedReason = 'non-get' | 'never-retry';

export interface Incident {
  /** Unique id, also the notification id. */
  readonly id: string;
  readonly origin: string;
  readonly host: string;
  /** The failed page (latest one seen), fragment removed. */
  url: string;
  /** The latest gateway status seen. */
  code: number;
  method: string;
  gateway: GatewayInfo;
  /** Epoch ms. */
  readonly startedAt: number;
  phase: IncidentPhase;
  notRetriedReason?: NotRetriedReason;
  /** Visible reloads issued by us. */
  attempts: number;
  /** Background probes issued in watch mode. */
  probes: number;
  /** When the next step is due, epoch ms; `null` once ended. */
  nextAt: number | null;
  /** A reload or probe sent and not yet answered; `nextAt` is then its timeout. */
  awaiting: null | { readonly kind: 'reload'; readonly tabId: number; readonly at: number } | { readonly kind: 'probe'; readonly at: number };
  /** The latest `Retry-After` honoured, ms. */
  retryAfterMs?: number;
  /** True while tries are held back because the browser is offline. */
  offline?: boolean;
  /** Epoch ms when the incident ended. */
  endedAt?: number;
}

/** What a tab attached to an incident is doing. */
export type TabStatus =
  /** Shows the failed page; may be reloaded by us. */
  | 'waiting'
  /** We reloaded it and wait for the outcome. */
  | 'reloading'
  /** The user started a navigation in it: hands off until its outcome. */
  | 'navigating'
  /** Its incident ended; kept so the popup can tell what happened, until the tab moves on. */
  | 'settled';

export interface TabEntry {
  readonly tabId: number;
  incidentId: string;
  /** The page the tab shows (or our reload is loading), fragment removed. */
  url: string;
  status: TabStatus;
  /** Epoch ms when the tab attached. */
  readonly since: number;
  /**
   * webRequest id of the request that owns the tab now: our reload (to tell its redirects from a new navigation by
   * the user) or the user's navigation (so a late outcome of an earlier request is not mistaken for it).
   */
  requestId?: string;
  /** Epoch ms when the user's navigation started; read only while the status is `navigating`. */
  navigatingSince?: number;
}

/** A gateway error of a frame or sub-resource (image, script, ...): recorded, never a reason to reload the tab. */
export interface SubresourceError {
  readonly tabId: number;
  readonly host: string;
  readonly code: number;
  readonly scope: 'sub-frame' | 'sub-resource';
  /** Epoch ms. */
  readonly at: number;
}

/** Everything recovery remembers; plain JSON. */
export interface RecoveryState {
  incidents: Incident[];
  /** Keyed by tab id. */
  tabs: Record<string, TabEntry>;
  /** Sub-resource gateway errors of the pages tabs show now, oldest first, at most {@link MAX_SUBRESOURCE_ERRORS}. */
  subresourceErrors?: SubresourceError[];
}

export const EMPTY_STATE: RecoveryState = { incidents: [], tabs: {} };

/** Sub-resource errors kept over all tabs, at most. */
export const MAX_SUBRESOURCE_ERRORS = 50;

/** Outcome of a background probe. */
export type ProbeOutcome =
  | { readonly kind: 'gateway-error'; readonly code: number; readonly retryAfterMs?: number }
  | { readonly kind: 'answered'; readonly code: number }
  | { readonly kind: 'network-error'; readonly reason: string };

export type RecoveryEvent =
  | {
      readonly type: 'gateway-error';
      readonly tabId: number;
      readonly url: string;
      readonly method: string;
      readonly code: number;
      readonly gateway: GatewayInfo;
      readonly retryAfterMs?: number;
      /** The site is on the user's never-retry list. */
      readonly neverRetry?: boolean;
      readonly requestId?: string;
    }
  | { readonly type: 'main-frame-answered'; readonly tabId: number; readonly url: string; readonly code: number; readonly requestId?: string }
  | { readonly type: 'main-frame-start'; readonly tabId: number; readonly url: string; readonly requestId?: string }
  | {
      readonly type: 'subresource-error';
      readonly tabId: number;
      readonly origin: string;
      readonly host: string;
      readonly code: number;
      readonly scope: 'sub-frame' | 'sub-resource';
    }
  | { readonly type: 'main-frame-failed'; readonly tabId: number; readonly url: string; readonly error: string; readonly requestId?: string }
  | { readonly type: 'tab-url-changed'; readonly tabId: number; readonly url: string }
  | { readonly type: 'tab-closed'; readonly tabId: number }
  /** A `reload` effect found the tab closed or showing another page: the user left, so the tab stops waiting. */
  | { readonly type: 'reload-refused'; readonly tabId: number }
  /**
   * The reload the incident awaits never started: a worker recorded it and stopped before the browser acted on it
   * (the tab still shows the document from before the reload). The try is taken back and made again.
   */
  | { readonly type: 'reload-not-sent'; readonly tabId: number }
  /** A timer or alarm fired; also sent on wake and when the browser comes back online. */
  | { readonly type: 'due'; readonly online: boolean }
  | { readonly type: 'probe-result'; readonly incidentId: string; readonly outcome: ProbeOutcome }
  | { readonly type: 'cancel'; readonly incidentId: string }
  /** The user asked for a retry now, in this tab. */
  | { readonly type: 'retry-now'; readonly tabId: number };

export type Effect =
  /** Reload the tab with the cache bypassed, but only if it still shows `url` (else report `reload-refused`). */
  | { readonly type: 'reload'; readonly tabId: number; readonly url: string }
  /** Send one background GET to `url`, cache bypassed, and report a `probe-result`. */
  | { readonly type: 'probe'; readonly incidentId: string; readonly url: string }
  /**
   * Redraw this incident's notification from the state (or clear it). `phaseChanged` is false for a mere attempt
   * update, which should not pop a notification the user already dismissed.
   */
  | { readonly type: 'notify'; readonly incidentId: string; readonly phaseChanged: boolean }
  /** Redraw this tab's badge from the state. */
  | { readonly type: 'badge'; readonly tabId: number };

export interface MachineContext {
  readonly now: number;
  readonly policy: RecoveryPolicy;
  readonly random: Random;
}

export interface Transition {
  readonly state: RecoveryState;
  readonly effects: Effect[];
}

/** Ended incidents kept for the popup (and later the history), at most. */
export const MAX_ENDED_INCIDENTS = 20;
/** An ended incident with no tab left is dropped after this long, ms. */
export const ENDED_RETENTION_MS = 10 * 60_000;

export function isActive(incident: Incident): boolean {
  return incident.phase === 'retrying' || incident.phase === 'watching';
}

/** The earliest `nextAt` over active incidents, epoch ms, or `null` when nothing is scheduled. */
export function nextWake(state: RecoveryState): number | null {
  let at: number | null = null;
  for (const i of state.incidents) {
    if (isActive(i) && i.nextAt !== null && (at === null || i.nextAt < at)) at = i.nextAt;
  }
  return at;
}

/** The incident a tab is attached to, if any. */
export function incidentForTab(state: RecoveryState, tabId: number): Incident | undefined {
  const entry = state.tabs[String(tabId)];
  return entry === undefined ? undefined : state.incidents.find((i) => i.id === entry.incidentId);
}

/** Tabs attached to an incident, oldest first. */
export function tabsOf(state: RecoveryState, incidentId: string): TabEntry[] {
  return Object.values(state.tabs)
    .filter((t) => t.incidentId === incidentId)
    .sort((a, b) => a.since - b.since || a.tabId - b.tabId);
}

/**
 * Applies one event. Pure: `state` is not modified. When the event concerns nothing the state knows, the same
 * `state` object comes back (so callers can skip the write by identity).
 */
export function reduce(state: RecoveryState, event: RecoveryEvent, ctx: MachineContext): Transition {
  // Every navigation of every tab comes through here; most concern no incident. Answer those without copying.
  if (concernsNothing(state, event)) return { state, effects: [] };
  const m = new Mutation(structuredClone(state), ctx);
  m.apply(event);
  m.prune();
  return { state: m.state, effects: m.effects };
}

class Mutation {
  readonly effects: Effect[] = [];

  constructor(
    readonly state: RecoveryState,
    private readonly ctx: MachineContext,
  ) {}

  apply(e: RecoveryEvent): void {
    switch (e.type) {
      case 'gateway-error':
        return this.onGatewayError(e);
      case 'main-frame-answered':
        return this.onAnswered(e.tabId, e.url, e.requestId);
      case 'main-frame-start':
        this.forgetSubresourceErrors(e.tabId);
        return this.onStart(e.tabId, e.requestId);
      case 'subresource-error':
        return this.onSubresourceError(e);
      case 'main-frame-failed':
        return this.onFailed(e.tabId, e.url, e.error, e.requestId);
      case 'tab-url-changed':
        return this.onUrlChanged(e.tabId, e.url);
      case 'tab-closed':
        this.forgetSubresourceErrors(e.tabId);
        return this.detach(e.tabId);
      case 'reload-refused':
        return this.detach(e.tabId);
      case 'reload-not-sent':
        return this.onReloadNotSent(e.tabId);
      case 'due':
        return this.onDue(e.online);
      case 'probe-result':
        return this.onProbeResult(e.incidentId, e.outcome);
      case 'cancel':
        return this.onCancel(e.incidentId);
      case 'retry-now':
        return this.onRetryNow(e.tabId);
    }
  }

  // ---- events ------------------------------------------------------------------------------------------------

  private onGatewayError(e: Extract<RecoveryEvent, { type: 'gateway-error' }>): void {
    const address = parsePageAddress(e.url);
    if (address === null) return;
    const { now } = this.ctx;
    const entry = this.tab(e.tabId);
    const active = this.activeFor(address.origin);

    if (!isSafeMethod(e.method)) {
      // Never re-sent: the tab leaves any incident and gets a record of its own, so no recovery reloads it.
      this.detach(e.tabId);
      const record = this.newIncident(address, e, 'not-retried');
      record.notRetriedReason = 'non-get';
      record.endedAt = now;
      this.attach(e.tabId, record, address.page, 'settled');
      this.notify(record);
      return;
    }

    if (entry !== undefined && active !== undefined && entry.incidentId === active.id) {
      if (isStale(entry, e.requestId)) return;
      const ours = entry.status === 'reloading' && awaitsReloadOf(active, e.tabId);
      entry.url = address.page;
      entry.status = 'waiting';
      delete entry.requestId;
      this.refreshError(active, e);
      if (ours) this.tryFailed(active, e.retryAfterMs);
      this.badge(e.tabId);
      return;
    }

    this.detach(e.tabId);
    if (active !== undefined) {
      this.refreshError(active, e);
      this.attach(e.tabId, active, address.page, 'waiting');
      return;
    }
    if (e.neverRetry === true) {
      const record = this.newIncident(address, e, 'not-retried');
      record.notRetriedReason = 'never-retry';
      record.endedAt = now;
      this.attach(e.tabId, record, address.page, 'settled');
      return;
    }
    const incident = this.newIncident(address, e, 'retrying');
    incident.nextAt = now + nextDelayMs(0, this.ctx.policy, this.ctx.random, e.retryAfterMs);
    this.attach(e.tabId, incident, address.page, 'waiting');
    this.notify(incident);
  }

  private onAnswered(tabId: number, url: string, requestId: string | undefined): void {
    const entry = this.tab(tabId);
    if (entry === undefined || isStale(entry, requestId)) return;
    const incident = this.incident(entry.incidentId);
    const ourReload = entry.status === 'reloading';
    if (incident !== undefined && isActive(incident) && (ourReload || isSamePage(url, entry.url))) {
      this.recover(incident, tabId);
      return;
    }
    if (incident !== undefined && ourReload) {
      // The reload a recovery made: the tab shows the site again and keeps the incident it came back from (the
      // popup says it is back, and after how long) until its next page.
      entry.status = 'settled';
      delete entry.requestId;
      return;
    }
    // The tab moved on to another page that works: it no longer waits for this site.
    this.detach(tabId);
  }

  private onSubresourceError(e: Extract<RecoveryEvent, { type: 'subresource-error' }>): void {
    // Parts of the site's own error page failing too are the same outage, already told as an incident.
    if (this.incident(this.tab(e.tabId)?.incidentId ?? '')?.origin === e.origin) return;
    const list = (this.state.subresourceErrors ??= []);
    list.push({ tabId: e.tabId, host: e.host, code: e.code, scope: e.scope, at: this.ctx.now });
    if (list.length > MAX_SUBRESOURCE_ERRORS) list.splice(0, list.length - MAX_SUBRESOURCE_ERRORS);
  }

  /** A new document in the tab (or no tab): what its previous page's parts answered no longer applies. */
  private forgetSubresourceErrors(tabId: number): void {
    const list = this.state.subresourceErrors;
    if (list === undefined || !list.some((x) => x.tabId === tabId)) return;
    const kept = list.filter((x) => x.tabId !== tabId);
    if (kept.length > 0) this.state.subresourceErrors = kept;
    else delete this.state.subresourceErrors;
  }

  private onStart(tabId: number, requestId: string | undefined): void {
    const entry = this.tab(tabId);
    if (entry === undefined || entry.status === 'settled') return;
    if (entry.status === 'reloading') {
      // The first request after our reload is ours; later ones with the same id are its redirects.
      if (entry.requestId === undefined || requestId === undefined || entry.requestId === requestId) {
        if (requestId !== undefined) entry.requestId = requestId;
        return;
      }
      // A different request: the user started a navigation over our reload, which the browser aborts.
      const incident = this.incident(entry.incidentId);
      if (awaitsReloadOf(incident, tabId)) this.tryFailed(incident);
    }
    entry.status = 'navigating';
    entry.navigatingSince = this.ctx.now;
    // The user's request now owns the tab: a late answer to an earlier one must not hand the tab back to us.
    if (requestId !== undefined) entry.requestId = requestId;
    else delete entry.requestId;
  }

  private onFailed(tabId: number, url: string, error: string, requestId: string | undefined): void {
    const entry = this.tab(tabId);
    if (entry === undefined || isStale(entry, requestId)) return;
    const incident = this.incident(entry.incidentId);
    if (entry.status === 'reloading') {
      if (isAbort(error)) {
        // The user pressed Stop (or replaced our reload): like Chromium's auto-reload, a Stop ends retrying here.
        this.detach(tabId);
        return;
      }
      // A recovery's reload that got no answer: the incident is over, and what the tab shows now is not known.
      if (incident === undefined || !isActive(incident)) {
        this.detach(tabId);
        return;
      }
      // The try got no HTTP answer at all (connection refused, timeout): the site is still unreachable.
      entry.status = 'waiting';
      delete entry.requestId;
      if (awaitsReloadOf(incident, tabId)) this.tryFailed(incident);
      return;
    }
    if (entry.status === 'navigating') {
      if (isSamePage(url, entry.url) && incident !== undefined && isActive(incident) && !isAbort(error)) {
        entry.status = 'waiting';
      } else {
        this.detach(tabId);
      }
    }
  }

  private onUrlChanged(tabId: number, url: string): void {
    const entry = this.tab(tabId);
    if (entry === undefined || isSamePage(url, entry.url)) return;
    // While a request is in flight its own outcome decides (a redirect commits a new URL too).
    if (entry.status === 'reloading' || entry.status === 'navigating') return;
    this.detach(tabId);
  }

  private onReloadNotSent(tabId: number): void {
    const entry = this.tab(tabId);
    const incident = entry === undefined ? undefined : this.incident(entry.incidentId);
    if (entry === undefined || entry.status !== 'reloading' || !awaitsReloadOf(incident, tabId) || !isActive(incident)) return;
    incident.attempts = Math.max(0, incident.attempts - 1);
    incident.awaiting = null;
    incident.nextAt = this.ctx.now;
    entry.status = 'waiting';
    delete entry.requestId;
  }

  private onDue(online: boolean): void {
    const { now } = this.ctx;
    for (const incident of this.state.incidents) {
      if (!isActive(incident) || incident.nextAt === null || incident.nextAt > now) continue;
      if (incident.awaiting !== null) {
        // No outcome arrived in time (event lost, page stuck): count the try as failed and move on.
        if (incident.awaiting.kind === 'reload') {
          const entry = this.tab(incident.awaiting.tabId);
          if (entry !== undefined && entry.status === 'reloading') {
            entry.status = 'waiting';
            delete entry.requestId;
          }
        }
        this.tryFailed(incident);
        if (incident.nextAt !== null && incident.nextAt > now) continue;
      }
      this.step(incident, online);
    }
  }

  private onProbeResult(incidentId: string, outcome: ProbeOutcome): void {
    const incident = this.incident(incidentId);
    if (incident === undefined || !isActive(incident) || incident.awaiting?.kind !== 'probe') return;
    if (outcome.kind === 'answered') {
      this.recover(incident, undefined);
      return;
    }
    if (outcome.kind === 'gateway-error') incident.code = outcome.code;
    this.tryFailed(incident, outcome.kind === 'gateway-error' ? outcome.retryAfterMs : undefined);
  }

  private onCancel(incidentId: string): void {
    const incident = this.incident(incidentId);
    if (incident === undefined || !isActive(incident)) return;
    this.end(incident, 'cancelled');
  }

  private onRetryNow(tabId: number): void {
    const entry = this.tab(tabId);
    if (entry === undefined) return;
    const incident = this.incident(entry.incidentId);
    if (incident === undefined || !isSafeMethod(incident.method)) return;
    if (isActive(incident)) {
      if (entry.status === 'reloading' || entry.status === 'navigating') return;
      this.reload(incident, entry);
      return;
    }
    // An ended incident: the user asks on purpose, so reload once. The tab stays with it (settled, so nothing here
    // retries it) until the outcome: a page that works detaches it, a new error starts a new incident, and
    // meanwhile the popup still shows what failed.
    this.effects.push({ type: 'reload', tabId, url: entry.url });
  }

  // ---- steps -------------------------------------------------------------------------------------------------

  /** Runs the due step of an active incident: one visible reload, or one probe, or give up. */
  private step(incident: Incident, online: boolean): void {
    const { now, policy } = this.ctx;
    if (!online) {
      if (incident.offline !== true) this.notify(incident, false);
      incident.offline = true;
      incident.nextAt = now + policy.offlineRecheckMs;
      return;
    }
    delete incident.offline;
    if (now - incident.startedAt >= policy.giveUpAfterMs) {
      this.end(incident, 'gave-up');
      return;
    }
    if (incident.phase === 'retrying') {
      const tabs = tabsOf(this.state, incident.id);
      for (const t of tabs) {
        // A navigation of the user's with no outcome for this long was lost (a download, a missed event): the tab
        // shows the failed page again as far as we know, and the reload checks its URL first anyway.
        if (t.status === 'navigating' && now - (t.navigatingSince ?? 0) >= policy.outcomeTimeoutMs) t.status = 'waiting';
      }
      const lead = tabs.find((t) => t.status === 'waiting');
      if (lead === undefined) {
        // Every tab is busy with a navigation of the user's: its outcome will decide; look again later.
        incident.nextAt = now + policy.outcomeTimeoutMs;
        return;
      }
      this.reload(incident, lead);
      return;
    }
    incident.probes += 1;
    incident.awaiting = { kind: 'probe', at: now };
    incident.nextAt = now + policy.outcomeTimeoutMs;
    this.effects.push({ type: 'probe', incidentId: incident.id, url: incident.url });
  }

  private reload(incident: Incident, entry: TabEntry): void {
    const { now, policy } = this.ctx;
    incident.attempts += 1;
    incident.awaiting = { kind: 'reload', tabId: entry.tabId, at: now };
    incident.nextAt = now + policy.outcomeTimeoutMs;
    entry.status = 'reloading';
    delete entry.requestId;
    this.effects.push({ type: 'reload', tabId: entry.tabId, url: entry.url });
    this.notify(incident, false);
  }

  /** A reload or probe failed (or timed out): schedule the next one, switching to watch mode past the cap. */
  private tryFailed(incident: Incident, retryAfterMs?: number): void {
    const { now, policy, random } = this.ctx;
    incident.awaiting = null;
    if (retryAfterMs !== undefined) incident.retryAfterMs = retryAfterMs;
    const toWatch = incident.phase === 'retrying' && incident.attempts >= policy.maxVisibleRetries;
    if (toWatch) incident.phase = 'watching';
    const failures = incident.attempts + incident.probes;
    incident.nextAt = now + nextDelayMs(failures, policy, random, retryAfterMs);
    this.notify(incident, toWatch);
  }

  private recover(incident: Incident, answeredTabId: number | undefined): void {
    // Tabs still showing the error get one reload each; tabs the user is navigating are left to the user.
    const waiting = tabsOf(this.state, incident.id).filter((t) => t.status === 'waiting' && t.tabId !== answeredTabId);
    this.end(incident, 'recovered');
    for (const entry of waiting) {
      // Marked as ours, so its answer is known as the recovery's (see onAnswered) rather than a page of the user's.
      entry.status = 'reloading';
      this.effects.push({ type: 'reload', tabId: entry.tabId, url: entry.url });
    }
  }

  private end(incident: Incident, phase: EndPhase): void {
    incident.phase = phase;
    incident.endedAt = this.ctx.now;
    incident.nextAt = null;
    incident.awaiting = null;
    delete incident.offline;
    for (const entry of tabsOf(this.state, incident.id)) {
      entry.status = 'settled';
      delete entry.requestId;
      this.badge(entry.tabId);
    }
    this.notify(incident);
  }

  // ---- bookkeeping -------------------------------------------------------------------------------------------

  private newIncident(
    address: { origin: string; host: string; page: string },
    e: { code: number; method: string; gateway: GatewayInfo; retryAfterMs?: number },
    phase: IncidentPhase,
  ): Incident {
    const { now } = this.ctx;
    const incident: Incident = {
      id: `incident-${now.toString(36)}-${Math.floor(this.ctx.random() * 2 ** 32).toString(36)}`,
      origin: address.origin,
      host: address.host,
      url: address.page,
      code: e.code,
      method: e.method.toUpperCase(),
      gateway: e.gateway,
      startedAt: now,
      phase,
      attempts: 0,
      probes: 0,
      nextAt: null,
      awaiting: null,
      ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
    };
    this.state.incidents.push(incident);
    return incident;
  }

  private refreshError(incident: Incident, e: { url: string; code: number; gateway: GatewayInfo }): void {
    const page = parsePageAddress(e.url);
    if (page !== null) incident.url = page.page;
    incident.code = e.code;
    incident.gateway = e.gateway;
  }

  private attach(tabId: number, incident: Incident, url: string, status: TabStatus): void {
    this.state.tabs[String(tabId)] = { tabId, incidentId: incident.id, url, status, since: this.ctx.now };
    this.badge(tabId);
  }

  /** Removes a tab from its incident; an active incident left with no tab is abandoned (no one is waiting). */
  private detach(tabId: number): void {
    const entry = this.tab(tabId);
    if (entry === undefined) return;
    delete this.state.tabs[String(tabId)];
    this.badge(tabId);
    const incident = this.incident(entry.incidentId);
    if (incident === undefined || !isActive(incident)) return;
    if (awaitsReloadOf(incident, tabId)) {
      incident.awaiting = null;
      incident.nextAt = this.ctx.now + nextDelayMs(incident.attempts + incident.probes, this.ctx.policy, this.ctx.random, incident.retryAfterMs);
    }
    if (tabsOf(this.state, incident.id).length === 0) this.end(incident, 'abandoned');
  }

  /** Drops ended incidents nobody looks at any more, oldest first, keeping at most {@link MAX_ENDED_INCIDENTS}. */
  prune(): void {
    const { now } = this.ctx;
    const attached = new Set(Object.values(this.state.tabs).map((t) => t.incidentId));
    const ended = this.state.incidents.filter((i) => !isActive(i));
    const drop = new Set<string>();
    for (const i of ended) {
      if (!attached.has(i.id) && now - (i.endedAt ?? i.startedAt) > ENDED_RETENTION_MS) drop.add(i.id);
    }
    const kept = ended.filter((i) => !drop.has(i.id)).sort((a, b) => (a.endedAt ?? 0) - (b.endedAt ?? 0));
    for (const i of kept.slice(0, Math.max(0, kept.length - MAX_ENDED_INCIDENTS))) drop.add(i.id);
    if (drop.size === 0) return;
    this.state.incidents = this.state.incidents.filter((i) => !drop.has(i.id));
    for (const [key, t] of Object.entries(this.state.tabs)) if (drop.has(t.incidentId)) delete this.state.tabs[key];
  }

  private tab(tabId: number): TabEntry | undefined {
    return this.state.tabs[String(tabId)];
  }

  private incident(id: string): Incident | undefined {
    return this.state.incidents.find((i) => i.id === id);
  }

  private activeFor(origin: string): Incident | undefined {
    return this.state.incidents.find((i) => i.origin === origin && isActive(i));
  }

  private notify(incident: Incident, phaseChanged = true): void {
    const i = this.effects.findIndex((f) => f.type === 'notify' && f.incidentId === incident.id);
    const earlier = i >= 0 ? this.effects[i] : undefined;
    if (earlier?.type === 'notify') {
      this.effects[i] = { ...earlier, phaseChanged: earlier.phaseChanged || phaseChanged };
    } else {
      this.effects.push({ type: 'notify', incidentId: incident.id, phaseChanged });
    }
  }

  private badge(tabId: number): void {
    if (!this.effects.some((f) => f.type === 'badge' && f.tabId === tabId)) this.effects.push({ type: 'badge', tabId });
  }
}

/** True when `incident` waits for the outcome of its reload of `tabId`. */
function awaitsReloadOf(incident: Incident | undefined, tabId: number): incident is Incident {
  return incident?.awaiting?.kind === 'reload' && incident.awaiting.tabId === tabId;
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
    case 'retry-now':
      return (
        state.tabs[String(event.tabId)] === undefined &&
        !(state.subresourceErrors ?? []).some((x) => x.tabId === event.tabId)
      );
    default:
      return false;
  }
}

/**
 * True when an outcome belongs to an earlier request than the one that now owns the tab (ours or the user's), e.g.
 * our reload's 502 arriving after the user had started another navigation in the tab.
 */
function isStale(entry: TabEntry, requestId: string | undefined): boolean {
  return entry.requestId !== undefined && requestId !== undefined && requestId !== entry.requestId;
}

/** Chromium `net::ERR_ABORTED`, Firefox `NS_BINDING_ABORTED`: the user stopped or replaced the navigation. */
function isAbort(error: string): boolean {
  return /ERR_ABORTED|NS_BINDING_ABORTED|NS_ERROR_ABORT/i.test(error);
}
