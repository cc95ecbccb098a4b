/**
 * What the bench's real-browser modules ({@link ./page-load-cost}, {@link ./size-and-paint}, {@link ./real-outages},
 * {@link ./flood}) share: a quiet build of the extension before any of them reads `dist/chrome`, the statistics they
 * report, a table printer, and the wait for a page that came back by itself.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { findProcesses } from '../lab/cleanup';
import { UPSTREAM_OK_MARKER } from '../lab/upstream';
import { waitFor } from '../lab/wait';

let built = false;

/**
 * Builds `dist/chrome` and `dist/firefox` (`node scripts/build.mjs`, output hidden, errors shown) once per process,
 * so the bench measures the sources as they are, also on a fresh clone where `dist/` does not exist yet. About 3 s.
 */
export function buildOnce(): void {
  if (built) return;
  const started = Date.now();
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
  built = true;
  console.log(`(built dist/chrome from the sources in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/**
 * Waits until `page` shows the upstream's page ({@link UPSTREAM_OK_MARKER}), reloaded by the extension, then until
 * that page's `load` event has ended, and returns when it ended: `performance.timeOrigin + loadEventEnd`, ms since the
 * epoch (the tab's clock is the machine's, the same as the bench's `Date.now()`).
 *
 * @param what - the page awaited, for the timeout's message
 * @param intervalMs - how often the tab is asked whether the page is back, ms (each ask costs the renderer a little)
 * @throws Error when the page is not back within 60 s, or its load does not end within 10 s after that
 */
export async function waitForPageBack(page: Page, what: string, intervalMs = 100): Promise<number> {
  await waitFor(
    async () => String(await page.evaluate('document.body ? document.body.innerText : ""').catch(() => '')).includes(UPSTREAM_OK_MARKER),
    { timeoutMs: 60_000, intervalMs, message: what },
  );
  return waitFor(
    async () =>
      (await page
        .evaluate(`(() => { const nav = performance.getEntriesByType('navigation')[0]; return nav && nav.loadEventEnd > 0 ? performance.timeOrigin + nav.loadEventEnd : 0; })()`)
        .catch(() => 0)) as number,
    { timeoutMs: 10_000, intervalMs: 20, message: 'the returned page to finish loading' },
  );
}

/** Median of `xs` (mean of the two middle values for an even count); `NaN` for none. Same unit as `xs`. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** 95th percentile of `xs` by nearest rank (the `ceil(0.95 n)`-th smallest value); `NaN` for none. Same unit as `xs`. */
export function p95(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]!;
}

/**
 * A 95 % bootstrap interval for `median(a) / median(b)`: both samples resampled with replacement `rounds` times
 * (seeded, so a run can be checked), the 2.5th and 97.5th percentiles of the ratios. Says how far apart two arms of a
 * timing may come out by chance alone on this machine. `[NaN, NaN]` when either sample is empty.
 */
export function medianRatioInterval(a: readonly number[], b: readonly number[], random: () => number, rounds = 2_000): [number, number] {
  if (a.length === 0 || b.length === 0) return [Number.NaN, Number.NaN];
  const resample = (xs: readonly number[]) => Array.from({ length: xs.length }, () => xs[Math.floor(random() * xs.length)]!);
  const ratios = Array.from({ length: rounds }, () => median(resample(a)) / median(resample(b))).sort((x, y) => x - y);
  return [ratios[Math.floor(0.025 * rounds)]!, ratios[Math.ceil(0.975 * rounds) - 1]!];
}

/** Rounds to `digits` decimals, for figures written to JSON. */
export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Prints `rows` as an aligned table under `header` (first column left-aligned, the others right-aligned). */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

/**
 * The machine's state when a timing was taken: CPU count and 1-minute load average. Timings on a shared 2-core
 * machine are only as good as its idleness, so each timed module records this next to its figures.
 */
export function machine(): { cpus: number; loadAverage1m: number } {
  return { cpus: cpus().length, loadAverage1m: round(loadavg()[0]!, 2) };
}

/**
 * Prints a warning when another browser or test run is on the machine before a timed module starts: on 2 shared
 * cores its timings would be slower and noisier than the extension deserves. It does not wait; it only says so.
 */
export function warnIfBusy(): void {
  const others = ['vitest run', 'chromium', 'firefox-esr']
    .flatMap((needle) => findProcesses(needle))
    .filter((p) => p.pid !== process.pid && p.ppid !== process.pid && !p.cmdline.includes('test/bench/'));
  if (others.length > 0) {
    const pids = [...new Set(others.map((p) => p.pid))].slice(0, 5).join(', ');
    console.log(`(note: other browsers or test runs are running, pids ${pids}…: the timings below will be slower and noisier)`);
  }
}

/** True when the module at `moduleUrl` is the script Node was started with (`npx tsx test/bench/x.ts`). */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && pathToFileURL(resolve(entry)).href === moduleUrl;
}

/** A positive integer from the command line (`--runs 5`), or `fallback`. */
export function intArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? Number.NaN : Number(process.argv[i + 1]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/**
 * One stored write of a site's incident, as the extension's service worker sees it in `storage.onChanged`:
 * `[epoch ms, attempts, nextAt, awaiting.at, phase]`, `null` where the state has none.
 */
export type IncidentWrite = [number, number, number | null, number | null, string];

/**
 * A script for the extension's service worker (Playwright's `worker.evaluate`): from now on it logs every stored write
 * of `host`'s incident as an {@link IncidentWrite}. Each call starts an empty log; the listener is added once per
 * worker life. It runs only on writes, so a flood of frame errors past a tab's bound (which writes nothing) does not
 * run it. Read the log back with {@link INCIDENT_WRITES}.
 */
export function incidentWriteLogScript(host: string): string {
  return `(() => {
  globalThis.__incidentHost = ${JSON.stringify(host)};
  globalThis.__incidentWrites = [];
  if (globalThis.__incidentLogOn) return;
  globalThis.__incidentLogOn = true;
  chrome.storage.onChanged.addListener((changes, area) => {
    const now = Date.now();
    const state = area === 'session' && changes.recovery ? changes.recovery.newValue : undefined;
    const i = state && Array.isArray(state.incidents) ? state.incidents.find((x) => x.host === globalThis.__incidentHost) : undefined;
    if (i) globalThis.__incidentWrites.push([now, i.attempts, i.nextAt, i.awaiting ? i.awaiting.at : null, i.phase]);
  });
})()`;
}

/** The expression that reads the log {@link incidentWriteLogScript} keeps (an `IncidentWrite[]`). */
export const INCIDENT_WRITES = 'globalThis.__incidentWrites ?? []';
