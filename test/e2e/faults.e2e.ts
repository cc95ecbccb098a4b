/**
 * "Worker killed" (issue 5, "Breaking it on purpose"): in real Chromium, 20 incidents on 20 sites at once, with the
 * extension's service worker killed (CDP `ServiceWorker.stopWorker`) at random moments, replayable from a seed
 * (`FAULTS_SEED=<n>`; every run prints the one it used).
 *
 * The sites are 20 public-looking names (site1.example.com ... site20.example.com, each its own origin, so its own
 * incident) in front of one real nginx on loopback; the upstream makes nginx answer a genuine 502 for a site while
 * that site is "down" (it drops the connection), and the page once it is back. Each site's outage lasts a few seconds,
 * different for each.
 *
 * Faults: the first kill comes while all 20 incidents wait in backoff; the second right when nginx has answered
 * tries of two sites together (their outcomes are then on their way to the worker); a few more follow at random
 * moments while a tab of the user's browses elsewhere (its navigations start the worker again, which then re-arms its
 * short timer: the timer path); a last kill comes once that browsing stopped and the other sites' tabs are back, so
 * nothing starts the worker until its alarm, which Chromium fires no sooner than 30 s after it was set (the alarm
 * path). A few sites come back only after that last kill.
 *
 * For every incident, from nginx's access log and the upstream's own record:
 * - it recovers: the tab shows the page again and the incident ends as `recovered`;
 * - no tab is reloaded twice for one recovery: exactly one page load answered 200 per tab, and no two requests of
 *   one site come closer together than the shortest wait of their backoff step (no duplicate reload in a step);
 * - no retry is lost: every wait between two tries is at most its scheduled wait (+ jitter + a margin, a larger one
 *   while the 20 tabs are still opening), or, when the worker was killed during it, at most 30 s (Chromium's alarm
 *   floor) + a margin after the worker was last seen alive; an incident still waiting for the outcome of a try nginx answered long ago (or of a try that never reached
 *   nginx) is named as a lost retry;
 * - every request that reached the site is one of the incident's tries (attempts + probes).
 *
 * The seed fixes the plan (kill moments, outages); whether a kill lands while a try's outcome is on its way to the
 * worker also depends on timing, so a replay reproduces the schedule exactly and a race usually. `FAULTS_DEBUG=1`
 * also prints the raw record (nginx log, upstream answers, kill windows) as JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchDriver, type Driver, type TabPage } from './driver';
import { startGateway, type AccessLogEntry, type Gateway } from '../lab/gateway';
import { htmlResponse, startUpstream, UPSTREAM_OK_MARKER, type Upstream } from '../lab/upstream';
import { sleep, waitFor } from '../lab/wait';
import { createSeededRandom, DEFAULT_POLICY, type Random } from '../../src/recovery/schedule';
import type { Incident } from '../../src/recovery/incident-machine';

// A fixed plan by default, so CI replays the same faults; FAULTS_SEED=<n> explores others.
const SEED = Number(process.env.FAULTS_SEED ?? 20261122);
const SITES = 20;
const host = (i: number) => `site${i + 1}.example.com`;
const pagePath = (i: number) => `/page-${i + 1}`;
const NOISE_HOST = 'browsing.example.org';

/** Chromium fires an alarm no sooner than 30 s after it was set (the extension's `alarmFloorMs`). */
const ALARM_FLOOR_MS = 30_000;
/** Slack on top of a scheduled wait: the extension takes in a failure some time after nginx logged it (2 busy cores, 22 tabs). */
const TIMER_MARGIN_MS = 2_000;
/**
 * More slack for a wait that began while the test was still opening its 20 tabs (the first step of most sites). Each
 * new tab sends the worker its own events (the tab, the navigation, the 502, a stored incident, a notification), which
 * its one queue takes in before the failure and the due reload of a site opened earlier. In CI (a fresh 2-core
 * machine) such first waits took 3.6-3.8 s, 0.4-0.6 s over the 3.2 s of a wait with no kill (1.2 s + the 2 s margin);
 * on the development machine up to 2.7 s. 3 s more is five times the worst overshoot seen, and the budget (6.2 s) stays
 * a fifth of what a lost retry shows: the 30 s alarm floor, or the 90 s outcome timeout.
 */
const BURST_MARGIN_MS = 3_000;
/**
 * Slack on top of the alarm: Chromium's alarm poll, the worker's start, the first event's storage reads. On this
 * 2-core machine an alarm-path retry came up to 39 s after the worker was last alive (Chromium fired the alarm ~9 s
 * after its 30 s floor); a lost retry waits for the 90 s outcome timeout, far beyond this.
 */
const ALARM_MARGIN_MS = 15_000;
/** nginx logs `$msec` when it sent the answer: two tries of one step could be logged this much closer than planned. */
const LOG_SLACK_MS = 250;

/** Raw delay of the step after `failures` failed tries, before jitter (src/recovery/schedule.ts, shipped policy). */
function rawDelayMs(failures: number): number {
  const p = DEFAULT_POLICY;
  const raw = failures === 0 ? p.firstDelayMs : p.baseDelayMs * p.factor ** (failures - 1);
  return Math.min(raw, p.ceilingMs);
}
const shortestWait = (failures: number) => rawDelayMs(failures) * (1 - DEFAULT_POLICY.jitter);
const longestWait = (failures: number) => rawDelayMs(failures) * (1 + DEFAULT_POLICY.jitter);

/** The seeded plan of one run: when the worker is killed, and when each site comes back. */
interface Plan {
  /** Offsets from the start of the fault phase, ms. */
  kills: number[];
  /** When the user's other tab stops browsing (offset, ms); the last kill comes after it. */
  browsingUntil: number;
  /** Per site: an offset from the start of the fault phase, ms. */
  upAt: number[];
  /** Sites that come back only after the last kill (the alarm path). */
  late: number[];
}

function makePlan(random: Random): Plan {
  const between = (a: number, b: number) => Math.round(a + random() * (b - a));
  // The first kill while every incident is in backoff; three more at random moments, at least 2 s apart.
  const kills = [between(200, 600)];
  for (const at of [between(2_000, 11_000), between(2_000, 11_000), between(2_000, 11_000)].sort((a, b) => a - b)) {
    kills.push(Math.max(at, kills.at(-1)! + 2_000));
  }
  const browsingUntil = Math.max(12_000, kills.at(-1)! + 1_500);
  const lastKill = browsingUntil + between(300, 1_000);
  kills.push(lastKill);
  const order = Array.from({ length: SITES }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const late = order.slice(0, 3).sort((a, b) => a - b);
  const upAt = order.map(() => 0);
  // A late site's offset counts from the planned last kill; the run moves it with that kill (see `killer`).
  for (let i = 0; i < SITES; i++) upAt[i] = late.includes(i) ? lastKill + between(2_000, 8_000) : between(500, 11_000);
  return { kills, browsingUntil, upAt, late };
}

interface KillWindow {
  start: number;
  end: number;
  /** killServiceWorker gave up (the worker kept being started for 15 s). */
  error?: string;
}

describe('chromium: the service worker killed at random moments during 20 incidents', () => {
  let upstream: Upstream;
  let gateway: Gateway;
  let driver: Driver;
  /** Sites whose upstream is down (nginx answers 502 for them). */
  const down = new Set<string>();
  /**
   * What the upstream answered, per site's page: arrival time, 200 or dropped, and whether a tab loaded it (a
   * navigation asks for HTML; the extension's background probe is a plain fetch that accepts anything). Chromium
   * sends no `Sec-Fetch-Mode` to plain-http origins, so the `Accept` header is what tells them apart.
   */
  const served = new Map<string, { time: number; ok: boolean; navigation: boolean }[]>();

  beforeAll(async () => {
    upstream = await startUpstream();
    upstream.route('/*', (req) => {
      const name = String(req.headers.host ?? '').replace(/:\d+$/, '');
      const isDown = down.has(name);
      if (req.pathname.startsWith('/page-')) {
        const list = served.get(name) ?? [];
        list.push({ time: req.time, ok: !isDown, navigation: String(req.headers.accept ?? '').includes('text/html') });
        served.set(name, list);
      }
      // Dropping the connection makes nginx answer its own 502 ("upstream prematurely closed connection").
      return isDown ? { destroySocket: true } : htmlResponse(`<h1>${UPSTREAM_OK_MARKER}</h1><p>${name}${req.path}</p>`);
    });
    gateway = await startGateway({ upstreamPort: upstream.port });
    driver = await launchDriver('chromium', { hosts: [...Array.from({ length: SITES }, (_, i) => host(i)), NOISE_HOST] });
  });
  afterAll(async () => {
    await driver?.close();
    await gateway?.stop();
    await upstream?.close();
  });

  it('every incident recovers, no tab is reloaded twice, no retry is lost', { timeout: 180_000 }, async () => {
    const random = createSeededRandom(SEED);
    const plan = makePlan(random);
    const noiseRandom = createSeededRandom(SEED + 1);
    console.log(`faults: seed ${SEED} (replay with FAULTS_SEED=${SEED}); kills at +${plan.kills.join(', +')} ms; late sites ${plan.late.map(host).join(', ')}`);
    const url = (i: number) => `http://${host(i)}:${gateway.port}${pagePath(i)}`;
    const runStart = Date.now();

    // 20 sites go down; a tab opens on each (as typed), and each gets its incident.
    for (let i = 0; i < SITES; i++) down.add(host(i));
    const tabs: TabPage[] = [];
    const openedAt: number[] = [];
    for (let i = 0; i < SITES; i++) {
      openedAt.push(Date.now());
      tabs.push(await driver.openTab(url(i)));
    }
    let incidents: Incident[] = [];
    await waitFor(async () => (incidents = (await driver.state()).incidents).length === SITES, { timeoutMs: 15_000, message: `${SITES} incidents` });
    // Until here the worker was taking in the opening of the tabs (see BURST_MARGIN_MS).
    const burstEnd = Date.now();
    expect(new Set(incidents.map((x) => x.host))).toEqual(new Set(Array.from({ length: SITES }, (_, i) => host(i))));
    // The control page asks the background for a view every second: it would keep starting the worker. Close it.
    await driver.closeControl();

    // The fault phase: sites come back on their own schedule, the user browses in another tab for a while, and the
    // worker is killed at the planned moments.
    const phaseStart = Date.now();
    const at = (offset: number) => sleep(Math.max(0, phaseStart + offset - Date.now()));
    const upTimes: number[] = Array.from({ length: SITES }, () => 0);
    const lastKillIndex = plan.kills.length - 1;
    /** How much later than planned the last kill came (ms): the late sites come back that much later too. */
    let lastKillLateBy: (ms: number) => void = () => undefined;
    const lastKillDelay = new Promise<number>((resolve) => (lastKillLateBy = resolve));
    const comeBack = Promise.all(
      plan.upAt.map(async (offset, i) => {
        if (plan.late.includes(i)) await at(offset + (await lastKillDelay));
        else await at(offset);
        down.delete(host(i));
        upTimes[i] = Date.now();
      }),
    );
    /** True once the tab of every site that is not late shows its page again. */
    const othersBack = async () => {
      for (const [i, tab] of tabs.entries()) {
        if (plan.late.includes(i)) continue;
        if (!(await tab.text().catch(() => '')).includes(UPSTREAM_OK_MARKER)) return false;
      }
      return true;
    };
    const kills: KillWindow[] = [];
    let killing = false;
    const killer = (async () => {
      for (const [index, offset] of plan.kills.entries()) {
        await at(offset);
        if (index === lastKillIndex) {
          // The last kill is the alarm path's: nothing may start the worker after it. On a busy machine the other
          // sites' tries run late (a kill's restart delays them), and their tabs' loads would start the worker and
          // re-arm every timer. So it waits for them to be back (and 1 s for their last events), and the late
          // sites keep their distance to it.
          await waitFor(othersBack, { timeoutMs: 60_000, intervalMs: 250 }).catch(() => undefined);
          await sleep(1_000);
          lastKillLateBy(Math.max(0, Date.now() - (phaseStart + offset)));
        }
        // The second kill waits for tries of two sites answered together (one step of the worker reloads every incident
        // that is due) and comes right on them, while their outcomes are on their way to the worker and queue in it:
        // the riskiest moment there is, which a kill at a random time hits only now and then.
        if (index === 1) {
          const before = gateway.accessLog().length;
          await waitFor(
            () => {
              const answered = gateway.accessLog().slice(before).filter((e) => e.path.startsWith('/page-'));
              return answered.some((e, k) => k > 0 && e.time - answered[k - 1]!.time <= 150);
            },
            { timeoutMs: 8_000, intervalMs: 10 },
          ).catch(() => undefined);
        }
        killing = true;
        const start = Date.now();
        try {
          await driver.chromium!.killServiceWorker();
          kills.push({ start, end: Date.now() });
        } catch (err) {
          kills.push({ start, end: Date.now(), error: (err as Error).message });
        } finally {
          killing = false;
        }
      }
    })();
    let browsed = 0;
    const browsing = (async () => {
      const tab = await driver.openTab(`http://${NOISE_HOST}:${gateway.port}/start`);
      while (Date.now() < phaseStart + plan.browsingUntil) {
        await sleep(700 + Math.round(noiseRandom() * 800));
        if (killing || Date.now() >= phaseStart + plan.browsingUntil) continue;
        await tab.goto(`http://${NOISE_HOST}:${gateway.port}/elsewhere-${++browsed}`).catch(() => undefined);
      }
    })();
    await Promise.all([comeBack, killer, browsing]);

    // Every tab shows its page again.
    const lastUp = Math.max(...upTimes);
    const recoveredAt: (number | null)[] = tabs.map(() => null);
    await waitFor(
      async () => {
        for (const [i, tab] of tabs.entries()) {
          if (recoveredAt[i] !== null) continue;
          const text = await tab.text().catch(() => '');
          if (text.includes(UPSTREAM_OK_MARKER)) recoveredAt[i] = Date.now();
        }
        return recoveredAt.every((t) => t !== null);
      },
      { timeoutMs: Math.max(0, lastUp - Date.now()) + ALARM_FLOOR_MS + 20_000, intervalMs: 250, message: 'every tab to show its page again' },
    ).catch(() => undefined);
    // A tab shows its page before the background has taken in the outcome: wait for that (the problems below name any
    // incident left behind), then for a duplicate reload, which would come in the next 1.5 s if at all.
    const backHosts = tabs.flatMap((_, i) => (recoveredAt[i] === null ? [] : [host(i)]));
    await driver
      .waitForState((s) => backHosts.every((name) => s.incidents.find((x) => x.host === name)?.phase === 'recovered'), { what: 'the incidents of the pages back to be recovered' })
      .catch(() => undefined);
    await sleep(1_500);
    const state = await driver.state();
    const log = gateway.accessLog();

    // Per site: the tries nginx saw, their gaps against the schedule, and the loads the upstream answered.
    const problems: string[] = [];
    const lines: string[] = [];
    let timerPath = 0;
    let restartPath = 0;
    let alarmPath = 0;
    let killedDuring = 0;
    for (let i = 0; i < SITES; i++) {
      const name = host(i);
      const incident = state.incidents.find((x) => x.host === name);
      const hits: AccessLogEntry[] = log.filter((e) => e.host === `${name}:${gateway.port}` && e.path === pagePath(i));
      // The incident's one cookieless comparison (a fetch soon after it opened, not a try): set aside, once.
      if (incident?.cookieless !== undefined && incident.cookieless.result !== 'skipped') {
        const comparison = hits.findIndex((e, k) => k > 0 && !e.navigation);
        if (comparison !== -1) hits.splice(comparison, 1);
      }
      const firstOk = hits.findIndex((e) => e.status === 200);
      const tries = firstOk === -1 ? hits : hits.slice(0, firstOk + 1);
      const pageLoads = (served.get(name) ?? []).filter((r) => r.ok && r.navigation);
      const gaps: string[] = [];
      let delayedByKill = false;
      let waitedForAlarm = false;
      for (let k = 1; k < tries.length; k++) {
        const from = tries[k - 1]!.time;
        const to = tries[k]!.time;
        const gap = to - from;
        const failures = k - 1;
        // Killed during this wait: the worker's timer died with it; the alarm it set last is what is left.
        const kill = kills.filter((w) => w.start < to && w.end > from).at(-1);
        const timerBudget = longestWait(failures) + TIMER_MARGIN_MS + (from < burstEnd ? BURST_MARGIN_MS : 0);
        const budget = kill ? Math.max(timerBudget, kill.end - from + ALARM_FLOOR_MS + ALARM_MARGIN_MS) : timerBudget;
        if (gap < shortestWait(failures) - LOG_SLACK_MS) problems.push(`${name}: tries ${k} and ${k + 1} only ${gap} ms apart (step ${failures} waits >= ${shortestWait(failures)} ms): a duplicate reload`);
        if (gap > budget) problems.push(`${name}: ${gap} ms between tries ${k} and ${k + 1}, over the budget of ${Math.round(budget)} ms${kill ? ` (killed at +${kill.start - phaseStart} ms)` : ''}: a lost retry`);
        // Longer than the timer would have taken: the worker was down; a wait near 30 s was ended by the alarm, a
        // shorter one by another event (the other tab's browsing) starting the worker, which re-armed its timer.
        // A wait the last kill fell in: after that kill nothing starts the worker (see `killer`), so the try that ended
        // it came from the alarm, set at the try before (so the gap itself may be under 30 s).
        if (kill !== undefined && kill === kills[lastKillIndex]) waitedForAlarm = true;
        else if (gap >= ALARM_FLOOR_MS - TIMER_MARGIN_MS) waitedForAlarm = true;
        else if (gap > timerBudget) delayedByKill = true;
        gaps.push(`${(gap / 1000).toFixed(1)}${kill ? 'k' : ''}`);
      }
      if (incident === undefined) problems.push(`${name}: no incident`);
      else {
        if (incident.phase !== 'recovered') {
          const last = tries.at(-1);
          const timeout = `a lost retry, until the ${DEFAULT_POLICY.outcomeTimeoutMs / 1000} s outcome timeout`;
          let lost = '';
          if (incident.awaiting !== null && last !== undefined && last.time >= incident.awaiting.at - LOG_SLACK_MS) {
            lost = `: nginx answered its try ${tries.length - 1} (${last.status}) at +${last.time - phaseStart} ms, and the extension still waits for that outcome ${((Date.now() - last.time) / 1000).toFixed(0)} s later (${timeout})`;
          } else if (incident.awaiting !== null) {
            lost = `: the extension counted try ${incident.attempts + incident.probes} at +${incident.awaiting.at - phaseStart} ms, which never reached nginx (the worker stopped between recording the try and sending it; ${timeout})`;
          }
          problems.push(`${name}: incident still ${incident.phase} after ${incident.attempts} reloads, awaiting ${JSON.stringify(incident.awaiting)}${lost}`);
        }
        // Every request for the page after the first load was one of the incident's tries.
        if (tries.length - 1 !== incident.attempts + incident.probes) problems.push(`${name}: ${tries.length - 1} tries reached nginx, the incident counted ${incident.attempts} reloads + ${incident.probes} probes`);
      }
      if (recoveredAt[i] === null) problems.push(`${name}: the tab never showed the page again (up at +${upTimes[i]! - phaseStart} ms)`);
      if (pageLoads.length !== 1) problems.push(`${name}: ${pageLoads.length} page loads answered 200 (want exactly 1: one reload per recovery)`);
      // After the try that found the site back: nothing, or (when a background probe found it) the one reload.
      const foundByProbe = (served.get(name) ?? []).find((r) => r.ok)?.navigation === false;
      if (hits.length - tries.length > (foundByProbe ? 1 : 0)) problems.push(`${name}: ${hits.length - tries.length} request(s) after the recovery`);
      if (kills.some((w) => w.start < (recoveredAt[i] ?? Infinity) && w.end > openedAt[i]!)) killedDuring += 1;
      if (waitedForAlarm) alarmPath += 1;
      else if (delayedByKill) restartPath += 1;
      else timerPath += 1;
      lines.push(
        `${name.padEnd(19)} noticed ${incident === undefined || tries[0] === undefined ? '?' : ((incident.startedAt - tries[0].time) / 1000).toFixed(1)} s after the 502, ${tries[0] === undefined ? '?' : ((burstEnd - tries[0].time) / 1000).toFixed(1)} s before all tabs were open; down ${((upTimes[i]! - openedAt[i]!) / 1000).toFixed(1).padStart(4)} s, back in the tab ${recoveredAt[i] === null ? 'never' : `${((recoveredAt[i]! - upTimes[i]!) / 1000).toFixed(1)} s`} later; gaps [${gaps.join(' ')}] s; ${incident?.attempts ?? '?'} reloads, ${incident?.probes ?? '?'} probes${waitedForAlarm ? '; alarm' : delayedByKill ? '; restarted' : ''}`,
      );
    }
    console.log(
      [
        `faults: seed ${SEED}, ${((Date.now() - runStart) / 1000).toFixed(0)} s`,
        `kills: ${kills.map((w) => `+${w.start - phaseStart}..${w.end - phaseStart} ms${w.error ? ` (${w.error})` : ''}`).join(', ')}; the user's other tab browsed ${browsed} times`,
        `${killedDuring} of ${SITES} incidents were under way during a kill; ${timerPath} kept to their timers, ${restartPath} waited for the worker to be started by another event, ${alarmPath} waited for the alarm ('k' marks a wait with a kill)`,
        ...lines,
      ].join('\n  '),
    );
    if (process.env.FAULTS_DEBUG) console.log(JSON.stringify({ served: Object.fromEntries(served), log: log.filter((e) => e.path.startsWith('/page-')).map((e) => [e.host, e.path, e.status, e.time - phaseStart]), kills: kills.map((w) => [w.start - phaseStart, w.end - phaseStart]) }));
    expect(problems, `seed ${SEED}`).toEqual([]);
    expect(killedDuring, 'the first kill comes while every incident is under way').toBe(SITES);
    expect(kills.filter((w) => w.error !== undefined), 'every kill took').toEqual([]);
    // The late sites came back after the last kill with no browsing to start the worker: only the alarm was left.
    expect(alarmPath, `some recoveries waited for the alarm (seed ${SEED})`).toBeGreaterThan(0);
  });
});
