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
  /** When "Until tomorrow" would end if chosen now, epoch ms: the button names that time (see `pauseEnd`). */
  readonly tomorrowAt: number;
  /**
   * The tab's site for "Never retry this site", `null` when the tab shows no http(s) site. `listedAs`: the entries of
   * the never-retry list that cover it (empty: not on it; "Take it off" removes them all); `locked`: an administrator
   * set the list, so the popup offers no change.
   */
  readonly site: { readonly host: string; readonly listedAs: readonly string[]; readonly locked: boolean } | null;
  /** The notification mode now (`notify`); the options page changes it. */
  readonly notify: NotifyMode;
}

export interface ControlsInput {
  /** Epoch ms. */
  readonly now: number;
  readonly offsetAt: UtcOffsetAt;
  readonly settings: { readonly pausedUntil: number | null; readonly neverRetry: readonly string[]; readonly notify: NotifyMode };
  /** An administrator set `neverRetry` through policy. */
  readonly neverRetryManaged: boolean;
  /** The host of the tab's incident, else of the page it shows; `null` for no http(s) page. */
  readonly host: string | null;
}

export function buildControlsView(input: ControlsInput): ControlsView {
  const { now, settings, host } = input;
  return {
    pausedUntil: activePause(settings.pausedUntil, now),
    tomorrowAt: pauseEnd('tomorrow', now, input.offsetAt),
    site: host === null ? null : { host, listedAs: neverRetryEntriesFor(host, settings.neverRetry), locked: input.neverRetryManaged },
    notify: settings.notify,
  };
}
