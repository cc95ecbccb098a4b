import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, ceilingAtMs, createSeededRandom, nextDelayMs, type RecoveryPolicy } from '../../src/recovery/schedule';

/** The formula's tests use round numbers (the shipped first and base delays are checked apart, below). */
const P: RecoveryPolicy = { ...DEFAULT_POLICY, firstDelayMs: 1_000, baseDelayMs: 4_000 };
const mid = () => 0.5; // spread exactly 1: the delay is the raw schedule value
const low = () => 0; // spread 1 - jitter
const high = () => 0.999_999_999; // spread just under 1 + jitter

/** The schedule without jitter, computed independently: first, then base * factor^(n-1), capped. */
function rawDelay(failures: number, policy: RecoveryPolicy = P): number {
  const raw = failures === 0 ? policy.firstDelayMs : policy.baseDelayMs * policy.factor ** (failures - 1);
  return Math.min(raw, policy.ceilingMs);
}

const SEEDS = Array.from({ length: 200 }, (_, i) => i * 7919 + 1);

describe('DEFAULT_POLICY', () => {
  it('has the documented values', () => {
    expect(DEFAULT_POLICY).toEqual({
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
      giveUpAfterMs: 86_400_000,
      outcomeTimeoutMs: 90_000,
      offlineRecheckMs: 10_000,
    });
  });

  it('puts the unjittered tries at the documented times: 1.5 s, 5.25 s, 10.9 s, 19.3 s, 32 s after the error', () => {
    let at = 0;
    const tries = [0, 1, 2, 3, 4].map((n) => (at += nextDelayMs(n, DEFAULT_POLICY, mid)));
    expect(tries).toEqual([1_500, 5_250, 10_875, 19_313, 31_969]);
  });

  it('lets the second try come after a 5-second outage when the jitter does not pull it forward', () => {
    // With the jitter at its middle the second try is 5.25 s after the error; before, it was 5.0 s, on the edge.
    expect(nextDelayMs(0, DEFAULT_POLICY, mid) + nextDelayMs(1, DEFAULT_POLICY, mid)).toBeGreaterThan(5_000);
  });
});

describe('nextDelayMs: the schedule', () => {
  it('waits firstDelayMs before the first retry', () => {
    expect(nextDelayMs(0, P, mid)).toBe(1_000);
  });

  it('keeps the first delay within the jitter bounds', () => {
    expect(nextDelayMs(0, P, low)).toBe(800);
    expect(nextDelayMs(0, P, high)).toBe(1_200);
    for (const seed of SEEDS) {
      const d = nextDelayMs(0, P, createSeededRandom(seed));
      expect(d).toBeGreaterThanOrEqual(800);
      expect(d).toBeLessThanOrEqual(1_200);
    }
  });

  it('uses baseDelayMs for the second retry and grows by factor after that', () => {
    expect(nextDelayMs(1, P, mid)).toBe(4_000);
    expect(nextDelayMs(2, P, mid)).toBe(6_000);
    expect(nextDelayMs(3, P, mid)).toBe(9_000);
    expect(nextDelayMs(4, P, mid)).toBe(13_500);
    expect(nextDelayMs(5, P, mid)).toBe(Math.round(4_000 * 1.5 ** 4));
  });

  it('follows a custom policy', () => {
    const policy: RecoveryPolicy = { ...P, firstDelayMs: 250, baseDelayMs: 1_000, factor: 2, ceilingMs: 10_000, jitter: 0 };
    const delays = [0, 1, 2, 3, 4, 5, 6].map((n) => nextDelayMs(n, policy, mid));
    expect(delays).toEqual([250, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it('ignores random() entirely when jitter is 0', () => {
    const policy: RecoveryPolicy = { ...P, jitter: 0 };
    expect(nextDelayMs(2, policy, low)).toBe(6_000);
    expect(nextDelayMs(2, policy, high)).toBe(6_000);
  });

  it('never decreases as failures grow (fixed random)', () => {
    let previous = 0;
    for (let n = 0; n <= 60; n++) {
      const d = nextDelayMs(n, P, mid);
      expect(d).toBeGreaterThanOrEqual(previous);
      previous = d;
    }
  });

  it('reaches the ceiling and stays there', () => {
    expect(nextDelayMs(11, P, mid)).toBe(Math.round(4_000 * 1.5 ** 10)); // 230 660: not capped yet
    expect(nextDelayMs(12, P, mid)).toBe(300_000); // 4000 * 1.5^11 ≈ 345 990: capped
    expect(nextDelayMs(14, P, mid)).toBe(300_000); // 4000 * 1.5^13 ≈ 778 478 > ceiling
    expect(nextDelayMs(100, P, mid)).toBe(300_000);
    expect(nextDelayMs(1_000_000, P, mid)).toBe(300_000);
  });

  it('stays within ceiling * (1 ± jitter) once capped, whatever the random value', () => {
    expect(nextDelayMs(40, P, high)).toBe(360_000);
    expect(nextDelayMs(40, P, low)).toBe(240_000);
    const outside: string[] = [];
    for (const seed of SEEDS) {
      const random = createSeededRandom(seed);
      for (let n = 13; n <= 73; n += 5) {
        const d = nextDelayMs(n, P, random);
        if (d > P.ceilingMs * (1 + P.jitter) || d < P.ceilingMs * (1 - P.jitter)) outside.push(`seed ${seed} n ${n}: ${d}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it('keeps every delay within [raw * (1 - jitter), raw * (1 + jitter)] over many seeds', () => {
    const outside: string[] = [];
    for (const seed of SEEDS) {
      const random = createSeededRandom(seed);
      for (let n = 0; n <= 20; n++) {
        const raw = rawDelay(n);
        const d = nextDelayMs(n, P, random);
        const ok = Number.isInteger(d) && d >= Math.floor(raw * (1 - P.jitter)) && d <= Math.ceil(raw * (1 + P.jitter));
        if (!ok) outside.push(`seed ${seed} n ${n}: ${d} (raw ${raw})`);
      }
    }
    expect(outside).toEqual([]);
  });

  it('actually spreads the delays (jitter is applied)', () => {
    const seen = new Set(SEEDS.map((seed) => nextDelayMs(3, P, createSeededRandom(seed))));
    expect(seen.size).toBeGreaterThan(50);
  });

  it('never goes below firstDelayMs * (1 - jitter)', () => {
    const below: string[] = [];
    for (const seed of SEEDS) {
      const random = createSeededRandom(seed);
      for (let n = 0; n <= 30; n++) {
        const d = nextDelayMs(n, P, random);
        if (d < 800) below.push(`seed ${seed} n ${n}: ${d}`);
      }
    }
    expect(below).toEqual([]);
  });
});

describe('ceilingAtMs and the age of the incident', () => {
  const H = 3_600_000;

  it('keeps ceilingMs for a young incident (an age of 0, absent, negative or not finite counts as young)', () => {
    for (const age of [undefined, 0, 60_000, 1_800_000, -H, Number.NaN, Number.NEGATIVE_INFINITY]) {
      expect(ceilingAtMs(P, age), String(age)).toBe(300_000);
    }
  });

  it('grows to ageShare of the age past the point where that exceeds ceilingMs', () => {
    expect(ceilingAtMs(P, 1_800_000)).toBe(300_000); // 30 min / 6 = 5 min: the growth starts here
    expect(ceilingAtMs(P, H)).toBe(600_000);
    expect(ceilingAtMs(P, 2 * H)).toBe(1_200_000);
  });

  it('stops at lateCeilingMs, however old the incident', () => {
    expect(ceilingAtMs(P, 3 * H)).toBe(1_800_000);
    expect(ceilingAtMs(P, 24 * H)).toBe(1_800_000);
    expect(ceilingAtMs(P, Number.POSITIVE_INFINITY)).toBe(300_000); // not finite: young, never "wait for ever"
  });

  it('never goes below ceilingMs, whatever the late settings', () => {
    expect(ceilingAtMs({ ...P, ageShare: 0 }, 10 * H)).toBe(300_000);
    expect(ceilingAtMs({ ...P, ageShare: Number.NaN }, 10 * H)).toBe(300_000);
    expect(ceilingAtMs({ ...P, lateCeilingMs: 60_000 }, 10 * H)).toBe(300_000);
  });

  it('lets an old incident wait longer, up to lateCeilingMs * (1 + jitter)', () => {
    expect(nextDelayMs(40, P, mid)).toBe(300_000);
    expect(nextDelayMs(40, P, mid, undefined, 0)).toBe(300_000);
    expect(nextDelayMs(40, P, mid, undefined, H)).toBe(600_000);
    expect(nextDelayMs(40, P, mid, undefined, 24 * H)).toBe(1_800_000);
    expect(nextDelayMs(40, P, high, undefined, 24 * H)).toBe(2_160_000);
    expect(nextDelayMs(40, P, low, undefined, 24 * H)).toBe(1_440_000);
  });

  it('leaves the early backoff alone: the age only raises the ceiling', () => {
    for (let n = 0; n <= 11; n++) expect(nextDelayMs(n, P, mid, undefined, 24 * H), `n ${n}`).toBe(nextDelayMs(n, P, mid));
  });

  it('never shortens a delay as the incident ages (fixed failures and random)', () => {
    for (const n of [5, 12, 20, 40]) {
      let previous = 0;
      for (let age = 0; age <= 24 * H; age += 300_000) {
        const d = nextDelayMs(n, P, mid, undefined, age);
        expect(d, `n ${n} age ${age}`).toBeGreaterThanOrEqual(previous);
        previous = d;
      }
    }
  });

  it('still honours a longer Retry-After, and a shorter one does not cut a long wait', () => {
    expect(nextDelayMs(40, P, mid, 1_500_000, H)).toBe(1_500_000);
    expect(nextDelayMs(40, P, mid, 60_000, 24 * H)).toBe(1_800_000);
  });

  it('watches a day-long outage at a low rate: about 70 tries, gaps within the age-based ceiling', () => {
    const counts: number[] = [];
    const outside: string[] = [];
    for (const seed of SEEDS.slice(0, 50)) {
      const random = createSeededRandom(seed);
      let age = 0;
      let failures = 0;
      while (age < 24 * H) {
        const d = nextDelayMs(failures, DEFAULT_POLICY, random, undefined, age);
        const limit = ceilingAtMs(DEFAULT_POLICY, age) * (1 + DEFAULT_POLICY.jitter);
        if (d > limit + 1) outside.push(`seed ${seed} age ${age}: ${d} > ${limit}`);
        age += d;
        failures += 1;
      }
      counts.push(failures);
    }
    expect(outside).toEqual([]);
    // 5-min gaps for the first half hour would be 290 tries a day; Chromium's 30 min would be 48 plus its first 6.
    for (const n of counts) {
      expect(n).toBeGreaterThanOrEqual(60);
      expect(n).toBeLessThanOrEqual(80);
    }
  });
});

describe('nextDelayMs: Retry-After', () => {
  it('waits at least the Retry-After when it is longer than the schedule', () => {
    expect(nextDelayMs(0, P, high, 10_000)).toBe(10_000);
    expect(nextDelayMs(3, P, high, 120_000)).toBe(120_000);
  });

  it('keeps the schedule when it is longer than the Retry-After', () => {
    expect(nextDelayMs(3, P, mid, 2_000)).toBe(9_000);
  });

  it('clamps a short Retry-After up to retryAfterMinMs', () => {
    expect(nextDelayMs(0, P, low, 0)).toBe(1_000);
    expect(nextDelayMs(0, P, low, 500)).toBe(1_000);
  });

  it('clamps a negative Retry-After up to retryAfterMinMs', () => {
    expect(nextDelayMs(0, P, low, -60_000)).toBe(1_000);
  });

  it('clamps a long Retry-After down to retryAfterMaxMs', () => {
    expect(nextDelayMs(0, P, mid, 86_400_000)).toBe(1_800_000);
    expect(nextDelayMs(50, P, high, Number.MAX_SAFE_INTEGER)).toBe(1_800_000);
  });

  it('lets a Retry-After go above the ceiling, up to retryAfterMaxMs', () => {
    expect(nextDelayMs(50, P, mid, 900_000)).toBe(900_000);
  });

  it('respects custom clamp bounds', () => {
    const policy: RecoveryPolicy = { ...P, retryAfterMinMs: 5_000, retryAfterMaxMs: 20_000 };
    expect(nextDelayMs(0, policy, mid, 1)).toBe(5_000);
    expect(nextDelayMs(0, policy, mid, 60_000)).toBe(20_000);
    expect(nextDelayMs(0, policy, mid, 12_345)).toBe(12_345);
  });

  it('ignores a NaN Retry-After', () => {
    expect(nextDelayMs(0, P, low, Number.NaN)).toBe(800);
  });

  it('returns a finite delay for an infinite Retry-After', () => {
    for (const ra of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const d = nextDelayMs(0, P, mid, ra);
      expect(Number.isFinite(d)).toBe(true);
      expect(d).toBeGreaterThanOrEqual(0);
    }
  });

  it('is never below the clamped Retry-After, over many seeds, failures and values', () => {
    const asks = [-1, 0, 1, 999, 1_000, 1_001, 5_000, 61_000, 299_999, 360_001, 1_799_999, 1_800_000, 1_800_001, 1e12];
    const wrong: string[] = [];
    for (const seed of SEEDS.slice(0, 50)) {
      const random = createSeededRandom(seed);
      for (let n = 0; n <= 25; n++) {
        for (const ask of asks) {
          const clamped = Math.min(Math.max(ask, P.retryAfterMinMs), P.retryAfterMaxMs);
          const d = nextDelayMs(n, P, random, ask);
          if (d < clamped || d > Math.max(P.ceilingMs * (1 + P.jitter), clamped)) wrong.push(`seed ${seed} n ${n} ask ${ask}: ${d}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('nextDelayMs: odd inputs', () => {
  it.each([-1, -100, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'treats failures = %s as 0',
    (failures) => {
      expect(nextDelayMs(failures, P, mid)).toBe(1_000);
    },
  );

  it('rounds fractional failures down', () => {
    expect(nextDelayMs(1.9, P, mid)).toBe(4_000);
    expect(nextDelayMs(0.5, P, mid)).toBe(1_000);
  });

  it.each([
    ['NaN', Number.NaN, 1_000],
    ['1', 1, 1_200],
    ['-1', -1, 800],
    ['2', 2, 1_200],
    ['Infinity', Number.POSITIVE_INFINITY, 1_000],
    ['-Infinity', Number.NEGATIVE_INFINITY, 1_000],
  ])('keeps the first delay in bounds when random() returns %s', (_what, value, expected) => {
    expect(nextDelayMs(0, P, () => value)).toBe(expected);
  });

  it('gives a finite non-negative delay for every odd combination', () => {
    const failures = [-1, 0, 3, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e9];
    const randoms = [Number.NaN, 1, -1, 0, 0.5, Number.POSITIVE_INFINITY];
    const retryAfters = [undefined, Number.NaN, -1, 0, Number.POSITIVE_INFINITY, 1e15];
    for (const f of failures) {
      for (const r of randoms) {
        for (const ra of retryAfters) {
          const d = nextDelayMs(f, P, () => r, ra);
          expect(Number.isFinite(d), `failures=${f} random=${r} retryAfter=${ra}`).toBe(true);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(P.retryAfterMaxMs);
        }
      }
    }
  });

  it('calls random() exactly once per delay', () => {
    let calls = 0;
    nextDelayMs(4, P, () => {
      calls += 1;
      return 0.3;
    }, 5_000);
    expect(calls).toBe(1);
  });
});

describe('createSeededRandom', () => {
  it('gives the same sequence for the same seed', () => {
    for (const seed of [0, 1, 42, 2 ** 31, 0xffffffff]) {
      const a = createSeededRandom(seed);
      const b = createSeededRandom(seed);
      const sa = Array.from({ length: 100 }, () => a());
      const sb = Array.from({ length: 100 }, () => b());
      expect(sa).toEqual(sb);
    }
  });

  it('gives different sequences for different seeds', () => {
    const first = (seed: number) => Array.from({ length: 5 }, createSeededRandom(seed));
    expect(first(1)).not.toEqual(first(2));
    const starts = new Set(SEEDS.map((seed) => createSeededRandom(seed)()));
    expect(starts.size).toBe(SEEDS.length);
  });

  it('does not repeat the same value immediately', () => {
    const r = createSeededRandom(7);
    const values = Array.from({ length: 1_000 }, () => r());
    expect(new Set(values).size).toBe(1_000);
  });

  it('stays in [0, 1) over many seeds and draws', () => {
    const outside: string[] = [];
    for (const seed of [...SEEDS, 0, -1, 2 ** 32 - 1, 2 ** 53]) {
      const r = createSeededRandom(seed);
      for (let i = 0; i < 500; i++) {
        const x = r();
        if (!(x >= 0 && x < 1)) outside.push(`seed ${seed} draw ${i}: ${x}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it('is roughly uniform', () => {
    const r = createSeededRandom(12345);
    const buckets = new Array<number>(10).fill(0);
    const n = 20_000;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const x = r();
      sum += x;
      buckets[Math.floor(x * 10)]! += 1;
    }
    expect(sum / n).toBeGreaterThan(0.48);
    expect(sum / n).toBeLessThan(0.52);
    for (const count of buckets) {
      expect(count).toBeGreaterThan(n / 10 - 300);
      expect(count).toBeLessThan(n / 10 + 300);
    }
  });

  it('reduces the seed to 32 bits', () => {
    const a = createSeededRandom(5);
    const b = createSeededRandom(2 ** 32 + 5);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});
