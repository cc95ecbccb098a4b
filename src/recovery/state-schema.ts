/**
 * What recovery remembers between events, as valibot schemas: the types of the state are inferred from them, and the
 * state read back from `storage.session` is checked against them entry by entry ({@link parseRecoveryState}).
 *
 * The sub-states are discriminated unions, so a field exists only where it means something:
 * - an incident is active (`retrying`, `watching`: a `nextAt`, maybe an `awaiting` try, maybe `offline`) or ended
 *   (`endedAt`, with `nextAt` and `awaiting` both `null`; `notRetriedReason` only on `not-retried`);
 * - a tab is `waiting`, `reloading` (by us), `navigating` (by the user, since `navigatingSince`) or `settled`.
 * The transitions between them are in `transitions.ts`.
 */
import * as v from 'valibot';
import { MAX_URL_LENGTH } from './classify';
import { CONNECTION } from './connection';
import { PROBE_ANSWER } from './answer';
import { COOKIELESS } from './cookieless';
import { ERROR_LOG, ERROR_RESPONSE } from './error-response';

/** Epoch ms (or a duration in ms): finite, not negative. */
const ms = v.pipe(v.number(), v.finite(), v.minValue(0));
const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const tabId = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
/** An http(s) page, fragment removed; as long as a webRequest URL recovery acts on may be. */
const pageUrl = v.pipe(v.string(), v.maxLength(MAX_URL_LENGTH), v.regex(/^https?:\/\//));
/** `scheme://host[:port]`: a host name has at most 253 characters. */
const origin = v.pipe(v.string(), v.maxLength(300), v.regex(/^https?:\/\//));
const host = v.pipe(v.string(), v.minLength(1), v.maxLength(260));
/** Longest webRequest request id kept, characters (both browsers use short decimal numbers). */
export const MAX_REQUEST_ID_LENGTH = 200;
const requestId = v.optional(v.pipe(v.string(), v.maxLength(MAX_REQUEST_ID_LENGTH)));
/** A header value as `readGatewayHeaders` keeps it (cleaned, at most 200 characters). */
const headerValue = v.optional(v.pipe(v.string(), v.maxLength(200)));

/**
 * The id of a signature (`src/gateway/signatures.ts`). Any id of that form reads, not only this version's: an id
 * another version stored is matched again from the stored headers (`whoAnswered`).
 */
const partyId = v.optional(v.pipe(v.string(), v.maxLength(40), v.regex(/^[a-z0-9-]+$/)));

/** Who answered the gateway error (see `GatewayInfo`). `party` and `ownError` are newer: entries without them read. */
const GATEWAY = v.object({
  server: headerValue,
  via: headerValue,
  cfRay: headerValue,
  requestId: headerValue,
  xCache: headerValue,
  retryAfter: headerValue,
  party: partyId,
  ownError: headerValue,
});

/** A reload or probe sent and not yet answered; `at` is when it was sent, epoch ms. */
const AWAITING = v.variant('kind', [
  v.object({ kind: v.literal('reload'), tabId, at: ms }),
  v.object({ kind: v.literal('probe'), at: ms }),
]);

/** Fields every incident has, whatever its phase. */
const INCIDENT_BASE = {
  /** Unique id, also the notification id. */
  id,
  origin,
  host,
  /** The failed page (latest one seen), fragment removed. */
  url: pageUrl,
  /** The latest gateway status seen. */
  code: v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(599)),
  /** An HTTP token, uppercased (see `readMethod`). */
  method: v.pipe(v.string(), v.regex(/^[A-Z][A-Z0-9_-]{0,19}$/)),
  gateway: GATEWAY,
  /** Epoch ms. */
  startedAt: ms,
  /** Visible reloads issued by us. */
  attempts: count,
  /** Background probes issued in watch mode. */
  probes: count,
  /** The latest `Retry-After` honoured, ms. */
  retryAfterMs: v.optional(ms),
  /**
   * The server address and proxy of the latest error, as the browser reported them (validated). Optional: incidents
   * stored by an older version have none and still parse.
   */
  connection: v.optional(CONNECTION),
  /**
   * The latest main-frame gateway error's response headers (bounded, cleaned, credentials withheld) and timings, for
   * the popup's details view (see `error-response.ts`). Optional: incidents stored by an older version have none. A
   * stored value this version cannot read is dropped, never the incident with it: it only ever feeds the details view.
   * Like everything here it lives in `storage.session` only (never on disk), and the history never copies it.
   */
  response: v.optional(v.fallback(v.optional(ERROR_RESPONSE), undefined)),
  /**
   * The incident's latest gateway errors, from its tabs' loads and its probes, oldest first (see `ERROR_LOG`): the
   * details view's tries with their times and codes. Optional and dropped alone when unreadable, like `response`.
   */
  errors: v.optional(v.fallback(v.optional(ERROR_LOG), undefined)),
  /** The cookieless comparison's outcome, once it arrived (optional for the same reason). */
  cookieless: v.optional(COOKIELESS),
  /** The latest probe answer that was not a gateway error (see `answer.ts`); gone once a probe fails again. */
  answer: v.optional(PROBE_ANSWER),
  /** The user dismissed the incident's notification: nothing more pops for it until it is back or gives up. */
  dismissed: v.optional(v.literal(true)),
  /** "Tell me when it's back": the incident goes on watching (probes only) after its last tab closed. */
  keepWatching: v.optional(v.literal(true)),
  /** Times a new gateway error continued this incident after it had recovered (see `REOPEN_WINDOW_MS`). */
  reopened: v.optional(count),
  /** Epoch ms when a notification last said the site is back: a flapping site does not say it again every time. */
  toldBackAt: v.optional(ms),
  /**
   * The incident's tabs are in a private window (`tabs.Tab.incognito`, webRequest's `incognito` in Firefox). Keyed
   * apart from the same origin's normal tabs, so the two never share an incident; never probed; named in no
   * notification; kept in `storage.session` only (held in memory, never written to disk: MDN `storage.session`), never
   * in `storage.local`'s history or `storage.sync`; gone with its last tab (`prune`), and with the last private
   * window ({@link withoutPrivate}). Absent: a normal window's (and every incident stored by an older version, which
   * could not tell).
   */
  incognito: v.optional(v.literal(true)),
};

/**
 * A field of another variant that this one never has. `endedAt`, `offline` and `notRetriedReason` are read all over
 * the popup and the notifications without narrowing first, so each variant names the ones it lacks as absent: a
 * reader gets `undefined`, and a stored value there does not pass.
 */
const ABSENT = v.optional(v.undefined());

/** An incident while work is under way: a next step is always due. */
const ACTIVE_INCIDENT = v.object({
  ...INCIDENT_BASE,
  phase: v.picklist(['retrying', 'watching']),
  /** When the next step is due, epoch ms; while a try is awaited, its timeout. */
  nextAt: ms,
  awaiting: v.nullable(AWAITING),
  /** Present (true) while tries are held back because the browser is offline. */
  offline: v.optional(v.literal(true)),
  /**
   * No more visible reloads; the incident watches quietly (probes only):
   * - `cookies`: a probe got a page and the tab's reload right after failed again: the site answers, only not to
   *   this browser with its cookies. Reloading would loop (issue 13, "The cookie loop").
   * - `reload-cap`: the site's tabs were reloaded {@link MAX_RELOADS_PER_HOUR} times in the last hour.
   */
  quiet: v.optional(v.picklist(['cookies', 'reload-cap'])),
  endedAt: ABSENT,
  notRetriedReason: ABSENT,
});

/** Fields of an incident that does nothing more by itself. */
const ENDED = {
  /** Epoch ms. */
  endedAt: ms,
  nextAt: v.null(),
  awaiting: v.null(),
};

/** An incident that ran and ended. */
const FINISHED_INCIDENT = v.object({
  ...INCIDENT_BASE,
  ...ENDED,
  phase: v.picklist(['recovered', 'gave-up', 'cancelled', 'abandoned']),
  offline: ABSENT,
  quiet: ABSENT,
  notRetriedReason: ABSENT,
});

/** An incident recorded already ended: never retried, and why. */
const NOT_RETRIED_INCIDENT = v.object({
  ...INCIDENT_BASE,
  ...ENDED,
  phase: v.literal('not-retried'),
  notRetriedReason: v.picklist(['non-get', 'never-retry']),
  offline: ABSENT,
  quiet: ABSENT,
});

export const INCIDENT = v.variant('phase', [ACTIVE_INCIDENT, FINISHED_INCIDENT, NOT_RETRIED_INCIDENT]);

export type Incident = v.InferOutput<typeof INCIDENT>;
export type ActiveIncident = v.InferOutput<typeof ACTIVE_INCIDENT>;
export type EndedIncident = v.InferOutput<typeof FINISHED_INCIDENT> | v.InferOutput<typeof NOT_RETRIED_INCIDENT>;
/** Phases while work is under way. */
export type ActivePhase = ActiveIncident['phase'];
/** Phases after which the incident does nothing more by itself. */
export type EndPhase = EndedIncident['phase'];
export type IncidentPhase = Incident['phase'];
/** Why an incident was recorded but never retried. */
export type NotRetriedReason = v.InferOutput<typeof NOT_RETRIED_INCIDENT>['notRetriedReason'];
export type Awaiting = v.InferOutput<typeof AWAITING>;

/** Fields every tab entry has, whatever its status. */
const TAB_BASE = {
  tabId,
  incidentId: id,
  /** The page the tab shows (or our reload is loading), fragment removed. */
  url: pageUrl,
  /** Epoch ms when the tab attached. */
  since: ms,
};

/**
 * The tab's last load (ours or the user's) had no outcome by its timeout, so it may still be under way: epoch ms when
 * it started (as far as known). A reload of such a tab first asks the browser, and a load still under way is waited
 * for, never cut short, up to `MAX_LOADING_WAIT_MS` after this (issue 15, "Fail closed everywhere"). Gone with the
 * load's outcome or the next request.
 */
const loadingSince = v.optional(ms);

/** Shows the failed page; may be reloaded by us. */
const WAITING_TAB = v.object({
  ...TAB_BASE,
  status: v.literal('waiting'),
  loadingSince,
  /** The user's navigation that failed or went unanswered: outcomes of requests older than it are stale. */
  requestId,
  /**
   * The browser discarded the tab to save memory (`tabs.discard`, or its own memory saver): a reload would load it
   * again for nothing, so it is never a try's tab; it is reloaded once the site answers.
   */
  discarded: v.optional(v.literal(true)),
});

/** We reloaded it and wait for the outcome. */
const RELOADING_TAB = v.object({
  ...TAB_BASE,
  status: v.literal('reloading'),
  /**
   * Set only when our reload was not made because the tab's own load (started then) was still under way: that load
   * is the try (`reload-deferred`).
   */
  loadingSince,
  /** webRequest id of our reload once it started: tells its redirects from a new navigation by the user. */
  requestId,
});

/** The user started a navigation in it: hands off until its outcome. */
const NAVIGATING_TAB = v.object({
  ...TAB_BASE,
  status: v.literal('navigating'),
  /** Epoch ms when the user's navigation started. */
  navigatingSince: ms,
  /** webRequest id of the user's navigation: a late outcome of an earlier request is not mistaken for it. */
  requestId,
});

/** Its incident ended; kept so the popup can tell what happened, until the tab moves on. */
const SETTLED_TAB = v.object({ ...TAB_BASE, status: v.literal('settled') });

export const TAB_ENTRY = v.variant('status', [WAITING_TAB, RELOADING_TAB, NAVIGATING_TAB, SETTLED_TAB]);

export type TabEntry = v.InferOutput<typeof TAB_ENTRY>;
export type WaitingTab = v.InferOutput<typeof WAITING_TAB>;
export type ReloadingTab = v.InferOutput<typeof RELOADING_TAB>;
export type NavigatingTab = v.InferOutput<typeof NAVIGATING_TAB>;
export type SettledTab = v.InferOutput<typeof SETTLED_TAB>;
/** What a tab attached to an incident is doing. */
export type TabStatus = TabEntry['status'];

/** A gateway error of a frame or sub-resource (image, script, ...): recorded, never a reason to reload the tab. */
export const SUBRESOURCE_ERROR = v.object({
  tabId,
  host,
  code: v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(599)),
  scope: v.picklist(['sub-frame', 'sub-resource']),
  /** Epoch ms. */
  at: ms,
  /** Of a tab in a private window: forgotten with the tab, and with the last private window ({@link withoutPrivate}). */
  incognito: v.optional(v.literal(true)),
});

export type SubresourceError = v.InferOutput<typeof SUBRESOURCE_ERROR>;

/** One visible reload of a site's tab (a try, or a reload to prove the site is back). */
export const RELOAD_RECORD = v.object({
  origin,
  /** Epoch ms. */
  at: ms,
  /**
   * A reload of a private window's tab: counted apart from the normal tabs of the origin, forgotten once no private
   * incident of the origin is left, and with the last private window ({@link withoutPrivate}).
   */
  incognito: v.optional(v.literal(true)),
});

export type ReloadRecord = v.InferOutput<typeof RELOAD_RECORD>;

/**
 * Visible reloads per site (origin) in any hour, at most, whatever happens: a last line against any loop the rules
 * did not foresee (issue 13, "No loops, by construction").
 */
export const MAX_RELOADS_PER_HOUR = 12;
/** The window of {@link MAX_RELOADS_PER_HOUR}, ms. */
export const RELOAD_CAP_WINDOW_MS = 3_600_000;
/** Reload records kept over all sites, at most (the oldest go first). */
export const MAX_RELOAD_RECORDS = 240;

/** Everything recovery remembers; plain JSON. */
export const RECOVERY_STATE = v.object({
  incidents: v.array(INCIDENT),
  /** Keyed by tab id. */
  tabs: v.record(v.string(), TAB_ENTRY),
  /** Sub-resource gateway errors of the pages tabs show now, oldest first, at most `MAX_SUBRESOURCE_ERRORS`. */
  subresourceErrors: v.optional(v.array(SUBRESOURCE_ERROR)),
  /**
   * Visible reloads of the last hour, per site, oldest first (at most {@link MAX_RELOAD_RECORDS}): the hourly cap
   * holds across incidents, whatever happens.
   */
  reloads: v.optional(v.array(RELOAD_RECORD)),
});

export type RecoveryState = v.InferOutput<typeof RECOVERY_STATE>;

export const EMPTY_STATE: RecoveryState = { incidents: [], tabs: {} };

/** The key of a site for recovery: its origin, and whether it is seen in a private window. */
export interface SiteKey {
  readonly origin: string;
  readonly incognito: boolean;
}

/** True when `x` (an incident or a reload record) is of `site`: same origin, same private-ness. */
export function isOfSite(x: { readonly origin: string; readonly incognito?: true }, site: SiteKey): boolean {
  return x.origin === site.origin && (x.incognito === true) === site.incognito;
}

/**
 * `state` with everything about a private window's tabs left out (their incidents, those incidents' tab entries, their
 * frames' errors, their reloads): what is left once the last private window has closed (`private-windows-closed`).
 * Issue 15, "Nothing about a private tab is persisted": the state lives in `storage.session`, which both browsers hold
 * in memory and never write to disk (MDN `storage.session`; Chromium's `extensions/common/api/storage.json`), so a
 * private incident survives a stopped worker there; but that area outlives the private windows until the browser
 * quits, so nothing of them may stay in it once they are all closed.
 *
 * @returns `state` itself when it holds nothing private (the common case costs no copy), else a new object
 */
export function withoutPrivate(state: RecoveryState): RecoveryState {
  const hidden = new Set(state.incidents.filter((i) => i.incognito === true).map((i) => i.id));
  const errors = state.subresourceErrors;
  const reloads = state.reloads;
  const privateErrors = errors?.some((x) => x.incognito === true) === true;
  const privateReloads = reloads?.some((r) => r.incognito === true) === true;
  if (hidden.size === 0 && !privateErrors && !privateReloads) return state;
  const tabs: Record<string, TabEntry> = {};
  for (const [key, t] of Object.entries(state.tabs)) if (!hidden.has(t.incidentId)) tabs[key] = t;
  const keptErrors = errors?.filter((x) => x.incognito !== true) ?? [];
  const keptReloads = reloads?.filter((r) => r.incognito !== true) ?? [];
  return {
    incidents: state.incidents.filter((i) => !hidden.has(i.id)),
    tabs,
    ...(keptErrors.length > 0 ? { subresourceErrors: keptErrors } : {}),
    ...(keptReloads.length > 0 ? { reloads: keptReloads } : {}),
  };
}

/** Sub-resource errors kept over all tabs, at most. */
export const MAX_SUBRESOURCE_ERRORS = 50;

/**
 * Sub-resource errors kept per tab, at most: a page with hundreds of failing frames keeps its first ones and cannot
 * push another tab's records out of {@link MAX_SUBRESOURCE_ERRORS}. The popup names at most 3 hosts anyway.
 */
export const MAX_SUBRESOURCE_ERRORS_PER_TAB = 10;

/**
 * Whether a gateway error of a part (from `origin`) of the page `tabId` shows is recorded: not when the tab's own
 * incident is about that origin (its error page's parts failing are the same outage, told already), nor once the tab
 * has {@link MAX_SUBRESOURCE_ERRORS_PER_TAB}. Either way the event changes nothing, and nothing is written.
 */
export function recordsSubresourceError(state: RecoveryState, tabId: number, origin: string): boolean {
  if (incidentForTab(state, tabId)?.origin === origin) return false;
  let kept = 0;
  for (const x of state.subresourceErrors ?? []) if (x.tabId === tabId && ++kept >= MAX_SUBRESOURCE_ERRORS_PER_TAB) return false;
  return true;
}


/** True while work is under way (`retrying`, `watching`). */
export function isActive(incident: Incident): incident is ActiveIncident {
  return incident.phase === 'retrying' || incident.phase === 'watching';
}

/**
 * The earliest `nextAt` over active incidents, epoch ms, or `null` when nothing is scheduled; no earlier than
 * `pausedUntil` (the end of the pause in force, epoch ms), when given.
 */
export function nextWake(state: RecoveryState, pausedUntil?: number): number | null {
  let at: number | null = null;
  for (const i of state.incidents) {
    if (isActive(i) && (at === null || i.nextAt < at)) at = i.nextAt;
  }
  // While a pause holds, nothing is stepped before it ends (the machine's steps wait for it, overdue).
  return at !== null && pausedUntil !== undefined && pausedUntil > at ? pausedUntil : at;
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
