/**
 * Globalping (jsDelivr's public measurement network) as a second multi-location source beside check-host.net.
 *
 * Facts from its OpenAPI spec (`public/v1/spec.yaml` in jsdelivr/globalping): `POST /v1/measurements` with an `http`
 * measurement answers `202 {id, probesCount}`; `GET /v1/measurements/{id}` is polled, waiting 500 ms or more after
 * each answer, until `status` is anything but `in-progress`. Each `results[]` entry is `{probe, result}`, and
 * `result.status` is `in-progress`, `finished`, `failed` or `offline`. No key is needed; an IP address gets 250 tests
 * an hour (one per probe), and a `429` says so with `X-RateLimit-Reset` (seconds). Private targets are refused (`400`,
 * `"target" must not be a private hostname`); no probe for the request is `422 no_probes_found`.
 *
 * Why a few typed calls and not the official `globalping` client: the calls go through the pinned HTTP layer
 * (`../http.ts`: no cookies, no redirect, size cap, time limit) like every other provider, and the answer is
 * validated here with valibot, so a changed or hostile answer becomes `unknown`, never a thrown error or "up".
 */
import * as v from 'valibot';
import { describeIssue, holdAfter, jsonMap, type StatusProvider, type StatusQuery } from '../provider';
import type { HttpResult } from '../http';
import { cleanText, collectAddresses, unknownReport, type SourceReport } from '../verdict';
import { outcomeOfStatus, voteLocations, type LocationOutcome } from './vote-locations';

/** Time to let the probes report, from the start of the measurement, ms. */
export const GLOBALPING_POLL_BUDGET_MS = 15_000;
/** Wait after each answer before the next poll, ms. The spec asks for at least 500 ms after a response. */
export const GLOBALPING_POLL_EVERY_MS = 1_000;
/** Most results read, whatever the answer lists. */
const MAX_RESULTS = 50;

const count = v.pipe(v.number(), v.integer(), v.minValue(0));

const CreatedSchema = v.object({
  id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/)),
  probesCount: count,
});

const MeasurementSchema = v.object({
  status: v.pipe(v.string(), v.maxLength(40)),
  probesCount: v.optional(count),
  results: v.array(v.unknown()),
});

/** The part of a result entry read here; the rest (timings, tls, raw output) is ignored. */
const ResultEntrySchema = v.object({
  result: v.object({
    status: v.string(),
    statusCode: v.optional(v.unknown()),
    resolvedAddress: v.optional(v.unknown()),
    headers: v.optional(v.unknown()),
    failureSource: v.optional(v.unknown()),
  }),
});

/** The error body every non-2xx answer carries: `{error: {type, message, params?}}`. */
const ErrorSchema = v.object({
  error: v.object({
    type: v.pipe(v.string(), v.maxLength(100)),
    message: v.pipe(v.string(), v.maxLength(500)),
    params: v.optional(jsonMap(v.unknown())),
  }),
});

/** What one probe saw, and the address it resolved the site to (unvalidated; see `collectAddresses`). */
export interface ProbeReading {
  readonly outcome: LocationOutcome;
  readonly address: unknown;
}

/**
 * Reads one `results[]` entry.
 * - `finished` with an HTTP status: 5xx down, anything else up.
 * - `failed` with an HTTP status: the server answered; counted by that status. Globalping has marked a probe `failed`
 *   after a good answer (jsdelivr/globalping#346).
 * - `failed` without a status: no connection (down), unless the failure is the probe's own (`failureSource:
 *   "internal"`) or headers arrived (the server answered; what it said is unknown): then it is not counted.
 * - `in-progress`, `offline`, anything else or unreadable: not counted (`null`).
 */
export function readProbe(entry: unknown): ProbeReading {
  const parsed = v.safeParse(ResultEntrySchema, entry);
  if (!parsed.success) return { outcome: null, address: undefined };
  const r = parsed.output.result;
  const code = typeof r.statusCode === 'number' && Number.isInteger(r.statusCode) && r.statusCode >= 100 && r.statusCode <= 599 ? r.statusCode : undefined;
  const address = r.resolvedAddress;
  if (r.status === 'finished') return { outcome: code === undefined ? null : outcomeOfStatus(code), address };
  if (r.status !== 'failed') return { outcome: null, address };
  if (code !== undefined) return { outcome: outcomeOfStatus(code), address };
  const answered = r.headers !== null && typeof r.headers === 'object' && Object.keys(r.headers).length > 0;
  if (r.failureSource === 'internal' || answered) return { outcome: null, address };
  return { outcome: { up: false }, address };
}

/** The measurement request for a site's origin: a HEAD of `/` over its scheme and port, from anywhere in the world. */
export function measurementRequest(query: StatusQuery, probes: number): unknown {
  const url = new URL(query.origin);
  const https = url.protocol === 'https:';
  return {
    type: 'http',
    target: query.host,
    locations: [{ magic: 'world' }],
    limit: probes,
    measurementOptions: {
      request: { method: 'HEAD', path: '/' },
      protocol: https ? 'HTTPS' : 'HTTP',
      port: url.port === '' ? (https ? 443 : 80) : Number(url.port),
    },
  };
}

/** Why Globalping refused, from its error body, for the log: `validation_error: "target" must not be a private hostname`. */
export function refusal(result: HttpResult & { ok: false }): string {
  const body = v.safeParse(ErrorSchema, result.json);
  if (!body.success) return result.reason.detail;
  const params = Object.values(body.output.error.params ?? {}).filter((p): p is string => typeof p === 'string');
  return cleanText(`${body.output.error.type}: ${params[0] ?? body.output.error.message}`, 200);
}

export const globalpingProvider: StatusProvider = {
  id: 'globalping',
  applies: () => true,
  async check(query, ctx) {
    const base = ctx.settings.statusEndpoints.globalping;
    const started = ctx.now();
    const fail = (r: HttpResult & { ok: false }) => {
      const code = r.status === 422 ? 'too-few-locations' : r.reason.code;
      return { report: unknownReport('globalping', { code, detail: refusal(r) }, ctx.now()), ...holdAfter(r) };
    };
    const created = await ctx.http.postJson(`${base}/v1/measurements`, measurementRequest(query, ctx.settings.statusEndpoints.globalpingProbes), ctx.signal, {
      resetHeader: 'x-ratelimit-reset',
      readErrorBody: true,
      configured: true,
    });
    if (!created.ok) return fail(created);
    const start = v.safeParse(CreatedSchema, created.json);
    if (!start.success) {
      return { report: unknownReport('globalping', { code: 'invalid-answer', detail: `unexpected create answer: ${describeIssue(start.issues)}` }, ctx.now()) };
    }
    const asked = Math.min(start.output.probesCount, MAX_RESULTS);
    if (asked === 0) return { report: unknownReport('globalping', { code: 'too-few-locations', detail: 'no probes assigned' }, ctx.now()) };
    // The poll goes to the configured base, not to the `Location` header: the answer may not send us elsewhere.
    const resultUrl = `${base}/v1/measurements/${encodeURIComponent(start.output.id)}`;

    let readings: ProbeReading[] = [];
    while (ctx.now() + GLOBALPING_POLL_EVERY_MS - started <= GLOBALPING_POLL_BUDGET_MS) {
      try {
        await ctx.sleep(GLOBALPING_POLL_EVERY_MS, ctx.signal);
      } catch {
        break; // the check's deadline: vote with what has come in
      }
      const result = await ctx.http.getJson(resultUrl, ctx.signal, { resetHeader: 'x-ratelimit-reset', configured: true });
      if (!result.ok) {
        if (result.reason.code === 'timeout') break;
        if (readings.every((r) => r.outcome === null)) return fail(result);
        break;
      }
      const m = v.safeParse(MeasurementSchema, result.json);
      if (!m.success) {
        return { report: unknownReport('globalping', { code: 'invalid-answer', detail: `unexpected measurement answer: ${describeIssue(m.issues)}` }, ctx.now()) };
      }
      readings = m.output.results.slice(0, MAX_RESULTS).map(readProbe);
      // Any status but `in-progress` is final (the spec's client guidelines).
      if (m.output.status !== 'in-progress') break;
    }
    return { report: voteReadings(readings, asked, ctx.now()) };
  },
};

function voteReadings(readings: readonly ProbeReading[], asked: number, checkedAt: number) {
  return voteLocations('globalping', readings.map((r) => r.outcome), asked, checkedAt, { addresses: collectAddresses(readings.map((r) => r.address)) });
}

/**
 * Reads a whole measurement answer (`GET /v1/measurements/{id}`) as the provider does once it stops polling: for the
 * real captures in `test/fixtures/globalping/`. Never throws; an unreadable answer is `unknown`.
 *
 * @param checkedAt - epoch ms for the report
 */
export function readMeasurement(answer: unknown, checkedAt: number): SourceReport {
  const m = v.safeParse(MeasurementSchema, answer);
  if (!m.success) return unknownReport('globalping', { code: 'invalid-answer', detail: `unexpected measurement answer: ${describeIssue(m.issues)}` }, checkedAt);
  const readings = m.output.results.slice(0, MAX_RESULTS).map(readProbe);
  return voteReadings(readings, Math.min(m.output.probesCount ?? readings.length, MAX_RESULTS), checkedAt);
}

/** Reads a create answer (`202 {id, probesCount}`): the id to poll, or `null` when it is not one. */
export function readCreated(answer: unknown): { readonly id: string; readonly probesCount: number } | null {
  const c = v.safeParse(CreatedSchema, answer);
  return c.success ? c.output : null;
}
