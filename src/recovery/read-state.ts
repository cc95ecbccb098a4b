/**
 * Reads the recovery state back from `storage.session`, entry by entry: what does not pass its schema is dropped with
 * a short warning, and the rest is kept.
 */
import * as v from 'valibot';
import {
  EMPTY_STATE,
  INCIDENT,
  isActive,
  MAX_RELOAD_RECORDS,
  MAX_SUBRESOURCE_ERRORS,
  RELOAD_RECORD,
  SUBRESOURCE_ERROR,
  TAB_ENTRY,
  type Incident,
  type RecoveryState,
  type ReloadRecord,
  type SubresourceError,
  type TabEntry,
} from './state-schema';

/** Stored entries read at most; the writer keeps far fewer, so more means the data is not ours. */
const MAX_STORED_INCIDENTS = 1_000;
const MAX_STORED_TABS = 10_000;
/** Dropped entries told one by one in the log, at most; the rest are counted. */
const MAX_WARNINGS = 5;

/**
 * Reads what `storage.session` holds (any value: another version, a broken write, a hostile edit) as the state.
 *
 * Each incident, tab entry and sub-resource error is checked on its own: one that does not pass is dropped with a
 * short warning and the rest is kept, so one bad entry cannot make every later event fail. Tabs of a dropped
 * incident go too, as does a second incident with the same id or a second active one for the same origin (and
 * private-ness: `incognito`).
 *
 * @param raw - the stored value; `undefined` or `null` (nothing stored yet) is the empty state without a warning
 * @returns a state that passes {@link RECOVERY_STATE}; never throws
 */
export function parseRecoveryState(raw: unknown, log: Pick<Console, 'warn'>): RecoveryState {
  const dropped: string[] = [];
  try {
    if (raw === undefined || raw === null) return structuredClone(EMPTY_STATE);
    const state = readState(raw, dropped);
    if (state === null) {
      log.warn('recovery: stored state has an unknown shape; starting over');
      return structuredClone(EMPTY_STATE);
    }
    return state;
  } catch (err) {
    log.warn('recovery: stored state could not be read; starting over', err);
    return structuredClone(EMPTY_STATE);
  } finally {
    for (const d of dropped.slice(0, MAX_WARNINGS)) log.warn(`recovery: stored ${d}; dropped`);
    if (dropped.length > MAX_WARNINGS) log.warn(`recovery: ${dropped.length - MAX_WARNINGS} more stored entries dropped`);
  }
}

function readState(raw: unknown, dropped: string[]): RecoveryState | null {
  if (!isRecord(raw) || !Array.isArray(raw.incidents) || !isRecord(raw.tabs)) return null;
  const incidents: Incident[] = [];
  const activeOrigins = new Set<string>();
  for (const [n, item] of raw.incidents.slice(0, MAX_STORED_INCIDENTS).entries()) {
    const r = v.safeParse(INCIDENT, item);
    if (!r.success) dropped.push(`incident ${n} (${reason(r.issues)})`);
    else if (incidents.some((i) => i.id === r.output.id)) dropped.push(`incident ${n} (a second one with id ${r.output.id})`);
    else if (isActive(r.output) && activeOrigins.has(siteKey(r.output))) dropped.push(`incident ${n} (a second active one for its origin)`);
    else {
      if (isActive(r.output)) activeOrigins.add(siteKey(r.output));
      incidents.push(r.output);
    }
  }
  if (raw.incidents.length > MAX_STORED_INCIDENTS) dropped.push(`incidents past the first ${MAX_STORED_INCIDENTS}`);

  const ids = new Set(incidents.map((i) => i.id));
  const tabs: Record<string, TabEntry> = {};
  const keys = Object.keys(raw.tabs);
  for (const key of keys.slice(0, MAX_STORED_TABS)) {
    const r = v.safeParse(TAB_ENTRY, raw.tabs[key]);
    const name = `tab ${key.slice(0, 20)}`;
    if (!r.success) dropped.push(`${name} (${reason(r.issues)})`);
    else if (key !== String(r.output.tabId)) dropped.push(`${name} (keyed other than its tab id)`);
    else if (!ids.has(r.output.incidentId)) dropped.push(`${name} (its incident is gone)`);
    else tabs[key] = r.output;
  }
  if (keys.length > MAX_STORED_TABS) dropped.push(`tabs past the first ${MAX_STORED_TABS}`);

  const errors: SubresourceError[] = [];
  if (Array.isArray(raw.subresourceErrors)) {
    for (const [n, item] of raw.subresourceErrors.slice(-MAX_SUBRESOURCE_ERRORS).entries()) {
      const r = v.safeParse(SUBRESOURCE_ERROR, item);
      if (r.success) errors.push(r.output);
      else dropped.push(`sub-resource error ${n} (${reason(r.issues)})`);
    }
  } else if (raw.subresourceErrors !== undefined) {
    dropped.push('sub-resource errors (not a list)');
  }
  // The hourly reload cap's record: a bad entry costs only itself (the cap counts one reload less, at worst).
  const reloads: ReloadRecord[] = [];
  if (Array.isArray(raw.reloads)) {
    for (const [n, item] of raw.reloads.slice(-MAX_RELOAD_RECORDS).entries()) {
      const r = v.safeParse(RELOAD_RECORD, item);
      if (r.success) reloads.push(r.output);
      else dropped.push(`reload record ${n} (${reason(r.issues)})`);
    }
  } else if (raw.reloads !== undefined) {
    dropped.push('reload records (not a list)');
  }
  return { incidents, tabs, ...(errors.length > 0 ? { subresourceErrors: errors } : {}), ...(reloads.length > 0 ? { reloads } : {}) };
}

/** One key per site: a private window's incident and a normal one of the same origin are two sites (see `isOfSite`). */
function siteKey(incident: Incident): string {
  return `${incident.incognito === true ? 'private' : 'normal'} ${incident.origin}`;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** The first issue, short: where and what (a message can quote the whole offending value). */
function reason(issues: readonly v.BaseIssue<unknown>[]): string {
  const first = issues[0];
  if (first === undefined) return 'invalid';
  const path = v.getDotPath(first);
  const text = `${path === null ? '' : `${path}: `}${first.message}`;
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
