/** A simulated day of incidents across 100 tabs: the state the machine keeps stays bounded. */
import { describe, expect, it } from 'vitest';
import { soak } from '../bench/state-size';

describe('soak', () => {
  it('10,000 incidents over 100 tabs in a day keep the stored state under 200 kB', () => {
    const small = soak(1_000, 100, 300, 24 * 3_600_000);
    const day = soak(10_000, 100, 300, 24 * 3_600_000);
    // Bounded by design, so ten times the incidents must not mean ten times the bytes.
    expect(day.maxBytes).toBeLessThan(200_000);
    expect(day.maxBytes).toBeLessThan(small.maxBytes * 2);
  }, 60_000);
});
