/**
 * A site's own status page, and Cloudflare's. There is no registry of status pages, so candidates are derived from
 * the registrable domain (`status.<domain>`, `<name>status.com`, `<name>.statuspage.io`) of a public site under an
 * ICANN suffix only (`statusPageDomain`: never a private host, a private-section suffix like `github.io` or `ts.net`,
 * or a wildcard-DNS name), and a candidate is accepted
 * only when it answers one vendor's documented JSON: some hosts answer any path with a cheerful catch-all page.
 * Vendors read: Atlassian Statuspage v2 `summary.json`, Instatus `summary.json`, Better Stack `index.json`.
 */
import * as v from 'valibot';
import type { EvidenceKey } from '../../shared/text';
import { statusPageDomain } from '../host';
import { describeIssue, holdAfter, isCloudflare, type ProviderContext, type StatusPageRef, type StatusPageVendor, type StatusProvider } from '../provider';
import { unknownReport, type SourceReport, type UnknownReason, type Verdict } from '../verdict';

/** What a status page says, vendor-neutral. */
type PageState = 'operational' | 'minor' | 'major' | 'maintenance';

const StatuspageSchema = v.object({
  page: v.object({ id: v.pipe(v.string(), v.minLength(1)), url: v.string() }),
  // `maintenance` is a fifth indicator real pages send, though the v2 docs list four.
  status: v.object({ indicator: v.picklist(['none', 'minor', 'major', 'critical', 'maintenance']), description: v.string() }),
});

const InstatusSchema = v.object({
  page: v.object({ name: v.string(), url: v.string(), status: v.picklist(['UP', 'HASISSUES', 'UNDERMAINTENANCE']) }),
  // Only `impact` is read; a field of another shape inside an incident does not make the page unreadable.
  activeIncidents: v.optional(v.array(v.looseObject({ impact: v.optional(v.unknown()) }))),
});

const BetterStackSchema = v.object({
  data: v.object({
    attributes: v.object({ aggregate_state: v.picklist(['operational', 'degraded', 'downtime', 'maintenance']) }),
  }),
});

/** Each vendor's endpoint under a page's base URL and its reader; `null` from a reader means "not this vendor". */
export const VENDORS: readonly { vendor: StatusPageVendor; path: string; read: (json: unknown) => PageState | { invalid: string } }[] = [
  {
    vendor: 'statuspage',
    path: '/api/v2/summary.json',
    read: (json) => {
      const r = v.safeParse(StatuspageSchema, json);
      if (!r.success) return { invalid: describeIssue(r.issues) };
      return indicatorState(r.output.status.indicator);
    },
  },
  {
    vendor: 'instatus',
    path: '/summary.json',
    read: (json) => {
      const r = v.safeParse(InstatusSchema, json);
      if (!r.success) return { invalid: describeIssue(r.issues) };
      const { status } = r.output.page;
      if (status === 'UP') return 'operational';
      if (status === 'UNDERMAINTENANCE') return 'maintenance';
      return (r.output.activeIncidents ?? []).some((x) => x.impact === 'MAJOROUTAGE') ? 'major' : 'minor';
    },
  },
  {
    vendor: 'betterstack',
    path: '/index.json',
    read: (json) => {
      const r = v.safeParse(BetterStackSchema, json);
      if (!r.success) return { invalid: describeIssue(r.issues) };
      const s = r.output.data.attributes.aggregate_state;
      return s === 'operational' ? 'operational' : s === 'degraded' ? 'minor' : s === 'downtime' ? 'major' : 'maintenance';
    },
  },
];

/** How a page state counts in the vote: a page saying "all operational" is no evidence the site is up for others. */
const STATE_VERDICT: Record<PageState, Verdict> = { operational: 'unknown', minor: 'partial', major: 'down-for-everyone', maintenance: 'down-for-everyone' };
const STATE_KEY: Record<'statusPage' | 'cdnStatus', Record<PageState, EvidenceKey>> = {
  statusPage: {
    operational: 'evidencePageOperational',
    minor: 'evidencePageMinor',
    major: 'evidencePageMajor',
    maintenance: 'evidencePageMaintenance',
  },
  cdnStatus: {
    operational: 'evidenceCdnOperational',
    minor: 'evidenceCdnMinor',
    major: 'evidenceCdnMajor',
    maintenance: 'evidenceCdnMaintenance',
  },
};

/** The report for a page in `state`; `label` names it for people (the page's host). */
export function pageReport(provider: 'statusPage' | 'cdnStatus', state: PageState, label: string, link: string, checkedAt: number): SourceReport {
  const evidence = { key: STATE_KEY[provider][state], subs: [label] };
  // Cloudflare's page speaks for Cloudflare, whose maintenance somewhere is routine: evidence for the user, no vote.
  const verdict = provider === 'cdnStatus' ? 'unknown' : STATE_VERDICT[state];
  if (verdict === 'unknown') {
    return { ...unknownReport(provider, { code: 'no-signal', detail: `page says ${state}` }, checkedAt, evidence), link };
  }
  return { provider, verdict, evidence, link, checkedAt };
}

/**
 * Candidate base URLs for `host`, in the order of the templates, or `null` when no guess may be made from it (see
 * `statusPageDomain`: `host.tail1234.ts.net` must never become `tail1234status.com`).
 */
export function statusPageCandidates(host: string, templates: readonly string[]): { domain: string; bases: string[] } | null {
  const d = statusPageDomain(host);
  if (d === null) return null;
  const bases = templates.map((t) => t.replaceAll('{domain}', d.domain).replaceAll('{name}', d.name).replace(/\/+$/, ''));
  return { domain: d.domain, bases: [...new Set(bases)] };
}

type Read =
  | { ok: true; ref: StatusPageRef; state: PageState }
  | { ok: false; reason: UnknownReason; status?: number; retryAfterMs?: number };

/**
 * True when a failed read says "no status page here": an HTTP answer that is not one (404, HTML, a catch-all, JSON
 * of another shape), or no such host. Not a timeout, a 429 or a 5xx, which say "ask again later".
 */
function saysNone(r: Read): boolean {
  if (r.ok) return false;
  if (r.reason.code === 'timeout' || r.reason.code === 'rate-limited') return false;
  return !(r.reason.code === 'http-error' && (r.status ?? 0) >= 500);
}

/** "None" found over HTTP everywhere is kept for a day (the checker's default); with a host that could not be
 * reached among the candidates (no such host, or the user's own network failing) only this long, ms. */
export const NONE_BY_NETWORK_TTL_MS = 60 * 60_000;

/** Reads one vendor endpoint of one page. */
async function readVendor(base: string, vendor: (typeof VENDORS)[number], ctx: ProviderContext): Promise<Read> {
  const res = await ctx.http.getJson(`${base}${vendor.path}`, ctx.signal);
  if (!res.ok) {
    return {
      ok: false,
      reason: res.reason,
      ...(res.status !== undefined ? { status: res.status } : {}),
      ...(res.retryAfterMs !== undefined ? { retryAfterMs: res.retryAfterMs } : {}),
    };
  }
  const state = vendor.read(res.json);
  if (typeof state === 'object') return { ok: false, reason: { code: 'invalid-answer', detail: `${vendor.vendor}: ${state.invalid}` } };
  return { ok: true, ref: { base, vendor: vendor.vendor }, state };
}

/** Tries the vendors on one candidate, one after another, and keeps the first that answers its documented shape. */
async function probeCandidate(base: string, ctx: ProviderContext): Promise<Read> {
  let last: Read = { ok: false, reason: { code: 'no-status-page', detail: `nothing at ${base}` } };
  for (const vendor of VENDORS) {
    const r = await readVendor(base, vendor, ctx);
    if (r.ok) return r;
    // Keep the most telling failure: a 404 of the next vendor's path says less than a huge or broken answer here.
    if (last.ok === false && (last.reason.code === 'no-status-page' || (last.reason.code === 'http-error' && saysNone(last)))) last = r;
    if (!saysNone(r)) return r;
  }
  return last;
}

function labelOf(base: string): string {
  try {
    return new URL(base).hostname;
  } catch {
    return base;
  }
}

export const statusPageProvider: StatusProvider = {
  id: 'statusPage',
  applies: (query, settings) => settings.statusEndpoints.statusPageTemplates.length > 0 && statusPageDomain(query.host) !== null,
  async check(query, ctx) {
    const found = statusPageCandidates(query.host, ctx.settings.statusEndpoints.statusPageTemplates);
    if (found === null) return { report: unknownReport('statusPage', { code: 'not-applicable', detail: 'no registrable domain' }, ctx.now()) };
    const known = ctx.statusPages.get(found.domain);
    if (known === null) {
      return { report: unknownReport('statusPage', { code: 'no-status-page', detail: `none found for ${found.domain}` }, ctx.now(), { key: 'evidenceNoStatusPage', subs: [found.domain] }) };
    }
    if (known !== undefined) {
      const vendor = VENDORS.find((x) => x.vendor === known.vendor)!;
      const r = await readVendor(known.base, vendor, ctx);
      if (r.ok) return { report: pageReport('statusPage', r.state, labelOf(r.ref.base), r.ref.base, ctx.now()) };
      return { report: unknownReport('statusPage', r.reason, ctx.now()) };
    }
    // Candidates in parallel (different hosts), vendors in turn on each; the first candidate in template order wins.
    const reads = await Promise.all(found.bases.map((b) => probeCandidate(b, ctx)));
    const hit = reads.find((r): r is Read & { ok: true } => r.ok);
    if (hit !== undefined) {
      ctx.statusPages.remember(found.domain, hit.ref);
      return { report: pageReport('statusPage', hit.state, labelOf(hit.ref.base), hit.ref.base, ctx.now()) };
    }
    const reasons = reads.map((r) => (r.ok ? '' : `${r.reason.code}: ${r.reason.detail}`)).join('; ');
    // "None" is remembered only when every candidate said so; a `Retry-After` of one site's candidate is not a
    // reason to hold back the status pages of every other site, so it goes no further than this check.
    if (!ctx.signal.aborted && reads.every(saysNone)) {
      const byNetwork = reads.some((r) => !r.ok && r.reason.code === 'network');
      ctx.statusPages.remember(found.domain, null, byNetwork ? NONE_BY_NETWORK_TTL_MS : undefined);
      return {
        report: unknownReport('statusPage', { code: 'no-status-page', detail: reasons }, ctx.now(), { key: 'evidenceNoStatusPage', subs: [found.domain] }),
      };
    }
    const first = reads.find((r): r is Read & { ok: false } => !r.ok && !saysNone(r));
    const code = ctx.signal.aborted ? 'timeout' : (first?.reason.code ?? 'no-status-page');
    return { report: unknownReport('statusPage', { code, detail: reasons }, ctx.now()) };
  },
};

/** Cloudflare's own status page, asked only when Cloudflare answered; its URL is fixed and reveals no site. */
export const cdnStatusProvider: StatusProvider = {
  id: 'cdnStatus',
  applies: (query) => isCloudflare(query.gateway),
  async check(_query, ctx) {
    const base = ctx.settings.statusEndpoints.cloudflareStatus;
    const r = await readVendor(base, { ...VENDORS[0]!, path: '/api/v2/status.json', read: readStatusJson }, ctx);
    if (r.ok) return { report: pageReport('cdnStatus', r.state, 'Cloudflare', base, ctx.now()) };
    return { report: unknownReport('cdnStatus', r.reason, ctx.now()), ...holdAfter(r) };
  },
};

const StatusJsonSchema = v.object({
  page: v.object({ id: v.pipe(v.string(), v.minLength(1)) }),
  status: v.object({ indicator: v.picklist(['none', 'minor', 'major', 'critical', 'maintenance']) }),
});

function indicatorState(i: 'none' | 'minor' | 'major' | 'critical' | 'maintenance'): PageState {
  if (i === 'none') return 'operational';
  if (i === 'maintenance') return 'maintenance';
  return i === 'minor' ? 'minor' : 'major';
}

/** Statuspage v2 `status.json`: the top-level indicator only. */
function readStatusJson(json: unknown): PageState | { invalid: string } {
  const r = v.safeParse(StatusJsonSchema, json);
  if (!r.success) return { invalid: describeIssue(r.issues) };
  return indicatorState(r.output.status.indicator);
}
