/**
 * Squatting (issue 15): a status page guessed on a name the site does not control (`<name>status.com`,
 * `<name>.statuspage.io`) is only a pointer. When its `page.url` names the site (https on the site's registrable
 * domain), the same vendor path is asked again at that origin, and only that second answer counts (verdict, remembered
 * page, link), if it names the site too; what the guessed name answers never counts. A status page alone never makes
 * "down for everyone". Driven with real answers (test/fixtures/status-pages/, sources in its SOURCES.md) served at the
 * addresses the templates guess.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/settings/settings';
import { verdictHeadline } from '../../src/status/describe-status';
import { loadPublicSuffixList } from '../../src/status/host';
import type { HttpClient, HttpResult } from '../../src/status/http';
import { namesSite, statusPageOrigin } from '../../src/status/pinning';
import type { ProviderContext, StatusPageRef, StatusQuery } from '../../src/status/provider';
import { statusPageProvider } from '../../src/status/providers/status-page';
import { combineReport, isReportedOnly, type SourceReport } from '../../src/status/verdict';

const DIR = join(__dirname, '../fixtures/status-pages');
const capture = (file: string): unknown => JSON.parse(readFileSync(join(DIR, file), 'utf8'));

/** githubstatus.com during the 2020-04-02 outage: indicator `major`; its `page.url` is `https://www.githubstatus.com`. */
const GITHUB_MAJOR = capture('github-2020-04-02-major-investigating.json');
/** status.claude.com, all operational; `page.url` `https://status.claude.com`. */
const CLAUDE = capture('claude-2026-09-04-operational.trimmed.json');
/** Manychat's Instatus page, `UP` with an open incident; `page.url` `https://status.manychat.com`. */
const MANYCHAT = capture('manychat-instatus-2026-08-03-up-with-incident.json');

const notFound: HttpResult = { ok: false, status: 404, reason: { code: 'http-error', detail: 'HTTP 404' } };

/** The guesses on names the site does not control, alone: `status.{domain}` does not answer for the pointed page first. */
const ONLY_STATUSPAGE_IO = ['https://{name}.statuspage.io'];
const ONLY_NAME_STATUS = ['https://{name}status.com'];

/** `json` with its `page.url` replaced: what a squatter writes. */
function withPageUrl(json: unknown, url: string): unknown {
  const j = json as { page: Record<string, unknown> };
  return { ...j, page: { ...j.page, url } };
}

/**
 * Runs the status-page provider for `host`; `answers` maps URLs to JSON (any other URL answers 404, or the
 * {@link HttpResult} given in `failures`). `templates` defaults to the default templates.
 */
async function lookUp(
  host: string,
  answers: Record<string, unknown>,
  known?: StatusPageRef | null,
  opts: { templates?: string[]; failures?: Record<string, HttpResult> } = {},
) {
  const urls: string[] = [];
  /** The `configured` option each URL was asked with. */
  const configured = new Map<string, boolean | undefined>();
  const remembered = new Map<string, StatusPageRef | null>();
  const http: HttpClient = {
    getJson: async (url, _signal, options) => {
      urls.push(url);
      configured.set(url, options?.configured);
      if (Object.hasOwn(answers, url)) return { ok: true, status: 200, json: answers[url] };
      return opts.failures?.[url] ?? notFound;
    },
    postJson: async () => notFound,
  };
  const ctx: ProviderContext = {
    http,
    now: () => 0,
    sleep: async () => undefined,
    signal: new AbortController().signal,
    settings:
      opts.templates === undefined
        ? DEFAULT_SETTINGS
        : { ...DEFAULT_SETTINGS, statusEndpoints: { ...DEFAULT_SETTINGS.statusEndpoints, statusPageTemplates: opts.templates } },
    statusPages: { get: () => known, remember: (d, p) => void remembered.set(d, p) },
  };
  const query: StatusQuery = { host, origin: `https://${host}`, code: 502 };
  const { report } = await statusPageProvider.check(query, ctx);
  return { report, urls, configured, remembered };
}

beforeAll(() => loadPublicSuffixList());

describe('a status page on a name the site does not control is only a pointer to the site\'s own origin', () => {
  it("a squatter's examplestatus.com serving GitHub's real major outage changes nothing for example.com, and nothing more is asked", async () => {
    const { report, urls, remembered } = await lookUp('www.example.com', { 'https://examplestatus.com/api/v2/summary.json': GITHUB_MAJOR });
    expect(urls).toContain('https://examplestatus.com/api/v2/summary.json');
    // Its page.url names another site: no second request anywhere, only the candidates' own paths.
    expect(urls.filter((u) => !/^https:\/\/(status\.example\.com|examplestatus\.com|example\.statuspage\.io)\//.test(u))).toEqual([]);
    // Dropped: no vote, no link, and not remembered as the site's page.
    expect(report).toMatchObject({ provider: 'statusPage', verdict: 'unknown', reason: { code: 'no-status-page' } });
    expect(report.reason?.detail).toContain('does not name example.com');
    expect(report.link).toBeUndefined();
    expect(remembered.get('example.com')).toBeNull();
    // The verdict is what it is without the page.
    const gateway: SourceReport = { provider: 'gateway', verdict: 'unknown', evidence: { key: 'evidenceCannotTell' }, checkedAt: 0 };
    expect(combineReport([gateway, report]).verdict).toBe(combineReport([gateway]).verdict);
  });

  it('the same squatted page at example.statuspage.io is dropped too', async () => {
    const { report } = await lookUp('www.example.com', { 'https://example.statuspage.io/api/v2/summary.json': GITHUB_MAJOR });
    expect(report.verdict).toBe('unknown');
    expect(report.link).toBeUndefined();
  });

  it("GitHub's own page at githubstatus.com does not name github.com (its page.url is www.githubstatus.com): dropped, the rule's cost", async () => {
    const { report } = await lookUp('api.github.com', { 'https://githubstatus.com/api/v2/summary.json': GITHUB_MAJOR });
    expect(report.verdict).toBe('unknown');
    expect(namesSite('https://www.githubstatus.com', 'github.com')).toBe(false);
  });

  it('a forged page.url that names the site ("https://github.com") whose origin does not answer: dropped, the forgery counts for nothing', async () => {
    const forged = withPageUrl(GITHUB_MAJOR, 'https://github.com');
    const { report, urls, configured, remembered } = await lookUp('api.github.com', { 'https://githubstatus.com/api/v2/summary.json': forged });
    // The pointer was followed to the site's own origin, as a guess (no private address, no redirect off the domain)...
    expect(urls).toContain('https://github.com/api/v2/summary.json');
    expect(configured.get('https://github.com/api/v2/summary.json')).toBe(false);
    // ...which has no status page there: no vote, no link, remembered as none.
    expect(report).toMatchObject({ verdict: 'unknown', reason: { code: 'no-status-page' } });
    expect(report.reason?.detail).toContain('githubstatus.com points to github.com');
    expect(report.link).toBeUndefined();
    expect(remembered.get('github.com')).toBeNull();
  });

  it('a forged page.url whose origin cannot be reached (no such host): dropped as "no status page here"', async () => {
    const forged = withPageUrl(GITHUB_MAJOR, 'https://status-nowhere.github.com/');
    const network: HttpResult = { ok: false, reason: { code: 'network', detail: 'getaddrinfo ENOTFOUND status-nowhere.github.com' } };
    const { report, urls, remembered } = await lookUp('api.github.com', { 'https://githubstatus.com/api/v2/summary.json': forged }, undefined, {
      failures: { 'https://status-nowhere.github.com/api/v2/summary.json': network },
    });
    expect(urls).toContain('https://status-nowhere.github.com/api/v2/summary.json');
    expect(report).toMatchObject({ verdict: 'unknown', reason: { code: 'no-status-page' } });
    expect(report.reason?.detail).toContain('ENOTFOUND');
    expect(report.link).toBeUndefined();
    expect(remembered.get('github.com')).toBeNull();
  });

  it('a pointed origin that says "ask again later" (503): no vote, no link, and "none" is not remembered', async () => {
    const forged = withPageUrl(GITHUB_MAJOR, 'https://www.githubstatus.com.github.com');
    const busy: HttpResult = { ok: false, status: 503, reason: { code: 'http-error', detail: 'HTTP 503' } };
    const { report, remembered } = await lookUp('api.github.com', { 'https://githubstatus.com/api/v2/summary.json': forged }, undefined, {
      templates: ONLY_NAME_STATUS,
      failures: { 'https://www.githubstatus.com.github.com/api/v2/summary.json': busy },
    });
    expect(report).toMatchObject({ verdict: 'unknown', reason: { code: 'http-error' } });
    expect(report.link).toBeUndefined();
    expect(remembered.has('github.com')).toBe(false);
  });

  it("Claude's real page at claude.statuspage.io names status.claude.com: asked again there, that answer counts and is the link", async () => {
    const { report, urls, configured, remembered } = await lookUp(
      'claude.com',
      { 'https://claude.statuspage.io/api/v2/summary.json': CLAUDE, 'https://status.claude.com/api/v2/summary.json': CLAUDE },
      undefined,
      { templates: ONLY_STATUSPAGE_IO },
    );
    // One extra request, and only because the guess answered and named the site.
    expect(urls).toEqual(['https://claude.statuspage.io/api/v2/summary.json', 'https://status.claude.com/api/v2/summary.json']);
    expect(configured.get('https://status.claude.com/api/v2/summary.json')).toBe(false);
    // All operational: no vote either way, but found, at the site's own origin.
    expect(report).toMatchObject({ verdict: 'unknown', reason: { code: 'no-signal' }, link: 'https://status.claude.com' });
    expect(report.evidence?.subs).toEqual(['status.claude.com']);
    expect(remembered.get('claude.com')).toEqual({ base: 'https://status.claude.com', vendor: 'statuspage', via: 'https://claude.statuspage.io' });
  });

  it("the guess's own state never counts: a squatted major outage pointing to Claude's real page reads as Claude's page says", async () => {
    const forged = withPageUrl(GITHUB_MAJOR, 'https://status.claude.com');
    const { report } = await lookUp(
      'claude.com',
      { 'https://claude.statuspage.io/api/v2/summary.json': forged, 'https://status.claude.com/api/v2/summary.json': CLAUDE },
      undefined,
      { templates: ONLY_STATUSPAGE_IO },
    );
    expect(report).toMatchObject({ verdict: 'unknown', reason: { code: 'no-signal' }, link: 'https://status.claude.com' });
  });

  it('a second answer that names another site is dropped: the pointed origin must name the site too', async () => {
    const { report, urls, remembered } = await lookUp(
      'claude.com',
      { 'https://claude.statuspage.io/api/v2/summary.json': CLAUDE, 'https://status.claude.com/api/v2/summary.json': GITHUB_MAJOR },
      undefined,
      { templates: ONLY_STATUSPAGE_IO },
    );
    expect(urls).toContain('https://status.claude.com/api/v2/summary.json');
    expect(report).toMatchObject({ verdict: 'unknown', reason: { code: 'no-status-page' } });
    expect(report.reason?.detail).toContain('does not name claude.com');
    expect(report.link).toBeUndefined();
    expect(remembered.get('claude.com')).toBeNull();
  });

  it("Manychat's real Instatus answer at manychatstatus.com points to status.manychat.com: its open incident counts from there", async () => {
    const { report, urls } = await lookUp(
      'app.manychat.com',
      { 'https://manychatstatus.com/summary.json': MANYCHAT, 'https://status.manychat.com/summary.json': MANYCHAT },
      undefined,
      { templates: ONLY_NAME_STATUS },
    );
    // The same vendor's path (Instatus), asked again at the named origin.
    expect(urls).toContain('https://status.manychat.com/summary.json');
    expect(report.verdict).toBe('partial');
    expect(report.link).toBe('https://status.manychat.com');
  });

  it('the same Manychat answer with nothing at status.manychat.com is dropped: the guessed name alone counts for nothing', async () => {
    const { report } = await lookUp('app.manychat.com', { 'https://manychatstatus.com/summary.json': MANYCHAT }, undefined, { templates: ONLY_NAME_STATUS });
    expect(report.verdict).toBe('unknown');
    expect(report.link).toBeUndefined();
  });

  it('a remembered page is read under the same rule: one that stopped naming the site is dropped', async () => {
    const { report } = await lookUp('www.example.com', { 'https://examplestatus.com/api/v2/summary.json': GITHUB_MAJOR }, { base: 'https://examplestatus.com', vendor: 'statuspage' });
    expect(report.verdict).toBe('unknown');
    expect(report.link).toBeUndefined();
  });

  it('a remembered guess without the site\'s origin (stored before this rule) is followed to that origin, never counted itself', async () => {
    const forged = withPageUrl(GITHUB_MAJOR, 'https://status.claude.com');
    const { report, urls } = await lookUp(
      'claude.com',
      { 'https://claude.statuspage.io/api/v2/summary.json': forged, 'https://status.claude.com/api/v2/summary.json': CLAUDE },
      { base: 'https://claude.statuspage.io', vendor: 'statuspage' },
      { templates: ONLY_STATUSPAGE_IO },
    );
    expect(urls).toEqual(['https://claude.statuspage.io/api/v2/summary.json', 'https://status.claude.com/api/v2/summary.json']);
    expect(report).toMatchObject({ verdict: 'unknown', reason: { code: 'no-signal' }, link: 'https://status.claude.com' });
  });

  it("a page remembered through a guess is read again at the site's origin only, under the same rule", async () => {
    const known: StatusPageRef = { base: 'https://status.claude.com', vendor: 'statuspage', via: 'https://claude.statuspage.io' };
    const ok = await lookUp('claude.com', { 'https://status.claude.com/api/v2/summary.json': CLAUDE }, known, { templates: ONLY_STATUSPAGE_IO });
    expect(ok.urls).toEqual(['https://status.claude.com/api/v2/summary.json']);
    expect(ok.report).toMatchObject({ reason: { code: 'no-signal' }, link: 'https://status.claude.com' });

    // It stopped naming the site: dropped.
    const renamed = await lookUp('claude.com', { 'https://status.claude.com/api/v2/summary.json': GITHUB_MAJOR }, known, { templates: ONLY_STATUSPAGE_IO });
    expect(renamed.report).toMatchObject({ verdict: 'unknown', reason: { code: 'no-status-page' } });
    expect(renamed.report.link).toBeUndefined();
  });

  it('a remembered page whose guess is no longer a template, or whose origin is not on the site, is looked for again', async () => {
    const gone = await lookUp('claude.com', {}, { base: 'https://status.claude.com', vendor: 'statuspage', via: 'https://claude.statuspage.io' }, { templates: ONLY_NAME_STATUS });
    expect(gone.urls[0]).toBe('https://claudestatus.com/api/v2/summary.json');

    const elsewhere = await lookUp('claude.com', {}, { base: 'https://status.squatter.net', vendor: 'statuspage', via: 'https://claude.statuspage.io' }, { templates: ONLY_STATUSPAGE_IO });
    expect(elsewhere.urls.some((u) => u.includes('squatter'))).toBe(false);
    expect(elsewhere.urls[0]).toBe('https://claude.statuspage.io/api/v2/summary.json');
  });
});

describe('statusPageOrigin: which origin a page.url names on the site', () => {
  it('https on the registrable domain, normalised to its origin', () => {
    expect(statusPageOrigin('https://status.claude.com', 'claude.com')).toBe('https://status.claude.com');
    expect(statusPageOrigin('https://Status.Claude.COM./history?x=1', 'claude.com')).toBe('https://status.claude.com');
    expect(statusPageOrigin('https://github.com', 'github.com')).toBe('https://github.com');
  });

  it('nothing for another site, another scheme, a port, credentials or odd input', () => {
    for (const url of [
      'https://www.githubstatus.com',
      'https://claude.com.squatter.net',
      'http://status.claude.com',
      'https://status.claude.com:8443',
      'https://user:pw@status.claude.com',
      'javascript:alert(1)',
      'status.claude.com',
      '',
      42,
      undefined,
      `https://status.claude.com/${'x'.repeat(2000)}`,
    ]) {
      expect(statusPageOrigin(url, 'claude.com'), String(url).slice(0, 60)).toBeUndefined();
      expect(namesSite(url, 'claude.com')).toBe(false);
    }
  });
});

describe('status.{domain} is on the site\'s own domain and counts as it is', () => {
  it("GitHub's real major outage served at status.example.com counts for example.com, whatever its page.url", async () => {
    const { report } = await lookUp('www.example.com', { 'https://status.example.com/api/v2/summary.json': GITHUB_MAJOR });
    expect(report).toMatchObject({ verdict: 'down-for-everyone', link: 'https://status.example.com' });
  });
});

describe('a status page alone never makes "down for everyone"', () => {
  it('its real major outage alone: the site reports an incident (partial), worded so', async () => {
    const { report } = await lookUp('www.example.com', { 'https://status.example.com/api/v2/summary.json': GITHUB_MAJOR });
    const checkHost: SourceReport = { provider: 'checkHost', verdict: 'unknown', evidence: { key: 'reason_timeout' }, checkedAt: 0 };
    const alone = combineReport([checkHost, report]);
    expect(alone).toEqual({ verdict: 'partial', agreeing: ['statusPage'], disagreeing: [] });
    const stored = { verdict: alone.verdict, sources: [checkHost, report], agreeing: alone.agreeing };
    expect(isReportedOnly(stored)).toBe(true);
    expect(verdictHeadline(stored)).toEqual({ key: 'verdictSiteReports' });

    // With an outside check agreeing, it is down for everyone.
    const down: SourceReport = { provider: 'checkHost', verdict: 'down-for-everyone', evidence: { key: 'evidenceLocationsDown' }, checkedAt: 0 };
    const confirmed = combineReport([down, report]);
    expect(confirmed.verdict).toBe('down-for-everyone');
    expect(verdictHeadline({ verdict: confirmed.verdict, sources: [down, report], agreeing: confirmed.agreeing })).toEqual({ key: 'verdictDown' });
  });
});
