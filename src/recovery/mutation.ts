/**
 * One step of the incident machine under way: the state being changed (a copy of the stored one), the effects asked
 * for so far, and the steps the events share (attach and detach a tab, make a try, count one as failed, recover,
 * end, prune, keep the list of sub-resource errors). The events themselves are in `incident-machine.ts`.
 *
 * Tab entries are never changed in place: each status change puts the entry a transition returns
 * (`transitions.ts`). An incident changes in place while it stays active and is replaced when it ends.
 */
import { judgeAnswer, type HttpAnswer } from './answer';
import type { GatewayInfo } from './classify';
import type { Connection } from './connection';
import { withLoggedError, type ErrorResponse } from './error-response';
import type { Effect, MachineContext, RecoveryEvent } from './events';
import { isNeverRetry } from './never-retry';
import { nextDelayMs } from './schedule';
import {
  isActive,
  isOfSite,
  MAX_RELOAD_RECORDS,
  MAX_RELOADS_PER_HOUR,
  MAX_SUBRESOURCE_ERRORS,
  recordsSubresourceError,
  RELOAD_CAP_WINDOW_MS,
  tabsOf,
  withoutPrivate,
  type ActiveIncident,
  type EndedIncident,
  type Incident,
  type RecoveryState,
  type SiteKey,
  type TabEntry,
  type WaitingTab,
} from './state-schema';
import { endIncident, enterWatch, toReloading, toSettled, toWaiting, type IncidentOrigin } from './transitions';

/** Ended incidents kept for the popup (and later the history), at most. */
export const MAX_ENDED_INCIDENTS = 20;
/** An ended incident with no tab left is dropped after this long, ms. */
export const ENDED_RETENTION_MS = 10 * 60_000;
/**
 * A new gateway error on a site this soon after its incident recovered continues that incident (its backoff, its
 * notification) instead of starting a fresh schedule, ms: a site that comes back for a moment cannot make a loop
 * (issue 13, "No loops, by construction").
 */
export const REOPEN_WINDOW_MS = 10 * 60_000;
/**
 * Longest wait for a load still under way in a tab (from its start, `loadingSince`) before the incident lets the tab
 * go, ms; the load itself is never cut short. Firefox ends a request that got no response within 300 s itself
 * (`network.http.response.timeout`), and the slowest gateways in common use give up far sooner (Cloudflare's 524 at
 * 100 s, nginx's `proxy_read_timeout` and AWS ALB's idle timeout at 60 s by default), so a load past it is stuck, not
 * slow: nothing of the incident waits for it longer.
 */
export const MAX_LOADING_WAIT_MS = 300_000;
/** After a notification said a site is back, later recoveries of the same incident do not pop again for this long, ms. */
export const TOLD_BACK_QUIET_MS = 3_600_000;

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

  /** The active incident of `site` (its origin, in a private window or not). */
  activeFor(site: SiteKey): ActiveIncident | undefined {
    return this.state.incidents.find((i): i is ActiveIncident => isOfSite(i, site) && isActive(i));
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
    e: { code: number; method: string; gateway: GatewayInfo; retryAfterMs?: number; connection?: Connection; response?: ErrorResponse; incognito?: boolean },
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
      ...(e.response !== undefined ? { response: e.response } : {}),
      errors: [{ at: now, code: e.code }],
      ...(e.incognito === true ? { incognito: true as const } : {}),
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
      incident.nextAt = this.ctx.now + nextDelayMs(incident.attempts + incident.probes, this.ctx.policy, this.ctx.random, incident.retryAfterMs, this.ctx.now - incident.startedAt);
    }
    if (tabsOf(this.state, incident.id).length > 0) return;
    // A private window's incident is never watched without a tab (nothing may be sent for it from the regular profile).
    if (incident.keepWatching === true && incident.incognito !== true) {
      // "Tell me when it's back": no tab is left to reload, so the incident goes on with probes alone.
      enterWatch(incident);
      return;
    }
    this.end(incident, 'abandoned');
  }

  refreshError(incident: Incident, e: { url: string; code: number; gateway: GatewayInfo; connection?: Connection; response?: ErrorResponse }, page: string | null): void {
    if (page !== null) incident.url = page;
    incident.code = e.code;
    incident.gateway = e.gateway;
    // An answer from the cache has no address: what the browser last really connected to still stands.
    if (e.connection !== undefined) incident.connection = e.connection;
    // The details view shows the latest error's headers; an outcome read back without webRequest has none to give.
    if (e.response !== undefined) incident.response = e.response;
    incident.errors = withLoggedError(incident.errors, { at: this.ctx.now, code: e.code });
    // A tab fails with its cookies after the site answered without them: the finding stands (see cookieless.ts).
    const bare = incident.cookieless;
    if (bare?.result === 'normal' && bare.confirmedAt === undefined && this.ctx.now >= bare.at) {
      incident.cookieless = { ...bare, confirmedAt: this.ctx.now };
      if (isActive(incident)) this.quiet(incident, 'cookies');
      this.notify(incident, false);
    }
  }

  /**
   * The incident stops reloading and watches quietly (probes only). Changes `incident` in place.
   *
   * @param reason - see `quiet` in `state-schema.ts`
   */
  quiet(incident: ActiveIncident, reason: NonNullable<ActiveIncident['quiet']>): void {
    // The cookies finding outranks the cap: it says why, and it does not lift after an hour.
    if (incident.quiet !== 'cookies') incident.quiet = reason;
    enterWatch(incident);
  }

  // ---- steps -------------------------------------------------------------------------------------------------

  /** Runs the due step of an active incident: one visible reload, or one probe, or give up. */
  step(incident: ActiveIncident, online: boolean): void {
    const { now, policy } = this.ctx;
    const tabs = tabsOf(this.state, incident.id);
    if (tabs.length === 0 && incident.keepWatching !== true) {
      // Only a stored state repaired on read (its tabs dropped) gets here: detach abandons an incident otherwise.
      this.end(incident, 'abandoned');
      return;
    }
    if (this.stopsForNeverRetry(incident)) return;
    // Paused: the step waits, overdue, for the pause to end (the background's wake is set to its end, `nextWake`).
    if (this.paused()) return;
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
    if (incident.quiet === 'reload-cap' && this.reloadsLeft(incident) > 0) delete incident.quiet;
    // A private window's incident has no background probe (see the `probe` effect): in watch mode its tab is reloaded
    // at the watch pace instead, the tab's own request from the private profile, within the hourly cap.
    const probes = incident.incognito !== true;
    if (probes && (incident.phase === 'watching' || tabs.length === 0)) {
      this.probe(incident);
      return;
    }
    let lead: WaitingTab | undefined;
    let discarded = false;
    for (const t of tabs) {
      // A navigation of the user's with no outcome for this long was lost (a download, a missed event): the tab
      // shows the failed page again as far as we know, and the reload checks its URL first anyway.
      // It may still be loading, though (a slow answer to the same URL): the reload then asks first (`loadingSince`).
      const entry =
        t.status === 'navigating' && now - t.navigatingSince >= policy.outcomeTimeoutMs ? this.putTab(toWaiting(t, t.requestId, t.navigatingSince)) : t;
      if (entry.status !== 'waiting') continue;
      // Reloading a discarded tab would load it again only to show the error: a probe asks for it.
      if (entry.discarded === true) discarded = true;
      else lead ??= entry;
    }
    if (lead === undefined) {
      if (discarded) {
        if (probes) this.probe(incident);
        else this.waitWithoutTry(incident);
        return;
      }
      // Every tab is busy with a navigation of the user's: its outcome will decide; look again later.
      incident.nextAt = now + policy.outcomeTimeoutMs;
      return;
    }
    if (this.reloadsLeft(incident) === 0) {
      this.quiet(incident, 'reload-cap');
      if (probes) this.probe(incident);
      else this.waitWithoutTry(incident);
      return;
    }
    // The cookieless comparison of an incident whose error asked for a wait (`Retry-After`) goes with its first try.
    this.compareCookieless(incident, lead);
    this.reload(incident, lead);
  }

  /**
   * Ends `incident` as cancelled, and says so, when the user put its site on the never-retry list while it was under
   * way: no more reloads or probes, as if they had pressed "Stop retrying".
   */
  private stopsForNeverRetry(incident: ActiveIncident): boolean {
    if (!isNeverRetry(incident.host, this.ctx.neverRetry ?? [])) return false;
    this.end(incident, 'cancelled');
    return true;
  }

  /** Ends, at once, every incident under way of a site on the never-retry list (the list just changed). */
  endNeverRetried(): void {
    for (const incident of this.state.incidents) if (isActive(incident)) this.stopsForNeverRetry(incident);
  }

  /**
   * True while the user's global pause holds (`pausedUntil`, see `pause.ts`): the one test of the machine's hold, so
   * no reload, probe or cookieless comparison leaves while it does.
   */
  paused(): boolean {
    const until = this.ctx.pausedUntil;
    return until !== undefined && until > this.ctx.now;
  }

  /**
   * Nothing may be tried now (a private window's incident whose tabs are discarded, or past the hourly cap): the next
   * step comes after the backoff's delay, with no request sent. A tab the user loads again decides before that.
   */
  waitWithoutTry(incident: ActiveIncident): void {
    const { now, policy, random } = this.ctx;
    incident.awaiting = null;
    incident.nextAt = now + nextDelayMs(incident.attempts + incident.probes, policy, random, incident.retryAfterMs, now - incident.startedAt);
  }

  /** One background probe of the incident's page, awaited until the outcome timeout. */
  probe(incident: ActiveIncident): void {
    const { now, policy } = this.ctx;
    incident.probes += 1;
    incident.awaiting = { kind: 'probe', at: now };
    incident.nextAt = now + policy.outcomeTimeoutMs;
    this.effects.push({ type: 'probe', incidentId: incident.id, url: incident.url });
  }

  /**
   * Asks for the incident's one cookieless comparison (see `cookieless.ts`), unless it was asked for already or the
   * page is not a GET (a HEAD's answer has no page to compare; anything else is never sent again).
   */
  compareCookieless(incident: Incident, entry: Pick<TabEntry, 'tabId' | 'url'>): void {
    // Never for a private window's page: the comparison goes from the regular profile, like a probe.
    if (incident.cookieless !== undefined || incident.method !== 'GET' || incident.incognito === true) return;
    // Paused: not now; the first try after the pause takes it along (`step`).
    if (this.paused()) return;
    incident.cookieless = { result: 'pending', at: this.ctx.now };
    this.effects.push({ type: 'compare-cookieless', incidentId: incident.id, tabId: entry.tabId, url: entry.url });
  }

  /** One visible try: reloads `entry`'s tab and awaits its outcome until the outcome timeout. */
  reload(incident: ActiveIncident, entry: TabEntry): void {
    const { now, policy } = this.ctx;
    incident.attempts += 1;
    incident.awaiting = { kind: 'reload', tabId: entry.tabId, at: now };
    incident.nextAt = now + policy.outcomeTimeoutMs;
    this.reloadTab(incident, entry);
    this.notify(incident, false);
  }

  /** Reloads one tab of `incident` (ours until its outcome) and counts it against the site's hourly cap. */
  private reloadTab(incident: Incident, entry: TabEntry): void {
    const since = entry.status === 'waiting' || entry.status === 'reloading' ? entry.loadingSince : undefined;
    this.putTab(toReloading(entry));
    // A deferred reload (its load still under way) stays counted: the cap errs on the side of fewer reloads.
    this.effects.push({ type: 'reload', tabId: entry.tabId, url: entry.url, ...(since !== undefined ? { loadingSince: since } : {}) });
    const list = (this.state.reloads ??= []);
    list.push({ origin: incident.origin, at: this.ctx.now, ...(incident.incognito === true ? { incognito: true as const } : {}) });
    if (list.length > MAX_RELOAD_RECORDS) list.splice(0, list.length - MAX_RELOAD_RECORDS);
  }

  /**
   * Visible reloads the site's tabs may still get in the current hour (see `MAX_RELOADS_PER_HOUR`); a private window's
   * tabs of an origin count apart from its normal ones.
   */
  reloadsLeft(incident: Pick<Incident, 'origin' | 'incognito'>): number {
    const since = this.ctx.now - RELOAD_CAP_WINDOW_MS;
    const site = siteOf(incident);
    const used = (this.state.reloads ?? []).filter((r) => isOfSite(r, site) && r.at > since).length;
    return Math.max(0, MAX_RELOADS_PER_HOUR - used);
  }

  /**
   * A probe got an answer that is not a gateway error and is worth one look by the tabs (`works`, or a `challenge`,
   * `server-error` or `other` the tabs have not been reloaded for yet): the tabs showing the error are reloaded, and
   * the incident waits for the lead tab's outcome. Only that outcome proves the site is back (`onAnswered`); a
   * gateway error there after a `works` means the site answers, only not to this browser (`onGatewayError`).
   *
   * With no tab to reload (all closed under "Tell me when it's back", or all busy with the user's navigations) a
   * `works` is all there is to know, and the incident is back; anything else waits for the next probe.
   */
  reloadToConfirm(incident: ActiveIncident): void {
    if (this.stopsForNeverRetry(incident)) return;
    if (this.paused()) {
      // A probe sent before the pause answered: what it got is kept, and the next step (due at once, so the first one
      // after the pause) probes again before any tab is reloaded.
      incident.awaiting = null;
      incident.nextAt = this.ctx.now;
      return;
    }
    const tabs = tabsOf(this.state, incident.id);
    const waiting = tabs.filter((t) => t.status === 'waiting');
    const works = incident.answer?.kind === 'works';
    if (waiting.length === 0) {
      if (works && tabs.length === 0) this.end(incident, 'recovered');
      else this.tryFailed(incident);
      return;
    }
    if (this.reloadsLeft(incident) === 0) {
      this.quiet(incident, 'reload-cap');
      // The site answers and the cap allows no reload to prove it: the notification says it answers, and the user
      // reloads when they like. Anything short of a page keeps the incident watching.
      if (works) this.end(incident, 'recovered');
      else this.tryFailed(incident);
      return;
    }
    const [lead] = waiting;
    this.reloadWithinCap(incident, waiting);
    incident.awaiting = { kind: 'reload', tabId: lead!.tabId, at: this.ctx.now };
    incident.nextAt = this.ctx.now + this.ctx.policy.outcomeTimeoutMs;
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
    if (incident.phase === 'retrying' && incident.attempts >= policy.maxVisibleRetries) enterWatch(incident);
    const failures = incident.attempts + incident.probes;
    incident.nextAt = now + nextDelayMs(failures, policy, random, retryAfterMs, now - incident.startedAt);
    this.notify(incident, false);
  }

  /**
   * A tab of the incident got an answer that is not a gateway error: the incident is over. A page that works proves
   * the site is back; a 5xx (or another answer short of a page) ends it too, recorded as what the site answers now
   * (`answer`), so nothing reloads the tab again and again for it.
   *
   * @param answer - what the tab got (a challenge page ends the incident too, recorded as such: the edge answers,
   *   and the visitor solves the check, but it proves nothing of the origin behind it)
   */
  recover(incident: ActiveIncident, answeredTabId: number, answer: HttpAnswer): void {
    const kind = judgeAnswer(answer);
    if (kind === 'works') delete incident.answer;
    else incident.answer = { kind, code: answer.code, at: this.ctx.now };
    // Tabs still showing the error get one reload each (a page that works only); tabs the user is navigating are
    // left to the user.
    // Paused: not even these, the user reloads them (the popup of each says the site is back).
    const waiting =
      kind === 'works' && !this.paused() ? tabsOf(this.state, incident.id).filter((t) => t.status === 'waiting' && t.tabId !== answeredTabId) : [];
    // The tab that answered shows the site: its reload (if it was ours) is over.
    const answered = this.tab(answeredTabId);
    if (answered !== undefined) this.putTab(toSettled(answered));
    // Marked as ours, so their answers are known as the recovery's (see onAnswered) rather than pages of the user's.
    this.reloadWithinCap(this.end(incident, 'recovered'), waiting);
  }

  /** Reloads as many of `entries` as the site's hourly cap still allows, in their order. */
  private reloadWithinCap(incident: Incident, entries: readonly TabEntry[]): void {
    for (const entry of entries.slice(0, this.reloadsLeft(incident))) this.reloadTab(incident, entry);
  }

  /** Ends `incident` (replaced in the state by its ended form) and settles its tabs. */
  end(incident: ActiveIncident, phase: Exclude<EndedIncident['phase'], 'not-retried'>): EndedIncident {
    const ended = this.putIncident(endIncident(incident, phase, this.ctx.now));
    for (const entry of tabsOf(this.state, incident.id)) {
      // A tab reloaded to prove the site is back keeps its reload: its answer settles it as the recovery's.
      if (phase === 'recovered' && entry.status === 'reloading') continue;
      this.putTab(toSettled(entry));
      this.badge(entry.tabId);
    }
    // Back, or given up: the two endings worth showing again, even after a dismissal. A cancel is the user's own
    // doing, and an abandoned incident has no one waiting. A site that flaps says "back" once an hour at most: the
    // notification is updated in place the other times.
    const toldBack = ended.toldBackAt !== undefined && this.ctx.now - ended.toldBackAt < TOLD_BACK_QUIET_MS;
    const pop = phase === 'gave-up' || (phase === 'recovered' && !toldBack);
    if (phase === 'recovered' && pop) ended.toldBackAt = this.ctx.now;
    this.notify(ended, pop);
    return ended;
  }

  /** The incident of `site` that recovered within `REOPEN_WINDOW_MS`, if any (the latest). */
  recentlyRecovered(site: SiteKey): EndedIncident | undefined {
    const since = this.ctx.now - REOPEN_WINDOW_MS;
    return this.state.incidents
      .filter((i): i is EndedIncident => isOfSite(i, site) && i.phase === 'recovered' && i.endedAt >= since)
      .sort((a, b) => b.endedAt - a.endedAt)[0];
  }

  /**
   * Drops ended incidents nobody looks at any more, oldest first, keeping at most {@link MAX_ENDED_INCIDENTS}. A private
   * window's ended incident goes as soon as no tab of it is left: only its tabs' popups may show it (the history never
   * gets it), and what is kept of a private window should not outlive its tabs.
   */
  prune(): void {
    const { now } = this.ctx;
    const attached = new Set(Object.values(this.state.tabs).map((t) => t.incidentId));
    const ended = this.state.incidents.filter((i): i is EndedIncident => !isActive(i));
    const drop = new Set<string>();
    for (const i of ended) {
      if (!attached.has(i.id) && (i.incognito === true || now - i.endedAt > ENDED_RETENTION_MS)) drop.add(i.id);
    }
    const kept = ended.filter((i) => !drop.has(i.id)).sort((a, b) => a.endedAt - b.endedAt);
    for (const i of kept.slice(0, Math.max(0, kept.length - MAX_ENDED_INCIDENTS))) drop.add(i.id);
    if (drop.size > 0) {
      this.state.incidents = this.state.incidents.filter((i) => !drop.has(i.id));
      for (const [key, t] of Object.entries(this.state.tabs)) if (drop.has(t.incidentId)) delete this.state.tabs[key];
    }
    this.pruneReloads();
  }

  /**
   * Forgets visible reloads older than the cap's window (they no longer count), and a private window's reloads of an
   * origin once no private incident of it is left (what is kept of a private window does not outlive its tabs).
   */
  private pruneReloads(): void {
    const list = this.state.reloads;
    if (list === undefined) return;
    const since = this.ctx.now - RELOAD_CAP_WINDOW_MS;
    const privateOrigins = new Set(this.state.incidents.filter((i) => i.incognito === true).map((i) => i.origin));
    const keeps = (r: (typeof list)[number]) => r.at > since && (r.incognito !== true || privateOrigins.has(r.origin));
    if (list.every(keeps)) return;
    const kept = list.filter(keeps);
    if (kept.length > 0) this.state.reloads = kept;
    else delete this.state.reloads;
  }

  /**
   * The last private window closed: drops everything about private windows' tabs (`withoutPrivate`) and clears the
   * notifications of their incidents (a `notify` of an incident that is gone clears it). Their tabs normally left
   * one by one already (`tab-closed`); this catches whatever a lost event or a stopped worker left behind.
   */
  forgetPrivate(): void {
    const kept = withoutPrivate(this.state);
    if (kept === this.state) return;
    for (const i of this.state.incidents) if (i.incognito === true) this.notify(i, false);
    this.state.incidents = kept.incidents;
    this.state.tabs = kept.tabs;
    if (kept.subresourceErrors !== undefined) this.state.subresourceErrors = kept.subresourceErrors;
    else delete this.state.subresourceErrors;
    if (kept.reloads !== undefined) this.state.reloads = kept.reloads;
    else delete this.state.reloads;
  }

  /** Records a gateway error of a part of the page `e.tabId` shows, keeping the newest {@link MAX_SUBRESOURCE_ERRORS}. */
  recordSubresourceError(e: Extract<RecoveryEvent, { type: 'subresource-error' }>): void {
    if (!recordsSubresourceError(this.state, e.tabId, e.origin)) return;
    const list = (this.state.subresourceErrors ??= []);
    list.push({ tabId: e.tabId, host: e.host, code: e.code, scope: e.scope, at: this.ctx.now, ...(e.incognito === true ? { incognito: true as const } : {}) });
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

  /**
   * Asks for the incident's notification to be redrawn.
   *
   * @param pop - show it again even if it was dismissed or is gone (see the `notify` effect); one step asking twice
   *   pops if either asked to
   */
  notify(incident: { readonly id: string }, pop: boolean): void {
    const i = this.effects.findIndex((f) => f.type === 'notify' && f.incidentId === incident.id);
    const earlier = i >= 0 ? this.effects[i] : undefined;
    if (earlier?.type === 'notify') {
      this.effects[i] = { ...earlier, pop: earlier.pop || pop };
    } else {
      this.effects.push({ type: 'notify', incidentId: incident.id, pop });
    }
  }

  badge(tabId: number): void {
    if (!this.effects.some((f) => f.type === 'badge' && f.tabId === tabId)) this.effects.push({ type: 'badge', tabId });
  }
}

/** The site an incident is about: its origin and private-ness. */
export function siteOf(incident: Pick<Incident, 'origin' | 'incognito'>): SiteKey {
  return { origin: incident.origin, incognito: incident.incognito === true };
}

/** True when `incident` is active and waits for the outcome of its reload of `tabId`. */
export function awaitsReloadOf(incident: Incident | undefined, tabId: number): incident is ActiveIncident {
  return incident !== undefined && isActive(incident) && incident.awaiting?.kind === 'reload' && incident.awaiting.tabId === tabId;
}
