/**
 * Fail closed in the incident machine (issue 15, point 5): a site the user put on the never-retry list gets nothing
 * more, and a load still under way in a tab is never cut short by a reload.
 */
import { describe, expect, it } from 'vitest';
import { createMachineSim } from './machine-sim';
import { MAX_LOADING_WAIT_MS, nextWake, type Effect, type RecoveryEvent } from '../../src/recovery/incident-machine';
import { DEFAULT_POLICY, type RecoveryPolicy } from '../../src/recovery/schedule';

const URL_A = 'https://shop.example.com/cart?id=1';
const NGINX = { server: 'nginx' };

/** Drives the machine with a fake clock and the user's never-retry list as it is at each step. */
const createSim = (policy: Partial<RecoveryPolicy> = {}) => createMachineSim({ policy });

const error = (tabId: number): RecoveryEvent => ({ type: 'gateway-error', tabId, url: URL_A, method: 'GET', code: 502, gateway: NGINX });
const tries = (effects: Effect[]) => effects.filter((e) => e.type === 'reload' || e.type === 'probe');

describe('a site put on the never-retry list while its incident is under way', () => {
  it('gets no further reload: the next step ends the incident as if the user had stopped it', () => {
    const sim = createSim();
    sim.send(error(1));
    expect(tries(sim.wake())).toHaveLength(1);
    sim.send({ type: 'main-frame-answered', tabId: 1, url: URL_A, code: 502 });
    sim.send(error(1));
    sim.setNeverRetry(['example.com']);
    const effects = sim.wake();
    expect(tries(effects)).toEqual([]);
    expect(sim.incident().phase).toBe('cancelled');
    expect(nextWake(sim.state)).toBeNull();
  });

  it('gets no further probe in watch mode', () => {
    const sim = createSim({ maxVisibleRetries: 1 });
    sim.send(error(1));
    sim.wake();
    sim.send(error(1));
    expect(sim.incident().phase).toBe('watching');
    sim.setNeverRetry(['shop.example.com']);
    expect(tries(sim.wake())).toEqual([]);
    expect(sim.incident().phase).toBe('cancelled');
  });

  it('a probe that answers after the site was listed reloads no tab', () => {
    const sim = createSim({ maxVisibleRetries: 1 });
    sim.send(error(1));
    sim.wake();
    sim.send(error(1));
    const probe = sim.wake();
    expect(probe.some((e) => e.type === 'probe')).toBe(true);
    sim.setNeverRetry(['example.com']);
    const effects = sim.send({ type: 'probe-result', incidentId: sim.incident().id, outcome: { kind: 'answered', code: 200 } });
    expect(tries(effects)).toEqual([]);
    expect(sim.incident().phase).toBe('cancelled');
  });

  it('another site is not touched by the list', () => {
    const sim = createSim();
    sim.send(error(1));
    sim.setNeverRetry(['example.org']);
    expect(tries(sim.wake())).toHaveLength(1);
  });
});

const reloads = (effects: Effect[]) => effects.filter((e): e is Extract<Effect, { type: 'reload' }> => e.type === 'reload');

describe('a load of the same page still under way is never cut short', () => {
  it('a first try reloads as before: the tab had its outcome, nothing to ask', () => {
    const sim = createSim();
    sim.send(error(1));
    expect(reloads(sim.wake())).toEqual([{ type: 'reload', tabId: 1, url: URL_A }]);
  });

  it('our reload with no outcome by the timeout: the next try asks first, and a load still under way stands for it', () => {
    const sim = createSim();
    sim.send(error(1));
    sim.wake();
    const sentAt = sim.now;
    // 90 s without an outcome (a gateway that takes its time): the try counts as failed, as before...
    expect(reloads(sim.wake())).toEqual([]);
    expect(sim.state.tabs['1']).toMatchObject({ status: 'waiting', loadingSince: sentAt });
    // ...and the next one is a reload only if the tab is not still loading the page.
    const next = reloads(sim.wake());
    expect(next).toEqual([{ type: 'reload', tabId: 1, url: URL_A, loadingSince: sentAt }]);
    // Only a tab whose reload is deferred carries it: a reload that is made is ours as ever.
    expect(sim.state.tabs['1']).not.toHaveProperty('loadingSince');
    const attempts = sim.incident().attempts;
    // The browser says it is: nothing was reloaded; that load is the try, awaited a full outcome timeout again.
    expect(sim.send({ type: 'reload-deferred', tabId: 1, loadingSince: sentAt })).toEqual([]);
    expect(sim.state.tabs['1']).toMatchObject({ status: 'reloading', loadingSince: sentAt });
    expect(sim.incident()).toMatchObject({ phase: 'retrying', attempts, awaiting: { kind: 'reload', tabId: 1, at: sentAt } });
    expect(sim.incident().nextAt).toBe(sim.now + DEFAULT_POLICY.outcomeTimeoutMs);
    // Its answer is the try's: the page is back.
    sim.send({ type: 'main-frame-answered', tabId: 1, url: URL_A, code: 200 });
    expect(sim.incident().phase).toBe('recovered');
  });

  it("the user's own navigation to the page, still loading after 90 s: not reloaded over; its 502 is the try's", () => {
    const sim = createSim();
    sim.send(error(1));
    sim.advance(500);
    const startedAt = sim.now;
    sim.send({ type: 'main-frame-start', tabId: 1, url: URL_A, requestId: 'user' });
    expect(reloads(sim.wake())).toEqual([]);
    const asked = reloads(sim.wake());
    expect(asked).toEqual([{ type: 'reload', tabId: 1, url: URL_A, loadingSince: startedAt }]);
    sim.send({ type: 'reload-deferred', tabId: 1, loadingSince: startedAt });
    expect(sim.state.tabs['1']).toMatchObject({ status: 'reloading', loadingSince: startedAt });
    const before = sim.incident().nextAt!;
    sim.send({ ...error(1), requestId: 'user' } as RecoveryEvent);
    // The slow answer was a gateway error after all: a failed try, and the backoff goes on from it.
    expect(sim.incident()).toMatchObject({ phase: 'retrying', awaiting: null });
    expect(sim.state.tabs['1']).toEqual(expect.not.objectContaining({ loadingSince: expect.anything() }));
    expect(sim.incident().nextAt).toBeLessThan(before);
  });

  it('the wait has a bound: a load under way that long is left alone, and the tab leaves the incident', () => {
    const sim = createSim();
    sim.send(error(1));
    sim.wake();
    const sentAt = sim.now;
    const seen: Effect[] = [];
    // The tab never finishes loading; the browser says so at every try.
    while (sim.state.tabs['1'] !== undefined && sim.now - sentAt < 3 * MAX_LOADING_WAIT_MS) {
      const effects = sim.wake();
      seen.push(...effects);
      for (const r of reloads(effects)) {
        expect(r.loadingSince, 'never a plain reload over the load').toBe(sentAt);
        sim.send({ type: 'reload-deferred', tabId: r.tabId, loadingSince: r.loadingSince! });
      }
    }
    expect(sim.state.tabs['1']).toBeUndefined();
    expect(sim.now - sentAt).toBeGreaterThanOrEqual(MAX_LOADING_WAIT_MS);
    expect(sim.now - sentAt).toBeLessThan(MAX_LOADING_WAIT_MS + 2 * DEFAULT_POLICY.outcomeTimeoutMs);
    // Its only tab gone, the incident ends: nothing of it waits any longer.
    expect(sim.incident().phase).toBe('abandoned');
    expect(nextWake(sim.state)).toBeNull();
  });

  it('a new request in the tab starts the count again; an answer ends it', () => {
    const sim = createSim();
    sim.send(error(1));
    sim.wake();
    sim.wake();
    expect(sim.state.tabs['1']).toHaveProperty('loadingSince');
    sim.send({ type: 'main-frame-start', tabId: 1, url: URL_A, requestId: 'next' });
    expect(sim.state.tabs['1']).not.toHaveProperty('loadingSince');
  });

  it('a deferral for a tab that is not ours to reload changes nothing', () => {
    const sim = createSim();
    sim.send(error(1));
    const before = sim.state;
    sim.send({ type: 'reload-deferred', tabId: 1, loadingSince: sim.now });
    sim.send({ type: 'reload-deferred', tabId: 9, loadingSince: sim.now });
    expect(sim.state).toEqual(before);
  });
});
