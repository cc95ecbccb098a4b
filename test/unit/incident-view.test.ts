/** The one view model: every surface reads the same answers, so the notification and the popup cannot disagree. */
import { describe, expect, it } from 'vitest';
import { shopIncident } from './incident-fixture';
import type { Incident, TabEntry } from '../../src/recovery/incident-machine';
import type { StatusReport } from '../../src/status/verdict';
import type { I18nText } from '../../src/shared/text';
import { buildIncidentView, type BrowserFacts, type IncidentView } from '../../src/view/incident-view';
import { adviceKey, agreementLine, agreementText, buildStatusPanel, type StatusFacts } from '../../src/view/status-panel';
import { describeVerdictLine } from '../../src/status/describe-status';
import { strictT } from '../locale';

const NOW = Date.UTC(2026, 0, 10, 12, 0, 0);
const FACTS: BrowserFacts = { browser: 'firefox', browserLabel: 'Firefox 153', os: 'win', incognito: false, canOpenPrivate: true };
const render = (t: I18nText) => `[${t.key}${t.subs ? `:${t.subs.join('|')}` : ''}]`;

function incident(overrides: Partial<Incident> = {}): Incident {
  return shopIncident(NOW, { startedAt: NOW - 60_000, phase: 'retrying', attempts: 1, probes: 0, nextAt: NOW + 10_000, ...overrides });
}

const TAB = { tabId: 4, incidentId: 'incident-1', url: 'https://shop.example.com/cart', status: 'waiting', since: NOW - 60_000 } as TabEntry;

function build(overrides: Partial<Incident> = {}, report: StatusReport | null = null, max = 5): IncidentView {
  const check: StatusFacts = { report, checking: false, autoCheck: true, privateHost: false };
  return buildIncidentView({ incident: incident(overrides), tab: TAB, now: NOW, maxVisibleRetries: max, check, siteDomain: 'example.com', browser: FACTS }, render);
}

function report(verdict: StatusReport['verdict'], checkedAt = NOW - 5_000, expiresAt = NOW + 55_000): StatusReport {
  return {
    host: 'shop.example.com',
    verdict,
    checkedAt,
    expiresAt,
    sources: [{ provider: 'checkHost', verdict, evidence: { key: 'evidenceLocationsUp', subs: ['7', '7'] }, checkedAt }],
  };
}

describe('one view model: the first view (issue 14)', () => {
  it('one line on who failed, from the fault side, who answered and the browser\'s own facts', () => {
    expect(build({ gateway: { server: 'nginx' } }).whoFailed).toEqual({ key: 'popupWhoSite', subs: ['nginx'] });
    expect(build({ gateway: { server: 'nginx' } }, report('down-for-everyone')).whoFailed).toEqual({ key: 'popupWhoEveryone' });
    expect(build({ gateway: {} }, report('up-elsewhere')).whoFailed).toEqual({ key: 'popupWhoYou' });
    expect(build({ gateway: { server: 'squid/5.5', party: 'squid', ownError: 'ERR_CONNECT_FAIL 111' } }).whoFailed).toEqual({ key: 'popupWhoProxy', subs: ['Squid'] });
    expect(build({ gateway: {} }).whoFailed).toEqual({ key: 'popupWhoUnknown', subs: ['[popupUnknownServer]'] });
    expect(build({ gateway: { server: 'nginx' }, quiet: 'cookies' }, report('down-for-everyone')).whoFailed).toEqual({ key: 'popupWhoCookies' });
  });

  it('one Retry now: the guide drops its own reload while the popup offers it, keeps it when not', () => {
    const view = build({ gateway: { server: 'nginx' } });
    expect(view.canRetryNow).toBe(true);
    expect(view.guide?.guide.steps.some((s) => s.action?.kind === 'reload')).toBe(false);
    const form = build({ gateway: { server: 'nginx' }, method: 'POST', phase: 'not-retried', notRetriedReason: 'non-get', nextAt: null });
    expect(form.canRetryNow).toBe(false);
    expect(form.formMethod).toBe('POST');
    // A form is never reloaded by the guide either (its own rule); its phase line, why it is not sent again, is in
    // the first view, above the guide's "did it go through?".
    expect(form.guide?.guide.steps.some((s) => s.action?.kind === 'reload')).toBe(false);
    expect(form.phaseFirst).toBe(true);
  });

  it('"Check now" in the first view while no verdict is known, with the details once one is', () => {
    expect(build().checkInFirstView).toBe(true);
    expect(build({}, report('down-for-everyone')).checkInFirstView).toBe(false);
    expect(build({}, report('up-elsewhere')).checkInFirstView).toBe(false);
  });

  it('the phase line is in the first view only when nothing ticks in the headline', () => {
    expect(build().phaseFirst).toBe(false);
    expect(build({ offline: true }).phaseFirst).toBe(true);
    expect(build({ phase: 'gave-up', nextAt: null, endedAt: NOW }).phaseFirst).toBe(true);
  });
});

describe('one view model', () => {
  it('the popup and the notification give the same attempt, however far the retries went', () => {
    for (let attempts = 0; attempts <= 7; attempts++) {
      for (const awaiting of [null, { kind: 'reload' as const, tabId: 4, at: NOW - 1 }]) {
        const view = build({ attempts, awaiting }, null, 5);
        const popupAttempt = view.phaseLine.subs?.[0];
        const note = view.notification?.message;
        // notifRetryingNow: [attempt, of]; notifRetryingIn: [wait, attempt, of]
        const notifAttempt = note?.key === 'notifRetryingNow' ? note.subs?.[0] : note?.subs?.[1];
        expect(popupAttempt, `attempts ${attempts}, awaiting ${awaiting !== null}`).toBe(notifAttempt);
        expect(Number(popupAttempt)).toBeLessThanOrEqual(5);
      }
    }
  });

  it('up elsewhere, but the site\'s own gateway answered: neither the popup nor the notification blames the user', () => {
    const view = build({ gateway: { server: 'nginx' } }, report('up-elsewhere'));
    expect(view.check?.verdict?.advice.key).toBe('verdictUpAdviceSiteGateway');
    expect(view.notification?.verdict?.key).toBe('verdictUpLineSiteGateway');
    expect(view.guide?.guide.side).toBe('likely-site');
  });

  it('up elsewhere and a proxy answered with its own error: both point at the user\'s side, the proxy first', () => {
    const squid = { server: 'squid/5.5', party: 'squid', ownError: 'ERR_CONNECT_FAIL 111' };
    const view = build({ gateway: squid }, report('up-elsewhere'));
    expect(view.check?.verdict?.advice.key).toBe('verdictUpAdviceProxy');
    expect(view.notification?.verdict?.key).toBe('verdictUpLine');
    expect(view.guide?.guide.side).toBe('likely-you');
    expect(view.guide?.guide.steps[0]?.id).toBe('proxy');
    expect(view.answeredBy).toBe('Squid');
  });

  it('up elsewhere and only an unknown Via: the generic advice, never "your proxy"', () => {
    const view = build({ gateway: { via: '1.1 proxy.corp.example' } }, report('up-elsewhere'));
    expect(view.check?.verdict?.advice.key).toBe('verdictUpAdvice');
    expect(view.guide?.guide.side).toBe('likely-you');
    // The guide's own reload is the popup's one "Retry now" (issue 14): a VPN or proxy comes first, worded as a
    // maybe (the browser cannot see a VPN), never as "your proxy".
    expect(view.canRetryNow).toBe(true);
    expect(view.guide?.guide.steps.map((s) => s.id)).not.toContain('refresh');
    expect(view.guide?.guide.steps[0]?.id).toBe('proxy');
    expect(view.guide?.guide.steps[0]?.why.key).toBe('guideProxyWhyMaybe');
    expect(view.whoFailed).toEqual({ key: 'popupWhoYou' });
  });

  it('a report from before the incident that has expired speaks for neither the notification nor the guide', () => {
    const stale = report('down-for-everyone', NOW - 3_600_000, NOW - 3_000_000);
    const view = build({}, stale);
    expect(view.notification?.verdict).toBeUndefined();
    expect(view.guide?.guide.side).not.toBe('site');
    expect(view.checkFirst).toBe(false);
    // The panel still shows the last answer, with its age.
    expect(view.check?.verdict?.checkedAt).toBe(NOW - 3_600_000);
  });

  it('down for everyone: the verdict comes first, the guide does not repeat it while retries go on, an archive is offered', () => {
    const view = build({}, report('down-for-everyone'));
    expect(view.checkFirst).toBe(true);
    expect(view.guide?.showSummary).toBe(false);
    expect(view.guide?.archiveOffered).toBe(true);
    expect(view.notification?.verdict?.key).toBe('verdictDownLine');
  });

  it('back: nothing left to retry, check or fix; the badge goes', () => {
    const view = build({ phase: 'recovered', endedAt: NOW, nextAt: null }, report('up-elsewhere'));
    expect(view).toMatchObject({ canRetryNow: false, canStop: false, check: null, guide: null, countdown: null, badge: null });
    expect(view.notification?.title.key).toBe('notifTitleBack');
  });

  it('a failed form: never a retry button, the method said, no step reloads it', () => {
    const view = build({ phase: 'not-retried', notRetriedReason: 'non-get', method: 'POST', nextAt: null, endedAt: NOW });
    expect(view).toMatchObject({ canRetryNow: false, formMethod: 'POST' });
    expect(view.guide?.guide.steps.map((s) => s.id)).not.toContain('refresh');
  });

  it('the report for the site names the browser the background read, and who answered', () => {
    const view = build({ gateway: { server: 'cloudflare', cfRay: '8f1e2d3c4b5a6978-FRA' }, code: 522 });
    expect(view.guide?.report).toContain('Firefox 153');
    expect(view.guide?.report).toContain('8f1e2d3c4b5a6978-FRA');
    expect(view.cfRay).toBe('8f1e2d3c4b5a6978-FRA');
  });
});

describe('status advice: the verdict read with who answered the error', () => {
  it.each([
    ['up-elsewhere', 'site-gateway', 'verdictUpAdviceSiteGateway'],
    ['up-elsewhere', 'cdn-origin-failed', 'verdictUpAdviceSiteGateway'],
    ['up-elsewhere', 'site-edge', 'verdictUpAdviceSiteGateway'],
    ['up-elsewhere', 'user-proxy', 'verdictUpAdviceProxy'],
    ['unknown', 'user-proxy', 'verdictUnknownAdviceProxy'],
    ['unknown', 'site-edge', 'verdictUnknownAdviceSiteGateway'],
    ['up-elsewhere', undefined, 'verdictUpAdvice'],
    ['unknown', 'site-gateway', 'verdictUnknownAdviceSiteGateway'],
    ['unknown', undefined, 'verdictUnknownAdvice'],
    ['down-for-everyone', 'site-gateway', 'verdictDownAdvice'],
    ['down-for-everyone', undefined, 'verdictDownAdviceStopped', false],
    ['partial', 'user-proxy', 'verdictPartialAdvice'],
  ] as const)('%s with %s → %s', (verdict, hint, key, ...underWay: readonly boolean[]) => {
    expect(adviceKey(verdict, hint, underWay[0] ?? true)).toBe(key);
    expect(strictT(key)).not.toBe('');
  });
});

describe('a status page alone: "the site reports an incident", never "down for everyone" (issue 15)', () => {
  const render = (x: I18nText) => strictT(x.key, x.subs);
  const page = { provider: 'statusPage', verdict: 'down-for-everyone', evidence: { key: 'evidencePageMajor', subs: ['status.example.com'] }, link: 'https://status.example.com', checkedAt: 1 } as const;
  const report = (sources: StatusReport['sources'], verdict: StatusReport['verdict'], agreeing: StatusReport['agreeing']): StatusReport => ({
    host: 'shop.example.com',
    verdict,
    sources,
    agreeing,
    disagreeing: [],
    checkedAt: 1,
    expiresAt: 60_001,
  });
  const facts = (r: StatusReport): StatusFacts => ({ report: r, checking: false, autoCheck: true, privateHost: false });

  it('the popup and the notification say the site reports it, with the page as evidence', () => {
    const alone = report([page], 'partial', ['statusPage']);
    const panel = buildStatusPanel(facts(alone), undefined, 'shop.example.com', true);
    expect(panel.verdict?.headline).toEqual({ key: 'verdictSiteReports' });
    expect(panel.verdict?.advice).toEqual({ key: 'verdictSiteReportsAdvice' });
    expect(render(panel.verdict!.headline)).toBe('The site reports an incident.');
    expect(describeVerdictLine(alone, render)).toEqual({ key: 'verdictSiteReportsLine', subs: ['status.example.com reports a major outage'] });
    expect(render(describeVerdictLine(alone, render)!)).not.toMatch(/everyone/i);
  });

  it('"tell the site" links the status page the check read, and the report names it', () => {
    const fresh = { host: 'shop.example.com', checkedAt: NOW - 5_000, expiresAt: NOW + 55_000 };
    const withPage: StatusReport = { ...fresh, verdict: 'partial', sources: [{ ...page, checkedAt: NOW - 5_000 }] };
    const view = build({}, withPage);
    const tell = view.guide!.guide.steps.find((s) => s.id === 'tell-site')!;
    expect(tell.link?.url).toBe('https://status.example.com/');
    expect(view.guide!.report.split('\n')[1]).toMatch(/^\[reportSendTo\]: \[reportSendToStatus:shop\.example\.com\|https:\/\/status\.example\.com\/\]$/);
    const checkHost = { provider: 'checkHost', verdict: 'up-elsewhere', evidence: { key: 'evidenceLocationsUp', subs: ['7', '7'] }, link: 'https://check-host.net/r/1', checkedAt: NOW - 5_000 } as const;
    expect(build({}, { ...fresh, verdict: 'up-elsewhere', sources: [checkHost] }).guide!.guide.steps.find((s) => s.id === 'tell-site')!.link).toBeUndefined();
  });

  it('with an outside check agreeing, it is down for everyone', () => {
    const checkHost = { provider: 'checkHost', verdict: 'down-for-everyone', evidence: { key: 'evidenceLocationsDown', subs: ['7', '7', '502'] }, checkedAt: 1 } as const;
    const both = report([checkHost, page], 'down-for-everyone', ['checkHost']);
    const panel = buildStatusPanel(facts(both), undefined, 'shop.example.com', true);
    expect(panel.verdict?.headline).toEqual({ key: 'verdictDown' });
    expect(describeVerdictLine(both, render)?.key).toBe('verdictDownLine');
  });

  it("a report stored before `agreeing` existed is judged by its sources", () => {
    const old = { ...report([page], 'partial', undefined) };
    delete (old as { agreeing?: unknown }).agreeing;
    expect(buildStatusPanel(facts(old), undefined, 'shop.example.com', true).verdict?.headline).toEqual({ key: 'verdictSiteReports' });
  });
});

describe('status panel: which sources agreed', () => {
  const render = (x: I18nText) => strictT(x.key, x.subs);
  const located = (provider: 'checkHost' | 'globalping' | 'custom', verdict: StatusReport['verdict'], down: number, up: number) => ({
    provider,
    verdict,
    evidence: { key: 'evidenceLocationsUp' as const },
    checkedAt: 1,
    locations: { down, up, reported: down + up, asked: down + up },
  });
  const gateway = { provider: 'gateway' as const, verdict: 'unknown' as const, evidence: { key: 'reason_no_signal' as const }, checkedAt: 1 };

  it('both measuring sources down: "check-host.net and Globalping agree: down from 11 of 12 places."', () => {
    const line = agreementLine({
      verdict: 'down-for-everyone',
      sources: [gateway, located('checkHost', 'down-for-everyone', 7, 0), located('globalping', 'down-for-everyone', 4, 1)],
      agreeing: ['checkHost', 'globalping'],
      disagreeing: [],
    });
    expect(line).not.toBeNull();
    expect(agreementText(line!, render)).toBe('check-host.net and Globalping agree: down from 11 of 12 places.');
  });

  it('up from everywhere, and three names joined', () => {
    const line = agreementLine({
      verdict: 'up-elsewhere',
      sources: [located('checkHost', 'up-elsewhere', 0, 7), located('globalping', 'up-elsewhere', 0, 5), located('custom', 'up-elsewhere', 0, 2)],
      agreeing: ['checkHost', 'globalping', 'custom'],
      disagreeing: [],
    });
    expect(agreementText(line!, render)).toBe('check-host.net and Globalping and your own checker agree: up from 14 of 14 places.'.replace('your own checker', render({ key: 'providerCustom' })));
  });

  it('they disagree: says so with the places each way', () => {
    const line = agreementLine({
      verdict: 'partial',
      sources: [located('checkHost', 'down-for-everyone', 7, 0), located('globalping', 'up-elsewhere', 0, 5)],
      agreeing: [],
      disagreeing: ['checkHost', 'globalping'],
    });
    expect(agreementText(line!, render)).toBe('check-host.net and Globalping disagree: 7 see it down, 5 see it up.');
  });

  it('one deciding source, or a report from before this field: no line', () => {
    expect(agreementLine({ verdict: 'down-for-everyone', sources: [located('checkHost', 'down-for-everyone', 7, 0)], agreeing: ['checkHost'], disagreeing: [] })).toBeNull();
    expect(agreementLine({ verdict: 'down-for-everyone', sources: [located('checkHost', 'down-for-everyone', 7, 0), located('globalping', 'down-for-everyone', 5, 0)] })).toBeNull();
  });
});

describe("one view model: the browser's own facts", () => {
  const withFacts = (overrides: Partial<Incident>, r: StatusReport | null = null, check: Partial<StatusFacts> = {}) =>
    buildIncidentView(
      {
        incident: incident(overrides),
        tab: TAB,
        now: NOW,
        maxVisibleRetries: 5,
        check: { report: r, checking: false, autoCheck: true, privateHost: false, ...check },
        siteDomain: 'example.com',
        browser: FACTS,
      },
      render,
    );

  it('cookie-only failure: popup fact, guide, summary and notification all name the cookies', () => {
    const view = withFacts({ cookieless: { result: 'normal', code: 200, at: NOW - 1_000, confirmedAt: NOW - 500 } });
    expect(view.localFacts).toEqual([{ id: 'cookies', text: { key: 'factCookies', subs: ['shop.example.com'] } }]);
    expect(view.guide?.guide.side).toBe('likely-you');
    expect(view.guide?.guide.summary).toEqual({ key: 'guideSideCookies', subs: ['shop.example.com'] });
    expect(view.guide?.guide.steps[0]!.id).toBe('cookies');
    expect(view.notification?.verdict).toEqual({ key: 'notifCookiesLine', subs: ['shop.example.com'] });
    // Even a "down for everyone" from elsewhere does not outrank the site answering this browser.
    const down = withFacts({ cookieless: { result: 'normal', code: 200, at: NOW - 1_000, confirmedAt: NOW - 500 } }, report('down-for-everyone'));
    expect(down.notification?.verdict?.key).toBe('notifCookiesLine');
    expect(down.guide?.guide.steps[0]!.id).toBe('cookies');
    expect(down.checkFirst).toBe(false);
    // Not yet confirmed by a failure with cookies after it (the site may simply be back): nothing said.
    const early = withFacts({ cookieless: { result: 'normal', code: 200, at: NOW - 1_000 } });
    expect(early.localFacts).toEqual([]);
    expect(early.notification?.verdict).toBeUndefined();
    // The same failure without cookies: no cookie fact.
    expect(withFacts({ cookieless: { result: 'gateway-error', code: 502, at: NOW } }).localFacts).toEqual([]);
    expect(withFacts({ cookieless: { result: 'challenge', code: 403, at: NOW } }).localFacts).toEqual([]);
  });

  it("private server address behind a public-looking name: the status panel says why no outside check was made", () => {
    const view = withFacts({ host: 'wiki.example.com', connection: { ip: '10.20.30.40' } });
    expect(view.localFacts.map((f) => f.id)).toEqual(['intranet']);
    expect(view.localFacts[0]!.text).toEqual({ key: 'factIntranet', subs: ['wiki.example.com', '10.20.30.40'] });
    expect(view.check?.privateHost).toBe(true);
    expect(view.check?.privateNote).toEqual({ key: 'popupStatusIntranet', subs: ['wiki.example.com', '10.20.30.40'] });
    expect(view.guide?.guide.steps.map((s) => s.id)).not.toContain('down-for-everyone');
    expect(view.guide?.archiveOffered).toBe(false);
    // A report stored for that name before says nothing about the intranet site: not in the popup, the guide or
    // the notification.
    const stale = withFacts({ connection: { ip: '10.20.30.40' } }, report('down-for-everyone'));
    expect(stale.check?.verdict).toBeNull();
    expect(stale.notification?.verdict).toBeUndefined();
    expect(stale.guide?.guide.side).not.toBe('site');
    expect(stale.checkFirst).toBe(false);
    // A public address: nothing of the kind.
    const open = withFacts({ connection: { ip: '93.184.216.34' } });
    expect(open.localFacts).toEqual([]);
    expect(open.check?.privateNote).toBeNull();
  });

  it('a connection through a proxy (Firefox): fact, proxy step, and the proxy advice in the popup and notification', () => {
    const view = withFacts(
      { gateway: { server: 'squid/5.7' }, connection: { ip: '10.0.0.1', proxy: { type: 'http', host: 'proxy.corp.example', port: 3128 } } },
      report('up-elsewhere'),
    );
    // Through a proxy, the ip is the proxy's: it makes no intranet site.
    expect(view.localFacts.map((f) => f.id)).toEqual(['proxy']);
    expect(view.localFacts[0]!.text).toEqual({ key: 'factProxy', subs: ['http proxy.corp.example:3128'] });
    expect(view.guide?.guide.side).toBe('likely-you');
    // Without the refresh step, which is the popup's "Retry now" (issue 14).
    expect(view.guide?.guide.steps.map((s) => s.id).slice(0, 2)).toEqual(['proxy', 'other-network']);
    expect(view.whoFailed).toEqual({ key: 'popupWhoProxy', subs: ['Squid'] });
    expect(view.check?.verdict?.advice.key).toBe('verdictUpAdviceProxy');
    expect(view.check?.privateHost).toBe(false);
    expect(view.notification?.verdict?.key).toBe('verdictUpLine');
  });

  it("Chromium behind a proxy whose own error page answered: the address is the proxy's, not an intranet site's", () => {
    // Chromium gives no proxyInfo; squid's own error page (its `X-Squid-Error`, kept as `ownError`) names the proxy.
    const squid = { server: 'squid/5.7', via: '1.1 proxy.corp.example (squid/5.7)', party: 'squid', ownError: 'ERR_CONNECT_FAIL 111' };
    const view = withFacts({ gateway: squid, connection: { ip: '10.0.0.1' } });
    expect(view.localFacts).toEqual([]);
    expect(view.check?.privateHost).toBe(false);
    expect(view.guide?.guide.steps.map((s) => s.id)).toContain('proxy');
    // The status check is offered (not an intranet site), in the first view, so the guide does not repeat its button.
    expect(view.checkInFirstView).toBe(true);
    expect(view.guide?.guide.steps.map((s) => s.id)).not.toContain('down-for-everyone');
    // The notification names the same proxy as the popup's evidence and the report, before any verdict came.
    expect(view.notification?.verdict).toEqual({ key: 'notifProxyLine', subs: ['Squid'] });
    expect(view.guide?.guide.summary.key).toBe('guideSideProxy');
    // Once a verdict came, the verdict line speaks instead (the same line the popup shows).
    const up = withFacts({ gateway: squid, connection: { ip: '10.0.0.1' } }, report('up-elsewhere'));
    expect(up.notification?.verdict?.key).not.toBe('notifProxyLine');
  });

  it("nginx's own 502: no proxy line in the notification", () => {
    const view = withFacts({ gateway: { server: 'nginx' }, connection: { ip: '93.184.216.34' } });
    expect(view.notification?.verdict).toBeUndefined();
  });

  it('up elsewhere at addresses in other networks: the address fact, with the caveat, and DNS early', () => {
    const r: StatusReport = {
      ...report('up-elsewhere'),
      sources: [{ provider: 'checkHost', verdict: 'up-elsewhere', evidence: { key: 'evidenceLocationsUp', subs: ['7', '7'] }, checkedAt: NOW - 5_000, addresses: ['104.18.32.7', '172.64.155.249'] }],
    };
    const view = withFacts({ gateway: { server: 'nginx' }, connection: { ip: '93.184.216.34' } }, r);
    expect(view.localFacts).toEqual([{ id: 'address', text: { key: 'factAddressElsewhere', subs: ['93.184.216.34', '104.18.32.7, 172.64.155.249'] } }]);
    expect(view.guide?.guide.side).toBe('likely-you');
    // The refresh step is the popup's "Retry now" (issue 14): DNS is the first step left.
    expect(view.guide?.guide.steps[0]!.id).toBe('dns');
    // The notification does not say "your network works" against that evidence.
    expect(view.notification?.verdict?.key).toBe('verdictUpLine');
    expect(view.check?.verdict?.advice.key).toBe('verdictUpAdvice');
    // The same /24 as an outside location: no claim (a CDN answers from many addresses).
    const near = withFacts({ gateway: { server: 'nginx' }, connection: { ip: '104.18.32.99' } }, r);
    expect(near.localFacts).toEqual([]);
    expect(near.guide?.guide.side).toBe('likely-site');
  });
});
