/**
 * Real `Retry-After` values (test/fixtures/retry-after/, sources in SOURCES.md) through the real parser.
 */
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/shared/retry-after';
import cases from '../fixtures/retry-after/cases.json';

const NOW = Date.UTC(2026, 0, 1);

describe('real Retry-After values', () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const r = parseRetryAfter(c.value, 'nowMs' in c && typeof c.nowMs === 'number' ? c.nowMs : NOW);
    expect(r.ok).toBe(c.careful.ok);
    if (r.ok) expect(r.delayMs).toBe(c.careful.delayMs);
  });
});
