/**
 * Real outages: the simulation's recovery figures for 5 s and 30 s outages, checked against real Chromium with the
 * built extension in front of Debian's nginx on loopback (the `npm start` demo's pieces: {@link startUpstream},
 * {@link startGateway}, {@link launchDriver}).
 *
 * One browser for all runs, one tab per run, status checks off (a new user's default: no consent given), the
 * harness's control page closed so the service worker idles and wakes as it does for a user. Each run uses a site
 * name of its own (`outage-<n>.example.com`, mapped to 127.0.0.1), so no run meets another's incident. A run: the
 * upstream is down; at t0 the tab opens the page (nginx answers a genuine 502); at t0 + outage the upstream listens
 * again (its port reopens; "up at" is the moment it listens); the run ends when the tab shows the upstream's page.
 * - **Delay** (ms): from "up at" to the `loadEventEnd` of the page that came back, read in the tab as
 *   `performance.timeOrigin + loadEventEnd` (same machine clock as the bench's `Date.now()`). Beside it: when the
 *   first request for the page reached the upstream, ms after "up at".
 * - **Requests while down**: requests for the page that reached nginx and got its 502 (nginx access log, this run's
 *   host only), the first load excluded: the extension's reloads, probes and its one cookieless comparison. Chromium's
 *   own favicon requests for the error pages are counted apart (JSON only, `faviconRequestsWhileDown`).
 * - **Where the time goes** ({@link RunTrace}): nginx's answers, the extension's own state writes (their time, the
 *   wait it scheduled, when it issued each reload) and the returned page's navigation timing, so a slow run shows
 *   whether the schedule's phase, the time to notice an answer, the reload or the page load took the time.
 *
 * The simulation ({@link createExtensionStrategy} from `outage-simulation.ts`, the shipped incident machine under a
 * simulated clock) runs for exactly the same outage lengths with 1 tab over {@link SIM_SEEDS} seeds; the ratios are
 * real median / simulated median. Short outages are bimodal (a try lands just before the site is back or just after
 * it), so besides the medians the table gives the share of runs over the delay target (20 % of the outage + 2 s),
 * real and simulated, and the chance, from the simulated share, that the median of this many real runs is over it.
 * 9 runs of the 5 s outage and 3 of the 30 s outage: about 4 min in all.
 *
 * Run alone: `npx tsx test/bench/real-outages.ts [--runs5 9] [--runs30 3]`.
 *
 * @module
 */
import type { Page } from 'playwright-core';
import { launchDriver } from '../e2e/driver';
import { startGateway } from '../lab/gateway';
import { htmlResponse, startUpstream, UPSTREAM_OK_MARKER } from '../lab/upstream';
import { sleep } from '../lab/wait';
import { buildOnce, INCIDENT_WRITES, incidentWriteLogScript, intArg, isMain, machine, median, p95, printTable, round, waitForPageBack, warnIfBusy, type IncidentWrite } from './browser-bench';
import { createExtensionStrategy } from './outage-simulation';

/** Seeds of the simulation per outage length (as many rounds as the simulated part of the bench). */
const SIM_SEEDS = 201;

/** One real run. */
export interface RealRun {
  readonly outageS: number;
  readonly host: string;
  /** ms from the upstream listening again to the returned page's `loadEventEnd`. */
  readonly delayMs: number;
  /** ms from the upstream listening again to the first request for the page reaching it. */
  readonly reachedUpstreamMs: number;
  /** Page requests (reloads, probes) that reached nginx and got a 502, the first load excluded. */
  readonly requestsWhileDown: number;
  /** Chromium's own `/favicon.ico` requests that reached nginx while down (not the extension's). */
  readonly faviconRequestsWhileDown: number;
  /** The components of the delay, see {@link RunTrace}. */
  readonly trace: RunTrace;
}

/**
 * Where the time of one run goes, read from nginx's log (`$msec`, when it answered), the upstream's arrivals and the
 * extension's own state writes (a `storage.onChanged` listener in its service worker records each write's time),
 * all on the machine's clock. Times in ms after t0 (the bench calling `page.goto`) unless said otherwise.
 */
export interface RunTrace {
  /** The upstream listening again. */
  readonly upAtMs: number;
  /** nginx answering each load of the page in the tab: the first load, every reload, the load that came back. */
  readonly pageRequestsMs: readonly number[];
  /** nginx answering the background's fetches of the page (the one cookieless comparison, probes). */
  readonly fetchesMs: readonly number[];
  /** The extension storing the incident it opened for the first error. */
  readonly incidentOpenedMs: number;
  /** Per try: the extension issuing the reload (the `awaiting.at` it stored). */
  readonly triesIssuedMs: readonly number[];
  /** Per failed answer (the first load's included): the extension storing it. */
  readonly failuresStoredMs: readonly number[];
  /** Per failed try: the scheduled wait the extension stored after it (`nextAt` - time of the write), ms. */
  readonly scheduledWaitsMs: readonly number[];
  /** Per failed answer (the first load's included): nginx answering -> the extension storing what it made of it, ms. */
  readonly noticeMs: readonly number[];
  /** Per try: the extension issuing the reload -> nginx answering it, ms. */
  readonly reloadToAnswerMs: readonly number[];
  /** The navigation that came back: upstream up -> its start (`performance.timeOrigin`), ms. */
  readonly returnedNavStartAfterUpMs: number;
  /** The navigation that came back: its start -> `loadEventEnd`, ms (the reload itself). */
  readonly returnedLoadMs: number;
}

/** Real runs of one outage length next to the simulation of the same length. */
export interface OutageComparison {
  readonly outageS: number;
  readonly runs: number;
  readonly realDelayMedianMs: number;
  readonly realReachedUpstreamMedianMs: number;
  readonly simDelayMedianMs: number;
  readonly simDelayP95Ms: number;
  /** real median delay / simulated median delay. */
  readonly delayRatio: number;
  /**
   * Share of the simulated runs (0-1) whose delay is at most the real median: where the real median sits in the
   * simulated spread. At 5 s the simulated delay is bimodal (the second try lands just before or just after the site
   * is back), so a few real runs may fall on either side of the simulated median by chance; 0.5 = right on it.
   */
  readonly realMedianSimQuantile: number;
  /** The delay target, ms: 20 % of the outage + 2 s (issue 5). */
  readonly targetMs: number;
  /** Real runs whose delay was over the target. */
  readonly realOverTarget: number;
  /** Share of the simulated runs (0-1) whose delay was over the target. */
  readonly simOverTargetShare: number;
  /** The chance (0-1), were the real runs drawn as the simulated ones, that the median of `runs` is over the target. */
  readonly medianOverTargetChance: number;
  readonly realRequestsMedian: number;
  readonly simRequestsMedian: number;
  /** real median requests / simulated median requests; `null` if the simulation sends none. */
  readonly requestsRatio: number | null;
}

/** The figures this module adds to `dist/bench/results.json` under `realOutages`. */
export interface RealOutagesResult {
  readonly simSeeds: number;
  readonly comparisons: readonly OutageComparison[];
  readonly runs: readonly RealRun[];
  readonly machine: { cpus: number; loadAverage1m: number };
}

/**
 * Runs the real outages (builds `dist/chrome` first) and the simulation for the same lengths, prints the table and
 * returns the figures.
 *
 * @param plan - outage length in s -> number of real runs (`{5: 9, 30: 3}` in `npm run bench`)
 */
export async function measureRealOutages(plan: Readonly<Record<number, number>> = { 5: 9, 30: 3 }): Promise<RealOutagesResult> {
  buildOnce();
  warnIfBusy();
  const lengths = Object.keys(plan).map(Number);
  const total = lengths.reduce((n, s) => n + plan[s]!, 0);
  const hosts = Array.from({ length: total }, (_, i) => `outage-${i + 1}.example.com`);
  const upstream = await startUpstream({ routes: { '/': htmlResponse(`<h1>${UPSTREAM_OK_MARKER}</h1>`) } });
  await upstream.setDown();
  const gateway = await startGateway({ upstreamPort: upstream.port });
  const driver = await launchDriver('chromium', { hosts });
  const runs: RealRun[] = [];
  try {
    await driver.closeControl();
    const context = driver.chromium!.context;
    let n = 0;
    for (const outageS of lengths) {
      for (let r = 0; r < plan[outageS]!; r++) {
        const host = hosts[n++]!;
        const page = await context.newPage();
        try {
          runs.push(await oneRun(page, host, outageS * 1000));
        } finally {
          await page.close();
          await upstream.setDown();
        }
        await sleep(1_000);
      }
    }
  } finally {
    await driver.close();
    await gateway.stop();
    await upstream.close();
  }

  async function oneRun(page: Page, host: string, outageMs: number): Promise<RealRun> {
    const url = `http://${host}:${gateway.port}/`;
    const hostHeader = `${host}:${gateway.port}`;
    const context = driver.chromium!.context;
    const worker = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
    // Records each write of the recovery state with its time, for this run's incident only (see RunTrace).
    await worker?.evaluate(incidentWriteLogScript(hostHeader.split(':')[0]!));
    const t0 = Date.now();
    let upAt = Number.NaN;
    const up = sleep(outageMs).then(async () => {
      await upstream.setUp();
      upAt = Date.now();
    });
    await page.goto(url, { waitUntil: 'load' });
    await up;
    const loadedAt = await waitForPageBack(page, `${url} to come back by itself after ${outageMs / 1000} s down`);
    const reached = upstream.requests.find((q) => q.pathname === '/' && q.headers.host === hostHeader && q.time >= upAt);
    const mine = gateway.accessLog().filter((e) => e.host === hostHeader && e.time >= t0 && e.status === 502);
    const nav = (await page
      .evaluate(`(() => { const n = performance.getEntriesByType('navigation')[0]; return { origin: performance.timeOrigin, load: n ? n.loadEventEnd : 0 }; })()`)
      .catch(() => ({ origin: Number.NaN, load: Number.NaN }))) as { origin: number; load: number };
    const writes = ((await context
      .serviceWorkers()
      .find((w) => w.url().startsWith('chrome-extension://'))
      ?.evaluate(INCIDENT_WRITES)
      .catch(() => [])) ?? []) as IncidentWrite[];
    const pageLog = gateway.accessLog().filter((e) => e.host === hostHeader && e.time >= t0 && e.path === '/');
    const pageAnswers = pageLog.filter((e) => e.navigation).map((e) => e.time);
    const fetches = pageLog.filter((e) => !e.navigation).map((e) => e.time);
    const trace = traceOf(t0, upAt, pageAnswers, fetches, writes, nav);
    return {
      outageS: outageMs / 1000,
      host,
      delayMs: Math.round(loadedAt - upAt),
      reachedUpstreamMs: reached ? reached.time - upAt : Number.NaN,
      requestsWhileDown: mine.filter((e) => e.path === '/').length - 1,
      faviconRequestsWhileDown: mine.filter((e) => e.path === '/favicon.ico').length,
      trace,
    };
  }

  const strategy = createExtensionStrategy();
  const comparisons = lengths.map((outageS): OutageComparison => {
    const real = runs.filter((r) => r.outageS === outageS);
    const sim = Array.from({ length: SIM_SEEDS }, (_, seed) => strategy(outageS * 1000, 1, seed + 1));
    const simDelay = median(sim.map((s) => s.delayMs));
    const simRequests = median(sim.map((s) => s.requestsDuringOutage));
    const realDelay = median(real.map((r) => r.delayMs));
    const realRequests = median(real.map((r) => r.requestsWhileDown));
    const targetMs = 200 * outageS + 2_000;
    const simOver = sim.filter((x) => x.delayMs > targetMs).length / sim.length;
    return {
      outageS,
      runs: real.length,
      realDelayMedianMs: round(realDelay, 0),
      realReachedUpstreamMedianMs: round(median(real.map((r) => r.reachedUpstreamMs)), 0),
      simDelayMedianMs: round(simDelay, 0),
      simDelayP95Ms: round(p95(sim.map((s) => s.delayMs)), 0),
      delayRatio: round(realDelay / simDelay, 2),
      realMedianSimQuantile: round(sim.filter((x) => x.delayMs <= realDelay).length / sim.length, 2),
      targetMs,
      realOverTarget: real.filter((r) => r.delayMs > targetMs).length,
      simOverTargetShare: round(simOver, 3),
      medianOverTargetChance: round(medianOverChance(simOver, real.length), 3),
      realRequestsMedian: realRequests,
      simRequestsMedian: simRequests,
      requestsRatio: simRequests > 0 ? round(realRequests / simRequests, 2) : null,
    };
  });
  const result: RealOutagesResult = { simSeeds: SIM_SEEDS, comparisons, runs, machine: machine() };
  print(result);
  return result;
}

/** The chance that the median of `n` runs is over a limit that each run is over with chance `p` (binomial). */
function medianOverChance(p: number, n: number): number {
  let chance = 0;
  for (let k = Math.floor(n / 2) + 1; k <= n; k++) {
    let c = 1;
    for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
    chance += c * p ** k * (1 - p) ** (n - k);
  }
  return chance;
}

/** One write of the run's incident as the worker saw it: [epoch ms, attempts, nextAt, awaiting.at, phase]. */


/** Splits one run's time into the components of {@link RunTrace}. */
function traceOf(
  t0: number,
  upAt: number,
  pageAnswers: readonly number[],
  fetches: readonly number[],
  writes: readonly IncidentWrite[],
  nav: { origin: number; load: number },
): RunTrace {
  const rel = (t: number) => Math.round(t - t0);
  const triesIssued: number[] = [];
  const waits: number[] = [];
  const notice: number[] = [];
  const stored: number[] = [];
  // A failed answer is stored as "no try awaited, next one at nextAt": the first write of each attempt count so.
  let lastAttempts = -1;
  for (const [at, attempts, nextAt, awaitingAt] of writes) {
    if (awaitingAt !== null && !triesIssued.includes(awaitingAt)) triesIssued.push(awaitingAt);
    if (awaitingAt === null && nextAt !== null && attempts !== lastAttempts) {
      lastAttempts = attempts;
      waits.push(nextAt - at);
      stored.push(at);
      const answered = pageAnswers[attempts];
      if (answered !== undefined) notice.push(at - answered);
    }
  }
  return {
    upAtMs: rel(upAt),
    pageRequestsMs: pageAnswers.map(rel),
    fetchesMs: fetches.map(rel),
    incidentOpenedMs: writes[0] ? rel(writes[0][0]) : Number.NaN,
    triesIssuedMs: triesIssued.map(rel),
    failuresStoredMs: stored.map(rel),
    scheduledWaitsMs: waits,
    noticeMs: notice,
    reloadToAnswerMs: triesIssued.map((at, k) => (pageAnswers[k + 1] ?? Number.NaN) - at),
    returnedNavStartAfterUpMs: Math.round(nav.origin - upAt),
    returnedLoadMs: Math.round(nav.load),
  };
}

function print(r: RealOutagesResult): void {
  console.log(
    `\nReal outages (Chromium + nginx on loopback, 1 tab, status checks off) next to the simulation ` +
      `(same lengths, 1 tab, ${r.simSeeds} seeds); delay = upstream listening again -> page loaded, s; ` +
      `requests = page requests that reached nginx while down, first load excluded\n`,
  );
  const s = (ms: number) => (ms / 1000).toFixed(2);
  printTable(
    ['outage', 'runs', 'real delay med', 'sim delay med', 'sim p95', 'real/sim', 'real med at sim quantile', 'over target real', 'sim', 'median over (sim)', 'reached upstream', 'real requests', 'sim requests', 'real/sim'],
    r.comparisons.map((c) => [
      `${c.outageS} s`,
      String(c.runs),
      s(c.realDelayMedianMs),
      s(c.simDelayMedianMs),
      s(c.simDelayP95Ms),
      `${c.delayRatio.toFixed(2)}x`,
      c.realMedianSimQuantile.toFixed(2),
      `${c.realOverTarget} of ${c.runs}`,
      `${(c.simOverTargetShare * 100).toFixed(0)} %`,
      `${(c.medianOverTargetChance * 100).toFixed(1)} %`,
      s(c.realReachedUpstreamMedianMs),
      String(c.realRequestsMedian),
      String(c.simRequestsMedian),
      c.requestsRatio === null ? 'n/a' : `${c.requestsRatio.toFixed(2)}x`,
    ]),
  );
  console.log(
    `  each run (outage: delay s / requests while down): ` +
      r.runs.map((x) => `${x.outageS} s: ${s(x.delayMs)} / ${x.requestsWhileDown}`).join(', '),
  );
  console.log('  where the time goes, each run (ms after t0 unless said):');
  for (const x of r.runs) {
    const t = x.trace;
    console.log(
      `    ${x.outageS} s: up ${t.upAtMs}; nginx answered loads ${t.pageRequestsMs.join(' ')}, fetches ${t.fetchesMs.join(' ')}; opened ${t.incidentOpenedMs}; ` +
        `tries issued ${t.triesIssuedMs.join(' ')}; waits ${t.scheduledWaitsMs.join(' ')}; notice ${t.noticeMs.join(' ')}; ` +
        `reload->answer ${t.reloadToAnswerMs.join(' ')}; back: nav start ${t.returnedNavStartAfterUpMs} after up, load ${t.returnedLoadMs}; delay ${x.delayMs}`,
    );
  }
}

if (isMain(import.meta.url)) {
  await measureRealOutages({ 5: intArg('runs5', 9), 30: intArg('runs30', 3) });
  process.exit(0);
}
