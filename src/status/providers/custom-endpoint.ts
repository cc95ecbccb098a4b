/**
 * A checker the user or their company runs: an Uptime Kuma status page, or Gatus' endpoint statuses. Only the
 * monitors of the site's host count, found the way each tool's own pages name them; the latest result of each counts;
 * a monitor in maintenance counts as down, a pending one not at all. No monitor of the host is "unknown", never "up".
 *
 * Every request goes to the address the user configured (same origin) and follows no redirect: the consent text names
 * that server, and the site's host name must not travel further.
 */
import * as v from 'valibot';
import { parseKumaPage, type KumaPage } from '../../settings/kuma-page';
import type { CustomEndpoint, CustomEndpointFormat } from '../../settings/settings';
import type { EvidenceKey, I18nText } from '../../shared/text';
import { describeIssue, holdAfter, jsonMap, type ProviderContext, type StatusProvider } from '../provider';
import { unknownReport, type SourceReport, type UnknownReason } from '../verdict';

/** Most monitors counted, and most read from a Kuma page's config. */
const MAX_MONITORS = 500;
/** Most groups read from a Kuma page's config. */
const MAX_GROUPS = 200;

/**
 * One heartbeat of Kuma's `/api/status-page/heartbeat/<slug>`. Released Kuma (1.x, 2.x) sends
 * `{status: 0|1|2|3, time, msg, ping}` (`server/model/heartbeat.js` `toPublicJSON`: 0 down, 1 up, 2 pending,
 * 3 maintenance). The newer bar of ranges of days (louislam/uptime-kuma pull request #7620) sends `0` for an empty
 * bucket and the monitor's real latest beat in `lastHeartbeatList`; the segment bar of uptime-kuma commit 558af2f sends
 * `{status: null}` for an empty segment and `latestHeartbeat`. Both are read.
 */
const KumaBeatSchema = v.union([
  v.literal(0),
  v.null(),
  v.looseObject({ status: v.nullable(v.picklist([0, 1, 2, 3])) }),
]);
const KumaLatestSchema = v.looseObject({ status: v.picklist([0, 1, 2, 3]) });
const KumaHeartbeatSchema = v.looseObject({
  heartbeatList: jsonMap(v.array(KumaBeatSchema)),
  lastHeartbeatList: v.optional(jsonMap(v.unknown())),
  latestHeartbeat: v.optional(jsonMap(v.unknown())),
});

/**
 * A monitor on a Kuma status page (`server/model/monitor.js` `toPublicJSON`): `id`, `name`, `type`, and `url` only
 * when the page shows the monitor's link (`sendUrl`); a custom link replaces it there.
 */
const KumaMonitorSchema = v.looseObject({
  id: v.union([v.number(), v.string()]),
  name: v.optional(v.nullable(v.string())),
  type: v.optional(v.nullable(v.string())),
  url: v.optional(v.nullable(v.string())),
});
const KumaConfigSchema = v.looseObject({
  publicGroupList: v.array(v.looseObject({ monitorList: v.optional(v.nullable(v.array(v.unknown()))) })),
});

const GatusSchema = v.array(
  v.object({
    name: v.optional(v.string()),
    key: v.optional(v.string()),
    results: v.array(v.object({ success: v.boolean(), hostname: v.optional(v.string()) })),
  }),
);

type Counts = { up: number; down: number };

/** A Kuma beat's status as a vote: up, down (maintenance is down: the site is not serving), or not counted. */
function kumaVote(status: 0 | 1 | 2 | 3 | null | undefined): boolean | null {
  if (status === 1) return true;
  if (status === 0 || status === 3) return false;
  return null;
}

/**
 * True when a monitor's name or link is about `host`: the link's host name is `host`, or the name holds `host` as a
 * whole word (`website (shop.example.com)`, not `api.shop.example.com`).
 */
export function kumaMonitorIsAbout(monitor: { name?: string | null; url?: string | null }, host: string): boolean {
  if (typeof monitor.url === 'string') {
    try {
      if (new URL(monitor.url).hostname.toLowerCase() === host) return true;
    } catch {
      // Not a URL (a custom link may be anything): only the name can tell.
    }
  }
  const name = monitor.name?.toLowerCase();
  if (name === undefined) return false;
  for (let at = name.indexOf(host); at !== -1; at = name.indexOf(host, at + 1)) {
    const before = name[at - 1];
    const after = name[at + host.length];
    if (!/[a-z0-9.-]/.test(before ?? ' ') && !/[a-z0-9-]/.test(after ?? ' ') && !(after === '.' && /[a-z0-9]/.test(name[at + host.length + 1] ?? ''))) {
      return true;
    }
  }
  return false;
}

/**
 * The ids of the monitors of `host` on a Kuma status page, from its config (`GET /api/status-page/<slug>`), or why it
 * could not be read. Group monitors (`type: "group"`) summarise others and are left out.
 */
export function kumaMonitorsOf(json: unknown, host: string): { ids: string[] } | { invalid: string } {
  const r = v.safeParse(KumaConfigSchema, json);
  if (!r.success) return { invalid: describeIssue(r.issues) };
  const ids = new Set<string>();
  for (const group of r.output.publicGroupList.slice(0, MAX_GROUPS)) {
    for (const raw of (group.monitorList ?? []).slice(0, MAX_MONITORS)) {
      const m = v.safeParse(KumaMonitorSchema, raw);
      if (!m.success || m.output.type === 'group') continue;
      if (kumaMonitorIsAbout(m.output, host)) ids.add(String(m.output.id));
    }
  }
  return { ids: [...ids].slice(0, MAX_MONITORS) };
}

/** Up and down among `ids` in a Kuma heartbeat answer, or why it could not be read. */
export function kumaCounts(json: unknown, ids: readonly string[]): Counts | { invalid: string } {
  const r = v.safeParse(KumaHeartbeatSchema, json);
  if (!r.success) return { invalid: describeIssue(r.issues) };
  const { heartbeatList, lastHeartbeatList, latestHeartbeat } = r.output;
  const counts = { up: 0, down: 0 };
  for (const id of ids) {
    // The real latest beat when the list holds aggregated buckets; else the last beat that is not an empty bucket.
    const latest = v.safeParse(KumaLatestSchema, lastHeartbeatList?.[id] ?? latestHeartbeat?.[id]);
    let status: 0 | 1 | 2 | 3 | null | undefined = latest.success ? latest.output.status : undefined;
    if (status === undefined) {
      const beats = Object.hasOwn(heartbeatList, id) ? heartbeatList[id]! : [];
      for (let i = beats.length - 1; i >= 0 && status === undefined; i--) {
        const beat = beats[i];
        if (beat !== null && beat !== 0 && beat !== undefined && beat.status !== null) status = beat.status;
      }
    }
    const vote = kumaVote(status);
    if (vote === true) counts.up++;
    else if (vote === false) counts.down++;
  }
  return counts;
}

/**
 * Up and down Gatus endpoints about `host` in its `/api/v1/endpoints/statuses` answer: those whose checked host name,
 * name or key is `host`; the latest result of each.
 */
export function gatusCounts(json: unknown, host: string): Counts | { invalid: string } {
  const r = v.safeParse(GatusSchema, json);
  if (!r.success) return { invalid: describeIssue(r.issues) };
  const about = (e: (typeof r.output)[number]) =>
    e.results.some((x) => x.hostname?.toLowerCase() === host) || [e.name, e.key].some((x) => x?.toLowerCase().includes(host) === true);
  const latest = r.output
    .filter(about)
    .slice(0, MAX_MONITORS)
    .map((e) => e.results.at(-1)?.success ?? null);
  return { up: latest.filter((x) => x === true).length, down: latest.filter((x) => x === false).length };
}

/**
 * The report for the up and down monitors of the host.
 *
 * @param label - the checker's host, for people
 * @param checkedAt - epoch ms
 */
export function monitorsReport(counts: Counts, label: string, checkedAt: number): SourceReport {
  const total = counts.up + counts.down;
  const evidence: I18nText<EvidenceKey> = { key: 'evidenceMonitors', subs: [label, String(counts.down), String(total)] };
  if (total === 0) return unknownReport('custom', { code: 'no-signal', detail: 'no monitor of this host has reported' }, checkedAt, evidence);
  const verdict = counts.down === total ? 'down-for-everyone' : counts.down === 0 ? 'up-elsewhere' : 'partial';
  return { provider: 'custom', verdict, evidence, checkedAt };
}

/** The checker watches nothing of `host`: it cannot say anything about the site (never "up"). */
export function noMonitorReport(label: string, host: string, checkedAt: number): SourceReport {
  return unknownReport('custom', { code: 'no-signal', detail: 'no monitor of this host' }, checkedAt, { key: 'evidenceNoMonitor', subs: [label, host] });
}

type Step = { ok: true; json: unknown } | { ok: false; report: SourceReport; retryAfterMs?: number };

/** One pinned GET to the user's checker. */
async function fetchStep(url: string, ctx: ProviderContext): Promise<Step> {
  const res = await ctx.http.getJson(url, ctx.signal, { pinned: true, configured: true });
  if (res.ok) return { ok: true, json: res.json };
  return { ok: false, report: unknownReport('custom', res.reason, ctx.now()), ...holdAfter(res) };
}

function failed(step: Step & { ok: false }) {
  return { report: step.report, ...(step.retryAfterMs !== undefined ? { retryAfterMs: step.retryAfterMs } : {}) };
}

function invalid(format: CustomEndpointFormat, detail: string, ctx: ProviderContext): { report: SourceReport } {
  const reason: UnknownReason = { code: 'invalid-answer', detail: `${format}: ${detail}` };
  return { report: unknownReport('custom', reason, ctx.now()) };
}

async function checkKuma(page: KumaPage, host: string, ctx: ProviderContext) {
  const label = new URL(page.base).host;
  const slug = encodeURIComponent(page.slug);
  const config = await fetchStep(`${page.base}/api/status-page/${slug}`, ctx);
  if (!config.ok) return failed(config);
  const found = kumaMonitorsOf(config.json, host);
  if ('invalid' in found) return invalid('uptime-kuma', found.invalid, ctx);
  // Nothing of this host on the page: the heartbeats of other sites say nothing about it, so they are not asked.
  if (found.ids.length === 0) return { report: noMonitorReport(label, host, ctx.now()) };
  const beats = await fetchStep(`${page.base}/api/status-page/heartbeat/${slug}`, ctx);
  if (!beats.ok) return failed(beats);
  const counts = kumaCounts(beats.json, found.ids);
  if ('invalid' in counts) return invalid('uptime-kuma', counts.invalid, ctx);
  return { report: monitorsReport(counts, label, ctx.now()) };
}

async function checkGatus(endpoint: CustomEndpoint, host: string, ctx: ProviderContext) {
  const url = endpoint.template.replaceAll('{host}', encodeURIComponent(host));
  const label = new URL(url).host;
  const res = await fetchStep(url, ctx);
  if (!res.ok) return failed(res);
  const counts = gatusCounts(res.json, host);
  if ('invalid' in counts) return invalid('gatus', counts.invalid, ctx);
  return { report: monitorsReport(counts, label, ctx.now()) };
}

export const customEndpointProvider: StatusProvider = {
  id: 'custom',
  applies: (_query, settings) => settings.customEndpoint !== null,
  async check(query, ctx) {
    const endpoint = ctx.settings.customEndpoint;
    if (endpoint === null) return { report: unknownReport('custom', { code: 'disabled', detail: 'no custom endpoint set' }, ctx.now()) };
    const host = query.host.toLowerCase();
    if (endpoint.format === 'gatus') return checkGatus(endpoint, host, ctx);
    const page = parseKumaPage(endpoint.template);
    // The settings schema refuses such an address; a value that slipped past it still never becomes "up".
    if (page === null) return { report: unknownReport('custom', { code: 'disabled', detail: 'not an Uptime Kuma status page address' }, ctx.now()) };
    return checkKuma(page, host, ctx);
  },
};
