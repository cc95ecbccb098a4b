/**
 * axe-core over every page of the built extension, in real Chromium and real Firefox, in the light and the dark
 * theme: the popup for a tab that got a real nginx 502 (before and after "Check now" filled in the verdict) and for
 * a tab with nothing wrong, the options page (also with a field's error shown) and the onboarding page (also after a
 * choice). Then, in the light theme, the popup in every other state a user can bring it to: watch mode, the step
 * list unfolded, the cookie confirmation, the DNS step with its commands, the report unfolded, a failed form and its
 * re-send warning, and back. A violation of impact "serious" or "critical" fails the test; lesser ones are printed for
 * the record.
 */
import axe from 'axe-core';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getMessage } from '../locale';
import { launchDriver, NEWS_HOST, openMore, SHOP_HOST, STATUS_HOST, waitForText, type BrowserName, type ColorScheme, type Driver, type TabPage } from './driver';
import { startGateway, type Gateway } from '../lab/gateway';
import { allDown, startCheckHost, startStatusPage, stopAll, type CheckHostStandIn, type StatusPageStandIn } from '../lab/status-standins';
import { statusPageCertificate } from '../lab/tls';
import { pageWithPostForm, startUpstream, UPSTREAM_OK_MARKER, type Upstream } from '../lab/upstream';
import { waitFor } from '../lab/wait';

const BROWSERS: BrowserName[] = ['chromium', 'firefox'];
const SCHEMES: ColorScheme[] = ['light', 'dark'];
const FAILING_IMPACTS: ReadonlySet<string> = new Set(['serious', 'critical']);

/** What the page sends back from `axe.run`: only what a report needs (results hold no DOM nodes, but are large). */
interface Finding {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: string[]; summary: string }[];
}

/** Every finding of every page, for the summary printed at the end. */
const seen: string[] = [];
const timings: Record<string, number> = {};

/** Injects axe-core into the page and runs every rule it has on by default (WCAG 2.x A and AA, best practices). */
async function audit(page: TabPage): Promise<Finding[]> {
  const already = await page.evaluate(() => 'axe' in globalThis, null);
  if (!already) await page.runScript(axe.source);
  return page.evaluate(async () => {
    const g = globalThis as unknown as { axe: typeof axe };
    const results = await g.axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String), summary: n.failureSummary ?? '' })),
    }));
  }, null);
}

function describeFinding(f: Finding): string {
  const nodes = f.nodes.map((n) => `    ${n.target.join(' ')}\n      ${n.summary.replaceAll('\n', '\n      ')}`).join('\n');
  return `  [${f.impact}] ${f.id}: ${f.help} (${f.helpUrl})\n${nodes}`;
}

/**
 * Audits `page` and records what it found under `label`; returns the report of its serious or critical violations
 * (empty when there are none). Collected rather than asserted at once, so one run reports every page.
 */
async function auditPage(page: TabPage, label: string): Promise<string> {
  const findings = await audit(page);
  for (const f of findings) seen.push(`${label}: [${f.impact}] ${f.id} at ${f.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  const failing = findings.filter((f) => f.impact !== null && FAILING_IMPACTS.has(f.impact));
  return failing.length === 0 ? '' : `${label}:\n${failing.map(describeFinding).join('\n')}`;
}

/** The page really is in `scheme`: the media query answers it, and the page's colours follow. */
async function expectScheme(page: TabPage, scheme: ColorScheme): Promise<void> {
  const got = await page.evaluate(() => {
    const dark = matchMedia('(prefers-color-scheme: dark)').matches;
    const [r, g, b] = (getComputedStyle(document.body).backgroundColor.match(/\d+/g) ?? []).map(Number);
    return { dark, luminance: ((r ?? 0) + (g ?? 0) + (b ?? 0)) / 3 };
  }, null);
  expect(got.dark).toBe(scheme === 'dark');
  if (scheme === 'dark') expect(got.luminance).toBeLessThan(80);
  else expect(got.luminance).toBeGreaterThan(200);
}

describe.each(BROWSERS)('%s: axe-core finds no serious or critical violation', (browserName) => {
  let upstream: Upstream;
  let fine: Upstream;
  let gateway: Gateway;
  let checkHost: CheckHostStandIn;
  let statusPage: StatusPageStandIn;
  let driver: Driver | undefined;

  beforeEach(async () => {
    upstream = await startUpstream();
    gateway = await startGateway({ upstreamPort: upstream.port });
    // A second site that works, on its own host, so its tab has nothing to do with the failing site's incident.
    fine = await startUpstream();
    checkHost = await startCheckHost({ nodes: allDown(502, 7) });
    statusPage = await startStatusPage({ vendor: 'statuspage', state: 'major', name: 'Example', tls: statusPageCertificate() });
  });
  afterEach(async () => {
    await driver?.close();
    driver = undefined;
    await stopAll(checkHost, statusPage);
    await gateway?.stop();
    await upstream?.close();
    await fine?.close();
  });

  it.each(SCHEMES)('%s theme: popup (502, with and without a verdict; nothing wrong), options, onboarding', async (scheme) => {
    const startedAt = Date.now();
    const d = (driver = await launchDriver(browserName, { colorScheme: scheme, hosts: [SHOP_HOST, NEWS_HOST, STATUS_HOST], serverAddress: 'public' }));
    await d.setSettings({
      // One measuring source is what this page is tested with; Globalping's stand-in lives in status.e2e.ts.
      statusProviders: { globalping: false },
      statusEndpoints: {
        checkHost: checkHost.baseUrl,
        statusPageTemplates: [`https://status.{domain}:${statusPage.port}`],
        checkHostNodes: 7,
      },
    });
    const label = (page: string) => `${browserName} ${scheme} ${page}`;
    const failures: string[] = [];

    const fineUrl = `http://${NEWS_HOST}:${fine.port}/fine`;
    await d.openTab(fineUrl);
    const fineTabId = await d.tabIdOf(fineUrl);

    await upstream.setDown();
    const brokenUrl = `http://${SHOP_HOST}:${gateway.port}/broken`;
    await d.openTab(brokenUrl);
    const brokenTabId = await d.tabIdOf(brokenUrl);
    await waitFor(async () => (await d.state()).incidents.length === 1, { timeoutMs: 5_000, message: 'the incident' });

    const popup = await d.openExtensionPage(`extension/popup/index.html?tabId=${brokenTabId}`);
    await waitForText(popup, getMessage('popupStatusCheckNow'), 10_000);
    await expectScheme(popup, scheme);
    failures.push(await auditPage(popup, label('popup, 502 retrying')));
    // Its folded details, unfolded (issue 14's first view folds the guide, the actions past the main one, the evidence).
    await openMore(popup);
    failures.push(await auditPage(popup, label('popup, 502 retrying, details unfolded')));

    // "Check now" fills in the verdict with its evidence and links to the providers' reports.
    await popup.click('[data-testid="check-now"]');
    await waitForText(popup, getMessage('verdictDown'), 25_000);
    failures.push(await auditPage(popup, label('popup, 502 with verdict')));
    await popup.close();

    const quiet = await d.openExtensionPage(`extension/popup/index.html?tabId=${fineTabId}`);
    await waitForText(quiet, getMessage('popupNothing'), 10_000);
    await expectScheme(quiet, scheme);
    failures.push(await auditPage(quiet, label('popup, nothing wrong')));
    await quiet.close();

    const options = await d.openExtensionPage('extension/options/index.html');
    await waitForText(options, getMessage('optionsRecoverySection'), 10_000);
    await expectScheme(options, scheme);
    failures.push(await auditPage(options, label('options')));
    // An error shown next to a field (role="alert", aria-invalid, aria-describedby) is part of the page too.
    await options.click('[data-testid="custom-save"]');
    await waitForText(options, getMessage('optionsCustomEmpty'), 5_000);
    failures.push(await auditPage(options, label('options, with an error')));
    await options.close();

    const onboarding = await d.openExtensionPage('extension/onboarding/index.html');
    await waitForText(onboarding, getMessage('consentAccept'), 10_000);
    await expectScheme(onboarding, scheme);
    failures.push(await auditPage(onboarding, label('onboarding')));
    await onboarding.click('[data-testid="consent-decline"]');
    await waitForText(onboarding, getMessage('onboardingChoseOff'), 5_000);
    failures.push(await auditPage(onboarding, label('onboarding, after "Not now"')));
    await onboarding.close();

    expect(failures.filter((f) => f !== '').join('\n\n'), 'serious or critical axe-core violations').toBe('');

    timings[`${browserName} ${scheme}`] = Date.now() - startedAt;
  });
});

describe.each(BROWSERS)('%s: axe-core over the popup in every state a user can bring it to', (browserName) => {
  let upstream: Upstream;
  let gateway: Gateway;
  let driver: Driver | undefined;
  beforeEach(async () => {
    upstream = await startUpstream();
    gateway = await startGateway({ upstreamPort: upstream.port });
  });
  afterEach(async () => {
    await driver?.close();
    driver = undefined;
    await gateway?.stop();
    await upstream?.close();
  });

  it('watch mode, the step list, the cookie confirmation, DNS, the report, a failed form and its warning, back', async () => {
    const d = (driver = await launchDriver(browserName));
    await d.setSettings({ maxVisibleRetries: 1 });
    const label = (state: string) => `${browserName} popup, ${state}`;
    const failures: string[] = [];
    const url = (path: string) => `http://${SHOP_HOST}:${gateway.port}${path}`;
    const step = (popup: TabPage, id: string) =>
      waitFor(() => popup.evaluate((s) => document.querySelector(`[data-testid="guide-step"][data-step="${s}"]`) !== null, id), { timeoutMs: 5_000, message: `step ${id}` });

    // A form whose answer is a 502: explained, and the warning before sending it again.
    upstream.route('/form', pageWithPostForm('/order', { item: 'widget' }));
    const formTab = await d.openTab(url('/form'));
    await waitForText(formTab, UPSTREAM_OK_MARKER);
    await upstream.setDown();
    await formTab.click('#submit');
    await waitForText(formTab, '502 Bad Gateway');
    const form = await d.openExtensionPage(`extension/popup/index.html?tabId=${await d.tabIdOf(url('/order'))}`);
    await waitForText(form, getMessage('guideFormCheckTitle'), 10_000);
    await form.click('[data-testid="form-check-first"]');
    failures.push(await auditPage(form, label('a failed form: did it go through?')));
    await form.click('[data-testid="helped-no"]');
    await step(form, 'resend-form');
    await form.click('[data-testid="action-resend-form"]');
    await waitForText(form, getMessage('popupResendConfirmButton'), 5_000);
    failures.push(await auditPage(form, label('the re-send warning')));
    await form.close();

    // A page that keeps failing: after 1 visible retry, watch mode.
    const tab = await d.openTab(url('/watch'));
    await waitForText(tab, '502 Bad Gateway');
    await waitFor(async () => (await d.state()).incidents.some((i) => i.url.endsWith('/watch') && i.phase === 'watching'), { timeoutMs: 20_000, message: 'watch mode' });
    const popup = await d.openExtensionPage(`extension/popup/index.html?tabId=${await d.tabIdOf(url('/watch'))}`);
    await waitFor(() => popup.evaluate(() => document.querySelector('[data-testid="countdown"]') !== null, null), { timeoutMs: 10_000, message: 'the next check in the headline' });
    failures.push(await auditPage(popup, label('watch mode')));
    await openMore(popup);
    await waitForText(popup, getMessage('popupPhaseWatching'), 10_000);
    failures.push(await auditPage(popup, label('watch mode, details unfolded')));
    await popup.click('[data-testid="toc"] summary');
    failures.push(await auditPage(popup, label('the step list unfolded')));
    await popup.click('[data-testid="toc-cookies"]');
    await step(popup, 'cookies');
    await popup.click('[data-testid="action-clear-cookies"]');
    await waitForText(popup, getMessage('guideCookiesConfirmButton'), 5_000);
    failures.push(await auditPage(popup, label('the cookie confirmation')));
    await popup.click('[data-testid="toc-dns"]');
    await step(popup, 'dns');
    failures.push(await auditPage(popup, label('DNS with its commands')));
    await popup.click('[data-testid="toc-tell-site"]');
    await step(popup, 'tell-site');
    await popup.click('[data-testid="guide-step"] summary');
    failures.push(await auditPage(popup, label('the report unfolded')));

    // The site is back: the popup says so.
    await upstream.setUp();
    await waitForText(tab, UPSTREAM_OK_MARKER, 30_000);
    await waitForText(popup, 'Back: reloaded after', 10_000);
    failures.push(await auditPage(popup, label('back')));

    expect(failures.filter((f) => f !== '').join('\n\n'), 'serious or critical axe-core violations').toBe('');
  });
});

afterAll(() => {
  console.log(`axe-core ${axe.version}, every violation found:\n${seen.join('\n') || '(none)'}`);
  console.log(`time per browser and theme: ${Object.entries(timings).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`).join(', ')}`);
});
