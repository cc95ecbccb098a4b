import { describe, expect, it } from 'vitest';
import { DEFAULT_GATEWAY_CODES, MAX_URL_LENGTH, classifyCompletion, cleanHeaderValue, isSafeMethod, readGatewayHeaders, readMethod, type CompletedRequest, type HeaderLike } from '../../src/recovery/classify';

const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
const CHROME_SELF = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
const FIREFOX_SELF = 'moz-extension://0b0c6b2e-1f5a-4c7e-9a43-6d1f7f1e2a11';
const OPTIONS = { nowMs: NOW, ownOrigins: [CHROME_SELF, FIREFOX_SELF] };

function request(overrides: Partial<CompletedRequest> = {}): CompletedRequest {
  return {
    url: 'https://shop.example/cart?x=1',
    method: 'GET',
    statusCode: 502,
    type: 'main_frame',
    tabId: 7,
    frameId: 0,
    ...overrides,
  };
}

/** Casts deliberately malformed header lists past the type checker. */
function odd(headers: unknown): readonly HeaderLike[] {
  return headers as readonly HeaderLike[];
}

describe('classifyCompletion: gateway errors', () => {
  it('acts on a main-frame 502 GET with scope main-frame', () => {
    expect(classifyCompletion(request(), OPTIONS)).toEqual({
      action: 'gateway-error',
      scope: 'main-frame',
      tabId: 7,
      url: 'https://shop.example/cart?x=1',
      origin: 'https://shop.example',
      host: 'shop.example',
      method: 'GET',
      code: 502,
      gateway: {},
    });
  });

  it('has exactly the default codes 502, 503, 504 and 520-524', () => {
    expect([...DEFAULT_GATEWAY_CODES]).toEqual([502, 503, 504, 520, 521, 522, 523, 524]);
  });

  it.each([502, 503, 504, 520, 521, 522, 523, 524])('acts on main-frame %i by default', (code) => {
    const c = classifyCompletion(request({ statusCode: code }), { nowMs: NOW });
    expect(c).toMatchObject({ action: 'gateway-error', scope: 'main-frame', code, tabId: 7 });
  });

  it.each([200, 204, 301, 304, 403, 404, 429, 500, 501, 505, 525, 599])(
    'reports a main-frame %i as the site answering',
    (code) => {
      expect(classifyCompletion(request({ statusCode: code }), OPTIONS)).toEqual({
        action: 'main-frame-answered',
        tabId: 7,
        url: 'https://shop.example/cart?x=1',
        code,
      });
    },
  );

  it('reports a sub_frame 502 with scope sub-frame', () => {
    const c = classifyCompletion(request({ type: 'sub_frame', frameId: 3, url: 'https://widgets.example/w' }), OPTIONS);
    expect(c).toMatchObject({
      action: 'gateway-error',
      scope: 'sub-frame',
      url: 'https://widgets.example/w',
      origin: 'https://widgets.example',
      host: 'widgets.example',
      code: 502,
    });
  });

  it.each(['image', 'script', 'stylesheet', 'xmlhttprequest', 'font', 'other'])(
    'reports a %s 502 with scope sub-resource',
    (type) => {
      const c = classifyCompletion(request({ type, url: 'https://cdn.example/a.png' }), OPTIONS);
      expect(c).toMatchObject({ action: 'gateway-error', scope: 'sub-resource', host: 'cdn.example', code: 502 });
    },
  );

  it.each([200, 404, 500])('ignores a sub-resource %i as not a gateway error', (code) => {
    expect(classifyCompletion(request({ type: 'image', statusCode: code }), OPTIONS)).toEqual({
      action: 'ignore',
      reason: 'not-a-gateway-error',
    });
  });

  it('keeps the port in origin but not in host', () => {
    const c = classifyCompletion(request({ url: 'http://shop.example:8080/x' }), OPTIONS);
    expect(c).toMatchObject({ origin: 'http://shop.example:8080', host: 'shop.example' });
  });
});

describe('classifyCompletion: requests that are ignored', () => {
  it.each([-1, -2])('ignores tabId %i (not a tab)', (tabId) => {
    expect(classifyCompletion(request({ tabId }), OPTIONS)).toEqual({ action: 'ignore', reason: 'not-a-tab' });
  });

  it('ignores a non-number tabId', () => {
    const d = { ...request(), tabId: '7' } as unknown as CompletedRequest;
    expect(classifyCompletion(d, OPTIONS)).toEqual({ action: 'ignore', reason: 'not-a-tab' });
  });

  it('accepts tabId 0', () => {
    expect(classifyCompletion(request({ tabId: 0 }), OPTIONS)).toMatchObject({ action: 'gateway-error', tabId: 0 });
  });

  it.each([
    'file:///home/user/page.html',
    'about:blank',
    'chrome://settings/',
    'chrome-extension://abcdefghijklmnopabcdefghijklmnop/popup.html',
    'moz-extension://0b0c6b2e-1f5a-4c7e-9a43-6d1f7f1e2a11/popup.html',
    'ftp://files.example/x',
    'data:text/html,<p>502</p>',
    'javascript:void(0)',
    'ws://shop.example/socket',
    'not a url',
    '',
    'http://',
  ])('ignores the non-http URL %j', (url) => {
    expect(classifyCompletion(request({ url }), OPTIONS)).toEqual({ action: 'ignore', reason: 'not-http' });
  });

  it('ignores a missing URL', () => {
    const d = { ...request(), url: undefined } as unknown as CompletedRequest;
    expect(classifyCompletion(d, OPTIONS)).toEqual({ action: 'ignore', reason: 'not-http' });
  });

  it('ignores our own frame by Chrome initiator', () => {
    expect(classifyCompletion(request({ tabId: 3, type: 'sub_frame', initiator: CHROME_SELF }), OPTIONS)).toEqual({
      action: 'ignore',
      reason: 'own-request',
    });
  });

  it('ignores our own frame by Firefox originUrl', () => {
    const c = classifyCompletion(request({ type: 'sub_frame', originUrl: `${FIREFOX_SELF}/background.html` }), OPTIONS);
    expect(c).toEqual({ action: 'ignore', reason: 'own-request' });
  });

  // Firefox ESR 140 reports `originUrl: moz-extension://…/_generated_background_page.html` for a tab loaded through
  // `tabs.update` from the background (how a discarded tab is loaded again): it is still the tab's page and its outcome.
  it('keeps a main frame this extension navigated: its 502 and its 200 are the tab\'s', () => {
    const origin = { originUrl: `${FIREFOX_SELF}/_generated_background_page.html` };
    expect(classifyCompletion(request(origin), OPTIONS)).toMatchObject({ action: 'gateway-error' });
    expect(classifyCompletion(request({ ...origin, statusCode: 200 }), OPTIONS)).toMatchObject({ action: 'main-frame-answered', code: 200 });
    expect(classifyCompletion(request({ statusCode: 200, initiator: CHROME_SELF }), OPTIONS)).toMatchObject({ action: 'main-frame-answered' });
  });

  it('does not treat a page initiator or another extension as ours', () => {
    expect(classifyCompletion(request({ initiator: 'https://shop.example' }), OPTIONS)).toMatchObject({ action: 'gateway-error' });
    expect(
      classifyCompletion(request({ initiator: 'chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba' }), OPTIONS),
    ).toMatchObject({ action: 'gateway-error' });
    expect(
      classifyCompletion(request({ originUrl: 'moz-extension://11111111-2222-3333-4444-555555555555/x.html' }), OPTIONS),
    ).toMatchObject({ action: 'gateway-error' });
  });

  it('treats no request as ours when ownOrigins is not given', () => {
    expect(classifyCompletion(request({ initiator: CHROME_SELF }), { nowMs: NOW })).toMatchObject({ action: 'gateway-error' });
  });

  it("ignores a prerendered document (documentLifecycle 'prerender')", () => {
    expect(classifyCompletion(request({ documentLifecycle: 'prerender' }), OPTIONS)).toEqual({
      action: 'ignore',
      reason: 'prerender',
    });
  });

  it("acts on documentLifecycle 'active'", () => {
    expect(classifyCompletion(request({ documentLifecycle: 'active' }), OPTIONS)).toMatchObject({ action: 'gateway-error' });
  });
});

describe('classifyCompletion: Cloudflare challenges', () => {
  it.each(['challenge', 'Challenge', 'CHALLENGE', '  challenge  '])(
    'treats a main-frame 503 with cf-mitigated: %j as the site answering',
    (value) => {
      const c = classifyCompletion(
        request({ statusCode: 503, responseHeaders: [{ name: 'cf-mitigated', value }] }),
        OPTIONS,
      );
      expect(c).toEqual({ action: 'main-frame-answered', tabId: 7, url: 'https://shop.example/cart?x=1', code: 503, challenge: true });
    },
  );

  it('marks a main-frame 403 challenge as one (it ends an incident without proving the site back); a plain 403 is not', () => {
    const challenged = classifyCompletion(request({ statusCode: 403, responseHeaders: [{ name: 'cf-mitigated', value: 'challenge' }] }), OPTIONS);
    expect(challenged).toMatchObject({ action: 'main-frame-answered', code: 403, challenge: true });
    const plain = classifyCompletion(request({ statusCode: 403, responseHeaders: [{ name: 'server', value: 'cloudflare' }] }), OPTIONS);
    expect(plain).not.toHaveProperty('challenge');
  });

  it('reads the cf-mitigated header name in any case', () => {
    const c = classifyCompletion(request({ statusCode: 503, responseHeaders: [{ name: 'CF-Mitigated', value: 'challenge' }] }), OPTIONS);
    expect(c).toMatchObject({ action: 'main-frame-answered', code: 503 });
  });

  it('ignores a sub-resource challenge', () => {
    const c = classifyCompletion(
      request({ type: 'sub_frame', statusCode: 503, responseHeaders: [{ name: 'Cf-Mitigated', value: 'challenge' }] }),
      OPTIONS,
    );
    expect(c).toEqual({ action: 'ignore', reason: 'challenge' });
  });

  it('acts on a gateway error whose cf-mitigated is something else', () => {
    const c = classifyCompletion(request({ statusCode: 503, responseHeaders: [{ name: 'cf-mitigated', value: 'block' }] }), OPTIONS);
    expect(c).toMatchObject({ action: 'gateway-error', code: 503, gateway: {} });
  });

  it('does not put cf-mitigated into the gateway info', () => {
    const c = classifyCompletion(
      request({ responseHeaders: [{ name: 'cf-mitigated', value: 'block' }, { name: 'server', value: 'cloudflare' }] }),
      OPTIONS,
    );
    expect(c).toMatchObject({ action: 'gateway-error', gateway: { server: 'cloudflare', party: 'cloudflare' } });
    if (c.action === 'gateway-error') expect(Object.keys(c.gateway)).toEqual(['server', 'party']);
  });
});

describe('classifyCompletion: gateway headers', () => {
  it('reads every known header into the gateway info', () => {
    const c = classifyCompletion(
      request({
        responseHeaders: [
          { name: 'Server', value: 'nginx/1.27.0' },
          { name: 'Via', value: '1.1 varnish' },
          { name: 'CF-RAY', value: '8f1e2d3c4b5a6978-AMS' },
          { name: 'X-Request-Id', value: 'req-123' },
          { name: 'X-Cache', value: 'MISS' },
          { name: 'Retry-After', value: '30' },
          { name: 'Content-Type', value: 'text/html' },
        ],
      }),
      OPTIONS,
    );
    expect(c).toEqual({
      action: 'gateway-error',
      scope: 'main-frame',
      tabId: 7,
      url: 'https://shop.example/cart?x=1',
      origin: 'https://shop.example',
      host: 'shop.example',
      method: 'GET',
      code: 502,
      gateway: {
        server: 'nginx/1.27.0',
        via: '1.1 varnish',
        cfRay: '8f1e2d3c4b5a6978-AMS',
        requestId: 'req-123',
        xCache: 'MISS',
        retryAfter: '30',
        // A known edge (cf-ray) wins over a bare Server: the signature table.
        party: 'cloudflare',
      },
      retryAfterMs: 30_000,
    });
  });

  it.each([
    ['x-request-id', undefined],
    ['X-AMZ-CF-ID', 'cloudfront'],
    ['x-served-by', undefined],
    ['x-vercel-id', 'vercel'],
    ['x-azure-ref', 'azure-front-door'],
    ['x-nf-request-id', 'netlify'],
    ['fly-request-id', 'fly'],
    ['x-github-request-id', 'github-pages'],
    ['akamai-grn', 'akamai'],
  ])('reads %s as the request id (party %s)', (name, party) => {
    expect(readGatewayHeaders([{ name, value: 'abc' }])).toEqual({ requestId: 'abc', ...(party !== undefined ? { party } : {}) });
  });

  it("prefers the answering party's own request id, then the generic ones, then other vendors' ids", () => {
    expect(
      readGatewayHeaders([
        { name: 'x-served-by', value: 'cache-ams-1' },
        { name: 'x-request-id', value: 'req-1' },
        { name: 'x-amz-cf-id', value: 'cf-1' },
      ]),
    ).toEqual({ requestId: 'cf-1', party: 'cloudfront' });
    expect(readGatewayHeaders([{ name: 'x-request-id', value: 'req-1' }, { name: 'x-served-by', value: 'node-7' }]).requestId).toBe('req-1');
  });

  it('reads header names case-insensitively', () => {
    expect(readGatewayHeaders([{ name: 'SERVER', value: 'a' }, { name: 'vIa', value: 'b' }])).toEqual({ server: 'a', via: 'b' });
  });

  it('keeps the first value when a header repeats', () => {
    expect(
      readGatewayHeaders([
        { name: 'server', value: 'first' },
        { name: 'Server', value: 'second' },
      ]),
    ).toEqual({ server: 'first' });
  });

  it('skips a header without a usable value and takes the next one', () => {
    expect(
      readGatewayHeaders([
        { name: 'server' },
        { name: 'server', value: '\u0000\u0001 ' },
        { name: 'server', value: 'nginx' },
      ]),
    ).toEqual({ server: 'nginx', party: 'nginx' });
  });

  it('replaces control characters with spaces and trims', () => {
    expect(readGatewayHeaders([{ name: 'server', value: '\u0000nginx\r\n\u001bx\u007f' }])).toEqual({ server: 'nginx   x', party: 'nginx' });
  });

  it('caps header values at 200 characters', () => {
    const info = readGatewayHeaders([{ name: 'via', value: 'v'.repeat(300) }]);
    expect(info.via).toBe('v'.repeat(200));
  });

  it('ignores headers it does not know', () => {
    expect(readGatewayHeaders([{ name: 'content-type', value: 'text/html' }, { name: 'x-powered-by', value: 'PHP' }])).toEqual({});
  });

  it('only returns keys of the gateway info, whatever the header names', () => {
    // Header names that are also names of Object.prototype members must not leak in as keys.
    const info = readGatewayHeaders([
      { name: 'constructor', value: 'x' },
      { name: '__proto__', value: 'y' },
      { name: 'server', value: 'nginx' },
    ]);
    expect(Object.keys(info)).toEqual(['server', 'party']);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'server: nginx'],
    ['an object', { server: 'nginx' }],
    ['a number', 5],
  ])('treats %s instead of a header array as no headers', (_what, headers) => {
    expect(readGatewayHeaders(odd(headers))).toEqual({});
    expect(classifyCompletion(request({ responseHeaders: odd(headers) }), OPTIONS)).toMatchObject({
      action: 'gateway-error',
      gateway: {},
    });
  });

  it('skips malformed entries without throwing and reads the valid ones', () => {
    const headers = odd([
      null,
      undefined,
      42,
      'server: evil',
      {},
      { value: 'no name' },
      { name: 5, value: 'numeric name' },
      { name: null, value: 'null name' },
      { name: 'server', value: 7 },
      { name: 'server', value: { toString: () => 'object' } },
      { name: 'server', value: 'nginx' },
    ]);
    expect(readGatewayHeaders(headers)).toEqual({ server: 'nginx', party: 'nginx' });
    expect(classifyCompletion(request({ responseHeaders: headers }), OPTIONS)).toMatchObject({
      action: 'gateway-error',
      gateway: { server: 'nginx' },
    });
  });
});

describe('cleanHeaderValue', () => {
  it('returns undefined for a non-string', () => {
    expect(cleanHeaderValue(undefined)).toBeUndefined();
    expect(cleanHeaderValue(5 as unknown as string)).toBeUndefined();
  });

  it('returns undefined for a blank value', () => {
    expect(cleanHeaderValue('')).toBeUndefined();
    expect(cleanHeaderValue(' \t\u0000 ')).toBeUndefined();
  });

  it('leaves a clean value as it is', () => {
    expect(cleanHeaderValue('cloudflare')).toBe('cloudflare');
  });

  it('removes every C0 control character and DEL', () => {
    let all = '';
    for (let c = 0; c < 0x20; c++) all += `a${String.fromCharCode(c)}`;
    const v = cleanHeaderValue(`${all}\u007fz`);
    expect(v).toBeDefined();
    expect(/[\u0000-\u001f\u007f]/.test(v!)).toBe(false);
    expect(v!.replace(/ /g, '')).toBe(`${'a'.repeat(32)}z`);
  });

  it('caps after trimming, at 200 characters', () => {
    expect(cleanHeaderValue(`   ${'x'.repeat(250)}`)).toBe('x'.repeat(200));
  });
});

describe('classifyCompletion: Retry-After', () => {
  it('parses delay-seconds into retryAfterMs', () => {
    const c = classifyCompletion(request({ responseHeaders: [{ name: 'retry-after', value: '120' }] }), OPTIONS);
    expect(c).toMatchObject({ action: 'gateway-error', retryAfterMs: 120_000, gateway: { retryAfter: '120' } });
    expect(c).not.toHaveProperty('retryAfterIssue');
  });

  it('parses an HTTP-date against nowMs', () => {
    const c = classifyCompletion(
      request({ responseHeaders: [{ name: 'Retry-After', value: 'Sun, 15 Jun 2025 12:05:00 GMT' }] }),
      OPTIONS,
    );
    expect(c).toMatchObject({ action: 'gateway-error', retryAfterMs: 300_000 });
  });

  it('gives 0 for a date in the past', () => {
    const c = classifyCompletion(
      request({ responseHeaders: [{ name: 'Retry-After', value: 'Sun, 06 Nov 1994 08:49:37 GMT' }] }),
      OPTIONS,
    );
    expect(c).toMatchObject({ action: 'gateway-error', retryAfterMs: 0 });
  });

  it('reads a Retry-After whose control characters were cleaned away', () => {
    const c = classifyCompletion(request({ responseHeaders: [{ name: 'Retry-After', value: '\u0000120\u0007' }] }), OPTIONS);
    expect(c).toMatchObject({ action: 'gateway-error', retryAfterMs: 120_000, gateway: { retryAfter: '120' } });
  });

  it('reports an unreadable Retry-After as retryAfterIssue without retryAfterMs', () => {
    const c = classifyCompletion(request({ responseHeaders: [{ name: 'Retry-After', value: 'soon' }] }), OPTIONS);
    expect(c).toMatchObject({
      action: 'gateway-error',
      retryAfterIssue: 'neither delay-seconds nor an HTTP-date',
      gateway: { retryAfter: 'soon' },
    });
    expect(c).not.toHaveProperty('retryAfterMs');
  });

  it('reports an over-long Retry-After as retryAfterIssue', () => {
    const c = classifyCompletion(request({ responseHeaders: [{ name: 'Retry-After', value: '1'.repeat(100) }] }), OPTIONS);
    expect(c).toMatchObject({ action: 'gateway-error', retryAfterIssue: 'longer than 64 characters' });
    expect(c).not.toHaveProperty('retryAfterMs');
  });

  it('reports an out-of-range delay as retryAfterIssue', () => {
    const c = classifyCompletion(request({ responseHeaders: [{ name: 'Retry-After', value: '99999999999999999999' }] }), OPTIONS);
    expect(c).toMatchObject({ action: 'gateway-error', retryAfterIssue: 'delay-seconds out of range' });
  });

  it('has neither retryAfterMs nor retryAfterIssue without a Retry-After', () => {
    const c = classifyCompletion(request({ responseHeaders: [{ name: 'server', value: 'nginx' }] }), OPTIONS);
    expect(c).not.toHaveProperty('retryAfterMs');
    expect(c).not.toHaveProperty('retryAfterIssue');
  });

  it('treats a blank Retry-After as absent', () => {
    const c = classifyCompletion(request({ responseHeaders: [{ name: 'Retry-After', value: '   ' }] }), OPTIONS);
    expect(c).not.toHaveProperty('retryAfterMs');
    expect(c).not.toHaveProperty('retryAfterIssue');
  });
});

describe('classifyCompletion: options and method', () => {
  it('acts only on custom codes when given', () => {
    const options = { nowMs: NOW, codes: [500, 429] };
    expect(classifyCompletion(request({ statusCode: 500 }), options)).toMatchObject({ action: 'gateway-error', code: 500 });
    expect(classifyCompletion(request({ statusCode: 429 }), options)).toMatchObject({ action: 'gateway-error', code: 429 });
    expect(classifyCompletion(request({ statusCode: 502 }), options)).toEqual({
      action: 'main-frame-answered',
      tabId: 7,
      url: 'https://shop.example/cart?x=1',
      code: 502,
    });
    expect(classifyCompletion(request({ statusCode: 502, type: 'image' }), options)).toEqual({
      action: 'ignore',
      reason: 'not-a-gateway-error',
    });
  });

  it('acts on nothing with an empty code list', () => {
    expect(classifyCompletion(request({ statusCode: 502 }), { nowMs: NOW, codes: [] })).toMatchObject({
      action: 'main-frame-answered',
    });
  });

  it.each([
    ['get', 'GET'],
    ['Post', 'POST'],
    ['head', 'HEAD'],
    ['DELETE', 'DELETE'],
  ])('uppercases method %s', (method, expected) => {
    expect(classifyCompletion(request({ method }), OPTIONS)).toMatchObject({ action: 'gateway-error', method: expected });
  });

  it('reports a POST gateway error too (the caller decides not to retry it)', () => {
    expect(classifyCompletion(request({ method: 'POST' }), OPTIONS)).toMatchObject({
      action: 'gateway-error',
      scope: 'main-frame',
      method: 'POST',
    });
  });

  it('assumes GET when the method is missing', () => {
    const d = { ...request(), method: undefined } as unknown as CompletedRequest;
    expect(classifyCompletion(d, OPTIONS)).toMatchObject({ action: 'gateway-error', method: 'GET' });
  });
});

describe('isSafeMethod', () => {
  it.each(['GET', 'HEAD', 'get', 'head', 'Get'])('%s is safe to repeat', (method) => {
    expect(isSafeMethod(method)).toBe(true);
  });

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'post', 'OPTIONS', 'CONNECT', '', 'GETX'])('%j is not', (method) => {
    expect(isSafeMethod(method)).toBe(false);
  });
});

describe('classifyCompletion: the browser\'s own favicon request', () => {
  it('ignores a 502 for /favicon.ico as a sub-resource, but not a main-frame load of it', () => {
    const base = { url: 'https://shop.example.com/favicon.ico', method: 'GET', statusCode: 502, tabId: 3 };
    expect(classifyCompletion({ ...base, type: 'image' }, { nowMs: 0 })).toEqual({ action: 'ignore', reason: 'favicon' });
    expect(classifyCompletion({ ...base, type: 'main_frame' }, { nowMs: 0 })).toMatchObject({ action: 'gateway-error', scope: 'main-frame' });
    expect(classifyCompletion({ ...base, url: 'https://shop.example.com/img/favicon.ico', type: 'image' }, { nowMs: 0 })).toMatchObject({
      action: 'gateway-error',
      scope: 'sub-resource',
    });
  });
});

describe('hostile request details', () => {
  const base = { url: 'https://shop.example.com/', method: 'GET', statusCode: 502, type: 'main_frame', tabId: 3 };
  it.each([Number.NaN, Number.POSITIVE_INFINITY, 1.5, 2 ** 53, -1, '3' as unknown as number])('tab id %s is not a tab', (tabId) => {
    expect(classifyCompletion({ ...base, tabId }, { nowMs: 0 })).toEqual({ action: 'ignore', reason: 'not-a-tab' });
  });

  it('a URL longer than MAX_URL_LENGTH is not acted on (it would fill storage.session)', () => {
    const url = `https://shop.example.com/?q=${'x'.repeat(MAX_URL_LENGTH)}`;
    expect(classifyCompletion({ ...base, url }, { nowMs: 0 })).toEqual({ action: 'ignore', reason: 'url-too-long' });
    const eightKb = `https://shop.example.com/?q=${'x'.repeat(8 * 1024)}`;
    expect(classifyCompletion({ ...base, url: eightKb }, { nowMs: 0 }).action).toBe('gateway-error');
  });

  it.each([
    [undefined, 'GET'],
    ['get', 'GET'],
    ['PROPFIND', 'PROPFIND'],
    ['', 'UNKNOWN'],
    ['GET /x HTTP/1.1', 'UNKNOWN'],
    [502, 'UNKNOWN'],
    ['x'.repeat(100), 'UNKNOWN'],
  ])('method %j reads as %s; only GET and HEAD are ever re-sent', (method, read) => {
    expect(readMethod(method)).toBe(read);
    expect(isSafeMethod(readMethod(method))).toBe(read === 'GET');
  });
});
