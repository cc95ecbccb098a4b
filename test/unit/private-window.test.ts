/**
 * Private windows stay private (issue 15, point 3) in the pure rules: incidents keyed by origin and private-ness, no
 * probe or cookieless comparison for a private window's incident, nothing of it left once its tabs or the last
 * private window closed, its notification naming no site; and the notification limit across incidents (point 4).
 */
import { describe, expect, it } from 'vitest';
import { createMachineSim } from './machine-sim';
import fc from 'fast-check';
import {
  MAX_RELOADS_PER_HOUR,
  withoutPrivate,
  type Effect,
  type Incident,
  type RecoveryEvent,
  } from '../../src/recovery/incident-machine';
import { parseRecoveryState } from '../../src/recovery/read-state';
import type { RecoveryPolicy } from '../../src/recovery/schedule';
import { describeIncident, notificationWords, type I18nText } from '../../src/view/notification';
import { recordEnded } from '../../src/history/history';
import { decidePop, MAX_POP_RECORDS, parsePopLog, POP_WINDOW_MS, POPS_OVERALL, POPS_PER_DOMAIN, POPS_PER_TAB, withoutPrivatePops, type PopLog } from '../../src/view/notification-limit';
import { downForEveryone, shopIncident } from './incident-fixture';
import { getMessage } from '../locale';

const URL_A = 'https://shop.example.com/cart?id=1';
const T0 = 1_700_000_000_000;

const createSim = (policy: Partial<RecoveryPolicy> = {}) => createMachineSim({ policy, seed: 3, start: T0 });

const error = (tabId: number, incognito: boolean, extra: Partial<Extract<RecoveryEvent, { type: 'gateway-error' }>> = {}): RecoveryEvent => ({
  type: 'gateway-error',
  tabId,
  url: URL_A,
  method: 'GET',
  code: 502,
  gateway: { server: 'nginx' },
  ...(incognito ? { incognito: true } : {}),
  ...extra,
});
const ofKind = <K extends Effect['type']>(effects: Effect[], type: K) => effects.filter((e): e is Extract<Effect, { type: K }> => e.type === type);
const render = (t: I18nText): string => getMessage(t.key, t.subs?.map((s) => (typeof s === 'string' ? s : render(s))));

describe('private windows: incidents', () => {
  it('a private tab and a normal tab of one site never share an incident', () => {
    const sim = createSim();
    sim.send(error(1, false));
    sim.send(error(2, true));
    expect(sim.state.incidents).toHaveLength(2);
    const [normal, priv] = sim.state.incidents;
    expect(normal!.incognito).toBeUndefined();
    expect(priv!.incognito).toBe(true);
    expect(sim.state.tabs['1']!.incidentId).toBe(normal!.id);
    expect(sim.state.tabs['2']!.incidentId).toBe(priv!.id);
    // A second private tab of the site joins the private one, a second normal tab the normal one.
    sim.send(error(3, true));
    sim.send(error(4, false));
    expect(sim.state.incidents).toHaveLength(2);
    expect(sim.state.tabs['3']!.incidentId).toBe(priv!.id);
    expect(sim.state.tabs['4']!.incidentId).toBe(normal!.id);
  });

  it('a private incident is never compared without cookies and never probed: in watch mode its tab is reloaded', () => {
    const sim = createSim({ maxVisibleRetries: 1 });
    const opened = sim.send(error(2, true));
    expect(ofKind(opened, 'compare-cookieless')).toEqual([]);
    const all: Effect[] = [...opened];
    for (let i = 0; i < 6; i++) {
      all.push(...sim.wake());
      const incident = sim.state.incidents[0]!;
      if (incident.awaiting?.kind === 'reload') all.push(...sim.send(error(2, true)));
    }
    expect(sim.state.incidents[0]!.phase).toBe('watching');
    expect(ofKind(all, 'probe')).toEqual([]);
    expect(ofKind(all, 'compare-cookieless')).toEqual([]);
    expect(ofKind(all, 'reload').length).toBeGreaterThanOrEqual(6);
    expect(sim.state.incidents[0]!.probes).toBe(0);
  });

  it('the same steps for a normal tab probe (the rule above is about private-ness, nothing else)', () => {
    const sim = createSim({ maxVisibleRetries: 1 });
    const all = [...sim.send(error(1, false))];
    for (let i = 0; i < 6; i++) {
      all.push(...sim.wake());
      const incident = sim.state.incidents[0]!;
      if (incident.awaiting?.kind === 'reload') all.push(...sim.send(error(1, false)));
      if (incident.awaiting?.kind === 'probe') all.push(...sim.send({ type: 'probe-result', incidentId: incident.id, outcome: { kind: 'gateway-error', code: 502 } }));
    }
    expect(ofKind(all, 'compare-cookieless')).toHaveLength(1);
    expect(ofKind(all, 'probe').length).toBeGreaterThan(0);
  });

  it('a private incident whose tabs are all discarded waits without a request', () => {
    const sim = createSim();
    sim.send(error(2, true));
    sim.send({ type: 'tab-discarded', tabId: 2, discarded: true });
    const effects = sim.wake();
    expect(ofKind(effects, 'probe')).toEqual([]);
    expect(ofKind(effects, 'reload')).toEqual([]);
    const incident = sim.state.incidents[0]!;
    expect(incident.awaiting).toBeNull();
    expect(incident.nextAt).toBeGreaterThan(sim.now);
  });

  it('the hourly reload cap counts a private window apart, and past it the private incident waits without a probe', () => {
    const sim = createSim({ maxVisibleRetries: 20 });
    sim.send(error(1, false));
    sim.send(error(2, true));
    let guard = 0;
    while (sim.state.incidents.find((i) => i.incognito === true)?.quiet !== 'reload-cap' && guard++ < 100) {
      const effects = sim.wake();
      expect(ofKind(effects, 'probe').filter((p) => p.incidentId === sim.state.incidents[1]!.id)).toEqual([]);
      for (const r of ofKind(effects, 'reload')) sim.send(error(r.tabId, r.tabId === 2));
      for (const p of ofKind(effects, 'probe')) sim.send({ type: 'probe-result', incidentId: p.incidentId, outcome: { kind: 'gateway-error', code: 502 } });
    }
    const reloads = sim.state.reloads ?? [];
    expect(reloads.filter((r) => r.incognito === true)).toHaveLength(MAX_RELOADS_PER_HOUR);
    const priv = sim.state.incidents.find((i) => i.incognito === true)!;
    expect(priv.awaiting).toBeNull();
    expect(priv.phase).toBe('watching');
  });

  it('"Tell me when it\'s back" is refused for a private incident, and it ends with its last tab', () => {
    const sim = createSim();
    sim.send(error(2, true));
    sim.send({ type: 'keep-watching', tabId: 2 });
    expect(sim.state.incidents[0]!.keepWatching).toBeUndefined();
    sim.send({ type: 'tab-closed', tabId: 2 });
    // Ended and gone at once: no tab of it is left to look at it.
    expect(sim.state.incidents).toEqual([]);
    expect(sim.state.reloads ?? []).toEqual([]);
  });

  it('a recovered private incident stays while its tab shows the site, and goes once the tab moves on', () => {
    const sim = createSim();
    sim.send(error(2, true));
    sim.wake();
    sim.send({ type: 'main-frame-answered', tabId: 2, url: URL_A, code: 200 });
    expect(sim.state.incidents[0]!.phase).toBe('recovered');
    sim.advance(1_000);
    // A new error within the reopen window continues it (no loop), as for a normal tab.
    sim.send(error(2, true));
    expect(sim.state.incidents.map((i) => i.reopened)).toEqual([1]);
    sim.wake();
    sim.send({ type: 'main-frame-answered', tabId: 2, url: URL_A, code: 200 });
    sim.send({ type: 'main-frame-start', tabId: 2, url: 'https://elsewhere.example.org/' });
    sim.send({ type: 'main-frame-answered', tabId: 2, url: 'https://elsewhere.example.org/', code: 200 });
    expect(sim.state.incidents).toEqual([]);
  });
});

describe('private windows: nothing of them outlives them', () => {
  it('the last private window closing drops private incidents, their tabs, frames and reloads, and clears their notifications', () => {
    const sim = createSim();
    sim.send(error(1, false));
    // Nothing private: the event changes nothing (the same object: nothing is written).
    const before = sim.state;
    expect(sim.send({ type: 'private-windows-closed' })).toEqual([]);
    expect(sim.state).toBe(before);
    expect(withoutPrivate(sim.state)).toBe(sim.state);
    sim.send(error(2, true));
    sim.send({ type: 'subresource-error', tabId: 5, origin: 'https://img.example.net', host: 'img.example.net', code: 502, scope: 'sub-resource', incognito: true });
    sim.send({ type: 'subresource-error', tabId: 6, origin: 'https://cdn.example.org', host: 'cdn.example.org', code: 502, scope: 'sub-resource' });
    sim.wake();
    expect(JSON.stringify(sim.state)).toContain('"incognito":true');
    const privateId = sim.state.incidents.find((i) => i.incognito === true)!.id;
    const effects = sim.send({ type: 'private-windows-closed' });
    expect(JSON.stringify(sim.state)).not.toContain('incognito');
    expect(sim.state.incidents).toHaveLength(1);
    expect(Object.keys(sim.state.tabs)).toEqual(['1']);
    expect(sim.state.subresourceErrors?.map((x) => x.host)).toEqual(['cdn.example.org']);
    // Its notification is redrawn from a state without it: cleared.
    expect(effects).toEqual([{ type: 'notify', incidentId: privateId, pop: false }]);
    // What is left reads back whole.
    expect(parseRecoveryState(JSON.parse(JSON.stringify(sim.state)), { warn: () => {} })).toEqual(sim.state);
  });

  it('any run of events: once the private tabs are closed nothing private is left, and never two active incidents of one site', () => {
    const event = fc.oneof(
      fc.integer({ min: 1, max: 4 }).map((tabId) => error(tabId, false)),
      fc.integer({ min: 1, max: 4 }).map((tabId): RecoveryEvent => ({ type: 'main-frame-answered', tabId, url: URL_A, code: 200 })),
      fc.integer({ min: 1, max: 4 }).map((tabId): RecoveryEvent => ({ type: 'subresource-error', tabId, origin: 'https://img.example.net', host: 'img.example.net', code: 502, scope: 'sub-resource' })),
      fc.integer({ min: 1, max: 4 }).map((tabId): RecoveryEvent => ({ type: 'tab-closed', tabId })),
      fc.constant<RecoveryEvent>({ type: 'due', online: true }),
    );
    /** A tab keeps its window: tabs 3 and 4 are private, 1 and 2 normal. */
    const inWindow = (e: RecoveryEvent): RecoveryEvent =>
      (e.type === 'gateway-error' || e.type === 'subresource-error') && e.tabId >= 3 ? { ...e, incognito: true } : e;
    fc.assert(
      fc.property(fc.array(fc.tuple(event, fc.integer({ min: 0, max: 20_000 })), { maxLength: 40 }), fc.boolean(), (steps, lastWindowEvent) => {
        const sim = createSim();
        for (const [e, wait] of steps) {
          sim.advance(wait);
          sim.send(inWindow(e));
          const active = sim.state.incidents.filter((i) => i.phase === 'retrying' || i.phase === 'watching');
          expect(new Set(active.map((i) => `${i.incognito === true} ${i.origin}`)).size).toBe(active.length);
        }
        // The private window closes: its tabs go one by one, and (or not, the event lost) the last window's own event.
        sim.send({ type: 'tab-closed', tabId: 3 });
        sim.send({ type: 'tab-closed', tabId: 4 });
        expect(JSON.stringify(sim.state)).not.toContain('incognito');
        if (lastWindowEvent) sim.send({ type: 'private-windows-closed' });
        expect(JSON.stringify(sim.state)).not.toContain('incognito');
      }),
      { numRuns: 200 },
    );
  });

  it('read back, a private and a normal active incident of one origin both stay (they are two sites)', () => {
    const normal = shopIncident(T0, { id: 'a', phase: 'retrying' });
    const priv = shopIncident(T0, { id: 'b', phase: 'retrying', incognito: true });
    const warn: string[] = [];
    const state = parseRecoveryState({ incidents: [normal, priv, { ...normal, id: 'c' }], tabs: {} }, { warn: (m: string) => void warn.push(m) });
    expect(state.incidents.map((i) => i.id)).toEqual(['a', 'b']);
    expect(warn.join('\n')).toContain('a second active one for its origin');
  });

  it('the history never records a private incident', () => {
    const ended = shopIncident(T0, { phase: 'recovered', endedAt: T0, nextAt: null, awaiting: null, incognito: true } as Partial<Incident>);
    expect(recordEnded([], ended, { now: T0, retentionDays: 30 })).toEqual([]);
    expect(recordEnded([], { ...ended, incognito: undefined } as Incident, { now: T0, retentionDays: 30 })).toHaveLength(1);
  });
});

describe('private windows: notifications name no site', () => {
  const words = (incident: Incident) => {
    const text = describeIncident(incident, T0, 5, render, downForEveryone(T0));
    return text === null ? null : notificationWords(text, render);
  };

  it('every phase: the words name no host, and carry no verdict; a normal incident names its host', () => {
    const phases: Partial<Incident>[] = [
      { phase: 'retrying', attempts: 1 },
      { phase: 'watching' },
      { phase: 'watching', quiet: 'reload-cap' },
      { phase: 'recovered', endedAt: T0, nextAt: null, awaiting: null },
      { phase: 'gave-up', endedAt: T0, nextAt: null, awaiting: null },
      { phase: 'cancelled', endedAt: T0, nextAt: null, awaiting: null },
      { phase: 'not-retried', notRetriedReason: 'non-get', method: 'POST', endedAt: T0, nextAt: null, awaiting: null },
    ];
    for (const overrides of phases) {
      const priv = words(shopIncident(T0, { ...overrides, incognito: true } as Partial<Incident>));
      const normal = words(shopIncident(T0, overrides as Partial<Incident>));
      expect(priv, overrides.phase).not.toBeNull();
      expect(`${priv!.title}\n${priv!.message}`, overrides.phase).not.toMatch(/shop|example/);
      expect(priv!.title, overrides.phase).toContain(getMessage('notifPrivateSite'));
      expect(normal!.title, overrides.phase).toContain('shop.example.com');
    }
    // The verdict line (a status page's name would name the site) only for the normal one.
    expect(words(shopIncident(T0, { phase: 'retrying', attempts: 1, incognito: true } as Partial<Incident>))!.message).not.toContain('Down for everyone');
    expect(words(shopIncident(T0, { phase: 'retrying', attempts: 1 }))!.message).toContain('Down for everyone');
  });

  it('a private incident in watch mode says its page is reloaded, not checked in the background', () => {
    const text = describeIncident(shopIncident(T0, { incognito: true } as Partial<Incident>), T0, 5, render);
    expect(text?.message.key).toBe('notifWatchingPrivate');
    expect(describeIncident(shopIncident(T0, { incognito: true, quiet: 'reload-cap' } as Partial<Incident>), T0, 5, render)?.message.key).toBe('notifReloadCapPrivate');
  });
});

describe('notification limit across incidents', () => {
  const ask = (incidentId: string, domain: string, incognito = false, tabId: number | null = Number(incidentId.replace(/\D/g, '') || 0)) => ({
    incidentId,
    domain,
    tabId,
    incognito,
  });

  it(`one new pop per registrable domain, ${POPS_PER_TAB} per tab, ${POPS_OVERALL} overall, per minute`, () => {
    let log: PopLog = [];
    const pop = (id: string, domain: string, tabId: number, at: number) => {
      const d = decidePop(log, ask(id, domain, false, tabId), at);
      log = d.log;
      return d.pop;
    };
    expect(POPS_PER_DOMAIN).toBe(1);
    // A site hopping across its subdomains (in one tab or many): one pop a minute.
    expect(pop('a1', 'evil.example', 1, T0)).toBe(true);
    for (let i = 2; i <= 20; i++) expect(pop(`a${i}`, 'evil.example', i % 2 === 0 ? 1 : 100 + i, T0 + i * 100)).toBe(false);
    // One tab sent across registrable domains: up to the per-tab limit.
    for (let i = 1; i < POPS_PER_TAB; i++) expect(pop(`t${i}`, `site${i}.vercel.app`, 1, T0 + 3_000 + i)).toBe(true);
    expect(pop('t9', 'site9.vercel.app', 1, T0 + 4_000)).toBe(false);
    // Many tabs, each its own site: up to the overall limit.
    const used = POPS_PER_TAB;
    for (let i = 0; i < POPS_OVERALL - used; i++) expect(pop(`m${i}`, `m${i}.example`, 200 + i, T0 + 5_000 + i)).toBe(true);
    expect(pop('late', 'late.example', 999, T0 + 6_000)).toBe(false);
    // A minute after the first: the domain may pop again.
    expect(pop('a21', 'evil.example', 1, T0 + POP_WINDOW_MS + 1)).toBe(true);
    expect(pop('a22', 'evil.example', 2, T0 + POP_WINDOW_MS + 2)).toBe(false);
  });

  it('an incident that popped keeps its later pops (back, gave up); one held back asks again', () => {
    let log: PopLog = decidePop([], ask('shop', 'example.com'), T0).log;
    const held = decidePop(log, ask('api', 'example.com'), T0 + 1_000);
    expect(held.pop).toBe(false);
    expect(held.log).toBe(log);
    expect(decidePop(log, ask('shop', 'example.com'), T0 + 2_000)).toEqual({ pop: true, log });
    log = decidePop(log, ask('api', 'example.com'), T0 + POP_WINDOW_MS + 1).log;
    expect(log.map((r) => r.incidentId)).toEqual(['shop', 'api']);
  });

  it('a record from the future counts as recent (a clock set back pops less, never more)', () => {
    const log = decidePop([], ask('x', 'example.com'), T0 + 10 * POP_WINDOW_MS).log;
    expect(decidePop(log, ask('y', 'example.com'), T0).pop).toBe(false);
  });

  it('the log is bounded, keeps private pops out of what is stored, and reads any stored value without throwing', () => {
    let log: PopLog = [];
    for (let i = 0; i < MAX_POP_RECORDS + 20; i++) log = decidePop(log, ask(`i${i}`, `d${i}.example`, i % 2 === 0), T0 + i * POP_WINDOW_MS).log;
    expect(log).toHaveLength(MAX_POP_RECORDS);
    const stored = withoutPrivatePops(log);
    expect(stored.every((r) => r.incognito === undefined)).toBe(true);
    expect(parsePopLog(JSON.parse(JSON.stringify(stored)))).toEqual(stored);
    fc.assert(fc.property(fc.anything(), (raw) => Array.isArray(parsePopLog(raw))));
    expect(parsePopLog([{ at: -1, domain: 'x', incidentId: 'y' }, { at: 1, domain: '', incidentId: 'y' }, { at: 1, domain: 'x', incidentId: 'y' }])).toEqual([{ at: 1, domain: 'x', incidentId: 'y' }]);
  });
});
