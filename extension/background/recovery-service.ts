/**
 * Wires `src`'s pure recovery logic to the browser: turns webRequest/tabs events into {@link RecoveryEvent}s, runs
 * them one at a time through {@link reduce} against the state persisted in `storage.session`, then carries out the
 * effects and sets the next wake-up. A private window's incidents are stored there too: both browsers hold
 * `storage.session` in memory and never write it to disk (MDN `storage.session`), and a worker stopped between two
 * tries (after ~30 s without events, as a user waiting on an error page sends none) must find them when its alarm
 * wakes the next one. They go with their last tab, and with the last private window (`private-windows-closed`); the
 * history on disk never gets them (`recordEnded`). Every browser call reaches it through {@link RecoveryServiceDeps},
 * so the wiring is tested against fakes and the real browsers alike.
 */
import { classifyCompletion, isTabId, MAX_URL_LENGTH, type CompletedRequest } from '../../src/recovery/classify';
import {
  incidentForTab,
  isAbort,
  isActive as isActiveIncident,
  nextWake,
  reduce,
  type Effect,
  type Incident,
  type RecoveryEvent,
  type RecoveryState,
} from '../../src/recovery/incident-machine';
import { parseRecoveryState } from '../../src/recovery/read-state';
import { createRequestTimings, readErrorResponse } from '../../src/recovery/error-response';
import { MAX_REQUEST_ID_LENGTH } from '../../src/recovery/state-schema';
import { DEFAULT_POLICY, type RecoveryPolicy } from '../../src/recovery/schedule';
import { isSamePage, parsePageAddress } from '../../src/shared/page-address';
import { isNeverRetry } from '../../src/recovery/never-retry';
import { activePause } from '../../src/recovery/pause';
import { createSerialQueue } from '../../src/shared/serial-queue';
import type { Settings } from '../../src/settings/settings';
import { isBack } from '../../src/view/incident-facts';
import type { RecoveryServiceDeps, RequestError, RequestStart, TabState } from './recovery-ports';

export type { RecoveryEffects, RecoveryServiceDeps, ReloadResult, RequestError, RequestStart, ShownDocument, StateStore, TabState } from './recovery-ports';

export type RecoveryService = ReturnType<typeof createRecoveryService>;

export function createRecoveryService(deps: RecoveryServiceDeps) {
  const queue = createSerialQueue();
  /** Reloads sent before this (epoch ms) were sent by an earlier worker, which may have stopped before their outcome. */
  const startedAt = deps.now();
  /** When main-frame requests started and got their headers, in memory until their outcome (the details view's timings). */
  const timings = createRequestTimings();

  /** Runs `task` after every earlier one: events are applied strictly one at a time. */
  function serial<T>(task: () => Promise<T>): Promise<T> {
    return queue.run(task);
  }

  async function policy(): Promise<{ policy: RecoveryPolicy; settings: Settings }> {
    const settings = await deps.settings();
    return { settings, policy: { ...DEFAULT_POLICY, ...deps.policy, maxVisibleRetries: settings.maxVisibleRetries } };
  }

  /**
   * The state as this worker last made it, `null` until first read. This worker is the only writer of the stored
   * state, so once read it is the truth, and reading it back from storage before every event (one IPC round trip and a
   * parse each) would only cost time. A new worker starts with `null` and reads storage again.
   */
  let current: RecoveryState | null = null;
  let reading: Promise<RecoveryState> | null = null;
  function read(): Promise<RecoveryState> {
    if (current !== null) return Promise.resolve(current);
    reading ??= deps.store.load().then(
      (loaded) => {
        reading = null;
        return (current ??= loaded);
      },
      (err: unknown) => {
        reading = null;
        throw err;
      },
    );
    return reading;
  }

  /**
   * Batched writes: at most one `save` under way, and one more after it with whatever {@link current} is then. A
   * flood of events (a page with hundreds of failing frames, many tabs at once) costs a write per burst instead of
   * one per event; the order is kept (each write holds every change before it) and the last state is always written.
   * Resolves once {@link current} as it was at the call is stored (or a later state). A failed write is tried again
   * with the next one, and rejects the callers that waited for it.
   */
  let dirty = false;
  let writing: Promise<void> | null = null;
  function persist(): Promise<void> {
    dirty = true;
    writing ??= (async () => {
      try {
        while (dirty) {
          dirty = false;
          try {
            // A private window's incidents included: `storage.session` is never written to disk, and a worker stopped
            // between two tries must find them (issue 15).
            await deps.store.save(current!);
          } catch (err) {
            dirty = true;
            throw err;
          }
        }
      } finally {
        writing = null;
      }
    })();
    return writing;
  }

  /**
   * Applies one event and carries out its effects. Resolves with the effects it started (none when the event failed),
   * once the state it made is stored. Never rejects: a failure is logged and nothing is lost.
   *
   * A change with effects (a reload, a probe, a notification) or an incident opened or ended is stored before anything
   * acts on it: a worker stopped at any moment must find the try it sent, or it would send it again. A change
   * without either (a frame's error, a navigation of a tab) is written behind: the next event is taken in meanwhile,
   * and the write joins the batch (see {@link persist}).
   */
  function dispatch(input: RecoveryEvent | (() => Promise<RecoveryEvent | null>)): Promise<readonly Effect[]> {
    let stored: Promise<void> = Promise.resolve();
    let event: RecoveryEvent | null = null;
    const applied = serial(async () => {
      try {
        // An event that needs the browser asked first is worked out in its turn, so later events cannot overtake it.
        const resolved = typeof input === 'function' ? await input() : input;
        if (resolved === null) return [];
        event = resolved;
        const { policy: p, settings } = await policy();
        const before = await read();
        const now = deps.now();
        const pause = activePause(settings.pausedUntil, now);
        const ctx = { now, policy: p, random: deps.random, neverRetry: settings.neverRetry, ...(pause !== null ? { pausedUntil: pause } : {}) };
        const { state, effects } = reduce(before, resolved, ctx);
        const wakeAt = nextWake(state, pause ?? undefined);
        // reduce() hands back the same object for the many events that change nothing: nothing to write.
        if (state === before) {
          deps.scheduleWake(wakeAt);
          for (const effect of effects) runEffect(effect, state, settings, now);
          return effects;
        }
        current = state;
        stored = persist();
        const known = new Set(before.incidents.map((i) => i.id));
        const opened = state.incidents.filter((i) => !known.has(i.id));
        const endedBefore = new Set(before.incidents.filter((i) => !isActiveIncident(i)).map((i) => i.id));
        const ended = state.incidents.filter((i) => !isActiveIncident(i) && !endedBefore.has(i.id));
        if (effects.length > 0 || opened.length > 0 || ended.length > 0) await stored;
        else stored.catch((err: unknown) => deps.log.error('recovery: storing the state failed', resolved.type, err));
        deps.scheduleWake(wakeAt);
        for (const effect of effects) runEffect(effect, state, settings, now);
        if (deps.onIncidentOpened !== undefined) for (const i of opened) deps.onIncidentOpened(i, tabIdsOf(state, i.id));
        if (deps.onIncidentEnded !== undefined) for (const i of ended) deps.onIncidentEnded(i);
        return effects;
      } catch (err) {
        deps.log.error('recovery: event failed', event?.type ?? 'unresolved', err);
        return [];
      }
    });
    // The caller (a test, "Retry now") gets the answer once the state is stored; the queue goes on at once.
    return applied.then((effects) => stored.then(() => effects, () => effects));
  }

  function runEffect(effect: Effect, state: RecoveryState, settings: Settings, now: number): void {
    const guard = (p: Promise<unknown>) =>
      p.catch((err: unknown) => deps.log.warn(`recovery: ${effect.type} failed`, err));
    switch (effect.type) {
      case 'reload':
        guard(
          deps.effects.reload(effect.tabId, effect.url, effect.loadingSince !== undefined).then((r) => {
            if (r.kind === 'loading') return dispatch({ type: 'reload-deferred', tabId: effect.tabId, loadingSince: effect.loadingSince ?? deps.now() });
            if (r.kind !== 'reloaded') return dispatch({ type: 'reload-refused', tabId: effect.tabId });
            return undefined;
          }),
        );
        return;
      case 'probe':
        guard(
          deps.effects
            .probe(effect.url, settings.codes)
            .then((outcome) => dispatch({ type: 'probe-result', incidentId: effect.incidentId, outcome })),
        );
        return;
      case 'compare-cookieless':
        guard(
          deps.effects
            .compareCookieless(effect.tabId, effect.url, settings.codes)
            .then((answer) => dispatch({ type: 'cookieless-result', incidentId: effect.incidentId, answer })),
        );
        return;
      case 'notify': {
        const incident = state.incidents.find((i) => i.id === effect.incidentId);
        guard(notify(effect.incidentId, incident, settings, now, effect.pop, tabIdsOf(state, effect.incidentId)));
        return;
      }
      case 'badge':
        guard(deps.effects.badge(effect.tabId, deps.describe.badge(state, effect.tabId)));
        return;
    }
  }

  /**
   * Draws one incident's notification as the user's `notify` mode allows (issue 13, "Quiet notifications"): one
   * notification per incident, shown (`pop`) when it opens and when it is back or gives up, updated in place between
   * (never shown again by an update). After the user dismissed it, nothing until the incident is back or gives up.
   * While the user's pause holds, nothing pops (an update in place only).
   */
  async function notify(id: string, incident: Incident | undefined, settings: Settings, now: number, pop: boolean, tabIds: readonly number[] = []): Promise<void> {
    if (incident === undefined || !notifies(incident, settings.notify)) {
      await deps.effects.notify(id, null, false);
      return;
    }
    if (incident.dismissed === true && isActiveIncident(incident)) return;
    const status = (await deps.statusOf?.(incident).catch(() => null)) ?? null;
    const text = deps.describe.incident(incident, now, settings.maxVisibleRetries, status);
    // A new pop is limited across incidents (`src/view/notification-limit.ts`); one held back is only updated in place,
    // if it is shown at all. Not the pops of an incident the user asked to be told about ("Tell me when it's back"):
    // its tab may be closed, so a held-back "back" would never be seen.
    const asked = incident.keepWatching === true;
    // While the user's pause holds nothing pops, not even an asked-for "back": they asked for quiet (see `pause.ts`);
    // the badge and the popup still say it.
    const quiet = activePause(settings.pausedUntil, now) !== null;
    const popped = pop && !quiet && text !== null && (asked || deps.mayPop === undefined || (await deps.mayPop(incident, tabIds)));
    await deps.effects.notify(id, text, popped);
  }

  /**
   * Whether the tab of a webRequest event is in a private window: Firefox says so in the details (`incognito`, MDN
   * webRequest); Chromium's details do not, so the tab is asked once (`isPrivateTab`) and remembered (a tab never moves
   * between a private and a normal window). A tab that cannot be asked counts as private (when unsure, keep nothing).
   */
  const privateTabs = new Map<number, boolean>();
  /** {@link incognitoOf} when it is known without asking the browser; `undefined` otherwise. */
  function knownIncognito(details: { readonly tabId: number; readonly incognito?: unknown }): boolean | undefined {
    if (typeof details.incognito === 'boolean') return details.incognito;
    return deps.isPrivateTab === undefined ? false : privateTabs.get(details.tabId);
  }
  async function incognitoOf(details: { readonly tabId: number; readonly incognito?: unknown }): Promise<boolean> {
    const known = knownIncognito(details);
    if (known !== undefined || deps.isPrivateTab === undefined) return known ?? false;
    const found = await deps.isPrivateTab(details.tabId).catch(() => true);
    if (privateTabs.size >= MAX_REMEMBERED_TABS) privateTabs.clear();
    privateTabs.set(details.tabId, found);
    return found;
  }

  /**
   * A service worker that stops while a reload is under way loses what it had not done yet (seen in Chromium 156
   * with the worker killed at random moments): the reload's `webRequest.onCompleted`, or even the reload itself,
   * recorded in the state but never handed to the browser. Either way the incident would wait for its outcome
   * timeout. The tab itself still knows what it shows: a document whose navigation started after the reload was
   * recorded is that reload's outcome, applied now as the event would have been; a finished document from before it
   * means the reload never started, so the try is taken back and made again.
   *
   * Runs once per worker (only reloads recorded before it started qualify), before its first step.
   */
  async function recoverLostOutcomes(): Promise<void> {
    try {
      const state = await read();
      for (const incident of state.incidents) {
        const awaiting = incident.awaiting;
        if (!isActiveIncident(incident) || awaiting?.kind !== 'reload' || awaiting.at >= startedAt) continue;
        const entry = state.tabs[String(awaiting.tabId)];
        if (entry === undefined || entry.status !== 'reloading') continue;
        const shown = await deps.effects.readDocument(awaiting.tabId, entry.url).catch(() => null);
        if (shown === null || !isSamePage(shown.url, entry.url)) continue;
        // A tab whose own slow load stands for the try (`loadingSince`) had no reload sent: its document is that load's.
        if (shown.startedAt < awaiting.at && entry.loadingSince === undefined) {
          await dispatch({ type: 'reload-not-sent', tabId: awaiting.tabId });
        } else if (shown.status > 0) {
          await service.onCompleted({ url: shown.url, method: 'GET', statusCode: shown.status, type: 'main_frame', tabId: awaiting.tabId, responseHeaders: [] });
        }
      }
    } catch (err) {
      deps.log.warn('recovery: reading lost outcomes failed', err);
    }
  }
  let lostOutcomesRead: Promise<void> | null = null;

  const service = {
    dispatch,

    /**
     * Redraws the notifications of the active incidents of `host` (a status check of it finished). A notification
     * the user dismissed stays dismissed.
     */
    redrawNotifications(host: string): Promise<void> {
      // In line with the events, so a redraw read before a recovery cannot paint over the "is back" notification.
      return serial(async () => {
        try {
          const [state, settings] = await Promise.all([read(), deps.settings()]);
          const now = deps.now();
          await Promise.all(
            state.incidents.filter((i) => i.host === host && isActiveIncident(i)).map((i) => notify(i.id, i, settings, now, false)),
          );
        } catch (err) {
          deps.log.warn('recovery: notification redraw failed', err);
        }
      });
    },

    /** `webRequest.onCompleted`: the only event with the status of a finished response (MDN). */
    async onCompleted(details: CompletedRequest): Promise<void> {
      // Taken before anything can return, so every main frame's timings are forgotten with its outcome.
      const timed = details.type === 'main_frame' ? timings.finished(details.requestId, details.timeStamp) : undefined;
      try {
        const settings = await deps.settings();
        const c = classifyCompletion(details, { codes: settings.codes, ownOrigins: deps.ownOrigins, nowMs: deps.now() });
        if (c.action === 'ignore') return;
        if (c.action === 'main-frame-answered') {
          await dispatch({ type: 'main-frame-answered', tabId: c.tabId, url: c.url, code: c.code, ...(c.challenge === true ? { challenge: true } : {}), ...requestIdOf(details) });
          return;
        }
        if (c.scope !== 'main-frame') {
          const event = { type: 'subresource-error', tabId: c.tabId, origin: c.origin, host: c.host, code: c.code, scope: c.scope } as const;
          // A flood of failing frames: the tab's privacy is known after its first one, and asked for no more.
          const known = knownIncognito(details);
          if (known !== undefined) await dispatch({ ...event, ...privacyOf(known) });
          else await dispatch(async () => ({ ...event, ...privacyOf(await incognitoOf(details)) }));
          return;
        }
        if (c.retryAfterIssue !== undefined) deps.log.warn(`recovery: Retry-After from ${c.host} ignored: ${c.retryAfterIssue}`);
        const response = readErrorResponse(details, timed);
        // The tab's privacy is asked in the event's turn, so later events of the tab cannot overtake it.
        await dispatch(async () => ({
          type: 'gateway-error',
          tabId: c.tabId,
          url: c.url,
          method: c.method,
          code: c.code,
          gateway: c.gateway,
          ...(c.retryAfterMs !== undefined ? { retryAfterMs: c.retryAfterMs } : {}),
          neverRetry: isNeverRetry(c.host, settings.neverRetry),
          ...requestIdOf(details),
          ...(c.connection !== undefined ? { connection: c.connection } : {}),
          ...(response !== undefined ? { response } : {}),
          ...privacyOf(await incognitoOf(details)),
        }));
      } catch (err) {
        deps.log.error('recovery: onCompleted failed', err);
      }
    },

    /** `webRequest.onBeforeRequest` for main frames: tells our reload (and its redirects) from the user's navigation. */
    onMainFrameStart(details: RequestStart): Promise<unknown> | undefined {
      if (!isActionable(details)) return undefined;
      timings.started(details.requestId, details.timeStamp);
      if (parsePageAddress(details.url) === null) return undefined;
      return dispatch({ type: 'main-frame-start', tabId: details.tabId, url: details.url, ...requestIdOf(details) });
    },

    /**
     * `webRequest.onHeadersReceived` for main frames: when the status line and headers came, for the details view's
     * timings. Nothing else: the status is acted on at `onCompleted`, with the headers the browser really used.
     */
    onMainFrameHeaders(details: RequestStart): void {
      if (isActionable(details)) timings.headers(details.requestId, details.timeStamp);
    },

    /** `webRequest.onErrorOccurred` for main frames: a network error or an abort (Stop, a new navigation). */
    onMainFrameError(details: RequestError): Promise<unknown> | undefined {
      timings.finished(details.requestId, details.timeStamp);
      if (!isActionable(details)) return undefined;
      const event: RecoveryEvent = {
        type: 'main-frame-failed',
        tabId: details.tabId,
        url: details.url,
        error: String(details.error).slice(0, 200),
        ...requestIdOf(details),
      };
      if (!isAbort(event.error)) return dispatch(event);
      // An abort is the user's Stop, which ends retrying in the tab, unless the browser dropped the load because the
      // tab closed or was discarded (Chromium discards under a new id, and the old one is gone at once): then the
      // tab's own event (closed, replaced, discarded) says what happened, and this one must not end the incident first.
      return dispatch(async () => ((await deps.effects.tabPresence(details.tabId)) === 'shown' ? event : null));
    },

    /**
     * `tabs.onReplaced`: Chromium swaps in a prerendered page under a new id (the old tab is gone for good), and
     * Chromium 150 discards a tab that way too: an unloaded tab under a new id, the same tab to its user, which keeps
     * its incident. The new tab is looked at in the event's turn, so events of either id that come later wait for it.
     */
    onTabReplaced(addedTabId: number, removedTabId: number): Promise<unknown> {
      return dispatch(async () =>
        (await deps.effects.tabPresence(addedTabId)) === 'discarded'
          ? { type: 'tab-replaced-discarded', tabId: removedTabId, newTabId: addedTabId }
          : { type: 'tab-closed', tabId: removedTabId },
      );
    },

    /** Runs whatever is due (on a timer, an alarm, a wake, coming back online), after any outcome lost with a worker. */
    async wake(): Promise<void> {
      await (lostOutcomesRead ??= recoverLostOutcomes());
      await dispatch({ type: 'due', online: deps.isOnline() });
    },

    /**
     * Draws a tab's badge again from the state. Both browsers reset tab-specific badge text when a navigation in
     * the tab finishes, and in Chromium 156 that came after `webRequest.onCompleted` had set it (seen in the e2e
     * suite), so the badge is redrawn once the tab has loaded.
     */
    async redrawBadge(tabId: number): Promise<void> {
      try {
        const state = await read();
        if (state.tabs[String(tabId)] === undefined) return;
        await deps.effects.badge(tabId, deps.describe.badge(state, tabId));
      } catch (err) {
        deps.log.warn('recovery: badge redraw failed', err);
      }
    },

    /** What recovery knows of a tab, for its view (`src/view/incident-view.ts`, built by the caller). */
    async tabView(tabId: number): Promise<TabState> {
      const [state, { settings }] = await Promise.all([read(), policy()]);
      const tab = state.tabs[String(tabId)];
      const incident = incidentForTab(state, tabId);
      return {
        incident: tab === undefined || incident === undefined ? null : { incident, tab },
        subresourceErrors: (state.subresourceErrors ?? []).filter((x) => x.tabId === tabId),
        now: deps.now(),
        maxVisibleRetries: settings.maxVisibleRetries,
      };
    },

    /** The incidents still under way, with their tabs. */
    async activeIncidents(): Promise<{ incident: Incident; tabIds: number[] }[]> {
      const state = await read();
      return state.incidents.filter(isActiveIncident).map((incident) => ({ incident, tabIds: tabIdsOf(state, incident.id) }));
    },

    /** The incident a notification belongs to (notification id = incident id). */
    async incident(id: string): Promise<{ incident: Incident; tabIds: number[] } | null> {
      const state = await read();
      const incident = state.incidents.find((i) => i.id === id);
      if (incident === undefined) return null;
      return { incident, tabIds: tabIdsOf(state, id) };
    },
  };
  return service;
}

/** Tabs whose privacy is remembered, at most (see `incognitoOf`); the memory starts over past it. */
const MAX_REMEMBERED_TABS = 1_000;

/** The event field for a private window's tab (none for a normal one, as events from before had none). */
function privacyOf(incognito: boolean): { incognito?: true } {
  return incognito ? { incognito: true } : {};
}

/** Whether `mode` shows a notification for `incident` as it is now. */
function notifies(incident: Incident, mode: Settings['notify']): boolean {
  if (mode === 'never') return false;
  // "Only when a site is back": an incident that ended with the site answering its own error is not that.
  return mode === 'every-change' || isBack(incident);
}

/** A main-frame request of a real tab, not prerendered, with a URL short enough to keep (see `MAX_URL_LENGTH`). */
function isActionable(details: RequestStart): boolean {
  return (
    isTabId(details.tabId) &&
    details.documentLifecycle !== 'prerender' &&
    typeof details.url === 'string' &&
    details.url.length <= MAX_URL_LENGTH
  );
}

function tabIdsOf(state: RecoveryState, incidentId: string): number[] {
  return Object.values(state.tabs)
    .filter((t) => t.incidentId === incidentId)
    .map((t) => t.tabId);
}

/** The request id, when it looks like one: an odd one is as good as none (the outcome is then never stale). */
function requestIdOf(details: { readonly requestId?: unknown }): { requestId?: string } {
  const id = details.requestId;
  return typeof id === 'string' && id.length <= MAX_REQUEST_ID_LENGTH ? { requestId: id } : {};
}

/**
 * Reads stored state entry by entry (see {@link parseRecoveryState}): a malformed incident or tab is dropped with a
 * warning and the rest kept; anything that is not our shape at all starts over empty. Never throws.
 */
export function parseStoredState(raw: unknown, log: Pick<Console, 'warn'>): RecoveryState {
  return parseRecoveryState(raw, log);
}
