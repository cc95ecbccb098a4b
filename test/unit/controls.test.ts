/**
 * The popup's controls, their pure parts: when a pause ends (`src/recovery/pause.ts`), the machine holding every try
 * while it holds and resuming after, the never-retry list's add and remove (`src/recovery/never-retry.ts`), and the
 * controls' view (`src/view/controls-view.ts`).
 */
import { describe, expect, it } from 'vitest';
import { createMachineSim } from './machine-sim';
import { activePause, MAX_PAUSE_MS, PAUSE_HOUR_MS, pauseEnd } from '../../src/recovery/pause';
import { nextWake, type Effect, type RecoveryEvent } from '../../src/recovery/incident-machine';
import { isNeverRetry, neverRetryEntriesFor, withNeverRetry, withoutNeverRetry } from '../../src/recovery/never-retry';
import { buildControlsView } from '../../src/view/controls-view';
import { buildIncidentView } from '../../src/view/incident-view';
import { getMessage } from '../locale';

const HOUR = 3_600_000;
/** A fixed offset, minutes east of UTC. */
const fixed = (minutes: number) => () => minutes;
/** Berlin in 2026: CET (+60) until 29 March 01:00 UTC, CEST (+120) until 25 October 01:00 UTC, then CET again. */
const berlin = (ms: number) => (ms >= Date.UTC(2026, 2, 29, 1) && ms < Date.UTC(2026, 9, 25, 1) ? 120 : 60);

describe('pauseEnd: "for 1 hour" and "until tomorrow" (08:00 local the next morning)', () => {
  it('an hour is an hour, whatever the time zone', () => {
    const now = Date.UTC(2026, 11, 7, 13, 37);
    expect(pauseEnd('hour', now, fixed(60))).toBe(now + PAUSE_HOUR_MS);
    expect(pauseEnd('hour', now, fixed(-300))).toBe(now + PAUSE_HOUR_MS);
  });

  it.each([
    ['Berlin, 20:00 in the evening', Date.UTC(2026, 11, 7, 19), 60, Date.UTC(2026, 11, 8, 7)],
    ['Berlin, 09:00 in the morning: the next day, not in an hour', Date.UTC(2026, 11, 7, 8), 60, Date.UTC(2026, 11, 8, 7)],
    ['Berlin, 00:30 (still the night): the coming morning, same date', Date.UTC(2026, 11, 7, 23, 30), 60, Date.UTC(2026, 11, 8, 7)],
    ['Berlin, 03:59: the coming morning', Date.UTC(2026, 11, 8, 2, 59), 60, Date.UTC(2026, 11, 8, 7)],
    ['Berlin, 04:00: the night is over, the next day', Date.UTC(2026, 11, 8, 3), 60, Date.UTC(2026, 11, 9, 7)],
    ['New York (UTC-5), 22:00, already the next day in UTC', Date.UTC(2026, 11, 8, 3), -300, Date.UTC(2026, 11, 8, 13)],
    ['Tokyo (UTC+9), 23:00: 08:00 JST is 23:00 UTC the same date', Date.UTC(2026, 11, 7, 14), 540, Date.UTC(2026, 11, 7, 23)],
    ['Kolkata (UTC+5:30), 18:15', Date.UTC(2026, 11, 7, 12, 45), 330, Date.UTC(2026, 11, 8, 2, 30)],
  ])('%s', (_where, now, offset, end) => {
    expect(pauseEnd('tomorrow', now, fixed(offset))).toBe(end);
  });

  it('takes the offset of the morning it ends in, across a daylight-saving change in the night', () => {
    // Spring forward: 28 March 2026, 21:00 CET -> 08:00 CEST, 06:00 UTC (10 h, not 11).
    expect(pauseEnd('tomorrow', Date.UTC(2026, 2, 28, 20), berlin)).toBe(Date.UTC(2026, 2, 29, 6));
    // Fall back: 24 October 2026, 21:00 CEST -> 08:00 CET, 07:00 UTC (12 h).
    expect(pauseEnd('tomorrow', Date.UTC(2026, 9, 24, 19), berlin)).toBe(Date.UTC(2026, 9, 25, 7));
  });

  it('never makes a pause longer than the longest honoured one, nor one that is over already', () => {
    for (let h = 0; h < 48; h += 0.25) {
      const now = Date.UTC(2026, 2, 27) + h * HOUR;
      for (const offset of [-720, -300, 0, 60, 330, 840]) {
        const end = pauseEnd('tomorrow', now, fixed(offset));
        expect(end).toBeGreaterThan(now);
        expect(activePause(end, now)).toBe(end);
      }
      expect(activePause(pauseEnd('tomorrow', now, berlin), now)).not.toBeNull();
    }
  });
});

describe('activePause: whether a stored end holds now', () => {
  const now = 1_800_000_000_000;
  it.each([
    ['none stored', null, null],
    ['over', now - 1, null],
    ['ending now', now, null],
    ['ahead', now + HOUR, now + HOUR],
    ['at the longest honoured', now + MAX_PAUSE_MS, now + MAX_PAUSE_MS],
    ['further ahead than any the popup makes (a changed clock, a foreign value): not a pause', now + MAX_PAUSE_MS + 1, null],
    ['not a number', Number.NaN, null],
  ])('%s', (_what, stored, expected) => {
    expect(activePause(stored, now)).toBe(expected);
  });
});

const URL_A = 'https://shop.example.com/cart';
const URL_B = 'https://news.example.org/';
const error = (tabId: number, url = URL_A): RecoveryEvent => ({ type: 'gateway-error', tabId, url, method: 'GET', code: 502, gateway: { server: 'nginx' } });
const sent = (effects: readonly Effect[]) => effects.filter((e) => e.type === 'reload' || e.type === 'probe' || e.type === 'compare-cookieless');

describe('the machine holds every try while paused, and resumes after', () => {
  it('sends nothing while paused, wakes at the pause end, then makes the due try (with its cookieless comparison)', () => {
    const sim = createMachineSim();
    const until = sim.now + HOUR;
    sim.setPausedUntil(until);
    const opened = sim.send(error(1));
    // Recorded and shown: the incident opens, its badge and notification are drawn.
    expect(sim.incident()).toMatchObject({ phase: 'retrying' });
    expect(opened.some((e) => e.type === 'badge')).toBe(true);
    // ...but nothing goes out: not even the cookieless comparison a new incident makes at once.
    expect(sent(opened)).toEqual([]);
    const firstDue = sim.incident().nextAt!;
    expect(firstDue).toBeLessThan(until);
    expect(nextWake(sim.state, until)).toBe(until);
    // A due event during the pause (a timer set before it, a wake) steps nothing, and keeps the try overdue.
    sim.advance(firstDue - sim.now + 1);
    expect(sent(sim.send({ type: 'due', online: true }))).toEqual([]);
    expect(sim.incident()).toMatchObject({ attempts: 0, awaiting: null, nextAt: firstDue });
    // The pause ends (its alarm): the try that fell due goes out at once, the comparison with it.
    const after = sim.wake();
    expect(sim.now).toBe(until);
    expect(after.map((e) => e.type)).toEqual(expect.arrayContaining(['reload', 'compare-cookieless']));
    expect(after.filter((e) => e.type === 'reload')).toEqual([{ type: 'reload', tabId: 1, url: URL_A }]);
  });

  it('could fail: without the pause, the same wait makes a reload', () => {
    const sim = createMachineSim();
    sim.send(error(1));
    expect(sent(sim.wake()).filter((e) => e.type === 'reload')).toHaveLength(1);
  });

  it('"Resume now" before the end: the next due event makes the overdue try of every site, one each', () => {
    const sim = createMachineSim();
    sim.setPausedUntil(sim.now + HOUR);
    sim.send(error(1));
    sim.send(error(2));
    sim.send(error(3, URL_B));
    sim.advance(10 * 60_000);
    expect(sent(sim.send({ type: 'due', online: true }))).toEqual([]);
    sim.setPausedUntil(undefined);
    const reloads = sim.send({ type: 'due', online: true }).filter((e) => e.type === 'reload');
    // One try stream per site: tab 1 leads shop.example.com, tab 3 news.example.org.
    expect(reloads.map((e) => e.type === 'reload' && e.tabId).sort()).toEqual([1, 3]);
  });

  it('a probe sent before the pause that finds the site answering reloads no tab; the first step after probes again', () => {
    const sim = createMachineSim({ policy: { maxVisibleRetries: 1 } });
    sim.send(error(1));
    sim.wake();
    sim.send(error(1));
    expect(sim.incident().phase).toBe('watching');
    expect(sent(sim.wake()).map((e) => e.type)).toContain('probe');
    sim.setPausedUntil(sim.now + HOUR);
    const answered = sim.send({ type: 'probe-result', incidentId: sim.incident().id, outcome: { kind: 'answered', code: 200 } });
    expect(sent(answered)).toEqual([]);
    expect(sim.incident()).toMatchObject({ phase: 'watching', awaiting: null, answer: { kind: 'works' } });
    sim.setPausedUntil(undefined);
    expect(sent(sim.send({ type: 'due', online: true })).map((e) => e.type)).toEqual(['probe']);
  });

  it("the user's own reload that works ends the incident; the other tabs are left for the user while paused", () => {
    const sim = createMachineSim();
    sim.send(error(1));
    sim.send(error(2));
    sim.setPausedUntil(sim.now + HOUR);
    sim.send({ type: 'main-frame-start', tabId: 1, url: URL_A, requestId: 'u1' });
    const back = sim.send({ type: 'main-frame-answered', tabId: 1, url: URL_A, code: 200, requestId: 'u1' });
    expect(sim.incident().phase).toBe('recovered');
    expect(sent(back)).toEqual([]);
  });

  it('"Retry now" is the user asking: it reloads even while paused', () => {
    const sim = createMachineSim();
    sim.setPausedUntil(sim.now + HOUR);
    sim.send(error(1));
    expect(sim.send({ type: 'retry-now', tabId: 1 }).filter((e) => e.type === 'reload')).toEqual([{ type: 'reload', tabId: 1, url: URL_A }]);
  });

  it('a form stays never re-sent after the pause, and a tab the user closed meanwhile is never reloaded', () => {
    const sim = createMachineSim();
    sim.setPausedUntil(sim.now + HOUR);
    sim.send({ ...error(1), method: 'POST' } as RecoveryEvent);
    sim.send(error(2, URL_B));
    sim.send({ type: 'tab-closed', tabId: 2 });
    sim.advance(HOUR);
    sim.setPausedUntil(undefined);
    expect(sent(sim.send({ type: 'due', online: true }))).toEqual([]);
    expect(nextWake(sim.state)).toBeNull();
  });
});

describe('never-retry from the popup', () => {
  it('adds the host itself, not its registrable domain; once, lower-cased; refuses a full list', () => {
    expect(withNeverRetry([], 'Shop.Example.com.', 500)).toEqual(['shop.example.com']);
    const covered = ['example.com'];
    expect(withNeverRetry(covered, 'shop.example.com', 500)).toBe(covered);
    expect(withNeverRetry(['a.example'], 'b.example', 1)).toBeNull();
    expect(isNeverRetry('mail.example.com', withNeverRetry([], 'shop.example.com', 500)!)).toBe(false);
  });

  it('takes off every entry that covers the host, and nothing else', () => {
    const list = ['example.com', 'shop.example.com', 'other.example', 'cart.shop.example.com'];
    expect(neverRetryEntriesFor('shop.example.com', list)).toEqual(['example.com', 'shop.example.com']);
    const off = withoutNeverRetry(list, 'shop.example.com');
    expect(off).toEqual(['other.example', 'cart.shop.example.com']);
    expect(isNeverRetry('shop.example.com', off)).toBe(false);
  });

  it('ends the incident of the listed site at once (no further step needed), and only that one', () => {
    const sim = createMachineSim();
    sim.send(error(1));
    sim.send(error(2, URL_B));
    sim.setNeverRetry(['shop.example.com']);
    const effects = sim.send({ type: 'never-retry-changed' });
    const [shop, news] = sim.state.incidents;
    expect(shop).toMatchObject({ host: 'shop.example.com', phase: 'cancelled' });
    expect(news).toMatchObject({ host: 'news.example.org', phase: 'retrying' });
    expect(sent(effects)).toEqual([]);
    // A new 502 on the listed site is recorded, never retried; the other site still is.
    // (The service marks the event from the list: `isNeverRetry` in `recovery-service.ts`.)
    sim.send({ ...error(3), neverRetry: true } as RecoveryEvent);
    expect(sim.state.tabs['3']).toMatchObject({ status: 'settled' });
    expect(sim.state.incidents.find((i) => i.phase === 'not-retried')).toMatchObject({ host: 'shop.example.com', notRetriedReason: 'never-retry' });
    expect(sent(sim.wake()).filter((e) => e.type === 'reload')).toEqual([{ type: 'reload', tabId: 2, url: URL_B }]);
  });
});

describe('the controls view', () => {
  const now = Date.UTC(2026, 11, 7, 13);
  const settings = { pausedUntil: null, neverRetry: ['example.com'], notify: 'back-only' as const };
  const base = { now, offsetAt: fixed(60), settings, neverRetryManaged: false, host: 'shop.example.com', tabIncident: true, anyUnderWay: true };
  it('says what the popup shows, and nothing it would have to work out', () => {
    expect(buildControlsView(base)).toEqual({
      pausedUntil: null,
      offerPause: true,
      tomorrowAt: Date.UTC(2026, 11, 8, 7),
      site: { host: 'shop.example.com', listedAs: ['example.com'], locked: false },
      notify: 'back-only',
    });
    const paused = buildControlsView({ ...base, settings: { ...settings, pausedUntil: now + HOUR }, neverRetryManaged: true, host: null });
    expect(paused).toMatchObject({ pausedUntil: now + HOUR, offerPause: false, site: null });
    // A pause that ended is no pause.
    expect(buildControlsView({ ...base, settings: { ...settings, pausedUntil: now - 1 } })).toMatchObject({ pausedUntil: null, offerPause: true });
  });

  it('nothing wrong anywhere: no control, unless the site is on the list (to take it off) or a pause holds', () => {
    const calm = { ...base, tabIncident: false, anyUnderWay: false, settings: { ...settings, neverRetry: [] } };
    expect(buildControlsView(calm)).toMatchObject({ pausedUntil: null, offerPause: false, site: null, notify: null });
    expect(buildControlsView({ ...calm, settings }).site).toEqual({ host: 'shop.example.com', listedAs: ['example.com'], locked: false });
    expect(buildControlsView({ ...calm, settings: { ...calm.settings, pausedUntil: now + HOUR } }).pausedUntil).toBe(now + HOUR);
    // Another tab's incident under way: the pause is offered here too.
    expect(buildControlsView({ ...calm, anyUnderWay: true }).offerPause).toBe(true);
  });

  it("the incident's countdown runs to the pause's end, when that is later", () => {
    const sim = createMachineSim();
    sim.send(error(1));
    const incident = sim.incident();
    const tab = sim.state.tabs['1']!;
    const input = { incident, tab, now: sim.now, maxVisibleRetries: 5, check: null, siteDomain: null, browser: null };
    const render = (x: { key: string; subs?: readonly string[] }) => getMessage(x.key, x.subs);
    expect(buildIncidentView(input, render).countdown).toMatchObject({ kind: 'next', at: incident.nextAt });
    expect(buildIncidentView({ ...input, pausedUntil: sim.now + HOUR }, render).countdown).toMatchObject({ kind: 'next', at: sim.now + HOUR });
  });
});
