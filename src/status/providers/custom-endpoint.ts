/**
 * A checker the user or their company runs, asked at a URL template with `{host}`. Two self-hostable answer
 * formats: Uptime Kuma's status-page heartbeats and Gatus' endpoint statuses. The latest result of each monitor
 * counts; a monitor in maintenance counts as down, a pending one not at all.
 */
import * as v from 'valibot';
import { describeIssue, holdAfter, jsonMap, type StatusProvider } from '../provider';
import { unknownReport, type SourceReport } from '../verdict';
import type { CustomEndpointFormat } from '../../settings/settings';
import type { EvidenceKey, I18nText } from '../../shared/text';

/** Most monitors counted. */
const MAX_MONITORS = 500;

const KumaSchema = v.object({
  heartbeatList: jsonMap(v.array(v.object({ status: v.picklist([0, 1, 2, 3]) }))),
});
const GatusSchema = v.array(
  v.object({
    name: v.optional(v.string()),
    key: v.optional(v.string()),
    results: v.array(v.object({ success: v.boolean(), hostname: v.optional(v.string()) })),
  }),
);

/**
 * Up and down monitors for `host` in an answer, or why it could not be read. Uptime Kuma's URL names a status page
 * the user chose for the host (`{host}` in the template); Gatus answers with every endpoint it watches, so only those
 * whose checked host name, name or key is `host` count.
 */
export function readMonitors(format: CustomEndpointFormat, json: unknown, host: string): { up: number; down: number } | { invalid: string } {
  const latest: (boolean | null)[] = [];
  if (format === 'uptime-kuma') {
    const r = v.safeParse(KumaSchema, json);
    if (!r.success) return { invalid: describeIssue(r.issues) };
    for (const beats of Object.values(r.output.heartbeatList).slice(0, MAX_MONITORS)) {
      const s = beats.at(-1)?.status;
      latest.push(s === undefined || s === 2 ? null : s === 1);
    }
  } else {
    const r = v.safeParse(GatusSchema, json);
    if (!r.success) return { invalid: describeIssue(r.issues) };
    const about = (e: (typeof r.output)[number]) =>
      e.results.some((x) => x.hostname?.toLowerCase() === host) || [e.name, e.key].some((x) => x?.toLowerCase().includes(host) === true);
    for (const e of r.output.filter(about).slice(0, MAX_MONITORS)) latest.push(e.results.at(-1)?.success ?? null);
  }
  return { up: latest.filter((x) => x === true).length, down: latest.filter((x) => x === false).length };
}

export function monitorsReport(counts: { up: number; down: number }, label: string, checkedAt: number): SourceReport {
  const total = counts.up + counts.down;
  const evidence: I18nText<EvidenceKey> = { key: 'evidenceMonitors', subs: [label, String(counts.down), String(total)] };
  if (total === 0) return unknownReport('custom', { code: 'no-signal', detail: 'no monitor of this host has reported' }, checkedAt, evidence);
  const verdict = counts.down === total ? 'down-for-everyone' : counts.down === 0 ? 'up-elsewhere' : 'partial';
  return { provider: 'custom', verdict, evidence, checkedAt };
}

export const customEndpointProvider: StatusProvider = {
  id: 'custom',
  applies: (_query, settings) => settings.customEndpoint !== null,
  async check(query, ctx) {
    const endpoint = ctx.settings.customEndpoint;
    if (endpoint === null) return { report: unknownReport('custom', { code: 'disabled', detail: 'no custom endpoint set' }, ctx.now()) };
    const url = endpoint.template.replaceAll('{host}', encodeURIComponent(query.host));
    const label = new URL(url).host;
    const res = await ctx.http.getJson(url, ctx.signal);
    if (!res.ok) return { report: unknownReport('custom', res.reason, ctx.now()), ...holdAfter(res) };
    const counts = readMonitors(endpoint.format, res.json, query.host);
    if ('invalid' in counts) return { report: unknownReport('custom', { code: 'invalid-answer', detail: `${endpoint.format}: ${counts.invalid}` }, ctx.now()) };
    return { report: monitorsReport(counts, label, ctx.now()) };
  },
};
