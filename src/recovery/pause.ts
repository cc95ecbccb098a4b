/**
 * The global pause of retries ("Pause for 1 hour", "Pause until tomorrow" in the popup): when it ends, and whether a
 * stored end still holds. Pure: the clock and the time zone reach it as arguments.
 *
 * What a pause means, everywhere (the one description; the machine, the checker and the notifications follow it):
 * - No automatic request goes out for any site while it holds: no reload of a tab, no background probe, no cookieless
 *   comparison, no automatic status check (`incident-machine.ts` holds the due steps, `src/status/checker.ts` refuses
 *   an automatic check as `paused`). What the user asks for by hand still runs: "Retry now", "Check now".
 * - Incidents are still opened, recorded and shown: the badge, the popup ("Paused until 15:00", "Resume now") and the
 *   history see every gateway error, so the user can tell what happened while they asked for quiet.
 * - No notification pops while it holds (a pause is the user asking for quiet, like a "do not disturb"); one already
 *   on screen may be updated in place. The badge and the popup carry the news meanwhile.
 * - When it ends (at its time, through the background's wake alarm, which outlives a stopped MV3 worker; or at once on
 *   "Resume now"), every incident still under way makes the try that fell due meanwhile, one per site, under the usual
 *   rules: a tab the user left is never reloaded (the reload effect checks the tab's URL first), a form is never sent
 *   again, a tab the user closed is no longer an incident's. Incidents that ended meanwhile stay ended.
 */

/** "Pause for 1 hour", ms. */
export const PAUSE_HOUR_MS = 3_600_000;

/**
 * "Until tomorrow" ends at this local hour of the next morning (08:00). Not midnight: a user who pauses in the evening
 * means "not tonight", and tabs left open would be reloaded again while they sleep, right after midnight; by 08:00
 * they are usually back at the screen. A pause asked for before {@link NIGHT_ENDS_HOUR} (still the user's night)
 * ends at 08:00 of the same calendar day, the morning after that night.
 */
export const TOMORROW_HOUR = 8;
/** Local hour before which "tomorrow" means the coming morning of the same calendar day (see {@link TOMORROW_HOUR}). */
export const NIGHT_ENDS_HOUR = 4;

/**
 * The longest pause that is ever honoured, ms (36 h): "until tomorrow" asked at 04:00 is the longest the popup makes
 * (28 h, plus a daylight-saving hour). A stored end further ahead (a changed clock, a hand-edited or foreign value)
 * is not a pause: recovery never stops for good by accident.
 */
export const MAX_PAUSE_MS = 36 * 3_600_000;

/** What the popup offers. */
export const PAUSE_CHOICES = ['hour', 'tomorrow'] as const;
export type PauseChoice = (typeof PAUSE_CHOICES)[number];

/**
 * The local time zone's offset from UTC at an instant, minutes, positive east of UTC (Berlin in winter: 60; New York
 * in summer: -240). In the browser: `(ms) => -new Date(ms).getTimezoneOffset()` (MDN `Date.getTimezoneOffset`, whose
 * sign is the other way round). An instant is passed because the offset changes with daylight saving time.
 */
export type UtcOffsetAt = (epochMs: number) => number;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * When a pause asked for at `now` ends, epoch ms.
 *
 * @param choice - `hour`: `now` + 1 h; `tomorrow`: {@link TOMORROW_HOUR}:00 local time the next morning (see there)
 * @param now - epoch ms
 * @param offsetAt - the local time zone, see {@link UtcOffsetAt}
 */
export function pauseEnd(choice: PauseChoice, now: number, offsetAt: UtcOffsetAt): number {
  if (choice === 'hour') return now + PAUSE_HOUR_MS;
  const offsetNow = offsetAt(now) * MINUTE_MS;
  // Local wall-clock time as if it were UTC: its calendar day and hour are the user's.
  const local = now + offsetNow;
  const dayStart = Math.floor(local / DAY_MS) * DAY_MS;
  const hour = Math.floor((local - dayStart) / 3_600_000);
  const targetLocal = dayStart + (hour < NIGHT_ENDS_HOUR ? 0 : DAY_MS) + TOMORROW_HOUR * 3_600_000;
  // The offset at 08:00 may differ from now's (a daylight-saving change in the night): take the one of the target.
  const guess = targetLocal - offsetNow;
  return targetLocal - offsetAt(guess) * MINUTE_MS;
}

/**
 * The end of the pause in force at `now` (epoch ms), or `null` when none holds: no pause stored, one that ended, or
 * one further ahead than {@link MAX_PAUSE_MS}, which is not honoured.
 *
 * @param pausedUntil - the stored end (the `pausedUntil` setting), epoch ms, or `null`
 * @param now - epoch ms
 */
export function activePause(pausedUntil: number | null | undefined, now: number): number | null {
  if (pausedUntil == null || !Number.isFinite(pausedUntil)) return null;
  return pausedUntil > now && pausedUntil - now <= MAX_PAUSE_MS ? pausedUntil : null;
}
