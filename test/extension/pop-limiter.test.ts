/**
 * The background's notification limit (`extension/background/pop-limiter.ts`): one decision at a time, so incidents
 * opening at once cannot all pass on the same count; the log outlives the worker, without private windows' pops.
 */
import { describe, expect, it, vi } from 'vitest';
import { createPopLimiter } from '../../extension/background/pop-limiter';
import type { PopLog } from '../../src/view/notification-limit';
import { shopIncident } from '../unit/incident-fixture';

const T0 = 1_700_000_000_000;

function harness(initial: PopLog = []) {
  let stored: PopLog = initial;
  const saves: PopLog[] = [];
  const limiter = createPopLimiter({
    store: {
      load: async () => stored,
      save: async (log) => {
        saves.push(log);
        stored = log;
      },
    },
    now: () => T0,
    // A stand-in for the Public Suffix List: the last two labels.
    domainOf: async (host) => host.split('.').slice(-2).join('.'),
    log: { warn: vi.fn() },
  });
  return { limiter, saves, stored: () => stored };
}

const incident = (id: string, host: string, incognito = false) => ({ ...shopIncident(T0, { id, host }), ...(incognito ? { incognito: true as const } : {}) });

describe('pop limiter', () => {
  it('twenty incidents of one domain opening at once, in twenty tabs: one pops', async () => {
    const h = harness();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => h.limiter.mayPop(incident(`i${i}`, `s${i}.evil.example`), [i + 1])));
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect(h.stored()).toHaveLength(1);
  });

  it('a private window pop counts, but nothing of it is written', async () => {
    const h = harness();
    expect(await h.limiter.mayPop(incident('p', 'secret.example.com', true), [1])).toBe(true);
    expect(h.saves).toEqual([]);
    // It still counts for its domain.
    expect(await h.limiter.mayPop(incident('n', 'www.example.com'), [2])).toBe(false);
    expect(await h.limiter.mayPop(incident('o', 'www.example.org'), [3])).toBe(true);
    expect(JSON.stringify(h.stored())).not.toContain('secret');
    expect(h.stored().map((r) => r.incidentId)).toEqual(['o']);
  });

  it('one tab sent across many registrable domains: three pop a minute', async () => {
    const h = harness();
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await h.limiter.mayPop(incident(`i${i}`, `www.site${i}.example`), [7]));
    expect(answers.filter(Boolean)).toHaveLength(3);
  });

  it('a new worker reads the stored log: a hop after a restart does not pop again', async () => {
    const first = harness();
    expect(await first.limiter.mayPop(incident('a', 's1.evil.example'), [1])).toBe(true);
    const second = harness(first.stored());
    expect(await second.limiter.mayPop(incident('b', 's2.evil.example'), [1])).toBe(false);
  });

  it('when the limit cannot be worked out, nothing pops', async () => {
    const limiter = createPopLimiter({
      store: { load: async () => [], save: async () => undefined },
      now: () => T0,
      domainOf: async () => {
        throw new Error('no list');
      },
      log: { warn: vi.fn() },
    });
    expect(await limiter.mayPop(incident('a', 'shop.example.com'), [1])).toBe(false);
  });
});
