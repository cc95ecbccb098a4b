/**
 * Load: what the background costs per webRequest event, and how much a page with 1,000 failing frames delays another
 * tab's recovery (issue 13). Real Chromium with the built extension, Debian's nginx on loopback, status checks off.
 *
 * Sites, each behind nginx of its own:
 * - `flood.example.com` serves a page of {@link FRAMES} iframes, all on `frames.example.net`, whose upstream never
 *   listens: nginx answers each with a genuine 502, and every one reaches the background as a `sub_frame`
 *   `webRequest.onCompleted`;
 * - `shop-<n>.example.com` (a name per run, so no run meets another's incident) has a real short outage: its upstream
 *   is down when the tab opens it (nginx 502, an incident opens), and listens again {@link OUTAGE_MS} ms after the
 *   502 page loaded, before the extension's first try (about 1.5 s after the incident opened, ±20 %) unless that is
 *   late.
 *
 * **Cost per event**: the on-CPU time of the extension's worker thread ({@link workerCpuMsWhile}, read from Linux's
 * `/proc`) while a tab loads a page that works (the main frame's `onBeforeRequest` and `onCompleted`: 2 events; the
 * tab's `tabs.onUpdated` events are paid too, so its figure per event is an upper bound), and while a tab loads the
 * flood page (1,002 events). ms of CPU per event, median of {@link COST_RUNS} runs each. Not a
 * Chromium trace, as `worker-start.ts` takes: tracing a page of 1,000 frames made a trace of most of a GB, whose
 * recording and transfer took the 2 cores for minutes, and the flood with them.
 *
 * **The flood's delay**: runs with and without the flood, alternating. In a flood run the flood page opens in
 * another tab right after the shop's 502. Per run: the **delay**, from the shop's upstream listening again to the
 * `loadEventEnd` of the page that came back (as in `real-outages.ts`), and the **lateness** of the try: when the
 * reload reached the upstream, ms after the try's `nextAt` in the stored state (the schedule's jitter moves the
 * delay, not the lateness). The lateness in parts, from the stored writes of the shop's incident as the worker's own
 * `storage.onChanged` sees them ({@link incidentWriteLogScript}): the worker taking the try (its `awaiting.at`), its state
 * stored, the reload reaching the upstream; then the page's load. Beside them, the browser's own pace at that moment:
 * a navigation started in a third tab right after the shop is back, until its request reaches the upstream and its
 * page has loaded. Reported: medians, and flood / no flood as ratios in one run.
 *
 * Run alone: `npx tsx test/bench/flood.ts [--runs 5]`.
 *
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { launchDriver } from '../e2e/driver';
import { startGateway, type Gateway } from '../lab/gateway';
import { htmlResponse, startUpstream, UPSTREAM_OK_MARKER, type Upstream } from '../lab/upstream';
import { sleep, waitFor } from '../lab/wait';
import { buildOnce, INCIDENT_WRITES, incidentWriteLogScript, intArg, isMain, machine, median, printTable, round, waitForPageBack, warnIfBusy, type IncidentWrite } from './browser-bench';

/** Failing frames on the flood page. */
export const FRAMES = 1_000;
/** How long the shop stays down after its 502 page loaded, ms: shorter than the first try's delay (1.5 s ± 20 %). */
const OUTAGE_MS = 300;
const COST_RUNS = 3;
/** Issue 13's targets: the flood delays another tab's recovery by at most this factor (delay and lateness). */
export const TARGET_DELAY_RATIO = 1.25;
/** And the background's CPU per webRequest event, ms, at most. */
export const TARGET_MS_PER_EVENT = 0.5;

/** One shop outage. */
export interface FloodRun {
  readonly flood: boolean;
  readonly host: string;
  /** ms from the shop's upstream listening again to the returned page's `loadEventEnd`. */
  readonly delayMs: number;
  /** ms from the try's `nextAt` (as stored while it waited) to the reload reaching the upstream; `NaN` if unseen. */
  readonly latenessMs: number;
  /** The lateness in parts, ms: from `nextAt` to the worker taking the try (its `awaiting.at`: the timer, the queue). */
  readonly issuedLateMs: number;
  /** ms from taking the try to its state being stored (the worker sees the `storage.onChanged`), when it reloads. */
  readonly storedMs: number;
  /** ms from the state stored to the reload reaching the upstream (`tabs.reload`, the browser, nginx). */
  readonly reachedMs: number;
  /** ms from the reload reaching the upstream to the returned page's `loadEventEnd`. */
  readonly loadMs: number;
  /**
   * The browser's own pace, for comparison: a navigation the user starts in a third tab right after the shop is back
   * (the flood still loading in a flood run), ms from `goto` to its request reaching the upstream.
   */
  readonly userReachedMs: number;
  /** And from there to that page's `loadEventEnd`, ms. */
  readonly userLoadMs: number;
}

/** Where a run's time went, ms (medians of {@link FloodRun}'s fields of these names). */
export type FloodParts = Pick<FloodRun, 'issuedLateMs' | 'storedMs' | 'reachedMs' | 'loadMs' | 'userReachedMs' | 'userLoadMs'>;

/** The figures this module adds to `dist/bench/results.json` under `flood`. */
export interface FloodResult {
  readonly frames: number;
  readonly outageMs: number;
  readonly costPerEvent: {
    /** ms of worker CPU per event while a page that works loads (2 events). */
    readonly pageLoadMsPerEvent: number;
    /** ms of worker CPU per event while the flood page loads ({@link FRAMES} + 2 events). */
    readonly floodMsPerEvent: number;
    /** ms of worker CPU for the whole flood page. */
    readonly floodTotalMs: number;
    /** ms from opening the flood page to nginx having answered all its frames (median). */
    readonly floodAnsweredMs: number;
    readonly samples: { readonly pageLoadMs: readonly number[]; readonly floodMs: readonly number[] };
  };
  readonly runs: readonly FloodRun[];
  readonly delayMedianMs: { readonly flood: number; readonly quiet: number };
  readonly latenessMedianMs: { readonly flood: number; readonly quiet: number };
  /** The medians of each part of the lateness and of the page's load, ms, per arm (see {@link FloodRun}). */
  readonly partsMedianMs: { readonly flood: FloodParts; readonly quiet: FloodParts };
  /** median delay with the flood / without. */
  readonly delayRatio: number;
  /** median lateness with the flood / without (each at least 1 ms, so a ratio exists). */
  readonly latenessRatio: number;
  readonly target: { readonly delayRatioAtMost: number; readonly msPerEventAtMost: number; readonly met: boolean };
  readonly machine: { cpus: number; loadAverage1m: number };
}

/** One stored write of the run's incident, seen in the worker: `[epoch ms, phase, nextAt, awaiting.at or null]`. */
export type TryLogEntry = IncidentWrite;


/**
 * The try that reached the upstream at `reachedAt` (epoch ms), from the run's {@link TryLogEntry} log: the last one
 * taken before it (`issuedAt`, its `awaiting.at`), when its state was stored (`storedAt`), and when it was due
 * (`dueAt`, the `nextAt` stored while it waited). `undefined` when the log does not show it.
 */
export function tryTimes(log: readonly TryLogEntry[], reachedAt: number): { dueAt: number; issuedAt: number; storedAt: number } | undefined {
  let k = -1;
  for (let j = 0; j < log.length; j++) if (log[j]![3] !== null && log[j]![3]! <= reachedAt && (k === -1 || log[j]![3]! >= log[k]![3]!)) k = j;
  if (k === -1) return undefined;
  const issuedAt = log[k]![3]!;
  const storedAt = log.find((e) => e[3] === issuedAt)![0];
  const waiting = log.slice(0, log.findIndex((e) => e[3] === issuedAt)).filter((e) => e[4] === 'retrying' && e[3] === null && e[2] !== null);
  const dueAt = waiting.at(-1)?.[2];
  return dueAt === undefined || dueAt === null ? undefined : { dueAt, issuedAt, storedAt };
}

/**
 * Runs both measurements (builds `dist/chrome` first), prints the table and returns the figures.
 *
 * @param runs - shop outages per arm (with and without the flood)
 * @throws Error when Chromium or nginx is missing, or the shop does not come back
 */
export async function measureFlood(runs = 5): Promise<FloodResult> {
  buildOnce();
  warnIfBusy();
  const frames = Array.from({ length: FRAMES }, (_, n) => `<iframe src="http://frames.example.net:{port}/f${n}" width="4" height="4"></iframe>`).join('');
  const hosts = ['flood.example.com', 'frames.example.net', 'ok.example.com', ...Array.from({ length: 2 * runs }, (_, n) => `shop-${n + 1}.example.com`)];
  const servers: { upstream: Upstream; gateway: Gateway }[] = [];
  const serve = async (routes: Parameters<typeof startUpstream>[0]) => {
    const upstream = await startUpstream(routes);
    const gateway = await startGateway({ upstreamPort: upstream.port });
    servers.push({ upstream, gateway });
    return { upstream, gateway };
  };
  const framesSite = await serve({});
  await framesSite.upstream.setDown();
  const floodSite = await serve({
    routes: { '/flood': htmlResponse(frames.replaceAll('{port}', String(framesSite.gateway.port))), '/ok': htmlResponse('<p>ok</p>') },
  });
  const shop = await serve({ routes: { '/': htmlResponse(`<h1>${UPSTREAM_OK_MARKER}</h1>`) } });
  const driver = await launchDriver('chromium', { hosts });
  /**
   * Opens the flood page in `tab` and resolves once nginx has answered all its frames (a page of 1,000 cross-site
   * frames takes long to fire `load` on 2 cores; the frames' answers are what reaches the background). Returns how
   * long that took, ms.
   */
  const openFlood = async (tab: Page, query: string): Promise<number> => {
    const before = framesSite.gateway.accessLog().length;
    const started = Date.now();
    await tab.goto(`http://flood.example.com:${floodSite.gateway.port}/flood?${query}`, { waitUntil: 'commit' });
    await waitFor(() => framesSite.gateway.accessLog().length - before >= FRAMES, { timeoutMs: 300_000, intervalMs: 100, message: `nginx to answer the ${FRAMES} frames` });
    return Date.now() - started;
  };
  const floodTimes: number[] = [];
  const result: FloodRun[] = [];
  const pageLoadMs: number[] = [];
  const floodMs: number[] = [];
  try {
    const context = driver.chromium!.context;

    // Cost per event: the worker is running (a page load just woke it), nothing else happens. A tab that held the
    // flood is closed, not navigated (unloading 1,000 frames in place took minutes on 2 cores).
    for (let i = 0; i < COST_RUNS; i++) {
      const tab = await context.newPage();
      await tab.goto(`http://ok.example.com:${floodSite.gateway.port}/ok?warm=${i}`);
      await sleep(1_000);
      pageLoadMs.push(
        await workerCpuMsWhile(async () => {
          await tab.goto(`http://ok.example.com:${floodSite.gateway.port}/ok?n=${i}`);
          await sleep(1_000);
        }),
      );
      floodMs.push(
        await workerCpuMsWhile(async () => {
          floodTimes.push(await openFlood(tab, `n=${i}`));
          // The background takes in the last frames' events after nginx answered them.
          await sleep(2_000);
        }),
      );
      await tab.close();
      console.log(
        `  cost ${i + 1}/${COST_RUNS}: a page that works ${pageLoadMs.at(-1)!.toFixed(1)} ms CPU, the flood ${floodMs.at(-1)!.toFixed(1)} ms ` +
          `(nginx answered its frames in ${(floodTimes.at(-1)! / 1000).toFixed(1)} s)`,
      );
      await sleep(1_000);
    }

    for (let n = 0; n < 2 * runs; n++) {
      const flood = n % 2 === 1;
      const page = await context.newPage();
      const floodTab = flood ? await context.newPage() : null;
      try {
        result.push(await oneRun(page, floodTab, `shop-${n + 1}.example.com`));
        const r = result.at(-1)!;
        console.log(
          `  run ${n + 1}/${2 * runs} (${flood ? 'flood' : 'quiet'}): delay ${(r.delayMs / 1000).toFixed(2)} s, lateness ${r.latenessMs} ms ` +
            `(taken ${r.issuedLateMs}, stored ${r.storedMs}, reached the upstream ${r.reachedMs}), then loaded in ${r.loadMs} ms; ` +
            `a user's navigation reached it in ${r.userReachedMs} ms and loaded in ${r.userLoadMs} ms`,
        );
      } finally {
        await page.close();
        await floodTab?.close();
        await shop.upstream.setDown();
      }
      await sleep(1_000);
    }
  } finally {
    await driver.close();
    for (const { upstream, gateway } of servers) {
      await gateway.stop();
      await upstream.close();
    }
  }

  async function oneRun(page: Page, floodTab: Page | null, host: string): Promise<FloodRun> {
    await shop.upstream.setDown();
    const url = `http://${host}:${shop.gateway.port}/`;
    const hostHeader = `${host}:${shop.gateway.port}`;
    const worker = () => driver.chromium!.context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
    await worker()?.evaluate(incidentWriteLogScript(host));
    await page.goto(url, { waitUntil: 'load' });
    const flooding = floodTab === null ? undefined : openFlood(floodTab, `run=${host}`);
    // The outage is counted from the error page's load, not from the state, which the flood may keep the harness from
    // reading in time.
    await sleep(OUTAGE_MS);
    await shop.upstream.setUp();
    const upAt = Date.now();
    const loadedAt = await waitForPageBack(page, `${url} to come back by itself`, 50);
    // The browser's own pace at the same moment: a navigation the user starts in another tab.
    const other = await driver.chromium!.context.newPage();
    const otherHost = `ok.example.com:${shop.gateway.port}`;
    const navStart = Date.now();
    await other.goto(`http://${otherHost}/?after=${host}`, { waitUntil: 'load' });
    const navReached = shop.upstream.requests.find((q) => q.headers.host === otherHost && q.time >= navStart);
    const navLoaded = (await other
      .evaluate(`(() => { const nav = performance.getEntriesByType('navigation')[0]; return nav ? performance.timeOrigin + nav.loadEventEnd : 0; })()`)
      .catch(() => Number.NaN)) as number;
    await other.close();
    await flooding;
    const log = ((await worker()?.evaluate(INCIDENT_WRITES).catch(() => [])) ?? []) as TryLogEntry[];
    const reached = shop.upstream.requests.find((q) => q.pathname === '/' && q.headers.host === hostHeader && q.time >= upAt);
    const t = reached === undefined ? undefined : tryTimes(log, reached.time);
    return {
      flood: floodTab !== null,
      host,
      delayMs: Math.round(loadedAt - upAt),
      latenessMs: reached !== undefined && t !== undefined ? reached.time - t.dueAt : Number.NaN,
      issuedLateMs: t === undefined ? Number.NaN : t.issuedAt - t.dueAt,
      storedMs: t === undefined ? Number.NaN : t.storedAt - t.issuedAt,
      reachedMs: reached !== undefined && t !== undefined ? reached.time - t.storedAt : Number.NaN,
      loadMs: reached === undefined ? Number.NaN : Math.round(loadedAt - reached.time),
      userReachedMs: navReached === undefined ? Number.NaN : navReached.time - navStart,
      userLoadMs: navReached === undefined ? Number.NaN : Math.round(navLoaded - navReached.time),
    };
  }

  const arm = (flood: boolean, pick: (r: FloodRun) => number) => median(result.filter((r) => r.flood === flood).map(pick).filter(Number.isFinite));
  const delay = { flood: round(arm(true, (r) => r.delayMs), 0), quiet: round(arm(false, (r) => r.delayMs), 0) };
  const lateness = { flood: round(arm(true, (r) => r.latenessMs), 0), quiet: round(arm(false, (r) => r.latenessMs), 0) };
  const parts = (flood: boolean): FloodParts => ({
    issuedLateMs: round(arm(flood, (r) => r.issuedLateMs), 0),
    storedMs: round(arm(flood, (r) => r.storedMs), 0),
    reachedMs: round(arm(flood, (r) => r.reachedMs), 0),
    loadMs: round(arm(flood, (r) => r.loadMs), 0),
    userReachedMs: round(arm(flood, (r) => r.userReachedMs), 0),
    userLoadMs: round(arm(flood, (r) => r.userLoadMs), 0),
  });
  const delayRatio = round(delay.flood / delay.quiet, 2);
  const latenessRatio = round(Math.max(1, lateness.flood) / Math.max(1, lateness.quiet), 2);
  const floodMsPerEvent = round(median(floodMs) / (FRAMES + 2), 3);
  const out: FloodResult = {
    frames: FRAMES,
    outageMs: OUTAGE_MS,
    costPerEvent: {
      pageLoadMsPerEvent: round(median(pageLoadMs) / 2, 2),
      floodMsPerEvent,
      floodTotalMs: round(median(floodMs), 1),
      floodAnsweredMs: round(median(floodTimes), 0),
      samples: { pageLoadMs: pageLoadMs.map((x) => round(x, 1)), floodMs: floodMs.map((x) => round(x, 1)) },
    },
    runs: result,
    delayMedianMs: delay,
    latenessMedianMs: lateness,
    partsMedianMs: { flood: parts(true), quiet: parts(false) },
    delayRatio,
    latenessRatio,
    target: {
      delayRatioAtMost: TARGET_DELAY_RATIO,
      msPerEventAtMost: TARGET_MS_PER_EVENT,
      met: delayRatio <= TARGET_DELAY_RATIO && floodMsPerEvent <= TARGET_MS_PER_EVENT,
    },
    machine: machine(),
  };
  print(out);
  return out;
}

/** Linux's name (`comm`, 15 bytes at most) of the thread a service worker runs on in Chromium: "ServiceWorker thread". */
const WORKER_THREAD_NAME = 'ServiceWorker t';

/**
 * On-CPU time, ns, of every service-worker thread of this process's Chromium extensions, by `pid:tid`: the
 * renderers started with `--extension-process` below this Node process, their threads named
 * {@link WORKER_THREAD_NAME}; the time is the first field of `/proc/<pid>/task/<tid>/schedstat` (the kernel's count
 * of the thread's time on a CPU, ns). Linux only, like the rest of the bench.
 */
function workerThreadsCpuNs(): Map<string, number> {
  const parentOf = (pid: string): string | null => {
    try {
      // `stat` is "pid (comm) state ppid …"; comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? null;
    } catch {
      return null;
    }
  };
  const ours = (pid: string): boolean => {
    for (let p: string | null = pid, hops = 0; p !== null && p !== '0' && hops < 10; p = parentOf(p), hops++) if (p === String(process.pid)) return true;
    return false;
  };
  const times = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmdline.includes('--extension-process') || !ours(pid)) continue;
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        if (readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() !== WORKER_THREAD_NAME) continue;
        times.set(`${pid}:${tid}`, Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]));
      } catch {
        // The thread ended meanwhile.
      }
    }
  }
  return times;
}

/**
 * The CPU time, ms, that the extensions' service-worker threads ({@link workerThreadsCpuNs}) spent while `during`
 * ran: a thread that started meanwhile counts from 0; one that ended meanwhile is lost (none should: the worker is
 * awake and busy throughout).
 *
 * @throws Error when no worker thread ran at either end (not Linux, or the worker was not running)
 */
async function workerCpuMsWhile(during: () => Promise<void>): Promise<number> {
  const before = workerThreadsCpuNs();
  await during();
  const after = workerThreadsCpuNs();
  if (before.size === 0 && after.size === 0) throw new Error('no service-worker thread of the extension found in /proc');
  let ns = 0;
  for (const [key, t] of after) ns += t - (before.get(key) ?? 0);
  return ns / 1e6;
}

function print(r: FloodResult): void {
  console.log(
    `\nLoad (real Chromium + nginx on loopback): the worker's CPU per webRequest event, and a page of ${r.frames} frames ` +
      `answering 502 against another tab's recovery from a ${r.outageMs} ms outage\n`,
  );
  printTable(
    ['what', 'ms CPU', 'events', 'ms CPU per event'],
    [
      ['a page that works', (r.costPerEvent.pageLoadMsPerEvent * 2).toFixed(1), '2', r.costPerEvent.pageLoadMsPerEvent.toFixed(2)],
      [`the flood page (${r.frames} failing frames)`, r.costPerEvent.floodTotalMs.toFixed(1), String(r.frames + 2), r.costPerEvent.floodMsPerEvent.toFixed(3)],
    ],
  );
  console.log(`  (nginx answered the flood's ${r.frames} frames within ${(r.costPerEvent.floodAnsweredMs / 1000).toFixed(1)} s of the page opening)`);
  console.log('');
  const row = (name: string, delayMs: number, latenessMs: number, p: FloodParts) => [
    name,
    (delayMs / 1000).toFixed(2),
    String(latenessMs),
    String(p.issuedLateMs),
    String(p.storedMs),
    String(p.reachedMs),
    String(p.loadMs),
    String(p.userReachedMs),
    String(p.userLoadMs),
  ];
  printTable(
    ['other tab (medians)', 'delay s', 'lateness ms', 'taken ms', 'stored ms', 'reached ms', 'loaded ms', 'user: reached ms', 'loaded ms'],
    [
      row('without the flood', r.delayMedianMs.quiet, r.latenessMedianMs.quiet, r.partsMedianMs.quiet),
      row('with the flood', r.delayMedianMs.flood, r.latenessMedianMs.flood, r.partsMedianMs.flood),
      ['flood / without', `${r.delayRatio.toFixed(2)}x`, `${r.latenessRatio.toFixed(2)}x`],
    ],
  );
  console.log(
    '  (lateness: from the try being due to its reload reaching the upstream; taken: due -> the worker takes the try; ' +
      'stored: -> its state stored; reached: -> the reload reaches the upstream; loaded: -> the page\'s loadEventEnd; ' +
      'user: a navigation started in a third tab right after, goto -> its request reaching the upstream -> its loadEventEnd)',
  );
  console.log(
    `  each run (delay s / lateness ms): ` + r.runs.map((x) => `${x.flood ? 'flood' : 'quiet'} ${(x.delayMs / 1000).toFixed(2)} / ${x.latenessMs}`).join(', '),
  );
  console.log(
    `Targets (issue 13): the flood delays the other tab's recovery ≤ ${r.target.delayRatioAtMost}x, ` +
      `≤ ${r.target.msPerEventAtMost} ms CPU per event: ${r.target.met ? 'met' : 'NOT MET'}. (machine: ${r.machine.cpus} CPUs, load average ${r.machine.loadAverage1m})`,
  );
}

if (isMain(import.meta.url)) {
  await measureFlood(intArg('runs', 5));
  process.exit(0);
}
