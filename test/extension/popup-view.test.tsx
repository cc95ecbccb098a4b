/** The popup renders every state from fixtures, no browser needed. */
import { describe, expect, it } from 'vitest';
import { renderToString } from 'preact-render-to-string';
import type { GuideActions } from '../../extension/popup/guide-actions';
import { PopupView, type GuideEnvironment } from '../../extension/popup/popup-view';
import { adviceKey } from '../../extension/popup/status-section';
import { strictT } from '../locale';
import type { TabView } from '../../src/messages';
import type { StatusReport } from '../../src/status/verdict';
import type { Incident } from '../../src/recovery/incident-machine';

const t = strictT;

const NOW = 1_700_000_000_000;
function view(incident: Partial<Incident>): TabView {
  const base: Incident = {
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
  };
  return {
    incident: {
      incident: { ...base, ...incident } as Incident,
      tab: { tabId: 3, incidentId: 'i1', url: base.url, status: 'waiting', since: NOW - 42_000 },
    },
    subresourceErrors: [],
    now: NOW,
    maxVisibleRetries: 5,
    status: null,
    siteDomain: 'example.com',
  };
}
/** Actions that fail the test if a render calls one (rendering must not act). */
const NO_ACTIONS: GuideActions = new Proxy({} as GuideActions, {
  get: (_, name) => () => {
    throw new Error(`render called ${String(name)}`);
  },
});
const ENV: GuideEnvironment = { browser: 'chromium', browserLabel: 'Chromium 156', os: 'linux', incognito: false, canOpenPrivate: false };
const html = (v: TabView | null, watchable = true, env: GuideEnvironment | null = ENV) =>
  renderToString(
    <PopupView view={v} watchable={watchable} t={t} now={NOW} onRetryNow={() => {}} onStop={() => {}} onCheckNow={() => {}} env={env} actions={NO_ACTIONS} />,
  );

describe('popup view', () => {
  it('retrying: code, who answered, attempt n of N, countdown, both buttons', () => {
    const out = html(view({}));
    expect(out).toContain('shop.example.com answered 502 Bad Gateway');
    expect(out).toContain('attempt 2 of 5');
    expect(out).toContain('Next retry in 5 s');
    expect(out).toContain('nginx');
    expect(out).toContain('data-testid="retry-now"');
    expect(out).toContain('data-testid="stop"');
    expect(out).toContain('aria-live="polite"');
  });

  it('the countdown is a timer (not read out at every tick); the live announcement says the phase and the next try', () => {
    const out = html(view({}));
    expect(out).toMatch(/<p data-phase="retrying">[^]*role="timer"/);
    expect(out).not.toMatch(/<p role="status"[^>]*data-phase/);
    expect(out).toContain('<p class="visually-hidden" role="status" aria-live="polite" data-testid="announcement">Retrying with the cache bypassed: attempt 2 of 5. Next retry in 5 s</p>');
  });

  it('what to do comes before the evidence: the guide, then "Down for everyone, or just you?"', () => {
    const out = renderToString(
      <PopupView view={{ ...view({}), status: { report: null, checking: false, autoCheck: false, privateHost: false } }} watchable t={t} now={NOW} onRetryNow={() => {}} onStop={() => {}} onCheckNow={() => {}} env={ENV} actions={NO_ACTIONS} />,
    );
    expect(out.indexOf('data-testid="guide"')).toBeGreaterThan(0);
    expect(out.indexOf('data-testid="status"')).toBeGreaterThan(out.indexOf('data-testid="guide"'));
  });

  it('the countdown line is always there while retrying, empty when offline, "Retrying now…" while a reload is under way', () => {
    expect(html(view({ offline: true }))).toMatch(/<span class="muted next" role="timer" data-testid="countdown"><\/span>/);
    expect(html(view({ awaiting: { kind: 'reload', tabId: 3, at: NOW - 100 } }))).toContain('Retrying now…');
  });

  it('watching, recovered, cancelled, gave up', () => {
    expect(html(view({ phase: 'watching', attempts: 5, nextAt: NOW + 60_000 }))).toContain('Next check in 60 s');
    const back = html(view({ phase: 'recovered', endedAt: NOW, nextAt: null }));
    expect(back).toContain('Back: reloaded after 42 s');
    // The page works: nothing to retry, to send to a checker, or to fix.
    for (const gone of ['data-testid="stop"', 'data-testid="retry-now"', 'data-testid="check-now"', 'data-testid="status"', 'data-testid="guide"']) expect(back).not.toContain(gone);
    const backWithVerdict = renderToString(
      <PopupView view={{ ...view({ phase: 'recovered', endedAt: NOW, nextAt: null }), status: { report: null, checking: false, autoCheck: false, privateHost: false } }} watchable t={t} now={NOW} onRetryNow={() => {}} onStop={() => {}} onCheckNow={() => {}} env={ENV} actions={NO_ACTIONS} />,
    );
    expect(backWithVerdict).not.toContain('data-testid="check-now"');
    const stopped = html(view({ phase: 'cancelled', endedAt: NOW, nextAt: null }));
    expect(stopped).toContain('data-testid="retry-now"');
    expect(html(view({ phase: 'cancelled', endedAt: NOW, nextAt: null }))).toContain('Retrying stopped.');
    expect(html(view({ phase: 'gave-up', endedAt: NOW, nextAt: null, startedAt: NOW - 3_600_000 }))).toContain('Still down after 60 min');
  });

  it('offline, and a site on the never-retry list', () => {
    const offline = html(view({ offline: true }));
    expect(offline).toContain('You are offline; retrying resumes when you are back online.');
    expect(offline).not.toContain('Next retry in');
    const never = html(view({ phase: 'not-retried', notRetriedReason: 'never-retry', nextAt: null, endedAt: NOW }));
    expect(never).toContain('This site is on your never-retry list: not retried.');
    expect(never).toContain('data-testid="retry-now"');
    expect(never).not.toContain('data-testid="stop"');
  });

  it('a form submission: explains it is never re-sent and offers no retry button', () => {
    const out = html(view({ phase: 'not-retried', notRetriedReason: 'non-get', method: 'POST', nextAt: null }));
    expect(out).toContain('never re-sent automatically');
    expect(out).not.toContain('data-testid="retry-now"');
  });

  it('nothing seen, and a page the extension does not watch', () => {
    const none: TabView = { incident: null, subresourceErrors: [], now: NOW, maxVisibleRetries: 5, status: null, siteDomain: null };
    expect(html(none)).toContain('No gateway error seen on this page.');
    expect(html(none)).not.toContain('data-testid="subresources"');
    expect(html(none, false)).toContain('not a web page');
    expect(html(null)).toBe('');
  });

  it('explains gateway errors of the page\'s parts without an incident', () => {
    const parts: TabView = {
      incident: null,
      subresourceErrors: [
        { tabId: 3, host: 'img.example.net', code: 502, scope: 'sub-resource', at: NOW },
        { tabId: 3, host: 'img.example.net', code: 502, scope: 'sub-resource', at: NOW },
      ],
      now: NOW,
      maxVisibleRetries: 5,
      status: null,
      siteDomain: null,
    };
    const out = html(parts);
    expect(out).toContain('gateway errors from img.example.net (502) (2 in all)');
    expect(out).toContain('not reloaded');
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
  const withStatus = (status: TabView['status']) => ({ ...view({}), status });

  it('shows the verdict, each source with its evidence, the report link and the age', () => {
    const out = html(withStatus({ report: down, checking: false, autoCheck: true, privateHost: false }));
    expect(out).toContain('data-verdict="down-for-everyone"');
    expect(out).toContain('Down for everyone.');
    expect(out).toContain("It's not you");
    expect(out).toContain('6 of 7 locations got 502');
    expect(out).toContain('href="https://check-host.net/check-report/806df9"');
    expect(out).toContain('no answer in time');
    expect(out).toContain('Checked 20 s ago.');
    expect(out).toContain('Check again');
    expect(out).not.toContain('Checking sends only');
  });

  it('without an answer and without consent: offers Check now and says what it sends', () => {
    const out = html(withStatus({ report: null, checking: false, autoCheck: false, privateHost: false }));
    expect(out).toContain('data-testid="check-now"');
    expect(out).toContain('Check now');
    expect(out).toContain('Checking sends only the address shop.example.com');
    expect(out).not.toContain('data-testid="verdict"');
  });

  it('while checking: says so in the live region, and offers no second check', () => {
    const out = html(withStatus({ report: null, checking: true, autoCheck: true, privateHost: false }));
    expect(out).toContain('Checking from several places');
    expect(out).toContain('aria-busy');
    expect(out).not.toContain('data-testid="check-now"');
  });

  it('a private host: never offers to send it', () => {
    const out = html(withStatus({ report: null, checking: false, autoCheck: true, privateHost: true }));
    expect(out).toContain('is a private address');
    expect(out).not.toContain('data-testid="check-now"');
  });

  it('up elsewhere and unknown read differently', () => {
    const up: StatusReport = { ...down, verdict: 'up-elsewhere', sources: [{ ...down.sources[1]!, verdict: 'up-elsewhere', evidence: { key: 'evidenceLocationsUp', subs: ['7', '7'] } }] };
    expect(html(withStatus({ report: up, checking: false, autoCheck: true, privateHost: false }))).toContain('Up elsewhere.');
    const unknown: StatusReport = { ...down, verdict: 'unknown', sources: [down.sources[2]!] };
    const out = html(withStatus({ report: unknown, checking: false, autoCheck: true, privateHost: false }));
    expect(out).toContain("Can't tell yet.");
    expect(out).not.toContain('Down for everyone.');
  });
});

describe('popup advice: the verdict read with who answered the error', () => {
  it.each([
    ['up-elsewhere', 'site-gateway', 'verdictUpAdviceSiteGateway'],
    ['up-elsewhere', 'cdn-origin-failed', 'verdictUpAdviceSiteGateway'],
    ['up-elsewhere', 'user-proxy', 'verdictUpAdviceProxy'],
    ['up-elsewhere', undefined, 'verdictUpAdvice'],
    ['unknown', 'site-gateway', 'verdictUnknownAdviceSiteGateway'],
    ['unknown', undefined, 'verdictUnknownAdvice'],
    ['down-for-everyone', 'site-gateway', 'verdictDownAdvice'],
    ['down-for-everyone', undefined, 'verdictDownAdviceStopped', false],
    ['partial', 'user-proxy', 'verdictPartialAdvice'],
  ] as const)('%s with %s → %s', (verdict, hint, key, ...watching: readonly boolean[]) => {
    expect(adviceKey(verdict, hint, watching[0] ?? true)).toBe(key);
    expect(strictT(key)).not.toBe('');
  });
});
