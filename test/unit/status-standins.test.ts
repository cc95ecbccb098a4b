/**
 * The status-service stand-ins (`test/lab/status-standins.ts`) over real loopback HTTP: documented shapes,
 * the check-host start → poll flow, every break mode, request recording, and prompt shutdown of hung connections.
 */
import { readFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { readCreated, readMeasurement } from '../../src/status/providers/globalping';
import { waitFor } from '../lab/wait';
import {
  CHECK_HOST_NODES,
  DEEP_NESTING_LEVELS,
  HUGE_BODY_BYTES,
  allDown,
  allUp,
  gatusKey,
  globalpingProbes,
  httpCheckResult,
  mixed,
  startCheckHost,
  startCloudflareStatus,
  startGatus,
  startGlobalping,
  startStatusPage,
  startUptimeKuma,
  stopAll,
  type StandIn,
  type StatusPageState,
} from '../lab/status-standins';

const started: StandIn[] = [];

/** Registers a stand-in for closing after the test, so a failing assertion never leaks a server. */
async function track<T extends StandIn>(standIn: Promise<T>): Promise<T> {
  const value = await standIn;
  started.push(value);
  return value;
}

afterEach(async () => {
  await stopAll(...started.splice(0));
});

const JSON_ACCEPT = { Accept: 'application/json' };

async function getJson(url: string, headers: Record<string, string> = JSON_ACCEPT): Promise<{ status: number; body: any; response: Response }> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(5_000) });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), response };
}

async function getText(url: string, headers: Record<string, string> = JSON_ACCEPT): Promise<{ status: number; text: string; response: Response }> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(5_000) });
  return { status: response.status, text: await response.text(), response };
}

interface RawResult {
  status: number | undefined;
  headers: IncomingHttpHeaders;
  body: string;
  /** True if the body ended normally, false if the connection was cut first. */
  complete: boolean;
}

/** node:http GET (fetch drops a custom Host header); resolves when the response ends or the connection dies. */
function rawGet(port: number, path: string, headers: Record<string, string> = {}): { done: Promise<RawResult>; gotHeaders: Promise<void> } {
  let headersArrived: () => void = () => {};
  const gotHeaders = new Promise<void>((resolve) => (headersArrived = resolve));
  const done = new Promise<RawResult>((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, headers, agent: false }, (response) => {
      headersArrived();
      const chunks: Buffer[] = [];
      const finish = () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString('utf8'), complete: response.complete });
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', () => {});
      response.on('close', finish);
    });
    request.on('error', reject);
  });
  return { done, gotHeaders };
}

function startCheck(baseUrl: string, query: string, headers: Record<string, string> = JSON_ACCEPT) {
  return getJson(`${baseUrl}/check-http?${query}`, headers);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('check-host stand-in', () => {
  it('starts a check with the documented shape, limited by max_nodes', async () => {
    const checkHost = await track(startCheckHost({ nodes: allUp(7) }));
    const { status, body } = await startCheck(checkHost.baseUrl, `host=${encodeURIComponent('https://shop.example/')}&max_nodes=3`);

    expect(status).toBe(200);
    expect(body.ok).toBe(1);
    expect(body.request_id).toMatch(/^[0-9a-f]{6,}$/);
    expect(body.permanent_link).toBe(`${checkHost.baseUrl}/check-report/${body.request_id}`);
    expect(Object.keys(body.nodes)).toEqual(CHECK_HOST_NODES.slice(0, 3).map((node) => node.node));
    const first = body.nodes['us1.node.check-host.net'];
    expect(first).toHaveLength(5);
    expect(first.slice(0, 3)).toEqual(['us', 'USA', 'Los Angeles']);
    expect(first[3]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(first[4]).toMatch(/^AS\d+$/);
    expect(checkHost.checksStarted()).toEqual(['https://shop.example/']);
    expect(checkHost.checks().map((check) => check.id)).toEqual([body.request_id]);
  });

  it('answers every node without max_nodes and only the asked ones for repeated node=', async () => {
    const checkHost = await track(startCheckHost());
    const all = await startCheck(checkHost.baseUrl, 'host=a.example');
    expect(Object.keys(all.body.nodes)).toHaveLength(7);

    const before = Date.now();
    const picked = await startCheck(checkHost.baseUrl, 'host=b.example&node=jp1.node.check-host.net&node=de1.node.check-host.net&node=zz9.node.check-host.net');
    expect(Object.keys(picked.body.nodes)).toEqual(['de1.node.check-host.net', 'jp1.node.check-host.net']);

    const record = checkHost.requests[1];
    expect(record?.method).toBe('GET');
    expect(record?.path).toBe('/check-http');
    expect(record?.query).toEqual({ host: 'b.example', node: ['jp1.node.check-host.net', 'de1.node.check-host.net', 'zz9.node.check-host.net'] });
    expect(record?.headers.accept).toBe('application/json');
    expect(record?.host).toBe(`127.0.0.1:${checkHost.port}`);
    expect(record?.time).toBeGreaterThanOrEqual(before);
    expect(record?.time).toBeLessThanOrEqual(Date.now());
    expect(checkHost.checksStarted()).toEqual(['a.example', 'b.example']);
  });

  it('polls: delayed nodes are null first, then report; a silent node stays null', async () => {
    const silent = { node: 'sg1.node.check-host.net', location: ['sg', 'Singapore', 'Singapore'] as const, result: null };
    const checkHost = await track(startCheckHost({ nodes: [...mixed(2, 3), silent], delayResultsMs: 250 }));
    const { body: start } = await startCheck(checkHost.baseUrl, 'host=shop.example');
    const id: string = start.request_id;

    const early = await getJson(`${checkHost.baseUrl}/check-result/${id}`);
    expect(early.status).toBe(200);
    expect(Object.keys(early.body)).toEqual(Object.keys(start.nodes));
    expect(Object.values(early.body).every((value) => value === null)).toBe(true);

    await sleep(300);
    const late = await getJson(`${checkHost.baseUrl}/check-result/${id}`);
    const values = Object.values(late.body) as unknown[];
    expect(values.slice(0, 2)).toEqual([
      [[1, expect.any(Number), 'OK', '200', expect.any(String)]],
      [[1, expect.any(Number), 'OK', '200', expect.any(String)]],
    ]);
    for (const value of values.slice(2, 5)) expect(value).toEqual([[0, expect.any(Number), 'Bad Gateway', '502', expect.any(String)]]);
    expect(late.body['sg1.node.check-host.net']).toBeNull();
    expect(checkHost.resultPolls(id)).toBe(2);
    expect(checkHost.resultPolls('other')).toBe(0);
  });

  it('lets a node report on its own delay', async () => {
    const [fast, slow] = allDown(503, 2);
    const checkHost = await track(startCheckHost({ nodes: [{ ...fast!, delayMs: 0 }, { ...slow!, delayMs: 60_000 }], delayResultsMs: 60_000 }));
    const { body: start } = await startCheck(checkHost.baseUrl, 'host=shop.example');
    const { body } = await getJson(`${checkHost.baseUrl}/check-result/${start.request_id}`);
    expect(body[fast!.node]).toEqual([[0, expect.any(Number), 'Service Unavailable', '503', expect.any(String)]]);
    expect(body[slow!.node]).toBeNull();
  });

  it('freezes outcomes per check: setNodes only affects later checks', async () => {
    const checkHost = await track(startCheckHost({ nodes: allUp(3) }));
    const first = await startCheck(checkHost.baseUrl, 'host=one.example');
    checkHost.setNodes(allDown(504, 2));
    const second = await startCheck(checkHost.baseUrl, 'host=two.example');

    const firstResult = await getJson(`${checkHost.baseUrl}/check-result/${first.body.request_id}`);
    const secondResult = await getJson(`${checkHost.baseUrl}/check-result/${second.body.request_id}`);
    expect(Object.values(firstResult.body).map((value: any) => value[0][3])).toEqual(['200', '200', '200']);
    expect(Object.values(secondResult.body).map((value: any) => value[0][3])).toEqual(['504', '504']);
    expect(checkHost.nodes).toHaveLength(2);
  });

  it('answers 404 JSON for an unknown id and an unknown path', async () => {
    const checkHost = await track(startCheckHost());
    const unknownId = await getJson(`${checkHost.baseUrl}/check-result/deadbeef`);
    expect(unknownId.status).toBe(404);
    expect(unknownId.response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(unknownId.body).toEqual({ error: 'not_found' });
    expect((await getJson(`${checkHost.baseUrl}/check-ping?host=x`)).status).toBe(404);
  });

  it('reports ok 0 with an error when host is missing', async () => {
    const checkHost = await track(startCheckHost());
    const { body } = await startCheck(checkHost.baseUrl, 'max_nodes=3');
    expect(body.ok).not.toBe(1);
    expect(typeof body.error).toBe('string');
    expect(checkHost.checks()).toHaveLength(0);
  });

  it('serves the HTML web page without Accept: application/json, like the real site', async () => {
    const checkHost = await track(startCheckHost());
    const { status, text, response } = await getText(`${checkHost.baseUrl}/check-http?host=shop.example`, {});
    expect(status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(() => JSON.parse(text)).toThrow();
    expect(checkHost.checksStarted()).toEqual(['shop.example']);
    expect(checkHost.checks()).toHaveLength(0);

    const lenient = await track(startCheckHost({ requireAcceptJson: false }));
    expect((await getJson(`${lenient.baseUrl}/check-http?host=shop.example`, {})).body.ok).toBe(1);
  });

  it('lists its nodes at /nodes/hosts', async () => {
    const checkHost = await track(startCheckHost({ nodes: allUp(2) }));
    const { body } = await getJson(`${checkHost.baseUrl}/nodes/hosts`);
    expect(body).toEqual({
      nodes: {
        'us1.node.check-host.net': { location: ['us', 'USA', 'Los Angeles'], ip: expect.any(String) },
        'de1.node.check-host.net': { location: ['de', 'Germany', 'Nuremberg'], ip: expect.any(String) },
      },
    });
  });

  it('builds node outcomes with the helpers', () => {
    expect(allUp().map((node) => node.result?.[0])).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(allDown().map((node) => node.result?.[3])).toEqual(Array(7).fill('502'));
    expect(allDown('timeout', 2).map((node) => node.result)).toEqual([
      [0, 10, 'Connection timed out', null, null],
      [0, 10, 'Connection timed out', null, null],
    ]);
    expect(mixed(4, 3).map((node) => node.result?.[0])).toEqual([1, 1, 1, 1, 0, 0, 0]);
    const many = allUp(20).map((node) => node.node);
    expect(new Set(many).size).toBe(20);
    expect(httpCheckResult(301).slice(0, 4)).toEqual([1, 0.131, 'Moved Permanently', '301']);
    expect(httpCheckResult(429).slice(0, 4)).toEqual([0, 0.131, 'Too Many Requests', '429']);
  });
});

describe('status-page stand-ins', () => {
  const statuspageExpectations: Record<StatusPageState, { indicator: string; description: string; incidents: number; maintenances: number; worst: string }> = {
    operational: { indicator: 'none', description: 'All Systems Operational', incidents: 0, maintenances: 0, worst: 'operational' },
    degraded: { indicator: 'minor', description: 'Minor Service Outage', incidents: 1, maintenances: 0, worst: 'degraded_performance' },
    major: { indicator: 'major', description: 'Partial System Outage', incidents: 1, maintenances: 0, worst: 'partial_outage' },
    critical: { indicator: 'critical', description: 'Major Service Outage', incidents: 1, maintenances: 0, worst: 'major_outage' },
    maintenance: { indicator: 'maintenance', description: 'Service Under Maintenance', incidents: 0, maintenances: 1, worst: 'under_maintenance' },
  };

  it.each(Object.entries(statuspageExpectations))('Statuspage %s: summary.json and status.json', async (state, expected) => {
    const page = await track(startStatusPage({ vendor: 'statuspage', state: state as StatusPageState, name: 'Shop' }));
    const summary = await getJson(`${page.baseUrl}/api/v2/summary.json`);
    expect(summary.status).toBe(200);
    expect(summary.response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(summary.body).sort()).toEqual(['components', 'incidents', 'page', 'scheduled_maintenances', 'status']);
    expect(summary.body.page).toEqual({ id: expect.any(String), name: 'Shop', url: `http://127.0.0.1:${page.port}`, time_zone: 'Etc/UTC', updated_at: expect.any(String) });
    expect(Number.isNaN(Date.parse(summary.body.page.updated_at))).toBe(false);
    expect(summary.body.status).toEqual({ indicator: expected.indicator, description: expected.description });
    expect(summary.body.components[0].status).toBe(expected.worst);
    expect(summary.body.incidents).toHaveLength(expected.incidents);
    expect(summary.body.scheduled_maintenances).toHaveLength(expected.maintenances);
    if (expected.incidents) expect(summary.body.incidents[0]).toMatchObject({ status: 'investigating', impact: expected.indicator });
    if (expected.maintenances) expect(summary.body.scheduled_maintenances[0]).toMatchObject({ status: 'in_progress', impact: 'maintenance' });

    const status = await getJson(`${page.baseUrl}/api/v2/status.json`);
    expect(status.body).toEqual({ page: summary.body.page, status: summary.body.status });
  });

  it('Statuspage: setState changes the answer; other vendors\' paths are 404', async () => {
    const page = await track(startStatusPage({ vendor: 'statuspage' }));
    page.setState('critical');
    expect((await getJson(`${page.baseUrl}/api/v2/status.json`)).body.status.indicator).toBe('critical');
    expect(page.state).toBe('critical');
    for (const path of ['/summary.json', '/index.json', '/api/v2/nothing.json']) {
      expect((await getText(`${page.baseUrl}${path}`)).status).toBe(404);
    }
    expect(page.apiPaths).toContain('/api/v2/summary.json');
  });

  it.each([
    ['operational', 'UP', 0, 0],
    ['degraded', 'HASISSUES', 1, 0],
    ['major', 'HASISSUES', 1, 0],
    ['critical', 'HASISSUES', 1, 0],
    ['maintenance', 'UNDERMAINTENANCE', 0, 1],
  ] as const)('Instatus %s: /summary.json says %s', async (state, pageStatus, incidents, maintenances) => {
    const page = await track(startStatusPage({ vendor: 'instatus', state, name: 'Shop', url: 'https://status.shop.example' }));
    const { status, body } = await getJson(`${page.baseUrl}/summary.json`);
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['activeIncidents', 'activeMaintenances', 'page']);
    expect(body.page).toEqual({ name: 'Shop', url: 'https://status.shop.example', status: pageStatus });
    expect(body.activeIncidents).toHaveLength(incidents);
    expect(body.activeMaintenances).toHaveLength(maintenances);
    expect((await getText(`${page.baseUrl}/api/v2/summary.json`)).status).toBe(404);
    expect((await getText(`${page.baseUrl}/index.json`)).status).toBe(404);
  });

  it.each([
    ['operational', 'operational'],
    ['degraded', 'degraded'],
    ['major', 'downtime'],
    ['critical', 'downtime'],
    ['maintenance', 'maintenance'],
  ] as const)('Better Stack %s: /index.json aggregate_state %s', async (state, aggregate) => {
    const page = await track(startStatusPage({ vendor: 'betterstack', state, name: 'Shop', siteUrl: 'https://shop.example' }));
    const { status, body } = await getJson(`${page.baseUrl}/index.json`);
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ id: expect.any(String), type: 'status_page', attributes: { company_name: 'Shop', company_url: 'https://shop.example', aggregate_state: aggregate } });
    expect((await getText(`${page.baseUrl}/summary.json`)).status).toBe(404);
    expect((await getText(`${page.baseUrl}/api/v2/status.json`)).status).toBe(404);
  });

  it('ignores the Host header for routing, records it, and uses it for page.url', async () => {
    const page = await track(startStatusPage({ vendor: 'statuspage' }));
    const host = `status.example.com:${page.port}`;
    const { done } = rawGet(page.port, '/api/v2/status.json', { Host: host, Accept: 'application/json' });
    const result = await done;
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body).page.url).toBe(`http://${host}`);
    expect(page.requests.map((record) => record.host)).toEqual([host]);
    expect(page.requests[0]?.headers.host).toBe(host);
    expect(page.requestsTo('/api/v2/status.json')).toHaveLength(1);
  });

  it('serves an HTML status page at /', async () => {
    const page = await track(startStatusPage({ vendor: 'instatus', state: 'major' }));
    const { status, response, text } = await getText(`${page.baseUrl}/`);
    expect(status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(text).toContain('Partial Outage');
  });
});

describe('Cloudflare status stand-in', () => {
  it('serves /api/v2/status.json with a settable indicator and description', async () => {
    const cloudflare = await track(startCloudflareStatus());
    const first = await getJson(`${cloudflare.baseUrl}/api/v2/status.json`);
    expect(first.body).toEqual({
      page: { id: 'yh6f0r4529hb', name: 'Cloudflare', url: 'https://www.cloudflarestatus.com', time_zone: 'Etc/UTC', updated_at: expect.any(String) },
      status: { indicator: 'none', description: 'All Systems Operational' },
    });

    cloudflare.setIndicator('major');
    expect((await getJson(`${cloudflare.baseUrl}/api/v2/status.json`)).body.status).toEqual({ indicator: 'major', description: 'Partial System Outage' });
    cloudflare.setIndicator('minor', 'Elevated 5xx in FRA');
    expect((await getJson(`${cloudflare.baseUrl}/api/v2/status.json`)).body.status).toEqual({ indicator: 'minor', description: 'Elevated 5xx in FRA' });
    expect((await getJson(`${cloudflare.baseUrl}/api/v2/summary.json`)).body.components[0].status).toBe('degraded_performance');
    expect(cloudflare.requestsTo('/api/v2/status.json')).toHaveLength(3);
  });

  it('takes the initial indicator from its options', async () => {
    const cloudflare = await track(startCloudflareStatus({ indicator: 'critical', description: 'Global outage' }));
    expect((await getJson(`${cloudflare.baseUrl}/api/v2/status.json`)).body.status).toEqual({ indicator: 'critical', description: 'Global outage' });
  });
});

describe('Uptime Kuma stand-in', () => {
  it('serves heartbeats per monitor, the last one being current', async () => {
    const kuma = await track(startUptimeKuma({ slug: 'shop' }));
    const first = await getJson(`${kuma.baseUrl}/api/status-page/heartbeat/shop`);
    expect(first.status).toBe(200);
    expect(Object.keys(first.body).sort()).toEqual(['heartbeatList', 'uptimeList']);
    const beats = first.body.heartbeatList['1'];
    expect(beats.length).toBeGreaterThan(1);
    for (const beat of beats) expect(Object.keys(beat).sort()).toEqual(['msg', 'ping', 'status', 'time']);
    expect(beats.at(-1).status).toBe(1);
    expect(beats.at(-1).time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    expect(first.body.uptimeList).toEqual({ '1_24': expect.any(Number) });

    kuma.setMonitor(1, 'down');
    kuma.setMonitor(7, 'maintenance', 'API');
    const second = await getJson(`${kuma.baseUrl}/api/status-page/heartbeat/shop`);
    expect(second.body.heartbeatList['1'].at(-1).status).toBe(0);
    expect(second.body.heartbeatList['1'][0].status).toBe(1);
    expect(second.body.heartbeatList['7'].at(-1).status).toBe(3);
    expect(kuma.requestsTo('/api/status-page/heartbeat/*')).toHaveLength(2);
  });

  it('answers an unknown slug with empty lists (200), and names monitors at /api/status-page/<slug>', async () => {
    const kuma = await track(
      startUptimeKuma({ slug: 'shop', monitors: [{ id: 3, name: 'Checkout', state: 'pending' }, { id: 4, name: 'Shop', url: 'https://shop.example.com/', state: 'up' }] }),
    );
    expect((await getJson(`${kuma.baseUrl}/api/status-page/heartbeat/nope`)).body).toEqual({ heartbeatList: {}, uptimeList: {} });
    expect((await getJson(`${kuma.baseUrl}/api/status-page/heartbeat/SHOP`)).body.heartbeatList['3'].at(-1).status).toBe(2);
    const config = await getJson(`${kuma.baseUrl}/api/status-page/shop`);
    expect(config.body.publicGroupList[0].monitorList).toEqual([
      { id: 3, name: 'Checkout', sendUrl: 0, type: 'http' },
      { id: 4, name: 'Shop', sendUrl: 1, type: 'http', url: 'https://shop.example.com/' },
    ]);
    const missing = await getJson(`${kuma.baseUrl}/api/status-page/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ status: 'fail', msg: 'Status Page Not Found' });
  });
});

describe('Gatus stand-in', () => {
  it('serves /api/v1/endpoints/statuses with settable up/down', async () => {
    const gatus = await track(startGatus({ endpoints: [{ name: 'website', group: 'core', up: true }, { name: 'api', up: true }] }));
    const first = await getJson(`${gatus.baseUrl}/api/v1/endpoints/statuses`);
    expect(first.status).toBe(200);
    expect(first.body.map((endpoint: any) => [endpoint.name, endpoint.group, endpoint.key])).toEqual([
      ['website', 'core', 'core_website'],
      ['api', '', '_api'],
    ]);
    const latest = first.body[0].results.at(-1);
    expect(latest).toMatchObject({ status: 200, success: true, duration: expect.any(Number), timestamp: expect.any(String) });

    gatus.setEndpoint('website', false);
    const second = await getJson(`${gatus.baseUrl}/api/v1/endpoints/statuses`);
    expect(second.body[0].results.at(-1)).toMatchObject({ status: 502, success: false });
    expect(second.body[0].results[0].success).toBe(true);
    expect(second.body[1].results.at(-1).success).toBe(true);

    const one = await getJson(`${gatus.baseUrl}/api/v1/endpoints/${gatusKey('core', 'website')}/statuses`);
    expect(one.body.results.at(-1).success).toBe(false);
    expect((await getText(`${gatus.baseUrl}/api/v1/endpoints/core_nope/statuses`)).status).toBe(404);
    expect(gatus.requests).toHaveLength(4);
  });
});

describe('break modes', () => {
  it('html and catch-all answer 200 HTML on every path', async () => {
    const page = await track(startStatusPage({ vendor: 'statuspage' }));
    for (const mode of ['html', 'catch-all'] as const) {
      page.setMode(mode);
      for (const path of ['/api/v2/summary.json', '/summary.json', '/no/such/path']) {
        const { status, text, response } = await getText(`${page.baseUrl}${path}`);
        expect(status).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^text\/html/);
        expect(text).toMatch(/<html/);
        expect(() => JSON.parse(text)).toThrow();
      }
    }
    expect(page.mode).toBe('catch-all');
  });

  it('json-catch-all answers {"ok":true} on every path', async () => {
    const page = await track(startStatusPage({ vendor: 'betterstack', mode: 'json-catch-all' }));
    for (const path of ['/index.json', '/api/v2/status.json', '/whatever']) {
      const { status, body } = await getJson(`${page.baseUrl}${path}`);
      expect(status).toBe(200);
      expect(body).toEqual({ ok: true });
    }
  });

  it('truncated sends half of the documented body, which does not parse', async () => {
    const page = await track(startStatusPage({ vendor: 'statuspage', state: 'major' }));
    const full = await getText(`${page.baseUrl}/api/v2/summary.json`);
    page.setMode('truncated');
    const cut = await getText(`${page.baseUrl}/api/v2/summary.json`);
    expect(cut.status).toBe(200);
    expect(cut.text).toBe(full.text.slice(0, Math.floor(full.text.length / 2)));
    expect(Number(cut.response.headers.get('content-length'))).toBe(cut.text.length);
    expect(() => JSON.parse(cut.text)).toThrow(SyntaxError);
  });

  it('huge sends a valid-looking body over 10 MB, chunked unless told to announce its length', async () => {
    const checkHost = await track(startCheckHost({ mode: 'huge' }));
    const response = await fetch(`${checkHost.baseUrl}/check-http?host=shop.example`, { headers: JSON_ACCEPT, signal: AbortSignal.timeout(10_000) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBeNull();
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(bytes.byteLength).toBeGreaterThan(10 * 1024 * 1024);
    expect(bytes.byteLength).toBeGreaterThanOrEqual(HUGE_BODY_BYTES);
    const body = JSON.parse(new TextDecoder().decode(bytes));
    expect(body.ok).toBe(1);
    expect(Object.keys(body.nodes).length).toBeGreaterThan(10_000);
    expect(body.nodes['us1.node.check-host.net']).toEqual(['us', 'USA', 'Los Angeles', expect.any(String), expect.any(String)]);

    const page = await track(startStatusPage({ vendor: 'statuspage', mode: 'huge', announceLength: true }));
    const announced = await fetch(`${page.baseUrl}/api/v2/summary.json`, { signal: AbortSignal.timeout(10_000) });
    const text = await announced.text();
    expect(Number(announced.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(Buffer.byteLength(text)).toBeGreaterThan(10 * 1024 * 1024);
    expect(JSON.parse(text).status.indicator).toBe('none');
  });

  it('deep nests 100k arrays inside the documented shape', async () => {
    const checkHost = await track(startCheckHost({ mode: 'deep' }));
    const { status, text } = await getText(`${checkHost.baseUrl}/check-http?host=shop.example`);
    expect(status).toBe(200);
    expect(text.startsWith('{"ok":1,')).toBe(true);
    expect(text).toContain(`"nodes":${'['.repeat(DEEP_NESTING_LEVELS)}]`);
    expect(text).not.toContain('['.repeat(DEEP_NESTING_LEVELS + 1));
    expect(text.endsWith(`${']'.repeat(DEEP_NESTING_LEVELS)}}`)).toBe(true);
  });

  it('wrong-types keeps the keys but breaks the types', async () => {
    const checkHost = await track(startCheckHost({ mode: 'wrong-types' }));
    const { status, body } = await startCheck(checkHost.baseUrl, 'host=shop.example');
    expect(status).toBe(200);
    expect(body.ok).toBe('yes');
    expect(body.nodes).toBe(5);

    const page = await track(startStatusPage({ vendor: 'statuspage', mode: 'wrong-types' }));
    const summary = await getJson(`${page.baseUrl}/api/v2/status.json`);
    expect(typeof summary.body.page).toBe('string');
    expect(typeof summary.body.status.indicator).toBe('number');
  });

  it('error answers {"ok":0,"error":"limit_exceeded"}', async () => {
    const checkHost = await track(startCheckHost({ mode: 'error' }));
    const { status, body } = await startCheck(checkHost.baseUrl, 'host=shop.example');
    expect(status).toBe(200);
    expect(body).toEqual({ ok: 0, error: 'limit_exceeded' });
    expect(checkHost.checks()).toHaveLength(0);
    expect(checkHost.checksStarted()).toEqual(['shop.example']);
  });

  it('status-429 sends Retry-After (configurable) and status-500 a 500', async () => {
    const checkHost = await track(startCheckHost({ mode: 'status-429' }));
    const first = await getText(`${checkHost.baseUrl}/check-http?host=shop.example`);
    expect(first.status).toBe(429);
    expect(first.response.headers.get('retry-after')).toBe('30');
    checkHost.setMode('status-429', { retryAfterSeconds: 7 });
    expect((await getText(`${checkHost.baseUrl}/check-http?host=shop.example`)).response.headers.get('retry-after')).toBe('7');
    checkHost.setMode('status-500');
    expect((await getText(`${checkHost.baseUrl}/check-http?host=shop.example`)).status).toBe(500);
    checkHost.setMode('ok');
    expect((await startCheck(checkHost.baseUrl, 'host=shop.example')).body.ok).toBe(1);
    expect(checkHost.checksStarted()).toHaveLength(4);
  });

  it('hang never answers: the client times out, and close() ends the connection promptly', async () => {
    const kuma = await track(startUptimeKuma({ mode: 'hang' }));
    const aborted = fetch(`${kuma.baseUrl}/api/status-page/heartbeat/default`, { signal: AbortSignal.timeout(300) });
    await expect(aborted).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(kuma.requests).toHaveLength(1);

    const { done } = rawGet(kuma.port, '/api/status-page/heartbeat/default');
    await kuma.waitForRequests('/api/status-page/heartbeat/default', 2, { timeoutMs: 2_000 });
    const before = Date.now();
    await kuma.close();
    expect(Date.now() - before).toBeLessThan(1_000);
    await expect(done).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it('drip sends headers, then one byte every 500 ms, until the client gives up or close()', async () => {
    const gatus = await track(startGatus({ mode: 'drip' }));
    const response = await fetch(`${gatus.baseUrl}/api/v1/endpoints/statuses`, { signal: AbortSignal.timeout(1_200) });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const received: number[] = [];
    const failure = await (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return 'ended';
          received.push(...value);
        }
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toMatchObject({ name: 'TimeoutError' });
    // Bytes at ~0, 500 and 1000 ms within a 1200 ms budget.
    expect(received.length).toBeGreaterThanOrEqual(2);
    expect(received.length).toBeLessThanOrEqual(4);
    expect(String.fromCharCode(...received).startsWith('[{')).toBe(true);

    const { done, gotHeaders } = rawGet(gatus.port, '/api/v1/endpoints/statuses');
    await gotHeaders;
    const before = Date.now();
    await gatus.close();
    expect(Date.now() - before).toBeLessThan(1_000);
    const result = await done;
    expect(result.status).toBe(200);
    expect(result.complete).toBe(false);
  });

  it('setResponseDelay slows answers down without changing them', async () => {
    const cloudflare = await track(startCloudflareStatus());
    cloudflare.setResponseDelay(200);
    const before = Date.now();
    const { body } = await getJson(`${cloudflare.baseUrl}/api/v2/status.json`);
    expect(Date.now() - before).toBeGreaterThanOrEqual(190);
    expect(body.status.indicator).toBe('none');
  });
});

describe('lifecycle', () => {
  it('stopAll closes every stand-in (skipping undefined); closed ports refuse connections', async () => {
    const checkHost = await startCheckHost();
    const kuma = await startUptimeKuma();
    await stopAll(checkHost, undefined, kuma);
    await expect(fetch(`${checkHost.baseUrl}/nodes/hosts`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
    await expect(fetch(`${kuma.baseUrl}/api/status-page/heartbeat/default`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
    await kuma.close(); // idempotent
  });

  it('waitForRequests resolves once the requests arrived; clearRequests empties the log', async () => {
    const page = await track(startStatusPage({ vendor: 'instatus' }));
    const waiting = page.waitForRequests('/summary.json', 2, { timeoutMs: 2_000 });
    await getText(`${page.baseUrl}/summary.json`);
    await getText(`${page.baseUrl}/summary.json`);
    expect(await waiting).toHaveLength(2);
    page.clearRequests();
    expect(page.requests).toHaveLength(0);
    await expect(page.waitForRequests('/summary.json', 1, { timeoutMs: 100 })).rejects.toThrow(/Timed out/);
  });
});

describe('Globalping stand-in, against the real answers in test/fixtures/globalping', () => {
  const fixture = (name: string) =>
    JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../fixtures/globalping', name), 'utf8')) as { status: number; headers?: Record<string, string>; body: any };
  const post = (base: string, body: unknown) =>
    fetch(`${base}/v1/measurements`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(5_000) });
  const request = (target: string, limit = 5) => ({
    type: 'http',
    target,
    locations: [{ magic: 'world' }],
    limit,
    measurementOptions: { request: { method: 'HEAD', path: '/' }, protocol: 'HTTPS', port: 443 },
  });
  const keys = (x: object) => Object.keys(x).sort();

  it('creates like the real API: 202, the same keys, Location and rate-limit headers', async () => {
    const gp = await track(startGlobalping({ probes: globalpingProbes(502, 5) }));
    const res = await post(gp.baseUrl, request('shop.example.com'));
    const body = (await res.json()) as { id: string; probesCount: number };
    const real = fixture('spec-create-202.json');
    expect(res.status).toBe(real.status);
    expect(keys(body)).toEqual(keys(real.body));
    expect(body.probesCount).toBe(5);
    expect(res.headers.get('location')).toBe(`${gp.baseUrl}/v1/measurements/${body.id}`);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('245');
    expect(readCreated(body)).toEqual(body);
    expect(gp.targets()).toEqual(['shop.example.com']);
  });

  it('is in progress until the probes report, then finished with the real result keys; the reader reads it', async () => {
    const gp = await track(startGlobalping({ probes: globalpingProbes(502, 5), delayResultsMs: 400 }));
    const { id } = (await (await post(gp.baseUrl, request('shop.example.com'))).json()) as { id: string };
    const first = await getJson(`${gp.baseUrl}/v1/measurements/${id}`);
    expect(first.body.status).toBe('in-progress');
    expect(first.body.results.every((r: any) => r.result.status === 'in-progress')).toBe(true);
    const done = await waitFor(async () => {
      const r = await getJson(`${gp.baseUrl}/v1/measurements/${id}`);
      return r.body.status === 'finished' ? r.body : undefined;
    }, { timeoutMs: 5_000, intervalMs: 600 });
    const real = fixture('spec-http-finished-200.json').body;
    expect(keys(done).filter((k) => k in real)).toEqual(keys(real));
    expect(keys(done.results[0].result)).toEqual(keys(real.results[0].result));
    for (const k of Object.keys(real.results[0].probe)) expect(done.results[0].probe).toHaveProperty(k);
    const report = readMeasurement(done, 0);
    expect(report).toMatchObject({ verdict: 'down-for-everyone', locations: { down: 5, up: 0, reported: 5, asked: 5 }, addresses: ['203.0.113.10'] });
  });

  it('refuses a private target with 400 like the real server, and nothing starts', async () => {
    const gp = await track(startGlobalping());
    for (const target of ['10.0.0.5', '127.0.0.1', '::1', 'localhost', '192.168.1.1']) {
      const res = await post(gp.baseUrl, request(target));
      expect(res.status, target).toBe(400);
      const body = await res.json();
      expect(body.error).toEqual(fixture('constructed-create-400-private-target.json').body.error);
    }
    expect(gp.measurements()).toHaveLength(0);
  });

  it('answers 429 rate_limit_exceeded with X-RateLimit-Reset (no Retry-After) once the hour is used up', async () => {
    const gp = await track(startGlobalping({ testsLeft: 4 }));
    const res = await post(gp.baseUrl, request('shop.example.com', 5));
    const real = fixture('spec-create-429-rate-limit.json');
    expect(res.status).toBe(429);
    expect((await res.json()).error).toEqual(real.body.error);
    expect(res.headers.get('x-ratelimit-reset')).toBe(real.headers!['x-ratelimit-reset']);
    expect(res.headers.get('retry-after')).toBeNull();
  });

  it('404s an unknown measurement and 429s a poll faster than twice a second, with Retry-After', async () => {
    const gp = await track(startGlobalping());
    const missing = await getJson(`${gp.baseUrl}/v1/measurements/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.type).toBe(fixture('spec-get-404.json').body.error.type);
    const { id } = (await (await post(gp.baseUrl, request('shop.example.com'))).json()) as { id: string };
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await getJson(`${gp.baseUrl}/v1/measurements/${id}`));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
    expect(answers[2]!.body.error.type).toBe(fixture('spec-get-429-too-many.json').body.error.type);
    expect(answers[2]!.response.headers.get('retry-after')).toBe('1');
  });

  it('reports no connection as a failed result without a status, which the reader counts as down', async () => {
    const gp = await track(startGlobalping({ probes: globalpingProbes('refused', 3) }));
    const { id } = (await (await post(gp.baseUrl, request('shop.example.com', 3))).json()) as { id: string };
    const done = await getJson(`${gp.baseUrl}/v1/measurements/${id}`);
    expect(done.body.status).toBe('finished');
    expect(readMeasurement(done.body, 0)).toMatchObject({ verdict: 'down-for-everyone', evidence: { key: 'evidenceLocationsNoConnection' } });
  });
});
