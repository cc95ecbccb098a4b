/**
 * The retry schedule: a quick first retry, then exponential backoff with jitter up to a ceiling, never sooner than
 * the server's `Retry-After` (RFC 9110 §10.2.3). Pure: randomness comes in as an argument.
 */

/** Tunables of recovery. All durations in ms. */
export interface RecoveryPolicy {
  /** Visible reloads of the page before switching to background probes (watch mode). */
  readonly maxVisibleRetries: number;
  /** Delay before the first retry, ms. */
  readonly firstDelayMs: number;
  /** Delay before the second retry, ms; later ones grow by `factor`. */
  readonly baseDelayMs: number;
  readonly factor: number;
  /**
   * Longest delay between two tries, ms (the watch-mode ceiling), for a young incident. An older one may wait up to
   * `ageShare` of its age, never more than `lateCeilingMs`: see {@link ceilingAtMs}.
   */
  readonly ceilingMs: number;
  /** The ceiling grows to this share of the incident's age (ms since it started) once that exceeds `ceilingMs`. */
  readonly ageShare: number;
  /** Longest delay between two tries however old the incident, ms: the low rate of a long outage. */
  readonly lateCeilingMs: number;
  /** Each delay is multiplied by a uniform factor in `[1 - jitter, 1 + jitter]`, so many clients do not align. */
  readonly jitter: number;
  /** `Retry-After` is clamped to `[retryAfterMinMs, retryAfterMaxMs]`: a server cannot park us for a day. */
  readonly retryAfterMinMs: number;
  readonly retryAfterMaxMs: number;
  /** Watch mode ends this long after the incident started, ms (checked before each try). */
  readonly giveUpAfterMs: number;
  /** A reload or probe with no outcome after this long counts as failed, ms (covers lost events). */
  readonly outcomeTimeoutMs: number;
  /**
   * While the browser is offline, look again this often, ms. Chromium fires no `online` event in an extension's
   * service worker (its `navigator.onLine` does change; seen in the half-up e2e), so this recheck is what resumes
   * the tries there; in Firefox's event page the event usually comes first.
   */
  readonly offlineRecheckMs: number;
}

/**
 * The shipped schedule, chosen with `npm run bench` (outages of 5 s to 23 h, medians over rounds, and real Chromium
 * for 5 s and 30 s): tries at about 1.5 s, 5.3 s, 11 s, 19 s, 32 s, 51 s, 80 s, 2 min, 3.1 min, 4.7 min, 7.1 min,
 * 10.7 min, then every 5 min; from half an hour on the gap grows to a sixth of the incident's age (10 min at 1 h), up
 * to 30 min from 3 h on, Chromium's own rate for network errors. Each early gap is about half the time since the
 * error, which keeps the median delay after a recovery near a fifth of the outage while the number of tries grows
 * only with its logarithm. The first try comes at 1.5 s, not 1 s, so that the second (5.3 s after the error, ±1 s at
 * most) lands after a backend that restarts in 5 s, not just before it: with 1 s it came 5.0 s ± 1 s after, and a
 * third of 5-second outages (simulated; 10 of 17 real runs) waited about 6 s more for the third try. A bigger base or
 * factor sends less but misses the delay target at 30 s or 10 min; a smaller one sends more than a tenth of a
 * 5-second reloader's requests from 10 min on.
 */
export const DEFAULT_POLICY: RecoveryPolicy = {
  maxVisibleRetries: 5,
  firstDelayMs: 1_500,
  baseDelayMs: 3_750,
  factor: 1.5,
  ceilingMs: 300_000,
  jitter: 0.2,
  retryAfterMinMs: 1_000,
  retryAfterMaxMs: 1_800_000,
  ageShare: 1 / 6,
  lateCeilingMs: 1_800_000,
  // A day, like a user who leaves the tab open overnight; Chromium's own auto-reload never stops (every 30 min).
  giveUpAfterMs: 86_400_000,
  outcomeTimeoutMs: 90_000,
  // Offline costs nothing to look at (no request leaves), and a back-online page should not wait long for it.
  offlineRecheckMs: 10_000,
};

/** A source of uniform numbers in `[0, 1)`, like `Math.random`. */
export type Random = () => number;

/**
 * The ceiling of the gap between two tries for an incident `ageMs` old, ms: `ceilingMs` while the incident is young,
 * then `ageShare` of its age, at most `lateCeilingMs`. Growing with the age, not in one step, keeps the median delay
 * after a recovery near half the share of the outage whatever its length (one step from 5 to 30 min at 1 h would leave
 * an outage of 70 min waiting a fifth of its length). An age that is negative or not finite counts as 0.
 */
export function ceilingAtMs(policy: RecoveryPolicy, ageMs?: number): number {
  const age = ageMs !== undefined && Number.isFinite(ageMs) && ageMs > 0 ? ageMs : 0;
  const share = Number.isFinite(policy.ageShare) && policy.ageShare > 0 ? policy.ageShare : 0;
  return Math.max(policy.ceilingMs, Math.min(age * share, policy.lateCeilingMs));
}

/**
 * Delay before try number `failures + 1`, ms.
 *
 * @param failures - tries that already failed after the first error (0 right after the error was seen)
 * @param retryAfterMs - the latest `Retry-After` in ms, if any; the delay is never shorter than it (after clamping)
 * @param ageMs - ms since the incident started (`now - startedAt`); an old incident's gaps may grow to a share of
 *   its age, up to `lateCeilingMs` (see {@link ceilingAtMs}). Absent or not finite: treated as a young incident.
 * @returns a finite delay >= `policy.firstDelayMs * (1 - jitter)`, never above
 *   `max(ceilingAtMs(policy, ageMs) * (1 + jitter), Retry-After max)`
 */
export function nextDelayMs(
  failures: number,
  policy: RecoveryPolicy,
  random: Random,
  retryAfterMs?: number,
  ageMs?: number,
): number {
  const n = Number.isFinite(failures) && failures > 0 ? Math.floor(failures) : 0;
  const raw = n === 0 ? policy.firstDelayMs : policy.baseDelayMs * policy.factor ** Math.min(n - 1, 64);
  const r = random();
  const spread = 1 - policy.jitter + 2 * policy.jitter * (Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0.5);
  let delay = Math.min(raw, ceilingAtMs(policy, ageMs)) * spread;
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs)) {
    const asked = Math.min(Math.max(retryAfterMs, policy.retryAfterMinMs), policy.retryAfterMaxMs);
    delay = Math.max(delay, asked);
  }
  return Math.round(delay);
}

/** A deterministic {@link Random} (mulberry32) for tests and the benchmark's simulated runs. */
export function createSeededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
