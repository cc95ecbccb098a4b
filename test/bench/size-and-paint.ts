/**
 * Size and paint: what the built extension weighs, and how soon its popup shows something useful.
 *
 * **Sizes** (bytes) of the Chromium build in `dist/chrome`, per entry point, JS + CSS only (HTML, icons and locales
 * left out): the files an entry loads, found by following the build's own references, namely the manifest's
 * `background.service_worker`, each page's `<script src>`, `<link rel="modulepreload">` and `<link rel="stylesheet">`,
 * and every static or dynamic `import` in those scripts, transitively. Entries: background (service worker), popup,
 * options and onboarding pages. A chunk shared by several entries (Preact, the consent view) is counted in each entry
 * that loads it, since each pays for it. Raw = bytes on disk; gzip = `zlib.gzipSync` at its default level 6, each file
 * on its own, summed (roughly what the browser reads from the store's compressed package).
 *
 * **Popup time to first render** (ms), in real Chromium with the extension: the popup document opened in a tab of its
 * own, `chrome-extension://<id>/extension/popup/index.html?tabId=<id>` (how the popup shows any tab's incident), 15
 * times for a tab with an incident and 15 times for the baseline, alternating, one warm-up each first (not counted), a
 * fresh tab each time. Figure: `performance.now()` (ms since the popup's navigation started) at the first DOM
 * mutation after which `#app` has children, seen by a `MutationObserver` installed before any of the page's scripts
 * run (Playwright's `addInitScript`); the popup renders nothing into `#app` until the background has answered its
 * `getTabView` request, so this is "the answer is on screen", not an empty shell. DOMContentLoaded and First
 * Contentful Paint (the `first-contentful-paint` entry's `startTime`, i.e. when Chromium presented that frame) of the
 * same loads are reported beside it, ms since navigation start.
 * - Incident: a tab on `shop.example.com` (via nginx) whose page answered `503` with `Retry-After: 1800`, so the
 *   incident waits quietly (no reload) while the popups are measured.
 * - Baseline: the same popup for a tab on the same site whose page answered `200` ("nothing to do here"): the same
 *   bundle, the same round trip to the background, a smaller view. Ratio = incident / baseline, of the medians.
 *
 * Run alone: `npx tsx test/bench/size-and-paint.ts [--opens 15]`.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchDriver, SHOP_HOST, waitForText } from '../e2e/driver';
import { startGateway } from '../lab/gateway';
import { errorResponse, htmlResponse, startUpstream, UPSTREAM_OK_MARKER } from '../lab/upstream';
import { sleep, waitFor } from '../lab/wait';
import { buildOnce, intArg, isMain, machine, median, p95, printTable, round, warnIfBusy } from './browser-bench';

const DIST = 'dist/chrome';

/** One entry point's built size. */
export interface EntrySize {
  readonly entry: 'background' | 'popup' | 'options' | 'onboarding';
  /** The JS and CSS files the entry loads, relative to `dist/chrome`. */
  readonly files: readonly string[];
  readonly jsBytes: number;
  readonly cssBytes: number;
  /** `jsBytes + cssBytes`, bytes. */
  readonly rawBytes: number;
  /** Sum of each file gzipped on its own (level 6), bytes. */
  readonly gzipBytes: number;
}

/** Time to first render of one kind of popup, ms since navigation start. */
export interface PopupTimes {
  readonly firstRenderMedianMs: number;
  readonly firstRenderP95Ms: number;
  readonly domContentLoadedMedianMs: number;
  /** `null` when Chromium reported no first-contentful-paint entry. */
  readonly firstContentfulPaintMedianMs: number | null;
  readonly samplesMs: readonly number[];
}

/** The figures this module adds to `dist/bench/results.json` under `sizeAndPaint`. */
export interface SizeAndPaintResult {
  readonly sizes: readonly EntrySize[];
  readonly popup: {
    readonly opensEach: number;
    readonly withIncident: PopupTimes;
    readonly baselineNoIncident: PopupTimes;
    /** median first render with an incident / median without; 1.00 = showing an incident costs nothing extra. */
    readonly ratioMedian: number;
    readonly machine: { cpus: number; loadAverage1m: number };
  };
}

/** Sizes of the four entry points of `dist/chrome` (build it first). */
export function measureSizes(dist = DIST): EntrySize[] {
  const manifest = JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8')) as {
    background: { service_worker: string };
    action: { default_popup: string };
    options_ui: { page: string };
  };
  const entries: [EntrySize['entry'], string][] = [
    ['background', manifest.background.service_worker],
    ['popup', manifest.action.default_popup],
    ['options', manifest.options_ui.page],
    // Not in the manifest: the background opens it on install.
    ['onboarding', 'extension/onboarding/index.html'],
  ];
  return entries.map(([entry, start]) => {
    const files = [...collect(dist, start)].filter((f) => /\.(m?js|css)$/.test(f)).sort();
    let jsBytes = 0;
    let cssBytes = 0;
    let gzipBytes = 0;
    for (const file of files) {
      const bytes = readFileSync(join(dist, file));
      if (file.endsWith('.css')) cssBytes += bytes.length;
      else jsBytes += bytes.length;
      gzipBytes += gzipSync(bytes).length;
    }
    return { entry, files, jsBytes, cssBytes, rawBytes: jsBytes + cssBytes, gzipBytes };
  });
}

/** Every file reachable from `start` (relative to `dist`), `start` included. */
function collect(dist: string, start: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const path = join(dist, file);
    if (!existsSync(path)) throw new Error(`${path} is referenced by the build but missing`);
    seen.add(file);
    const text = readFileSync(path, 'utf8');
    const refs: string[] = [];
    if (file.endsWith('.html')) {
      for (const m of text.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) refs.push(m[1]!);
      for (const m of text.matchAll(/<link\b[^>]*>/g)) {
        if (/\brel="(modulepreload|stylesheet)"/.test(m[0])) refs.push(/\bhref="([^"]+)"/.exec(m[0])?.[1] ?? '');
      }
    } else if (/\.m?js$/.test(file)) {
      for (const m of text.matchAll(/\b(?:import|export)\b[^'"`;]*?\bfrom\s*["']([^"']+)["']/g)) refs.push(m[1]!);
      for (const m of text.matchAll(/\bimport\s*\(?\s*["']([^"']+)["']/g)) refs.push(m[1]!);
    }
    for (const ref of refs) {
      if (ref === '' || /^[a-z]+:/i.test(ref)) continue;
      visit(ref.startsWith('/') ? normalize(ref.slice(1)) : relative('.', normalize(join(dirname(file), ref))));
    }
  };
  visit(start);
  return seen;
}

/**
 * Sizes, then the popup's time to first render (builds `dist/chrome` first); prints both tables and returns the
 * figures.
 *
 * @param opens - measured popup opens per kind (15 in `npm run bench`)
 */
export async function measureSizeAndPaint(opens = 15): Promise<SizeAndPaintResult> {
  buildOnce();
  warnIfBusy();
  const sizes = measureSizes();
  console.log(`\nBuilt sizes (dist/chrome, JS + CSS each entry loads, shared chunks counted in every entry; gzip -6 per file)\n`);
  printTable(
    ['entry', 'JS bytes', 'CSS bytes', 'raw bytes', 'gzip bytes', 'gzip/raw'],
    sizes.map((s) => [s.entry, String(s.jsBytes), String(s.cssBytes), String(s.rawBytes), String(s.gzipBytes), (s.gzipBytes / s.rawBytes).toFixed(2)]),
  );
  for (const s of sizes) console.log(`  ${s.entry}: ${s.files.join(', ')}`);

  const popup = await measurePopup(opens);
  return { sizes, popup };
}

async function measurePopup(opens: number): Promise<SizeAndPaintResult['popup']> {
  const upstream = await startUpstream({
    routes: {
      '/down': errorResponse(503, { retryAfter: 1800 }),
      '/ok': htmlResponse(`<h1>${UPSTREAM_OK_MARKER}</h1>`),
    },
  });
  const gateway = await startGateway({ upstreamPort: upstream.port });
  const driver = await launchDriver('chromium', { hosts: [SHOP_HOST] });
  try {
    const downUrl = `http://${SHOP_HOST}:${gateway.port}/down`;
    const okUrl = `http://${SHOP_HOST}:${gateway.port}/ok`;
    await driver.openTab(downUrl);
    const ok = await driver.openTab(okUrl);
    await waitForText(ok, UPSTREAM_OK_MARKER);
    await waitFor(async () => (await driver.state()).incidents.some((i) => i.phase === 'retrying'), {
      timeoutMs: 10_000,
      message: 'the incident for the 503 page',
    });
    // The control page polls the background every second; nothing of the harness should run while popups are timed.
    await driver.closeControl();
    const session = driver.chromium!;
    const context = session.context;
    // Not `driver.tabIdOf`: under tsx its page function refers to a helper (`__name`) that the page does not have.
    const lookup = await session.openExtensionPage('extension/popup/index.html?tabId=2147483646');
    const tabs = (await lookup.evaluate('chrome.tabs.query({})')) as { id: number; url: string }[];
    await lookup.close();
    const idOf = (url: string) => tabs.find((t) => t.url === url)?.id ?? Number.NaN;
    const ids = { incident: idOf(downUrl), baseline: idOf(okUrl) };
    if (Number.isNaN(ids.incident) || Number.isNaN(ids.baseline)) throw new Error(`tabs not found: ${JSON.stringify(tabs)}`);
    const samples = { incident: [] as PopupSample[], baseline: [] as PopupSample[] };
    for (let i = 0; i < 1 + opens; i++) {
      for (const kind of ['incident', 'baseline'] as const) {
        const page = await context.newPage();
        await page.addInitScript(FIRST_RENDER_OBSERVER);
        await page.goto(session.extensionUrl(`extension/popup/index.html?tabId=${ids[kind]}`));
        const sample = (await page.evaluate(READ_TIMES)) as PopupSample;
        if (sample.incidentShown !== (kind === 'incident')) throw new Error(`the ${kind} popup ${sample.incidentShown ? 'showed' : 'did not show'} an incident`);
        await page.close();
        if (i > 0) samples[kind].push(sample);
        await sleep(200);
      }
    }
    const summary = (xs: PopupSample[]): PopupTimes => {
      const fcp = xs.map((x) => x.fcp).filter((x): x is number => x !== null);
      return {
        firstRenderMedianMs: round(median(xs.map((x) => x.firstRender)), 1),
        firstRenderP95Ms: round(p95(xs.map((x) => x.firstRender)), 1),
        domContentLoadedMedianMs: round(median(xs.map((x) => x.dcl)), 1),
        firstContentfulPaintMedianMs: fcp.length === xs.length ? round(median(fcp), 1) : null,
        samplesMs: xs.map((x) => round(x.firstRender, 1)),
      };
    };
    const withIncident = summary(samples.incident);
    const baselineNoIncident = summary(samples.baseline);
    const ratioMedian = round(median(samples.incident.map((x) => x.firstRender)) / median(samples.baseline.map((x) => x.firstRender)), 3);
    const result = { opensEach: opens, withIncident, baselineNoIncident, ratioMedian, machine: machine() };
    console.log(
      `\nPopup time to first render (real Chromium, popup page in a tab, ${opens} opens each alternating after 1 warm-up; ` +
        `ms from navigation start until #app has content)\n`,
    );
    const row = (name: string, t: PopupTimes) => [
      name,
      t.firstRenderMedianMs.toFixed(1),
      t.firstRenderP95Ms.toFixed(1),
      t.domContentLoadedMedianMs.toFixed(1),
      t.firstContentfulPaintMedianMs === null ? 'n/a' : t.firstContentfulPaintMedianMs.toFixed(1),
    ];
    printTable(
      ['popup for', 'first render med ms', 'p95 ms', 'DOMContentLoaded med ms', 'FCP med ms'],
      [
        row('a tab with an incident', withIncident),
        row('baseline: a tab without', baselineNoIncident),
        ['ratio incident/baseline', `${ratioMedian.toFixed(3)}x`, '', '', ''],
      ],
    );
    return result;
  } finally {
    await driver.close();
    await gateway.stop();
    await upstream.close();
  }
}

interface PopupSample {
  firstRender: number;
  dcl: number;
  fcp: number | null;
  /** The popup shows an incident (its phase line), checked so each kind measures what it claims. */
  incidentShown: boolean;
}

/** Runs before the popup's own scripts: notes `performance.now()` (ms) when `#app` first has children. */
const FIRST_RENDER_OBSERVER = `(() => {
  let rendered;
  window.__firstRender = new Promise((resolve) => (rendered = resolve));
  const observer = new MutationObserver(() => {
    const app = document.getElementById('app');
    if (app && app.childElementCount > 0) {
      rendered(performance.now());
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
})()`;

/**
 * Waits (idle, no polling) for the first render, then reads it, DOMContentLoaded and FCP of the popup page, ms since its
 * navigation start. A string: the popup's CSP forbids the eval Playwright's function forms of waiting use.
 */
const READ_TIMES = `(async () => {
  const firstRender = await Promise.race([window.__firstRender, new Promise((r) => setTimeout(r, 10000))]);
  if (firstRender === undefined) throw new Error('the popup rendered nothing into #app within 10 s');
  for (let i = 0; i < 200 && !(performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd > 0); i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
  // Chromium queues paint entries after the frame is presented: wait for it (2 s at most).
  const fcp = await new Promise((resolve) => {
    new PerformanceObserver((list) => {
      const entry = list.getEntriesByName('first-contentful-paint')[0];
      if (entry) resolve(entry.startTime);
    }).observe({ type: 'paint', buffered: true });
    setTimeout(() => resolve(null), 2000);
  });
  const nav = performance.getEntriesByType('navigation')[0];
  return { firstRender, dcl: nav.domContentLoadedEventEnd, fcp, incidentShown: document.querySelector('#app [data-phase]') !== null };
})()`;

if (isMain(import.meta.url)) {
  await measureSizeAndPaint(intArg('opens', 15));
  process.exit(0);
}
