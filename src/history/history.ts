/**
 * Recent incidents: one entry per incident that ended (recovered, gave up, cancelled, abandoned, not retried), kept in
 * `storage.local` so it outlives the browser session, and shown on the options page.
 *
 * Privacy: an entry names the site by its host only, never its URL (no path, no query string, no port), and keeps no
 * request id or cookie. The list is bounded by count ({@link MAX_HISTORY_ENTRIES}), by size
 * ({@link MAX_HISTORY_BYTES}) and by age (the user's `historyRetentionDays`); 0 days keeps nothing.
 *
 * Pure: time comes in as arguments, and what storage holds is parsed by {@link parseHistory}, which drops anything
 * that is not an entry and never throws.
 */
import * as v from 'valibot';
import type { EndPhase, Incident, NotRetriedReason } from '../recovery/incident-machine';
import { answerCodeWords, durationText, statusNameText } from '../shared/text';
import { siteAnswer } from '../view/incident-facts';
import { isCurrentFor } from '../status/describe-status';
import { cleanText, VerdictSchema, type StatusReport, type Verdict } from '../status/verdict';
import type { MessageKey, I18nText } from '../shared/text';

/** The `storage.local` key the history lives under. */
export const HISTORY_KEY = 'history';
/** Version of the stored shape, `{ version, entries }`. */
export const HISTORY_VERSION = 1;
/** Entries kept at most, newest first. */
export const MAX_HISTORY_ENTRIES = 200;
/**
 * Size the stored entries may take at most, bytes of UTF-8 JSON. 200 ordinary entries take about 45 KB (measured by
 * the unit test); long host names and server headers hit this bound first, and the oldest entries go.
 */
export const MAX_HISTORY_BYTES = 64 * 1024;
/** Longest `server` kept, characters. */
export const MAX_SERVER_LENGTH = 100;
/** Raw entries read at most from storage; the writer keeps far fewer, so more means the data is not ours. */
const MAX_RAW_ENTRIES = 5 * MAX_HISTORY_ENTRIES;
/** One day, ms. */
export const DAY_MS = 24 * 60 * 60_000;

const epochMs = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(8.64e15));
const count = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000));

/** A host name as the URL parser gives it: no scheme, path, query, port or user info can pass. */
const HOST = /^(?:[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?|\[[0-9a-f:.]+\])$/;

/** One ended incident. Plain JSON; what storage holds is read back through this schema (see {@link parseHistory}). */
const HistoryEntrySchema = v.pipe(
  v.object({
    /** The incident's id: one entry per incident. */
    id: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
    /** The site's host name (lowercase, IDN in punycode, IPv6 in brackets); never a URL. */
    host: v.pipe(v.string(), v.maxLength(253), v.regex(HOST)),
    /** The latest gateway status the incident saw. */
    code: v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(599)),
    /** Who answered: the gateway's `server` header (else its `via`), cleaned, at most {@link MAX_SERVER_LENGTH}. */
    server: v.optional(
      v.pipe(
        v.string(),
        v.maxLength(1000),
        v.transform((x) => cleanText(x, MAX_SERVER_LENGTH)),
      ),
    ),
    /** Epoch ms. */
    startedAt: epochMs,
    /** Epoch ms. */
    endedAt: epochMs,
    outcome: v.picklist(['recovered', 'gave-up', 'cancelled', 'abandoned', 'not-retried'] satisfies EndPhase[]),
    /** Set when the outcome is `not-retried`. */
    notRetriedReason: v.optional(v.picklist(['non-get', 'never-retry'] satisfies NotRetriedReason[])),
    /**
     * Set when the outcome is `recovered` but the site answered the tab with an answer of its own that is not a page
     * (a 500, a 429): the status it answered with. The gateway error was over; the site was not back (issue 13).
     */
    answeredWith: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(599))),
    /** Visible reloads the extension made. */
    attempts: count,
    /** Background probes in watch mode. */
    probes: count,
    /** The status check's verdict for the incident, when one was made with third parties asked. */
    verdict: v.optional(VerdictSchema),
  }),
  v.readonly(),
);
export type HistoryEntry = v.InferOutput<typeof HistoryEntrySchema>;

/** What storage holds under {@link HISTORY_KEY}. */
export interface StoredHistory {
  readonly version: number;
  readonly entries: readonly HistoryEntry[];
}

interface HistoryLimits {
  /** Epoch ms. */
  readonly now: number;
  /** Days an entry is kept after it ended; 0 keeps none. */
  readonly retentionDays: number;
}

/**
 * The history with `incident` in it (replacing an earlier entry of the same incident), pruned.
 *
 * @param history - the current entries, newest first
 * @param incident - an incident that has ended; an active one, or a private window's, leaves the history as it is
 * @param status - the latest status check of the incident's host, if any: its verdict is kept when it speaks for
 *   this incident (see {@link verdictFor})
 * @returns a new array, newest first; `history` is not modified
 */
export function recordEnded(
  history: readonly HistoryEntry[],
  incident: Incident,
  limits: HistoryLimits,
  status?: StatusReport | null,
): HistoryEntry[] {
  if (incident.phase === 'retrying' || incident.phase === 'watching') return [...history];
  // A private window's incident is never written down: the history lives in `storage.local`, on disk (issue 15).
  if (incident.incognito === true) return [...history];
  const entry = entryOf(incident, limits.now, status);
  return pruneHistory([entry, ...history.filter((e) => e.id !== entry.id)], limits);
}

/** The entry for an ended incident: its host and figures, nothing of its URL. */
export function entryOf(incident: Incident, now: number, status?: StatusReport | null): HistoryEntry {
  const endedAt = incident.endedAt ?? now;
  const server = who(incident.gateway);
  const verdict = verdictFor(status, incident.startedAt, endedAt);
  const answered = siteAnswer(incident);
  return {
    id: incident.id,
    host: incident.host,
    code: incident.code,
    ...(server !== undefined ? { server } : {}),
    startedAt: incident.startedAt,
    endedAt,
    outcome: incident.phase as EndPhase,
    ...(incident.notRetriedReason !== undefined ? { notRetriedReason: incident.notRetriedReason } : {}),
    // A status outside HTTP's range (a hostile server's `999`) would make the entry unreadable: kept only when valid.
    ...(answered?.kind === 'answers-with' && answered.code >= 100 && answered.code <= 599 ? { answeredWith: answered.code } : {}),
    attempts: incident.attempts,
    probes: incident.probes,
    ...(verdict !== undefined ? { verdict } : {}),
  };
}

function who(gateway: Incident['gateway'] | undefined): string | undefined {
  const raw = gateway?.server ?? gateway?.via;
  if (typeof raw !== 'string') return undefined;
  const clean = cleanText(raw, MAX_SERVER_LENGTH);
  return clean === '' ? undefined : clean;
}

/**
 * The verdict a status report gives an incident, or `undefined` when it has none to give: no report, a report from
 * before the incident that had gone stale by then (see `isCurrentFor`), or one made without asking any third party
 * (no consent, a private host, a private window), whose "can't tell" says nothing about the site.
 *
 * @param startedAt - the incident's start, epoch ms
 * @param endedAt - the incident's end, epoch ms
 */
export function verdictFor(status: StatusReport | null | undefined, startedAt: number, endedAt: number): Verdict | undefined {
  if (status == null || status.limitedBy !== undefined) return undefined;
  return isCurrentFor(status, startedAt, endedAt) ? status.verdict : undefined;
}

/**
 * Gives the entry of incident `id` the verdict of a check that finished after the incident ended (a quick recovery,
 * or a not-retried incident, ends before check-host answers). An entry that has a verdict keeps it.
 *
 * @returns the same array when nothing changed, else a new one
 */
export function attachVerdict(history: readonly HistoryEntry[], id: string, status: StatusReport | null | undefined): readonly HistoryEntry[] {
  const i = history.findIndex((e) => e.id === id);
  const entry = history[i];
  if (entry === undefined || entry.verdict !== undefined || status == null || status.limitedBy !== undefined) return history;
  // The check was made for this incident (the caller knows its id), so its time needs no checking.
  const out = [...history];
  out[i] = { ...entry, verdict: status.verdict };
  return out;
}

/**
 * Keeps the entries within the limits: ended less than `retentionDays` ago, at most {@link MAX_HISTORY_ENTRIES},
 * and at most {@link MAX_HISTORY_BYTES} as UTF-8 JSON, dropping the oldest first. Also sorts newest first and drops
 * duplicate ids.
 */
export function pruneHistory(history: readonly HistoryEntry[], limits: HistoryLimits): HistoryEntry[] {
  const days = Number.isFinite(limits.retentionDays) ? Math.max(0, limits.retentionDays) : 0;
  if (days === 0) return [];
  const since = limits.now - days * DAY_MS;
  const seen = new Set<string>();
  const kept: HistoryEntry[] = [];
  for (const e of [...history].sort((a, b) => b.endedAt - a.endedAt || b.startedAt - a.startedAt)) {
    if (e.endedAt <= since || seen.has(e.id)) continue;
    seen.add(e.id);
    kept.push(e);
    if (kept.length === MAX_HISTORY_ENTRIES) break;
  }
  // Byte bound: the JSON of an entry is its size in the array, plus a comma.
  let bytes = 2;
  for (let i = 0; i < kept.length; i++) {
    bytes += byteLength(JSON.stringify(kept[i])) + (i > 0 ? 1 : 0);
    if (bytes > MAX_HISTORY_BYTES) return kept.slice(0, i);
  }
  return kept;
}

/** Bytes of `s` as UTF-8. */
export function byteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** What {@link HISTORY_KEY} should hold for `entries`. */
export function toStored(entries: readonly HistoryEntry[]): StoredHistory {
  return { version: HISTORY_VERSION, entries };
}

/**
 * Reads what storage holds under {@link HISTORY_KEY} (any shape: another version, a hand edit, a broken write).
 *
 * @returns the valid entries, newest first, and how many stored items were dropped; never throws
 */
export function parseHistory(raw: unknown): { entries: HistoryEntry[]; dropped: number } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { entries: [], dropped: raw === undefined ? 0 : 1 };
  const { version, entries } = raw as { version?: unknown; entries?: unknown };
  if (version !== HISTORY_VERSION || !Array.isArray(entries)) return { entries: [], dropped: 1 };
  const out: HistoryEntry[] = [];
  const seen = new Set<string>();
  const considered = entries.slice(0, MAX_RAW_ENTRIES);
  for (const item of considered) {
    const parsed = v.safeParse(HistoryEntrySchema, item);
    if (!parsed.success || seen.has(parsed.output.id) || parsed.output.endedAt < parsed.output.startedAt) continue;
    seen.add(parsed.output.id);
    const { server, ...rest } = parsed.output;
    out.push(server === undefined || server === '' ? rest : { ...rest, server });
  }
  out.sort((a, b) => b.endedAt - a.endedAt || b.startedAt - a.startedAt);
  return { entries: out, dropped: entries.length - out.length };
}

/**
 * How an entry ended, for people: "Recovered after 42 s", "Answered with 500 Internal Server Error after 3 min",
 * "Not retried: a form was sent".
 */
export function outcomeText(entry: HistoryEntry, render: (t: I18nText) => string): I18nText {
  const after = durationText(entry.endedAt - entry.startedAt, render);
  switch (entry.outcome) {
    case 'recovered':
      if (entry.answeredWith !== undefined) return { key: 'historyAnsweredWith', subs: [answerCodeWords(entry.answeredWith, render), after] };
      return { key: 'historyRecovered', subs: [after] };
    case 'gave-up':
      return { key: 'historyGaveUp', subs: [after] };
    case 'cancelled':
      return { key: 'historyCancelled', subs: [after] };
    case 'abandoned':
      return { key: 'historyAbandoned', subs: [after] };
    case 'not-retried':
      return { key: entry.notRetriedReason === 'never-retry' ? 'historyNotRetriedNeverRetry' : 'historyNotRetriedForm' };
  }
}

const VERDICT_KEYS: Record<Verdict, MessageKey> = {
  'down-for-everyone': 'historyVerdictDown',
  'up-elsewhere': 'historyVerdictUp',
  partial: 'historyVerdictPartial',
  unknown: 'historyVerdictUnknown',
};

/** The verdict column: "Down for everyone", ..., or "Not checked". */
export function verdictText(entry: HistoryEntry): I18nText {
  return { key: entry.verdict === undefined ? 'historyVerdictNone' : VERDICT_KEYS[entry.verdict] };
}

/** The code column: "502 Bad Gateway". */
export function codeText(entry: HistoryEntry, render: (t: I18nText) => string): I18nText {
  return { key: 'historyCode', subs: [String(entry.code), render(statusNameText(entry.code))] };
}
