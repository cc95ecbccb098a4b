import { getMessage, MESSAGES, strictTIn } from '../locale';
import { describe, expect, it } from 'vitest';
import { describeBadge, describeIncident, durationText, statusNameText, type I18nText } from '../../src/view/notification';
import { inDurationText } from '../../src/shared/text';
import type { Incident, IncidentPhase, NotRetriedReason, TabEntry } from '../../src/recovery/incident-machine';

const T0 = Date.UTC(2025, 5, 15, 12, 0, 0);
const MAX = 5;

/** Any mix of incident fields, valid together or not: the describers must cope with whatever a state holds. */
function incident(overrides: { [K in keyof Incident]?: Incident[K] } = {}): Incident {
  return {
    id: 'incident-1',
    origin: 'https://shop.example',
    host: 'shop.example',
    url: 'https://shop.example/cart',
    code: 502,
    method: 'GET',
    gateway: { server: 'nginx' },
    startedAt: T0,
    phase: 'retrying',
    attempts: 0,
    probes: 0,
    nextAt: T0 + 1_000,
    awaiting: null,
    ...overrides,
  } as Incident;
}

function tab(overrides: { [K in keyof TabEntry]?: TabEntry[K] } = {}): TabEntry {
  return { tabId: 7, incidentId: 'incident-1', url: 'https://shop.example/cart', status: 'waiting', since: T0, ...overrides } as TabEntry;
}

/** Renders a nested I18nText visibly, so the substitution shows which key and values were used. */
function render(t: I18nText): string {
  return `[${t.key}${t.subs ? `:${t.subs.join('|')}` : ''}]`;
}

describe('durationText and inDurationText: human durations through Intl, in the language of the messages', () => {
  const en = (t: I18nText) => getMessage(t.key, t.subs);
  const de = strictTIn('de') as (t: string, subs?: readonly string[]) => string;
  const inGerman = (t: I18nText) => de(t.key, t.subs);
  it.each([
    [0, '0 seconds'],
    [499, '0 seconds'],
    [500, '1 second'],
    [1_000, '1 second'],
    [42_000, '42 seconds'],
    [89_000, '89 seconds'],
    [89_499, '89 seconds'],
    // From 90 s on, minutes (rounded: 1.5 min shows as 2).
    [89_500, '2 minutes'],
    [90_000, '2 minutes'],
    [149_000, '2 minutes'],
    [149_500, '3 minutes'],
    [150_000, '3 minutes'],
    [3_600_000, '60 minutes'],
    [5_340_000, '89 minutes'],
    [5_369_000, '89 minutes'],
    // From 90 min on, hours.
    [5_370_000, '2 hours'],
    [5_400_000, '2 hours'],
    [7_200_000, '2 hours'],
    [9_000_000, '3 hours'],
    [36_000_000, '10 hours'],
    [86_400_000 * 3, '72 hours'],
  ])('%i ms is "%s"', (ms, words) => {
    expect(durationText(ms, en)).toBe(words);
  });

  it.each([-1, -5_000, -86_400_000])('shows the negative %i ms as 0 seconds', (ms) => {
    expect(durationText(ms, en)).toBe('0 seconds');
  });

  it('says a wait from now, seconds rounded up so a wait left never reads "in 0 seconds"', () => {
    expect(inDurationText(20_000, en)).toBe('in 20 seconds');
    expect(inDurationText(200, en)).toBe('in 1 second');
    expect(inDurationText(0, en)).toBe('in 0 seconds');
    expect(inDurationText(1_800_000, en)).toBe('in 30 minutes');
    expect(inDurationText(5_400_000, en)).toBe('in 2 hours');
  });

  it('speaks the language the messages are in (their languageTag), not a fixed one', () => {
    expect(durationText(42_000, inGerman)).toBe('42 Sekunden');
    expect(durationText(60_000 * 3, inGerman)).toBe('3 Minuten');
    expect(inDurationText(20_000, inGerman)).toBe('in 20 Sekunden');
    expect(inDurationText(1_800_000, inGerman)).toBe('in 30 Minuten');
  });

  it('falls back to English when the lookup gives no language tag', () => {
    expect(durationText(42_000, render)).toBe('42 seconds');
  });
});

describe('statusNameText', () => {
  it.each([403, 429, 500, 501, 502, 503, 504, 520, 521, 522, 523, 524])('names %i', (code) => {
    expect(statusNameText(code)).toEqual({ key: `status${code}` });
  });

  it.each([0, 200, 404, 505, 519, 525, 599, 999])('gives %i the generic name', (code) => {
    expect(statusNameText(code)).toEqual({ key: 'statusOther' });
  });
});

describe('describeIncident', () => {
  const errorTitle = { key: 'notifTitleError', subs: ['shop.example', '502', '[status502]'] };

  it('counts down to the next retry', () => {
    expect(describeIncident(incident({ attempts: 0, nextAt: T0 + 30_000 }), T0, MAX, render)).toEqual({
      title: errorTitle,
      message: { key: 'notifRetryingIn', subs: ['in 30 seconds', '1', '5'] },
      canStop: true,
    });
  });

  it('measures the countdown from now, not from the start', () => {
    const r = describeIncident(incident({ attempts: 2, nextAt: T0 + 300_000 }), T0 + 60_000, MAX, render);
    expect(r?.message).toEqual({ key: 'notifRetryingIn', subs: ['in 4 minutes', '3', '5'] });
  });

  it('shows 0 s when the next retry is overdue', () => {
    const r = describeIncident(incident({ nextAt: T0 - 5_000 }), T0, MAX, render);
    expect(r?.message).toEqual({ key: 'notifRetryingIn', subs: ['in 0 seconds', '1', '5'] });
  });

  it('says "retrying now" while a reload is awaited, counting the reload in flight', () => {
    const r = describeIncident(
      incident({ attempts: 2, nextAt: T0 + 90_000, awaiting: { kind: 'reload', tabId: 7, at: T0 } }),
      T0,
      MAX,
      render,
    );
    expect(r).toEqual({ title: errorTitle, message: { key: 'notifRetryingNow', subs: ['2', '5'] }, canStop: true });
  });

  it('says "retrying now" when no next time is set', () => {
    const r = describeIncident(incident({ attempts: 1, nextAt: null }), T0, MAX, render);
    expect(r?.message).toEqual({ key: 'notifRetryingNow', subs: ['2', '5'] });
  });

  it('never shows an attempt number above the cap', () => {
    const r = describeIncident(incident({ attempts: 9, nextAt: T0 + 10_000 }), T0, MAX, render);
    expect(r?.message).toEqual({ key: 'notifRetryingIn', subs: ['in 10 seconds', '5', '5'] });
  });

  it('uses maxVisibleRetries as the "of" count', () => {
    const r = describeIncident(incident({ attempts: 0, nextAt: T0 + 2_000 }), T0, 8, render);
    expect(r?.message.subs?.slice(1)).toEqual(['1', '8']);
  });

  it('says offline while retrying offline, with the error title and a stop button', () => {
    expect(describeIncident(incident({ offline: true, attempts: 2 }), T0, MAX, render)).toEqual({
      title: errorTitle,
      message: { key: 'notifOffline' },
      canStop: true,
    });
  });

  it('says watching in watch mode', () => {
    expect(describeIncident(incident({ phase: 'watching', attempts: 5, probes: 2 }), T0, MAX, render)).toEqual({
      title: errorTitle,
      message: { key: 'notifWatching' },
      canStop: true,
    });
  });

  it('says offline in watch mode while offline', () => {
    const r = describeIncident(incident({ phase: 'watching', offline: true }), T0, MAX, render);
    expect(r).toEqual({ title: errorTitle, message: { key: 'notifOffline' }, canStop: true });
  });

  it('says the site is back, with the outage duration, and no stop button', () => {
    const r = describeIncident(
      incident({ phase: 'recovered', nextAt: null, endedAt: T0 + 185_000 }),
      T0 + 999_999,
      MAX,
      render,
    );
    expect(r).toEqual({
      title: { key: 'notifTitleBack', subs: ['shop.example'] },
      message: { key: 'notifRecovered', subs: ['3 minutes'] },
      canStop: false,
    });
  });

  it('measures a recovery without endedAt up to now', () => {
    const r = describeIncident(incident({ phase: 'recovered', nextAt: null }), T0 + 45_000, MAX, render);
    expect(r?.message).toEqual({ key: 'notifRecovered', subs: ['45 seconds'] });
  });

  it('says it gave up, with how long the site was down', () => {
    const r = describeIncident(incident({ phase: 'gave-up', nextAt: null, endedAt: T0 + 3_600_000 }), T0 + 3_600_000, MAX, render);
    expect(r).toEqual({
      title: errorTitle,
      message: { key: 'notifGaveUp', subs: ['60 minutes'] },
      canStop: false,
    });
  });

  it('measures a give-up without endedAt up to now', () => {
    const r = describeIncident(incident({ phase: 'gave-up', nextAt: null }), T0 + 2 * 3_600_000, MAX, render);
    expect(r?.message).toEqual({ key: 'notifGaveUp', subs: ['2 hours'] });
  });

  it('says retrying stopped when cancelled', () => {
    expect(describeIncident(incident({ phase: 'cancelled', nextAt: null, endedAt: T0 }), T0, MAX, render)).toEqual({
      title: errorTitle,
      message: { key: 'notifCancelled' },
      canStop: false,
    });
  });

  it('explains that a non-GET request is not re-sent, naming the method', () => {
    const r = describeIncident(
      incident({ phase: 'not-retried', notRetriedReason: 'non-get', method: 'POST', nextAt: null }),
      T0,
      MAX,
      render,
    );
    expect(r).toEqual({ title: errorTitle, message: { key: 'notifNotResent', subs: ['POST'] }, canStop: false });
  });

  it('shows nothing for a never-retry site', () => {
    expect(describeIncident(incident({ phase: 'not-retried', notRetriedReason: 'never-retry', nextAt: null }), T0, MAX, render)).toBeNull();
  });

  it('shows nothing for a not-retried incident without a reason', () => {
    expect(describeIncident(incident({ phase: 'not-retried', nextAt: null }), T0, MAX, render)).toBeNull();
  });

  it('shows nothing for an abandoned incident', () => {
    expect(describeIncident(incident({ phase: 'abandoned', nextAt: null, endedAt: T0 }), T0, MAX, render)).toBeNull();
  });

  it.each([502, 503, 504, 520, 521, 522, 523, 524, 500])('puts host, code and the name of %i in the error title', (code) => {
    const r = describeIncident(incident({ code }), T0, MAX, render);
    expect(r?.title).toEqual({ key: 'notifTitleError', subs: ['shop.example', String(code), `[status${code}]`] });
  });

  it('uses the generic name for an unnamed code', () => {
    const r = describeIncident(incident({ code: 530 }), T0, MAX, render);
    expect(r?.title).toEqual({ key: 'notifTitleError', subs: ['shop.example', '530', '[statusOther]'] });
  });

  it('shows an IDN host as the incident stores it', () => {
    const r = describeIncident(incident({ host: 'xn--bcher-kva.example' }), T0, MAX, render);
    expect(r?.title.subs?.[0]).toBe('xn--bcher-kva.example');
  });
});

describe('describeBadge', () => {
  it('clears the badge without a tab entry or incident', () => {
    expect(describeBadge(undefined, incident())).toBeNull();
    expect(describeBadge(tab(), undefined)).toBeNull();
    expect(describeBadge(undefined, undefined)).toBeNull();
  });

  it('shows the code in amber while retrying', () => {
    expect(describeBadge(tab(), incident({ code: 503 }))).toEqual({ text: '503', color: '#d97706' });
  });

  it('shows the code in red while watching', () => {
    expect(describeBadge(tab(), incident({ phase: 'watching', code: 524 }))).toEqual({ text: '524', color: '#b91c1c' });
  });

  it.each<IncidentPhase>(['recovered', 'abandoned'])('clears the badge once %s', (phase) => {
    expect(describeBadge(tab({ status: 'settled' }), incident({ phase, nextAt: null }))).toBeNull();
  });

  it.each<IncidentPhase>(['gave-up', 'cancelled', 'not-retried'])('shows the code in grey once %s', (phase) => {
    expect(describeBadge(tab({ status: 'settled' }), incident({ phase, code: 502, nextAt: null }))).toEqual({
      text: '502',
      color: '#6b7280',
    });
  });
});

describe('i18n: every message describe.ts can produce exists in public/_locales/en/messages.json', () => {
  const messages = MESSAGES;

  /** Every I18nText produced, including the nested ones handed to `render`. */
  function collectTexts(): I18nText[] {
    const texts: I18nText[] = [];
    const recording = (t: I18nText): string => {
      texts.push(t);
      return render(t);
    };
    const record = (t: I18nText | undefined) => t && texts.push(t);
    const phases: IncidentPhase[] = ['retrying', 'watching', 'recovered', 'gave-up', 'cancelled', 'not-retried', 'abandoned'];
    const reasons: (NotRetriedReason | undefined)[] = [undefined, 'non-get', 'never-retry'];
    const codes = [500, 502, 503, 504, 520, 521, 522, 523, 524, 429, 599];
    const offsets = [-1_000, 0, 30_000, 600_000, 7_200_000];
    for (const phase of phases) {
      for (const code of codes) {
        for (const offline of [undefined, true]) {
          for (const awaiting of [null, { kind: 'probe' as const, at: T0 }]) {
            for (const nextAt of [null, ...offsets.map((o) => T0 + o)]) {
              for (const reason of reasons) {
                for (const endedAt of [undefined, ...offsets.map((o) => T0 + Math.abs(o))]) {
                  const i = incident({
                    phase,
                    code,
                    nextAt,
                    awaiting,
                    method: reason === 'non-get' ? 'POST' : 'GET',
                    ...(offline ? { offline } : {}),
                    ...(reason ? { notRetriedReason: reason } : {}),
                    ...(endedAt !== undefined ? { endedAt } : {}),
                  });
                  const n = describeIncident(i, T0, MAX, recording);
                  if (n) {
                    record(n.title);
                    record(n.message);
                  }
                }
              }
            }
          }
        }
      }
    }
    // What the site answers beyond the gateway error (issue 13): every answer, quiet reason and "keep watching".
    const answers = [undefined, ...(['works', 'busy', 'challenge', 'server-error', 'other'] as const).map((kind) => ({ kind, code: kind === 'busy' ? 429 : 500, at: T0 }))];
    for (const phase of phases) {
      for (const answer of answers) {
        for (const quiet of [undefined, 'cookies', 'reload-cap'] as const) {
          for (const keepWatching of [undefined, true] as const) {
            const ended = phase !== 'retrying' && phase !== 'watching';
            const i = incident({ phase, nextAt: ended ? null : T0 + 1_000, ...(ended ? { endedAt: T0 + 60_000 } : {}), answer, quiet, keepWatching });
            const n = describeIncident(i, T0, MAX, recording);
            if (n) {
              record(n.title);
              record(n.message);
              record(n.verdict);
            }
          }
        }
      }
    }
    return texts;
  }

  /** One representative per key and substitution count (the full list holds tens of thousands of duplicates). */
  const texts = [...new Map(collectTexts().map((t) => [`${t.key}/${t.subs?.length ?? 0}`, t])).values()];

  it('exercises every key describe.ts can emit', () => {
    const keys = [...new Set(texts.map((t) => t.key))].sort();
    expect(keys).toEqual(
      [
        // The language of the messages, for the durations (`messagesLocale`).
        'languageTag',
        'notifAnswersCapped',
        'notifAnswersError',
        'notifAnswersReloading',
        'notifAnswersWith',
        'notifBackWatched',
        'notifBusy',
        'notifCancelled',
        'notifChallenge',
        'notifCookiesLine',
        'notifGaveUp',
        'notifKeepWatching',
        'notifNotResent',
        'notifOffline',
        'notifQuietCookies',
        'notifRecovered',
        'notifReloadCap',
        'notifRetryingIn',
        'notifRetryingNow',
        'notifTitleAnswers',
        'notifTitleAnswersWith',
        'notifTitleBack',
        'notifTitleBusy',
        'notifTitleError',
        'notifWatching',
        'status429',
        'status500',
        'status502',
        'status503',
        'status504',
        'status520',
        'status521',
        'status522',
        'status523',
        'status524',
        'statusCodeAndName',
        'statusOther',
      ].sort(),
    );
  });

  it('finds each key in the English messages', () => {
    const missing = [...new Set(texts.map((t) => t.key))].filter((key) => !Object.hasOwn(messages, key));
    expect(missing).toEqual([]);
    for (const key of new Set(texts.map((t) => t.key))) {
      expect(typeof messages[key]?.message, key).toBe('string');
      expect(messages[key]!.message.length, key).toBeGreaterThan(0);
    }
  });

  /** The highest `$N` substitution marker in a message (`$$` is a literal dollar sign). */
  function highestMarker(message: string): number {
    let highest = 0;
    for (const m of message.replace(/\$\$/g, '').matchAll(/\$([1-9])/g)) highest = Math.max(highest, Number(m[1]));
    return highest;
  }

  it('gives every $N marker a substitution', () => {
    for (const t of texts) {
      const n = highestMarker(messages[t.key]!.message);
      expect(t.subs?.length ?? 0, `${t.key} uses $${n}`).toBeGreaterThanOrEqual(n);
    }
  });

  it('passes no substitution that the message does not show', () => {
    for (const t of texts) {
      const n = highestMarker(messages[t.key]!.message);
      expect(t.subs?.length ?? 0, `${t.key} shows ${n} substitution(s)`).toBe(n);
    }
  });

  it('counts markers correctly (self-check of the helper)', () => {
    expect(highestMarker('Retrying in $1 (attempt $2 of $3).')).toBe(3);
    expect(highestMarker('costs $$5')).toBe(0);
    expect(highestMarker('no markers')).toBe(0);
  });
});
