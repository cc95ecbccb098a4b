/**
 * The view of the popup's controls (pause, never-retry, notifications), built in the background like the incident's
 * view, so the popup renders it and derives nothing. Pure.
 */
import { neverRetryEntriesFor } from '../recovery/never-retry';
import { activePause, pauseEnd, type UtcOffsetAt } from '../recovery/pause';
import type { NotifyMode } from '../settings/settings';

/** What the popup's controls show for one tab. */
export interface ControlsView {
  /** The end of the pause in force, epoch ms ("Paused until 15:00", "Resume now"), or `null` when none holds. */
  readonly pausedUntil: number | null;
  /** Offer "Pause all retries": no pause holds, and an incident is under way in some tab (of any site). */
  readonly offerPause: boolean;
  /** When "Until tomorrow" would end if chosen now, epoch ms: the button names that time (see `pauseEnd`). */
  readonly tomorrowAt: number;
  /**
   * The tab's site for "Never retry this site": `null` when the tab shows no http(s) site (or a private window's), and
   * when there is nothing to say of it (no incident in the tab, and not on the list). `listedAs`: the entries of the
   * never-retry list that cover it (empty: not on it; "Retry this site again" removes them all); `locked`: an
   * administrator set the list, so the popup offers no change.
   */
  readonly site: { readonly host: string; readonly listedAs: readonly string[]; readonly locked: boolean } | null;
  /** The notification mode now (`notify`), said with the tab's incident (the options page changes it); else `null`. */
  readonly notify: NotifyMode | null;
}

export interface ControlsInput {
  /** Epoch ms. */
  readonly now: number;
  readonly offsetAt: UtcOffsetAt;
  readonly settings: { readonly pausedUntil: number | null; readonly neverRetry: readonly string[]; readonly notify: NotifyMode };
  /** An administrator set `neverRetry` through policy. */
  readonly neverRetryManaged: boolean;
  /** The host of the tab's incident, else of the page it shows; `null` for no http(s) page (or a private window's). */
  readonly host: string | null;
  /** The tab belongs to an incident (under way or over). */
  readonly tabIncident: boolean;
  /** Some incident is under way, in any tab. */
  readonly anyUnderWay: boolean;
}

/**
 * The controls' view. A popup with nothing wrong anywhere says so and nothing else: no control shows unless a pause
 * holds, an incident is under way somewhere (the pause), the tab has an incident (never-retry, notifications) or its
 * site is on the never-retry list (taking it off).
 */
export function buildControlsView(input: ControlsInput): ControlsView {
  const { now, settings, host } = input;
  const pausedUntil = activePause(settings.pausedUntil, now);
  const listedAs = host === null ? [] : neverRetryEntriesFor(host, settings.neverRetry);
  return {
    pausedUntil,
    offerPause: pausedUntil === null && input.anyUnderWay,
    tomorrowAt: pauseEnd('tomorrow', now, input.offsetAt),
    site: host === null || (!input.tabIncident && listedAs.length === 0) ? null : { host, listedAs, locked: input.neverRetryManaged },
    notify: input.tabIncident ? settings.notify : null,
  };
}
