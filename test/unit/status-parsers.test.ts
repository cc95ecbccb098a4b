import { beforeAll, describe, expect, it } from 'vitest';
import { loadPublicSuffixList } from '../../src/status/host';
import { DEFAULT_SETTINGS, type Settings } from '../../src/settings/settings';
import type { HttpClient, HttpResult } from '../../src/status/http';
import type { ProviderContext, StatusPageRef, StatusQuery } from '../../src/status/provider';
import { checkHostProvider, readNode, voteNodes, type NodeOutcome } from '../../src/status/providers/check-host';
import { customEndpointProvider, gatusCounts, kumaCounts, kumaMonitorIsAbout, kumaMonitorsOf, monitorsReport } from '../../src/status/providers/custom-endpoint';
import { parseKumaPage } from '../../src/settings/kuma-page';
import { readGateway } from '../../src/status/gateway-report';
import { cdnStatusProvider, pageReport, statusPageCandidates, statusPageProvider, VENDORS } from '../../src/status/providers/status-page';
import { cleanText, collectAddresses, combineReport, combineVerdicts, MAX_ADDRESSES, normaliseAddress, safeLink, unknownReport, type Verdict } from '../../src/status/verdict';
import { globalpingProvider, measurementRequest, readProbe } from '../../src/status/providers/globalping';

// The status-page candidates are named after the registrable domain (the checker loads the list itself).
beforeAll(loadPublicSuffixList);

const T = 1_700_000_000_000;

// ---------------------------------------------------------------------------------------------------------------
// Fixtures in the shapes each service documents for its public API.

const START_OK = {
  ok: 1,
  request_id: '806df9',
  permanent_link: 'https://check-host.net/check-report/806df9',
  nodes: Object.fromEntries(
    ['us1', 'us2', 'de1', 'fr1', 'nl1', 'jp1', 'br1'].map((n) => [`${n}.node.check-host.net`, ['us', 'USA', 'Los Angeles', '5.253.30.82', 'AS18978']]),
  ),
};
const NODES = Object.keys(START_OK.nodes);
const row = (ok: 0 | 1, code: string | null, message = 'x'): unknown => [[ok, 0.131, message, code, '93.184.216.34']];
const resultOf = (values: unknown[]): Record<string, unknown> => Object.fromEntries(NODES.map((n, i) => [n, values[i] ?? null]));

function statuspageSummary(indicator: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    page: { id: 'kctbh9vrtdwd', name: 'GitHub', url: 'https://www.githubstatus.com', time_zone: 'Etc/UTC', updated_at: '2023-09-26T07:51:43.965Z' },
    status: { indicator, description: 'All Systems Operational' },
    components: [{ id: 'c1', name: 'Git Operations', status: 'operational' }],
    incidents: [],
    scheduled_maintenances: [],
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// A small ProviderContext for driving one provider against canned answers.

function fakeCtx(
  answer: (url: string) => HttpResult | Promise<HttpResult>,
  opts: { settings?: Partial<Settings>; pages?: Map<string, StatusPageRef | null>; signal?: AbortSignal } = {},
) {
  let now = T;
  const urls: string[] = [];
  const posted: unknown[] = [];
  const remembered = new Map<string, StatusPageRef | null>();
  const http: HttpClient = {
    getJson: async (url) => {
      urls.push(url);
      return answer(url);
    },
    postJson: async (url, body) => {
      urls.push(url);
      posted.push(body);
      return answer(url);
    },
  };
  const ctx: ProviderContext = {
    http,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal.aborted) throw new Error('aborted');
      now += ms;
    },
    signal: opts.signal ?? new AbortController().signal,
    settings: { ...DEFAULT_SETTINGS, ...opts.settings },
    statusPages: {
      get: (d) => (opts.pages?.has(d) ? opts.pages.get(d) : undefined),
      remember: (d, p) => void remembered.set(d, p),
    },
  };
  return { ctx, urls, posted, remembered, elapsed: () => now - T };
}

const ok = (json: unknown): HttpResult => ({ ok: true, status: 200, json });
const notFound: HttpResult = { ok: false, status: 404, reason: { code: 'http-error', detail: 'HTTP 404' } };
const query: StatusQuery = { host: 'www.example.com', origin: 'https://www.example.com', code: 502 };

// ---------------------------------------------------------------------------------------------------------------

describe('check-host readNode', () => {
  it('reads a healthy 200 as up', () => {
    expect(readNode([[1, 0.131, 'OK', '200', '93.184.216.34']])).toEqual({ up: true });
  });

  it('reads 502 as down with its code', () => {
    expect(readNode([[0, 0.2, 'Bad Gateway', '502', '93.184.216.34']])).toEqual({ up: false, code: 502 });
  });

  it('reads any 5xx as down whatever ok says', () => {
    expect(readNode([[1, 0.2, 'Service Unavailable', '503']])).toEqual({ up: false, code: 503 });
    expect(readNode([[0, 0.2, 'x', '522']])).toEqual({ up: false, code: 522 });
  });

  it('counts 3xx as up (nodes do not follow redirects)', () => {
    expect(readNode([[1, 0.131, 'Moved Permanently', '301']])).toEqual({ up: true });
    expect(readNode([[0, 0.131, 'Found', '302', '1.2.3.4']])).toEqual({ up: true });
  });

  it('counts 429 with ok 0 as up (the server answers)', () => {
    expect(readNode([[0, 0.3, 'Too Many Requests', '429', '1.2.3.4']])).toEqual({ up: true });
  });

  it('reads a connection timeout row as down without a code', () => {
    expect(readNode([[0, 10, 'Connection timed out', null, null]])).toEqual({ up: false });
  });

  it('reads a pending node (null) as not reported', () => {
    expect(readNode(null)).toBeNull();
  });

  it('treats malformed rows as not reported', () => {
    for (const bad of [undefined, [], [null], 'OK', 1, {}, [[]], [[2, 0.1, 'x', '200']], [['1', 0.1, 'OK', '200']], [[1, '0.1', 'OK', '200']], [[1, 0.1, 5, '200']], [[1, 0.1, 'OK', 200]], [{ ok: 1 }]]) {
      expect(readNode(bad), JSON.stringify(bad)).toBeNull();
    }
  });

  it('ignores extra fields in a row', () => {
    expect(readNode([[1, 0.1, 'OK', '200', '1.2.3.4', 'extra', { x: 1 }]])).toEqual({ up: true });
    expect(readNode([[0, 0.1, 'Bad Gateway', '502', '1.2.3.4', 'extra'], [1, 0.1, 'OK', '200']])).toEqual({ up: false, code: 502 });
  });

  it('a code that is not three digits falls back to ok', () => {
    expect(readNode([[1, 0.1, 'OK', 'abc']])).toEqual({ up: true });
    expect(readNode([[0, 0.1, 'weird', '5023']])).toEqual({ up: false });
  });
});

describe('check-host voteNodes', () => {
  const up: NodeOutcome = { up: true };
  const d502: NodeOutcome = { up: false, code: 502 };
  const noConn: NodeOutcome = { up: false };

  it('all up → up-elsewhere', () => {
    const r = voteNodes(Array(7).fill(up), 7, T, 'https://check-host.net/check-report/1');
    expect(r.verdict).toBe('up-elsewhere');
    expect(r.evidence).toEqual({ key: 'evidenceLocationsUp', subs: ['7', '7'] });
    expect(r.locations).toEqual({ down: 0, up: 7, reported: 7, asked: 7 });
    expect(r.link).toBe('https://check-host.net/check-report/1');
    expect(r.reason).toBeUndefined();
    expect(r.checkedAt).toBe(T);
  });

  it('all 502 → down-for-everyone with the common code', () => {
    const r = voteNodes(Array(7).fill(d502), 7, T);
    expect(r.verdict).toBe('down-for-everyone');
    expect(r.evidence).toEqual({ key: 'evidenceLocationsDown', subs: ['7', '7', '502'] });
    expect(r.link).toBeUndefined();
  });

  it('all timed out → down-for-everyone, "no connection"', () => {
    const r = voteNodes(Array(5).fill(noConn), 5, T);
    expect(r.verdict).toBe('down-for-everyone');
    expect(r.evidence).toEqual({ key: 'evidenceLocationsNoConnection', subs: ['5', '5'] });
  });

  it('mixed → partial', () => {
    const r = voteNodes([up, up, up, d502, d502, d502, d502], 7, T);
    expect(r.verdict).toBe('partial');
    expect(r.evidence).toEqual({ key: 'evidenceLocationsMixed', subs: ['4', '7', '3'] });
  });

  it('a two-thirds majority decides', () => {
    expect(voteNodes([d502, d502, d502, d502, d502, up, up], 7, T).verdict).toBe('down-for-everyone');
    expect(voteNodes([up, up, up, up, up, d502, d502], 7, T).verdict).toBe('up-elsewhere');
    expect(voteNodes([up, up, d502], 3, T).verdict).toBe('up-elsewhere');
  });

  it('too few reported → unknown too-few-locations, pending ones not counted', () => {
    const r = voteNodes([up, d502, null, null, null, null, null], 7, T);
    expect(r.verdict).toBe('unknown');
    expect(r.reason?.code).toBe('too-few-locations');
    expect(r.evidence).toEqual({ key: 'evidenceTooFewLocations', subs: ['2', '7'] });
    expect(r.locations).toEqual({ down: 1, up: 1, reported: 2, asked: 7 });
  });

  it('one or two locations are never "everyone", however few check-host assigned', () => {
    expect(voteNodes([d502, d502], 2, T).reason?.code).toBe('too-few-locations');
    expect(voteNodes([up], 1, T).verdict).toBe('unknown');
    expect(voteNodes([d502, d502, d502], 3, T).verdict).toBe('down-for-everyone');
  });

  it('nobody reported → unknown, even when asked 0', () => {
    expect(voteNodes([], 0, T).verdict).toBe('unknown');
    expect(voteNodes([null, null], 2, T).reason?.code).toBe('too-few-locations');
  });

  it('most common down code wins the evidence', () => {
    const r = voteNodes([d502, { up: false, code: 504 }, { up: false, code: 504 }, noConn], 4, T);
    expect(r.evidence).toEqual({ key: 'evidenceLocationsDown', subs: ['4', '4', '504'] });
  });
});

describe('checkHostProvider against canned answers', () => {
  function run(results: unknown[], start: unknown = START_OK) {
    let poll = 0;
    const f = fakeCtx((url) => {
      if (url.includes('/check-http?')) return ok(start);
      if (url.includes('/check-result/')) return ok(results[Math.min(poll++, results.length - 1)]);
      return notFound;
    });
    return { f, done: checkHostProvider.check(query, f.ctx) };
  }

  it('asks for the origin only, URL-encoded, with the configured node count', async () => {
    const { f, done } = run([resultOf(Array(7).fill(row(1, '200')))]);
    await done;
    expect(f.urls[0]).toBe('https://check-host.net/check-http?host=https%3A%2F%2Fwww.example.com&max_nodes=7');
    expect(f.urls[1]).toBe('https://check-host.net/check-result/806df9');
  });

  it('healthy all-200 → up-elsewhere with the report link', async () => {
    const { report } = await run([resultOf(Array(7).fill(row(1, '200', 'OK')))]).done;
    expect(report.verdict).toBe('up-elsewhere');
    expect(report.locations).toEqual({ down: 0, up: 7, reported: 7, asked: 7 });
    expect(report.link).toBe('https://check-host.net/check-report/806df9');
  });

  it('all-502 → down-for-everyone', async () => {
    const { report } = await run([resultOf(Array(7).fill(row(0, '502', 'Bad Gateway')))]).done;
    expect(report.verdict).toBe('down-for-everyone');
    expect(report.evidence.subs).toEqual(['7', '7', '502']);
  });

  it('mixed → partial', async () => {
    const { report } = await run([resultOf([row(1, '200'), row(1, '200'), row(1, '200'), row(0, '502'), row(0, '502'), row(0, '502'), row(0, '502')])]).done;
    expect(report.verdict).toBe('partial');
  });

  it('3xx and 429 count as up', async () => {
    const { report } = await run([resultOf([row(1, '301'), row(0, '302'), row(0, '429', 'Too Many Requests'), row(0, '429'), row(1, '200'), row(0, '429'), row(1, '308')])]).done;
    expect(report.verdict).toBe('up-elsewhere');
    expect(report.locations?.up).toBe(7);
  });

  it('connection timeouts count as down', async () => {
    const timedOut = [[0, 10, 'Connection timed out', null, null]];
    const { report } = await run([resultOf(Array(7).fill(timedOut))]).done;
    expect(report.verdict).toBe('down-for-everyone');
    expect(report.evidence.key).toBe('evidenceLocationsNoConnection');
  });

  it('polls while nodes are pending, then votes on what came in', async () => {
    const partial = resultOf([row(0, '502'), row(0, '502'), null, null, null, null, null]);
    const full = resultOf([row(0, '502'), row(0, '502'), row(0, '502'), row(0, '502'), row(0, '502'), row(0, '502'), row(1, '200')]);
    const { f, done } = run([partial, partial, full]);
    const { report } = await done;
    expect(report.verdict).toBe('down-for-everyone');
    expect(report.locations).toEqual({ down: 6, up: 1, reported: 7, asked: 7 });
    expect(f.urls.filter((u) => u.includes('/check-result/'))).toHaveLength(3);
  });

  it('nodes that never report within the poll budget → too-few-locations, bounded number of polls', async () => {
    const { f, done } = run([resultOf([row(0, '502'), null, null, null, null, null, null])]);
    const { report } = await done;
    expect(report.verdict).toBe('unknown');
    expect(report.reason?.code).toBe('too-few-locations');
    expect(f.elapsed()).toBeLessThanOrEqual(15_000);
    expect(f.urls.filter((u) => u.includes('/check-result/')).length).toBeLessThanOrEqual(8);
  });

  it('malformed rows and wrong types count as not reported', async () => {
    const { report } = await run([resultOf(['garbage', [[2]], [['1', 0, 'x', '200']], 42, row(1, '200'), row(1, '200'), row(1, '200')])]).done;
    // 3 of 7 reported, all up: the minimum for a vote.
    expect(report.verdict).toBe('up-elsewhere');
    expect(report.locations).toEqual({ down: 0, up: 3, reported: 3, asked: 7 });
  });

  it('a result answer that is not an object → invalid-answer', async () => {
    for (const bad of ['x', null, 7, true]) {
      const { report } = await run([bad]).done;
      expect(report.verdict, JSON.stringify(bad)).toBe('unknown');
      expect(report.reason?.code).toBe('invalid-answer');
    }
  });

  it('a result answer that is an array (not the documented node map) → invalid-answer, no further polls', async () => {
    const { f, done } = run([[1, 2, 3]]);
    const { report } = await done;
    expect(report.verdict).toBe('unknown');
    expect(report.reason?.code).toBe('invalid-answer');
    expect(f.urls.filter((u) => u.includes('/check-result/'))).toHaveLength(1);
  });

  it('a start answer with an error field → invalid-answer quoting the (cleaned) error', async () => {
    const { report } = await run([], { ok: 0, error: 'limit\u0000 exceeded\u202e' }).done;
    expect(report.verdict).toBe('unknown');
    expect(report.reason).toEqual({ code: 'invalid-answer', detail: 'check-host refused: limit exceeded' });
  });

  it('start answers of the wrong shape → invalid-answer, no poll', async () => {
    for (const bad of [{ ok: true, request_id: 'a', nodes: {} }, { ok: 1, request_id: '../x', nodes: {} }, { ok: 1, request_id: 'a' }, { ok: 1, request_id: 5, nodes: {} }, [], 'x']) {
      const { f, done } = run([], bad);
      const { report } = await done;
      expect(report.reason?.code, JSON.stringify(bad)).toBe('invalid-answer');
      expect(f.urls).toHaveLength(1);
    }
  });

  it('a start answer with no nodes → too-few-locations', async () => {
    const { report } = await run([], { ...START_OK, nodes: {} }).done;
    expect(report.reason?.code).toBe('too-few-locations');
  });

  it('extra fields in the start and result answers are ignored', async () => {
    const start = { ...START_OK, extra: { deep: [1, 2] }, nodes: Object.fromEntries(NODES.map((n) => [n, ['us', 'USA', 'LA', '1.2.3.4', 'AS1', 'more']])) };
    const result = { ...resultOf(Array(7).fill(row(1, '200'))), 'other.node.check-host.net': row(0, '502') };
    const { report } = await run([result], start).done;
    expect(report.verdict).toBe('up-elsewhere');
    expect(report.locations?.asked).toBe(7);
  });

  it('a huge node map counts at most 30 nodes', async () => {
    const nodes = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`n${i}.node.check-host.net`, ['us']]));
    const result = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`n${i}.node.check-host.net`, row(0, '502')]));
    const { report } = await run([result], { ...START_OK, nodes }).done;
    expect(report.verdict).toBe('down-for-everyone');
    expect(report.locations).toEqual({ down: 30, up: 0, reported: 30, asked: 30 });
  });

  it('an unsafe permanent_link is dropped', async () => {
    const { report } = await run([resultOf(Array(7).fill(row(1, '200')))], { ...START_OK, permanent_link: 'javascript:alert(1)' }).done;
    expect(report.verdict).toBe('up-elsewhere');
    expect(report.link).toBeUndefined();
  });

  it('a 429 on start → rate-limited with the provider Retry-After passed on', async () => {
    const f = fakeCtx(() => ({ ok: false, status: 429, retryAfterMs: 120_000, reason: { code: 'rate-limited', detail: 'HTTP 429' } }));
    const out = await checkHostProvider.check(query, f.ctx);
    expect(out.report.verdict).toBe('unknown');
    expect(out.report.reason?.code).toBe('rate-limited');
    expect(out.retryAfterMs).toBe(120_000);
  });
});

describe('Statuspage summary.json (VENDORS.statuspage)', () => {
  const read = VENDORS.find((x) => x.vendor === 'statuspage')!.read;

  it('is read from /api/v2/summary.json', () => {
    expect(VENDORS.find((x) => x.vendor === 'statuspage')!.path).toBe('/api/v2/summary.json');
  });

  it.each([
    ['none', 'operational'],
    ['minor', 'minor'],
    ['major', 'major'],
    ['critical', 'major'],
  ])('indicator %s → %s', (indicator, state) => {
    expect(read(statuspageSummary(indicator))).toBe(state);
  });

  it('ignores extra fields', () => {
    expect(read(statuspageSummary('major', { extra: 1, page: { id: 'x', url: 'https://s.example', extra: true } }))).toBe('major');
  });

  const incident = (status: string, impact: string) => ({ id: 'i1', name: 'Elevated errors', status, impact });
  const component = (id: string, status: string, extra: Record<string, unknown> = {}) => ({ id, name: `C ${id}`, status, ...extra });

  it.each([
    ['investigating', 'minor', 'incident-minor'],
    ['identified', 'none', 'incident-minor'],
    ['monitoring', 'major', 'incident-major'],
    ['investigating', 'critical', 'incident-major'],
  ])('indicator none with an unresolved incident (%s, impact %s) → %s, the worst of the two', (status, impact, state) => {
    expect(read(statuspageSummary('none', { incidents: [incident(status, impact)] }))).toBe(state);
  });

  it('a resolved incident, or one of an unknown status, does not count', () => {
    expect(read(statuspageSummary('none', { incidents: [incident('resolved', 'critical'), incident('postmortem', 'major'), incident('???', 'major')] }))).toBe(
      'operational',
    );
  });

  it('the indicator wins a tie and the worse signal wins otherwise', () => {
    expect(read(statuspageSummary('minor', { incidents: [incident('investigating', 'minor')] }))).toBe('minor');
    expect(read(statuspageSummary('minor', { incidents: [incident('investigating', 'critical')] }))).toBe('incident-major');
    expect(read(statuspageSummary('major', { incidents: [incident('investigating', 'minor')] }))).toBe('major');
  });

  it('components count: some down or degraded is partial, every one down is major; groups are headings', () => {
    const comps = (...statuses: string[]) => statuses.map((st, i) => component(`c${i}`, st));
    expect(read(statuspageSummary('none', { components: comps('operational', 'degraded_performance') }))).toBe('minor');
    expect(read(statuspageSummary('none', { components: comps('operational', 'major_outage') }))).toBe('minor');
    expect(read(statuspageSummary('none', { components: comps('major_outage', 'full_outage') }))).toBe('major');
    expect(read(statuspageSummary('none', { components: [...comps('operational'), component('g', 'major_outage', { group: true })] }))).toBe('operational');
  });

  it('a maintenance naming some components is partial, naming all of them is planned downtime, naming none is unscoped', () => {
    const comps = [component('a', 'under_maintenance'), component('b', 'operational')];
    const mnt = (status: string, names: { id?: string; name?: string }[]) => [{ id: 'm1', name: 'Database upgrade', status, impact: 'maintenance', components: names }];
    expect(read(statuspageSummary('maintenance', { components: comps, scheduled_maintenances: mnt('in_progress', [{ id: 'a' }]) }))).toBe('maintenance-partial');
    expect(read(statuspageSummary('maintenance', { components: comps, scheduled_maintenances: mnt('in_progress', [{ id: 'a' }, { name: 'C b' }]) }))).toBe(
      'maintenance',
    );
    expect(read(statuspageSummary('maintenance', { components: [component('b', 'operational')], scheduled_maintenances: mnt('in_progress', []) }))).toBe(
      'maintenance-unscoped',
    );
    expect(read(statuspageSummary('maintenance', { components: [], scheduled_maintenances: [] }))).toBe('maintenance-unscoped');
    // incident.io's word for it, and a maintenance under way while the headline still says none.
    expect(read(statuspageSummary('none', { components: comps, scheduled_maintenances: mnt('maintenance_in_progress', [{ id: 'a' }]) }))).toBe(
      'maintenance-partial',
    );
    // A maintenance only scheduled is not under way.
    expect(read(statuspageSummary('none', { components: [component('b', 'operational')], scheduled_maintenances: mnt('scheduled', [{ id: 'b' }]) }))).toBe(
      'operational',
    );
  });

  it('is tolerant: odd elements are skipped, null lists are empty, huge lists are capped, nothing throws', () => {
    expect(read(statuspageSummary('none', { components: [1, null, 'x', { status: 3 }], incidents: [null, { impact: 'major' }], scheduled_maintenances: null }))).toBe(
      'operational',
    );
    const many = Array.from({ length: 5000 }, (_, i) => component(`c${i}`, 'operational'));
    expect(read(statuspageSummary('none', { components: many }))).toBe('operational');
    expect(read(statuspageSummary('none', { incidents: 'not a list' }))).toHaveProperty('invalid');
  });

  it('refuses a missing page.id, a catch-all answer and wrong types', () => {
    const noId = statuspageSummary('major');
    delete (noId.page as Record<string, unknown>).id;
    expect(read(noId)).toHaveProperty('invalid');
    expect(read(statuspageSummary('major', { page: { id: '', url: 'https://x' } }))).toHaveProperty('invalid');
    expect(read({ ok: true })).toHaveProperty('invalid');
    expect(read(statuspageSummary('on-fire'))).toHaveProperty('invalid');
    expect(read(statuspageSummary('none', { status: { indicator: 'none' } }))).toHaveProperty('invalid');
    expect(read(null)).toHaveProperty('invalid');
    expect(read('<html>')).toHaveProperty('invalid');
  });

  it('says which field was wrong', () => {
    expect(read({ ok: true })).toEqual({ invalid: expect.stringContaining('page') });
  });
});

describe('Instatus summary.json', () => {
  const read = VENDORS.find((x) => x.vendor === 'instatus')!.read;
  const page = (status: string, extra: Record<string, unknown> = {}) => ({
    page: { name: 'Acme', url: 'https://acme.instatus.com', status },
    activeIncidents: [],
    activeMaintenances: [],
    ...extra,
  });

  it('reads UP, HASISSUES, UNDERMAINTENANCE', () => {
    expect(read(page('UP'))).toBe('operational');
    expect(read(page('HASISSUES'))).toBe('minor');
    expect(read(page('HASISSUES', { activeIncidents: [{ name: 'x', impact: 'MAJOROUTAGE' }] }))).toBe('major');
    expect(read(page('UNDERMAINTENANCE'))).toBe('maintenance-unscoped');
  });

  it('takes the worst of the page status and its active incidents', () => {
    expect(read(page('UP', { activeIncidents: [{ name: 'x', status: 'INVESTIGATING', impact: 'PARTIALOUTAGE' }] }))).toBe('incident-minor');
    expect(read(page('UP', { activeIncidents: [{ name: 'x', status: 'IDENTIFIED', impact: 'MAJOROUTAGE' }] }))).toBe('incident-major');
    expect(read(page('UP', { activeIncidents: [{ name: 'x', status: 'RESOLVED', impact: 'MAJOROUTAGE' }] }))).toBe('operational');
    expect(read(page('UP', { activeMaintenances: [{ name: 'm', status: 'INPROGRESS' }] }))).toBe('maintenance-unscoped');
    expect(read(page('UP', { activeMaintenances: [{ name: 'm', status: 'NOTSTARTEDYET' }] }))).toBe('operational');
    expect(read(page('UP', { activeIncidents: [7, null] }))).toBe('operational');
  });

  it('refuses other shapes', () => {
    expect(read(page('DOWN'))).toHaveProperty('invalid');
    expect(read({ ok: true })).toHaveProperty('invalid');
    expect(read(statuspageSummary('none'))).toHaveProperty('invalid');
  });
});

describe('Better Stack index.json', () => {
  const read = VENDORS.find((x) => x.vendor === 'betterstack')!.read;
  const doc = (s: unknown) => ({ data: { id: '1', type: 'status_page', attributes: { company_name: 'Acme', aggregate_state: s } }, included: [] });

  it('reads the aggregate state', () => {
    expect(read(doc('operational'))).toBe('operational');
    expect(read(doc('degraded'))).toBe('minor');
    expect(read(doc('downtime'))).toBe('major');
    expect(read(doc('maintenance'))).toBe('maintenance-unscoped');
  });

  it('refuses other shapes', () => {
    expect(read(doc('down'))).toHaveProperty('invalid');
    expect(read(doc(1))).toHaveProperty('invalid');
    expect(read({ data: [] })).toHaveProperty('invalid');
    expect(read({ ok: true })).toHaveProperty('invalid');
  });
});

describe('pageReport', () => {
  it('an operational site page is no evidence either way', () => {
    const r = pageReport('statusPage', 'operational', 'status.example.com', 'https://status.example.com', T);
    expect(r.verdict).toBe('unknown');
    expect(r.reason?.code).toBe('no-signal');
    expect(r.evidence).toEqual({ key: 'evidencePageOperational', subs: ['status.example.com'] });
    expect(r.link).toBe('https://status.example.com');
  });

  it('minor, an unresolved incident and a partial or unscoped maintenance → partial; major and a whole-site maintenance → down', () => {
    expect(pageReport('statusPage', 'minor', 'l', 'https://l', T).verdict).toBe('partial');
    expect(pageReport('statusPage', 'major', 'l', 'https://l', T)).toEqual({
      provider: 'statusPage',
      verdict: 'down-for-everyone',
      evidence: { key: 'evidencePageMajor', subs: ['l'] },
      link: 'https://l',
      checkedAt: T,
    });
    expect(pageReport('statusPage', 'maintenance', 'l', 'https://l', T)).toMatchObject({
      verdict: 'down-for-everyone',
      evidence: { key: 'evidencePageMaintenanceAll' },
    });
    expect(pageReport('statusPage', 'maintenance-partial', 'l', 'https://l', T)).toMatchObject({
      verdict: 'partial',
      evidence: { key: 'evidencePageMaintenancePartial' },
    });
    expect(pageReport('statusPage', 'maintenance-unscoped', 'l', 'https://l', T)).toMatchObject({ verdict: 'partial', evidence: { key: 'evidencePageMaintenance' } });
    expect(pageReport('statusPage', 'incident-minor', 'l', 'https://l', T)).toMatchObject({ verdict: 'partial', evidence: { key: 'evidencePageIncident' } });
    expect(pageReport('statusPage', 'incident-major', 'l', 'https://l', T)).toMatchObject({
      verdict: 'down-for-everyone',
      evidence: { key: 'evidencePageIncidentMajor' },
    });
  });

  it("Cloudflare's page is evidence about Cloudflare, never a vote about the site", () => {
    for (const state of ['operational', 'minor', 'major', 'incident-minor', 'incident-major', 'maintenance', 'maintenance-partial', 'maintenance-unscoped'] as const) {
      const r = pageReport('cdnStatus', state, 'Cloudflare', 'https://c', T);
      expect(r.verdict).toBe('unknown');
      expect(r.reason?.code).toBe('no-signal');
    }
    expect(pageReport('cdnStatus', 'major', 'Cloudflare', 'https://c', T).evidence.key).toBe('evidenceCdnMajor');
  });
});

describe('statusPageCandidates', () => {
  it('fills {domain} and {name} from the registrable domain, drops trailing slashes and duplicates', () => {
    expect(statusPageCandidates('api.github.com', ['https://status.{domain}/', 'https://{name}status.com', 'https://{name}.statuspage.io', 'https://status.{domain}'])).toEqual({
      domain: 'github.com',
      bases: ['https://status.github.com', 'https://githubstatus.com', 'https://github.statuspage.io'],
      candidates: [
        // On the site's own domain: counts as it is.
        { base: 'https://status.github.com', configured: false, mustNameSite: false },
        // Names the site does not control: count only if the page names the site.
        { base: 'https://githubstatus.com', configured: false, mustNameSite: true },
        { base: 'https://github.statuspage.io', configured: false, mustNameSite: true },
      ],
    });
  });

  it('a template with a fixed host is a configured address: it may be private, and the user vouches for it', () => {
    expect(statusPageCandidates('www.example.com', ['http://127.0.0.1:4103/{domain}', 'https://status.corp.example.net/pages/{name}'])?.candidates).toEqual([
      { base: 'http://127.0.0.1:4103/example.com', configured: true, mustNameSite: false },
      { base: 'https://status.corp.example.net/pages/example', configured: true, mustNameSite: false },
    ]);
  });

  it('is null for an IP or bare suffix', () => {
    expect(statusPageCandidates('8.8.8.8', ['https://status.{domain}'])).toBeNull();
    expect(statusPageCandidates('co.uk', ['https://status.{domain}'])).toBeNull();
  });
});

describe('statusPageProvider discovery', () => {
  it('accepts the first candidate that answers a vendor shape, remembers it, and ignores catch-all answers', async () => {
    const f = fakeCtx((url) => {
      if (url === 'https://status.example.com/api/v2/summary.json') return ok({ ok: true }); // catch-all
      if (url === 'https://status.example.com/summary.json') return ok({ ok: true });
      if (url === 'https://status.example.com/index.json') return ok('<html>');
      // A page on a name the site does not control, which names the site (its page.url is on example.com): only a
      // pointer to that origin, where the same path is asked again and answers for the site.
      const page = { id: 'p1', name: 'Example', url: 'https://health.example.com' };
      if (url === 'https://examplestatus.com/api/v2/summary.json') return ok(statuspageSummary('none', { page }));
      if (url === 'https://health.example.com/api/v2/summary.json') return ok(statuspageSummary('major', { page }));
      return notFound;
    });
    const { report } = await statusPageProvider.check(query, f.ctx);
    expect(report.verdict).toBe('down-for-everyone');
    expect(report.link).toBe('https://health.example.com');
    expect(report.evidence).toEqual({ key: 'evidencePageMajor', subs: ['health.example.com'] });
    expect(f.remembered.get('example.com')).toEqual({ base: 'https://health.example.com', vendor: 'statuspage', via: 'https://examplestatus.com' });
  });

  it('a remembered page is read directly; a remembered "none" asks nothing', async () => {
    const f = fakeCtx((url) => (url === 'https://status.example.com/summary.json' ? ok({ page: { name: 'A', url: 'https://status.example.com', status: 'HASISSUES' } }) : notFound), {
      pages: new Map([['example.com', { base: 'https://status.example.com', vendor: 'instatus' }]]),
    });
    expect((await statusPageProvider.check(query, f.ctx)).report.verdict).toBe('partial');
    expect(f.urls).toEqual(['https://status.example.com/summary.json']);

    const g = fakeCtx(() => notFound, { pages: new Map([['example.com', null]]) });
    const { report } = await statusPageProvider.check(query, g.ctx);
    expect(g.urls).toEqual([]);
    expect(report.reason?.code).toBe('no-status-page');
  });

  it('nothing anywhere → no-status-page, remembered as none', async () => {
    const f = fakeCtx(() => notFound);
    const { report } = await statusPageProvider.check(query, f.ctx);
    expect(report.verdict).toBe('unknown');
    expect(report.reason?.code).toBe('no-status-page');
    expect(f.remembered.get('example.com')).toBeNull();
    expect(f.urls).toHaveLength(9); // 3 candidates × 3 vendors
  });
});

describe('cdnStatusProvider (Cloudflare status.json)', () => {
  const cf = { ...query, code: 522, gateway: { server: 'cloudflare', cfRay: '8a1b2c3d4e5f-LHR' } };
  const statusJson = (indicator: unknown, extra: Record<string, unknown> = {}) => ({
    page: { id: 'yh6f0r4529hb', name: 'Cloudflare', url: 'https://www.cloudflarestatus.com', time_zone: 'Etc/UTC', updated_at: '2023-09-26T07:51:43.965Z' },
    status: { indicator, description: 'x' },
    ...extra,
  });

  it('applies only when Cloudflare answered', () => {
    expect(cdnStatusProvider.applies(cf, DEFAULT_SETTINGS)).toBe(true);
    expect(cdnStatusProvider.applies({ ...query, gateway: { cfRay: 'abc' } }, DEFAULT_SETTINGS)).toBe(true);
    expect(cdnStatusProvider.applies({ ...query, gateway: { server: ' CloudFlare ' } }, DEFAULT_SETTINGS)).toBe(true);
    expect(cdnStatusProvider.applies({ ...query, gateway: { server: 'nginx' } }, DEFAULT_SETTINGS)).toBe(false);
    expect(cdnStatusProvider.applies(query, DEFAULT_SETTINGS)).toBe(false);
  });

  it.each([
    ['none', 'evidenceCdnOperational'],
    ['minor', 'evidenceCdnMinor'],
    ['major', 'evidenceCdnMajor'],
    ['critical', 'evidenceCdnMajor'],
    ['maintenance', 'evidenceCdnMaintenance'],
  ])('indicator %s → evidence %s and no vote, from the fixed URL', async (indicator, key) => {
    const f = fakeCtx(() => ok(statusJson(indicator, { extra: [1] })));
    const { report } = await cdnStatusProvider.check(cf, f.ctx);
    expect(report.provider).toBe('cdnStatus');
    expect(report.verdict).toBe('unknown');
    expect(report.evidence.key).toBe(key);
    expect(f.urls).toEqual(['https://www.cloudflarestatus.com/api/v2/status.json']);
  });

  it('refuses a catch-all, a missing page.id, a wrong indicator', async () => {
    for (const bad of [{ ok: true }, { status: { indicator: 'major' } }, statusJson('broken'), statusJson(3)]) {
      const f = fakeCtx(() => ok(bad));
      const { report } = await cdnStatusProvider.check(cf, f.ctx);
      expect(report.verdict, JSON.stringify(bad)).toBe('unknown');
      expect(report.reason?.code).toBe('invalid-answer');
    }
  });
});

/** The host the custom endpoint is asked about; Gatus endpoints named after it count. */
const HOST = 'shop.example.com';

describe('parseKumaPage', () => {
  it.each([
    ['https://status.example.com/status/main', 'https://status.example.com', 'main'],
    ['https://status.example.com/status/Main-Site/', 'https://status.example.com', 'main-site'],
    ['https://kuma.example:8443/api/status-page/main', 'https://kuma.example:8443', 'main'],
    ['http://10.0.0.5:3001/api/status-page/heartbeat/ops?x=1#y', 'http://10.0.0.5:3001', 'ops'],
    ['https://corp.example/kuma/status/ops', 'https://corp.example/kuma', 'ops'],
    ['https://status.example.com/status', 'https://status.example.com', 'default'],
  ])('%s → %s, slug %s', (address, base, slug) => {
    expect(parseKumaPage(address)).toEqual({ base, slug });
  });

  it.each([
    'https://kuma.example/api/status-page/heartbeat/{host}',
    'https://kuma.example/api/status-page/heartbeat/shop.example.com',
    'https://kuma.example/',
    'https://kuma.example/dashboard/1',
    'https://user:pw@kuma.example/status/main',
    'ftp://kuma.example/status/main',
    'https://kuma.example/status/a_b',
    'https://kuma.example/status/%E0%A4%A',
    'not a url',
  ])('refuses %s', (address) => {
    expect(parseKumaPage(address)).toBeNull();
  });
});

describe('custom endpoint: Uptime Kuma', () => {
  const kuma = (lists: Record<string, unknown[]>, extra: Record<string, unknown> = {}) => ({ heartbeatList: lists, uptimeList: { '1_24': 0.99 }, ...extra });
  const beat = (status: unknown) => ({ status, time: '2024-01-01 00:00:00', msg: '', ping: 20 });
  const config = (...monitors: Record<string, unknown>[]) => ({
    config: { slug: 'main', title: 'Status' },
    incident: null,
    publicGroupList: [{ id: 1, name: 'Services', weight: 1, monitorList: monitors }],
    maintenanceList: [],
  });

  it("finds the host's monitors by link or by name, never by a longer host or another's subdomain; skips groups", () => {
    const page = config(
      { id: 1, name: 'Shop', sendUrl: 1, type: 'http', url: 'https://shop.example.com/health' },
      { id: 2, name: 'website (shop.example.com)', sendUrl: 0, type: 'http' },
      { id: 3, name: 'api.shop.example.com', sendUrl: 0, type: 'http' },
      { id: 4, name: 'shop.example.com.evil', sendUrl: 0, type: 'http' },
      { id: 5, name: 'All of shop.example.com', sendUrl: 0, type: 'group' },
      { id: 6, name: 'Other', sendUrl: 1, type: 'keyword', url: 'https://other.example/' },
    );
    expect(kumaMonitorsOf(page, HOST)).toEqual({ ids: ['1', '2'] });
    expect(kumaMonitorsOf(config(), HOST)).toEqual({ ids: [] });
    expect(kumaMonitorIsAbout({ name: 'SHOP.EXAMPLE.COM.' }, HOST)).toBe(true);
    expect(kumaMonitorIsAbout({ url: 'not a url', name: null }, HOST)).toBe(false);
  });

  it('tolerates odd monitors and refuses a page that is not one', () => {
    expect(kumaMonitorsOf({ publicGroupList: [{ monitorList: [null, 7, { name: HOST }, { id: 9, name: HOST }] }, { monitorList: null }] }, HOST)).toEqual({ ids: ['9'] });
    expect(kumaMonitorsOf({ ok: true }, HOST)).toHaveProperty('invalid');
    expect(kumaMonitorsOf({ status: 'fail', msg: 'Status Page Not Found' }, HOST)).toHaveProperty('invalid');
    expect(kumaMonitorsOf('<html>', HOST)).toHaveProperty('invalid');
  });

  it('counts only the given monitors: all up, all down, mixed; the last beat is the current one', () => {
    const answer = kuma({ 1: [beat(0), beat(1)], 2: [beat(1), beat(0)], 3: [beat(0)] });
    expect(kumaCounts(answer, ['1'])).toEqual({ up: 1, down: 0 });
    expect(kumaCounts(answer, ['2', '3'])).toEqual({ up: 0, down: 2 });
    expect(kumaCounts(answer, ['1', '2'])).toEqual({ up: 1, down: 1 });
    expect(kumaCounts(answer, ['99'])).toEqual({ up: 0, down: 0 });
  });

  it('pending is not counted; maintenance counts as down', () => {
    expect(kumaCounts(kuma({ 1: [beat(2)], 2: [] }), ['1', '2'])).toEqual({ up: 0, down: 0 });
    expect(kumaCounts(kuma({ 1: [beat(3)], 2: [beat(1)] }), ['1', '2'])).toEqual({ up: 1, down: 1 });
  });

  it('reads the newer bars: 0 or null-status empty buckets are skipped, the real latest beat wins', () => {
    expect(kumaCounts(kuma({ 1: [beat(1), 0, 0] }), ['1'])).toEqual({ up: 1, down: 0 });
    expect(kumaCounts(kuma({ 1: [beat(0), beat(null)] }), ['1'])).toEqual({ up: 0, down: 1 });
    expect(kumaCounts(kuma({ 1: [0, 0] }), ['1'])).toEqual({ up: 0, down: 0 });
    // A bucket of a day with one down beat is red, but the monitor is up now.
    expect(kumaCounts(kuma({ 1: [beat(0)] }, { lastHeartbeatList: { 1: { status: 1, time: '2026-08-07 10:00:00' } } }), ['1'])).toEqual({ up: 1, down: 0 });
    expect(kumaCounts(kuma({ 1: [beat(1)] }, { latestHeartbeat: { 1: { status: 0, time: 'x', msg: '', ping: null } } }), ['1'])).toEqual({ up: 0, down: 1 });
    expect(kumaCounts(kuma({ 1: [beat(1)] }, { lastHeartbeatList: { 1: 'garbage' } }), ['1'])).toEqual({ up: 1, down: 0 });
  });

  it('wrong types are invalid', () => {
    expect(kumaCounts(kuma({ 1: [beat('1')] }), ['1'])).toHaveProperty('invalid');
    expect(kumaCounts(kuma({ 1: [beat(4)] }), ['1'])).toHaveProperty('invalid');
    expect(kumaCounts(kuma({ 1: [1] }), ['1'])).toHaveProperty('invalid');
    expect(kumaCounts({ ok: true }, ['1'])).toHaveProperty('invalid');
    expect(kumaCounts([], ['1'])).toHaveProperty('invalid');
    expect(kumaCounts({ heartbeatList: 'x' }, ['1'])).toHaveProperty('invalid');
  });

  it('a heartbeatList that is an array (not the documented map) is invalid', () => {
    expect(kumaCounts({ heartbeatList: [] }, ['1'])).toHaveProperty('invalid');
    expect(kumaCounts({ heartbeatList: [[{ status: 1 }]] }, ['0'])).toHaveProperty('invalid');
  });
});

describe('custom endpoint: Gatus', () => {
  const ep = (label: string, ...success: boolean[]) => ({
    name: `${label} ${HOST}`,
    group: 'core',
    key: `core_${label}`,
    results: success.map((s, i) => ({ status: s ? 200 : 502, success: s, timestamp: `2024-01-01T00:0${i}:00Z`, duration: 1000 })),
  });

  it('all up, all down, mixed (latest result counts)', () => {
    expect(gatusCounts([ep('a', false, true), ep('b', true)], HOST)).toEqual({ up: 2, down: 0 });
    expect(gatusCounts([ep('a', true, false), ep('b', false)], HOST)).toEqual({ up: 0, down: 2 });
    expect(gatusCounts([ep('a', true), ep('b', false)], HOST)).toEqual({ up: 1, down: 1 });
  });

  it('no results yet is not counted', () => {
    expect(gatusCounts([ep('a')], HOST)).toEqual({ up: 0, down: 0 });
    expect(gatusCounts([], HOST)).toEqual({ up: 0, down: 0 });
  });

  it('wrong types are invalid', () => {
    expect(gatusCounts([{ name: 'a', results: [{ success: 'true' }] }], HOST)).toHaveProperty('invalid');
    expect(gatusCounts({ results: [] }, HOST)).toHaveProperty('invalid');
    expect(gatusCounts([{ name: 'a' }], HOST)).toHaveProperty('invalid');
    expect(gatusCounts(null, HOST)).toHaveProperty('invalid');
  });
});

describe('monitorsReport', () => {
  it('maps counts to verdicts', () => {
    expect(monitorsReport({ up: 3, down: 0 }, 'k.example', T).verdict).toBe('up-elsewhere');
    expect(monitorsReport({ up: 0, down: 2 }, 'k.example', T).verdict).toBe('down-for-everyone');
    expect(monitorsReport({ up: 1, down: 2 }, 'k.example', T)).toEqual({
      provider: 'custom',
      verdict: 'partial',
      evidence: { key: 'evidenceMonitors', subs: ['k.example', '2', '3'] },
      checkedAt: T,
    });
    const none = monitorsReport({ up: 0, down: 0 }, 'k.example', T);
    expect(none.verdict).toBe('unknown');
    expect(none.reason?.code).toBe('no-signal');
  });

  it('customEndpointProvider (Kuma): the page config, then the heartbeats, both pinned to the configured server', async () => {
    const settings = { customEndpoint: { template: 'https://kuma.example/status/main', format: 'uptime-kuma' as const } };
    const pageOf = (name: string) => ({ publicGroupList: [{ monitorList: [{ id: 1, name, type: 'http' }, { id: 2, name: 'other.example', type: 'http' }] }] });
    const pinned: (boolean | undefined)[] = [];
    const answer = (name: string, beats: unknown) => (url: string) =>
      url === 'https://kuma.example/api/status-page/main' ? ok(pageOf(name)) : url === 'https://kuma.example/api/status-page/heartbeat/main' ? ok(beats) : notFound;
    const f = fakeCtx(answer('www.example.com', { heartbeatList: { 1: [{ status: 3 }], 2: [{ status: 1 }] }, uptimeList: {} }), { settings });
    const getJson = f.ctx.http.getJson;
    const ctx = { ...f.ctx, http: { ...f.ctx.http, getJson: (u: string, s?: AbortSignal, o?: { pinned?: boolean }) => (pinned.push(o?.pinned), getJson(u, s, o)) } };
    expect((await customEndpointProvider.check(query, ctx)).report.verdict).toBe('down-for-everyone');
    expect(f.urls).toEqual(['https://kuma.example/api/status-page/main', 'https://kuma.example/api/status-page/heartbeat/main']);
    expect(pinned).toEqual([true, true]);

    // No monitor of the host: unknown with a reason, and the heartbeats are not asked.
    const g = fakeCtx(answer('shop.example.org', { heartbeatList: { 1: [{ status: 1 }] } }), { settings });
    const none = (await customEndpointProvider.check(query, g.ctx)).report;
    expect(none.verdict).toBe('unknown');
    expect(none.reason).toEqual({ code: 'no-signal', detail: 'no monitor of this host' });
    expect(none.evidence).toEqual({ key: 'evidenceNoMonitor', subs: ['kuma.example', 'www.example.com'] });
    expect(g.urls).toEqual(['https://kuma.example/api/status-page/main']);

    const h = fakeCtx(answer('www.example.com', { heartbeatList: { 1: [{ status: 'up' }] } }), { settings });
    expect((await customEndpointProvider.check(query, h.ctx)).report.reason?.code).toBe('invalid-answer');

    // An unknown slug: Kuma 2 answers 404 {"status":"fail","msg":"Status Page Not Found"}.
    const i = fakeCtx(() => ({ ok: false, status: 404, reason: { code: 'http-error', detail: 'HTTP 404 from kuma.example' } }), { settings });
    expect((await customEndpointProvider.check(query, i.ctx)).report.reason?.code).toBe('http-error');
  });

  it('customEndpointProvider (Gatus): the template with {host}, only endpoints about the host', async () => {
    const settings = { customEndpoint: { template: 'https://gatus.example/api/v1/endpoints/statuses?q={host}', format: 'gatus' as const } };
    const f = fakeCtx(() => ok([{ name: 'www.example.com', results: [{ success: false }] }, { name: 'other', results: [{ success: true }] }]), { settings });
    expect((await customEndpointProvider.check(query, f.ctx)).report.verdict).toBe('down-for-everyone');
    expect(f.urls).toEqual(['https://gatus.example/api/v1/endpoints/statuses?q=www.example.com']);
  });
});

describe('check-host: the addresses the nodes reached', () => {
  it('keeps the optional fifth field, validated, deduplicated; a four-field row has none', async () => {
    const f = fakeCtx((url) =>
      url.includes('/check-http')
        ? ok(START_OK)
        : ok(resultOf([row(1, '200'), row(1, '200'), [[1, 0.1, 'OK', '200', '2606:4700:3037:0:0:0:ac43:d071']], [[1, 0.1, 'OK', '200']], [[1, 0.1, 'OK', '200', 'not an ip']], [[1, 0.1, 'OK', '200', null]], [[1, 0.1, 'OK', '200', '010.1.1.1']]])),
    );
    const { report } = await checkHostProvider.check(query, f.ctx);
    expect(report.verdict).toBe('up-elsewhere');
    expect(report.addresses).toEqual(['93.184.216.34', '2606:4700:3037::ac43:d071']);
  });

  it('collectAddresses caps at MAX_ADDRESSES and never throws on junk', () => {
    const many = Array.from({ length: 40 }, (_, i) => `198.51.100.${i}`);
    expect(collectAddresses([...many, { x: 1 }, 5, '::1%eth0', '1.2.3', '256.1.1.1'])).toHaveLength(MAX_ADDRESSES);
    expect(collectAddresses([{ x: 1 }, 5, '::1%eth0', '1.2.3', '256.1.1.1', 'x'.repeat(1000)])).toEqual([]);
    // One spelling per address, so a later comparison with the browser's own address (normalised the same way) holds.
    expect(normaliseAddress('::ffff:192.168.1.1')).toBe(normaliseAddress('::ffff:c0a8:101'));
    expect(normaliseAddress('2606:4700:3037:0:0:0:AC43:D071')).toBe('2606:4700:3037::ac43:d071');
  });
});

describe('Globalping readProbe', () => {
  const probe = { continent: 'EU', country: 'DE', city: 'Frankfurt', asn: 64512, network: 'Example' };
  const entry = (result: Record<string, unknown>) => ({ probe, result });
  it('finished: 5xx down with its code, any other status up', () => {
    expect(readProbe(entry({ status: 'finished', statusCode: 502, resolvedAddress: '203.0.113.10' }))).toEqual({ outcome: { up: false, code: 502 }, address: '203.0.113.10' });
    expect(readProbe(entry({ status: 'finished', statusCode: 301 })).outcome).toEqual({ up: true });
    expect(readProbe(entry({ status: 'finished', statusCode: 429 })).outcome).toEqual({ up: true });
  });
  it('failed without an answer: no connection; the probe\'s own failure or an answer with headers: not counted', () => {
    expect(readProbe(entry({ status: 'failed', rawOutput: 'connect ETIMEDOUT' })).outcome).toEqual({ up: false });
    expect(readProbe(entry({ status: 'failed', failureSource: 'target' })).outcome).toEqual({ up: false });
    expect(readProbe(entry({ status: 'failed', failureSource: 'internal' })).outcome).toBeNull();
    expect(readProbe(entry({ status: 'failed', headers: { server: 'nginx' } })).outcome).toBeNull();
    expect(readProbe(entry({ status: 'failed', statusCode: 200, headers: { server: 'nginx' } })).outcome).toEqual({ up: true });
  });
  it('in-progress, offline, unknown statuses and unreadable entries are not counted, never up', () => {
    for (const bad of [entry({ status: 'in-progress' }), entry({ status: 'offline' }), entry({ status: 'finished' }), entry({ status: 'finished', statusCode: '200' }), entry({ status: 'finished', statusCode: 99 }), entry({ status: 'finished', statusCode: 600 }), entry({ status: 'weird', statusCode: 200 }), null, [], 'x', { result: 5 }, {}]) {
      expect(readProbe(bad).outcome, JSON.stringify(bad)).toBeNull();
    }
  });
});

describe('Globalping measurementRequest', () => {
  it('asks for a HEAD of / over the origin\'s scheme and port, from anywhere, with the configured probes', () => {
    expect(measurementRequest({ host: 'shop.example.com', origin: 'https://shop.example.com' }, 5)).toEqual({
      type: 'http',
      target: 'shop.example.com',
      locations: [{ magic: 'world' }],
      limit: 5,
      measurementOptions: { request: { method: 'HEAD', path: '/' }, protocol: 'HTTPS', port: 443 },
    });
    expect(measurementRequest({ host: 'shop.example.com', origin: 'http://shop.example.com:8080' }, 3)).toMatchObject({ limit: 3, measurementOptions: { protocol: 'HTTP', port: 8080 } });
    expect(measurementRequest({ host: 'shop.example.com', origin: 'http://shop.example.com' }, 3)).toMatchObject({ measurementOptions: { protocol: 'HTTP', port: 80 } });
  });
});

describe('globalpingProvider against canned answers', () => {
  const GP = 'https://api.globalping.io';
  const results = (codes: readonly (number | 'no-connection' | 'pending')[]) =>
    codes.map((c, i) => ({
      probe: { continent: 'EU', country: 'DE', city: `City ${i}`, asn: 64512 + i, network: 'Example' },
      result:
        c === 'pending'
          ? { status: 'in-progress', rawOutput: '' }
          : c === 'no-connection'
            ? { status: 'failed', rawOutput: 'connect ECONNREFUSED 203.0.113.10:443' }
            : { status: 'finished', statusCode: c, statusCodeName: 'x', resolvedAddress: `203.0.113.${10 + (i % 2)}`, headers: {}, timings: {}, tls: null, rawOutput: '' },
    }));

  it('starts once, polls by id until finished, then votes; keeps the addresses', async () => {
    let polls = 0;
    const f = fakeCtx((url) => {
      if (url === `${GP}/v1/measurements`) return ok({ id: 'm1', probesCount: 5 });
      polls += 1;
      return ok({ id: 'm1', type: 'http', status: polls < 3 ? 'in-progress' : 'finished', probesCount: 5, results: results(polls < 3 ? [502, 'pending', 'pending', 'pending', 'pending'] : [502, 502, 504, 502, 'no-connection']) });
    });
    const { report } = await globalpingProvider.check(query, f.ctx);
    expect(report).toMatchObject({ provider: 'globalping', verdict: 'down-for-everyone', locations: { down: 5, up: 0, reported: 5, asked: 5 } });
    expect(report.evidence).toEqual({ key: 'evidenceLocationsDown', subs: ['5', '5', '502'] });
    expect(report.addresses).toEqual(['203.0.113.10', '203.0.113.11']);
    expect(f.urls).toEqual([`${GP}/v1/measurements`, ...Array(3).fill(`${GP}/v1/measurements/m1`)]);
    expect(f.posted).toEqual([measurementRequest(query, DEFAULT_SETTINGS.statusEndpoints.globalpingProbes)]);
    // The spec asks for 500 ms or more between polls.
    expect(f.elapsed()).toBeGreaterThanOrEqual(3 * 500);
  });

  it('up elsewhere, partial, and too few', async () => {
    const verdictOf = async (codes: Parameters<typeof results>[0]) =>
      (await globalpingProvider.check(query, fakeCtx((url) => (url.endsWith('/measurements') ? ok({ id: 'm', probesCount: codes.length }) : ok({ status: 'finished', results: results(codes) }))).ctx)).report;
    expect((await verdictOf([200, 200, 301, 404, 502])).verdict).toBe('up-elsewhere');
    expect((await verdictOf([200, 200, 502, 502])).verdict).toBe('partial');
    const few = await verdictOf([502, 502, 'pending', 'pending', 'pending']);
    expect(few.verdict).toBe('unknown');
    expect(few.evidence).toEqual({ key: 'evidenceTooFewLocations', subs: ['2', '5'] });
  });

  it('a measurement still running at the budget votes with what came in', async () => {
    const f = fakeCtx((url) => (url.endsWith('/measurements') ? ok({ id: 'm', probesCount: 5 }) : ok({ status: 'in-progress', results: results([502, 502, 502, 'pending', 'pending']) })));
    const { report } = await globalpingProvider.check(query, f.ctx);
    expect(report.verdict).toBe('down-for-everyone');
    expect(report.locations).toEqual({ down: 3, up: 0, reported: 3, asked: 5 });
    expect(f.elapsed()).toBeLessThanOrEqual(15_000);
  });

  it('hostile answers become unknown with a reason, never up', async () => {
    for (const created of [{ id: 5, probesCount: 1 }, { id: '../../x', probesCount: 1 }, { id: 'm' }, [], 'ok', null]) {
      const { report } = await globalpingProvider.check(query, fakeCtx(() => ok(created)).ctx);
      expect(report.reason?.code, JSON.stringify(created)).toBe('invalid-answer');
    }
    expect((await globalpingProvider.check(query, fakeCtx(() => ok({ id: 'm', probesCount: 0 })).ctx)).report.reason?.code).toBe('too-few-locations');
    for (const polled of [{ status: 'finished', results: {} }, { results: [] }, [], { status: 5, results: [] }]) {
      const f = fakeCtx((url) => (url.endsWith('/measurements') ? ok({ id: 'm', probesCount: 3 }) : ok(polled)));
      const { report } = await globalpingProvider.check(query, f.ctx);
      expect(report.verdict, JSON.stringify(polled)).toBe('unknown');
      expect(report.reason?.code).toBe('invalid-answer');
    }
  });

  it('a 429 at the start is held for what it asked; a failure after some results still votes', async () => {
    const limited = fakeCtx(() => ({ ok: false, status: 429, retryAfterMs: 3_600_000, reason: { code: 'rate-limited', detail: 'HTTP 429' } }));
    expect(await globalpingProvider.check(query, limited.ctx)).toMatchObject({ report: { verdict: 'unknown', reason: { code: 'rate-limited' } }, retryAfterMs: 3_600_000 });
    const plain429 = fakeCtx(() => ({ ok: false, status: 429, reason: { code: 'rate-limited', detail: 'HTTP 429' } }));
    expect((await globalpingProvider.check(query, plain429.ctx)).retryAfterMs).toBe(60_000);
    let n = 0;
    const late = fakeCtx((url) => {
      if (url.endsWith('/measurements')) return ok({ id: 'm', probesCount: 3 });
      n += 1;
      return n === 1 ? ok({ status: 'in-progress', results: results([502, 502, 502]) }) : { ok: false, status: 500, reason: { code: 'http-error', detail: 'HTTP 500' } };
    });
    expect((await globalpingProvider.check(query, late.ctx)).report.verdict).toBe('down-for-everyone');
  });
});

describe('combineVerdicts', () => {
  const of = (...vs: Verdict[]) => combineVerdicts(vs.map((verdict) => ({ verdict, provider: 'checkHost' as const })));
  it('combines', () => {
    expect(of()).toBe('unknown');
    expect(of('unknown', 'unknown')).toBe('unknown');
    expect(of('down-for-everyone', 'unknown')).toBe('down-for-everyone');
    expect(of('up-elsewhere', 'unknown', 'up-elsewhere')).toBe('up-elsewhere');
    expect(of('up-elsewhere', 'down-for-everyone')).toBe('partial');
    expect(of('partial')).toBe('partial');
    expect(of('partial', 'up-elsewhere')).toBe('partial');
    expect(of('unknown', 'partial', 'down-for-everyone')).toBe('partial');
  });
});

describe('combineReport: who agreed', () => {
  it('names the deciding sources that agreed and those that did not', () => {
    expect(combineReport([{ provider: 'gateway', verdict: 'unknown' }, { provider: 'checkHost', verdict: 'down-for-everyone' }, { provider: 'globalping', verdict: 'down-for-everyone' }, { provider: 'statusPage', verdict: 'up-elsewhere' }])).toEqual({
      verdict: 'down-for-everyone',
      agreeing: ['checkHost', 'globalping'],
      disagreeing: [],
    });
    expect(combineReport([{ provider: 'checkHost', verdict: 'down-for-everyone' }, { provider: 'globalping', verdict: 'up-elsewhere' }])).toEqual({
      verdict: 'partial',
      agreeing: [],
      disagreeing: ['checkHost', 'globalping'],
    });
    // No measuring source could tell: the status page decides alone, but never "down for everyone" (issue 15): its
    // major outage is "the site reports an incident" (`partial`, isReportedOnly).
    expect(combineReport([{ provider: 'checkHost', verdict: 'unknown' }, { provider: 'statusPage', verdict: 'down-for-everyone' }])).toEqual({
      verdict: 'partial',
      agreeing: ['statusPage'],
      disagreeing: [],
    });
    // An outside check agreeing makes it so.
    expect(combineReport([{ provider: 'checkHost', verdict: 'down-for-everyone' }, { provider: 'statusPage', verdict: 'down-for-everyone' }]).verdict).toBe('down-for-everyone');
    expect(combineReport([{ provider: 'gateway', verdict: 'unknown' }])).toEqual({ verdict: 'unknown', agreeing: [], disagreeing: [] });
  });
});

describe('readGateway', () => {
  it('Cloudflare 52x → cdn-origin-failed', () => {
    for (const code of [520, 521, 522, 523, 524, 525, 526, 527]) {
      const r = readGateway({ code, gateway: { server: 'cloudflare', cfRay: '8a-LHR' } }, T);
      expect(r.hint, String(code)).toBe('cdn-origin-failed');
      expect(r.evidence).toEqual({ key: 'evidenceCloudflareOrigin', subs: [String(code)] });
      expect(r.verdict).toBe('unknown');
      expect(r.reason?.code).toBe('no-signal');
      expect(r.provider).toBe('gateway');
      expect(r.checkedAt).toBe(T);
    }
  });

  it('Cloudflare 502 → site-edge (the site\'s CDN answered; the fault is there or behind it)', () => {
    const r = readGateway({ code: 502, gateway: { server: 'cloudflare', cfRay: '8a-LHR' } }, T);
    expect(r.hint).toBe('site-edge');
    expect(r.evidence).toEqual({ key: 'evidenceSiteEdge', subs: ['Cloudflare', '502'] });
    expect(readGateway({ code: 528, gateway: { cfRay: 'x' } }, T).hint).toBe('site-edge');
  });

  it('nginx and awselb/2.0 → site-gateway naming the product', () => {
    expect(readGateway({ code: 502, gateway: { server: 'nginx' } }, T).evidence).toEqual({ key: 'evidenceSiteGateway', subs: ['nginx', '502'] });
    const elb = readGateway({ code: 504, gateway: { server: 'awselb/2.0', via: '1.1 proxy' } }, T);
    expect(elb.hint).toBe('site-gateway');
    expect(elb.evidence).toEqual({ key: 'evidenceSiteGateway', subs: ['AWS Elastic Load Balancing', '504'] });
    // A Server the table does not know is still the site's gateway, named as it names itself.
    expect(readGateway({ code: 502, gateway: { server: 'Tengine' } }, T).evidence).toEqual({ key: 'evidenceSiteGateway', subs: ['Tengine', '502'] });
  });

  it('an unknown Via alone cannot tell (CDNs put Via on every answer)', () => {
    const r = readGateway({ code: 503, gateway: { via: '1.1 squid.corp.example' } }, T);
    expect(r.hint).toBeUndefined();
    expect(r.evidence).toEqual({ key: 'evidenceUnknownVia', subs: ['1.1 squid.corp.example', '503'] });
  });

  it("a proxy's own error signature → user-proxy, whatever else is there", () => {
    const r = readGateway({ code: 502, gateway: { server: 'squid/5.5', party: 'squid', ownError: 'ERR_CONNECT_FAIL 111' } }, T);
    expect(r.hint).toBe('user-proxy');
    expect(r.evidence).toEqual({ key: 'evidenceProxyError', subs: ['Squid', '502'] });
  });

  it('CloudFront and Google: a known edge, never "your proxy"', () => {
    const cf = readGateway({ code: 502, gateway: { via: '1.1 0123456789abcdef0123456789abcdef.cloudfront.net (CloudFront)', xCache: 'Error from cloudfront' } }, T);
    expect(cf.hint).toBe('cdn-origin-failed');
    expect(cf.evidence).toEqual({ key: 'evidenceEdgeOriginFailed', subs: ['Amazon CloudFront', '502'] });
    const g = readGateway({ code: 503, gateway: { via: '1.1 google' } }, T);
    expect(g.hint).toBe('cdn-origin-failed');
    expect(readGateway({ code: 503, gateway: { via: '1.1 google', server: 'gunicorn' } }, T).hint).toBe('site-edge');
  });

  it('nothing → no hint', () => {
    const r = readGateway({ code: 502 }, T);
    expect(r.hint).toBeUndefined();
    expect(r.evidence).toEqual({ key: 'evidenceNoServer', subs: ['502'] });
    expect(readGateway({ code: 502, gateway: { server: '   ', via: '' } }, T).hint).toBeUndefined();
    expect(readGateway({}, T).evidence).toEqual({ key: 'evidenceNoServer', subs: [''] });
  });

  it('cleans control and bidi characters in header values and caps them', () => {
    const r = readGateway({ code: 502, gateway: { server: 'tengine\u0000\r\nX-Evil:\u202e 1\u0085' } }, T);
    expect(r.evidence.subs).toEqual(['tengine X-Evil: 1', '502']);
    // A known product is named by the table, whatever follows its name.
    expect(readGateway({ code: 502, gateway: { server: 'nginx\u0000\r\nX-Evil: 1' } }, T).evidence.subs).toEqual(['nginx', '502']);
    const v = readGateway({ code: 502, gateway: { via: `\u0007${'p'.repeat(500)}` } }, T);
    expect(v.evidence.subs![0]).toBe(`${'p'.repeat(59)}…`);
    // Never cut inside a word: at the last space before the limit.
    const w = readGateway({ code: 502, gateway: { server: `Very Long Server Name ${'x'.repeat(30)} Tail Words Here And More` } }, T);
    expect(w.evidence.subs![0]).toBe('Very Long Server Name xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx Tail…');
  });
});

describe('cleanText, safeLink, unknownReport', () => {
  it('cleanText strips controls, collapses space, caps', () => {
    expect(cleanText('  a\u0000\u0001b\t\nc\u2028d\u2066e  ')).toBe('a b c d e');
    expect(cleanText('x'.repeat(500))).toHaveLength(120);
    expect(cleanText('abcdef', 3)).toBe('abc');
  });

  it('safeLink keeps http(s) links', () => {
    expect(safeLink('https://check-host.net/check-report/806df9')).toBe('https://check-host.net/check-report/806df9');
    expect(safeLink('HTTP://Example.COM')).toBe('http://example.com/');
  });

  it('safeLink refuses javascript:, data:, credentials, relative and odd input', () => {
    for (const bad of [
      'javascript:alert(1)',
      'JavaScript:alert(document.cookie)',
      ' javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'https://user:pw@check-host.net/',
      'https://user@check-host.net/',
      'https://:pw@check-host.net/',
      'file:///etc/passwd',
      'ftp://example.com/',
      '/check-report/1',
      '//evil.example/x',
      '',
      `https://example.com/${'a'.repeat(2000)}`,
      null,
      42,
      { href: 'https://x' },
    ]) {
      expect(safeLink(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it('unknownReport cleans and caps the detail and derives the evidence key', () => {
    const r = unknownReport('checkHost', { code: 'too-few-locations', detail: `a\u0000b${'x'.repeat(400)}` }, T);
    expect(r.verdict).toBe('unknown');
    expect(r.evidence).toEqual({ key: 'reason_too_few_locations' });
    expect(r.reason!.detail.startsWith('a b')).toBe(true);
    expect(r.reason!.detail).toHaveLength(300);
  });
});
