/**
 * Real Globalping answers (`test/fixtures/globalping/`, sources in its SOURCES.md) through the real reader and the real
 * pinned HTTP client, against the answer a careful person gives.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/settings/settings';
import { createHttpClient } from '../../src/status/http';
import type { ProviderContext } from '../../src/status/provider';
import { globalpingProvider, readCreated, readMeasurement, readProbe } from '../../src/status/providers/globalping';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/globalping');
const T = 1_700_000_000_000;
const BASE = 'https://api.globalping.io';

interface Capture {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: unknown;
}

function load<X = Capture>(name: string): X {
  return JSON.parse(readFileSync(join(DIR, name), 'utf8')) as X;
}

function respond(c: Capture): Response {
  return new Response(JSON.stringify(c.body), { status: c.status, headers: { 'content-type': 'application/json', ...c.headers } });
}

/** Runs the provider with the real HTTP client over a fetch that answers the create and the polls from captures. */
async function run(create: Capture, poll?: Capture) {
  const seen: { method: string; url: string; redirect?: RequestRedirect }[] = [];
  let now = T;
  const http = createHttpClient({
    now: () => now,
    fetch: async (url, init) => {
      seen.push({ method: init.method ?? 'GET', url, ...(init.redirect !== undefined ? { redirect: init.redirect } : {}) });
      return respond(init.method === 'POST' ? create : (poll ?? create));
    },
  });
  const ctx: ProviderContext = {
    http,
    now: () => now,
    sleep: async (ms) => void (now += ms),
    signal: new AbortController().signal,
    settings: DEFAULT_SETTINGS,
    statusPages: { get: () => undefined, remember: () => undefined },
  };
  const outcome = await globalpingProvider.check({ host: 'cdn.jsdelivr.net', origin: 'https://cdn.jsdelivr.net' }, ctx);
  return { ...outcome, seen };
}

describe('Globalping captures: the readers', () => {
  it('spec-create-202: the id to poll and the probes assigned', () => {
    expect(readCreated(load('spec-create-202.json').body)).toEqual({ id: 'PY5fMsREMmIq45VR', probesCount: 1 });
  });

  it('spec-http-finished-200: one probe loaded it; one place is not everyone; its address is kept', () => {
    const r = readMeasurement(load('spec-http-finished-200.json').body, T);
    expect(r.verdict).toBe('unknown');
    expect(r.reason?.code).toBe('too-few-locations');
    expect(r.locations).toEqual({ down: 0, up: 1, reported: 1, asked: 1 });
    expect(r.addresses).toEqual(['104.16.88.20']);
  });

  it('issue-346: a probe marked failed whose server answered is not "no connection"', () => {
    const r = readMeasurement(load('issue-346-failed-after-answer.json').body, T);
    expect(r.verdict).toBe('unknown');
    expect(r.locations?.down).toBe(0);
    expect(r.addresses).toEqual(['151.101.165.229']);
  });

  it('issue-cli-59: one failed result with the site headers: not counted, address kept', () => {
    expect(readProbe(load<unknown>('issue-cli-59-failed-result.json'))).toEqual({ outcome: null, address: '78.111.103.62' });
  });
});

describe('Globalping captures: the provider over the pinned HTTP client', () => {
  it('spec-create-202 then spec-http-finished-200: polls the configured base by id, never follows a redirect', async () => {
    const { report, seen } = await run(load('spec-create-202.json'), load('spec-http-finished-200.json'));
    expect(report.verdict).toBe('unknown');
    expect(report.addresses).toEqual(['104.16.88.20']);
    // The browser follows nothing by itself ('manual'); the client follows no redirect of a POST (status-http.test.ts).
    expect(seen[0]).toEqual({ method: 'POST', url: `${BASE}/v1/measurements`, redirect: 'manual' });
    expect(seen.every((s) => s.redirect === 'manual')).toBe(true);
    expect(seen.slice(1).every((s) => s.url === `${BASE}/v1/measurements/PY5fMsREMmIq45VR`)).toBe(true);
  });

  it('spec-create-400-validation: refused, can not tell, no hold', async () => {
    const { report, retryAfterMs } = await run(load('spec-create-400-validation.json'));
    expect(report.verdict).toBe('unknown');
    expect(report.reason?.code).toBe('http-error');
    expect(report.reason?.detail).toContain('validation_error');
    expect(retryAfterMs).toBeUndefined();
  });

  it('spec-create-422-no-probes: too few locations', async () => {
    const { report } = await run(load('spec-create-422-no-probes.json'));
    expect(report.verdict).toBe('unknown');
    expect(report.reason?.code).toBe('too-few-locations');
    expect(report.reason?.detail).toContain('no_probes_found');
  });

  it('spec-create-429-rate-limit: rate limited, held until X-RateLimit-Reset (an hour)', async () => {
    const { report, retryAfterMs } = await run(load('spec-create-429-rate-limit.json'));
    expect(report.verdict).toBe('unknown');
    expect(report.reason?.code).toBe('rate-limited');
    expect(report.reason?.detail).toContain('rate_limit_exceeded');
    expect(retryAfterMs).toBe(3_600_000);
  });

  it('spec-get-404: the measurement is gone, can not tell', async () => {
    const { report } = await run(load('spec-create-202.json'), load('spec-get-404.json'));
    expect(report.verdict).toBe('unknown');
    expect(report.reason?.code).toBe('http-error');
  });

  it('spec-get-429-too-many: polled too fast, held for its Retry-After', async () => {
    const { report, retryAfterMs } = await run(load('spec-create-202.json'), load('spec-get-429-too-many.json'));
    expect(report.verdict).toBe('unknown');
    expect(report.reason?.code).toBe('rate-limited');
    expect(retryAfterMs).toBe(4_000);
  });

  it('constructed (not counted as real): a private target is refused, and the log says why', async () => {
    const { report } = await run(load('constructed-create-400-private-target.json'));
    expect(report.verdict).toBe('unknown');
    expect(report.reason?.detail).toBe('validation_error: "target" must not be a private hostname');
  });
});
