/**
 * How many notifications may pop up, across incidents (issue 15, "Squatting and spoofing"): any site can make the
 * extension show OS notifications with host names of its choosing by sending its visitors across subdomains that
 * answer 502 (`a.evil.example`, `b.evil.example`, ...), one new incident each. Each incident's own notifications are
 * already few (it pops when it opens, when it is back, at most once an hour for a flapping site, and when it gives up;
 * every other change updates it in place), so what is limited here is the number of incidents that may show one, in
 * any {@link POP_WINDOW_MS} (a minute):
 * - {@link POPS_PER_DOMAIN} per registrable domain (`evil.example` for every subdomain of it, across tabs): a site
 *   hopping across its subdomains gets one notification a minute, whatever it does;
 * - {@link POPS_PER_TAB} per tab: a page that sends its tab across many registrable domains (free names under the
 *   Public Suffix List's private section, such as `*.vercel.app`, are registrable domains of their own) gets three a
 *   minute, what a person reads in a minute without it becoming noise. A page cannot open more tabs without the user's
 *   clicks (both browsers block pop-ups without a user gesture);
 * - {@link POPS_OVERALL} over everything: the backstop for many tabs failing at once (a session restored while a CDN
 *   is down). Twelve is about as many failing tabs as a person follows, and a real outage of many sites is still told
 *   site by site; every failing tab shows its badge and popup at once either way.
 *
 * An incident that showed a notification once may show its later ones (back, gave up) without a new count: those are
 * bounded by the incident machine, and a site the user waits for is told when it is back. A notification held back
 * here loses nothing: the incident goes on, its badge and popup show it, and a later pop of it (back, gave up) asks
 * again. Pure: the clock comes in as an argument.
 *
 * @module
 */
import * as v from 'valibot';

/** New notifications one registrable domain may pop in {@link POP_WINDOW_MS}. */
export const POPS_PER_DOMAIN = 1;
/** New notifications the incidents of one tab may pop in {@link POP_WINDOW_MS}. */
export const POPS_PER_TAB = 3;
/** New notifications all sites together may pop in {@link POP_WINDOW_MS}. */
export const POPS_OVERALL = 12;
/** The window of both limits, ms. */
export const POP_WINDOW_MS = 60_000;
/**
 * Pops remembered, at most (the oldest go first). More than the window can hold, so an incident that popped a while ago
 * is still known as one that showed its notification when it is back.
 */
export const MAX_POP_RECORDS = 100;

const ms = v.pipe(v.number(), v.finite(), v.minValue(0));

/** One notification allowed to pop up. */
export const POP_RECORD = v.object({
  /** Epoch ms. */
  at: ms,
  /** The incident's registrable domain (its host when it has none: an IP address, a one-word name). */
  domain: v.pipe(v.string(), v.minLength(1), v.maxLength(260)),
  incidentId: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  /** The tab the incident popped for (its first), if it had one. */
  tabId: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
  /** Of a private window's incident: kept in memory only ({@link withoutPrivatePops}). */
  incognito: v.optional(v.literal(true)),
});

export type PopRecord = v.InferOutput<typeof POP_RECORD>;

/** The pops allowed so far, oldest first, at most {@link MAX_POP_RECORDS}. */
export type PopLog = readonly PopRecord[];

/** What wants to pop up: one incident's notification. */
export interface PopRequest {
  readonly incidentId: string;
  /** The incident's registrable domain, or its host when it has none. */
  readonly domain: string;
  /** The incident's (first) tab; `null` without one (watched after its tab closed). */
  readonly tabId: number | null;
  readonly incognito: boolean;
}

/**
 * Whether the notification of `request` may pop up now (else it is only updated in place, if shown), and the log to
 * keep afterwards.
 *
 * @param now - epoch ms
 * @returns `log` itself when nothing is to be recorded
 */
export function decidePop(log: PopLog, request: PopRequest, now: number): { pop: boolean; log: PopLog } {
  if (log.some((r) => r.incidentId === request.incidentId)) return { pop: true, log };
  const since = now - POP_WINDOW_MS;
  let overall = 0;
  let sameDomain = 0;
  let sameTab = 0;
  for (const r of log) {
    // A record from the future (a clock set back) counts as recent: when unsure, pop less.
    if (r.at <= since) continue;
    overall += 1;
    if (r.domain === request.domain) sameDomain += 1;
    if (request.tabId !== null && r.tabId === request.tabId) sameTab += 1;
  }
  if (sameDomain >= POPS_PER_DOMAIN || sameTab >= POPS_PER_TAB || overall >= POPS_OVERALL) return { pop: false, log };
  const record: PopRecord = {
    at: now,
    domain: request.domain,
    incidentId: request.incidentId,
    ...(request.tabId !== null ? { tabId: request.tabId } : {}),
    ...(request.incognito ? { incognito: true as const } : {}),
  };
  return { pop: true, log: [...log, record].slice(-MAX_POP_RECORDS) };
}

/** The part of `log` that may be stored: a private window's incidents are kept in memory only (issue 15). */
export function withoutPrivatePops(log: PopLog): PopLog {
  return log.some((r) => r.incognito === true) ? log.filter((r) => r.incognito !== true) : log;
}

/** Reads a stored log (any value: another version, a hostile edit) record by record; never throws. */
export function parsePopLog(raw: unknown): PopLog {
  if (!Array.isArray(raw)) return [];
  const out: PopRecord[] = [];
  for (const item of raw.slice(-MAX_POP_RECORDS)) {
    const r = v.safeParse(POP_RECORD, item);
    if (r.success) out.push(r.output);
  }
  return out;
}
