/**
 * Recovery vs load under a simulated clock: the shipped incident machine ({@link reduce}) against the schedules a user
 * would otherwise have, for one outage. Pure and deterministic for a given seed.
 *
 * Model: every tab first loads the page at t = 0 and gets a gateway error; the site answers again from `outageMs` on.
 * A request sent at time t reaches the site at t + {@link LATENCY_MS} and its answer is back after as long again.
 * "Delay" is the time from the site coming back until every tab shows the page again; "requests" are those that
 * reached the site while it was down (the first loads excluded).
 */
import { createSeededRandom, DEFAULT_POLICY, type RecoveryPolicy } from '../../src/recovery/schedule';
import { EMPTY_STATE, nextWake, reduce, type Effect, type RecoveryEvent, type RecoveryState } from '../../src/recovery/incident-machine';

/** One-way latency between browser and site, ms. */
export const LATENCY_MS = 50;
const URL = 'https://shop.example.com/';
const NEVER = Number.POSITIVE_INFINITY;

export interface OutageResult {
  /** ms from the site coming back until every tab shows the page; Infinity if some tab never does. */
  readonly delayMs: number;
  /** Requests that reached the site while it was down, first loads excluded. */
  readonly requestsDuringOutage: number;
}

export type Strategy = (outageMs: number, tabs: number, seed: number) => OutageResult;

/** Per-tab reload schedules (each tab on its own, as tab-level reloaders and Chromium's auto-reload do). */
export function createPerTabStrategy(delays: (attempt: number, random: () => number) => number): Strategy {
  return (outageMs, tabs, seed) => {
    const random = createSeededRandom(seed);
    let requests = 0;
    let lastBack = 0;
    for (let tab = 0; tab < tabs; tab++) {
      let t = 2 * LATENCY_MS; // the first load's error is shown
      for (let attempt = 0; ; attempt++) {
        t += delays(attempt, random);
        const arrives = t + LATENCY_MS;
        if (arrives >= outageMs) {
          lastBack = Math.max(lastBack, arrives + LATENCY_MS);
          break;
        }
        requests++;
        t = arrives + LATENCY_MS;
        if (requests > 1e6) return { delayMs: NEVER, requestsDuringOutage: requests };
      }
    }
    return { delayMs: lastBack - outageMs, requestsDuringOutage: requests };
  };
}

/** The alternatives, per tab, delays in ms. */
export const ALTERNATIVES: Record<string, Strategy> = {
  // Chromium's error-page auto-reload: 1 s, 5 s, 30 s, 1 min, 5 min, 10 min, then every 30 min.
  'chromium auto-reload': createPerTabStrategy((n) => ([1, 5, 30, 60, 300, 600][n] ?? 1800) * 1000),
  'fixed 5 s': createPerTabStrategy(() => 5_000),
  'fixed 60 s': createPerTabStrategy(() => 60_000),
  // min(20 min, 60 s x 2^n) plus 0-20 s jitter, a popular reload extension's schedule.
  'exp 60 s x 2^n + jitter': createPerTabStrategy((n, random) => Math.min(1_200_000, 60_000 * 2 ** n) + random() * 20_000),
};

/**
 * This extension: the real incident machine, driven by a simulated browser.
 *
 * @param policy - overrides of {@link DEFAULT_POLICY} (for tuning)
 */
export function createExtensionStrategy(policy: Partial<RecoveryPolicy> = {}): Strategy {
  const p: RecoveryPolicy = { ...DEFAULT_POLICY, ...policy };
  return (outageMs, tabs, seed) => {
    const random = createSeededRandom(seed);
    let state: RecoveryState = structuredClone(EMPTY_STATE);
    let requests = 0;
    const back = new Map<number, number>();
    // Pending arrivals of answers: [time, event].
    const queue: [number, RecoveryEvent][] = [];
    const send = (now: number, event: RecoveryEvent) => {
      const t = reduce(state, event, { now, policy: p, random });
      state = t.state;
      for (const effect of t.effects) run(now, effect);
    };
    const siteDown = (at: number) => at < outageMs;
    const run = (now: number, effect: Effect) => {
      if (effect.type === 'reload' || effect.type === 'probe') {
        const arrives = now + LATENCY_MS;
        const down = siteDown(arrives);
        if (down) requests++;
        const answer = arrives + LATENCY_MS;
        if (effect.type === 'probe') {
          queue.push([answer, { type: 'probe-result', incidentId: effect.incidentId, outcome: down ? { kind: 'gateway-error', code: 502 } : { kind: 'answered', code: 200 } }]);
        } else {
          queue.push([now, { type: 'main-frame-start', tabId: effect.tabId, url: effect.url, requestId: `r${now}-${effect.tabId}` }]);
          queue.push([
            answer,
            down
              ? { type: 'gateway-error', tabId: effect.tabId, url: effect.url, method: 'GET', code: 502, gateway: {} }
              : { type: 'main-frame-answered', tabId: effect.tabId, url: effect.url, code: 200 },
          ]);
          if (!down) back.set(effect.tabId, answer);
        }
      }
    };
    for (let tab = 0; tab < tabs; tab++) queue.push([2 * LATENCY_MS, { type: 'gateway-error', tabId: tab, url: URL, method: 'GET', code: 502, gateway: {} }]);
    let now = 0;
    for (let guard = 0; guard < 100_000; guard++) {
      queue.sort((a, b) => a[0] - b[0]);
      const wake = nextWake(state);
      const next = queue[0];
      if (next === undefined && wake === null) break;
      if (next !== undefined && (wake === null || next[0] <= wake)) {
        queue.shift();
        now = Math.max(now, next[0]);
        send(now, next[1]);
      } else {
        now = Math.max(now, wake!);
        send(now, { type: 'due', online: true });
      }
    }
    const lastBack = back.size === tabs ? Math.max(...back.values()) : NEVER;
    return { delayMs: lastBack - outageMs, requestsDuringOutage: requests };
  };
}
