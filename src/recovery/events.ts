/**
 * What drives the incident machine and what it asks for: the events it reduces ({@link RecoveryEvent}), the effects
 * the extension must carry out ({@link Effect}), and the context of one step ({@link MachineContext}).
 */
import type { GatewayInfo } from './classify';
import type { Connection } from './connection';
import type { CookielessAnswer } from './cookieless';
import type { ErrorResponse } from './error-response';
import type { Random, RecoveryPolicy } from './schedule';
import type { RecoveryState } from './state-schema';

/** Outcome of a background probe. */
export type ProbeOutcome =
  | { readonly kind: 'gateway-error'; readonly code: number; readonly retryAfterMs?: number }
  /**
   * Any other HTTP answer, judged by `judgeAnswer` (`answer.ts`). `code` 0 is a redirect the probe did not follow;
   * `challenge` marks an anti-bot challenge; `retryAfterMs` is the answer's `Retry-After` (a 429's), ms.
   */
  | { readonly kind: 'answered'; readonly code: number; readonly challenge?: boolean; readonly retryAfterMs?: number }
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
      /** The server address and proxy the browser reported (validated by `readConnection`). */
      readonly connection?: Connection;
      /** The error's response headers and timings (`readErrorResponse`), for the details view. */
      readonly response?: ErrorResponse;
      /** The tab is in a private window: its incident is keyed apart, never probed, never in the history. */
      readonly incognito?: boolean;
    }
  | {
      readonly type: 'main-frame-answered';
      readonly tabId: number;
      readonly url: string;
      readonly code: number;
      readonly requestId?: string;
      /** A challenge or block page answered (see `classifyCompletion`): not a page that proves the site is back. */
      readonly challenge?: boolean;
    }
  | { readonly type: 'main-frame-start'; readonly tabId: number; readonly url: string; readonly requestId?: string }
  | {
      readonly type: 'subresource-error';
      readonly tabId: number;
      readonly origin: string;
      readonly host: string;
      readonly code: number;
      readonly scope: 'sub-frame' | 'sub-resource';
      /** The tab is in a private window: the record goes with the tab, and with the last private window. */
      readonly incognito?: boolean;
    }
  | { readonly type: 'main-frame-failed'; readonly tabId: number; readonly url: string; readonly error: string; readonly requestId?: string }
  | { readonly type: 'tab-url-changed'; readonly tabId: number; readonly url: string }
  | { readonly type: 'tab-closed'; readonly tabId: number }
  /**
   * The last private window closed (`windows.onRemoved`, no incognito window left): everything about private windows'
   * tabs is dropped (`withoutPrivate`), and their notifications cleared. What is kept in `storage.session` must
   * not outlive the private windows (issue 15, "Private windows stay private").
   */
  | { readonly type: 'private-windows-closed' }
  /**
   * A `reload` effect found the tab closed, showing another page, or with a URL the browser does not tell (a page
   * outside the extension's host permissions): the user left, so the tab stops waiting. Nothing was reloaded.
   */
  | { readonly type: 'reload-refused'; readonly tabId: number }
  /**
   * A `reload` effect of a tab whose last load had no outcome found that load still under way (the tab is `loading`
   * the same page): nothing was reloaded, and that load stands for the try, never cut short; past
   * `MAX_LOADING_WAIT_MS` the tab is let go instead, its load left alone.
   */
  | { readonly type: 'reload-deferred'; readonly tabId: number; readonly loadingSince: number }
  /**
   * The reload the incident awaits never started: a worker recorded it and stopped before the browser acted on it
   * (the tab still shows the document from before the reload). The try is taken back and made again.
   */
  | { readonly type: 'reload-not-sent'; readonly tabId: number }
  /** A timer or alarm fired; also sent on wake and when the browser comes back online. */
  | { readonly type: 'due'; readonly online: boolean }
  | { readonly type: 'probe-result'; readonly incidentId: string; readonly outcome: ProbeOutcome }
  /** What the cookieless comparison of a `compare-cookieless` effect got. */
  | { readonly type: 'cookieless-result'; readonly incidentId: string; readonly answer: CookielessAnswer }
  | { readonly type: 'cancel'; readonly incidentId: string }
  /**
   * The never-retry list changed (the popup's "Never retry this site"): every incident under way of a site now on it
   * ends at once, as cancelled (see `isNeverRetry`), instead of at its next step.
   */
  | { readonly type: 'never-retry-changed' }
  /** The user asked for a retry now, in this tab. */
  | { readonly type: 'retry-now'; readonly tabId: number }
  /** The user closed the incident's notification (`notifications.onClosed` with `byUser`). */
  | { readonly type: 'notification-dismissed'; readonly incidentId: string }
  /** "Tell me when it's back" in the popup of this tab: its incident goes on watching after the tab closes. */
  | { readonly type: 'keep-watching'; readonly tabId: number }
  /** The browser discarded the tab, or loaded it again (`tabs.onUpdated`'s `discarded`). */
  | { readonly type: 'tab-discarded'; readonly tabId: number; readonly discarded: boolean }
  /**
   * Chromium discarded the tab by putting an unloaded one in its place under a new id (`tabs.onReplaced`, then the new
   * id's `onUpdated` with `discarded: true`; seen in Chromium 150, for `tabs.discard`). The same tab to its user: it
   * keeps its incident, as discarded. Any other replacement (a prerendered page swapped in) is `tab-closed`.
   */
  | { readonly type: 'tab-replaced-discarded'; readonly tabId: number; readonly newTabId: number };

export type Effect =
  /**
   * Reload the tab with the cache bypassed, but only if it still shows `url` (else report `reload-refused`). With
   * `loadingSince` (the tab's last load, started then, epoch ms, had no outcome by its timeout), not while the tab is
   * still loading that page: report `reload-deferred` with it instead.
   */
  | { readonly type: 'reload'; readonly tabId: number; readonly url: string; readonly loadingSince?: number }
  /**
   * Send one background GET to `url`, cache bypassed, and report a `probe-result`. Never for a private window's
   * incident: the probe goes from the regular profile and would record the site in its network state (HSTS, alt-svc,
   * cache); such an incident recovers by its tab's own reloads.
   */
  | { readonly type: 'probe'; readonly incidentId: string; readonly url: string }
  /**
   * Once per incident (a GET main frame only), right after it opens, or with its first try when the error asked for
   * a wait: one GET of `url` without cookies, pinned (same URL, redirects not followed, cache bypassed); never for a
   * private window's incident (the effect checks the tab too); report a `cookieless-result`. See `cookieless.ts`.
   */
  | { readonly type: 'compare-cookieless'; readonly incidentId: string; readonly tabId: number; readonly url: string }
  /**
   * Redraw this incident's notification from the state (or clear it). `pop` is true only when the incident opens
   * and when it is back or gives up: every other change updates the one notification in place, without showing it
   * again (issue 13, "Quiet notifications").
   */
  | { readonly type: 'notify'; readonly incidentId: string; readonly pop: boolean }
  /** Redraw this tab's badge from the state. */
  | { readonly type: 'badge'; readonly tabId: number };

export interface MachineContext {
  /** Epoch ms. */
  readonly now: number;
  readonly policy: RecoveryPolicy;
  readonly random: Random;
  /**
   * The user's never-retry list as it is now (the `neverRetry` setting; absent: empty): an incident of a site added to
   * it while under way makes no further try or probe (see `isNeverRetry`).
   */
  readonly neverRetry?: readonly string[];
  /**
   * The end of the global pause in force, epoch ms (`activePause` in `pause.ts`); absent when none holds. While it
   * holds, no step sends anything: no reload, probe or cookieless comparison (see `pause.ts` for what a pause means).
   */
  readonly pausedUntil?: number;
}

export interface Transition {
  readonly state: RecoveryState;
  readonly effects: Effect[];
}
