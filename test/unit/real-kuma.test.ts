/**
 * Real Uptime Kuma answers (test/fixtures/kuma/, sources in SOURCES.md) through the real provider: the status page's
 * config names the host's monitors, and only their heartbeats count.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/settings/settings';
import type { HttpResult } from '../../src/status/http';
import type { ProviderContext } from '../../src/status/provider';
import { customEndpointProvider, kumaMonitorsOf } from '../../src/status/providers/custom-endpoint';
import cases from '../fixtures/kuma/cases.json';

const DIR = join(__dirname, '../fixtures/kuma');
const read = (file: string): unknown => JSON.parse(readFileSync(join(DIR, file), 'utf8'));

function ctxFor(c: (typeof cases)[number]): { ctx: ProviderContext; urls: string[] } {
  const urls: string[] = [];
  const answer = (url: string): HttpResult => {
    urls.push(url);
    if (url === 'https://kuma.example/api/status-page/page') return { ok: true, status: 200, json: read(c.page) };
    if (url === 'https://kuma.example/api/status-page/heartbeat/page' && c.heartbeat !== undefined) return { ok: true, status: 200, json: read(c.heartbeat) };
    return { ok: false, status: 404, reason: { code: 'http-error', detail: 'HTTP 404' } };
  };
  const ctx: ProviderContext = {
    http: { getJson: async (url) => answer(url), postJson: async () => ({ ok: false, reason: { code: 'http-error', detail: 'no POST here' } }) },
    now: () => 0,
    sleep: async () => undefined,
    signal: new AbortController().signal,
    settings: { ...DEFAULT_SETTINGS, customEndpoint: { template: 'https://kuma.example/status/page', format: 'uptime-kuma' } },
    statusPages: { get: () => undefined, remember: () => undefined },
  };
  return { ctx, urls };
}

describe('real Uptime Kuma status pages', () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    expect(kumaMonitorsOf(read(c.page), c.host)).toEqual({ ids: c.monitors });
    if (c.careful === undefined) return;
    const { ctx } = ctxFor(c);
    const { report } = await customEndpointProvider.check({ host: c.host, origin: `https://${c.host}`, code: 502 }, ctx);
    expect(report.verdict).toBe(c.careful);
  });
});
