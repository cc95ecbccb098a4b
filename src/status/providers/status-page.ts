/**
 * A site's own status page, and Cloudflare's. There is no registry of status pages, so candidates are derived from
 * the registrable domain (`status.<domain>`, `<name>status.com`, `<name>.statuspage.io`) of a public site under an
 * ICANN suffix only (`statusPageDomain`: never a private host, a private-section suffix like `github.io` or `ts.net`,
 * or a wildcard-DNS name), and a candidate is accepted
 * only when it answers one vendor's documented JSON: some hosts answer any path with a cheerful catch-all page.
 * Vendors read: Atlassian Statuspage v2 `summary.json` (incident.io serves the same document at the same path, with
 * fewer keys), Instatus `summary.json`, Better Stack `index.json`. Each page is read the way its visitors read it: the
 * worst of its headline and what it lists (open incidents, components, maintenance under way), because the headline
 * lags: see {@link VENDORS}.
 *
 * Squatting (issue 15): `<name>status.com` and `<name>.statuspage.io` are names the site does not control, and anyone
 * may register them. A page found there is only a pointer: when its own address (`page.url`) names the site (https on
 * the site's registrable domain, `statusPageOrigin`), the same vendor path is asked again at that origin, on the site's
 * own domain, and only that second answer counts, if it names the site too ({@link readNamedOrigin}). Otherwise the
 * guess is dropped, as if nothing were there: what the guessed name answers never counts, since its owner writes
 * `page.url` as it likes. A page on the site's own domain (`status.{domain}`), or at a fixed address the user or their
 * administrator configured, counts as it is. Even then a status page alone never makes "down for everyone"
 * (`combineReport`).
 */
import * as v from 'valibot';
import type { EvidenceKey } from '../../shared/text';
import { placeholderInHost } from '../../settings/settings';
import { registrableDomain, statusPageDomain } from '../host';
import { namesSite, statusPageOrigin } from '../pinning';
import { describeIssue, holdAfter, isCloudflare, type ProviderContext, type StatusPageRef, type StatusPageVendor, type StatusProvider } from '../provider';
import { unknownReport, type SourceReport, type UnknownReason, type Verdict } from '../verdict';

/**
 * What a status page says, vendor-neutral.
 * - `minor`, `major`: the page's own indicator (or its components) says so.
 * - `incident-minor`, `incident-major`: the indicator says less, but an unresolved incident of that impact is open.
 * - `maintenance`: a maintenance in progress that names every component the page lists.
 * - `maintenance-partial`: a maintenance in progress that names only some of them.
 * - `maintenance-unscoped`: a maintenance in progress whose scope the page does not say.
 */
export type PageState =
  | 'operational'
  | 'minor'
  | 'major'
  | 'incident-minor'
  | 'incident-major'
  | 'maintenance'
  | 'maintenance-partial'
  | 'maintenance-unscoped';

/** How bad each state is, for "the worst of" the page's signals: 0 nothing, 1 some users, 2 everyone. */
const SEVERITY: Record<PageState, 0 | 1 | 2> = {
  operational: 0,
  minor: 1,
  'incident-minor': 1,
  'maintenance-partial': 1,
  'maintenance-unscoped': 1,
  major: 2,
  'incident-major': 2,
  maintenance: 2,
};

/** The worst of `states`; on a tie the first wins, so callers list the page's own indicator first. */
function worstOf(states: readonly PageState[]): PageState {
  let worst: PageState = 'operational';
  for (const s of states) if (SEVERITY[s] > SEVERITY[worst]) worst = s;
  return worst;
}

/** Most components, incidents and maintenances read from one page (a big page lists a few hundred components). */
const MAX_ITEMS = 1000;

/** Reads each element of an untrusted array on its own: one odd element is skipped, not the whole page refused. */
function readEach<T extends v.GenericSchema>(schema: T, list: readonly unknown[] | null | undefined): v.InferOutput<T>[] {
  const out: v.InferOutput<T>[] = [];
  for (const x of (list ?? []).slice(0, MAX_ITEMS)) {
    const r = v.safeParse(schema, x);
    if (r.success) out.push(r.output);
  }
  return out;
}

const anyList = v.optional(v.nullable(v.array(v.unknown())));

const StatuspageSchema = v.looseObject({
  page: v.looseObject({ id: v.pipe(v.string(), v.minLength(1)), url: v.string() }),
  // `maintenance` is a fifth indicator real pages send, though the v2 docs list four.
  status: v.looseObject({ indicator: v.picklist(['none', 'minor', 'major', 'critical', 'maintenance']), description: v.string() }),
  components: anyList,
  incidents: anyList,
  scheduled_maintenances: anyList,
});

const ComponentSchema = v.looseObject({
  id: v.optional(v.string()),
  name: v.optional(v.string()),
  status: v.string(),
  /** A group is a heading over other components; its own status repeats theirs. */
  group: v.optional(v.nullable(v.boolean())),
});
const IncidentSchema = v.looseObject({ status: v.string(), impact: v.optional(v.nullable(v.string())) });
const MaintenanceSchema = v.looseObject({
  status: v.string(),
  components: v.optional(v.nullable(v.array(v.looseObject({ id: v.optional(v.string()), name: v.optional(v.string()) })))),
});

/** Incident statuses that are not resolved (Statuspage v2; incident.io's compatible summary uses the same words). */
const UNRESOLVED = new Set(['investigating', 'identified', 'monitoring']);
/** Maintenance statuses that mean "under way": Statuspage's `in_progress` and `verifying`, incident.io's `maintenance_in_progress`. */
const MAINTENANCE_UNDER_WAY = new Set(['in_progress', 'verifying', 'maintenance_in_progress']);
/** Component statuses that mean some users are affected; `full_outage` is incident.io's word for `major_outage`. */
const COMPONENT_DOWN = new Set(['major_outage', 'full_outage']);
const COMPONENT_DEGRADED = new Set(['degraded_performance', 'partial_outage']);

/**
 * A Statuspage v2 (or incident.io) `summary.json`, read the way its own readers read it: the worst of the page's
 * indicator, its components, its unresolved incidents and its maintenances under way. The indicator alone lags: an
 * incident under investigation often leaves it at `none` (seen on githubstatus.com, gfazioli/octoscope#119; fixed the
 * same way in prisma/web#7744 and PostHog/posthog#23537).
 */
function readStatuspage(json: unknown): PageState | { invalid: string } {
  const r = v.safeParse(StatuspageSchema, json);
  if (!r.success) return { invalid: describeIssue(r.issues) };
  const page = r.output;
  const components = readEach(ComponentSchema, page.components).filter((c) => c.group !== true);
  const incidents = readEach(IncidentSchema, page.incidents).filter((i) => UNRESOLVED.has(i.status));
  const underWay = readEach(MaintenanceSchema, page.scheduled_maintenances).filter((m) => MAINTENANCE_UNDER_WAY.has(m.status));

  const states: PageState[] = [];
  const indicator = page.status.indicator;
  if (indicator !== 'maintenance') states.push(indicatorState(indicator));

  // Components: every one down is a major outage; some down or degraded, a partial one.
  const live = components.filter((c) => c.status !== 'under_maintenance');
  if (live.length > 0 && components.every((c) => COMPONENT_DOWN.has(c.status))) states.push('major');
  else if (live.some((c) => COMPONENT_DOWN.has(c.status) || COMPONENT_DEGRADED.has(c.status))) states.push('minor');

  for (const i of incidents) states.push(i.impact === 'major' || i.impact === 'critical' ? 'incident-major' : 'incident-minor');

  const inMaintenance = components.filter((c) => c.status === 'under_maintenance');
  if (indicator === 'maintenance' || underWay.length > 0 || inMaintenance.length > 0) {
    states.push(maintenanceScope(components, inMaintenance, underWay));
  }
  return worstOf(states);
}

/**
 * How much of a page a maintenance under way covers: the components it names, with those marked `under_maintenance`,
 * against every (non-group) component the page lists. All of them is planned downtime for everyone; some is partial;
 * a page that names none leaves the scope unknown.
 */
function maintenanceScope(
  components: readonly v.InferOutput<typeof ComponentSchema>[],
  inMaintenance: readonly v.InferOutput<typeof ComponentSchema>[],
  underWay: readonly v.InferOutput<typeof MaintenanceSchema>[],
): PageState {
  const keyOf = (c: { id?: string | undefined; name?: string | undefined }) => c.id ?? (c.name === undefined ? undefined : `name:${c.name}`);
  const named = new Set<string>();
  for (const c of inMaintenance) {
    const k = keyOf(c);
    if (k !== undefined) named.add(k);
  }
  for (const m of underWay) {
    for (const c of (m.components ?? []).slice(0, MAX_ITEMS)) {
      const k = keyOf(c);
      if (k !== undefined) named.add(k);
      // A maintenance may name a component by id while the page lists it with its name too: match either.
      if (c.name !== undefined) named.add(`name:${c.name}`);
    }
  }
  if (named.size === 0 || components.length === 0) return 'maintenance-unscoped';
  const covered = (c: v.InferOutput<typeof ComponentSchema>) =>
    (c.id !== undefined && named.has(c.id)) || (c.name !== undefined && named.has(`name:${c.name}`));
  return components.every(covered) ? 'maintenance' : 'maintenance-partial';
}

const InstatusSchema = v.looseObject({
  page: v.looseObject({ name: v.string(), url: v.string(), status: v.picklist(['UP', 'HASISSUES', 'UNDERMAINTENANCE']) }),
  activeIncidents: anyList,
  activeMaintenances: anyList,
});
// Only `impact` and `status` are read; a field of another shape inside an incident does not make the page unreadable.
const InstatusEventSchema = v.looseObject({ impact: v.optional(v.unknown()), status: v.optional(v.unknown()) });

/**
 * Instatus `summary.json`: the page status, and the worst of it and its active incidents (the page can say `UP` while
 * an incident is open, the same lag as Statuspage's indicator). Its maintenances name no components, so their scope
 * is unknown.
 */
function readInstatus(json: unknown): PageState | { invalid: string } {
  const r = v.safeParse(InstatusSchema, json);
  if (!r.success) return { invalid: describeIssue(r.issues) };
  const { status } = r.output.page;
  const incidents = readEach(InstatusEventSchema, r.output.activeIncidents).filter((x) => x.status !== 'RESOLVED');
  const maintenances = readEach(InstatusEventSchema, r.output.activeMaintenances).filter((x) => x.status === 'INPROGRESS');
  const states: PageState[] = [];
  if (status === 'HASISSUES') states.push(incidents.some((x) => x.impact === 'MAJOROUTAGE') ? 'major' : 'minor');
  for (const x of incidents) states.push(x.impact === 'MAJOROUTAGE' ? 'incident-major' : 'incident-minor');
  if (status === 'UNDERMAINTENANCE' || maintenances.length > 0) states.push('maintenance-unscoped');
  return worstOf(states);
}

const BetterStackSchema = v.object({
  data: v.object({
    attributes: v.object({ aggregate_state: v.picklist(['operational', 'degraded', 'downtime', 'maintenance']) }),
  }),
});

/** The page's own address, as Statuspage and Instatus give it (`page.url`). */
const PageUrlSchema = v.looseObject({ page: v.looseObject({ url: v.string() }) });
function pageUrlOf(json: unknown): string | undefined {
  const r = v.safeParse(PageUrlSchema, json);
  return r.success ? r.output.page.url : undefined;
}

/**
 * Each vendor's endpoint under a page's base URL and its reader; `{ invalid }` from a reader means "not this vendor".
 * `pageUrl` reads the page's own address, which says whose page it is (Better Stack's `index.json` gives none).
 */
export const VENDORS: readonly {
  vendor: StatusPageVendor;
  path: string;
  read: (json: unknown) => PageState | { invalid: string };
  pageUrl: (json: unknown) => string | undefined;
}[] = [
  { vendor: 'statuspage', path: '/api/v2/summary.json', read: readStatuspage, pageUrl: pageUrlOf },
  { vendor: 'instatus', path: '/summary.json', read: readInstatus, pageUrl: pageUrlOf },
  {
    vendor: 'betterstack',
    path: '/index.json',
    pageUrl: () => undefined,
    // Better Stack's own aggregate already folds in its open status reports; its maintenance names no scope here.
    read: (json) => {
      const r = v.safeParse(BetterStackSchema, json);
      if (!r.success) return { invalid: describeIssue(r.issues) };
      const s = r.output.data.attributes.aggregate_state;
      return s === 'operational' ? 'operational' : s === 'degraded' ? 'minor' : s === 'downtime' ? 'major' : 'maintenance-unscoped';
    },
  },
];

/**
 * How a page state counts in the vote: a page saying "all operational" is no evidence the site is up for others; a
 * maintenance of only part of a site, or of an unknown part, is not "down for everyone".
 */
const STATE_VERDICT: Record<PageState, Verdict> = {
  operational: 'unknown',
  minor: 'partial',
  major: 'down-for-everyone',
  'incident-minor': 'partial',
  'incident-major': 'down-for-everyone',
  maintenance: 'down-for-everyone',
  'maintenance-partial': 'partial',
  'maintenance-unscoped': 'partial',
};
const STATE_KEY: Record<'statusPage' | 'cdnStatus', Record<PageState, EvidenceKey>> = {
  statusPage: {
    operational: 'evidencePageOperational',
    minor: 'evidencePageMinor',
    major: 'evidencePageMajor',
    'incident-minor': 'evidencePageIncident',
    'incident-major': 'evidencePageIncidentMajor',
    maintenance: 'evidencePageMaintenanceAll',
    'maintenance-partial': 'evidencePageMaintenancePartial',
    'maintenance-unscoped': 'evidencePageMaintenance',
  },
  cdnStatus: {
    operational: 'evidenceCdnOperational',
    minor: 'evidenceCdnMinor',
    major: 'evidenceCdnMajor',
    'incident-minor': 'evidenceCdnMinor',
    'incident-major': 'evidenceCdnMajor',
    maintenance: 'evidenceCdnMaintenance',
    'maintenance-partial': 'evidenceCdnMaintenance',
    'maintenance-unscoped': 'evidenceCdnMaintenance',
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

/** One place a site's status page may be, and how far it is trusted. */
export interface StatusPageCandidate {
  /** Base URL, no trailing slash. */
  readonly base: string;
  /**
   * The template's host is fixed (no `{domain}` or `{name}` in it): an address the user or their administrator
   * configured, which may be private (a local aggregator, a test stand-in) and which they vouch for.
   */
  readonly configured: boolean;
  /**
   * A guessed host the site does not control (`githubstatus.com`, `github.statuspage.io`), not on its registrable
   * domain: its answer is only a pointer to the site's own origin, asked again there ({@link readNamedOrigin}).
   */
  readonly mustNameSite: boolean;
}

/**
 * Candidate base URLs for `host`, in the order of the templates, or `null` when no guess may be made from it (see
 * `statusPageDomain`: `host.tail1234.ts.net` must never become `tail1234status.com`). `bases` lists the same URLs as
 * `candidates`.
 *
 * @throws Error when the Public Suffix List is not loaded (`loadPublicSuffixList`)
 */
export function statusPageCandidates(
  host: string,
  templates: readonly string[],
): { domain: string; bases: string[]; candidates: StatusPageCandidate[] } | null {
  const d = statusPageDomain(host);
  if (d === null) return null;
  const candidates: StatusPageCandidate[] = [];
  for (const t of templates) {
    const base = t.replaceAll('{domain}', d.domain).replaceAll('{name}', d.name).replace(/\/+$/, '');
    if (candidates.some((c) => c.base === base)) continue;
    const configured = !placeholderInHost(t);
    let own = false;
    try {
      own = registrableDomain(new URL(base).hostname)?.domain === d.domain;
    } catch {
      own = false;
    }
    candidates.push({ base, configured, mustNameSite: !configured && !own });
  }
  return { domain: d.domain, bases: candidates.map((c) => c.base), candidates };
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

type Failed = Read & { ok: false };

/** One vendor's endpoint at `base`, read as that vendor's document (its state and its raw JSON), or why not. */
async function askVendor(
  base: string,
  configured: boolean,
  vendor: (typeof VENDORS)[number],
  ctx: ProviderContext,
): Promise<{ ok: true; json: unknown; state: PageState } | Failed> {
  const res = await ctx.http.getJson(`${base}${vendor.path}`, ctx.signal, { configured });
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
  return { ok: true, json: res.json, state };
}

/**
 * Reads one vendor endpoint of one candidate. A page on the site's own domain, or at an address configured, counts as
 * it answers. A guess on a name the site does not control ({@link StatusPageCandidate.mustNameSite}) is only a
 * pointer: its answer is followed to the site's own origin ({@link readNamedOrigin}) and never counts itself.
 *
 * @param domain - the site's registrable domain
 */
async function readCandidate(page: StatusPageCandidate, vendor: (typeof VENDORS)[number], ctx: ProviderContext, domain: string): Promise<Read> {
  const first = await askVendor(page.base, page.configured, vendor, ctx);
  if (!first.ok) return first;
  if (!page.mustNameSite) return { ok: true, ref: { base: page.base, vendor: vendor.vendor }, state: first.state };
  const named = vendor.pageUrl(first.json);
  const origin = statusPageOrigin(named, domain);
  if (origin === undefined) {
    return dropped(`${vendor.vendor} page at ${labelOf(page.base)} does not name ${domain} (page.url ${shown(named)}): dropped`);
  }
  return readNamedOrigin(origin, page.base, vendor, ctx, domain);
}

/**
 * The squatting rule (issue 15), in one place with {@link readCandidate}. A guess on a name the site does not control
 * answered, and its `page.url` names the site (`statusPageOrigin`: https on the site's registrable domain). That answer
 * is whatever the name's owner writes: a squatter writes `"https://github.com"` there as easily as GitHub does. So the
 * same vendor's path is asked again at that origin, which is on the site's own domain and so as trustworthy as
 * `status.{domain}`, through the same pinned HTTP client (`configured` false: no private address, and no redirect
 * other than https on that domain), and only this second answer counts: for the verdict, the page remembered, and the
 * link (the origin). It must name the site too. A second request that fails, or an answer that does not name the site,
 * drops the guess (no vote, no link): as "no status page here", or, for a failure that says "ask again later" (a
 * timeout, a 429, a 5xx), as that failure, so that "none" is not remembered for the site.
 * Costs one extra request only when a guess answered in a vendor's shape and named the site.
 *
 * Also re-reads a page remembered this way, without asking the guess again.
 *
 * @param origin - the origin the guess named, from `statusPageOrigin`
 * @param via - the guess's base URL, remembered with the page ({@link StatusPageRef.via})
 * @param domain - the site's registrable domain
 */
async function readNamedOrigin(origin: string, via: string, vendor: (typeof VENDORS)[number], ctx: ProviderContext, domain: string): Promise<Read> {
  const pointed = `${labelOf(via)} points to ${labelOf(origin)}`;
  const second = await askVendor(origin, false, vendor, ctx);
  if (!second.ok) {
    const detail = `${pointed}: ${second.reason.code}: ${second.reason.detail}; dropped`.slice(0, 300);
    // "Nothing readable there" (a 404, another shape, no such host) drops the guess as not naming the site does.
    return saysNone(second) ? dropped(detail) : { ...second, reason: { code: second.reason.code, detail } };
  }
  const named = vendor.pageUrl(second.json);
  if (!namesSite(named, domain)) {
    return dropped(`${pointed}, whose ${vendor.vendor} page does not name ${domain} (page.url ${shown(named)}): dropped`);
  }
  return { ok: true, ref: { base: origin, vendor: vendor.vendor, via }, state: second.state };
}

/** "No status page here", for a page that does not name the site. */
function dropped(detail: string): Failed {
  return { ok: false, reason: { code: 'no-status-page', detail } };
}

function shown(pageUrl: string | undefined): string {
  return pageUrl === undefined ? 'missing' : JSON.stringify(pageUrl.slice(0, 100));
}

/**
 * Reads a remembered page again under the rule that found it (a page may stop naming the site), or `undefined` when
 * the templates no longer lead to it: then it is looked for again. A page found through a guess is asked at the site's
 * own origin only.
 */
function readRemembered(known: StatusPageRef, candidates: readonly StatusPageCandidate[], ctx: ProviderContext, domain: string): Promise<Read> | undefined {
  const vendor = VENDORS.find((x) => x.vendor === known.vendor)!;
  const candidate = candidates.find((c) => c.base === (known.via ?? known.base));
  if (candidate === undefined) return undefined;
  if (known.via === undefined) return readCandidate(candidate, vendor, ctx, domain);
  if (!candidate.mustNameSite || statusPageOrigin(known.base, domain) !== known.base) return undefined;
  return readNamedOrigin(known.base, known.via, vendor, ctx, domain);
}

/** Tries the vendors on one candidate, one after another, and keeps the first that answers its documented shape. */
async function probeCandidate(page: StatusPageCandidate, domain: string, ctx: ProviderContext): Promise<Read> {
  const nothing: Read = { ok: false, reason: { code: 'no-status-page', detail: `nothing at ${page.base}` } };
  let last = nothing;
  for (const vendor of VENDORS) {
    const r = await readCandidate(page, vendor, ctx, domain);
    if (r.ok) return r;
    // Keep the most telling failure: a 404 of the next vendor's path says less than a huge or broken answer here.
    // A page dropped for not naming the site says more than the 404s of the other vendors' paths.
    if (last === nothing || (!last.ok && last.reason.code === 'http-error' && saysNone(last))) last = r;
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
    // A page remembered under templates since changed is looked for again.
    const again = known == null ? undefined : readRemembered(known, found.candidates, ctx, found.domain);
    if (again !== undefined) {
      const r = await again;
      if (r.ok) return { report: pageReport('statusPage', r.state, labelOf(r.ref.base), r.ref.base, ctx.now()) };
      return { report: unknownReport('statusPage', r.reason, ctx.now()) };
    }
    // Candidates in parallel (different hosts), vendors in turn on each; the first candidate in template order wins.
    const reads = await Promise.all(found.candidates.map((c) => probeCandidate(c, found.domain, ctx)));
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
      // A redirect not followed is "nothing readable here" too, but says so: the page may be behind it.
      const redirected = reads.some((r) => !r.ok && r.reason.code === 'redirect');
      return {
        report: redirected
          ? unknownReport('statusPage', { code: 'redirect', detail: reasons }, ctx.now())
          : unknownReport('statusPage', { code: 'no-status-page', detail: reasons }, ctx.now(), { key: 'evidenceNoStatusPage', subs: [found.domain] }),
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
    const r = await askVendor(base, true, { ...VENDORS[0]!, path: '/api/v2/status.json', read: readStatusJson }, ctx);
    if (r.ok) return { report: pageReport('cdnStatus', r.state, 'Cloudflare', base, ctx.now()) };
    return { report: unknownReport('cdnStatus', r.reason, ctx.now()), ...holdAfter(r) };
  },
};

const StatusJsonSchema = v.object({
  page: v.object({ id: v.pipe(v.string(), v.minLength(1)) }),
  status: v.object({ indicator: v.picklist(['none', 'minor', 'major', 'critical', 'maintenance']) }),
});

/** The state a Statuspage indicator alone says; `maintenance` has no scope without the rest of the page. */
function indicatorState(i: 'none' | 'minor' | 'major' | 'critical' | 'maintenance'): PageState {
  if (i === 'none') return 'operational';
  if (i === 'maintenance') return 'maintenance-unscoped';
  return i === 'minor' ? 'minor' : 'major';
}

/** Statuspage v2 `status.json`: the top-level indicator only. */
function readStatusJson(json: unknown): PageState | { invalid: string } {
  const r = v.safeParse(StatusJsonSchema, json);
  if (!r.success) return { invalid: describeIssue(r.issues) };
  return indicatorState(r.output.status.indicator);
}
