/**
 * Fail closed in the incident machine (issue 15, point 5): a site the user put on the never-retry list gets nothing
 * more, and a load still under way in a tab is never cut short by a reload.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_STATE, nextWake, reduce, type Effect, type RecoveryEvent, type RecoveryState } from '../../src/recovery/incident-machine';
import { DEFAULT_POLICY, createSeededRandom, type RecoveryPolicy } from '../../src/recovery/schedule';

const URL_A = 'https://shop.example.com/cart?id=1';
const NGINX = { server: 'nginx' };

/** Drives the machine with a fake clock and the user's never-retry list as it is at each step. */
function createSim(policy: Partial<RecoveryPolicy> = {}) {
  let state: RecoveryState = structuredClone(EMPTY_STATE);
  let now = 1_700_000_000_000;
  let neverRetry: string[] = [];
  const random = createSeededRandom(1);
  const p: RecoveryPolicy = { ...DEFAULT_POLICY, ...policy };
  return {
    get state() {
      return state;
    },
    get now() {
      return now;
    },
    setNeverRetry(list: string[]) {
      neverRetry = list;
    },
    send(event: RecoveryEvent): Effect[] {
      const t = reduce(state, event, { now, policy: p, random, neverRetry });
      state = t.state;
      return t.effects;
    },
    /** Advances the clock to the next wake and fires `due`. */
    wake(): Effect[] {
      const at = nextWake(state);
      if (at === null) throw new Error('nothing scheduled');
      now = Math.max(now, at);
      return this.send({ type: 'due', online: true });
    },
    advance(ms: number) {
      now += ms;
    },
    incident() {
      const i = state.incidents.at(-1);
      if (!i) throw new Error('no incident');
      return i;
    },
  };
}

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
