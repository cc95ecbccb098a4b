/**
 * The named transitions between the sub-states of `state-schema.ts`: every change of a tab's status and of an
 * incident's phase goes through one of these, so what each sub-state carries is decided here and nowhere else.
 *
 * A transition that changes the variant builds a new object from the fields every variant shares plus the ones the
 * new variant needs, so nothing of the old sub-state (a request id, a navigation's start, an offline flag) is carried
 * over by accident. The caller puts the new object in place of the old one.
 */
import type { GatewayInfo } from './classify';
import type { Connection } from './connection';
import type { ErrorLog, ErrorResponse } from './error-response';
import type { ProbeAnswer } from './answer';
import type { Cookieless } from './cookieless';
import type {
  ActiveIncident,
  EndedIncident,
  NavigatingTab,
  NotRetriedReason,
  ReloadingTab,
  SettledTab,
  TabEntry,
  WaitingTab,
} from './state-schema';

/** What every tab entry has, whatever its status. */
export type TabBase = Pick<TabEntry, 'tabId' | 'incidentId' | 'url' | 'since'>;

function tabBase(entry: TabBase): TabBase {
  return { tabId: entry.tabId, incidentId: entry.incidentId, url: entry.url, since: entry.since };
}

const withRequestId = (requestId: string | undefined) => (requestId === undefined ? {} : { requestId });
const withLoadingSince = (at: number | undefined) => (at === undefined ? {} : { loadingSince: at });

/**
 * The tab shows the failed page and may be reloaded by us.
 *
 * @param requestId - the user's navigation that failed or went unanswered, if that is how the tab came back to
 *   waiting: outcomes of requests older than it stay stale
 * @param loadingSince - epoch ms: the tab's last load got no outcome by its timeout and started then (it may still
 *   be under way; see `loadingSince` in `state-schema.ts`)
 */
export function toWaiting(entry: TabBase, requestId?: string, loadingSince?: number): WaitingTab {
  return { ...tabBase(entry), status: 'waiting', ...withRequestId(requestId), ...withLoadingSince(loadingSince) };
}

/**
 * We reload the tab (a try, or a recovery's reload of a tab still showing the error).
 *
 * @param requestId - our reload's webRequest id, once its first request started
 * @param loadingSince - epoch ms: the reload was not made, the tab's own load under way since then stands for it
 */
export function toReloading(entry: TabBase, requestId?: string, loadingSince?: number): ReloadingTab {
  return { ...tabBase(entry), status: 'reloading', ...withRequestId(requestId), ...withLoadingSince(loadingSince) };
}

/**
 * The user started a navigation in the tab: it is the user's until its outcome.
 *
 * @param now - epoch ms, when the navigation started
 * @param requestId - the navigation's webRequest id
 */
export function toNavigating(entry: TabBase, now: number, requestId?: string): NavigatingTab {
  return { ...tabBase(entry), status: 'navigating', navigatingSince: now, ...withRequestId(requestId) };
}

/** The tab's incident is over for it: kept so the popup can tell what happened, until the tab moves on. */
export function toSettled(entry: TabBase): SettledTab {
  return { ...tabBase(entry), status: 'settled' };
}

/** Where an incident happened and what the error said: what both an opened and a not-retried incident start from. */
export interface IncidentOrigin {
  readonly id: string;
  readonly origin: string;
  readonly host: string;
  /** The failed page, fragment removed. */
  readonly url: string;
  readonly code: number;
  readonly method: string;
  readonly gateway: GatewayInfo;
  /** Epoch ms. */
  readonly startedAt: number;
  /** The error's `Retry-After`, ms. */
  readonly retryAfterMs?: number;
  /** The server address and proxy the browser reported for the error. */
  readonly connection?: Connection;
  /** The error's response headers and timings, for the details view. */
  readonly response?: ErrorResponse;
  /** The gateway errors seen so far, for the details view. */
  readonly errors?: ErrorLog;
  /** The tab is in a private window (see `incognito` in `state-schema.ts`). */
  readonly incognito?: true;
}

/** What an incident carries on from one phase to the next, besides its origin. */
interface Carried {
  attempts?: number;
  probes?: number;
  cookieless?: Cookieless;
  answer?: ProbeAnswer;
  dismissed?: true;
  keepWatching?: true;
  reopened?: number;
  toldBackAt?: number;
}

function incidentBase(i: IncidentOrigin & Carried) {
  return {
    id: i.id,
    origin: i.origin,
    host: i.host,
    url: i.url,
    code: i.code,
    method: i.method.toUpperCase(),
    gateway: i.gateway,
    startedAt: i.startedAt,
    attempts: i.attempts ?? 0,
    probes: i.probes ?? 0,
    ...(i.retryAfterMs !== undefined ? { retryAfterMs: i.retryAfterMs } : {}),
    ...(i.connection !== undefined ? { connection: i.connection } : {}),
    ...(i.response !== undefined ? { response: i.response } : {}),
    ...(i.errors !== undefined ? { errors: i.errors } : {}),
    ...(i.incognito === true ? { incognito: true as const } : {}),
    ...(i.cookieless !== undefined ? { cookieless: i.cookieless } : {}),
    ...(i.answer !== undefined ? { answer: i.answer } : {}),
    ...(i.dismissed === true ? { dismissed: true as const } : {}),
    ...(i.keepWatching === true ? { keepWatching: true as const } : {}),
    ...(i.reopened !== undefined ? { reopened: i.reopened } : {}),
    ...(i.toldBackAt !== undefined ? { toldBackAt: i.toldBackAt } : {}),
  };
}

/**
 * A new incident, retrying.
 *
 * @param nextAt - epoch ms, when its first try is due
 */
export function openIncident(from: IncidentOrigin, nextAt: number): ActiveIncident {
  return { ...incidentBase(from), phase: 'retrying', nextAt, awaiting: null };
}

/** An incident recorded already ended (at its start): it is never retried, for `reason`. */
export function recordNotRetried(from: IncidentOrigin, reason: NotRetriedReason): EndedIncident {
  return { ...incidentBase(from), phase: 'not-retried', notRetriedReason: reason, endedAt: from.startedAt, nextAt: null, awaiting: null };
}

/**
 * The incident ends: nothing is due or awaited any more, and it is no longer offline.
 *
 * @param now - epoch ms, when it ended
 */
export function endIncident(incident: ActiveIncident, phase: Exclude<EndedIncident['phase'], 'not-retried'>, now: number): EndedIncident {
  return { ...incidentBase(incident), phase, endedAt: now, nextAt: null, awaiting: null };
}

/**
 * A recovered incident continues: a new gateway error came soon after its recovery (`REOPEN_WINDOW_MS`). It keeps its
 * id (so its notification), its tries and so its backoff; what the recovery proved (`answer`) and the user's
 * dismissal of the notification (which ended with the recovery) are gone.
 *
 * @param nextAt - epoch ms, when its next try is due
 * @param watching - its visible reloads were used up before
 */
export function reopenIncident(incident: EndedIncident, nextAt: number, watching: boolean): ActiveIncident {
  const { answer: _answer, dismissed: _dismissed, ...rest } = incidentBase(incident);
  return { ...rest, reopened: (incident.reopened ?? 0) + 1, phase: watching ? 'watching' : 'retrying', nextAt, awaiting: null };
}

/** Visible reloads are used up: tries go on as background probes. Changes `incident` in place (same variant). */
export function enterWatch(incident: ActiveIncident): void {
  incident.phase = 'watching';
}
