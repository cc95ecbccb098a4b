/** The bench's simulation: its scenarios and its strategies do what the bench's tables say they do. */
import { describe, expect, it } from 'vitest';
import {
  ALTERNATIVES,
  createExtensionFlapStrategy,
  createExtensionStrategy,
  createPerTabFlapStrategy,
  FLAP_ALTERNATIVES,
  flappingSite,
  LATENCY_MS,
  PAGE_LOAD_MS,
} from '../bench/outage-simulation';
import { DEFAULT_POLICY } from '../../src/recovery/schedule';

const H = 3_600_000;

describe('flappingSite', () => {
  const site = flappingSite({ downMs: 10_000, upMs: 2_000, forMs: 180_000, phaseMs: 0, reopenAfterMs: 5_000 });

  it('is down 10 s, then up 2 s, in turns, and up for good after 3 min', () => {
    expect([0, 9_999, 10_000, 11_999, 12_000, 22_000].map((t) => site.down(t))).toEqual([true, true, false, false, true, false]);
    expect(site.down(177_000)).toBe(true); // 9 s into the 15th cycle
    expect(site.down(180_000)).toBe(false);
    expect(site.down(10 * H)).toBe(false);
  });

  it('starts the cycle at its phase', () => {
    const late = flappingSite({ downMs: 10_000, upMs: 2_000, forMs: 180_000, phaseMs: 10_000, reopenAfterMs: 5_000 });
    expect(late.down(0)).toBe(false);
    expect(late.down(2_000)).toBe(true);
  });
});

describe('outage strategies', () => {
  it('Chromium: tries at 1 s, 5 s, 30 s after each error page, then the page loads', () => {
    // Tries at 1.07 s, 6.14 s (the second reaches the site at 6.18 s): a 6-s outage is over by then.
    const r = ALTERNATIVES['chromium auto-reload']!(6_000, 1, 1);
    expect(r.requestsDuringOutage).toBe(1);
    expect(r.delayMs).toBe(2 * LATENCY_MS + 1_000 + 2 * LATENCY_MS + 5_000 + 2 * LATENCY_MS + PAGE_LOAD_MS - 6_000);
  });

  it('the extension recovers a 23-h outage and gives up on one longer than its 24-h watch', () => {
    const ext = createExtensionStrategy();
    const day = ext(23 * H, 1, 7);
    expect(Number.isFinite(day.delayMs)).toBe(true);
    expect(day.delayMs).toBeLessThanOrEqual(DEFAULT_POLICY.lateCeilingMs * (1 + DEFAULT_POLICY.jitter) + 1_000);
    expect(ext(DEFAULT_POLICY.giveUpAfterMs + H, 1, 7).delayMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('the extension counts its cookieless comparison as a request that reached the site while down', () => {
    // An outage of 0.5 s: over before the first try (about 1.5 s), but after the comparison (right after the error).
    const r = createExtensionStrategy()(500, 1, 3);
    expect(r.requestsDuringOutage).toBe(1);
  });
});

describe('flapping strategies', () => {
  const site = flappingSite({ downMs: 10_000, upMs: 2_000, forMs: 180_000, phaseMs: 0, reopenAfterMs: 5_000 });

  it('a fixed 5-s reloader keeps reloading and is back only in the up windows', () => {
    const r = FLAP_ALTERNATIVES['fixed 5 s']!(site, 1);
    expect(r.reloads).toBeGreaterThan(20);
    expect(r.userLoads).toBeGreaterThan(1);
    expect(r.incidents).toBe(0);
  });

  it('a reloader that never retries leaves the error page up until the site is back for good', () => {
    const never = createPerTabFlapStrategy(() => 10 * H);
    const r = never(site, 1);
    expect(r.reloads).toBe(1);
    expect(r.errorShownMs).toBeGreaterThan(10 * H);
  });

  it('the extension runs the real incident machine: reloads, incidents, the user opening the page again', () => {
    const r = createExtensionFlapStrategy()(site, 1);
    expect(r.reloads).toBeGreaterThan(0);
    expect(r.incidents).toBeGreaterThanOrEqual(1);
    expect(r.userLoads).toBeGreaterThanOrEqual(2);
    expect(r.errorShownMs).toBeGreaterThan(0);
  });
});
