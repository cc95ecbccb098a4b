/** A shop's incident for the view tests: one place for the fields every such test repeats. */
import type { Incident } from '../../src/recovery/incident-machine';

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
