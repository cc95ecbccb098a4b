/**
 * The popup does not jump while it updates (issue 4, "no layout jump while it updates"), in real Chromium and
 * Firefox during a real nginx 502 with retries under way: the countdown ticks, a retry goes out ("Retrying now…"),
 * its 502 comes back and the attempt count moves on, while the popup polls the background every second.
 *
 * How: with its folded details open, a `MutationObserver` in the popup page measures, after every change of its DOM
 * (before the browser paints it), where the popup's landmarks are: the top of the headline, of the line on who failed,
 * of each section heading, of the Retry now / Stop buttons, of the guide's step card, and the page's height. None may move. The test also checks that the updates it watched really
 * happened (the attempt count and the countdown changed, and a retry was under way), so a popup that stood still
 * could not pass it. Meanwhile the live region a screen reader follows must not change with every tick of the
 * countdown: once per wait is what it says.
 */
import { describe, expect, it } from 'vitest';
import { getMessage } from '../locale';
import { openMore, waitForText, type BrowserName } from './driver';
import { useSite } from './site-fixture';
import { sleep, waitFor } from '../lab/wait';

const BROWSERS: BrowserName[] = ['chromium', 'firefox'];
/** How long the popup is watched: the 1 s first retry and the next one 3.2-4.8 s later both fall inside it, ms. */
const WATCH_MS = 9_000;

/** What the page records after each change of its DOM. */
interface Frame {
  /** ms since the observer started. */
  readonly t: number;
  /** The phase line and the headline's countdown ("Retrying with the cache bypassed: attempt 2 of 5. | Retrying in 3 seconds"). */
  readonly phase: string;
  /** Landmark name -> its top, CSS px. */
  readonly tops: Record<string, number>;
  /** `document.documentElement.scrollHeight`, CSS px. */
  readonly height: number;
  /** What the live region (for screen readers) says. */
  readonly announcement: string;
}

describe.each(BROWSERS)('%s: the popup stays put while it updates', (browserName) => {
  const site = useSite(browserName);

  it('countdown ticks, a retry and its 502, and the polls move nothing on the page', async () => {
    const { driver, upstream } = site;
    // A struggling upstream: nginx answers 502 only after 1.5 s, so each retry stays under way long enough for the
    // popup's 1 s poll to show it.
    upstream.route('/*', { delayMs: 1_500, destroySocket: true });
    const tab = await driver.openTab(site.url('/checkout'));
    await waitForText(tab, '502 Bad Gateway');
    const tabId = await driver.tabIdOf(site.url('/checkout'));
    await waitFor(async () => (await driver.state()).incidents.length === 1, { message: 'an incident' });

    const popup = await driver.openExtensionPage(`extension/popup/index.html?tabId=${tabId}`);
    // Everything the popup holds, the folded part too, must stay put.
    await openMore(popup);
    await waitForText(popup, getMessage('guideHeading'), 10_000);
    await popup.evaluate(() => {
      const g = globalThis as unknown as { __frames: Frame[] };
      g.__frames = [];
      const started = performance.now();
      const landmarks = (): Record<string, number> => {
        const tops: Record<string, number> = {};
        document.querySelectorAll('h2').forEach((h, i) => (tops[`h2#${i} ${h.textContent ?? ''}`] = h.getBoundingClientRect().top));
        for (const id of ['headline', 'who-failed', 'retry-now', 'more', 'stop', 'guide-step']) {
          const el = document.querySelector(`[data-testid="${id}"]`);
          if (el !== null) tops[id] = el.getBoundingClientRect().top;
        }
        return tops;
      };
      const record = () =>
        g.__frames.push({
          t: Math.round(performance.now() - started),
          phase: `${document.querySelector('[data-phase]')?.textContent ?? ''} | ${document.querySelector('h1 [role="timer"]')?.textContent ?? ''}`,
          tops: landmarks(),
          height: document.documentElement.scrollHeight,
          announcement: document.querySelector('[data-testid="announcement"]')?.textContent ?? '',
        });
      record();
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    }, null);
    await sleep(WATCH_MS);
    const frames = await popup.evaluate(() => (globalThis as unknown as { __frames: Frame[] }).__frames, null);

    // The updates happened: the count of attempts moved on, the countdown changed, and a retry was under way.
    const phases = [...new Set(frames.map((f) => f.phase))];
    const attempts = new Set(phases.map((p) => /attempt (\d+) of/.exec(p)?.[1]).filter((x) => x !== undefined));
    console.log(`${browserName}: ${frames.length} DOM changes in ${WATCH_MS / 1000} s, ${phases.length} distinct phase lines:\n  ${phases.join('\n  ')}`);
    expect(attempts.size, 'the attempt count changed while watched').toBeGreaterThanOrEqual(2);
    expect(phases.some((p) => p.includes(getMessage('popupRetryingNow'))), 'a retry was under way while watched').toBe(true);
    expect(phases.filter((p) => /Retrying in \d+ seconds?/.test(p)).length, 'the countdown ticked').toBeGreaterThanOrEqual(3);

    // Nothing moved: every landmark kept its place, and the page its height.
    const first = frames[0]!;
    expect(Object.keys(first.tops).length, 'the landmarks were found').toBeGreaterThanOrEqual(7);
    const moved: string[] = [];
    for (const f of frames) {
      for (const [name, top] of Object.entries(first.tops)) {
        if (f.tops[name] !== top) moved.push(`+${f.t} ms: ${name} at ${f.tops[name]} px (was ${top} px) with "${f.phase}"`);
      }
      if (f.height !== first.height) moved.push(`+${f.t} ms: page height ${f.height} px (was ${first.height} px) with "${f.phase}"`);
    }
    expect(moved.slice(0, 10), `${moved.length} moves`).toEqual([]);

    // A screen reader hears each change of state once, not every tick: within one attempt's wait the countdown
    // ticked several times, and the live announcement stayed what it was when the wait was set.
    const waits = new Map<string, Set<string>>();
    for (const f of frames) {
      if (f.phase.includes(getMessage('popupRetryingNow'))) continue;
      const attempt = /attempt (\d+) of/.exec(f.phase)?.[1] ?? '?';
      waits.set(attempt, (waits.get(attempt) ?? new Set()).add(f.announcement));
    }
    const ticking = [...waits.entries()].filter(([attempt]) => frames.filter((f) => f.phase.includes(`attempt ${attempt} of`) && /Retrying in \d/.test(f.phase)).map((f) => f.phase).filter((p, i, all) => all.indexOf(p) === i).length >= 3);
    expect(ticking.length, 'an attempt whose countdown ticked at least 3 times').toBeGreaterThanOrEqual(1);
    for (const [attempt, said] of ticking) expect([...said], `announcements during the wait after attempt ${attempt}`).toHaveLength(1);
    expect(frames.every((f) => f.announcement !== ''), 'the live region always says the phase').toBe(true);
  });
});
