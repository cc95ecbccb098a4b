/**
 * The recovery service's ports: what it needs of the browser (`RecoveryServiceDeps`, `RecoveryEffects`,
 * `StateStore`), the webRequest details it reads, and what it tells of a tab. `browser-effects.ts` and
 * `session-store.ts` implement them over `webextension-polyfill`; the wiring tests, over a fake browser.
 */
import type { Incident, ProbeOutcome, RecoveryState, SubresourceError, TabEntry } from '../../src/recovery/incident-machine';
import type { CookielessAnswer } from '../../src/recovery/cookieless';
import type { Random, RecoveryPolicy } from '../../src/recovery/schedule';
import type { Settings } from '../../src/settings/settings';
import type { StatusReport } from '../../src/status/verdict';
import type { BadgeView, NotificationText } from '../../src/view/notification';

/** Where the state lives between wakes (`storage.session`). */
export interface StateStore {
  load(): Promise<RecoveryState>;
  save(state: RecoveryState): Promise<void>;
}

/**
 * What reloading a tab found: `reloaded`; `gone` (no such tab); `elsewhere` (it shows another page, `url`);
 * `unreadable` (the browser does not tell its URL: a page outside the extension's host permissions, so not the failed
 * page as far as anyone can tell); `loading` (asked with `unanswered`: the tab is still loading the page, and that
 * load is left to finish). Only `reloaded` sent anything.
 */
export type ReloadResult =
  | { readonly kind: 'reloaded' }
  | { readonly kind: 'gone' }
  | { readonly kind: 'elsewhere'; readonly url: string }
  | { readonly kind: 'unreadable' }
  | { readonly kind: 'loading' };

/** The document a tab shows, as the page itself reports it (its navigation timing entry). */
export interface ShownDocument {
  readonly url: string;
  /** The HTTP status the document arrived with; 0 when the browser does not tell. */
  readonly status: number;
  /** When its navigation started (`performance.timeOrigin`), epoch ms. */
  readonly startedAt: number;
}

/** The browser actions recovery takes. */
export interface RecoveryEffects {
  /**
   * Reloads `tabId` with the cache bypassed if it still shows `url` (fragment ignored); a tab whose URL the browser
   * does not tell is not reloaded (`unreadable`). With `unanswered` (the tab's last load got no outcome in time), a
   * tab still loading (`tabs.Tab.status`) is not reloaded either (`loading`).
   */
  reload(tabId: number, url: string, unanswered?: boolean): Promise<ReloadResult>;
  /** One GET to `url`, cache bypassed, no cookies; `codes` are the statuses that count as gateway errors. */
  probe(url: string, codes: readonly number[]): Promise<ProbeOutcome>;
  /**
   * The cookieless comparison (`src/recovery/cookieless.ts`): one GET to `url` without cookies, cache bypassed,
   * redirects not followed. Sends nothing, and answers `skipped`, when `tabId` is in a private window or is gone.
   * `codes` are the statuses that count as gateway errors.
   */
  compareCookieless(tabId: number, url: string, codes: readonly number[]): Promise<CookielessAnswer>;
  /** Shows, updates or (with `null`) clears notification `id`. */
  notify(id: string, text: NotificationText | null, pop: boolean): Promise<void>;
  badge(tabId: number, view: BadgeView | null): Promise<void>;
  /**
   * The document `tabId` shows once it has finished loading, read in the page (`scripting`) only while the tab shows
   * `url` (an http(s) page, fragment ignored; its origin checked again in the page before anything is read); `null`
   * while it loads, when it shows anything else, or if it cannot be read.
   */
  readDocument(tabId: number, url: string): Promise<ShownDocument | null>;
  /**
   * Whether `tabId` is a tab now, and whether the browser discarded it (`tabs.get`): `gone` when there is no such tab
   * or the browser cannot tell. Never rejects.
   */
  tabPresence(tabId: number): Promise<'shown' | 'discarded' | 'gone'>;
}

export interface RecoveryServiceDeps {
  /** Epoch ms. */
  readonly now: () => number;
  readonly random: Random;
  readonly store: StateStore;
  readonly settings: () => Promise<Settings>;
  readonly effects: RecoveryEffects;
  /** Arranges a `due` event at `at` (epoch ms), or cancels it with `null`. */
  readonly scheduleWake: (at: number | null) => void;
  readonly isOnline: () => boolean;
  /** Origins of this extension's own pages (`chrome-extension://id`): their requests are never acted on. */
  readonly ownOrigins: readonly string[];
  readonly describe: {
    /** `status` is the latest status check of the incident's host, if any. */
    incident(incident: Incident, now: number, maxVisibleRetries: number, status: StatusReport | null): NotificationText | null;
    badge(state: RecoveryState, tabId: number): BadgeView | null;
  };
  readonly log: Pick<Console, 'warn' | 'error'>;
  readonly policy?: Partial<RecoveryPolicy>;
  /** Told once for each incident that opens, with the tabs attached to it (starts the automatic status check). */
  readonly onIncidentOpened?: (incident: Incident, tabIds: number[]) => void;
  /** The status check that speaks for an incident in its notification, if any. */
  readonly statusOf?: (incident: Incident) => Promise<StatusReport | null>;
  /**
   * Told once for each incident that ends (recovered, gave up, cancelled, abandoned), and for each incident recorded
   * already ended (not retried), after the state is stored (keeps the history).
   */
  readonly onIncidentEnded?: (incident: Incident) => void;
  /**
   * Whether `tabId` is in a private window (`tabs.get`), for browsers whose webRequest details do not say (Chromium).
   * Absent: every tab counts as a normal one.
   */
  readonly isPrivateTab?: (tabId: number) => Promise<boolean>;
  /**
   * Whether `incident`'s notification may pop up now (the limit across incidents, `src/view/notification-limit.ts`);
   * when not, it is only updated in place. Absent: every pop the incident machine asks for pops.
   */
  readonly mayPop?: (incident: Incident, tabIds: readonly number[]) => Promise<boolean>;
}

/** webRequest details as both browsers give them, reduced to the fields read here. */
export interface RequestStart {
  readonly requestId: string;
  readonly url: string;
  readonly tabId: number;
  readonly type: string;
  readonly documentLifecycle?: string;
  /** When the event fired, epoch ms (MDN webRequest): the details view's timings. */
  readonly timeStamp?: number;
}

export interface RequestError extends RequestStart {
  readonly error: string;
}

/** What recovery knows of one tab. */
export interface TabState {
  /** The incident the tab belongs to, with the tab's entry; `null` when none. */
  readonly incident: { readonly incident: Incident; readonly tab: TabEntry } | null;
  /** Gateway errors of the page's parts. */
  readonly subresourceErrors: readonly SubresourceError[];
  /** Epoch ms. */
  readonly now: number;
  readonly maxVisibleRetries: number;
}
