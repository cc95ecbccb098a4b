/** The bench's statistics: the interval it prints next to every page-load ratio, and the flood's try times. */
import { describe, expect, it } from 'vitest';
import { medianRatioInterval } from '../bench/browser-bench';
import { tryTimes, type TryLogEntry } from '../bench/flood';
import { createSeededRandom } from '../../src/recovery/schedule';

describe('medianRatioInterval', () => {
  const noisy = (n: number, centre: number, random: () => number) => Array.from({ length: n }, () => centre + (random() - 0.5) * 40);

  it('holds the true ratio, and narrows with more samples', () => {
    const r = createSeededRandom(3);
    const [lo, hi] = medianRatioInterval(noisy(30, 260, r), noisy(30, 250, r), createSeededRandom(1));
    expect(lo).toBeLessThan(1.04);
    expect(hi).toBeGreaterThan(1.04);
    const [lo2, hi2] = medianRatioInterval(noisy(300, 260, r), noisy(300, 250, r), createSeededRandom(1));
    expect(hi2 - lo2).toBeLessThan((hi - lo) / 2);
  });

  it('is NaN for an arm that did not run', () => {
    expect(medianRatioInterval([], [1, 2], createSeededRandom(1))).toEqual([Number.NaN, Number.NaN]);
  });
});

describe('the flood bench: which try reached the upstream, and when it was due', () => {
  // [seen at, phase, nextAt, awaiting.at]: the incident opens (try due at 2_500), the try is taken at 2_510 and stored
  // at 2_530, answered 502; the next try is due at 6_000, taken at 6_900, stored at 6_950.
  const log: TryLogEntry[] = [
    [1_010, 1, 2_500, null, 'retrying'],
    [2_530, 1, 12_510, 2_510, 'retrying'],
    [2_600, 1, 6_000, null, 'retrying'],
    [6_950, 1, 16_900, 6_900, 'retrying'],
  ];

  it('takes the last try issued before the upstream saw it, and the due time stored while it waited', () => {
    expect(tryTimes(log, 7_400)).toEqual({ dueAt: 6_000, issuedAt: 6_900, storedAt: 6_950 });
    expect(tryTimes(log, 3_000)).toEqual({ dueAt: 2_500, issuedAt: 2_510, storedAt: 2_530 });
  });

  it('says nothing when the log does not show the try or its due time', () => {
    expect(tryTimes(log, 2_000)).toBeUndefined();
    expect(tryTimes([[2_530, 1, 12_510, 2_510, 'retrying']], 3_000)).toBeUndefined();
  });
});
