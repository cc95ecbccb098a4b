/**
 * Recovery vs load under a simulated clock: the shipped incident machine ({@link reduce}) against the schedules a user
 * would otherwise have. Pure and deterministic for a given seed.
 *
 * Model: every tab first loads the page at t = 0 and gets a gateway error. A request sent at time t reaches the site at
 * t + {@link LATENCY_MS} and its answer is back after as long again; a page that answers takes {@link PAGE_LOAD_MS}
 * more to load. Two scenarios:
 * - **an outage** ({@link Strategy}): the site answers again from `outageMs` on. "Delay" is the time from the site
 *   coming back until every tab has loaded the page again; "requests" are those that reached the site while it was
 *   down (the first loads excluded), the extension's one cookieless comparison included;
 * - **a flapping site** ({@link FlapStrategy}, {@link flappingSite}): down and up in turns, while the user opens the
 *   page again a while after each time it came back.
 */
import { createSeededRandom, DEFAULT_POLICY, type RecoveryPolicy } from '../../src/recovery/schedule';
import { EMPTY_STATE, nextWake, reduce, type Effect, type RecoveryEvent, type RecoveryState } from '../../src/recovery/incident-machine';

/**
 * One-way latency between browser and site, ms, as measured in real Chromium + nginx on loopback (`real-outages.ts`,
 * 20 runs, 65 tries): from the extension issuing a reload to nginx answering it a median of 37 ms (18-155 ms), and
 * from nginx answering to the worker storing the failure 35 ms more (13-124 ms). The 2 x 36 ms per try here stand for
 * both; the first load's error is seen at 72 ms (real: 22 ms to nginx's answer, 27 ms more to the stored incident).
 */
export const LATENCY_MS = 36;
/**
 * From a page's answer arriving to its `loadEventEnd`, ms: what the real bench's delay includes and a bare answer
 * does not (real Chromium, the lab's small page on loopback: a median of 93 ms, 67-189 ms over 20 runs; up to 409 ms
 * on a busier machine).
 */
export const PAGE_LOAD_MS = 100;
const URL = 'https://shop.example.com/';
const NEVER = Number.POSITIVE_INFINITY;

export interface OutageResult {
  /** ms from the site coming back until every tab shows the page; Infinity if some tab never does. */
  readonly delayMs: number;
  /** Requests that reached the site while it was down, first loads excluded. */
  readonly requestsDuringOutage: number;
}

export type Strategy = (outageMs: number, tabs: number, seed: number) => OutageResult;

/** A site whose availability changes over time, and what the user does. */
export interface Scenario {
  /** Whether a request reaching the site at `t` ms gets a gateway error. */
  down(t: number): boolean;
  /** The user opens the page again `afterMs` after it came back, as long as that is before `untilMs`. */
  readonly reopen?: { readonly afterMs: number; readonly untilMs: number };
  /** The simulation stops here, ms (a strategy that never stops would run for ever). */
  readonly endMs: number;
}

/** What one tab went through in a {@link Scenario}. */
export interface ScenarioResult {
  /** Visible reloads the strategy made (the user's own loads excluded). */
  readonly reloads: number;
  /** The strategy's requests (reloads, probes, comparisons) that reached the site while it was down. */
  readonly requestsWhileDown: number;
  /** Incidents the extension opened (each one notification at most); 0 for the per-tab reloaders. */
  readonly incidents: number;
  /** Time the tab showed an error page, ms. */
  readonly errorShownMs: number;
  /** The user's own loads of the page (the first one included). */
  readonly userLoads: number;
}

export type FlapStrategy = (scenario: Scenario, seed: number) => ScenarioResult;

/**
 * The flapping site of issue 13: down `downMs`, then up `upMs`, in turns from t = `phaseMs` into the cycle, for
 * `forMs`; up for good after that. The user opens the page again `reopenAfterMs` after it came back.
 */
export function flappingSite(o: { downMs: number; upMs: number; forMs: number; phaseMs: number; reopenAfterMs: number }): Scenario {
  const cycle = o.downMs + o.upMs;
  return {
    down: (t) => t < o.forMs && (t + o.phaseMs) % cycle < o.downMs,
    reopen: { afterMs: o.reopenAfterMs, untilMs: o.forMs },
    endMs: o.forMs + 3_600_000,
  };
}

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
          lastBack = Math.max(lastBack, arrives + LATENCY_MS + PAGE_LOAD_MS);
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

/**
 * The same per-tab schedule in a {@link Scenario} (one tab). A navigation of the user's starts the schedule over, as
 * Chromium's auto-reload does (`NetErrorAutoReloader::Reset` on a navigation that is not a reload).
 */
export function createPerTabFlapStrategy(delays: (attempt: number, random: () => number) => number): FlapStrategy {
  return (scenario, seed) => {
    const random = createSeededRandom(seed);
    let reloads = 0;
    let requests = 0;
    let userLoads = 1;
    let errorShown = 0;
    // The first load's answer.
    let t = 2 * LATENCY_MS;
    let showsError = scenario.down(LATENCY_MS);
    let attempt = 0;
    while (t < scenario.endMs) {
      if (showsError) {
        const reloadAt = t + delays(attempt, random);
        const arrives = reloadAt + LATENCY_MS;
        reloads++;
        attempt++;
        errorShown += reloadAt + 2 * LATENCY_MS - t;
        if (scenario.down(arrives)) {
          requests++;
          t = arrives + LATENCY_MS;
        } else {
          t = arrives + LATENCY_MS + PAGE_LOAD_MS;
          showsError = false;
        }
      } else {
        const reopenAt = t + (scenario.reopen?.afterMs ?? NEVER);
        if (scenario.reopen === undefined || reopenAt >= scenario.reopen.untilMs) break;
        userLoads++;
        attempt = 0;
        const arrives = reopenAt + LATENCY_MS;
        showsError = scenario.down(arrives);
        t = arrives + LATENCY_MS + (showsError ? 0 : PAGE_LOAD_MS);
      }
    }
    return { reloads, requestsWhileDown: requests, incidents: 0, errorShownMs: errorShown, userLoads };
  };
}

/** The alternatives' delays, per tab, ms. */
const ALTERNATIVE_DELAYS: Record<string, (attempt: number, random: () => number) => number> = {
  // Chromium's error-page auto-reload (components/error_page/content/browser/net_error_auto_reloader.cc,
  // GetNextReloadDelay): 1 s, 5 s, 30 s, 1 min, 5 min, 10 min, then every 30 min, for ever (while the tab is visible
  // and online). Chromium applies it to network errors only, not to an HTTP 502 page: here it stands for what a
  // user would get if it did.
  'chromium auto-reload': (n) => ([1, 5, 30, 60, 300, 600][n] ?? 1800) * 1000,
  'fixed 5 s': () => 5_000,
  'fixed 60 s': () => 60_000,
  // min(20 min, 60 s x 2^n) plus 0-20 s jitter, a popular reload extension's schedule.
  'exp 60 s x 2^n + jitter': (n, random) => Math.min(1_200_000, 60_000 * 2 ** n) + random() * 20_000,
};

/** The alternatives, per tab. */
export const ALTERNATIVES: Record<string, Strategy> = Object.fromEntries(
  Object.entries(ALTERNATIVE_DELAYS).map(([name, delays]) => [name, createPerTabStrategy(delays)]),
);

/** The alternatives in a {@link Scenario}. */
export const FLAP_ALTERNATIVES: Record<string, FlapStrategy> = Object.fromEntries(
  Object.entries(ALTERNATIVE_DELAYS).map(([name, delays]) => [name, createPerTabFlapStrategy(delays)]),
);

interface MachineRun {
  /** Per tab: when it last finished loading a working page, ms. */
  readonly back: Map<number, number>;
  readonly reloads: number;
  readonly requestsWhileDown: number;
  readonly incidents: number;
  readonly errorShownMs: number;
  readonly userLoads: number;
}

/**
 * The real incident machine, driven by a simulated browser: reloads, probes and the cookieless comparison reach the
 * site after {@link LATENCY_MS} and their answers come back as the events the extension's listeners would send.
 */
function runMachine(p: RecoveryPolicy, scenario: Scenario, tabs: number, seed: number): MachineRun {
  const random = createSeededRandom(seed);
  let state: RecoveryState = structuredClone(EMPTY_STATE);
  let requests = 0;
  let reloads = 0;
  let userLoads = tabs;
  const incidents = new Set<string>();
  const back = new Map<number, number>();
  // Per tab: since when it shows an error page (absent while it shows the page or a load is under way).
  const errorSince = new Map<number, number>();
  let errorShown = 0;
  // Pending events: [time, event], besides the machine's own: a tab's page finishing its load, the user opening it.
  const queue: [number, RecoveryEvent | { type: 'loaded'; tabId: number } | { type: 'user-open'; tabId: number }][] = [];
  const send = (now: number, event: RecoveryEvent) => {
    const t = reduce(state, event, { now, policy: p, random });
    state = t.state;
    for (const effect of t.effects) run(now, effect);
  };
  // A tab's load (ours or the user's) sent at `now`: its start now, its answer (or error) back after the round trip.
  const load = (now: number, tabId: number, url: string, byUser: boolean) => {
    const arrives = now + LATENCY_MS;
    const down = scenario.down(arrives);
    if (down && !byUser) requests++;
    queue.push([now, { type: 'main-frame-start', tabId, url, requestId: `r${now}-${tabId}` }]);
    queue.push([
      arrives + LATENCY_MS,
      down
        ? { type: 'gateway-error', tabId, url, method: 'GET', code: 502, gateway: {} }
        : { type: 'main-frame-answered', tabId, url, code: 200 },
    ]);
    if (!down) queue.push([arrives + LATENCY_MS + PAGE_LOAD_MS, { type: 'loaded', tabId }]);
  };
  const run = (now: number, effect: Effect) => {
    if (effect.type === 'notify') incidents.add(effect.incidentId);
    if (effect.type === 'reload') {
      reloads++;
      load(now, effect.tabId, effect.url, false);
      return;
    }
    if (effect.type === 'probe' || effect.type === 'compare-cookieless') {
      const arrives = now + LATENCY_MS;
      const down = scenario.down(arrives);
      if (down) requests++;
      const answer = arrives + LATENCY_MS;
      queue.push(
        effect.type === 'probe'
          ? [answer, { type: 'probe-result', incidentId: effect.incidentId, outcome: down ? { kind: 'gateway-error', code: 502 } : { kind: 'answered', code: 200 } }]
          : [answer, { type: 'cookieless-result', incidentId: effect.incidentId, answer: down ? { kind: 'gateway-error', code: 502 } : { kind: 'answered', code: 200, challenge: false } }],
      );
    }
  };
  for (let tab = 0; tab < tabs; tab++) load(0, tab, URL, true);
  let now = 0;
  for (let guard = 0; guard < 1_000_000; guard++) {
    queue.sort((a, b) => a[0] - b[0]);
    const wake = nextWake(state);
    const next = queue[0];
    if (next === undefined && wake === null) break;
    const at = next !== undefined && (wake === null || next[0] <= wake) ? next[0] : wake!;
    if (at > scenario.endMs) break;
    now = Math.max(now, at);
    if (next !== undefined && next[0] === at) {
      queue.shift();
      const event = next[1];
      if (event.type === 'loaded') {
        back.set(event.tabId, now);
        const reopenAt = now + (scenario.reopen?.afterMs ?? NEVER);
        if (scenario.reopen !== undefined && reopenAt < scenario.reopen.untilMs) queue.push([reopenAt, { type: 'user-open', tabId: event.tabId }]);
      } else if (event.type === 'user-open') {
        userLoads++;
        load(now, event.tabId, URL, true);
      } else {
        // A tab shows an error page from its first failed answer until a load of it gets the page.
        if (event.type === 'gateway-error' && !errorSince.has(event.tabId)) errorSince.set(event.tabId, now);
        if (event.type === 'main-frame-answered') {
          errorShown += now - (errorSince.get(event.tabId) ?? now);
          errorSince.delete(event.tabId);
        }
        send(now, event);
      }
    } else {
      send(now, { type: 'due', online: true });
    }
  }
  for (const since of errorSince.values()) errorShown += now - since;
  return { back, reloads, requestsWhileDown: requests, incidents: incidents.size, errorShownMs: errorShown, userLoads };
}

/**
 * This extension in an outage: the real incident machine, driven by a simulated browser.
 *
 * @param policy - overrides of {@link DEFAULT_POLICY} (for tuning)
 */
export function createExtensionStrategy(policy: Partial<RecoveryPolicy> = {}): Strategy {
  const p: RecoveryPolicy = { ...DEFAULT_POLICY, ...policy };
  return (outageMs, tabs, seed) => {
    // Past the give-up, nothing comes back: end the run there rather than at an arbitrary horizon.
    const scenario: Scenario = { down: (t) => t < outageMs, endMs: outageMs + p.giveUpAfterMs + p.outcomeTimeoutMs };
    const r = runMachine(p, scenario, tabs, seed);
    const lastBack = r.back.size === tabs ? Math.max(...r.back.values()) : NEVER;
    return { delayMs: lastBack - outageMs, requestsDuringOutage: r.requestsWhileDown };
  };
}

/** This extension in a {@link Scenario} (one tab). */
export function createExtensionFlapStrategy(policy: Partial<RecoveryPolicy> = {}): FlapStrategy {
  const p: RecoveryPolicy = { ...DEFAULT_POLICY, ...policy };
  return (scenario, seed) => {
    const r = runMachine(p, scenario, 1, seed);
    return { reloads: r.reloads, requestsWhileDown: r.requestsWhileDown, incidents: r.incidents, errorShownMs: r.errorShownMs, userLoads: r.userLoads };
  };
}
