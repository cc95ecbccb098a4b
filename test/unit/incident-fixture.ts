/** A shop's incident for the view tests: one place for the fields every such test repeats. */
import type { Incident } from '../../src/recovery/incident-machine';
import type { StatusReport } from '../../src/status/verdict';

/**
 * An active incident of `shop.example.com` (nginx's 502 on `/cart`), with `overrides` on top.
 *
 * @param now - epoch ms the test's clock reads; the incident started 5 min before it and watches (5 reloads, 3 probes)
 */
export function shopIncident(now: number, overrides: { [K in keyof Incident]?: Incident[K] } = {}): Incident {
  return {
    id: 'incident-1',
    origin: 'https://shop.example.com',
    host: 'shop.example.com',
    url: 'https://shop.example.com/cart',
    code: 502,
    method: 'GET',
    gateway: { server: 'nginx' },
    startedAt: now - 300_000,
    phase: 'watching',
    attempts: 5,
    probes: 3,
    nextAt: now + 30_000,
    awaiting: null,
    ...overrides,
  } as Incident;
}

/**
 * A fresh check-host.net report that `shop.example.com` is down for everyone (6 of 7 locations got 502).
 *
 * @param now - epoch ms; checked 10 s before, valid 50 s after
 */
export function downForEveryone(now: number): StatusReport {
  return {
    host: 'shop.example.com',
    verdict: 'down-for-everyone',
    checkedAt: now - 10_000,
    expiresAt: now + 50_000,
    sources: [{ provider: 'checkHost', verdict: 'down-for-everyone', evidence: { key: 'evidenceLocationsDown', subs: ['6', '7', '502'] }, checkedAt: now - 10_000 }],
  };
}
