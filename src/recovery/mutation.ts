/**
 * One step of the incident machine under way: the state being changed (a copy of the stored one), the effects asked
 * for so far, and the steps the events share (attach and detach a tab, make a try, count one as failed, recover,
 * end, prune, keep the list of sub-resource errors). The events themselves are in `incident-machine.ts`.
 *
 * Tab entries are never changed in place: each status change puts the entry a transition returns
 * (`transitions.ts`). An incident changes in place while it stays active and is replaced when it ends.
 */
import type { GatewayInfo } from './classify';
import type { Connection } from './connection';
import type { Effect, MachineContext, RecoveryEvent } from './events';
import { nextDelayMs } from './schedule';
import { isActive, MAX_SUBRESOURCE_ERRORS, recordsSubresourceError, tabsOf, type ActiveIncident, type EndedIncident, type Incident, type RecoveryState, type TabEntry } from './state-schema';
import { endIncident, enterWatch, toReloading, toSettled, toWaiting, type IncidentOrigin } from './transitions';

/** Ended incidents kept for the popup (and later the history), at most. */
export const MAX_ENDED_INCIDENTS = 20;
/** An ended incident with no tab left is dropped after this long, ms. */
export const ENDED_RETENTION_MS = 10 * 60_000;

export class Mutation {
  readonly effects: Effect[] = [];

  constructor(
    readonly state: RecoveryState,
    readonly ctx: MachineContext,
  ) {}

  // ---- lookups and puts --------------------------------------------------------------------------------------

  tab(tabId: number): TabEntry | undefined {
    return this.state.tabs[String(tabId)];
  }

  incident(id: string): Incident | undefined {
    return this.state.incidents.find((i) => i.id === id);
  }

  activeFor(origin: string): ActiveIncident | undefined {
    return this.state.incidents.find((i): i is ActiveIncident => i.origin === origin && isActive(i));
  }

  /** Puts `entry` (what a transition returned) in place of the tab's entry. */
  putTab<T extends TabEntry>(entry: T): T {
    this.state.tabs[String(entry.tabId)] = entry;
    return entry;
  }

  /** Puts `incident` (what a transition returned) in place of the one with its id, or adds it. */
  putIncident<T extends Incident>(incident: T): T {
    const n = this.state.incidents.findIndex((i) => i.id === incident.id);
    if (n >= 0) this.state.incidents[n] = incident;
    else this.state.incidents.push(incident);
    return incident;
  }

  /** A new incident's identity and error, starting now. Draws its id from the context's random source. */
  incidentOrigin(
    address: { origin: string; host: string; page: string },
    e: { code: number; method: string; gateway: GatewayInfo; retryAfterMs?: number; connection?: Connection },
  ): IncidentOrigin {
    const { now } = this.ctx;
    return {
      id: `incident-${now.toString(36)}-${Math.floor(this.ctx.random() * 2 ** 32).toString(36)}`,
      origin: address.origin,
      host: address.host,
      url: address.page,
      code: e.code,
      method: e.method,
      gateway: e.gateway,
      startedAt: now,
      ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
      ...(e.connection !== undefined ? { connection: e.connection } : {}),
    };
  }

  attach(tabId: number, incident: Incident, url: string, status: 'waiting' | 'settled'): void {
    const base = { tabId, incidentId: incident.id, url, since: this.ctx.now };
    this.putTab(status === 'waiting' ? toWaiting(base) : toSettled(base));
    this.badge(tabId);
  }

  /** Removes a tab from its incident; an active incident left with no tab is abandoned (no one is waiting). */
  detach(tabId: number): void {
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

  refreshError(incident: Incident, e: { url: string; code: number; gateway: GatewayInfo; connection?: Connection }, page: string | null): void {
    if (page !== null) incident.url = page;
    incident.code = e.code;
    incident.gateway = e.gateway;
    // An answer from the cache has no address: what the browser last really connected to still stands.
    if (e.connection !== undefined) incident.connection = e.connection;
    // A tab fails with its cookies after the site answered without them: the finding stands (see cookieless.ts).
    const bare = incident.cookieless;
    if (bare?.result === 'normal' && bare.confirmedAt === undefined && this.ctx.now >= bare.at) {
      incident.cookieless = { ...bare, confirmedAt: this.ctx.now };
      this.notify(incident, false);
    }
  }

  // ---- steps -------------------------------------------------------------------------------------------------

  /** Runs the due step of an active incident: one visible reload, or one probe, or give up. */
  step(incident: ActiveIncident, online: boolean): void {
    const { now, policy } = this.ctx;
    const tabs = tabsOf(this.state, incident.id);
    if (tabs.length === 0) {
      // Only a stored state repaired on read (its tabs dropped) gets here: detach abandons an incident otherwise.
      this.end(incident, 'abandoned');
      return;
    }
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
    if (incident.phase === 'watching') {
      incident.probes += 1;
      incident.awaiting = { kind: 'probe', at: now };
      incident.nextAt = now + policy.outcomeTimeoutMs;
      this.effects.push({ type: 'probe', incidentId: incident.id, url: incident.url });
      return;
    }
    let lead: TabEntry | undefined;
    for (const t of tabs) {
      // A navigation of the user's with no outcome for this long was lost (a download, a missed event): the tab
      // shows the failed page again as far as we know, and the reload checks its URL first anyway.
      const entry = t.status === 'navigating' && now - t.navigatingSince >= policy.outcomeTimeoutMs ? this.putTab(toWaiting(t, t.requestId)) : t;
      if (lead === undefined && entry.status === 'waiting') lead = entry;
    }
    if (lead === undefined) {
      // Every tab is busy with a navigation of the user's: its outcome will decide; look again later.
      incident.nextAt = now + policy.outcomeTimeoutMs;
      return;
    }
    // The cookieless comparison of an incident whose error asked for a wait (`Retry-After`) goes with its first try.
    this.compareCookieless(incident, lead);
    this.reload(incident, lead);
  }

  /**
   * Asks for the incident's one cookieless comparison (see `cookieless.ts`), unless it was asked for already or the
   * page is not a GET (a HEAD's answer has no page to compare; anything else is never sent again).
   */
  compareCookieless(incident: Incident, entry: Pick<TabEntry, 'tabId' | 'url'>): void {
    if (incident.cookieless !== undefined || incident.method !== 'GET') return;
    incident.cookieless = { result: 'pending', at: this.ctx.now };
    this.effects.push({ type: 'compare-cookieless', incidentId: incident.id, tabId: entry.tabId, url: entry.url });
  }

  /** One visible try: reloads `entry`'s tab and awaits its outcome until the outcome timeout. */
  reload(incident: ActiveIncident, entry: TabEntry): void {
    const { now, policy } = this.ctx;
    incident.attempts += 1;
    incident.awaiting = { kind: 'reload', tabId: entry.tabId, at: now };
    incident.nextAt = now + policy.outcomeTimeoutMs;
    this.putTab(toReloading(entry));
    this.effects.push({ type: 'reload', tabId: entry.tabId, url: entry.url });
    this.notify(incident, false);
  }

  /**
   * A reload or probe failed (or timed out): schedule the next one, switching to watch mode past the cap.
   *
   * @param retryAfterMs - the failure's `Retry-After`, ms
   */
  tryFailed(incident: ActiveIncident, retryAfterMs?: number): void {
    const { now, policy, random } = this.ctx;
    incident.awaiting = null;
    if (retryAfterMs !== undefined) incident.retryAfterMs = retryAfterMs;
    const toWatch = incident.phase === 'retrying' && incident.attempts >= policy.maxVisibleRetries;
    if (toWatch) enterWatch(incident);
    const failures = incident.attempts + incident.probes;
    incident.nextAt = now + nextDelayMs(failures, policy, random, retryAfterMs);
    this.notify(incident, toWatch);
  }

  /** The site answered (in `answeredTabId`, or to a probe): the incident is recovered. */
  recover(incident: ActiveIncident, answeredTabId: number | undefined): void {
    // Tabs still showing the error get one reload each; tabs the user is navigating are left to the user.
    const waiting = tabsOf(this.state, incident.id).filter((t) => t.status === 'waiting' && t.tabId !== answeredTabId);
    this.end(incident, 'recovered');
    for (const entry of waiting) {
      // Marked as ours, so its answer is known as the recovery's (see onAnswered) rather than a page of the user's.
      this.putTab(toReloading(entry));
      this.effects.push({ type: 'reload', tabId: entry.tabId, url: entry.url });
    }
  }

  /** Ends `incident` (replaced in the state by its ended form) and settles its tabs. */
  end(incident: ActiveIncident, phase: Exclude<EndedIncident['phase'], 'not-retried'>): EndedIncident {
    const ended = this.putIncident(endIncident(incident, phase, this.ctx.now));
    for (const entry of tabsOf(this.state, incident.id)) {
      this.putTab(toSettled(entry));
      this.badge(entry.tabId);
    }
    this.notify(ended);
    return ended;
  }

  /** Drops ended incidents nobody looks at any more, oldest first, keeping at most {@link MAX_ENDED_INCIDENTS}. */
  prune(): void {
    const { now } = this.ctx;
    const attached = new Set(Object.values(this.state.tabs).map((t) => t.incidentId));
    const ended = this.state.incidents.filter((i): i is EndedIncident => !isActive(i));
    const drop = new Set<string>();
    for (const i of ended) {
      if (!attached.has(i.id) && now - i.endedAt > ENDED_RETENTION_MS) drop.add(i.id);
    }
    const kept = ended.filter((i) => !drop.has(i.id)).sort((a, b) => a.endedAt - b.endedAt);
    for (const i of kept.slice(0, Math.max(0, kept.length - MAX_ENDED_INCIDENTS))) drop.add(i.id);
    if (drop.size === 0) return;
    this.state.incidents = this.state.incidents.filter((i) => !drop.has(i.id));
    for (const [key, t] of Object.entries(this.state.tabs)) if (drop.has(t.incidentId)) delete this.state.tabs[key];
  }

  /** Records a gateway error of a part of the page `e.tabId` shows, keeping the newest {@link MAX_SUBRESOURCE_ERRORS}. */
  recordSubresourceError(e: Extract<RecoveryEvent, { type: 'subresource-error' }>): void {
    if (!recordsSubresourceError(this.state, e.tabId, e.origin)) return;
    const list = (this.state.subresourceErrors ??= []);
    list.push({ tabId: e.tabId, host: e.host, code: e.code, scope: e.scope, at: this.ctx.now });
    if (list.length > MAX_SUBRESOURCE_ERRORS) list.splice(0, list.length - MAX_SUBRESOURCE_ERRORS);
  }

  /** A new document in the tab (or no tab): what its previous page's parts answered no longer applies. */
  forgetSubresourceErrors(tabId: number): void {
    const list = this.state.subresourceErrors;
    if (list === undefined || !list.some((x) => x.tabId === tabId)) return;
    const kept = list.filter((x) => x.tabId !== tabId);
    if (kept.length > 0) this.state.subresourceErrors = kept;
    else delete this.state.subresourceErrors;
  }

  // ---- effects -----------------------------------------------------------------------------------------------

  notify(incident: { readonly id: string }, phaseChanged = true): void {
    const i = this.effects.findIndex((f) => f.type === 'notify' && f.incidentId === incident.id);
    const earlier = i >= 0 ? this.effects[i] : undefined;
    if (earlier?.type === 'notify') {
      this.effects[i] = { ...earlier, phaseChanged: earlier.phaseChanged || phaseChanged };
    } else {
      this.effects.push({ type: 'notify', incidentId: incident.id, phaseChanged });
    }
  }

  badge(tabId: number): void {
    if (!this.effects.some((f) => f.type === 'badge' && f.tabId === tabId)) this.effects.push({ type: 'badge', tabId });
  }
}

/** True when `incident` is active and waits for the outcome of its reload of `tabId`. */
export function awaitsReloadOf(incident: Incident | undefined, tabId: number): incident is ActiveIncident {
  return incident !== undefined && isActive(incident) && incident.awaiting?.kind === 'reload' && incident.awaiting.tabId === tabId;
}
