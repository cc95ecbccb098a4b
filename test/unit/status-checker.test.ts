import { describe, expect, it } from 'vitest';
import { grantConsent } from '../../src/settings/consent';
import { consentScope, DEFAULT_SETTINGS, type Settings } from '../../src/settings/settings';
import {
  createStatusChecker,
  EMPTY_MEMORY,
  MAX_CHECKED_INCIDENTS,
  MAX_REPORTS,
  MAX_STATUS_PAGES,
  parseMemory,
  prune,
  type StatusCheckRequest,
  type StatusMemory,
} from '../../src/status/checker';
import type { HttpClient, HttpResult } from '../../src/status/http';
import type { StatusProvider } from '../../src/status/provider';
import { checkHostProvider } from '../../src/status/providers/check-host';
import { isReportedOnly, reasonKey, unknownReport, type SourceReport, type StatusReport, type UnknownReasonCode } from '../../src/status/verdict';

const T0 = Date.UTC(2024, 5, 1, 12, 0, 0);
const CH = 'https://check-host.net';
const CF = 'https://www.cloudflarestatus.com/api/v2/status.json';
const NODES = ['us1', 'us2', 'de1', 'fr1', 'nl1', 'jp1', 'br1'].map((n) => `${n}.node.check-host.net`);

type Route = (url: string, signal?: AbortSignal) => HttpResult | Promise<HttpResult>;

const ok = (json: unknown): HttpResult => ({ ok: true, status: 200, json });
const fail = (code: Extract<HttpResult, { ok: false }>['reason']['code'], extra: { status?: number; retryAfterMs?: number } = {}): HttpResult => ({
  ok: false,
  reason: { code, detail: `fake ${code}` },
  ...extra,
});
const notFound = fail('http-error', { status: 404 });

const row = (up: boolean): unknown => (up ? [[1, 0.1, 'OK', '200', '1.2.3.4']] : [[0, 0.1, 'Bad Gateway', '502', '1.2.3.4']]);
function nodeResults(kind: 'up' | 'down' | 'mixed'): Record<string, unknown> {
  return Object.fromEntries(NODES.map((n, i) => [n, row(kind === 'up' ? true : kind === 'down' ? false : i % 2 === 0)]));
}

function summary(indicator: string): unknown {
  return {
    page: { id: 'abc123', name: 'Example', url: 'https://status.example.com', updated_at: '2024-06-01T00:00:00Z' },
    status: { indicator, description: 'x' },
    components: [],
    incidents: [],
  };
}

interface World {
  /** check-host's view of every site, or a failed answer to the start request. */
  checkHost?: 'up' | 'down' | 'mixed' | HttpResult;
  /** Statuspage v2 summaries by page base URL: the indicator. */
  pages?: Record<string, string>;
  /** Answer for every status-page candidate not in `pages` (default 404). */
  otherPages?: HttpResult;
  /** Cloudflare status.json indicator. */
  cloudflare?: string;
  /** Anything else, e.g. a custom endpoint's JSON. */
  other?: (url: string) => HttpResult | undefined;
}

function world(w: World): Route {
  let n = 0;
  return (url) => {
    if (url.startsWith(`${CH}/check-http?`)) {
      if (w.checkHost === undefined) return notFound;
      if (typeof w.checkHost === 'object') return w.checkHost;
      n += 1;
      return ok({ ok: 1, request_id: `req${n}`, permanent_link: `${CH}/check-report/req${n}`, nodes: Object.fromEntries(NODES.map((x) => [x, ['us', 'USA', 'LA', '1.2.3.4', 'AS1']])) });
    }
    if (url.startsWith(`${CH}/check-result/`)) return ok(nodeResults(w.checkHost as 'up' | 'down' | 'mixed'));
    if (url === CF) {
      return w.cloudflare === undefined ? notFound : ok({ page: { id: 'cf', name: 'Cloudflare', url: 'https://www.cloudflarestatus.com' }, status: { indicator: w.cloudflare, description: 'x' } });
    }
    const other = w.other?.(url);
    if (other !== undefined) return other;
    for (const [base, indicator] of Object.entries(w.pages ?? {})) if (url === `${base}/api/v2/summary.json`) return ok(summary(indicator));
    return w.otherPages ?? notFound;
  };
}

function settingsWith(over: Partial<Settings> & { providers?: Partial<Settings['statusProviders']> } = {}): Settings {
  const { providers, ...rest } = over;
  // Globalping is off unless a test turns it on: most tests here are about one measuring source.
  const s: Settings = { ...DEFAULT_SETTINGS, statusAutoCheck: true, ...rest, statusProviders: { ...DEFAULT_SETTINGS.statusProviders, globalping: false, ...providers } };
  // The user agreed to these very settings, unless the test says what the consent covered.
  return 'statusConsentScope' in over ? s : { ...s, statusConsentScope: consentScope(s) };
}

function harness(opts: {
  route?: Route;
  settings?: Settings;
  memory?: unknown;
  deadlineMs?: number;
  realTime?: boolean;
  providers?: readonly StatusProvider[];
} = {}) {
  const clock = { t: T0 };
  const urls: string[] = [];
  const warnings: string[] = [];
  let route = opts.route ?? world({});
  let stored: unknown = opts.memory ?? structuredClone(EMPTY_MEMORY);
  let settings = opts.settings ?? settingsWith();
  const http: HttpClient = {
    getJson: async (url, signal) => {
      urls.push(url);
      return route(url, signal);
    },
    postJson: async (url, _body, signal) => {
      urls.push(url);
      return route(url, signal);
    },
  };
  const checker = createStatusChecker({
    http,
    now: opts.realTime ? () => Date.now() : () => clock.t,
    settings: async () => settings,
    store: {
      load: async () => parseMemory(structuredClone(stored)),
      save: async (m) => {
        stored = structuredClone(m);
      },
    },
    log: { warn: (...args: unknown[]) => void warnings.push(args.map(String).join(' ')) },
    ...(opts.realTime
      ? {}
      : {
          sleep: async (ms: number, signal: AbortSignal) => {
            if (signal.aborted) throw signal.reason;
            clock.t += ms;
          },
        }),
    ...(opts.deadlineMs !== undefined ? { deadlineMs: opts.deadlineMs } : {}),
    ...(opts.providers !== undefined ? { providers: opts.providers } : {}),
  });
  return {
    checker,
    clock,
    urls,
    warnings,
    memory: () => stored as StatusMemory,
    setRoute: (r: Route) => void (route = r),
    setSettings: (s: Settings) => void (settings = s),
    /** URLs asked since the last call. */
    take: () => urls.splice(0),
  };
}

const nginx = { server: 'nginx' };
const cloudflare = { server: 'cloudflare', cfRay: '8a1b2c3d4e5f-LHR' };
const ask = (url: string, over: Partial<StatusCheckRequest> = {}): StatusCheckRequest => ({ url, code: 502, gateway: nginx, trigger: 'auto', ...over });
const source = (r: StatusReport, provider: SourceReport['provider']) => r.sources.find((s) => s.provider === provider);
const isCheckHostStart = (u: string) => u.startsWith(`${CH}/check-http?`);
const isStatusPage = (u: string) => !u.startsWith(CH) && u !== CF;

// ---------------------------------------------------------------------------------------------------------------

describe('consent, private hosts, private windows', () => {
  it('no consent + automatic trigger → no request at all, limitedBy no-consent', async () => {
    const h = harness({ route: world({ checkHost: 'down', pages: { 'https://status.example.com': 'major' } }), settings: settingsWith({ statusAutoCheck: false }) });
    const r = await h.checker.check(ask('https://www.example.com/a'));
    expect(h.urls).toEqual([]);
    expect(r.limitedBy).toBe('no-consent');
    expect(r.host).toBe('www.example.com');
    expect(r.verdict).toBe('unknown');
    expect(r.sources.map((s) => s.provider)).toEqual(['gateway']);
    expect(r.sources[0]!.hint).toBe('site-gateway');
  });

  it('a user-triggered check without standing consent does ask', async () => {
    const h = harness({ route: world({ checkHost: 'down' }), settings: settingsWith({ statusAutoCheck: false }) });
    const r = await h.checker.check(ask('https://www.example.com/a', { trigger: 'user' }));
    expect(h.urls.some(isCheckHostStart)).toBe(true);
    expect(r.limitedBy).toBeUndefined();
    expect(r.verdict).toBe('down-for-everyone');
  });

  it('a consent given for other endpoints or codes → nothing sent, automatic or asked, until the user agrees again', async () => {
    const covered = settingsWith({});
    const changed = { ...covered, statusEndpoints: { ...covered.statusEndpoints, checkHost: 'https://ch.elsewhere.example' }, codes: [500] };
    const h = harness({ route: world({ checkHost: 'down' }), settings: changed });
    const auto = await h.checker.check(ask('https://www.example.com/a'));
    const asked = await h.checker.check(ask('https://www.example.com/a', { trigger: 'user' }));
    expect(h.urls).toEqual([]);
    expect([auto.limitedBy, asked.limitedBy]).toEqual(['no-consent', 'no-consent']);
    // Agreed again: the consent now covers the new settings, and the check goes out.
    const again = harness({ route: world({ checkHost: 'down' }), settings: { ...changed, ...grantConsent(changed) } });
    await again.checker.check(ask('https://www.example.com/a'));
    expect(again.urls.some((u) => u.startsWith('https://ch.elsewhere.example/check-http?'))).toBe(true);
  });

  it('a consent stored before version 4 (no scope) covers the defaults only', async () => {
    const legacy = { ...DEFAULT_SETTINGS, statusAutoCheck: true, statusConsentScope: null };
    const h = harness({ route: world({ checkHost: 'down' }), settings: legacy });
    await h.checker.check(ask('https://www.example.com/a'));
    expect(h.urls.some((u) => u.startsWith('https://check-host.net/check-http?'))).toBe(true);
    const moved = harness({ route: world({ checkHost: 'down' }), settings: { ...legacy, codes: [502] } });
    expect((await moved.checker.check(ask('https://www.example.com/a'))).limitedBy).toBe('no-consent');
    expect(moved.urls).toEqual([]);
  });

  it.each([
    'http://10.0.0.1/',
    'http://192.168.1.1:8080/admin',
    'http://[::1]:8080/',
    'http://[fd00::5]/',
    'http://printer.local/',
    'http://nas.home.arpa/',
    'http://router/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://100.64.0.1/',
    'http://app.localhost:3000/',
    'http://user:pw@10.0.0.1/',
    'http://10.0.0.5.nip.io/',
    'https://10-0-0-5.sslip.io/',
    'https://host.tail1234.ts.net/',
    'http://[::c0a8:101]/',
    'http://[2002:c0a8:101::1]/',
    'http://app.localtest.me/',
  ])('private host %s is never sent, even on a user trigger', async (url) => {
    const h = harness({ route: world({ checkHost: 'down' }), settings: settingsWith({ providers: { custom: true }, customEndpoint: { template: 'https://kuma.example/{host}', format: 'gatus' } }) });
    for (const trigger of ['auto', 'user'] as const) {
      const r = await h.checker.check(ask(url, { trigger, gateway: cloudflare }));
      expect(r.limitedBy).toBe('private-host');
      expect(r.sources.map((s) => s.provider)).toEqual(['gateway']);
    }
    expect(h.urls).toEqual([]);
  });

  it('a host under a never-send domain goes to no provider, on any trigger', async () => {
    const base = settingsWith({ providers: { custom: true }, customEndpoint: { template: 'https://kuma.example/{host}', format: 'gatus' } });
    const h = harness({ route: world({ checkHost: 'down' }), settings: { ...base, statusAutoCheck: true, neverSend: ['example.org'] } });
    for (const url of ['https://intranet.example.org/', 'https://example.org/', 'https://EXAMPLE.org.:8443/x']) {
      for (const trigger of ['auto', 'user'] as const) {
        const r = await h.checker.check(ask(url, { trigger, gateway: cloudflare }));
        expect(r.limitedBy, url).toBe('private-host');
        expect(r.sources.map((s) => s.provider)).toEqual(['gateway']);
      }
    }
    expect(h.urls).toEqual([]);
    // A name that only ends the same way is not under the domain.
    await h.checker.check(ask('https://notexample.org/', { trigger: 'user' }));
    expect(h.urls.length).toBeGreaterThan(0);
  });

  it.each(['10.0.0.5', '192.168.1.20', '127.0.0.1', '::1', 'fd12:3456::1', '::ffff:172.16.0.9', 'garbage'])(
    'a public-looking name the browser reached at the private address %s is never sent, even on a user trigger',
    async (serverAddress) => {
      const h = harness({ route: world({ checkHost: 'down', pages: { 'https://status.example.com': 'major' } }) });
      for (const trigger of ['auto', 'user'] as const) {
        const r = await h.checker.check(ask('https://intranet.example.com/wiki', { trigger, serverAddress }));
        expect(r.limitedBy).toBe('private-host');
        expect(r.host).toBe('intranet.example.com');
        expect(r.sources.map((s) => s.provider)).toEqual(['gateway']);
      }
      expect(h.urls).toEqual([]);
    },
  );

  it('a public server address does not hold the check back', async () => {
    const h = harness({ route: world({ checkHost: 'down' }) });
    const r = await h.checker.check(ask('https://www.example.com/', { trigger: 'user', serverAddress: '93.184.216.34' }));
    expect(r.limitedBy).toBeUndefined();
    expect(h.urls.some(isCheckHostStart)).toBe(true);
  });

  it('unusable URLs send nothing', async () => {
    const h = harness({ route: world({ checkHost: 'down' }) });
    for (const url of ['', 'not a url', 'ftp://example.com/', 'file:///etc/passwd', 'javascript:alert(1)']) {
      const r = await h.checker.check(ask(url, { trigger: 'user' }));
      expect(r.limitedBy, url).toBe('private-host');
    }
    expect(h.urls).toEqual([]);
  });

  it('incognito + automatic → nothing sent, limitedBy incognito', async () => {
    const h = harness({ route: world({ checkHost: 'down' }) });
    const r = await h.checker.check(ask('https://www.example.com/', { incognito: true }));
    expect(h.urls).toEqual([]);
    expect(r.limitedBy).toBe('incognito');
  });

  it('a site on the never-retry list: no automatic check (nothing sent); "Check now" still asks', async () => {
    const h = harness({ route: world({ checkHost: 'down' }), settings: settingsWith({ neverRetry: ['example.com'] }) });
    const auto = await h.checker.check(ask('https://www.example.com/'));
    expect(h.urls).toEqual([]);
    expect(auto.limitedBy).toBe('never-retry');
    const user = await h.checker.check(ask('https://www.example.com/', { trigger: 'user' }));
    expect(h.urls.some(isCheckHostStart)).toBe(true);
    expect(user.limitedBy).toBeUndefined();
    // Another site is checked as before.
    h.take();
    expect((await h.checker.check(ask('https://www.example.org/'))).limitedBy).toBeUndefined();
    expect(h.urls.some(isCheckHostStart)).toBe(true);
  });

  it('incognito + the user asked → asks', async () => {
    const h = harness({ route: world({ checkHost: 'down' }) });
    const r = await h.checker.check(ask('https://www.example.com/', { incognito: true, trigger: 'user' }));
    expect(h.urls.some(isCheckHostStart)).toBe(true);
    expect(r.limitedBy).toBeUndefined();
  });

  it('incognito + the user asked: never the status-page guesses on the site\'s own domain, and the answer is kept in memory only', async () => {
    const h = harness({ route: world({ checkHost: 'down', pages: { 'https://status.example.com': 'major' } }) });
    const r = await h.checker.check(ask('https://www.example.com/', { incognito: true, trigger: 'user' }));
    // The status page guesses contact the site's own domain from the regular profile (HSTS, alt-svc): not asked.
    expect(h.urls.some((u) => u.includes('example.com') && !u.startsWith(CH))).toBe(false);
    expect(source(r, 'statusPage')).toBeUndefined();
    expect(r.verdict).toBe('down-for-everyone');
    // Nothing of the site is stored; the private window's view sees its answer, a normal window's does not.
    expect(JSON.stringify(h.memory())).not.toContain('example.com');
    expect(await h.checker.latest('www.example.com', true)).toEqual(r);
    expect(await h.checker.latest('www.example.com')).toBeNull();
    // The same check from a normal window asks the status page, and is stored.
    const normal = await h.checker.check(ask('https://www.example.com/', { trigger: 'user' }));
    expect(source(normal, 'statusPage')?.verdict).toBe('down-for-everyone');
    expect(JSON.stringify(h.memory())).toContain('www.example.com');
  });

  it('only the origin leaves the browser: never the path, query or fragment', async () => {
    const h = harness({ route: world({ checkHost: 'down' }), settings: settingsWith({ providers: { custom: true }, customEndpoint: { template: 'https://kuma.example/api/{host}', format: 'gatus' } }) });
    await h.checker.check(ask('https://www.example.com:8443/secret/path?token=abc123#frag', { gateway: cloudflare }));
    expect(h.urls.length).toBeGreaterThan(3);
    for (const u of h.urls) expect(u).not.toMatch(/secret|token|abc123|frag/);
    expect(h.urls[0]).toBe(`${CH}/check-http?host=${encodeURIComponent('https://www.example.com:8443')}&max_nodes=7`);
  });
});

describe('verdicts', () => {
  it('check-host down + status page major → down-for-everyone with both sources', async () => {
    const h = harness({ route: world({ checkHost: 'down', pages: { 'https://status.example.com': 'major' } }) });
    const r = await h.checker.check(ask('https://www.example.com/'));
    expect(r.verdict).toBe('down-for-everyone');
    expect(source(r, 'checkHost')?.verdict).toBe('down-for-everyone');
    expect(source(r, 'checkHost')?.locations).toEqual({ down: 7, up: 0, reported: 7, asked: 7 });
    expect(source(r, 'statusPage')?.verdict).toBe('down-for-everyone');
    expect(source(r, 'statusPage')?.link).toBe('https://status.example.com');
    expect(r.sources[0]!.provider).toBe('gateway');
    expect(r.host).toBe('www.example.com');
    expect(r.expiresAt - r.checkedAt).toBe(60_000);
  });

  it('check-host up + status page "none" → up-elsewhere', async () => {
    const h = harness({ route: world({ checkHost: 'up', pages: { 'https://status.example.com': 'none' } }) });
    const r = await h.checker.check(ask('https://www.example.com/'));
    expect(r.verdict).toBe('up-elsewhere');
    expect(source(r, 'statusPage')?.verdict).toBe('unknown');
    expect(source(r, 'statusPage')?.reason?.code).toBe('no-signal');
    expect(r.expiresAt - r.checkedAt).toBe(5 * 60_000);
  });

  it('a measurement outranks a status page: check-host up, status page major → up elsewhere, both shown', async () => {
    const h = harness({ route: world({ checkHost: 'up', pages: { 'https://status.example.com': 'major' } }) });
    const r = await h.checker.check(ask('https://www.example.com/'));
    expect(r.verdict).toBe('up-elsewhere');
    expect(source(r, 'statusPage')?.verdict).toBe('down-for-everyone');
  });

  it('check-host down while the status page only admits a minor incident → down for everyone', async () => {
    const h = harness({ route: world({ checkHost: 'down', pages: { 'https://status.example.com': 'minor' } }) });
    expect((await h.checker.check(ask('https://www.example.com/'))).verdict).toBe('down-for-everyone');
  });

  it('measurements that disagree (check-host down, own monitors up) → partial', async () => {
    const h = harness({
      route: world({ checkHost: 'down', other: (u) => (u.startsWith('https://mon.example.net/') ? ok([{ name: 'www.example.com', results: [{ success: true }] }]) : undefined) }),
      settings: settingsWith({ providers: { statusPage: false, custom: true }, customEndpoint: { template: 'https://mon.example.net/{host}', format: 'gatus' } }),
    });
    expect((await h.checker.check(ask('https://www.example.com/'))).verdict).toBe('partial');
  });

  it('without a measurement the status page decides, but alone never makes "down for everyone" (issue 15)', async () => {
    const h = harness({ route: world({ checkHost: fail('timeout'), pages: { 'https://status.example.com': 'major' } }) });
    const r = await h.checker.check(ask('https://www.example.com/'));
    // The page reports a major outage; with no outside check agreeing, the site "reports an incident".
    expect(source(r, 'statusPage')?.verdict).toBe('down-for-everyone');
    expect(r.verdict).toBe('partial');
    expect(r.agreeing).toEqual(['statusPage']);
    expect(isReportedOnly(r)).toBe(true);
  });

  it('a status page and an outside check agreeing make "down for everyone"', async () => {
    const h = harness({ route: world({ checkHost: 'down', pages: { 'https://status.example.com': 'major' } }) });
    const r = await h.checker.check(ask('https://www.example.com/'));
    expect(r.verdict).toBe('down-for-everyone');
    expect(isReportedOnly(r)).toBe(false);
  });

  it.each([
    ['network', fail('network')],
    ['timeout', fail('timeout')],
    ['not-json', fail('not-json', { status: 200 })],
    ['too-large', fail('too-large', { status: 200 })],
    ['http-error', fail('http-error', { status: 500 })],
    ['rate-limited', fail('rate-limited', { status: 429, retryAfterMs: 5_000 })],
    ['invalid-answer', ok({ ok: true })],
    ['invalid-answer', ok('<html>')],
  ] as const)('every provider failing (%s) → unknown with reasons, never up-elsewhere', async (code, answer) => {
    const h = harness({ route: world({ checkHost: answer, otherPages: answer, other: (u) => (u === CF ? answer : undefined) }) });
    const r = await h.checker.check(ask('https://www.example.com/', { trigger: 'user', gateway: cloudflare, code: 522 }));
    expect(r.verdict).toBe('unknown');
    expect(source(r, 'checkHost')?.reason?.code).toBe(code);
    expect(source(r, 'cdnStatus')?.verdict).toBe('unknown');
    expect(source(r, 'statusPage')?.verdict).toBe('unknown');
    for (const s of r.sources) {
      expect(s.verdict).toBe('unknown');
      expect(s.reason).toBeDefined();
    }
    expect(r.expiresAt - r.checkedAt).toBe(30_000);
  });

  it('with every third-party provider off, only the gateway speaks', async () => {
    const h = harness({ route: world({ checkHost: 'down' }), settings: settingsWith({ providers: { checkHost: false, statusPage: false, cdnStatus: false, custom: false } }) });
    const r = await h.checker.check(ask('https://www.example.com/', { gateway: cloudflare, code: 522 }));
    expect(h.urls).toEqual([]);
    expect(r.sources.map((s) => s.provider)).toEqual(['gateway']);
    expect(r.sources[0]!.hint).toBe('cdn-origin-failed');
    expect(r.verdict).toBe('unknown');
  });
});

describe('two measuring sources: check-host and Globalping', () => {
  const GP = 'https://api.globalping.io';
  const both = settingsWith({ providers: { globalping: true, statusPage: false, cdnStatus: false } });
  /** Globalping answering with `codes` from five probes; every other URL goes to check-host's world. */
  function withGlobalping(checkHost: 'up' | 'down', codes: readonly number[] | HttpResult): Route {
    const rest = world({ checkHost });
    return (url, signal) => {
      if (url === `${GP}/v1/measurements`) return Array.isArray(codes) ? ok({ id: 'gp1', probesCount: codes.length }) : (codes as HttpResult);
      if (url === `${GP}/v1/measurements/gp1`) {
        const list = codes as readonly number[];
        return ok({ id: 'gp1', status: 'finished', probesCount: list.length, results: list.map((c) => ({ probe: {}, result: { status: 'finished', statusCode: c, resolvedAddress: '203.0.113.10' } })) });
      }
      return rest(url, signal);
    };
  }

  it('both see it down: down for everyone, and the report says they agreed', async () => {
    const h = harness({ route: withGlobalping('down', [502, 502, 502, 503, 502]), settings: both });
    const r = await h.checker.check(ask('https://www.example.com/'));
    expect(r.verdict).toBe('down-for-everyone');
    expect(r.agreeing).toEqual(['checkHost', 'globalping']);
    expect(r.disagreeing).toEqual([]);
    expect(source(r, 'globalping')?.addresses).toEqual(['203.0.113.10']);
    // Globalping is held to its own rate limit slot, like check-host.
    expect(h.memory().limits.globalping?.starts).toHaveLength(1);
  });

  it('they disagree: partial, and the report names both as disagreeing', async () => {
    const h = harness({ route: withGlobalping('down', [200, 200, 200, 200, 200]), settings: both });
    const r = await h.checker.check(ask('https://www.example.com/'));
    expect(r.verdict).toBe('partial');
    expect(r.disagreeing).toEqual(['checkHost', 'globalping']);
  });

  it("Globalping's 429 holds it back for its reset time while check-host still decides", async () => {
    const h = harness({ route: withGlobalping('down', fail('rate-limited', { status: 429, retryAfterMs: 3_600_000 })), settings: both });
    const r = await h.checker.check(ask('https://www.example.com/'));
    expect(r.verdict).toBe('down-for-everyone');
    expect(r.agreeing).toEqual(['checkHost']);
    expect(source(r, 'globalping')?.reason?.code).toBe('rate-limited');
    expect(h.memory().limits.globalping?.blockedUntil).toBe(r.checkedAt + 3_600_000);
  });
});

describe('cache', () => {
  it('a "down" answer is reused for an automatic ask within 60 s, not after', async () => {
    const h = harness({ route: world({ checkHost: 'down' }) });
    const first = await h.checker.check(ask('https://www.example.com/'));
    expect(first.verdict).toBe('down-for-everyone');
    h.take();
    h.clock.t = first.checkedAt + 59_000;
    const again = await h.checker.check(ask('https://www.example.com/other-page'));
    expect(h.take()).toEqual([]);
    expect(again).toEqual(first);
    h.clock.t = first.checkedAt + 61_000;
    const fresh = await h.checker.check(ask('https://www.example.com/'));
    expect(h.take().filter(isCheckHostStart)).toHaveLength(1);
    expect(fresh.checkedAt).toBeGreaterThan(first.checkedAt);
  });

  it('an "up" answer is reused for 5 minutes', async () => {
    const h = harness({ route: world({ checkHost: 'up' }) });
    const first = await h.checker.check(ask('https://www.example.com/'));
    expect(first.verdict).toBe('up-elsewhere');
    h.take();
    h.clock.t = first.checkedAt + 4 * 60_000 + 59_000;
    expect(await h.checker.check(ask('https://www.example.com/'))).toEqual(first);
    expect(await h.checker.check(ask('https://www.example.com/', { trigger: 'user' }))).toEqual(first);
    expect(h.take()).toEqual([]);
    h.clock.t = first.checkedAt + 5 * 60_000 + 1_000;
    await h.checker.check(ask('https://www.example.com/'));
    expect(h.take().filter(isCheckHostStart)).toHaveLength(1);
  });

  it('an "unknown" answer is reused for an automatic ask but not when the user asks', async () => {
    const h = harness({ route: world({ checkHost: fail('network') }) });
    const first = await h.checker.check(ask('https://www.example.com/'));
    expect(first.verdict).toBe('unknown');
    h.take();
    h.clock.t += 10_000;
    expect(await h.checker.check(ask('https://www.example.com/'))).toEqual(first);
    expect(h.take()).toEqual([]);
    h.setRoute(world({ checkHost: 'down' }));
    const fresh = await h.checker.check(ask('https://www.example.com/', { trigger: 'user' }));
    expect(h.take().filter(isCheckHostStart)).toHaveLength(1);
    expect(fresh.verdict).toBe('down-for-everyone');
  });

  it('the cache is per normalised host', async () => {
    const h = harness({ route: world({ checkHost: 'down' }) });
    await h.checker.check(ask('https://www.example.com/'));
    h.take();
    await h.checker.check(ask('https://WWW.Example.COM./x'));
    expect(h.take()).toEqual([]);
    expect((await h.checker.latest('www.example.com'))?.verdict).toBe('down-for-everyone');
    expect(await h.checker.latest('other.example.com')).toBeNull();
  });

  it('two concurrent asks share one check', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const inner = world({ checkHost: 'down' });
    const h = harness({ route: async (u) => (isCheckHostStart(u) ? gate.then(() => inner(u)) : inner(u)) });
    const a = h.checker.check(ask('https://www.example.com/a'));
    const b = h.checker.check(ask('https://www.example.com/b', { trigger: 'user' }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(h.checker.isChecking('www.example.com')).toBe(true);
    release();
    const [ra, rb] = await Promise.all([a, b]);
    expect(h.urls.filter(isCheckHostStart)).toHaveLength(1);
    expect(ra).toBe(rb);
    expect(ra.verdict).toBe('down-for-everyone');
    expect(h.checker.isChecking('www.example.com')).toBe(false);
  });
});

describe('status page discovery memory', () => {
  const onlyPages = settingsWith({ providers: { checkHost: false, cdnStatus: false } });

  it('a found page is remembered for the registrable domain: a second host makes no discovery requests', async () => {
    const h = harness({ route: world({ pages: { 'https://status.example.com': 'minor' } }), settings: onlyPages });
    const first = await h.checker.check(ask('https://www.example.com/'));
    expect(first.verdict).toBe('partial');
    const discovery = h.take();
    expect(discovery).toContain('https://status.example.com/api/v2/summary.json');
    expect(discovery).toContain('https://examplestatus.com/api/v2/summary.json');
    expect(discovery).toContain('https://example.statuspage.io/api/v2/summary.json');
    expect(h.memory().statusPages['example.com']).toEqual({ page: { base: 'https://status.example.com', vendor: 'statuspage' }, expiresAt: expect.any(Number) });

    h.clock.t += 60 * 60_000;
    const second = await h.checker.check(ask('https://api.example.com/'));
    expect(h.take()).toEqual(['https://status.example.com/api/v2/summary.json']);
    expect(second.verdict).toBe('partial');
  });

  it('"none" is remembered too: a second host asks no status page at all', async () => {
    const h = harness({ route: world({}), settings: onlyPages });
    const first = await h.checker.check(ask('https://www.example.com/'));
    expect(source(first, 'statusPage')?.reason?.code).toBe('no-status-page');
    expect(h.take().length).toBe(9);
    expect(h.memory().statusPages['example.com']?.page).toBeNull();
    h.clock.t += 60 * 60_000;
    const second = await h.checker.check(ask('https://api.example.com/'));
    expect(h.take()).toEqual([]);
    expect(source(second, 'statusPage')?.reason?.code).toBe('no-status-page');
  });

  it('a different registrable domain is discovered on its own (example.com vs example.org)', async () => {
    const h = harness({ route: world({}), settings: onlyPages });
    await h.checker.check(ask('https://www.example.com/'));
    expect(h.take().length).toBeGreaterThan(0);
    await h.checker.check(ask('https://www.example.org/'));
    expect(h.take().length).toBeGreaterThan(0);
  });

  it('guesses nothing under a private-section suffix: a.github.io is one user, not a company', async () => {
    const h = harness({ route: world({}), settings: onlyPages });
    const report = await h.checker.check(ask('https://a.github.io/'));
    expect(h.take()).toEqual([]);
    expect(source(report, 'statusPage')).toBeUndefined();
  });

  it('is forgotten after a day', async () => {
    const h = harness({ route: world({}), settings: onlyPages });
    await h.checker.check(ask('https://www.example.com/'));
    h.take();
    h.clock.t += 24 * 60 * 60_000 + 60_000;
    await h.checker.check(ask('https://api.example.com/'));
    expect(h.take().filter(isStatusPage).length).toBe(9);
  });

  it('is not remembered when discovery timed out', async () => {
    const h = harness({ route: world({ otherPages: fail('timeout') }), settings: onlyPages });
    await h.checker.check(ask('https://www.example.com/'));
    expect(h.take().length).toBeGreaterThan(0);
    expect(h.memory().statusPages['example.com']).toBeUndefined();
    h.setRoute(world({ pages: { 'https://status.example.com': 'major' } }));
    const second = await h.checker.check(ask('https://api.example.com/'));
    expect(h.take()).toContain('https://status.example.com/api/v2/summary.json');
    expect(source(second, 'statusPage')?.verdict).toBe('down-for-everyone');
  });

  it('is not remembered as "none" when a candidate only said "slow down" (429)', async () => {
    const h = harness({
      route: world({ other: (u) => (u.startsWith('https://status.example.com/') ? fail('rate-limited', { status: 429, retryAfterMs: 30_000 }) : undefined) }),
      settings: onlyPages,
    });
    await h.checker.check(ask('https://www.example.com/'));
    h.take();
    expect(h.memory().statusPages['example.com']?.page).not.toBeNull();
    h.clock.t += 60_000;
    await h.checker.check(ask('https://api.example.com/'));
    expect(h.take().filter(isStatusPage).length).toBeGreaterThan(0);
  });

  it('"none" because a candidate could not be reached (no such host, or a failing network) is kept an hour, not a day', async () => {
    const h = harness({ route: world({ other: (u) => (u.startsWith('https://examplestatus.com/') ? fail('network') : undefined) }), settings: onlyPages });
    const first = await h.checker.check(ask('https://www.example.com/'));
    expect(h.memory().statusPages['example.com']).toEqual({ page: null, expiresAt: first.checkedAt + 60 * 60_000 });
  });

  it("one site's status page asking to wait (Retry-After) does not hold back other sites' status pages", async () => {
    const h = harness({
      route: world({
        pages: { 'https://status.example.org': 'major' },
        other: (u) => (u.startsWith('https://status.example.com/') ? fail('rate-limited', { status: 429, retryAfterMs: 3_600_000 }) : undefined),
      }),
      settings: onlyPages,
    });
    await h.checker.check(ask('https://www.example.com/'));
    expect(h.memory().limits.statusPage?.blockedUntil).toBeUndefined();
    const other = await h.checker.check(ask('https://www.example.org/'));
    expect(source(other, 'statusPage')?.verdict).toBe('down-for-everyone');
  });
});

describe('one automatic check per incident', () => {
  it('an incident is marked checked once its check has an answer, own or cached; a limited one is not', async () => {
    const h = harness({ route: world({ checkHost: 'down' }) });
    expect(await h.checker.wasChecked('i1')).toBe(false);
    await h.checker.check(ask('https://www.example.com/', { incidentId: 'i1' }));
    expect(await h.checker.wasChecked('i1')).toBe(true);
    // A second incident of the same host within the cache answers from it, and counts as checked.
    await h.checker.check(ask('https://www.example.com/', { incidentId: 'i2' }));
    expect(await h.checker.wasChecked('i2')).toBe(true);
    expect(h.take().filter(isCheckHostStart)).toHaveLength(1);
    h.setSettings(settingsWith({ statusAutoCheck: false }));
    await h.checker.check(ask('https://www.example.org/', { incidentId: 'i3' }));
    expect(await h.checker.wasChecked('i3')).toBe(false);
  });

  it('forgets checked incidents after two hours and keeps at most MAX_CHECKED_INCIDENTS', () => {
    const m: StatusMemory = structuredClone(EMPTY_MEMORY);
    for (let i = 0; i < 300; i++) m.incidents[`i${i}`] = T0 + i;
    m.incidents.old = T0 - 3 * 60 * 60_000;
    prune(m, T0 + 1000);
    expect(Object.keys(m.incidents)).toHaveLength(MAX_CHECKED_INCIDENTS);
    expect(m.incidents.old).toBeUndefined();
    expect(m.incidents.i299).toBe(T0 + 299);
  });
});

describe('rate limits', () => {
  const onlyCheckHost = settingsWith({ providers: { statusPage: false, cdnStatus: false } });

  it('a provider that answers 5xx without Retry-After is left alone for 30 s', async () => {
    const h = harness({ route: world({ checkHost: fail('http-error', { status: 502 }) }), settings: onlyCheckHost });
    const first = await h.checker.check(ask('https://a.example.com/'));
    expect(h.memory().limits.checkHost?.blockedUntil).toBe(first.checkedAt + 30_000);
  });

  it('the 7th check-host check within a minute (different hosts) is held back without a request', async () => {
    const h = harness({ route: world({ checkHost: 'down' }), settings: onlyCheckHost });
    for (let i = 1; i <= 6; i++) {
      const r = await h.checker.check(ask(`https://site${i}.example.com/`));
      expect(source(r, 'checkHost')?.verdict, `check ${i}`).toBe('down-for-everyone');
    }
    expect(h.take().filter(isCheckHostStart)).toHaveLength(6);
    expect(h.clock.t - T0).toBeLessThan(60_000);
    const seventh = await h.checker.check(ask('https://site7.example.com/', { trigger: 'user' }));
    expect(h.take()).toEqual([]);
    expect(source(seventh, 'checkHost')?.reason?.code).toBe('rate-limited');
    expect(seventh.verdict).toBe('unknown');

    h.clock.t = T0 + 61_000;
    const later = await h.checker.check(ask('https://site8.example.com/'));
    expect(h.take().filter(isCheckHostStart)).toHaveLength(1);
    expect(later.verdict).toBe('down-for-everyone');
  });

  it('a burst of concurrent checks over different hosts cannot exceed the limit either', async () => {
    const h = harness({ route: world({ checkHost: 'down' }), settings: onlyCheckHost });
    const reports = await Promise.all(Array.from({ length: 10 }, (_, i) => h.checker.check(ask(`https://burst${i}.example.com/`))));
    expect(h.urls.filter(isCheckHostStart).length).toBeLessThanOrEqual(6);
    expect(reports.filter((r) => source(r, 'checkHost')?.reason?.code === 'rate-limited').length).toBeGreaterThanOrEqual(4);
  });

  it("a provider's 429 with Retry-After 120 s holds it back for 120 s, then allows it again", async () => {
    const h = harness({ route: world({ checkHost: fail('rate-limited', { status: 429, retryAfterMs: 120_000 }) }), settings: onlyCheckHost });
    const first = await h.checker.check(ask('https://a.example.com/'));
    expect(source(first, 'checkHost')?.reason?.code).toBe('rate-limited');
    expect(h.take().filter(isCheckHostStart)).toHaveLength(1);
    expect(h.memory().limits.checkHost?.blockedUntil).toBe(first.checkedAt + 120_000);

    h.setRoute(world({ checkHost: 'down' }));
    h.clock.t = first.checkedAt + 119_000;
    const held = await h.checker.check(ask('https://b.example.com/', { trigger: 'user' }));
    expect(h.take()).toEqual([]);
    expect(source(held, 'checkHost')?.reason).toEqual({ code: 'rate-limited', detail: 'provider asked to wait; 1 s left' });

    h.clock.t = first.checkedAt + 121_000;
    const again = await h.checker.check(ask('https://c.example.com/', { trigger: 'user' }));
    expect(h.take().filter(isCheckHostStart)).toHaveLength(1);
    expect(again.verdict).toBe('down-for-everyone');
  });

  it('a 429 without Retry-After backs off 60 s; a huge Retry-After is capped at an hour', async () => {
    const h = harness({ route: world({ checkHost: fail('rate-limited', { status: 429 }) }), settings: onlyCheckHost });
    const first = await h.checker.check(ask('https://a.example.com/'));
    expect(h.memory().limits.checkHost?.blockedUntil).toBe(first.checkedAt + 60_000);

    h.clock.t = first.checkedAt + 61_000;
    h.setRoute(world({ checkHost: fail('rate-limited', { status: 429, retryAfterMs: 10 * 24 * 60 * 60_000 }) }));
    const second = await h.checker.check(ask('https://b.example.com/'));
    expect(h.take().filter(isCheckHostStart)).toHaveLength(2);
    expect(h.memory().limits.checkHost?.blockedUntil).toBe(second.checkedAt + 60 * 60_000);
  });

  it('a provider held back by its limit does not hold back the others', async () => {
    const h = harness({ route: world({ checkHost: fail('rate-limited', { status: 429, retryAfterMs: 120_000 }), pages: { 'https://status.example.com': 'major' } }) });
    await h.checker.check(ask('https://a.example.com/'));
    h.take();
    h.clock.t += 10_000;
    const r = await h.checker.check(ask('https://b.example.com/', { trigger: 'user' }));
    expect(h.take()).toEqual(['https://status.example.com/api/v2/summary.json']);
    expect(source(r, 'statusPage')?.verdict).toBe('down-for-everyone');
  });
});

describe('deadline and failing providers', () => {
  /** An HttpClient answer that never comes, except as "stopped" when the check's signal aborts. */
  const hang: Route = (_url, signal) =>
    new Promise<HttpResult>((resolve) => {
      const stop = () => resolve({ ok: false, reason: { code: 'timeout', detail: 'check was stopped' } });
      if (signal?.aborted) stop();
      else signal?.addEventListener('abort', stop, { once: true });
    });

  it('providers that wait for the network until the deadline → unknown timeout, resolved around the deadline', async () => {
    const h = harness({ route: hang, realTime: true, deadlineMs: 200 });
    const started = Date.now();
    const r = await h.checker.check(ask('https://www.example.com/', { trigger: 'user', gateway: cloudflare }));
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(180);
    expect(took).toBeLessThan(2_000);
    expect(r.verdict).toBe('unknown');
    expect(source(r, 'checkHost')?.reason?.code).toBe('timeout');
    expect(source(r, 'cdnStatus')?.reason?.code).toBe('timeout');
    expect(h.memory().statusPages['example.com']).toBeUndefined();
  });

  it('a provider that never resolves (ignoring the signal) still ends the check at the deadline as unknown timeout', async () => {
    const stuck: StatusProvider = { id: 'custom', applies: () => true, check: () => new Promise(() => undefined) };
    const h = harness({
      route: world({ checkHost: 'down' }),
      realTime: true,
      deadlineMs: 200,
      providers: [checkHostProvider, stuck],
      settings: settingsWith({ providers: { custom: true } }),
    });
    const started = Date.now();
    const r = await Promise.race([
      h.checker.check(ask('https://www.example.com/', { trigger: 'user' })),
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 3_000)),
    ]);
    expect(r).not.toBe('hung');
    if (r === 'hung') return;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(source(r, 'custom')?.reason?.code).toBe('timeout');
  }, 10_000);

  it('a provider that throws yields unknown; the check resolves with the others', async () => {
    const throwing: StatusProvider = {
      id: 'custom',
      applies: () => true,
      check: async () => {
        throw new TypeError('boom');
      },
    };
    const syncThrowing: StatusProvider = {
      id: 'cdnStatus',
      applies: () => true,
      check: () => {
        throw new Error('sync boom');
      },
    };
    const h = harness({
      route: world({ checkHost: 'down' }),
      providers: [checkHostProvider, throwing, syncThrowing],
      settings: settingsWith({ providers: { custom: true } }),
    });
    const r = await h.checker.check(ask('https://www.example.com/'));
    expect(r.verdict).toBe('down-for-everyone');
    expect(source(r, 'custom')?.verdict).toBe('unknown');
    expect(source(r, 'custom')?.reason).toEqual({ code: 'invalid-answer', detail: 'TypeError: boom' });
    expect(source(r, 'cdnStatus')?.reason?.code).toBe('invalid-answer');
    expect(h.warnings.some((w) => w.includes('custom') && w.includes('invalid-answer'))).toBe(true);
  });

  it('a store that fails to save still yields a report, never a rejection', async () => {
    const broken = createStatusChecker({
      http: { getJson: async () => fail('network'), postJson: async () => fail('network') },
      now: () => T0,
      settings: async () => settingsWith(),
      store: {
        load: async () => structuredClone(EMPTY_MEMORY),
        save: async () => {
          throw new Error('quota');
        },
      },
      log: { warn: () => undefined },
      sleep: async () => undefined,
    });
    const r = await broken.check(ask('https://www.example.com/'));
    expect(r.verdict).toBe('unknown');
    expect(r.host).toBe('www.example.com');
  });
});

describe('memory', () => {
  it('stays bounded: 150 hosts → at most MAX_REPORTS reports, the newest kept', async () => {
    const h = harness({ route: world({ checkHost: 'down' }), settings: settingsWith({ providers: { statusPage: false, cdnStatus: false } }) });
    for (let i = 0; i < 150; i++) {
      h.clock.t += 1_000;
      await h.checker.check(ask(`https://host${i}.example.com/`));
    }
    const hosts = Object.keys(h.memory().reports);
    expect(hosts.length).toBeLessThanOrEqual(MAX_REPORTS);
    expect(hosts.length).toBe(MAX_REPORTS);
    expect(hosts).toContain('host149.example.com');
    expect(hosts).not.toContain('host0.example.com');
    expect(h.memory().limits.checkHost!.starts.length).toBeLessThanOrEqual(50);
  });

  it('prune drops expired status pages, caps them, and forgets old starts and past holds', () => {
    const m: StatusMemory = structuredClone(EMPTY_MEMORY);
    for (let i = 0; i < 300; i++) m.statusPages[`d${i}.com`] = { page: null, expiresAt: T0 + 1000 + i };
    m.statusPages['old.com'] = { page: null, expiresAt: T0 - 1 };
    m.limits.checkHost = { starts: [T0 - 120_000, T0 - 30_000, T0 - 1], blockedUntil: T0 - 5 };
    m.limits.statusPage = { starts: [], blockedUntil: T0 + 5_000 };
    prune(m, T0);
    expect(Object.keys(m.statusPages)).toHaveLength(MAX_STATUS_PAGES);
    expect(m.statusPages['old.com']).toBeUndefined();
    expect(m.statusPages['d299.com']).toBeDefined();
    expect(m.statusPages['d0.com']).toBeUndefined();
    expect(m.limits.checkHost).toEqual({ starts: [T0 - 30_000, T0 - 1] });
    expect(m.limits.statusPage!.blockedUntil).toBe(T0 + 5_000);
  });

  it('parseMemory on garbage gives a fresh empty memory', () => {
    for (const raw of [undefined, null, 5, 'x', [], {}, { reports: [] }, { reports: {}, statusPages: {} }, { reports: {}, statusPages: {}, limits: null }, { reports: {}, statusPages: 'x', limits: {} }]) {
      const m = parseMemory(raw);
      expect(m, JSON.stringify(raw)).toEqual({ reports: {}, statusPages: {}, limits: {}, incidents: {} });
      expect(m).not.toBe(EMPTY_MEMORY);
      m.reports.x = {} as StatusReport;
      expect(EMPTY_MEMORY.reports).toEqual({});
    }
  });

  it('parseMemory keeps a valid memory', () => {
    const valid: StatusMemory = {
      reports: {},
      statusPages: {
        'example.com': { page: { base: 'https://status.example.com', vendor: 'statuspage' }, expiresAt: T0 + 1 },
        // A page found through a guess on a name the site does not control keeps that guess (`via`).
        'claude.com': { page: { base: 'https://status.claude.com', vendor: 'statuspage', via: 'https://claude.statuspage.io' }, expiresAt: T0 + 1 },
      },
      limits: { checkHost: { starts: [T0] } },
      incidents: { i1: T0 },
    };
    expect(parseMemory(structuredClone(valid))).toEqual(valid);
  });

  it('parseMemory keeps a stored report whole, and drops one naming an evidence key this version lacks', () => {
    const report: StatusReport = {
      host: 'shop.example.com',
      verdict: 'down-for-everyone',
      sources: [
        {
          provider: 'checkHost',
          verdict: 'down-for-everyone',
          evidence: { key: 'evidenceLocationsDown', subs: ['6', '7', '502'] },
          link: 'https://check-host.net/check-report/1',
          checkedAt: T0,
          locations: { down: 6, up: 1, reported: 7, asked: 7 },
        },
        unknownReport('statusPage', { code: 'rate-limited', detail: 'more than 12 checks in 60 s' }, T0),
      ],
      checkedAt: T0,
      expiresAt: T0 + 60_000,
    };
    const foreign = { ...structuredClone(report), host: 'old.example.com', sources: [{ ...report.sources[0]!, evidence: { key: 'evidenceFromAnotherVersion' } }] };
    expect(parseMemory(structuredClone({ reports: { 'shop.example.com': report, 'old.example.com': foreign } })).reports).toEqual({ 'shop.example.com': report });
  });

  it("each unknown reason's message key is its code in snake case", () => {
    const codes: UnknownReasonCode[] = ['no-consent', 'private-host', 'disabled', 'timeout', 'too-large', 'not-json', 'invalid-answer', 'http-error', 'redirect', 'rate-limited', 'network', 'too-few-locations', 'no-status-page', 'not-applicable', 'no-signal'];
    for (const code of codes) expect(reasonKey(code)).toBe(`reason_${code.replace(/-/g, '_')}`);
  });

  it('malformed entries inside a stored memory never make prune throw', () => {
    const m = parseMemory({ reports: { 'x.com': 5, 'y.com': null }, statusPages: { 'example.com': null, 'b.com': 7 }, limits: { checkHost: {}, statusPage: null, cdnStatus: { starts: 'x' } } });
    expect(() => prune(m, T0)).not.toThrow();
  });

  it('a checker whose stored memory has malformed entries still checks', async () => {
    const h = harness({
      route: world({ checkHost: 'down', pages: { 'https://status.example.com': 'major' } }),
      memory: { reports: { 'www.example.com': null }, statusPages: { 'example.com': null }, limits: { checkHost: {} } },
    });
    const r = await h.checker.check(ask('https://www.example.com/'));
    expect(r.verdict).toBe('down-for-everyone');
    expect(source(r, 'checkHost')?.verdict).toBe('down-for-everyone');
  });
});

describe('which providers are asked', () => {
  it('a provider turned off in settings.statusProviders is not asked', async () => {
    const h = harness({ route: world({ checkHost: 'down', pages: { 'https://status.example.com': 'major' } }), settings: settingsWith({ providers: { checkHost: false } }) });
    const r = await h.checker.check(ask('https://www.example.com/', { gateway: cloudflare }));
    expect(h.urls.some((u) => u.startsWith(CH))).toBe(false);
    expect(source(r, 'checkHost')).toBeUndefined();
    expect(source(r, 'statusPage')?.verdict).toBe('down-for-everyone');

    const g = harness({ route: world({ checkHost: 'down', pages: { 'https://status.example.com': 'major' } }), settings: settingsWith({ providers: { statusPage: false, cdnStatus: false } }) });
    await g.checker.check(ask('https://www.example.com/', { gateway: cloudflare }));
    expect(g.urls.filter(isStatusPage)).toEqual([]);
    expect(g.urls).not.toContain(CF);
  });

  it("Cloudflare's status is asked only when Cloudflare answered", async () => {
    const h = harness({ route: world({ checkHost: 'up', cloudflare: 'major' }), settings: settingsWith({ providers: { statusPage: false } }) });
    const viaCf = await h.checker.check(ask('https://a.example.com/', { gateway: cloudflare, code: 522 }));
    expect(h.take()).toContain(CF);
    // Cloudflare's page speaks for Cloudflare: evidence, never a vote about this site.
    expect(source(viaCf, 'cdnStatus')?.verdict).toBe('unknown');
    expect(source(viaCf, 'cdnStatus')?.evidence).toEqual({ key: 'evidenceCdnMajor', subs: ['Cloudflare'] });
    expect(viaCf.verdict).toBe('up-elsewhere');

    const viaNginx = await h.checker.check(ask('https://b.example.com/', { gateway: nginx }));
    expect(h.take()).not.toContain(CF);
    expect(source(viaNginx, 'cdnStatus')).toBeUndefined();
    const noHeaders = await h.checker.check(ask('https://c.example.com/', { gateway: undefined }));
    expect(h.take()).not.toContain(CF);
    expect(source(noHeaders, 'cdnStatus')).toBeUndefined();
  });

  it('the custom endpoint is asked only when set and switched on, with {host} substituted and URL-encoded', async () => {
    const gatus = [
      { name: 'site', results: [{ success: false, hostname: 'www.example.com' }] },
      // Gatus lists every endpoint it watches: one about another host must not count.
      { name: 'billing', results: [{ success: true, hostname: 'billing.example.net' }] },
    ];
    const kumaRoute = world({ checkHost: 'down', other: (u) => (u.startsWith('https://mon.example.net/') ? ok(gatus) : undefined) });
    const base = { providers: { statusPage: false, cdnStatus: false } } as const;

    const unset = harness({ route: kumaRoute, settings: settingsWith({ providers: { ...base.providers, custom: true }, customEndpoint: null }) });
    await unset.checker.check(ask('https://www.example.com/'));
    expect(unset.urls.some((u) => u.startsWith('https://mon.example.net/'))).toBe(false);

    const off = harness({ route: kumaRoute, settings: settingsWith({ providers: { ...base.providers, custom: false }, customEndpoint: { template: 'https://mon.example.net/{host}', format: 'gatus' } }) });
    await off.checker.check(ask('https://www.example.com/'));
    expect(off.urls.some((u) => u.startsWith('https://mon.example.net/'))).toBe(false);

    const on = harness({
      route: kumaRoute,
      settings: settingsWith({ providers: { ...base.providers, custom: true }, customEndpoint: { template: 'https://mon.example.net/api/v1/endpoints/{host}/statuses?h={host}', format: 'gatus' } }),
    });
    const r = await on.checker.check(ask('https://www.example.com/'));
    expect(on.urls).toContain('https://mon.example.net/api/v1/endpoints/www.example.com/statuses?h=www.example.com');
    expect(source(r, 'custom')?.verdict).toBe('down-for-everyone');
    expect(source(r, 'custom')?.evidence).toEqual({ key: 'evidenceMonitors', subs: ['mon.example.net', '1', '1'] });

    const v6 = harness({
      route: kumaRoute,
      settings: settingsWith({ providers: { ...base.providers, checkHost: false, custom: true }, customEndpoint: { template: 'https://mon.example.net/check/{host}', format: 'gatus' } }),
    });
    await v6.checker.check(ask('http://[2001:4860:4860::8888]:8080/x'));
    expect(v6.urls).toEqual(['https://mon.example.net/check/2001%3A4860%3A4860%3A%3A8888']);
  });
});
