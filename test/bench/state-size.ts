/**
 * Bytes of recovery state kept in `storage.session` after many incidents over many tabs, driven through the real
 * incident machine. Bounded by design: ended incidents are pruned (at most 20, 10 min after their last tab), tab
 * entries go when tabs move on, sub-resource records are capped at 50.
 */
import { createSeededRandom, DEFAULT_POLICY } from '../../src/recovery/schedule';
import { EMPTY_STATE, nextWake, reduce, type RecoveryEvent, type RecoveryState } from '../../src/recovery/incident-machine';
import { DEFAULT_SETTINGS } from '../../src/settings/settings';
import { createStatusChecker, EMPTY_MEMORY, type StatusMemory } from '../../src/status/checker';
import type { HttpClient } from '../../src/status/http';

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

/**
 * Bytes of the status check's memory (`storage.session` key `status`) after `checks` checks of distinct hosts with
 * status pages found for each registrable domain, driven through the real checker with a fake network that answers
 * at once. Bounded by design: at most 100 reports, 200 status pages, 200 checked incidents, 50 starts per provider.
 */
export async function statusSoak(checks: number): Promise<{ checks: number; maxBytes: number; finalBytes: number }> {
  let clock = 1_700_000_000_000;
  let stored: StatusMemory = structuredClone(EMPTY_MEMORY);
  let maxBytes = 0;
  const nodes = ['us1', 'de1', 'jp1', 'br1', 'nl1', 'fr1', 'sg1'].map((n) => `${n}.node.check-host.net`);
  const http: HttpClient = {
    getJson: async (url) => {
      if (url.includes('/check-http?')) return { ok: true, status: 200, json: { ok: 1, request_id: 'r1', permanent_link: 'https://check-host.net/check-report/r1', nodes: Object.fromEntries(nodes.map((n) => [n, ['us', 'USA', 'LA', '1.2.3.4', 'AS1']])) } };
      if (url.includes('/check-result/')) return { ok: true, status: 200, json: Object.fromEntries(nodes.map((n) => [n, [[0, 0.1, 'Bad Gateway', '502', '1.2.3.4']]])) };
      if (url.endsWith('/api/v2/summary.json') && url.startsWith('https://status.')) {
        return { ok: true, status: 200, json: { page: { id: 'p', url: url.replace('/api/v2/summary.json', '') }, status: { indicator: 'major', description: 'Major outage' } } };
      }
      return { ok: false, status: 404, reason: { code: 'http-error', detail: 'HTTP 404' } };
    },
    // Globalping's start: refused here, so its report is a short `unknown` (the memory's size is what is measured).
    postJson: async () => ({ ok: false, status: 404, reason: { code: 'http-error', detail: 'HTTP 404' } }),
  };
  const checker = createStatusChecker({
    http,
    now: () => clock,
    settings: async () => ({ ...DEFAULT_SETTINGS, statusAutoCheck: true }),
    store: { load: async () => structuredClone(stored), save: async (m) => void (stored = structuredClone(m)) },
    log: { warn: () => {} },
    sleep: async (ms) => void (clock += ms),
  });
  for (let n = 0; n < checks; n++) {
    // Spread over a day, so the per-provider rate limits (6 a minute for check-host) let each check through.
    clock += 15_000;
    await checker.check({ url: `https://www${n}.site${n % 300}.example.com/`, code: 502, gateway: { server: 'nginx' }, trigger: 'auto', incidentId: `i${n}` });
    maxBytes = Math.max(maxBytes, JSON.stringify(stored).length);
  }
  return { checks, maxBytes, finalBytes: JSON.stringify(stored).length };
}
