/**
 * Issue 13's incident states in the one view model the popup renders: the headline and phase line for each answer a
 * probe or a tab can get, in English and German; why reloading stopped; the cookie finding reached by a probe; and
 * when "Tell me when it's back" is offered.
 */
import { describe, expect, it } from 'vitest';
import { downForEveryone, shopIncident } from './incident-fixture';
import type { Incident, TabEntry } from '../../src/recovery/incident-machine';
import type { StatusReport } from '../../src/status/verdict';
import type { I18nText } from '../../src/shared/text';
import { buildIncidentView, type BrowserFacts, type IncidentView } from '../../src/view/incident-view';
import { localFacts, siteAnswer } from '../../src/view/incident-facts';
import { strictT, strictTIn } from '../locale';

const NOW = Date.UTC(2026, 11, 7, 6, 0, 0);
const FACTS: BrowserFacts = { browser: 'chromium', browserLabel: 'Chromium 156', os: 'linux', incognito: false, canOpenPrivate: false };
const EN = strictT;
const DE = strictTIn('de');
type Tr = (key: string, subs?: readonly string[]) => string;

function incident(overrides: { [K in keyof Incident]?: Incident[K] } = {}): Incident {
  return shopIncident(NOW, overrides);
}

function recovered(overrides: { [K in keyof Incident]?: Incident[K] } = {}): Incident {
  return incident({ phase: 'recovered', nextAt: null, awaiting: null, endedAt: NOW, ...overrides });
}

const TAB = { tabId: 4, incidentId: 'incident-1', url: 'https://shop.example.com/cart', status: 'waiting', since: NOW - 300_000 } as TabEntry;
const works = { kind: 'works', code: 200, at: NOW - 1_000 } as const;

function build(i: Incident, tr: Tr = EN, report: StatusReport | null = null): IncidentView {
  const render = (x: I18nText) => tr(x.key, x.subs);
  const check = { report, checking: false, autoCheck: true, privateHost: false };
  return buildIncidentView({ incident: i, tab: TAB, now: NOW, maxVisibleRetries: 5, check, siteDomain: 'example.com', browser: FACTS }, render);
}

/** The headline and the phase line as the popup shows them. */
function lines(i: Incident, tr: Tr = EN): { headline: string; phase: string } {
  const v = build(i, tr);
  return { headline: tr(v.headline.key, v.headline.subs), phase: tr(v.phaseLine.key, v.phaseLine.subs) };
}

describe('popup words for each state (English and German)', () => {
  it.each<[string, Incident, string, string]>([
    [
      'a probe got a page: reloading to prove it',
      incident({ answer: works, awaiting: { kind: 'reload', tabId: 4, at: NOW - 100 } }),
      'shop.example.com answers again: reloading the page to make sure it works…',
      'shop.example.com antwortet wieder: Die Seite wird neu geladen, um sicherzugehen, dass sie funktioniert…',
    ],
    [
      'busy (429)',
      incident({ answer: { kind: 'busy', code: 429, at: NOW } }),
      'shop.example.com answers, but is busy (429 Too Many Requests): waiting as long as it asks, without reloading the page.',
      'shop.example.com antwortet, ist aber überlastet: 429 (Zu viele Anfragen). Die Erweiterung wartet so lange, wie die Website verlangt, und lädt die Seite bis dahin nicht neu.',
    ],
    [
      'a bot check',
      incident({ answer: { kind: 'challenge', code: 403, at: NOW, reloaded: true } }),
      'shop.example.com answers again, with a bot check (403 Forbidden). The page was reloaded so you can pass it; still checking in the background.',
      'shop.example.com antwortet wieder, aber mit 403 (Zugriff verweigert) und einer Sicherheitsabfrage gegen Bots. Die Seite wurde neu geladen, damit Sie die Abfrage bestehen können; im Hintergrund wird weiter geprüft.',
    ],
    [
      'a 500 of its own',
      incident({ answer: { kind: 'server-error', code: 500, at: NOW, reloaded: true } }),
      'shop.example.com answers again, with 500 Internal Server Error. The page was reloaded once to show it; still checking in the background.',
      'shop.example.com antwortet wieder, aber mit 500 (Interner Serverfehler). Die Seite wurde einmal neu geladen, damit Sie die Antwort sehen; im Hintergrund wird weiter geprüft.',
    ],
    [
      'another code',
      incident({ phase: 'retrying', attempts: 2, answer: { kind: 'other', code: 405, at: NOW, reloaded: true } }),
      'shop.example.com answers again, with 405. The page was reloaded once to show it; still checking in the background.',
      'shop.example.com antwortet wieder, aber mit 405. Die Seite wurde einmal neu geladen, damit Sie die Antwort sehen; im Hintergrund wird weiter geprüft.',
    ],
    [
      'the cookie finding (the probe keeps getting a page)',
      incident({ quiet: 'cookies', answer: works }),
      "shop.example.com answers without your cookies; reloading would fail again, so it stopped. Clear this site's cookies.",
      'shop.example.com antwortet normal, wenn Ihre Cookies fehlen; mit ihnen würde jedes Neuladen wieder scheitern, deshalb wurde es beendet. Löschen Sie die Cookies dieser Website.',
    ],
    [
      'the hourly reload cap',
      incident({ quiet: 'reload-cap' }),
      'Reloaded 12 times in the last hour; stopped reloading, still checking in the background.',
      'In der letzten Stunde 12-mal neu geladen; das Neuladen wurde beendet, im Hintergrund wird weiter geprüft.',
    ],
    ['back, proven by the tab', recovered(), 'Back: reloaded after 5 minutes.', 'Wieder erreichbar: nach 5 Minuten neu geladen.'],
    ['back, watched with the tab closed', recovered({ answer: works, keepWatching: true }), 'Back after 5 minutes (checked in the background).', 'Nach 5 Minuten wieder erreichbar (im Hintergrund geprüft).'],
    [
      'answers again, the cap leaving no reload',
      recovered({ answer: works }),
      'shop.example.com answers again after 5 minutes. Its pages were reloaded 12 times in the last hour, so this one was not: reload it when you like.',
      'shop.example.com antwortet nach 5 Minuten wieder. Weil die Seiten dieser Website in der letzten Stunde schon 12-mal neu geladen wurden, wurde diese Seite nicht mehr neu geladen: Laden Sie sie selbst neu, wann Sie möchten.',
    ],
    [
      'ended on its own 500',
      recovered({ answer: { kind: 'server-error', code: 500, at: NOW } }),
      "The page shows the site's own error page, not a gateway error: nothing more will be tried.",
      'Die Seite zeigt die eigene Fehlerseite der Website, keinen Gateway-Fehler: Es wird nichts weiter versucht.',
    ],
  ])('%s', (_, i, en, de) => {
    expect(lines(i, EN).phase).toBe(en);
    expect(lines(i, DE).phase).toBe(de);
  });

  it('one headline: "is down" while under way, "is back" once the page works, the site\'s own answer once it ended on one (issue 14)', () => {
    expect(lines(incident({ answer: works })).headline).toBe('shop.example.com is down');
    expect(lines(incident({ answer: works }), DE).headline).toBe('shop.example.com ist nicht erreichbar');
    expect(lines(recovered({ answer: { kind: 'server-error', code: 500, at: NOW } })).headline).toBe('shop.example.com answers again, with 500 Internal Server Error');
    expect(lines(recovered({ answer: { kind: 'server-error', code: 500, at: NOW } }), DE).headline).toBe('shop.example.com antwortet wieder, aber mit 500 (Interner Serverfehler)');
    expect(lines(recovered()).headline).toBe('shop.example.com is back');
    expect(lines(recovered(), DE).headline).toBe('shop.example.com ist wieder erreichbar');
    expect(lines(recovered({ answer: works, keepWatching: true })).headline).toBe('shop.example.com is back');
  });

  it('the countdown of the headline\'s second line: retrying while retrying, checking again in watch mode', () => {
    expect(build(incident({ phase: 'retrying', nextAt: NOW + 20_000 })).countdown).toEqual({ kind: 'next', key: 'popupHeadRetrying', at: NOW + 20_000 });
    expect(build(incident({ phase: 'watching', nextAt: NOW + 1_800_000 })).countdown).toEqual({ kind: 'next', key: 'popupHeadChecking', at: NOW + 1_800_000 });
    expect(build(incident({ awaiting: { kind: 'reload', tabId: 4, at: NOW } })).countdown?.kind).toBe('now');
    expect(build(recovered()).countdown).toBeNull();
  });

  it('offline outranks why reloading stopped', () => {
    expect(lines(incident({ offline: true, quiet: 'reload-cap' })).phase).toBe('You are offline; retrying resumes when you are back online.');
  });

  it('the popup and the notification name the same state', () => {
    const pairs: [Incident, string, string][] = [
      [incident({ answer: works }), 'popupPhaseAnswersReloading', 'notifAnswersReloading'],
      [incident({ quiet: 'cookies' }), 'popupPhaseQuietCookies', 'notifQuietCookies'],
      [incident({ quiet: 'reload-cap' }), 'popupPhaseReloadCap', 'notifReloadCap'],
      [incident({ answer: { kind: 'busy', code: 429, at: NOW } }), 'popupPhaseBusy', 'notifBusy'],
      [recovered({ answer: works }), 'popupPhaseAnswersCapped', 'notifAnswersCapped'],
      [recovered({ answer: { kind: 'server-error', code: 500, at: NOW } }), 'popupPhaseAnswersWith', 'notifAnswersWith'],
    ];
    for (const [i, phase, notif] of pairs) {
      const v = build(i);
      expect(v.phaseLine.key).toBe(phase);
      expect(v.notification?.message.key).toBe(notif);
    }
  });
});

describe('the cookie finding reached by a probe (quiet: cookies)', () => {
  const down = downForEveryone(NOW);

  it('counts as the cookieless comparison does: the fact, the guide first, the report', () => {
    // No cookieless comparison at all (or one that failed the same way): the probe's finding alone.
    for (const cookieless of [undefined, { result: 'gateway-error', code: 502, at: NOW - 200_000 }] as const) {
      const i = incident({ quiet: 'cookies', answer: works, ...(cookieless ? { cookieless } : {}) });
      expect(localFacts(i, null).map((f) => f.id)).toEqual(['cookies']);
      const v = build(i, EN, down);
      expect(v.localFacts.map((f) => EN(f.text.key, f.text.subs))).toEqual(['shop.example.com answers without your cookies for it: they are the likely cause.']);
      expect(v.guide?.guide.steps[0]?.id).toBe('cookies');
      // It outranks "down for everyone" from elsewhere: the guide comes first.
      expect(v.checkFirst).toBe(false);
      expect(v.guide?.report).toContain('Without cookies: a normal answer (200)');
    }
  });

  it('without it (reloading only capped), no cookie fact', () => {
    expect(localFacts(incident({ quiet: 'reload-cap' }), null)).toEqual([]);
    // The steps keep the order they have without the cap: the cookie step is not moved up.
    const ids = (i: Incident) => build(i).guide?.guide.steps.map((s) => s.id);
    expect(ids(incident({ quiet: 'reload-cap' }))).toEqual(ids(incident()));
    expect(ids(incident({ quiet: 'cookies' }))?.[0]).toBe('cookies');
  });
});

describe('"Tell me when it\'s back"', () => {
  it('is offered while a GET page is retried or watched', () => {
    expect(build(incident({ phase: 'retrying', attempts: 1 })).watchSite).toBe('offer');
    expect(build(incident()).watchSite).toBe('offer');
    expect(build(incident({ quiet: 'reload-cap' })).watchSite).toBe('offer');
  });

  it('says it is on once asked', () => {
    expect(build(incident({ keepWatching: true })).watchSite).toBe('on');
  });

  it('is not offered for a HEAD, a form, a never-retry site, the cookie finding, or an ended incident', () => {
    expect(build(incident({ method: 'HEAD' })).watchSite).toBeNull();
    expect(build(incident({ phase: 'not-retried', notRetriedReason: 'non-get', method: 'POST', nextAt: null, endedAt: NOW })).watchSite).toBeNull();
    expect(build(incident({ phase: 'not-retried', notRetriedReason: 'never-retry', nextAt: null, endedAt: NOW })).watchSite).toBeNull();
    // A probe without cookies gets a page every time: it could never tell this browser the site is back.
    expect(build(incident({ quiet: 'cookies' })).watchSite).toBeNull();
    expect(build(recovered({ keepWatching: true })).watchSite).toBeNull();
    // A private window's: watching without its tab would take probes from the regular profile.
    expect(build(incident({ incognito: true })).watchSite).toBeNull();
    expect(build(incident({ phase: 'gave-up', nextAt: null, endedAt: NOW, keepWatching: true })).watchSite).toBeNull();
  });

  it('a screen reader hears the change: the announce key moves when it takes, and when the answer changes', () => {
    const before = build(incident()).announceKey;
    expect(build(incident({ keepWatching: true })).announceKey).not.toBe(before);
    expect(build(incident({ answer: works })).announceKey).not.toBe(before);
    expect(build(incident({ quiet: 'reload-cap' })).announceKey).not.toBe(before);
  });
});

describe('what is left to do once recovered', () => {
  it('the page works: nothing to retry; the site\'s own error page or a reload the cap held back: "Retry now"', () => {
    const back = build(recovered());
    expect([back.pageWorks, back.canRetryNow]).toEqual([true, false]);
    for (const answer of [works, { kind: 'server-error', code: 500, at: NOW }] as const) {
      const v = build(recovered({ answer }));
      expect([v.pageWorks, v.canRetryNow, v.canStop, v.check, v.guide], answer.kind).toEqual([false, true, false, null, null]);
    }
  });

  it('siteAnswer: an active incident with nothing beyond the gateway error, and the other endings, have none', () => {
    expect(siteAnswer(incident())).toBeNull();
    expect(siteAnswer(incident({ phase: 'gave-up', nextAt: null, endedAt: NOW, answer: works }))).toBeNull();
    expect(siteAnswer(incident({ phase: 'cancelled', nextAt: null, endedAt: NOW }))).toBeNull();
  });
});
