/**
 * Issue 13, "Back means back": the notification for each answer a probe or a tab can get, in English and German, as the
 * user reads it. Only a recovery a tab proved (or one watched with no tab left, after "Tell me when it's back") may say
 * "is back", in every locale (French included).
 */
import { describe, expect, it } from 'vitest';
import { downForEveryone, shopIncident } from './incident-fixture';
import type { Incident } from '../../src/recovery/incident-machine';
import type { StatusReport } from '../../src/status/verdict';
import type { I18nText } from '../../src/shared/text';
import { describeIncident, notificationWords } from '../../src/view/notification';
import { strictT, strictTIn } from '../locale';

const NOW = Date.UTC(2026, 11, 7, 6, 0, 0);
const MAX = 5;
const EN = strictT;
const DE = strictTIn('de');
const FR = strictTIn('fr');

function incident(overrides: { [K in keyof Incident]?: Incident[K] } = {}): Incident {
  return shopIncident(NOW, overrides);
}

/** An incident that ended `recovered` now, after 5 min. */
function recovered(overrides: { [K in keyof Incident]?: Incident[K] } = {}): Incident {
  return incident({ phase: 'recovered', nextAt: null, awaiting: null, endedAt: NOW, ...overrides });
}

const works = { kind: 'works', code: 200, at: NOW - 1_000 } as const;

/** The notification's title and message as shown, in `tr`'s language; `null` when there is none. */
function words(i: Incident, tr: (key: string, subs?: readonly string[]) => string = EN, status: StatusReport | null = null) {
  const render = (x: I18nText) => tr(x.key, x.subs);
  const text = describeIncident(i, NOW, MAX, render, status);
  return text === null ? null : { ...notificationWords(text, render), canStop: text.canStop };
}

const down = downForEveryone(NOW);

describe('notification: what the site answers while the incident goes on', () => {
  it('a probe got a page: "answers again, reloading…", never "is back"', () => {
    const i = incident({ answer: works, awaiting: { kind: 'reload', tabId: 4, at: NOW - 100 } });
    expect(words(i)).toEqual({ title: 'shop.example.com answers again', message: 'Reloading the page to make sure it works…', canStop: true });
    expect(words(i, DE)).toEqual({
      title: 'shop.example.com antwortet wieder',
      message: 'Die Seite wird neu geladen, um sicherzugehen, dass sie funktioniert…',
      canStop: true,
    });
  });

  it('the site answers: an earlier "down for everyone" is not added below', () => {
    expect(words(incident(), EN, down)?.message).toContain('Down for everyone');
    expect(words(incident({ answer: works }), EN, down)?.message).toBe('Reloading the page to make sure it works…');
  });

  it('429: busy, waiting as it asks, no reloads', () => {
    const i = incident({ answer: { kind: 'busy', code: 429, at: NOW } });
    expect(words(i)).toEqual({
      title: 'shop.example.com answers, but is busy',
      message: 'It answered 429 Too Many Requests: waiting as long as it asks before checking again, without reloading the page.',
      canStop: true,
    });
    const de = words(i, DE)!;
    expect(de.title).toBe('shop.example.com antwortet, ist aber überlastet');
    // The status name in German, the code in front: "429 (Zu viele Anfragen)".
    expect(de.message).toBe(
      'Die Website antwortete mit 429 (Zu viele Anfragen). Die Erweiterung wartet so lange, wie die Website verlangt, bevor sie erneut prüft, und lädt die Seite bis dahin nicht neu.',
    );
  });

  it('a bot check: says so with its code', () => {
    const i = incident({ answer: { kind: 'challenge', code: 403, at: NOW, reloaded: true } });
    expect(words(i)?.message).toBe('It answers with a bot check (403 Forbidden). The page was reloaded so you can pass it; still checking in the background.');
    expect(words(i, DE)?.message).toContain('mit 403 (Zugriff verweigert) und einer Sicherheitsabfrage gegen Bots');
  });

  it('a 500 of its own, or another code: says what it answers and that the page was reloaded once', () => {
    const i = incident({ answer: { kind: 'server-error', code: 500, at: NOW, reloaded: true } });
    expect(words(i)).toEqual({
      title: 'shop.example.com answers again',
      message: 'It answers with 500 Internal Server Error. The page was reloaded once to show it; still checking in the background.',
      canStop: true,
    });
    expect(words(i, DE)?.message).toBe(
      'Die Website antwortet mit 500 (Interner Serverfehler). Die Seite wurde einmal neu geladen, damit Sie die Antwort sehen; im Hintergrund wird weiter geprüft.',
    );
    // A code without a known name is shown bare, never as "Gateway error".
    expect(words(incident({ answer: { kind: 'other', code: 410, at: NOW, reloaded: true } }))?.message).toMatch(/^It answers with 410\. /);
  });

  it('the cookie finding: says reloading stopped and why, whatever the probe keeps getting', () => {
    const i = incident({ quiet: 'cookies', answer: works });
    const en = words(i)!;
    expect(en.title).toBe('shop.example.com answered 502 Bad Gateway');
    expect(en.message).toBe(
      'Stopped reloading: with your cookies the page would fail again. Still checking in the background.\n' +
        "shop.example.com answers without your cookies for it: they are the likely cause. The extension's popup can clear them.",
    );
    expect(en.message).not.toMatch(/answers again|reloading the page/i);
    const de = words(i, DE)!;
    expect(de.message).toContain('Das Neuladen wurde beendet');
    expect(de.title).toBe('shop.example.com antwortete mit 502 (Fehlerhaftes Gateway)');
    expect(de.message).toContain('wenn Ihre Cookies für diese Website fehlen: Wahrscheinlich sind diese Cookies die Ursache');
  });

  it('the hourly reload cap: stopped reloading, still checking', () => {
    const i = incident({ quiet: 'reload-cap' });
    expect(words(i)?.message).toBe('Reloaded 12 times in the last hour: stopped reloading, still checking in the background.');
    expect(words(i, DE)?.message).toBe('In der letzten Stunde 12-mal neu geladen: Das Neuladen wurde beendet, im Hintergrund wird weiter geprüft.');
  });

  it('"Tell me when it\'s back": watching says it goes on with the tab closed', () => {
    expect(words(incident({ keepWatching: true }))?.message).toBe(
      'Still down. Watching in the background, even with the tab closed: you will be told when it is back (for up to 24 h).',
    );
    expect(words(incident({ keepWatching: true }), DE)?.message).toContain('auch wenn der Tab geschlossen ist');
  });

  it('offline outranks what the last probe got', () => {
    expect(words(incident({ offline: true, answer: works }))?.message).toBe('You are offline. Retrying will resume when your connection is back.');
  });
});

describe('notification: how a recovered incident ended', () => {
  it('proven by the tab\'s own reload: "is back"', () => {
    expect(words(recovered())).toEqual({ title: 'shop.example.com is back', message: 'The page was reloaded after 5 minutes.', canStop: false });
    expect(words(recovered(), DE)?.title).toBe('shop.example.com ist wieder erreichbar');
  });

  it('watched with its tab closed: "is back", and a click opens the page', () => {
    const i = recovered({ answer: works, keepWatching: true });
    expect(words(i)).toEqual({ title: 'shop.example.com is back', message: 'It answers again after 5 minutes. Click to open the page.', canStop: false });
    expect(words(i, DE)).toEqual({
      title: 'shop.example.com ist wieder erreichbar',
      message: 'Die Website antwortet nach 5 Minuten wieder. Klicken Sie hier, um die Seite zu öffnen.',
      canStop: false,
    });
  });

  it('seen by a probe only, the hourly cap leaving no reload: "answers again", the user reloads', () => {
    const i = recovered({ answer: works });
    expect(words(i)).toEqual({
      title: 'shop.example.com answers again',
      message: 'It answers again after 5 minutes. Its pages were reloaded 12 times in the last hour, so this one was not: reload it when you like.',
      canStop: false,
    });
    expect(words(i, DE)?.message).toContain('12-mal neu geladen');
  });

  it.each([
    ['server-error', 500, '500 Internal Server Error', '500 (Interner Serverfehler)'],
    ['busy', 429, '429 Too Many Requests', '429 (Zu viele Anfragen)'],
    ['other', 400, '400', '400'],
  ] as const)('the tab got its own %s (%i): "answers again, with …", nothing more tried', (kind, code, shown, shownDe) => {
    const i = recovered({ answer: { kind, code, at: NOW } });
    expect(words(i)).toEqual({
      title: `shop.example.com answers again, with ${shown}`,
      message: "The page shows the site's own error page. Nothing more will be tried.",
      canStop: false,
    });
    expect(words(i, DE)).toEqual({
      title: `shop.example.com antwortet wieder, aber mit ${shownDe}`,
      message: 'Die Seite zeigt die eigene Fehlerseite der Website. Es wird nichts weiter versucht.',
      canStop: false,
    });
  });
});

describe('notification: "is back" only when a tab proved it', () => {
  const answers = [undefined, ...(['works', 'busy', 'challenge', 'server-error', 'other'] as const).map((kind) => ({ kind, code: kind === 'busy' ? 429 : 500, at: NOW }))];
  const phases = ['retrying', 'watching', 'recovered', 'gave-up', 'cancelled'] as const;

  it.each([
    ['en', EN, /is back/],
    ['de', DE, /wieder erreichbar/],
    ['fr', FR, /de nouveau accessible/],
  ] as const)('in %s', (_, tr, backWords) => {
    let backs = 0;
    for (const phase of phases) {
      for (const answer of answers) {
        for (const quiet of [undefined, 'cookies', 'reload-cap'] as const) {
          for (const keepWatching of [undefined, true] as const) {
            const ended = phase !== 'retrying' && phase !== 'watching';
            const i = incident({ phase, answer, keepWatching, ...(ended ? { nextAt: null, endedAt: NOW } : { quiet }) });
            const w = words(i, tr)!;
            const mayBeBack = phase === 'recovered' && (answer === undefined || (answer.kind === 'works' && keepWatching === true));
            const label = `${phase} ${answer?.kind} ${quiet} ${keepWatching}`;
            // Watching's own words say "when it is back" (a promise, not news): the title is what announces it.
            expect(backWords.test(w.title), label).toBe(mayBeBack);
            if (mayBeBack) backs += 1;
          }
        }
      }
    }
    expect(backs).toBeGreaterThan(0);
  });
});
