/**
 * Reading the recovery state back from storage: a malformed entry is dropped alone (with a warning) and the rest
 * keeps working; nothing stored, however odd, makes the read throw.
 */
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it, vi } from 'vitest';
import { EMPTY_STATE, nextWake, reduce, type RecoveryEvent, type RecoveryState } from '../../src/recovery/incident-machine';
import { parseRecoveryState } from '../../src/recovery/read-state';
import { createSeededRandom, DEFAULT_POLICY } from '../../src/recovery/schedule';
import { RECOVERY_STATE } from '../../src/recovery/state-schema';

const NOW = 1_700_000_000_000;
const random = createSeededRandom(7);
const send = (state: RecoveryState, event: RecoveryEvent, now = NOW) => reduce(state, event, { now, policy: DEFAULT_POLICY, random });
const error = (tabId: number, url: string): RecoveryEvent => ({ type: 'gateway-error', tabId, url, method: 'GET', code: 502, gateway: { server: 'nginx' } });

/** Three sites down, one tab each (tabs 1, 2, 3), as the machine wrote them. */
function threeIncidents(): RecoveryState {
  let state = structuredClone(EMPTY_STATE);
  for (const [tabId, url] of [[1, 'https://a.example/'], [2, 'https://b.example/'], [3, 'https://c.example/']] as const) {
    state = send(state, error(tabId, url)).state;
  }
  return state;
}

/** The state as storage gives it back: plain JSON, anything may have been written there. */
function stored(state: RecoveryState): Record<string, unknown> {
  return JSON.parse(JSON.stringify(state)) as Record<string, unknown>;
}

function read(raw: unknown) {
  const log = { warn: vi.fn() };
  const state = parseRecoveryState(raw, log);
  return { state, warnings: log.warn.mock.calls.map((c) => String(c[0])) };
}

describe('reading the stored recovery state', () => {
  it('reads what the machine wrote as it was, without a warning', () => {
    const state = threeIncidents();
    const { state: back, warnings } = read(stored(state));
    expect(warnings).toEqual([]);
    expect(back).toEqual(state);
  });

  it('nothing stored yet is the empty state, without a warning', () => {
    expect(read(undefined)).toEqual({ state: EMPTY_STATE, warnings: [] });
    expect(read(null)).toEqual({ state: EMPTY_STATE, warnings: [] });
  });

  it('drops one malformed incident and its tab, keeps the others, and later events still work', () => {
    const raw = stored(threeIncidents());
    const incidents = raw.incidents as Record<string, unknown>[];
    const bad = incidents[1]!;
    bad.nextAt = 'soon';
    const { state, warnings } = read(raw);
    expect(state.incidents.map((i) => i.host)).toEqual(['a.example', 'c.example']);
    expect(Object.keys(state.tabs)).toEqual(['1', '3']);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^recovery: stored incident 1 \(nextAt: .+\); dropped$/);
    expect(warnings[1]).toBe('recovery: stored tab 2 (its incident is gone); dropped');
    for (const w of warnings) expect(w.length).toBeLessThan(200);

    // A new error on a kept tab, and the next due step, go on as if nothing had happened.
    const again = send(state, error(1, 'https://a.example/'));
    expect(again.effects).toContainEqual({ type: 'badge', tabId: 1 });
    expect(nextWake(again.state)).toBeLessThan(NOW + 5_000);
    // Past every first retry (about 1 s each, with jitter).
    const at = NOW + 5_000;
    const due = send(again.state, { type: 'due', online: true }, at);
    expect(due.effects.filter((e) => e.type === 'reload').map((e) => e.type === 'reload' && e.tabId).sort()).toEqual([1, 3]);
    // The dropped site is a new incident when its tab errs again.
    const b = send(due.state, error(2, 'https://b.example/'), at);
    expect(b.state.incidents.filter((i) => i.host === 'b.example' && i.phase === 'retrying')).toHaveLength(1);
  });

  it('drops a tab on its own when only the tab is malformed; its incident, left with no tab, ends at its next step', () => {
    const raw = stored(threeIncidents());
    (raw.tabs as Record<string, Record<string, unknown>>)['2']!.status = 'lost';
    const { state, warnings } = read(raw);
    expect(Object.keys(state.tabs)).toEqual(['1', '3']);
    expect(state.incidents).toHaveLength(3);
    expect(warnings).toEqual([expect.stringMatching(/^recovery: stored tab 2 \(status: .+\); dropped$/)]);
    const due = send(state, { type: 'due', online: true }, NOW + 5_000);
    expect(due.state.incidents.find((i) => i.host === 'b.example')?.phase).toBe('abandoned');
    expect(due.effects.filter((e) => e.type === 'reload').map((e) => e.type === 'reload' && e.tabId).sort()).toEqual([1, 3]);
  });

  it('drops what contradicts its phase or status: an ended incident still due, a settled tab keyed wrong', () => {
    const raw = stored(threeIncidents());
    const incidents = raw.incidents as Record<string, unknown>[];
    Object.assign(incidents[0]!, { phase: 'recovered', endedAt: NOW });
    incidents.push({ ...incidents[2]!, id: 'incident-copy' });
    const tabs = raw.tabs as Record<string, unknown>;
    tabs['9'] = tabs['3'];
    const { state, warnings } = read(raw);
    expect(state.incidents.map((i) => i.host)).toEqual(['b.example', 'c.example']);
    expect(Object.keys(state.tabs)).toEqual(['2', '3']);
    expect(warnings).toEqual([
      expect.stringMatching(/^recovery: stored incident 0 \(nextAt: .+\); dropped$/),
      'recovery: stored incident 3 (a second active one for its origin); dropped',
      'recovery: stored tab 1 (its incident is gone); dropped',
      'recovery: stored tab 9 (keyed other than its tab id); dropped',
    ]);
  });

  it.each<[string, unknown]>([
    ['a string', 'state'],
    ['a number', 42],
    ['a list', [1, 2]],
    ['no incidents list', { incidents: {}, tabs: {} }],
    ['tabs as a list', { incidents: [], tabs: [] }],
  ])('garbage at the top level (%s) starts over empty, with a warning', (_, raw) => {
    const { state, warnings } = read(raw);
    expect(state).toEqual(EMPTY_STATE);
    expect(warnings).toEqual(['recovery: stored state has an unknown shape; starting over']);
  });

  it('reads the gateway info of every version: without party (older), with party and ownError, with a party it does not know', () => {
    const raw = stored(threeIncidents());
    const incidents = raw.incidents as Record<string, unknown>[];
    incidents[0]!.gateway = { server: 'nginx' };
    incidents[1]!.gateway = { server: 'squid/5.5', party: 'squid', ownError: 'ERR_CONNECT_FAIL 111' };
    incidents[2]!.gateway = { server: 'nginx', party: 'some-future-party' };
    const { state, warnings } = read(raw);
    expect(warnings).toEqual([]);
    expect(state.incidents.map((i) => i.gateway)).toEqual([
      { server: 'nginx' },
      { server: 'squid/5.5', party: 'squid', ownError: 'ERR_CONNECT_FAIL 111' },
      { server: 'nginx', party: 'some-future-party' },
    ]);
  });

  it('drops an entry whose stored party is not an id (a header value written there by a bad version)', () => {
    const raw = stored(threeIncidents());
    (raw.incidents as Record<string, unknown>[])[0]!.gateway = { party: '__proto__' };
    const { state, warnings } = read(raw);
    expect(state.incidents.map((i) => i.host)).toEqual(['b.example', 'c.example']);
    // The entry, and the tab that belonged to it.
    expect(warnings.length).toBeGreaterThan(0);
  });

  it('hostile values never throw: huge strings, prototype keys, deep nesting, a throwing getter', () => {
    const raw = stored(threeIncidents());
    const incidents = raw.incidents as Record<string, unknown>[];
    incidents[0]!.url = `https://a.example/${'x'.repeat(5_000_000)}`;
    let deep: unknown = {};
    for (let n = 0; n < 100_000; n++) deep = { gateway: deep, server: deep };
    incidents[1]!.gateway = deep;
    incidents.push(JSON.parse('{"__proto__": {"phase": "retrying"}, "constructor": {"prototype": {"polluted": true}}}') as Record<string, unknown>);
    // JSON.parse makes `__proto__` an own key, as a structured clone from storage may.
    raw.tabs = JSON.parse(JSON.stringify(raw.tabs).replace('{', '{"__proto__": {"tabId": 1}, "constructor": 3, "toString": {"status": "waiting"},'));
    const { state, warnings } = read(raw);
    expect(state.incidents.map((i) => i.host)).toEqual(['c.example']);
    expect(Object.keys(state.tabs)).toEqual(['3']);
    expect(warnings.length).toBeGreaterThan(0);
    for (const w of warnings) expect(w.length).toBeLessThan(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(v.is(RECOVERY_STATE, state)).toBe(true);

    const trap = { incidents: [], get tabs(): unknown { throw new Error('trap'); } };
    expect(read(trap)).toEqual({ state: EMPTY_STATE, warnings: ['recovery: stored state could not be read; starting over'] });
  });

  it('many bad entries: a few warnings one by one, the rest counted', () => {
    const raw = stored(threeIncidents());
    const incidents = raw.incidents as unknown[];
    for (let n = 0; n < 50; n++) incidents.push({ id: n });
    const { state, warnings } = read(raw);
    expect(state.incidents).toHaveLength(3);
    expect(warnings).toHaveLength(6);
    expect(warnings.at(-1)).toBe('recovery: 45 more stored entries dropped');
  });

  it('any stored value gives a state that passes the schema, and never throws', () => {
    const sound = stored(threeIncidents());
    const entry = fc.oneof(fc.jsonValue(), fc.constantFrom(...(sound.incidents as unknown[])));
    const raw = fc.oneof(
      fc.anything(),
      fc.record({ incidents: fc.array(entry), tabs: fc.dictionary(fc.string(), fc.jsonValue()), subresourceErrors: fc.jsonValue() }),
      fc.record({ incidents: fc.constant(sound.incidents), tabs: fc.dictionary(fc.constantFrom('1', '2', '3', '__proto__'), fc.jsonValue()) }),
    );
    fc.assert(
      fc.property(raw, (value) => {
        const { state } = read(value);
        expect(v.is(RECOVERY_STATE, state)).toBe(true);
        for (const t of Object.values(state.tabs)) expect(state.incidents.some((i) => i.id === t.incidentId)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('reading incidents stored before and after the browser facts (connection, cookieless)', () => {
  /** An active incident exactly as version 633cdbf wrote it: no `connection`, no `cookieless`. */
  const OLD = {
    incidents: [
      {
        id: 'incident-old-1',
        origin: 'https://shop.example.com',
        host: 'shop.example.com',
        url: 'https://shop.example.com/cart',
        code: 502,
        method: 'GET',
        gateway: { server: 'nginx' },
        startedAt: NOW,
        attempts: 1,
        probes: 0,
        phase: 'retrying',
        nextAt: NOW + 2_000,
        awaiting: null,
      },
    ],
    tabs: { '4': { tabId: 4, incidentId: 'incident-old-1', url: 'https://shop.example.com/cart', since: NOW, status: 'waiting' } },
  };

  it('an incident stored by the older version still parses, without a warning', () => {
    const { state, warnings } = read(OLD);
    expect(warnings).toEqual([]);
    expect(state.incidents).toHaveLength(1);
    expect(state.incidents[0]!.connection).toBeUndefined();
    expect(state.incidents[0]!.cookieless).toBeUndefined();
  });

  it('keeps valid browser facts, and drops an incident whose facts are not what the schema allows', () => {
    const good = structuredClone(OLD);
    Object.assign(good.incidents[0]!, {
      connection: { ip: '2001:db8::7', proxy: { type: 'http', host: 'proxy.corp', port: 3128 } },
      cookieless: { result: 'normal', code: 200, at: NOW + 500, confirmedAt: NOW + 1_500 },
    });
    const { state, warnings } = read(good);
    expect(warnings).toEqual([]);
    expect(state.incidents[0]!.connection?.proxy?.port).toBe(3128);
    expect(state.incidents[0]!.cookieless?.result).toBe('normal');

    for (const bad of [
      { connection: { ip: 'not-an-ip' } },
      { connection: { ip: '10.0.0.5', proxy: { type: 'direct' } } },
      { connection: { proxy: { type: 'http', host: '<script>' } } },
      { cookieless: { result: 'up', at: NOW } },
      { cookieless: { result: 'normal', code: 1000, at: NOW } },
    ]) {
      const raw = structuredClone(OLD);
      Object.assign(raw.incidents[0]!, bad);
      const r = read(raw);
      expect(r.state.incidents, JSON.stringify(bad)).toEqual([]);
      expect(r.state.tabs).toEqual({});
      expect(r.warnings.length).toBeGreaterThan(0);
    }
  });

  it('what the machine writes with the facts passes its own schema', () => {
    let state = send(structuredClone(EMPTY_STATE), { ...error(1, 'https://a.example/'), connection: { ip: '192.0.2.1' } } as RecoveryEvent).state;
    state = send(state, { type: 'cookieless-result', incidentId: state.incidents[0]!.id, answer: { kind: 'answered', code: 0, challenge: false } }).state;
    expect(v.safeParse(RECOVERY_STATE, stored(state)).success).toBe(true);
    expect(read(stored(state)).state).toEqual(state);
  });
});
