/**
 * Gatus endpoint statuses as Gatus itself serialises them (test/fixtures/gatus/, sources in SOURCES.md) through the
 * real provider: only endpoints about the host count, the latest result of each.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/settings/settings';
import type { ProviderContext } from '../../src/status/provider';
import { customEndpointProvider } from '../../src/status/providers/custom-endpoint';
import cases from '../fixtures/gatus/cases.json';

const DIR = join(__dirname, '../fixtures/gatus');

describe('Gatus endpoint statuses', () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const json: unknown = JSON.parse(readFileSync(join(DIR, c.file), 'utf8'));
    const ctx: ProviderContext = {
      http: { getJson: async () => ({ ok: true, status: 200, json }), postJson: async () => ({ ok: false, reason: { code: 'http-error', detail: 'no POST here' } }) },
      now: () => 0,
      sleep: async () => undefined,
      signal: new AbortController().signal,
      settings: { ...DEFAULT_SETTINGS, customEndpoint: { template: 'https://gatus.example/api/v1/endpoints/statuses', format: 'gatus' } },
      statusPages: { get: () => undefined, remember: () => undefined },
    };
    const { report } = await customEndpointProvider.check({ host: c.host, origin: `https://${c.host}`, code: 502 }, ctx);
    expect(report.verdict).toBe(c.careful);
  });
});
