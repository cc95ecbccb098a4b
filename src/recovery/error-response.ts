/**
 * What the browser reported of the main-frame response that was the gateway error, for the popup's details view: its
 * response headers (bounded, credentials withheld: `src/gateway/raw-headers.ts`) and its timings from webRequest's
 * `timeStamp`s. Kept on the incident (`response` in `state-schema.ts`), so it lives in `storage.session` only (held in
 * memory, never written to disk) like the rest of the recovery state, a private window's incident included, and is
 * never copied into the history on disk. Nothing here throws.
 *
 * Sources: MDN webRequest (`timeStamp`: "the time when this event fired, in milliseconds since the epoch", every event
 * of both browsers); `onBeforeRequest` fires again with the same `requestId` for each redirect hop, so the request
 * start kept is the last hop's, the request that got the error.
 */
import * as v from 'valibot';
import { RAW_HEADERS, readRawHeaders } from '../gateway/raw-headers';

/** The latest time a JavaScript `Date` can hold, epoch ms (ECMA-262 §21.4.1.22 "Time Values and Time Range"). */
const MAX_EPOCH_MS = 8.64e15;

/** Epoch ms: not negative, and a time a `Date` can hold (a hostile `timeStamp` of 2^53 would make `toISOString` throw). */
const ms = v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(MAX_EPOCH_MS));

/** Longest request kept as a timing, ms: a longer one (a clock that jumped) is not a timing worth showing. */
export const MAX_TIMED_REQUEST_MS = 3_600_000;

/** When the error's request started, its headers came and it completed, epoch ms (webRequest `timeStamp`s). */
export const TIMINGS = v.pipe(
  v.object({
    /** `onBeforeRequest` of the request (its last redirect hop); absent when this worker did not see it start. */
    requestAt: v.optional(ms),
    /** `onHeadersReceived`: the status line and headers arrived. */
    headersAt: v.optional(ms),
    /** `onCompleted`. */
    completedAt: ms,
  }),
  v.check(
    (t) => inOrder(t.requestAt, t.headersAt, t.completedAt),
    'timings out of order',
  ),
);

export type Timings = v.InferOutput<typeof TIMINGS>;

/** The stored response of an incident's latest main-frame gateway error. */
export const ERROR_RESPONSE = v.object({
  headers: RAW_HEADERS,
  timings: v.optional(TIMINGS),
});

export type ErrorResponse = v.InferOutput<typeof ERROR_RESPONSE>;

/** Gateway errors kept in an incident's log, at most: the latest ones (the first is the incident's `startedAt`). */
export const MAX_ERROR_LOG = 12;

/** One gateway error an incident saw: when (epoch ms), its status, and whether a background probe got it (else a tab). */
const LOGGED_ERROR = v.object({
  at: ms,
  code: v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(599)),
  probe: v.optional(v.literal(true)),
});

/** An incident's gateway errors, oldest first, at most {@link MAX_ERROR_LOG}: the tries and their codes, for the details. */
export const ERROR_LOG = v.pipe(v.array(LOGGED_ERROR), v.maxLength(MAX_ERROR_LOG));

export type ErrorLog = v.InferOutput<typeof ERROR_LOG>;

/** `log` with `entry` added at the end, the oldest dropped past {@link MAX_ERROR_LOG}. */
export function withLoggedError(log: ErrorLog | undefined, entry: ErrorLog[number]): ErrorLog {
  return [...(log ?? []), entry].slice(-MAX_ERROR_LOG);
}

function inOrder(requestAt: number | undefined, headersAt: number | undefined, completedAt: number): boolean {
  const start = requestAt ?? headersAt ?? completedAt;
  return start <= (headersAt ?? completedAt) && (headersAt ?? completedAt) <= completedAt && completedAt - start <= MAX_TIMED_REQUEST_MS;
}

function epochMs(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= MAX_EPOCH_MS ? x : undefined;
}

/** Main-frame requests whose start is remembered, at most: tabs loading at once, with room to spare. */
const MAX_TIMED_REQUESTS = 64;

/**
 * Remembers, in memory, when each main-frame request started and got its headers, until its outcome. Memory only: a
 * worker stopped in between loses them, and the error then has its completion time alone (a timing is a nicety, not
 * worth a storage write on every page load). Bounded: past {@link MAX_TIMED_REQUESTS} the oldest request is forgotten.
 */
export function createRequestTimings() {
  const open = new Map<string, { requestAt?: number; headersAt?: number }>();
  const put = (id: string, entry: { requestAt?: number; headersAt?: number }) => {
    open.delete(id);
    if (open.size >= MAX_TIMED_REQUESTS) open.delete(open.keys().next().value!);
    open.set(id, entry);
  };
  return {
    /** `onBeforeRequest` (also each redirect hop: the timing starts again). */
    started(requestId: unknown, timeStamp: unknown): void {
      const at = epochMs(timeStamp);
      if (typeof requestId !== 'string' || at === undefined) return;
      put(requestId, { requestAt: at });
    },
    /** `onHeadersReceived`. */
    headers(requestId: unknown, timeStamp: unknown): void {
      const at = epochMs(timeStamp);
      if (typeof requestId !== 'string' || at === undefined) return;
      put(requestId, { ...open.get(requestId), headersAt: at });
    },
    /**
     * `onCompleted` or `onErrorOccurred`: the request's timings, forgotten here. `undefined` without a valid
     * `timeStamp`; a start or headers time out of order with the completion is dropped.
     */
    finished(requestId: unknown, timeStamp: unknown): Timings | undefined {
      const seen = typeof requestId === 'string' ? open.get(requestId) : undefined;
      if (typeof requestId === 'string') open.delete(requestId);
      const completedAt = epochMs(timeStamp);
      if (completedAt === undefined) return undefined;
      const timings = { ...seen, completedAt };
      if (v.is(TIMINGS, timings)) return timings;
      const headersOnly = { ...(seen?.headersAt !== undefined ? { headersAt: seen.headersAt } : {}), completedAt };
      return v.is(TIMINGS, headersOnly) ? headersOnly : { completedAt };
    },
  };
}

export type RequestTimings = ReturnType<typeof createRequestTimings>;

/**
 * The response of a main-frame gateway error as kept with its incident: its headers read by `readRawHeaders`, and its
 * timings. `undefined` when the detail has no `timeStamp`: not a webRequest event (a page's status read back after a
 * stopped worker, `recoverLostOutcomes`), which must not replace a real error's headers with none.
 */
export function readErrorResponse(details: { readonly responseHeaders?: unknown; readonly timeStamp?: unknown }, timings: Timings | undefined): ErrorResponse | undefined {
  if (epochMs(details.timeStamp) === undefined) return undefined;
  return { headers: readRawHeaders(details.responseHeaders), ...(timings !== undefined ? { timings } : {}) };
}
