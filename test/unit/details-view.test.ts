/**
 * The details view for the site's operator: the incident keeps its latest error's headers and timings (the machine),
 * they read back from storage (old entries without them too; an unreadable value drops the field, not the incident),
 * never reach the history on disk nor outlive the private windows, and the view model says what the popup shows.
 */
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { describe, expect, it, vi } from 'vitest';
import { createMachineSim } from './machine-sim';
import { shopIncident } from './incident-fixture';
import { strictT } from '../locale';
import type { Incident, RecoveryEvent, TabEntry } from '../../src/recovery/incident-machine';
import { parseRecoveryState } from '../../src/recovery/read-state';
import { INCIDENT, withoutPrivate } from '../../src/recovery/state-schema';
import { readErrorResponse, type ErrorResponse } from '../../src/recovery/error-response';
import { entryOf } from '../../src/history/history';
import { buildIncidentView } from '../../src/view/incident-view';
import { buildDetailsView, type DetailsView } from '../../src/view/details-view';

const NOW = Date.UTC(2026, 11, 7, 14, 0, 0);
const render = (x: { key: string; subs?: readonly string[] }) => strictT(x.key, x.subs);

/** nginx's real 502 as Chromium reports it through webRequest (the lab's gateway, `test/lab/gateway.ts`). */
const NGINX_502 = [
  { name: 'Server', value: 'nginx/1.22.1' },
  { name: 'Date', value: 'Mon, 07 Dec 2026 14:00:00 GMT' },
  { name: 'Content-Type', value: 'text/html' },
  { name: 'Content-Length', value: '157' },
  { name: 'Connection', value: 'keep-alive' },
  { name: 'Set-Cookie', value: 'sid=s3cret; Path=/; HttpOnly' },
];

function response(headers: unknown = NGINX_502, timings = { requestAt: NOW - 40, headersAt: NOW - 12.4, completedAt: NOW }): ErrorResponse {
  return readErrorResponse({ timeStamp: timings.completedAt, responseHeaders: headers }, timings)!;
}

const error = (overrides: Partial<Extract<RecoveryEvent, { type: 'gateway-error' }>> = {}): RecoveryEvent => ({
  type: 'gateway-error',
  tabId: 1,
  url: 'https://shop.example.com/cart',
  method: 'GET',
  code: 502,
  gateway: { server: 'nginx/1.22.1' },
  connection: { ip: '203.0.113.7' },
  response: response(),
  ...overrides,
});

describe('the incident keeps its latest error response', () => {
  it('opens with the error\'s headers and timings; a retry\'s error replaces them; an outcome without webRequest does not', () => {
    const sim = createMachineSim({ start: NOW });
    sim.send(error());
    expect(sim.incident().response?.headers.list.map((h) => h.name)).toEqual(['Server', 'Date', 'Content-Type', 'Content-Length', 'Connection']);
    expect(sim.incident().response?.headers.withheld).toEqual(['set-cookie']);
    sim.wake();
    const later = response([{ name: 'Server', value: 'nginx/1.22.1' }, { name: 'Retry-After', value: '30' }], { requestAt: NOW + 900, headersAt: NOW + 950, completedAt: NOW + 960 });
    sim.send(error({ response: later }));
    expect(sim.incident().response).toEqual(later);
    const { response: _none, ...withoutResponse } = error() as Extract<RecoveryEvent, { type: 'gateway-error' }>;
    sim.send(withoutResponse);
    expect(sim.incident().response).toEqual(later);
  });

  it('logs each gateway error with its time and code, a probe\'s marked, at most the latest 12', () => {
    const sim = createMachineSim({ start: NOW, policy: { maxVisibleRetries: 1 } });
    sim.send(error());
    expect(sim.incident().errors).toEqual([{ at: NOW, code: 502 }]);
    sim.wake();
    sim.send(error({ code: 504 }));
    expect(sim.incident().errors?.map((e) => e.code)).toEqual([502, 504]);
    // Visible retries used up: watch mode probes in the background.
    sim.wake();
    const probe = sim.all.filter((e) => e.type === 'probe').at(-1);
    expect(probe).toBeDefined();
    sim.send({ type: 'probe-result', incidentId: sim.incident().id, outcome: { kind: 'gateway-error', code: 503 } });
    expect(sim.incident().errors?.at(-1)).toEqual({ at: sim.now, code: 503, probe: true });
    for (let i = 0; i < 20; i++) {
      sim.advance(1_000);
      sim.send(error({ tabId: 2 + i }));
    }
    expect(sim.incident().errors).toHaveLength(12);
    expect(sim.incident().errors?.at(-1)).toEqual({ at: sim.now, code: 502 });
  });

  it('a form\'s failed answer keeps its response too', () => {
    const sim = createMachineSim({ start: NOW });
    sim.send(error({ method: 'POST' }));
    expect(sim.incident().phase).toBe('not-retried');
    expect(sim.incident().response?.headers.list).toHaveLength(5);
  });

  it('reads back from storage; an older entry without it still reads; an unreadable one loses the field only', () => {
    const sim = createMachineSim({ start: NOW });
    sim.send(error());
    const stored = JSON.parse(JSON.stringify(sim.state)) as { incidents: Record<string, unknown>[] };
    const log = { warn: vi.fn() };
    expect(parseRecoveryState(stored, log)).toEqual(sim.state);
    const { response: _r, ...older } = stored.incidents[0]!;
    expect(v.safeParse(INCIDENT, older).success).toBe(true);
    const hostile = { ...stored.incidents[0]!, response: { headers: { list: [{ name: 'Set-Cookie', value: 'sid=1' }] } } };
    const read = parseRecoveryState({ ...stored, incidents: [hostile] }, log);
    expect(read.incidents).toHaveLength(1);
    expect(read.incidents[0]!.response).toBeUndefined();
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('never reaches the history on disk, and goes with the last private window', () => {
    const incident = shopIncident(NOW, { response: response(), phase: 'recovered', endedAt: NOW, nextAt: null });
    const entry = JSON.stringify(entryOf(incident, NOW));
    for (const secret of ['Content-Length', 'keep-alive', 'set-cookie', String(NOW - 40)]) expect(entry).not.toContain(secret);
    const sim = createMachineSim({ start: NOW });
    sim.send(error({ incognito: true }));
    expect(sim.incident().response).toBeDefined();
    expect(JSON.stringify(withoutPrivate(sim.state))).not.toContain('Content-Length');
  });
});

function details(overrides: Partial<Incident> = {}, browser: 'chromium' | 'firefox' | null = 'chromium'): DetailsView {
  return buildDetailsView(shopIncident(NOW, { response: response(), connection: { ip: '203.0.113.7' }, ...overrides }), browser, render);
}
const factsOf = (d: DetailsView) => Object.fromEntries(d.facts.map((f) => [f.id, `${render(f.label)}: ${f.value}`]));

describe('the details view model', () => {
  it('nginx\'s 502: status, server address, timings in ms, tries, the raw headers, the cookie withheld, a curl command', () => {
    const d = details();
    expect(factsOf(d)).toEqual({
      status: 'Answer: 502 Bad Gateway',
      address: 'Server address: 203.0.113.7',
      proxy: 'Proxy: not reported by this browser',
      'error-at': 'Error received (UTC): 2026-12-07T14:00:00Z',
      'headers-after': 'Response headers after: 28 ms',
      'completed-after': 'Completed after: 40 ms',
      'first-seen': 'First seen (UTC): 2026-12-07T13:55:00Z',
      tries: 'Tries: reloads 5, background checks 3',
    });
    expect(d.headers[0]).toEqual({ name: 'Server', value: 'nginx/1.22.1' });
    expect(d.headerNotes.map(render)).toEqual(['Not shown, because they carry cookies or credentials: Set-Cookie.']);
    expect(d.curl).toBe(
      "curl -sS -D - -o /dev/null --globoff -H 'Cache-Control: no-cache' --resolve 'shop.example.com:443:203.0.113.7' 'https://shop.example.com/cart'",
    );
    expect(JSON.stringify(d)).not.toContain('s3cret');
  });

  it('the errors seen: UTC to the ms, a background check\'s said so', () => {
    const d = details({ errors: [{ at: NOW, code: 502 }, { at: NOW + 1_250, code: 502 }, { at: NOW + 61_000, code: 503, probe: true }] });
    expect(factsOf(d).errors).toBe('Gateway errors seen (UTC): 14:00:00.000Z 502\n14:00:01.250Z 502\n14:01:01.000Z 503 (background check)');
  });

  it('a stored time no Date can hold reads as "?", never throws', () => {
    const d = details({ startedAt: 2 ** 60, errors: [] });
    expect(factsOf(d)['first-seen']).toBe('First seen (UTC): ?');
  });

  it('a proxy: Firefox names it and the address is the proxy\'s; a proxy\'s own error page says so; Firefox without one says none', () => {
    const proxied = factsOf(details({ connection: { ip: '10.0.0.3', proxy: { type: 'http', host: 'proxy.corp', port: 3128 } } }, 'firefox'));
    expect(proxied.address).toBe("Address reached (a proxy's): 10.0.0.3");
    expect(proxied.proxy).toBe('Proxy: http proxy.corp:3128');
    // Through a proxy the command asks DNS, not the proxy's address.
    expect(details({ connection: { ip: '10.0.0.3', proxy: { type: 'http' } } }, 'firefox').curl).not.toContain('--resolve');
    const squid = factsOf(details({ gateway: { server: 'squid/4.15', ownError: 'ERR_ZERO_SIZE_OBJECT 0', party: 'squid' } }));
    expect(squid.proxy).toBe('Proxy: yes: a proxy answered with its own error page');
    expect(factsOf(details({}, 'firefox')).proxy).toBe('Proxy: none: a direct connection');
  });

  it('an incident stored before this version: no headers, no timings, no address, said so', () => {
    const d = buildDetailsView(shopIncident(NOW), null, render);
    expect(factsOf(d).address).toBe('Server address: not reported (perhaps an answer from the cache)');
    expect(factsOf(d).timings).toBe('Timings: not measured for this error');
    expect(d.headers).toEqual([]);
    expect(d.headerNotes.map(render)).toEqual(['The browser reported no headers for this error.']);
    expect(d.curl).not.toBeNull();
  });

  it('the start not seen (a restarted worker): the time after the headers only; headers left out are counted', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ name: `X-H${i}`, value: String(i) }));
    const d = details({ response: response(many, { headersAt: NOW - 5, completedAt: NOW } as never) });
    expect(factsOf(d)['completed-after']).toBe('Completed after the headers: 5 ms');
    expect(factsOf(d)['headers-after']).toBeUndefined();
    expect(d.headerNotes.map(render)).toEqual(['Not kept (too many, or unreadable): 8 more.']);
  });

  it('a form (POST): the command asks with GET, and says the form\'s data is not in it', () => {
    const d = details({ method: 'POST', phase: 'not-retried', notRetriedReason: 'non-get', endedAt: NOW, nextAt: null });
    expect(d.curl).toMatch(/^curl -sS /);
    expect(d.curl).not.toMatch(/-X|--data|-d |POST/);
    expect(d.curlNotes.map(render)[1]).toBe(
      'The form\'s data is not included: the command asks for the page with GET instead of POST, so the site may answer differently than it did to the form.',
    );
  });

  it('is part of the one view, in German too', () => {
    const tab = { tabId: 1, incidentId: 'incident-1', url: 'https://shop.example.com/cart', status: 'waiting', since: NOW } as TabEntry;
    const de = JSON.parse(readFileSync(new URL('../../public/_locales/de/messages.json', import.meta.url), 'utf8')) as Record<string, { message: string }>;
    const renderDe = (x: { key: string; subs?: readonly string[] }) => (x.subs ?? []).reduce((m, s, i) => m.replaceAll(`$${i + 1}`, s), de[x.key]!.message);
    const view = buildIncidentView({ incident: shopIncident(NOW, { response: response() }), tab, now: NOW, maxVisibleRetries: 5, check: null, siteDomain: 'example.com', browser: null }, renderDe);
    expect(view.details.facts.find((f) => f.id === 'completed-after')).toMatchObject({ value: '40 ms' });
    expect(renderDe(view.details.facts.find((f) => f.id === 'completed-after')!.label)).toBe('Abgeschlossen nach');
  });
});
