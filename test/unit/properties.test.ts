/**
 * Properties of the pure code over generated input (fast-check shrinks a failure to a minimal case):
 * the incident machine over any sequence of events and clock steps, and the parsers over any string.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { classifyCompletion, readGatewayHeaders } from '../../src/recovery/classify';
import {
  EMPTY_STATE,
  isActive,
  nextWake,
  reduce,
  tabsOf,
  type Effect,
  type RecoveryEvent,
  type RecoveryState,
} from '../../src/recovery/incident-machine';
import { parseRecoveryState } from '../../src/recovery/read-state';
import { parseRetryAfter } from '../../src/shared/retry-after';
import { createSeededRandom, DEFAULT_POLICY, nextDelayMs, type RecoveryPolicy } from '../../src/recovery/schedule';
import { hostMatches, isSamePage, parsePageAddress } from '../../src/shared/page-address';
import { loadSettings } from '../../src/settings/settings';
import { parseMemory } from '../../src/status/checker';
import { createHttpClient } from '../../src/status/http';
import { readNode } from '../../src/status/providers/check-host';
import { gatusCounts, kumaCounts, kumaMonitorsOf } from '../../src/status/providers/custom-endpoint';
import { VENDORS } from '../../src/status/providers/status-page';

const POLICY: RecoveryPolicy = { ...DEFAULT_POLICY, maxVisibleRetries: 3, giveUpAfterMs: 600_000 };
const SITES = ['https://shop.example.com/a', 'https://shop.example.com/b', 'http://news.example.org/', 'https://x.example/'];

/** What a user or the browser can do, as generated steps. */
type Step =
  | { kind: 'error'; tab: number; site: number; method: 'GET' | 'POST' | 'HEAD'; retryAfterMs?: number }
  | { kind: 'answered'; tab: number; site: number }
  | { kind: 'navigate-away'; tab: number }
  | { kind: 'start'; tab: number; site: number; requestId: number }
  | { kind: 'failed'; tab: number; site: number; abort: boolean }
  | { kind: 'close'; tab: number }
  | { kind: 'url-changed'; tab: number; site: number }
  | { kind: 'wait'; ms: number; online: boolean }
  | { kind: 'cancel'; pick: number }
  | { kind: 'retry-now'; tab: number }
  | { kind: 'not-sent'; tab: number }
  | { kind: 'deferred'; tab: number; old: boolean }
  | { kind: 'probe'; pick: number; up: boolean }
  | { kind: 'discard'; tab: number; discarded: boolean }
  | { kind: 'replaced-discarded'; tab: number; newTab: number };

const tab = fc.integer({ min: 0, max: 3 });
const site = fc.integer({ min: 0, max: SITES.length - 1 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('error' as const),
    tab,
    site,
    method: fc.constantFrom('GET' as const, 'POST' as const, 'HEAD' as const),
    retryAfterMs: fc.option(fc.integer({ min: 0, max: 10 ** 9 }), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('answered' as const), tab, site }),
  fc.record({ kind: fc.constant('navigate-away' as const), tab }),
  fc.record({ kind: fc.constant('start' as const), tab, site, requestId: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('failed' as const), tab, site, abort: fc.boolean() }),
  fc.record({ kind: fc.constant('close' as const), tab }),
  fc.record({ kind: fc.constant('url-changed' as const), tab, site }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 400_000 }), online: fc.boolean() }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('retry-now' as const), tab }),
  fc.record({ kind: fc.constant('not-sent' as const), tab }),
  fc.record({ kind: fc.constant('deferred' as const), tab, old: fc.boolean() }),
  fc.record({ kind: fc.constant('probe' as const), pick: fc.nat(), up: fc.boolean() }),
  fc.record({ kind: fc.constant('discard' as const), tab, discarded: fc.boolean() }),
  fc.record({ kind: fc.constant('replaced-discarded' as const), tab, newTab: tab }),
);

function toEvent(s: Step, state: RecoveryState): RecoveryEvent | null {
  const incidents = state.incidents;
  switch (s.kind) {
    case 'error':
      return { type: 'gateway-error', tabId: s.tab, url: SITES[s.site]!, method: s.method, code: 502, gateway: {}, ...(s.retryAfterMs !== undefined ? { retryAfterMs: s.retryAfterMs } : {}) };
    case 'answered':
      return { type: 'main-frame-answered', tabId: s.tab, url: SITES[s.site]!, code: 200 };
    case 'navigate-away':
      return { type: 'main-frame-answered', tabId: s.tab, url: 'https://elsewhere.example.net/', code: 200 };
    case 'start':
      return { type: 'main-frame-start', tabId: s.tab, url: SITES[s.site]!, requestId: String(s.requestId) };
    case 'failed':
      return { type: 'main-frame-failed', tabId: s.tab, url: SITES[s.site]!, error: s.abort ? 'net::ERR_ABORTED' : 'net::ERR_CONNECTION_REFUSED' };
    case 'close':
      return { type: 'tab-closed', tabId: s.tab };
    case 'url-changed':
      return { type: 'tab-url-changed', tabId: s.tab, url: SITES[s.site]! };
    case 'wait':
      return { type: 'due', online: s.online };
    case 'cancel':
      return incidents.length ? { type: 'cancel', incidentId: incidents[s.pick % incidents.length]!.id } : null;
    case 'retry-now':
      return { type: 'retry-now', tabId: s.tab };
    case 'not-sent':
      return { type: 'reload-not-sent', tabId: s.tab };
    case 'deferred':
      // A load that started long ago (past the bound) or just now (the machine never takes a start later than now).
      return { type: 'reload-deferred', tabId: s.tab, loadingSince: s.old ? 0 : Number.MAX_SAFE_INTEGER };
    case 'probe':
      return incidents.length
        ? { type: 'probe-result', incidentId: incidents[s.pick % incidents.length]!.id, outcome: s.up ? { kind: 'answered', code: 200 } : { kind: 'gateway-error', code: 502 } }
        : null;
    case 'discard':
      return { type: 'tab-discarded', tabId: s.tab, discarded: s.discarded };
    case 'replaced-discarded':
      return s.tab === s.newTab ? null : { type: 'tab-replaced-discarded', tabId: s.tab, newTabId: s.newTab };
  }
}

/**
 * What the sub-states promise, beyond the shapes: every state passes the schema and reads back as it was written;
 * a field exists only in the sub-state it belongs to; an awaited reload is of a tab in `reloading`.
 */
function expectSound(state: RecoveryState): void {
  // Read back entry by entry against the schema: nothing dropped, nothing changed.
  const warn = vi.fn();
  expect(parseRecoveryState(JSON.parse(JSON.stringify(state)), { warn }), 'the state passes its schema').toEqual(state);
  expect(warn).not.toHaveBeenCalled();
  const activeOrigins = new Set<string>();
  for (const i of state.incidents) {
    const tabs = tabsOf(state, i.id);
    if (isActive(i)) {
      expect(activeOrigins.has(i.origin), 'one active incident per origin').toBe(false);
      activeOrigins.add(i.origin);
      expect(Number.isFinite(i.nextAt)).toBe(true);
      expect('endedAt' in i || 'notRetriedReason' in i, 'an active incident has not ended').toBe(false);
      expect(tabs.length, 'an active incident has a tab').toBeGreaterThan(0);
      expect(tabs.some((t) => t.status === 'settled'), 'no tab of an active incident is settled').toBe(false);
      if (i.awaiting?.kind === 'reload') {
        expect(state.tabs[String(i.awaiting.tabId)], 'an awaited reload is of a tab of its own, reloading').toMatchObject({ incidentId: i.id, status: 'reloading' });
      }
    } else {
      expect(i.endedAt, 'an ended incident has endedAt').toBeGreaterThanOrEqual(i.startedAt);
      expect([i.nextAt, i.awaiting], 'an ended incident has nothing due').toEqual([null, null]);
      expect('offline' in i, 'an ended incident is not offline').toBe(false);
      expect('notRetriedReason' in i, 'only a not-retried incident says why').toBe(i.phase === 'not-retried');
      // Only a recovery reloads the tabs of an ended incident (and the user may navigate over that reload).
      if (i.phase !== 'recovered') for (const t of tabs) expect(t.status, 'tabs of an ended incident are settled').toBe('settled');
    }
  }
  for (const t of Object.values(state.tabs)) {
    expect('navigatingSince' in t, 'only a navigating tab has navigatingSince').toBe(t.status === 'navigating');
    expect(t.status === 'settled' && 'requestId' in t, 'a settled tab is owned by no request').toBe(false);
    expect(state.incidents.some((i) => i.id === t.incidentId), 'a tab belongs to an incident that exists').toBe(true);
  }
}

describe('incident machine properties', () => {
  it('after any event sequence every state is sound: it passes the schema, and each sub-state holds only its own fields', () => {
    fc.assert(
      // Long sequences: the sub-state changes worth checking (a user's navigation that fails, say) take a few steps.
      fc.property(fc.array(step, { minLength: 20, maxLength: 120 }), fc.integer(), (steps, seed) => {
        const random = createSeededRandom(seed);
        let state: RecoveryState = structuredClone(EMPTY_STATE);
        let now = 1_700_000_000_000;
        const apply = (event: RecoveryEvent): Effect[] => {
          const t = reduce(state, event, { now, policy: POLICY, random });
          state = t.state;
          expectSound(state);
          return t.effects;
        };
        for (const s of steps) {
          if (s.kind === 'wait') now += s.ms;
          const event = toEvent(s, state);
          if (event !== null) apply(event);
        }
        for (let guard = 0; nextWake(state) !== null && guard < 1_000; guard++) {
          now = Math.max(now, nextWake(state)!);
          for (const e of apply({ type: 'due', online: true })) {
            if (e.type === 'probe') apply({ type: 'probe-result', incidentId: e.incidentId, outcome: { kind: 'network-error', reason: 'down' } });
            if (e.type === 'reload') {
              apply({ type: 'main-frame-start', tabId: e.tabId, url: e.url, requestId: `r${guard}` });
              apply({ type: 'gateway-error', tabId: e.tabId, url: e.url, method: 'GET', code: 502, gateway: {}, requestId: `r${guard}` });
            }
          }
        }
      }),
      { numRuns: 100 },
    );
  }, 60_000);

  it('never reloads a tab the user left or a POST result, never exceeds the cap, never schedules a bad wake, and always ends', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.integer(), (steps, seed) => {
        const random = createSeededRandom(seed);
        let state: RecoveryState = structuredClone(EMPTY_STATE);
        let now = 1_700_000_000_000;
        /** Tabs the user took away from a failed page (or that show a POST result), until they fail again with a GET. */
        const off = new Set<number>();
        const apply = (event: RecoveryEvent): Effect[] => {
          const t = reduce(state, event, { now, policy: POLICY, random });
          state = t.state;
          return t.effects;
        };
        for (const s of steps) {
          if (s.kind === 'wait') now += s.ms;
          const event = toEvent(s, state);
          if (event === null) continue;
          // A user navigation elsewhere, a closed tab or a POST result: this tab must not be reloaded by us.
          if (s.kind === 'navigate-away' || s.kind === 'close' || (s.kind === 'error' && s.method === 'POST')) off.add(s.tab);
          if (s.kind === 'error' && s.method !== 'POST') off.delete(s.tab);
          // The user's own click asks for a reload of what the tab shows, so it is not ours to forbid.
          if (s.kind === 'retry-now') continue;
          const effects = apply(event);
          for (const e of effects) if (e.type === 'reload') expect(off.has(e.tabId), `reloaded tab ${e.tabId} after it was left`).toBe(false);
          const wake = nextWake(state);
          if (wake !== null) {
            expect(Number.isFinite(wake)).toBe(true);
            expect(wake).toBeGreaterThanOrEqual(now);
          }
          for (const i of state.incidents) {
            expect(i.attempts).toBeLessThanOrEqual(POLICY.maxVisibleRetries + 1);
            if (i.method === 'POST') expect(i.phase).toBe('not-retried');
            if (isActive(i)) expect(i.nextAt).not.toBeNull();
          }
        }
        // Let the clock run with the site down: every incident must end by itself.
        for (let guard = 0; nextWake(state) !== null; guard++) {
          expect(guard).toBeLessThan(1_000);
          now = Math.max(now, nextWake(state)!);
          for (const e of apply({ type: 'due', online: true })) {
            if (e.type === 'probe') apply({ type: 'probe-result', incidentId: e.incidentId, outcome: { kind: 'network-error', reason: 'down' } });
            if (e.type === 'reload') apply({ type: 'gateway-error', tabId: e.tabId, url: e.url, method: 'GET', code: 502, gateway: {} });
          }
        }
        expect(state.incidents.some(isActive)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("while the user's pause holds nothing goes out but what the user asks for; the wake waits for its end; then all ends", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.integer(), fc.integer({ min: 0, max: 900_000 }), (steps, seed, pauseMs) => {
        const random = createSeededRandom(seed);
        let state: RecoveryState = structuredClone(EMPTY_STATE);
        let now = 1_700_000_000_000;
        const until = now + pauseMs;
        const apply = (event: RecoveryEvent): Effect[] => {
          const t = reduce(state, event, { now, policy: POLICY, random, ...(until > now ? { pausedUntil: until } : {}) });
          state = t.state;
          return t.effects;
        };
        for (const s of steps) {
          if (s.kind === 'wait') now += s.ms;
          const event = toEvent(s, state);
          if (event === null) continue;
          const effects = apply(event);
          if (until > now && s.kind !== 'retry-now') {
            const sent = effects.filter((e) => e.type === 'reload' || e.type === 'probe' || e.type === 'compare-cookieless');
            expect(sent, `sent during the pause, on ${s.kind}`).toEqual([]);
          }
          const wake = nextWake(state, until > now ? until : undefined);
          if (wake !== null) expect(wake).toBeGreaterThanOrEqual(Math.max(now, until > now ? until : now));
        }
        expectSound(state);
        for (let guard = 0; nextWake(state, until > now ? until : undefined) !== null; guard++) {
          expect(guard).toBeLessThan(1_000);
          now = Math.max(now, nextWake(state, until > now ? until : undefined)!);
          for (const e of apply({ type: 'due', online: true })) {
            if (e.type === 'probe') apply({ type: 'probe-result', incidentId: e.incidentId, outcome: { kind: 'network-error', reason: 'down' } });
            if (e.type === 'reload') apply({ type: 'gateway-error', tabId: e.tabId, url: e.url, method: 'GET', code: 502, gateway: {} });
          }
        }
        expect(state.incidents.some(isActive)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('the delay is finite, non-negative and at most the larger of the ceiling and the Retry-After cap', () => {
    fc.assert(
      fc.property(fc.double(), fc.double(), fc.option(fc.double(), { nil: undefined }), (failures, r, retryAfter) => {
        const d = nextDelayMs(failures, DEFAULT_POLICY, () => r, retryAfter);
        expect(Number.isFinite(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(Math.max(DEFAULT_POLICY.ceilingMs * (1 + DEFAULT_POLICY.jitter), DEFAULT_POLICY.retryAfterMaxMs));
      }),
    );
  });
});

describe('parsers never throw on any input', () => {
  it('Retry-After: any string gives a delay >= 0 or a reason', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), fc.integer({ min: 0, max: 4e12 }), (value, now) => {
        const r = parseRetryAfter(value, now);
        if (r.ok) expect(r.delayMs).toBeGreaterThanOrEqual(0);
        else expect(r.reason.length).toBeGreaterThan(0);
      }),
    );
  });

  it('headers: any names and values are read without throwing, values cleaned and capped', () => {
    const header = fc.record({ name: fc.string({ unit: 'binary' }), value: fc.option(fc.string({ unit: 'binary', maxLength: 5000 }), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(header), (headers) => {
        const info = readGatewayHeaders(headers);
        for (const v of Object.values(info)) {
          expect(v.length).toBeLessThanOrEqual(200);
          expect(v).not.toMatch(/[\u0000-\u001f\u007f]/);
        }
      }),
    );
  });

  it('URLs and hosts: any string is parsed or refused, never thrown on', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.webUrl({ withQueryParameters: true, withFragments: true })), fc.string(), (url, pattern) => {
        const a = parsePageAddress(url);
        if (a !== null) expect(a.page.includes('#')).toBe(false);
        expect(typeof isSamePage(url, url)).toBe('boolean');
        expect(typeof hostMatches(url, pattern)).toBe('boolean');
        const c = classifyCompletion({ url, method: 'GET', statusCode: 502, type: 'main_frame', tabId: 1 }, { nowMs: 0 });
        expect(['ignore', 'gateway-error']).toContain(c.action);
      }),
    );
  });

  it('provider answers: any JSON is read as a verdict or refused, never thrown on, never "up" from a refusal', () => {
    const json = fc.oneof(fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue()), fc.array(fc.jsonValue()));
    fc.assert(
      fc.property(json, fc.string(), (answer, host) => {
        const node = readNode(answer);
        expect(node === null || typeof node.up === 'boolean').toBe(true);
        for (const vendor of VENDORS) {
          const state = vendor.read(answer);
          expect(typeof state === 'string' || typeof state.invalid === 'string').toBe(true);
        }
        for (const counts of [gatusCounts(answer, host), kumaCounts(answer, ['1', '2'])]) {
          if ('invalid' in counts) expect(typeof counts.invalid).toBe('string');
          else expect(counts.up + counts.down).toBeGreaterThanOrEqual(0);
        }
        const monitors = kumaMonitorsOf(answer, host);
        if ('invalid' in monitors) expect(typeof monitors.invalid).toBe('string');
        else expect(Array.isArray(monitors.ids)).toBe(true);
        const memory = parseMemory(answer);
        expect(Object.keys(memory).sort()).toEqual(['incidents', 'limits', 'reports', 'statusPages']);
      }),
    );
  });

  it('status answers over a real fetch: any body is read as JSON or refused with a reason, never thrown on', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'binary' }), fc.json()), fc.integer({ min: 200, max: 599 }), async (body, status) => {
        const http = createHttpClient({ fetch: async () => new Response(body, { status }), now: () => 0 });
        const r = await http.getJson('https://provider.example/x');
        if (!r.ok) expect(r.reason.detail.length).toBeGreaterThan(0);
        else expect(status).toBeLessThan(300);
      }),
      { numRuns: 200 },
    );
  });

  it('settings: any stored JSON yields valid settings', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (stored, managed) => {
        const { settings } = loadSettings(stored, managed);
        expect(Array.isArray(settings.codes)).toBe(true);
        expect(Number.isInteger(settings.maxVisibleRetries)).toBe(true);
        expect(['every-change', 'back-only', 'never']).toContain(settings.notify);
      }),
    );
  });
});
