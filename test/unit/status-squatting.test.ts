/**
 * Squatting (issue 15): a status page guessed on a name the site does not control (`<name>status.com`,
 * `<name>.statuspage.io`) counts only if it names the site (its `page.url` on the site's registrable domain); a status
 * page alone never makes "down for everyone". Driven with real answers (test/fixtures/status-pages/, sources in its
 * SOURCES.md) served at the addresses the default templates guess.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/settings/settings';
import { verdictHeadline } from '../../src/status/describe-status';
import { loadPublicSuffixList } from '../../src/status/host';
import type { HttpClient, HttpResult } from '../../src/status/http';
import { namesSite } from '../../src/status/pinning';
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

/** Runs the status-page provider for `host` with the default templates; `answers` maps URLs to JSON. */
async function lookUp(host: string, answers: Record<string, unknown>, known?: StatusPageRef | null) {
  const urls: string[] = [];
  const remembered = new Map<string, StatusPageRef | null>();
  const http: HttpClient = {
    getJson: async (url) => {
      urls.push(url);
      return Object.hasOwn(answers, url) ? { ok: true, status: 200, json: answers[url] } : notFound;
    },
    postJson: async () => notFound,
  };
  const ctx: ProviderContext = {
    http,
    now: () => 0,
    sleep: async () => undefined,
    signal: new AbortController().signal,
    settings: DEFAULT_SETTINGS,
    statusPages: { get: () => known, remember: (d, p) => void remembered.set(d, p) },
  };
  const query: StatusQuery = { host, origin: `https://${host}`, code: 502 };
  const { report } = await statusPageProvider.check(query, ctx);
  return { report, urls, remembered };
}

beforeAll(() => loadPublicSuffixList());

describe('a status page on a name the site does not control counts only if it names the site', () => {
  it("a squatter's examplestatus.com serving GitHub's real major outage changes nothing for example.com", async () => {
    const { report, urls, remembered } = await lookUp('www.example.com', { 'https://examplestatus.com/api/v2/summary.json': GITHUB_MAJOR });
    expect(urls).toContain('https://examplestatus.com/api/v2/summary.json');
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

  it("a page at claude.statuspage.io whose page.url is status.claude.com names claude.com: it counts, and its link is the guessed address", async () => {
    const { report, remembered } = await lookUp('claude.com', { 'https://claude.statuspage.io/api/v2/summary.json': CLAUDE });
    // All operational: no vote either way, but found.
    expect(report).toMatchObject({ verdict: 'unknown', reason: { code: 'no-signal' }, link: 'https://claude.statuspage.io' });
    expect(remembered.get('claude.com')).toEqual({ base: 'https://claude.statuspage.io', vendor: 'statuspage' });
  });

  it("Manychat's real Instatus answer at manychatstatus.com names manychat.com: its open incident counts", async () => {
    const { report } = await lookUp('app.manychat.com', { 'https://manychatstatus.com/summary.json': MANYCHAT });
    expect(report.verdict).toBe('partial');
    expect(report.link).toBe('https://manychatstatus.com');
  });

  it("a remembered page is read under the same rule: one that stopped naming the site is dropped", async () => {
    const { report } = await lookUp('www.example.com', { 'https://examplestatus.com/api/v2/summary.json': GITHUB_MAJOR }, { base: 'https://examplestatus.com', vendor: 'statuspage' });
    expect(report.verdict).toBe('unknown');
    expect(report.link).toBeUndefined();
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
