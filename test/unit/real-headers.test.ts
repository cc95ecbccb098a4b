/**
 * Real header captures (test/fixtures/headers, sources in SOURCES.md) through the real parser, reader and classifier:
 * who answered, which side of the failure that puts the fault on, the id kept for the site's support, and whether
 * the answer is acted on at all (a challenge or block page never opens an incident).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readGatewayHeaders, type HeaderLike } from '../../src/gateway/headers';
import { isSiteSide, whoAnswered } from '../../src/gateway/who-answered';
import { classifyCompletion } from '../../src/recovery/classify';

interface Capture {
  id: string;
  kind: 'gateway' | 'edge' | 'proxy' | 'challenge';
  /** False for issue 12's own cases, whose header values are stand-ins. */
  real: boolean;
  source: string;
  status: number;
  headers: [string, string][];
  expect: {
    /** The careful answer: the site's side, the user's side, can't tell, or a challenge (no outage at all). */
    side: 'site' | 'user' | 'unknown' | 'challenge';
    hint: string | null;
    party: string | null;
    label: string | null;
    action: 'gateway-error' | 'main-frame-answered';
    challenge?: string;
    requestId?: string;
    cfRay?: string;
    ownError?: string;
  };
  note: string;
}

const DIR = new URL('../fixtures/headers/', import.meta.url);
const captures: Capture[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as Capture);

function run(c: Capture) {
  const headers: HeaderLike[] = c.headers.map(([name, value]) => ({ name, value }));
  const { challenge, ...gateway } = readGatewayHeaders(headers, c.status);
  const reading = whoAnswered(c.status, gateway);
  const classification = classifyCompletion(
    { url: 'https://site.example/page', method: 'GET', statusCode: c.status, type: 'main_frame', tabId: 1, frameId: 0, responseHeaders: headers },
    { nowMs: Date.UTC(2026, 0, 1) },
  );
  return { challenge, gateway, reading, classification };
}

describe('real header captures', () => {
  it('has at least 30 real captures, each with a source', () => {
    expect(captures.filter((c) => c.real).length).toBeGreaterThanOrEqual(30);
    for (const c of captures) expect(c.source, c.id).not.toBe('');
  });

  it.each(captures.map((c) => [`${c.kind}/${c.id}`, c] as const))('%s', (_name, c) => {
    const { challenge, gateway, reading, classification } = run(c);
    const e = c.expect;
    expect(classification.action, 'acted on?').toBe(e.action);
    expect(challenge ?? null, 'challenge').toBe(e.challenge ?? null);
    expect(reading.hint ?? null, 'hint').toBe(e.hint);
    expect(reading.party?.id ?? null, 'party').toBe(e.party);
    expect(reading.label ?? null, 'label').toBe(e.label);
    if (e.requestId !== undefined) expect(gateway.requestId, 'request id').toBe(e.requestId);
    if (e.cfRay !== undefined) expect(gateway.cfRay, 'cf-ray').toBe(e.cfRay);
    if (e.ownError !== undefined) expect(gateway.ownError, 'own error').toBe(e.ownError);
    switch (e.side) {
      case 'site':
        expect(isSiteSide(reading.hint)).toBe(true);
        break;
      case 'user':
        expect(reading.hint).toBe('user-proxy');
        break;
      case 'unknown':
        expect(reading.hint).toBeUndefined();
        break;
      case 'challenge':
        // Not an outage: never an incident, whatever the status.
        expect(classification.action).not.toBe('gateway-error');
        break;
    }
  });

  it('keeps every stored value within the stored limits and free of control characters', () => {
    for (const c of captures) {
      for (const [name, value] of Object.entries(run(c).gateway)) {
        expect(typeof value, `${c.id} ${name}`).toBe('string');
        expect((value as string).length, `${c.id} ${name}`).toBeLessThanOrEqual(200);
        expect(value as string, `${c.id} ${name}`).not.toMatch(/[\u0000-\u001f\u007f]/);
      }
    }
  });

  it('reads an entry stored before the party was kept the same way, from its stored headers', () => {
    for (const c of captures) {
      const { gateway, reading } = run(c);
      // Proxies need their own error header, which is not stored without `ownError`: only edges and gateways re-match.
      if (reading.party === undefined || reading.party.side === 'user-proxy') continue;
      const { party: _party, ...legacy } = gateway;
      const again = whoAnswered(c.status, legacy);
      // A party seen only in headers that are not stored (x-envoy-*, X-Sucuri-ID, Req-ID) is not found again;
      // whatever is found must not contradict the side.
      if (again.party !== undefined) expect(isSiteSide(again.hint), c.id).toBe(isSiteSide(reading.hint));
    }
  });
});
