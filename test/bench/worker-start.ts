/**
 * The cost of starting the service worker: every page load that wakes a stopped worker (Chromium stops it after 30 s
 * idle) pays it. Issue 13's target: this extension's start within 1.25x of an empty worker's, measured the same way
 * in one run.
 *
 * One Chromium with two extensions, both enabled:
 * - **an empty worker**: `webRequest` + http and https host permissions and a service worker whose only line registers an empty
 *   `webRequest.onBeforeRequest` listener for main frames, so that a page load wakes it exactly as it wakes ours
 *   (a worker without a listener would not start at all). The least a worker that sees page loads can cost;
 * - **its listeners only**: an extension that registers exactly this extension's listeners (the same events, filters and
 *   namespaces as `extension/background/index.ts`), each an empty function, and nothing else: what a worker that
 *   must be woken by these events pays before any code of its own. Kept in step with the background by hand;
 * - **this extension** (`dist/chrome`).
 *
 * A start: the arm's worker is stopped (CDP `ServiceWorker.stopWorker`, as the idle timeout does), 500 ms of quiet,
 * then the browser is traced while a tab loads a small page of `shop.example.com` (via nginx on loopback), which
 * wakes the worker, and 1 s after it (the worker handles the page's events and settles). Figure: the CPU time of the
 * worker's thread in that trace ({@link startedWorkersCpuMs}): loading, compiling and running its script, then handling the
 * load's events. 2 warm-up starts per arm (the first start after install has no code cache yet), then `starts`
 * measured ones, the arms in an order shuffled per round (seeded).
 *
 * Run alone: `npx tsx test/bench/worker-start.ts [--starts 16] [--compare label=dir ...]` (`--compare` puts another build
 * of this extension beside it in the same run, to see what a change pays).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { launchChromium, loopbackHostRules, type ChromiumSession } from '../lab/browsers';
import { startGateway } from '../lab/gateway';
import { startUpstream } from '../lab/upstream';
import { sleep, waitFor } from '../lab/wait';
import { createSeededRandom } from '../../src/recovery/schedule';
import { buildOnce, intArg, isMain, machine, median, medianRatioInterval, p95, printTable, round, warnIfBusy } from './browser-bench';
import { startedWorkersCpuMs, traceWhile } from './worker-trace';

const HOST = 'shop.example.com';
const WARMUP_STARTS = 2;
/** Quiet after the stop, before the traced load, ms. */
const QUIET_MS = 500;
/** How long the trace runs on after the page's load event, ms: the worker handles the load's events meanwhile. */
const SETTLE_MS = 1_000;
/** Issue 13's target: median CPU of this extension's start / median of the empty worker's. */
export const TARGET_RATIO = 1.25;
const EMPTY_NAME = 'empty worker (one webRequest listener)';
const LISTENERS_NAME = "this extension's listeners, no code";

/** CPU time of one arm's starts, ms. */
export interface StartCost {
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly samplesMs: readonly number[];
  /** Median CPU of every thread of the worker's renderer process in the same window (tracing's own thread excepted), ms. */
  readonly processMedianMs: number;
}

/** The figures this module adds to `dist/bench/results.json` under `workerStart`. */
export interface WorkerStartResult {
  readonly method: string;
  readonly startsEach: number;
  readonly emptyWorker: StartCost;
  /** The same listeners as this extension, no code: the part of the start no code change can remove. */
  readonly listenersOnly: StartCost;
  readonly thisExtension: StartCost;
  /** Builds of this extension compared in the same run (`--compare label=dir`, for trying a change), by label. */
  readonly compared: Record<string, StartCost>;
  /** median(this extension) / median(empty worker). */
  readonly ratioMedian: number;
  /** median(its listeners only) / median(empty worker). */
  readonly listenersOnlyRatioMedian: number;
  /** The same for every thread of the renderer process. */
  readonly processRatioMedian: number;
  /** 95 % bootstrap interval of that ratio. */
  readonly ratioCi95: [number, number];
  /** Bytes of the background script Chromium loads. */
  readonly backgroundBytes: number;
  readonly target: { readonly ratioMedianAtMost: number; readonly met: boolean };
  readonly machine: { cpus: number; loadAverage1m: number };
}

/**
 * Runs the measurement (builds `dist/chrome` first), prints its table and returns the figures.
 *
 * @param starts - measured starts per arm (16 in `npm run bench`)
 * @throws Error when Chromium or nginx is missing, or a worker does not start or stop
 */
export async function measureWorkerStart(starts = 16, compare: Readonly<Record<string, string>> = {}): Promise<WorkerStartResult> {
  buildOnce();
  warnIfBusy();
  const upstream = await startUpstream({ routes: { '/p': { headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }, body: '<!doctype html><title>Shop</title><p>Shop</p>' }, '/favicon.ico': { status: 204 } } });
  const gateway = await startGateway({ upstreamPort: upstream.port });
  const dir = mkdtempSync(join(tmpdir(), 'bench-empty-worker-'));
  writeEmptyWorker(dir);
  const listenersDir = mkdtempSync(join(tmpdir(), 'bench-listeners-only-'));
  writeListenersOnly(listenersDir);
  let session: ChromiumSession | undefined;
  try {
    session = await launchChromium({ extensionDir: 'dist/chrome', alsoLoad: [dir, listenersDir, ...Object.values(compare)], hostRules: loopbackHostRules([HOST]) });
    const ours = `chrome-extension://${session.extensionId}`;
    const page = await session.newPage();
    const base = `http://${HOST}:${gateway.port}/p`;
    let n = 0;
    await page.goto(`${base}?n=${n++}`);
    const origins = () => session!.context.serviceWorkers().filter((w) => w.url().endsWith('/worker.js')).map((w) => `chrome-extension://${new URL(w.url()).host}`);
    const empty = await waitFor(() => origins()[0], { timeoutMs: 10_000, message: 'the empty worker to start' });
    // A compared build's worker is found by the directory it was loaded from (Chromium's id for an unpacked one).
    const comparedOrigins = Object.fromEntries(Object.entries(compare).map(([label, d]) => [label, `chrome-extension://${unpackedId(d)}`]));
    const listenersOnly = `chrome-extension://${unpackedId(listenersDir)}`;
    for (const origin of [empty, listenersOnly]) await (await session.newPage()).goto(`${origin}/page.html`);
    const cdp = await session.context.newCDPSession(page);
    const workers = await watchWorkers(session.context, page);
    const arms: Record<string, string> = { emptyWorker: empty, listenersOnly, thisExtension: ours, ...comparedOrigins };
    const samples: Record<string, number[]> = Object.fromEntries(Object.keys(arms).map((k) => [k, []]));
    const processSamples: Record<string, number[]> = Object.fromEntries(Object.keys(arms).map((k) => [k, []]));
    const shuffle = createSeededRandom(13);
    const order = Object.keys(arms);
    for (let i = 0; i < WARMUP_STARTS + starts; i++) {
      for (let k = order.length - 1; k > 0; k--) {
        const j = Math.floor(shuffle() * (k + 1));
        [order[k], order[j]] = [order[j]!, order[k]!];
      }
      for (const arm of order) {
        await workers.stop(arms[arm]!);
        await sleep(QUIET_MS);
        const events = await traceWhile(cdp, async () => {
          await page.goto(`${base}?n=${n++}`, { waitUntil: 'load' });
          await workers.running(arms[arm]!);
          await sleep(SETTLE_MS);
        });
        // The other arm's worker is running: the one thread that started is the arm's.
        const { ms, threads, processMs } = startedWorkersCpuMs(events);
        if (threads !== 1) throw new Error(`${threads} workers started during the traced load of ${arm}, not 1`);
        if (i >= WARMUP_STARTS) {
          samples[arm]!.push(ms);
          processSamples[arm]!.push(processMs);
        }
      }
    }
    const cost = (arm: string): StartCost => ({
      medianMs: round(median(samples[arm]!), 1),
      p95Ms: round(p95(samples[arm]!), 1),
      samplesMs: samples[arm]!.map((x) => round(x, 1)),
      processMedianMs: round(median(processSamples[arm]!), 1),
    });
    const ratioMedian = round(median(samples.thisExtension!) / median(samples.emptyWorker!), 3);
    const { statSync } = await import('node:fs');
    const result: WorkerStartResult = {
      method: 'CPU time of the worker thread (Chromium trace, tdur of its tasks) from a stopped worker to 1 s after the load that woke it',
      startsEach: starts,
      emptyWorker: cost('emptyWorker'),
      listenersOnly: cost('listenersOnly'),
      thisExtension: cost('thisExtension'),
      compared: Object.fromEntries(Object.keys(compare).map((label) => [label, cost(label)])),
      ratioMedian,
      listenersOnlyRatioMedian: round(median(samples.listenersOnly!) / median(samples.emptyWorker!), 3),
      processRatioMedian: round(median(processSamples.thisExtension!) / median(processSamples.emptyWorker!), 3),
      ratioCi95: medianRatioInterval(samples.thisExtension!, samples.emptyWorker!, createSeededRandom(7)).map((x) => round(x, 3)) as [number, number],
      backgroundBytes: statSync('dist/chrome/extension/background/index.js').size,
      target: { ratioMedianAtMost: TARGET_RATIO, met: ratioMedian <= TARGET_RATIO },
      machine: machine(),
    };
    print(result);
    return result;
  } finally {
    await session?.close();
    await gateway.stop();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(listenersDir, { recursive: true, force: true });
  }
}

function writeEmptyWorker(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const manifest = { manifest_version: 3, name: EMPTY_NAME, version: '1.0', permissions: ['webRequest'], host_permissions: ['http://*/*', 'https://*/*'], background: { service_worker: 'worker.js' } };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  // A page of its own, kept open: it keeps the extension's renderer process alive across the worker's stops, as this
  // extension's is, so the worker starts in a process that is being traced.
  writeFileSync(join(dir, 'page.html'), '<!doctype html><title>empty</title>');
  writeFileSync(join(dir, 'worker.js'), "chrome.webRequest.onBeforeRequest.addListener(() => {}, { urls: ['http://*/*', 'https://*/*'], types: ['main_frame'] });\n");
}

/**
 * An extension with this one's permissions that registers this one's listeners (`extension/background/index.ts`: the
 * same events, filters and extra info), each an empty function, and nothing else. Its worker is `listeners.js`, so
 * that the empty worker stays the one `worker.js`.
 */
function writeListenersOnly(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const manifest = {
    manifest_version: 3,
    name: LISTENERS_NAME,
    version: '1.0',
    permissions: ['webRequest', 'storage', 'alarms', 'notifications', 'scripting'],
    host_permissions: ['http://*/*', 'https://*/*'],
    background: { service_worker: 'listeners.js' },
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'page.html'), '<!doctype html><title>listeners only</title>');
  const worker = [
    'const f = () => {};',
    "const all = { urls: ['http://*/*', 'https://*/*'] };",
    "chrome.webRequest.onCompleted.addListener(f, { ...all, types: ['main_frame'] }, ['responseHeaders']);",
    "chrome.webRequest.onCompleted.addListener(f, { ...all, types: ['sub_frame'] });",
    "chrome.webRequest.onBeforeRequest.addListener(f, { ...all, types: ['main_frame'] });",
    "chrome.webRequest.onErrorOccurred.addListener(f, { ...all, types: ['main_frame'] });",
    'chrome.tabs.onUpdated.addListener(f);',
    'chrome.tabs.onRemoved.addListener(f);',
    'chrome.tabs.onReplaced.addListener(f);',
    'chrome.alarms.onAlarm.addListener(f);',
    "self.addEventListener('online', f);",
    'chrome.notifications.onButtonClicked.addListener(f);',
    'chrome.notifications.onClicked.addListener(f);',
    'chrome.notifications.onClosed.addListener(f);',
    'chrome.storage.onChanged.addListener(f);',
    'chrome.runtime.onMessage.addListener(f);',
    'chrome.runtime.onStartup.addListener(f);',
    'chrome.runtime.onInstalled.addListener(f);',
  ];
  writeFileSync(join(dir, 'listeners.js'), `${worker.join('\n')}\n`);
}

/**
 * The running status of every service-worker version, by script URL, from the ServiceWorker domain of `page` (which
 * shares the extensions' storage partition), and a stop for the workers of one origin.
 */
async function watchWorkers(context: BrowserContext, page: Page) {
  const cdp: CDPSession = await context.newCDPSession(page);
  type Version = { versionId: string; scriptURL: string; runningStatus: string };
  const versions = new Map<string, Version>();
  cdp.on('ServiceWorker.workerVersionUpdated', (e: { versions: Version[] }) => {
    for (const v of e.versions) versions.set(v.versionId, v);
  });
  await cdp.send('ServiceWorker.enable');
  const of = (origin: string) => [...versions.values()].filter((v) => v.scriptURL.startsWith(`${origin}/`));
  return {
    /** Waits until a version of `origin`'s worker runs. */
    async running(origin: string): Promise<void> {
      await waitFor(() => of(origin).some((v) => v.runningStatus === 'running'), { timeoutMs: 10_000, intervalMs: 10, message: `the worker of ${origin} to run` });
    },
    /** Stops `origin`'s worker (as the idle timeout does) and waits until it reports stopped. */
    async stop(origin: string): Promise<void> {
      await waitFor(() => of(origin).length > 0, { timeoutMs: 5_000, intervalMs: 20, message: `a worker of ${origin}` });
      await waitFor(
        async () => {
          const live = of(origin).filter((v) => v.runningStatus !== 'stopped');
          for (const v of live) if (v.runningStatus === 'running') await cdp.send('ServiceWorker.stopWorker', { versionId: v.versionId }).catch(() => undefined);
          return live.length === 0;
        },
        { timeoutMs: 10_000, intervalMs: 50, message: `the worker of ${origin} to stop` },
      );
    },
  };
}

function print(r: WorkerStartResult): void {
  console.log(
    `\nWorker start (real Chromium, a page load wakes the stopped worker; CPU of its thread from the trace, ` +
      `${r.startsEach} starts per arm in shuffled rounds; background script ${Math.round(r.backgroundBytes / 1024)} kB)\n`,
  );
  const row = (label: string, c: StartCost) => [label, c.medianMs.toFixed(1), c.p95Ms.toFixed(1), c.processMedianMs.toFixed(1)];
  printTable(
    ['arm', 'worker thread: median ms CPU', 'p95', 'whole renderer process: median ms CPU'],
    [row(EMPTY_NAME, r.emptyWorker), row(LISTENERS_NAME, r.listenersOnly), row('this extension', r.thisExtension), ...Object.entries(r.compared).map(([label, c]) => row(label, c))],
  );
  console.log(
    `This extension vs the empty worker: ${r.ratioMedian.toFixed(3)}x (95 % interval ${r.ratioCi95[0].toFixed(3)}-${r.ratioCi95[1].toFixed(3)}x). ` +
      `Target (issue 13): ≤ ${TARGET_RATIO}x: ${r.target.met ? 'met' : 'NOT MET'}. Its listeners alone: ${r.listenersOnlyRatioMedian.toFixed(3)}x. Whole process: ${r.processRatioMedian.toFixed(3)}x. (machine: ${r.machine.cpus} CPUs, load average ${r.machine.loadAverage1m})`,
  );
}

/** Chromium's id for an extension loaded unpacked from `dir`: SHA-256 of its real path, hex digits mapped to a-p. */
function unpackedId(dir: string): string {
  const hex = createHash('sha256').update(realpathSync(resolve(dir))).digest('hex').slice(0, 32);
  return [...hex].map((d) => String.fromCharCode(97 + parseInt(d, 16))).join('');
}

if (isMain(import.meta.url)) {
  // `--compare label=dir` (repeatable): another build of this extension beside it, e.g. a minified one.
  const compare = Object.fromEntries(process.argv.flatMap((a, i) => (process.argv[i - 1] === '--compare' ? [a.split('=') as [string, string]] : [])));
  await measureWorkerStart(intArg('starts', 16), compare);
  process.exit(0);
}
