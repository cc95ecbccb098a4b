// @vitest-environment happy-dom
/**
 * The popup renders every state from the view model, built from fixture state by the same `buildIncidentView` the
 * background uses, and is queried the way a user and a screen reader find things: by role and text.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import type { GuideActions } from '../../extension/popup/guide-actions';
import { PopupView } from '../../extension/popup/popup-view';
import { strictT, strictTIn } from '../locale';
import type { Incident, SubresourceError, TabEntry } from '../../src/recovery/incident-machine';
import type { StatusReport } from '../../src/status/verdict';
import { buildIncidentView, subresourceNote, type BrowserFacts, type TabView } from '../../src/view/incident-view';
import type { StatusFacts } from '../../src/view/status-panel';

const t = strictT;
const NOW = 1_700_000_000_000;
const FACTS: BrowserFacts = { browser: 'chromium', browserLabel: 'Chromium 156', os: 'linux', incognito: false, canOpenPrivate: false };

function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'i1',
    origin: 'https://shop.example.com',
    host: 'shop.example.com',
    url: 'https://shop.example.com/',
    code: 502,
    method: 'GET',
    gateway: { server: 'nginx' },
    startedAt: NOW - 42_000,
    phase: 'retrying',
    attempts: 1,
    probes: 0,
    nextAt: NOW + 5_000,
    awaiting: null,
    ...overrides,
  } as Incident;
}

const TAB: TabEntry = { tabId: 3, incidentId: 'i1', url: 'https://shop.example.com/', status: 'waiting', since: NOW - 42_000 } as TabEntry;

function view(overrides: Partial<Incident> = {}, check: StatusFacts | null = null, browser: BrowserFacts | null = FACTS): TabView {
  const input = { incident: incident(overrides), tab: TAB, now: NOW, maxVisibleRetries: 5, check, siteDomain: 'example.com', browser };
  return { incident: buildIncidentView(input, (x) => t(x.key, x.subs)), subresources: null, now: NOW };
}

/** Actions that fail the test if a render calls one (rendering must not act). */
const NO_ACTIONS: GuideActions = new Proxy({} as GuideActions, {
  get: (_, name) => () => {
    throw new Error(`render called ${String(name)}`);
  },
});

function show(v: TabView | null, watchable = true, onWatchSite: () => Promise<unknown> = async () => {}, tr: (key: string, subs?: readonly string[]) => string = t) {
  return render(
    <PopupView
      view={v}
      watchable={watchable}
      t={tr}
      now={NOW}
      onRetryNow={() => {}}
      onStop={() => {}}
      onWatchSite={onWatchSite}
      onCheckNow={() => {}}
      actions={NO_ACTIONS}
    />,
  );
}

const button = (name: string | RegExp) => screen.queryByRole('button', { name });
/** The phase line as shown (the live announcement, visually hidden, repeats it for screen readers). */
const phase = () => document.querySelector('[data-phase]')?.textContent ?? '';

afterEach(cleanup);

describe('popup view', () => {
  it('retrying: one headline with its countdown, who failed, one main action; the rest folded (issue 14)', () => {
    show(view());
    const h1 = screen.getByRole('heading', { level: 1 });
    expect(within(h1).getByTestId('headline').textContent).toBe('shop.example.com is down');
    expect(within(h1).getByRole('timer').textContent).toBe('Retrying in 5 seconds');
    expect(screen.getByTestId('who-failed').textContent).toBe("The site's server failed (nginx)");
    expect(within(screen.getByTestId('main-action')).getAllByRole('button').map((b) => b.textContent)).toEqual(['Retry now']);
    // Folded: the attempt count, who answered, the other actions and the guide.
    const more = screen.getByTestId('more');
    expect(more.tagName).toBe('DETAILS');
    expect(more.hasAttribute('open')).toBe(false);
    expect(more.querySelector('summary')?.textContent).toBe('What you can try, and details');
    expect(within(more).getByTestId('phase').textContent).toContain('attempt 2 of 5');
    expect(within(more).getByTestId('server').textContent).toBe('nginx');
    expect(within(more).getByTestId('stop').textContent).toBe('Stop retrying');
    expect(within(more).getByTestId('guide')).toBeTruthy();
    // One "Retry now": the guide has no reload of its own while it is offered.
    expect(screen.getAllByRole('button', { name: 'Retry now' })).toHaveLength(1);
    expect(screen.queryByTestId('action-reload')).toBeNull();
  });

  it('in German: the same first view, durations through Intl', () => {
    const de = strictTIn('de');
    const input = { incident: incident(), tab: TAB, now: NOW, maxVisibleRetries: 5, check: null, siteDomain: 'example.com', browser: FACTS };
    show({ incident: buildIncidentView(input, (x) => de(x.key, x.subs)), subresources: null, now: NOW }, true, async () => {}, de);
    expect(screen.getByTestId('headline').textContent).toBe('shop.example.com ist nicht erreichbar');
    expect(screen.getByRole('timer').textContent).toBe('Neuer Versuch in 5 Sekunden');
    expect(screen.getByTestId('who-failed').textContent).toBe('Der Server der Website ist ausgefallen (nginx)');
    expect(within(screen.getByTestId('main-action')).getByRole('button').textContent).toBe('Jetzt erneut versuchen');
  });

  it('the countdown is a timer (not read out at every tick); the live announcement says the phase and the next try', () => {
    show(view());
    const timer = screen.getByRole('timer');
    // The headline's second line: one line high, whatever it says, so a tick never moves the popup.
    expect(timer.closest('h1')).toBeTruthy();
    expect(timer.classList.contains('next')).toBe(true);
    expect(timer.closest('[aria-live]')).toBeNull();
    const said = screen.getByTestId('announcement');
    expect(said.getAttribute('role')).toBe('status');
    expect(said.getAttribute('aria-live')).toBe('polite');
    expect(said.textContent).toBe('Retrying with the cache bypassed: attempt 2 of 5. Retrying in 5 seconds');
  });

  it('"Check now" is in the first view while no verdict is known; once one is, the evidence follows the guide', () => {
    show(view({}, { report: null, checking: false, autoCheck: false, privateHost: false }));
    const more = screen.getByTestId('more');
    const status = screen.getByRole('heading', { name: 'Down for everyone, or just you?' });
    expect(more.contains(status)).toBe(false);
    expect(status.compareDocumentPosition(more) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    // The guide does not repeat the button the first view shows.
    expect(screen.getAllByRole('button', { name: 'Check now' })).toHaveLength(1);
    cleanup();
    const up = { host: 'shop.example.com', verdict: 'up-elsewhere', checkedAt: NOW - 20_000, expiresAt: NOW + 40_000, sources: [] } as StatusReport;
    show(view({}, { report: up, checking: false, autoCheck: false, privateHost: false }));
    const guide = screen.getByRole('heading', { name: 'What you can try' });
    const evidence = screen.getByRole('heading', { name: 'Down for everyone, or just you?' });
    expect(screen.getByTestId('more').contains(evidence)).toBe(true);
    expect(guide.compareDocumentPosition(evidence) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(screen.getByTestId('who-failed').textContent).toBe("The site's server failed (nginx)");
  });

  it('the countdown line is always there while retrying, empty when offline, "Retrying now…" while a reload is under way', () => {
    show(view({ offline: true }));
    expect(screen.getByRole('timer').textContent).toBe('');
    cleanup();
    show(view({ awaiting: { kind: 'reload', tabId: 3, at: NOW - 100 } }));
    expect(screen.getByRole('timer').textContent).toBe('Retrying now…');
    expect(screen.getByTestId('retrying-now')).toBeTruthy();
  });

  it('watching, recovered, cancelled, gave up', () => {
    show(view({ phase: 'watching', attempts: 5, nextAt: NOW + 60_000 }));
    expect(screen.getByRole('timer').textContent).toBe('Checking again in 60 seconds');
    cleanup();
    show(view({ phase: 'watching', attempts: 5, nextAt: NOW + 1_800_000 }));
    expect(screen.getByRole('timer').textContent).toBe('Checking again in 30 minutes');
    cleanup();
    show(view({ phase: 'recovered', endedAt: NOW, nextAt: null }, { report: null, checking: false, autoCheck: false, privateHost: false }));
    // The headline changes once the site is back; the phase line says after how long, in the first view.
    expect(screen.getByTestId('headline').textContent).toBe('shop.example.com is back');
    expect(phase()).toBe('Back: reloaded after 42 seconds.');
    expect(screen.queryByTestId('more')).toBeNull();
    // The page works: nothing to retry, to send to a checker, or to fix.
    expect(screen.queryAllByRole('button')).toHaveLength(0);
    expect(screen.queryByRole('heading', { level: 2 })).toBeNull();
    cleanup();
    show(view({ phase: 'cancelled', endedAt: NOW, nextAt: null }));
    expect(phase()).toBe('Retrying stopped.');
    expect(button('Retry now')).toBeTruthy();
    expect(button('Stop retrying')).toBeNull();
    cleanup();
    show(view({ phase: 'gave-up', endedAt: NOW, nextAt: null, startedAt: NOW - 3_600_000 }));
    expect(phase()).toContain('Still down after 60 minutes');
  });

  it('offline, and a site on the never-retry list', () => {
    show(view({ offline: true }));
    expect(phase().trim()).toBe('You are offline; retrying resumes when you are back online.');
    expect(screen.queryByText(/Retrying in/)).toBeNull();
    cleanup();
    show(view({ phase: 'not-retried', notRetriedReason: 'never-retry', nextAt: null, endedAt: NOW }));
    expect(phase()).toBe('This site is on your never-retry list: not retried.');
    expect(button('Retry now')).toBeTruthy();
    expect(button('Stop retrying')).toBeNull();
  });

  it('a form submission: explains it is never re-sent, offers no retry button, and checks before it resends', () => {
    show(view({ phase: 'not-retried', notRetriedReason: 'non-get', method: 'POST', nextAt: null, endedAt: NOW }));
    expect(screen.getAllByText(/never re-sent automatically/).length).toBeGreaterThan(0);
    expect(button('Retry now')).toBeNull();
    // The first view's one action is the check; it unfolds the guide at that step.
    const main = screen.getByTestId('main-action');
    expect(main.textContent).toBe('Check whether it went through');
    const more = screen.getByTestId('more') as HTMLDetailsElement;
    expect(more.open).toBe(false);
    fireEvent.click(screen.getByTestId('form-check-first'));
    expect(more.open).toBe(true);
    // The guide's first step is the check; sending it again comes after "No, or I can't tell".
    expect(screen.getByTestId('guide-step').dataset.step).toBe('form-check');
    expect(screen.queryByTestId('action-resend-form')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: "No, or I can't tell" }));
    expect(screen.getByTestId('guide-step').dataset.step).toBe('resend-form');
    expect(screen.getByTestId('action-resend-form')).toBeTruthy();
  });

  it('nothing seen, and a page the extension does not watch', () => {
    const none: TabView = { incident: null, subresources: null, now: NOW };
    show(none);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('No gateway error seen on this page.');
    expect(screen.queryByTestId('subresources')).toBeNull();
    cleanup();
    show(none, false);
    expect(screen.getByText(/not a web page/)).toBeTruthy();
    cleanup();
    const { container } = show(null);
    expect(container.innerHTML).toBe('');
  });

  it("explains gateway errors of the page's parts without an incident", () => {
    const errors: SubresourceError[] = [
      { tabId: 3, host: 'img.example.net', code: 502, scope: 'sub-resource', at: NOW },
      { tabId: 3, host: 'img.example.net', code: 502, scope: 'sub-resource', at: NOW },
    ];
    show({ incident: null, subresources: subresourceNote(errors), now: NOW });
    const note = screen.getByTestId('subresources').textContent ?? '';
    expect(note).toContain('gateway errors from img.example.net (502) (2 in all)');
    expect(note).toContain('not reloaded');
  });

  it("lists what the browser itself found, with a heading and stable test ids; the status panel says why no check", () => {
    const check: StatusFacts = { report: null, checking: false, autoCheck: true, privateHost: false };
    show(view({ cookieless: { result: 'normal', code: 200, at: NOW - 1_000, confirmedAt: NOW - 500 } }, check));
    const facts = screen.getByRole('region', { name: 'What your browser found' });
    expect(within(facts).getByTestId('local-fact-cookies').textContent).toBe('shop.example.com answers without your cookies for it: they are the likely cause.');
    cleanup();

    show(view({ host: 'wiki.example.com', connection: { ip: '10.20.30.40' } }, check));
    expect(screen.getByTestId('local-fact-intranet').textContent).toContain('10.20.30.40');
    expect(screen.getByTestId('status-private').textContent).toContain('No outside check');
    expect(button('Check now')).toBeNull();
    cleanup();

    show(view({ connection: { ip: '10.0.0.1', proxy: { type: 'http', host: 'proxy.corp.example', port: 3128 } } }, check));
    expect(screen.getByTestId('local-fact-proxy').textContent).toContain('http proxy.corp.example:3128');
    cleanup();

    // Nothing found: no section at all.
    show(view({}, check));
    expect(screen.queryByTestId('local-facts')).toBeNull();
  });

  it('no guide until the browser facts are known', () => {
    show(view({}, null, null));
    expect(screen.queryByRole('heading', { name: 'What you can try' })).toBeNull();
    expect(button('Retry now')).toBeTruthy();
  });
});

describe('popup view: down for everyone, or just you?', () => {
  const down: StatusReport = {
    host: 'shop.example.com',
    verdict: 'down-for-everyone',
    checkedAt: NOW - 20_000,
    expiresAt: NOW + 40_000,
    sources: [
      { provider: 'gateway', verdict: 'unknown', evidence: { key: 'evidenceSiteGateway', subs: ['nginx', '502'] }, reason: { code: 'no-signal', detail: '' }, checkedAt: NOW - 20_000, hint: 'site-gateway' },
      {
        provider: 'checkHost',
        verdict: 'down-for-everyone',
        evidence: { key: 'evidenceLocationsDown', subs: ['6', '7', '502'] },
        link: 'https://check-host.net/check-report/806df9',
        checkedAt: NOW - 20_000,
      },
      { provider: 'statusPage', verdict: 'unknown', evidence: { key: 'reason_timeout' }, reason: { code: 'timeout', detail: 'x' }, checkedAt: NOW - 20_000 },
    ],
  };
  const panel = () => within(screen.getByTestId('status'));

  it('shows the verdict, each source with its evidence, the report link and the age', () => {
    show(view({}, { report: down, checking: false, autoCheck: true, privateHost: false }));
    const verdict = screen.getByTestId('verdict');
    expect(verdict.getAttribute('data-verdict')).toBe('down-for-everyone');
    expect(verdict.textContent).toContain('Down for everyone.');
    expect(verdict.textContent).toContain("It's not you");
    expect(panel().getByText(/6 of 7 locations got 502/)).toBeTruthy();
    expect(panel().getByRole('link').getAttribute('href')).toBe('https://check-host.net/check-report/806df9');
    expect(panel().getByText(/no answer in time/)).toBeTruthy();
    expect(panel().getByText('Checked 20 seconds ago.')).toBeTruthy();
    expect(panel().getByRole('button', { name: 'Check again' })).toBeTruthy();
    expect(screen.queryByText(/Checking sends only/)).toBeNull();
    // Down for everyone is the news: the verdict comes before the guide.
    const status = screen.getByRole('heading', { name: 'Down for everyone, or just you?' });
    const guide = screen.getByRole('heading', { name: 'What you can try' });
    expect(status.compareDocumentPosition(guide) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('without an answer and without consent: offers Check now and says what it sends', () => {
    show(view({}, { report: null, checking: false, autoCheck: false, privateHost: false }));
    expect(panel().getByRole('button', { name: 'Check now' })).toBeTruthy();
    expect(panel().getByText(/Checking sends only the address shop.example.com/)).toBeTruthy();
    expect(screen.queryByTestId('verdict')).toBeNull();
  });

  it('a consent given for other settings: says what changed, offers no check, and sends the user to agree again', () => {
    const onReviewConsent = vi.fn();
    const facts: StatusFacts = { report: null, checking: false, autoCheck: false, consentChanges: ['checkHost', 'codes'], privateHost: false };
    render(
      <PopupView
        view={view({}, facts)}
        watchable
        t={t}
        now={NOW}
        onRetryNow={() => {}}
        onStop={() => {}}
        onWatchSite={async () => {}}
        onCheckNow={() => {}}
        onReviewConsent={onReviewConsent}
        actions={NO_ACTIONS}
      />,
    );
    const note = screen.getByTestId('consent-outdated');
    expect(note.textContent).toContain(t('consentOutdatedTitle'));
    expect(within(note).getAllByRole('listitem').map((li) => li.textContent)).toEqual([t('consentChangeCheckHost'), t('consentChangeCodes')]);
    expect(button('Check now')).toBeNull();
    fireEvent.click(within(note).getByRole('button', { name: t('popupConsentReview') }));
    expect(onReviewConsent).toHaveBeenCalledTimes(1);
  });

  it('while checking: says so in the live region, and offers no second check', () => {
    show(view({}, { report: null, checking: true, autoCheck: true, privateHost: false }));
    const live = panel().getByRole('status');
    expect(live.textContent).toContain('Checking from several places');
    expect(live.getAttribute('aria-busy')).toBe('true');
    expect(panel().queryByRole('button')).toBeNull();
  });

  it('a private host: never offers to send it', () => {
    show(view({}, { report: null, checking: false, autoCheck: true, privateHost: true }));
    expect(panel().getByText(/is a private address/)).toBeTruthy();
    expect(panel().queryByRole('button')).toBeNull();
  });

  it('up elsewhere and unknown read differently', () => {
    const up: StatusReport = { ...down, verdict: 'up-elsewhere', sources: [{ ...down.sources[1]!, verdict: 'up-elsewhere', evidence: { key: 'evidenceLocationsUp', subs: ['7', '7'] } }] };
    show(view({}, { report: up, checking: false, autoCheck: true, privateHost: false }));
    expect(screen.getByTestId('verdict').textContent).toContain('Up elsewhere.');
    cleanup();
    const unknown: StatusReport = { ...down, verdict: 'unknown', sources: [down.sources[2]!] };
    show(view({}, { report: unknown, checking: false, autoCheck: true, privateHost: false }));
    expect(screen.getByTestId('verdict').textContent).toContain("Can't tell yet.");
    expect(screen.queryByText(/Down for everyone\./)).toBeNull();
  });
});

describe('popup view: what the site answers, and why reloading stopped (issue 13)', () => {
  const works = { kind: 'works', code: 200, at: NOW - 1_000 } as const;
  const de = strictTIn('de');
  /** The view built with the German messages, as the background builds it for a German browser. */
  function viewDe(overrides: Partial<Incident> = {}): TabView {
    const input = { incident: incident(overrides), tab: TAB, now: NOW, maxVisibleRetries: 5, check: null, siteDomain: 'example.com', browser: FACTS };
    return { incident: buildIncidentView(input, (x) => de(x.key, x.subs)), subresources: null, now: NOW };
  }

  it('a probe got a page: "answers again, reloading…", never "back"', () => {
    show(view({ phase: 'watching', answer: works, awaiting: { kind: 'reload', tabId: 3, at: NOW - 100 } }));
    expect(phase()).toContain('shop.example.com answers again: reloading the page to make sure it works…');
    expect(document.body.textContent).not.toMatch(/\bis back\b|Back:/);
    cleanup();
    show(viewDe({ phase: 'watching', answer: works, awaiting: { kind: 'reload', tabId: 3, at: NOW - 100 } }), true, undefined, de);
    expect(phase()).toContain('shop.example.com antwortet wieder: Die Seite wird neu geladen');
  });

  it('the cookie finding: the phase line says why reloading stopped, the cookie fact and the cookie step come first', () => {
    show(view({ phase: 'watching', attempts: 2, quiet: 'cookies', answer: works }));
    expect(phase()).toContain("shop.example.com answers without your cookies; reloading would fail again, so it stopped. Clear this site's cookies.");
    expect(screen.getByTestId('local-fact-cookies')).toBeTruthy();
    expect(screen.getAllByTestId('guide-step')[0]?.getAttribute('data-step')).toBe('cookies');
    // A probe without cookies could never tell this browser the site is back: not offered.
    expect(screen.queryByTestId('watch-site')).toBeNull();
    cleanup();
    show(viewDe({ phase: 'watching', attempts: 2, quiet: 'cookies', answer: works }), true, undefined, de);
    expect(phase()).toContain('shop.example.com antwortet normal, wenn Ihre Cookies fehlen; mit ihnen würde jedes Neuladen wieder scheitern, deshalb wurde es beendet.');
  });

  it('the hourly reload cap', () => {
    show(view({ phase: 'watching', quiet: 'reload-cap', nextAt: NOW + 60_000 }));
    expect(phase()).toContain('Reloaded 12 times in the last hour; stopped reloading, still checking in the background.');
    expect(screen.getByRole('timer').textContent).toBe('Checking again in 60 seconds');
    cleanup();
    show(viewDe({ phase: 'watching', quiet: 'reload-cap' }), true, undefined, de);
    expect(phase()).toContain('In der letzten Stunde 12-mal neu geladen');
  });

  it('ended on the site\'s own 500: says what it answers, offers "Retry now", no guide', () => {
    show(view({ phase: 'recovered', endedAt: NOW, nextAt: null, answer: { kind: 'server-error', code: 500, at: NOW } }));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('shop.example.com answers again, with 500 Internal Server Error');
    expect(phase()).toBe("The page shows the site's own error page, not a gateway error: nothing more will be tried.");
    expect(button('Retry now')).toBeTruthy();
    expect(button('Stop retrying')).toBeNull();
    expect(screen.queryByRole('heading', { name: 'What you can try' })).toBeNull();
    cleanup();
    show(viewDe({ phase: 'recovered', endedAt: NOW, nextAt: null, answer: { kind: 'server-error', code: 500, at: NOW } }), true, undefined, de);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('shop.example.com antwortet wieder, aber mit 500 (Interner Serverfehler)');
  });
});

describe('popup view: "Tell me when it\'s back"', () => {
  it('is a real button, folded with "Stop retrying" after the one main action (issue 14)', () => {
    show(view());
    const watch = screen.getByRole('button', { name: "Tell me when it's back" });
    expect(watch.getAttribute('data-testid')).toBe('watch-site');
    expect(watch.tagName).toBe('BUTTON');
    expect(watch.getAttribute('type')).toBe('button');
    expect(watch.getAttribute('tabindex')).toBeNull();
    const actions = watch.closest('.actions')!;
    expect(within(actions as HTMLElement).getAllByRole('button').map((b) => b.textContent)).toEqual(["Tell me when it's back", 'Stop retrying']);
    expect(screen.getByTestId('more').contains(watch)).toBe(true);
    expect(screen.getByTestId('main-action').compareDocumentPosition(watch) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('sends watchSite once per click; then says it keeps watching with the tab closed, and moves the focus there', async () => {
    const calls: string[] = [];
    const { rerender } = show(view(), true, async () => {
      calls.push('watchSite');
    });
    const watch = screen.getByTestId('watch-site');
    watch.focus();
    watch.click();
    expect(calls).toEqual(['watchSite']);
    // The background's next view has the incident watched: the button gives way to the note.
    rerender(
      <PopupView
        view={view({ keepWatching: true })}
        watchable
        t={t}
        now={NOW}
        onRetryNow={() => {}}
        onStop={() => {}}
        onWatchSite={async () => {}}
        onCheckNow={() => {}}
        actions={NO_ACTIONS}
      />,
    );
    expect(screen.queryByTestId('watch-site')).toBeNull();
    const note = screen.getByTestId('watching-site');
    expect(note.textContent).toBe('Watching shop.example.com even if you close this tab: you will be told when it is back (for up to 24 h).');
    expect(note.getAttribute('role')).toBe('status');
    await waitFor(() => expect(document.activeElement).toBe(note));
  });

  it('opened later on a watched site: the note, without taking the focus', () => {
    show(view({ phase: 'watching', keepWatching: true }));
    const note = screen.getByTestId('watching-site');
    expect(document.activeElement).not.toBe(note);
    cleanup();
    const de = strictTIn('de');
    const input = { incident: incident({ keepWatching: true }), tab: TAB, now: NOW, maxVisibleRetries: 5, check: null, siteDomain: 'example.com', browser: FACTS };
    show({ incident: buildIncidentView(input, (x) => de(x.key, x.subs)), subresources: null, now: NOW }, true, undefined, de);
    expect(screen.getByTestId('watching-site').textContent).toContain('auch wenn Sie diesen Tab schließen');
    expect(screen.queryByRole('button', { name: 'Benachrichtigen, wenn sie wieder erreichbar ist' })).toBeNull();
  });

  it('in German', () => {
    const de = strictTIn('de');
    const input = { incident: incident(), tab: TAB, now: NOW, maxVisibleRetries: 5, check: null, siteDomain: 'example.com', browser: FACTS };
    show({ incident: buildIncidentView(input, (x) => de(x.key, x.subs)), subresources: null, now: NOW }, true, undefined, de);
    expect(screen.getByRole('button', { name: 'Benachrichtigen, wenn sie wieder erreichbar ist' })).toBeTruthy();
  });

  it('not for a form, a never-retry site, a HEAD, or once the incident is over', () => {
    for (const overrides of [
      { phase: 'not-retried', notRetriedReason: 'non-get', method: 'POST', nextAt: null, endedAt: NOW },
      { phase: 'not-retried', notRetriedReason: 'never-retry', nextAt: null, endedAt: NOW },
      { method: 'HEAD' },
      { phase: 'recovered', nextAt: null, endedAt: NOW },
      { phase: 'gave-up', nextAt: null, endedAt: NOW },
      { phase: 'cancelled', nextAt: null, endedAt: NOW },
    ] as Partial<Incident>[]) {
      show(view(overrides));
      expect(screen.queryByTestId('watch-site'), JSON.stringify(overrides)).toBeNull();
      cleanup();
    }
  });
});
