/** The bench's statistics: the interval it prints next to every page-load ratio. */
import { describe, expect, it } from 'vitest';
import { medianRatioInterval } from '../bench/browser-bench';
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
