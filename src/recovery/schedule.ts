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
  /** Longest delay between two tries, ms (watch-mode ceiling). */
  readonly ceilingMs: number;
  /** Each delay is multiplied by a uniform factor in `[1 - jitter, 1 + jitter]`, so many clients do not align. */
  readonly jitter: number;
  /** `Retry-After` is clamped to `[retryAfterMinMs, retryAfterMaxMs]`: a server cannot park us for a day. */
  readonly retryAfterMinMs: number;
  readonly retryAfterMaxMs: number;
  /** Watch mode ends this long after the incident started, ms. */
  readonly giveUpAfterMs: number;
  /** A reload or probe with no outcome after this long counts as failed, ms (covers lost events). */
  readonly outcomeTimeoutMs: number;
  /** While the browser is offline, look again this often, ms (the `online` event usually comes first). */
  readonly offlineRecheckMs: number;
}

/**
 * The shipped schedule, chosen with `npm run bench` (outages of 5 s to 1 h, medians over rounds): tries at about
 * 1 s, 5 s, 11 s, 20 s, 34 s, 54 s, 84 s, 2.2 min, 3.3 min, 5 min, then every 5 min. Each gap is about half the time
 * since the error, which keeps the median delay after a recovery near a fifth of the outage while the number of
 * tries grows only with its logarithm. A bigger base or factor sends less but misses the delay target at 30 s or
 * 10 min; a smaller one sends more than a tenth of a 5-second reloader's requests from 10 min on.
 */
export const DEFAULT_POLICY: RecoveryPolicy = {
  maxVisibleRetries: 5,
  firstDelayMs: 1_000,
  baseDelayMs: 4_000,
  factor: 1.5,
  ceilingMs: 300_000,
  jitter: 0.2,
  retryAfterMinMs: 1_000,
  retryAfterMaxMs: 1_800_000,
  // Two hours: an outage of an hour still comes back by itself (a give-up at exactly 1 h missed it in the bench).
  giveUpAfterMs: 7_200_000,
  outcomeTimeoutMs: 90_000,
  offlineRecheckMs: 30_000,
};

/** A source of uniform numbers in `[0, 1)`, like `Math.random`. */
export type Random = () => number;

/**
 * Delay before try number `failures + 1`, ms.
 *
 * @param failures - tries that already failed after the first error (0 right after the error was seen)
 * @param retryAfterMs - the latest `Retry-After` in ms, if any; the delay is never shorter than it (after clamping)
 * @returns a finite delay >= `policy.firstDelayMs * (1 - jitter)`, never above `max(ceiling, Retry-After max)`
 */
export function nextDelayMs(
  failures: number,
  policy: RecoveryPolicy,
  random: Random,
  retryAfterMs?: number,
): number {
  const n = Number.isFinite(failures) && failures > 0 ? Math.floor(failures) : 0;
  const raw = n === 0 ? policy.firstDelayMs : policy.baseDelayMs * policy.factor ** Math.min(n - 1, 64);
  const r = random();
  const spread = 1 - policy.jitter + 2 * policy.jitter * (Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0.5);
  let delay = Math.min(raw, policy.ceilingMs) * spread;
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
