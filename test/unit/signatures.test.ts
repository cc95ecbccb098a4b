/**
 * The signature table and its matcher: the table's own consistency, the precedence rules of issue 12, the parties
 * with no public capture (constructed cases, named as such), and hostile header input.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readGatewayHeaders, readHeaderView, storedHeaderView, type HeaderLike } from '../../src/gateway/headers';
import { SIGNATURES, matchChallenge, matchParty } from '../../src/gateway/signatures';
import { isSiteSide, whoAnswered } from '../../src/gateway/who-answered';
import { classifyCompletion } from '../../src/recovery/classify';
import { clipWords } from '../../src/shared/text';

const h = (pairs: Record<string, string>): HeaderLike[] => Object.entries(pairs).map(([name, value]) => ({ name, value }));
const read = (code: number, pairs: Record<string, string>) => {
  const { challenge, ...gateway } = readGatewayHeaders(h(pairs), code);
  return { challenge, gateway, reading: whoAnswered(code, gateway) };
};

describe('the signature table', () => {
  it('has unique ids a stored incident can keep', () => {
    const ids = SIGNATURES.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9-]{1,40}$/);
  });

  it('names every party for people, except the generic Proxy-Agent entry, and says where each rule comes from', () => {
    for (const s of SIGNATURES) {
      expect(s.label === '', s.id).toBe(s.id === 'proxy-agent');
      expect(s.source.length, s.id).toBeGreaterThan(10);
      expect(s.identify.length, s.id).toBeGreaterThan(0);
      for (const t of s.identify) expect(t.name, s.id).toBe(t.name.toLowerCase());
    }
  });

  it('gives every proxy an own-error signature, and no one else', () => {
    for (const s of SIGNATURES) expect(s.ownError !== undefined, s.id).toBe(s.side === 'user-proxy');
  });

  it('lets only hosts and gateways name an edge they answer through, and only an edge of the table', () => {
    const edges = SIGNATURES.filter((s) => s.side === 'site-edge').map((s) => s.id);
    for (const s of SIGNATURES) {
      if (s.servedThrough === undefined) continue;
      expect(['site-host', 'site-gateway'], s.id).toContain(s.side);
      for (const id of s.servedThrough) expect(edges, s.id).toContain(id);
    }
  });

  it('bases "the origin failed" only on headers an incident stores, so a stored incident reads the same', () => {
    const stored = ['server', 'via', 'cf-ray', 'x-cache'];
    for (const s of SIGNATURES) for (const t of s.originFailed?.when ?? []) expect(stored, s.id).toContain(t.name);
  });
});

describe('precedence (issue 12)', () => {
  it("a proxy's own error wins over everything, even a known edge's headers", () => {
    const r = read(502, { server: 'squid/5.5', 'x-squid-error': 'ERR_CONNECT_FAIL 111', 'cf-ray': '8a-LHR', via: '1.1 google' });
    expect(r.reading.hint).toBe('user-proxy');
    expect(r.gateway).toMatchObject({ party: 'squid', ownError: 'ERR_CONNECT_FAIL 111' });
  });

  it('a known edge wins over a bare Server (the origin\'s Server passed through the CDN)', () => {
    expect(read(502, { server: 'nginx', 'x-amz-cf-id': 'abc==' }).reading.party?.id).toBe('cloudfront');
    expect(read(502, { server: 'gunicorn', via: '1.1 google' }).reading.hint).toBe('site-edge');
  });

  it('a proxy seen only in Via passed the answer on: the edge behind it decides, else it cannot tell', () => {
    expect(read(503, { via: '1.1 proxy.corp (squid/4.1)', 'cf-ray': '8a-LHR' }).reading.party?.id).toBe('cloudflare');
    const only = read(503, { via: '1.1 proxy.corp (squid/4.1)' });
    expect(only.reading.hint).toBeUndefined();
    expect(only.reading.evidence.key).toBe('evidenceCannotTell');
  });

  it('Via alone is never "your proxy"', () => {
    for (const via of ['1.1 varnish', '1.1 proxy.corp.example', '2 edge-42', 'HTTP/1.1 something']) {
      expect(read(502, { via }).reading.hint, via).toBeUndefined();
    }
  });

  it('labels are whole words: a long Via is cut at a space, with an ellipsis', () => {
    const via = '1.1 0123456789abcdef0123456789abcdef.example-cdn.net (ExampleCDN), 1.1 another-hop.example.net (Other)';
    const subs = read(502, { via }).reading.evidence.subs!;
    expect(subs[0]!.endsWith('…')).toBe(true);
    expect(via.startsWith(subs[0]!.slice(0, -1))).toBe(true);
    expect(via[subs[0]!.length - 1]).toBe(' ');
    expect(clipWords('short')).toBe('short');
  });
});

describe('parties without a public capture (constructed from their documentation; not counted as real)', () => {
  it.each([
    [502, { 'x-vercel-id': 'fra1::abcde-1700000000000-0123456789ab', 'x-vercel-error': 'NO_RESPONSE_FROM_FUNCTION', server: 'Vercel' }, 'vercel', 'site-gateway', 'fra1::abcde-1700000000000-0123456789ab'],
    [502, { 'x-nf-request-id': '01HV0000000000000000000000', server: 'Netlify' }, 'netlify', 'site-gateway', '01HV0000000000000000000000'],
    [502, { 'fly-request-id': '01J0000000000000-ams', server: 'Fly/1a2b3c (2024-01-01)', via: '1.1 fly.io' }, 'fly', 'site-gateway', '01J0000000000000-ams'],
    [503, { via: '1.1 vegur', server: 'Cowboy', 'x-request-id': 'c9c5cfcd-8dd6-4900-8efa-133e2baf7300' }, 'heroku', 'site-gateway', 'c9c5cfcd-8dd6-4900-8efa-133e2baf7300'],
    [503, { 'x-azure-ref': '0abcDEF', 'x-cache': 'CONFIG_NOCACHE' }, 'azure-front-door', 'site-edge', '0abcDEF'],
    [502, { server: 'Caddy' }, 'caddy', 'site-gateway', undefined],
    [503, { server: 'Apache/2.4.57 (Debian)' }, 'apache', 'site-gateway', undefined],
    [503, { server: 'envoy' }, 'envoy', 'site-gateway', undefined],
    // Constructed from tonecapon3/stock-ticker-v2 BACKEND_WAKE_UP_GUIDE.md ("HTTP/2 503 / x-render-routing:
    // dynamic-hibernate-error-503") and a published probe of a sleeping Render service (503, rndr-id,
    // x-render-routing: hibernate-wake-error, Server: cloudflare): Render's router answered, not Cloudflare.
    [503, { 'rndr-id': '251835f2-2a4d-4591', 'x-render-routing': 'hibernate-wake-error', server: 'cloudflare' }, 'render', 'site-gateway', '251835f2-2a4d-4591'],
    [503, { 'x-render-routing': 'dynamic-hibernate-error-503' }, 'render', 'site-gateway', undefined],
    [502, { server: 'GitHub.com', 'x-github-request-id': 'B91F1124:2087:150FB42A:5717F047' }, 'github-pages', 'site-gateway', 'B91F1124:2087:150FB42A:5717F047'],
    [502, { server: 'AkamaiGHost', 'akamai-grn': '0.1a2b3c4d.1700000000.5e6f7a8b' }, 'akamai', 'cdn-origin-failed', '0.1a2b3c4d.1700000000.5e6f7a8b'],
    [503, { 'x-iinfo': '10-17146307-17146311 NNNN CT(34 109 0) RT(1757107886206 68) q(0 0 2 0) r(2 2) U6', 'x-cdn': 'Imperva' }, 'imperva', 'site-edge', undefined],
    [502, { server: 'Zscaler/6.2' }, 'zscaler', 'user-proxy', undefined],
    [502, { server: 'mitmproxy 10.1.5' }, 'mitmproxy', 'user-proxy', undefined],
    [503, { 'proxy-agent': 'Privoxy 3.0.34' }, 'privoxy', 'user-proxy', undefined],
    [502, { 'proxy-agent': 'ExampleProxy/1.0' }, 'proxy-agent', 'user-proxy', undefined],
  ] as const)('%i %o → %s, %s', (code, pairs, party, hint, requestId) => {
    const r = read(code, pairs);
    expect(r.reading.party?.id).toBe(party);
    expect(r.reading.hint).toBe(hint);
    if (requestId !== undefined) expect(r.gateway.requestId).toBe(requestId);
  });

  it('a host served through an edge is named only when its own headers are there: Cloudflare alone stays Cloudflare', () => {
    expect(read(503, { server: 'cloudflare', 'cf-ray': '8a-LHR' }).reading.party?.id).toBe('cloudflare');
    const r = read(502, { server: 'cloudflare', 'cf-ray': '8a-LHR', 'rndr-id': 'ab12-cd34', 'x-render-origin-server': 'gunicorn' });
    expect(r.reading).toMatchObject({ hint: 'site-gateway', label: 'Render', party: { id: 'render', side: 'site-host' } });
    expect(r.gateway.requestId).toBe('ab12-cd34');
  });

  it('names a generic Proxy-Agent proxy by the header itself', () => {
    const r = read(502, { 'proxy-agent': 'ExampleProxy/1.0' });
    expect(r.reading.label).toBe('ExampleProxy/1.0');
    expect(r.reading.evidence).toEqual({ key: 'evidenceProxyError', subs: ['ExampleProxy/1.0', '502'] });
  });
});

describe('challenges: only what the signature says is a challenge', () => {
  const classify = (code: number, pairs: Record<string, string>) =>
    classifyCompletion({ url: 'https://site.example/', method: 'GET', statusCode: code, type: 'main_frame', tabId: 3, responseHeaders: h(pairs) }, { nowMs: 0 }).action;

  it('Jiasule: its 521 check is not an outage; a 502 behind Jiasule is', () => {
    expect(classify(521, { 'x-via-jsl': 'fdc330b,-', 'set-cookie': '__jsluid_s=9f07; max-age=31536000; path=/; HttpOnly' })).toBe('main-frame-answered');
    expect(classify(521, { 'x-via-jsl': 'fdc330b,-' })).toBe('main-frame-answered');
    expect(classify(521, { 'set-cookie': '__jsluid_h=9f07; path=/' })).toBe('main-frame-answered');
    expect(classify(502, { 'x-via-jsl': 'fdc330b,-', 'set-cookie': '__jsluid_s=9f07; path=/' })).toBe('gateway-error');
  });

  it('Sucuri: X-Sucuri-Block is a block page; an outage behind Sucuri (X-Sucuri-ID alone) is an outage', () => {
    expect(classify(503, { server: 'Sucuri/Cloudproxy', 'x-sucuri-id': '12013', 'x-sucuri-block': 'EVA079' })).toBe('main-frame-answered');
    expect(classify(502, { server: 'Sucuri/Cloudproxy', 'x-sucuri-id': '12013' })).toBe('gateway-error');
  });

  it('Imperva: its headers are on every answer, so they never make a challenge (microlinkhq/is-antibot#60)', () => {
    expect(classify(503, { 'x-iinfo': '21-162848-162850 NNYN CT(375 240 0)', 'x-cdn': 'Incapsula', 'set-cookie': 'visid_incap_1=abc' })).toBe('gateway-error');
  });

  it('DDoS-Guard: a 5xx behind it is an outage (its check answers 403)', () => {
    expect(classify(502, { server: 'ddos-guard' })).toBe('gateway-error');
    expect(matchChallenge(readHeaderView(h({ server: 'ddos-guard' })), 403)?.id).toBe('ddos-guard');
  });

  it('Cloudflare and Vercel mitigation headers', () => {
    expect(classify(503, { 'cf-mitigated': 'challenge', server: 'cloudflare' })).toBe('main-frame-answered');
    expect(classify(503, { 'cf-mitigated': 'block' })).toBe('gateway-error');
    expect(classify(502, { 'x-vercel-mitigated': 'challenge', 'x-vercel-id': 'x' })).toBe('main-frame-answered');
  });

  it('a challenge of a part of the page is ignored, never counted as a failed part', () => {
    const c = classifyCompletion(
      { url: 'https://site.example/app.js', method: 'GET', statusCode: 521, type: 'script', tabId: 3, responseHeaders: h({ 'x-via-jsl': 'a,-' }) },
      { nowMs: 0 },
    );
    expect(c).toEqual({ action: 'ignore', reason: 'challenge' });
  });
});

describe('hostile headers', () => {
  it('a header named __proto__, constructor or toString finds nothing and pollutes nothing', () => {
    const info = readGatewayHeaders([
      { name: '__proto__', value: 'squid' },
      { name: 'constructor', value: 'x' },
      { name: 'toString', value: 'y' },
      { name: 'hasOwnProperty', value: 'z' },
    ]);
    expect(info).toEqual({});
    expect(({} as Record<string, unknown>).squid).toBeUndefined();
    expect(matchParty(readHeaderView([{ name: '__proto__', value: 'cloudflare' }]))).toBeUndefined();
  });

  it('never throws and never keeps more than 200 characters per value, whatever the headers', () => {
    const header = fc.record({ name: fc.oneof(fc.constantFrom('server', 'via', 'x-squid-error', 'proxy-agent', 'set-cookie', 'x-via-jsl', 'cf-ray', 'x-amz-cf-id', '__proto__'), fc.string()), value: fc.oneof(fc.string({ maxLength: 600 }), fc.constant(undefined)) });
    fc.assert(
      fc.property(fc.array(header, { maxLength: 30 }), fc.integer({ min: 100, max: 599 }), (headers, code) => {
        const { challenge: _c, ...gateway } = readGatewayHeaders(headers as HeaderLike[], code);
        for (const v of Object.values(gateway)) expect((v as string).length).toBeLessThanOrEqual(200);
        const r = whoAnswered(code, gateway);
        expect(typeof r.evidence.key).toBe('string');
        expect(isSiteSide(r.hint) && r.hint === 'user-proxy').toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('reads an old stored entry (no party) and one from another version (an unknown party id) by its stored headers', () => {
    expect(whoAnswered(502, { server: 'cloudflare', cfRay: '8a' }).party?.id).toBe('cloudflare');
    expect(whoAnswered(502, { server: 'nginx', party: 'some-future-party' }).party?.id).toBe('nginx');
    expect(storedHeaderView({ server: ' ' }).size).toBe(0);
  });
});
