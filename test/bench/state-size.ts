/**
 * Bytes of recovery state kept in `storage.session` after many incidents over many tabs, driven through the real
 * incident machine. Bounded by design: ended incidents are pruned (at most 20, 10 min after their last tab), tab
 * entries go when tabs move on, sub-resource records are capped at 50.
 */
import { createSeededRandom, DEFAULT_POLICY } from '../../src/recovery/schedule';
import { EMPTY_STATE, nextWake, reduce, type RecoveryEvent, type RecoveryState } from '../../src/recovery/incident-machine';

export interface SoakResult {
  readonly incidents: number;
  /** Largest `JSON.stringify(state)` seen, bytes (UTF-16 code units of ASCII JSON = bytes). */
  readonly maxBytes: number;
  readonly finalBytes: number;
}

/**
 * Runs `incidents` gateway errors spread over `tabs` tabs and `hosts` sites across `spanMs` of simulated time; each
 * recovers, is abandoned or left to the schedule at random.
 */
export function soak(incidents: number, tabs: number, hosts: number, spanMs: number, seed = 1): SoakResult {
  const random = createSeededRandom(seed);
  let state: RecoveryState = structuredClone(EMPTY_STATE);
  let now = 1_700_000_000_000;
  let maxBytes = 0;
  const send = (event: RecoveryEvent) => {
    state = reduce(state, event, { now, policy: DEFAULT_POLICY, random }).state;
  };
  for (let n = 0; n < incidents; n++) {
    now += Math.floor(random() * ((2 * spanMs) / incidents));
    while (nextWake(state) !== null && nextWake(state)! <= now) send({ type: 'due', online: true });
    const tabId = Math.floor(random() * tabs);
    const host = `site${Math.floor(random() * hosts)}.example`;
    const url = `https://${host}/page/${n}?q=${'x'.repeat(Math.floor(random() * 200))}`;
    send({ type: 'gateway-error', tabId, url, method: random() < 0.05 ? 'POST' : 'GET', code: 502, gateway: { server: 'nginx', cfRay: 'abc' } });
    send({ type: 'subresource-error', tabId: Math.floor(random() * tabs), origin: `https://cdn${n % 7}.example`, host: `cdn${n % 7}.example`, code: 503, scope: 'sub-resource' });
    const fate = random();
    if (fate < 0.4) send({ type: 'main-frame-answered', tabId, url, code: 200 });
    else if (fate < 0.6) send({ type: 'tab-closed', tabId });
    else if (fate < 0.8) send({ type: 'main-frame-answered', tabId, url: 'https://elsewhere.example/', code: 200 });
    // Measured once per incident, at its largest point (after all of its events).
    maxBytes = Math.max(maxBytes, JSON.stringify(state).length);
  }
  return { incidents, maxBytes, finalBytes: JSON.stringify(state).length };
}
