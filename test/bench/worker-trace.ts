/**
 * CPU time of an extension's service worker, read from a Chromium trace: what the bench's worker-start and flood
 * modules ({@link ./worker-start}, {@link ./flood}) measure.
 *
 * Chromium's trace ("toplevel" category) has one event per task a thread runs, with `tdur`, the thread's CPU time
 * for it in µs. The worker runs on a thread of its own ("ServiceWorker thread", new at every start) in the extension's
 * renderer process, so the sum of `tdur` over that thread's outermost events is the worker's CPU time: compiling and
 * running its script, its listeners, its storage calls (their JavaScript side), and V8's garbage collection on that
 * thread. Work the browser process does for it (IPC, storage itself) is not counted, the same for every extension.
 *
 * @module
 */
import type { CDPSession } from 'playwright-core';

/** One event of a Chromium trace (the JSON trace event format), the fields read here. */
export interface TraceEvent {
  readonly ph: string;
  readonly name: string;
  readonly cat: string;
  readonly pid: number;
  readonly tid: number;
  /** Start, µs. */
  readonly ts: number;
  /** Wall duration, µs. */
  readonly dur?: number;
  /** Thread CPU duration, µs. */
  readonly tdur?: number;
  readonly args?: Record<string, unknown>;
}

/** Categories traced: tasks with their CPU time, the timeline (which script a thread evaluates), V8, thread names. */
const CATEGORIES = ['toplevel', '__metadata', 'v8', 'devtools.timeline', 'disabled-by-default-devtools.timeline'];

/**
 * Traces the whole browser while `during` runs (`Tracing.start` on `cdp`, any page's session: a trace is
 * browser-wide), and returns the events.
 */
export async function traceWhile(cdp: CDPSession, during: () => Promise<void>): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  const collect = (e: { value: object[] }) => void events.push(...(e.value as unknown as TraceEvent[]));
  cdp.on('Tracing.dataCollected', collect);
  try {
    await cdp.send('Tracing.start', { traceConfig: { includedCategories: CATEGORIES }, transferMode: 'ReportEvents' } as never);
    try {
      await during();
    } finally {
      const complete = new Promise<void>((resolve) => void cdp.once('Tracing.tracingComplete', () => resolve()));
      await cdp.send('Tracing.end');
      await complete;
    }
  } finally {
    cdp.off('Tracing.dataCollected', collect);
  }
  return events;
}

/** The worker threads of a trace: `pid:tid` of every thread named "ServiceWorker thread". */
function workerThreads(events: readonly TraceEvent[]): Set<string> {
  const threads = new Set<string>();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name' && (e.args as { name?: string } | undefined)?.name === 'ServiceWorker thread') threads.add(`${e.pid}:${e.tid}`);
  }
  return threads;
}

/**
 * CPU time (ms) of the service-worker threads of `origin` (`chrome-extension://<id>`) in `events`: a worker thread
 * counts as the origin's when one of its events names a URL of the origin (the script it evaluates, a function it
 * calls). `null` when no thread of the origin ran.
 */
export function workerCpuMs(events: readonly TraceEvent[], origin: string): number | null {
  const threads = workerThreads(events);
  const ours = new Set<string>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (threads.has(key) && !ours.has(key) && e.args !== undefined && JSON.stringify(e.args).includes(origin)) ours.add(key);
  }
  if (ours.size === 0) return null;
  return threadCpuMs(events, ours);
}

/**
 * CPU time (ms) of the service-worker threads that started in `events` (those that set up their V8 isolate in it),
 * how many there were, and the CPU time (ms) of every thread of their renderer processes.
 */
export function startedWorkersCpuMs(events: readonly TraceEvent[]): { ms: number; threads: number; processMs: number } {
  const threads = workerThreads(events);
  const started = new Set<string>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (threads.has(key) && e.name === 'V8PerIsolateData::Initialize') started.add(key);
  }
  // Every thread of the processes the workers started in (IPC, the script's load, other threads' share).
  const pids = new Set([...started].map((key) => key.split(':')[0]));
  // The tracing's own thread excepted.
  const tracing = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && (e.args as { name?: string } | undefined)?.name === 'PerfettoTrace').map((e) => `${e.pid}:${e.tid}`));
  const all = new Set(events.filter((e) => pids.has(String(e.pid))).map((e) => `${e.pid}:${e.tid}`).filter((key) => !tracing.has(key)));
  return { ms: threadCpuMs(events, started), threads: started.size, processMs: threadCpuMs(events, all) };
}

/**
 * CPU time (ms) of every service-worker thread in `events` (for a browser where only one extension has a worker).
 * `0` when none ran.
 */
export function allWorkersCpuMs(events: readonly TraceEvent[]): number {
  return threadCpuMs(events, workerThreads(events));
}

/** Sum of `tdur` over the outermost complete events of `threads` (nested events are part of their parent's), ms. */
function threadCpuMs(events: readonly TraceEvent[], threads: ReadonlySet<string>): number {
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.ph !== 'X' || e.tdur === undefined || !threads.has(key)) continue;
    let list = byThread.get(key);
    if (list === undefined) byThread.set(key, (list = []));
    list.push(e);
  }
  let total = 0;
  for (const list of byThread.values()) {
    list.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    let end = -Infinity;
    for (const e of list) {
      if (e.ts < end) continue;
      total += e.tdur!;
      end = e.ts + (e.dur ?? 0);
    }
  }
  return total / 1000;
}
