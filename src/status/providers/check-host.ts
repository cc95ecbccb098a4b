/**
 * check-host.net: a multi-location HTTP check (check-host.net/about/api). Start a check of the site's origin, poll
 * its result while the nodes report, and vote. Facts from the API docs and its callers: nodes do not follow
 * redirects (3xx counts as up), and a 429 proves the server answers (counts as up).
 */
import * as v from 'valibot';
import { describeIssue, holdAfter, jsonMap, type StatusProvider } from '../provider';
import { cleanText, collectAddresses, unknownReport, type SourceReport } from '../verdict';
import { pinnedLink } from '../pinning';
import type { HttpResult } from '../http';
import { outcomeOfStatus, voteLocations, type LocationOutcome } from './vote-locations';

/** Most nodes counted, however many an answer lists. */
const MAX_NODES = 30;
/** Time to let the nodes report, from the start of the check, ms. Callers of the API poll for 10-20 s. */
export const CHECK_HOST_POLL_BUDGET_MS = 15_000;
/** First poll after this long, ms, then every {@link POLL_EVERY_MS}. */
const FIRST_POLL_MS = 1_000;
const POLL_EVERY_MS = 2_000;
const StartSchema = v.object({
  ok: v.literal(1),
  request_id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/)),
  permanent_link: v.optional(v.unknown()),
  nodes: jsonMap(v.unknown()),
});

const ResultSchema = jsonMap(v.unknown());

/** One node's HTTP result row: `[ok 1|0, seconds, message, "httpCode"|null, ip]`. */
const RowSchema = v.looseTuple([v.picklist([0, 1]), v.nullish(v.number()), v.nullish(v.string()), v.nullish(v.string())]);
const NodeResultSchema = v.pipe(v.array(v.unknown()), v.minLength(1));

/** What one node saw. */
export type NodeOutcome = LocationOutcome;

/**
 * Reads one node's value from `check-result`: `null` while it has not reported or when its value is unreadable.
 * A status of 5xx is down whatever `ok` says; any other status is up; no status at all means no connection (down).
 */
export function readNode(value: unknown): NodeOutcome {
  const row = firstRow(value);
  if (row === null) return null;
  const [ok, , , httpCode] = row;
  const code = typeof httpCode === 'string' && /^\d{3}$/.test(httpCode) ? Number(httpCode) : undefined;
  if (code !== undefined) return outcomeOfStatus(code);
  return ok === 1 ? { up: true } : { up: false };
}

/**
 * The address a node reached, from the optional fifth field of its HTTP row (`[ok, seconds, message, code, ip]`;
 * the API doc's own example has four fields, live answers of some nodes five), or `undefined`. Not validated here:
 * see `collectAddresses`.
 */
export function nodeAddress(value: unknown): unknown {
  const row = firstRow(value);
  return row === null ? undefined : (row as readonly unknown[])[4];
}

function firstRow(value: unknown) {
  if (value === null) return null;
  const rows = v.safeParse(NodeResultSchema, value);
  if (!rows.success) return null;
  const row = v.safeParse(RowSchema, rows.output[0]);
  return row.success ? row.output : null;
}

/**
 * Counts the nodes' outcomes and votes. `asked` is how many nodes the check started with; `addresses` are the
 * addresses the nodes reached (validated by `collectAddresses`).
 */
export function voteNodes(outcomes: readonly NodeOutcome[], asked: number, checkedAt: number, link?: string, addresses?: readonly string[]): SourceReport {
  return voteLocations('checkHost', outcomes, asked, checkedAt, { ...(link !== undefined ? { link } : {}), ...(addresses !== undefined ? { addresses } : {}) });
}

export const checkHostProvider: StatusProvider = {
  id: 'checkHost',
  applies: () => true,
  async check(query, ctx) {
    const base = ctx.settings.statusEndpoints.checkHost;
    const started = ctx.now();
    const fail = (r: HttpResult & { ok: false }) => ({ report: unknownReport('checkHost', r.reason, ctx.now()), ...holdAfter(r) });
    const startUrl = `${base}/check-http?host=${encodeURIComponent(query.origin)}&max_nodes=${ctx.settings.statusEndpoints.checkHostNodes}`;
    const start = await ctx.http.getJson(startUrl, ctx.signal, { configured: true });
    if (!start.ok) return fail(start);
    const parsed = v.safeParse(StartSchema, start.json);
    if (!parsed.success) {
      const error = (start.json as { error?: unknown } | null)?.error;
      const detail = typeof error === 'string' ? `check-host refused: ${cleanText(error, 100)}` : `unexpected start answer: ${describeIssue(parsed.issues)}`;
      return { report: unknownReport('checkHost', { code: 'invalid-answer', detail }, ctx.now()) };
    }
    const nodes = Object.keys(parsed.output.nodes).slice(0, MAX_NODES);
    if (nodes.length === 0) return { report: unknownReport('checkHost', { code: 'too-few-locations', detail: 'no nodes assigned' }, ctx.now()) };
    // The report's link is shown in the popup: only one on check-host's own site.
    const link = pinnedLink(parsed.output.permanent_link, base);
    const resultUrl = `${base}/check-result/${encodeURIComponent(parsed.output.request_id)}`;

    let outcomes: NodeOutcome[] = nodes.map(() => null);
    let reached: unknown[] = [];
    let wait = FIRST_POLL_MS;
    while (ctx.now() + wait - started <= CHECK_HOST_POLL_BUDGET_MS) {
      try {
        await ctx.sleep(wait, ctx.signal);
      } catch {
        break; // the check's deadline: vote with what has come in
      }
      wait = POLL_EVERY_MS;
      const result = await ctx.http.getJson(resultUrl, ctx.signal, { configured: true });
      if (!result.ok) {
        if (result.reason.code === 'timeout') break;
        if (outcomes.every((o) => o === null)) return fail(result);
        break;
      }
      const map = v.safeParse(ResultSchema, result.json);
      if (!map.success) {
        return { report: unknownReport('checkHost', { code: 'invalid-answer', detail: `unexpected result answer: ${describeIssue(map.issues)}` }, ctx.now()) };
      }
      const values = nodes.map((n) => (Object.hasOwn(map.output, n) ? map.output[n] : null));
      outcomes = values.map(readNode);
      reached = values.map(nodeAddress);
      if (outcomes.every((o) => o !== null)) break;
    }
    return { report: voteNodes(outcomes, nodes.length, ctx.now(), link, collectAddresses(reached)) };
  },
};

