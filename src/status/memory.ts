/**
 * What the status check keeps between wakes, as plain JSON in `storage.session`: answers by host, status pages by
 * registrable domain, each provider's recent starts (its rate limit) and the incidents already checked. Read back
 * entry by entry against its schema, and kept bounded.
 */
import * as v from 'valibot';
import type { ThirdPartyProviderId } from '../settings/settings';
import { StatusPageRefSchema } from './provider';
import { StatusReportSchema } from './verdict';

/** Checks each provider may start per window; more are held back (`rate-limited`) so a burst of errors across many
 * tabs and sites cannot flood a provider. */
export const PROVIDER_LIMITS: Record<ThirdPartyProviderId, { readonly max: number; readonly windowMs: number }> = {
  checkHost: { max: 6, windowMs: 60_000 },
  // Each measurement spends `globalpingProbes` of the 250 tests an hour Globalping allows an IP address (shared by
  // everyone behind one NAT): 6 a minute at 5 probes is already 30 tests.
  globalping: { max: 6, windowMs: 60_000 },
  statusPage: { max: 12, windowMs: 60_000 },
  cdnStatus: { max: 6, windowMs: 60_000 },
  custom: { max: 12, windowMs: 60_000 },
};
/** Stored answers at most; the oldest go first. */
export const MAX_REPORTS = 100;
export const MAX_STATUS_PAGES = 200;

const finite = v.pipe(v.number(), v.finite());

/** What the checker keeps between wakes (plain JSON in `storage.session`), one entry of each map. */
const MemorySchemas = {
  /** By host. */
  reports: StatusReportSchema,
  /** By registrable domain; `page: null` means "it has none". */
  statusPages: v.object({ page: v.nullable(StatusPageRefSchema), expiresAt: finite }),
  /** By provider: when recent checks started (epoch ms), and a `Retry-After` hold (epoch ms). */
  limits: v.object({ starts: v.array(finite), blockedUntil: v.optional(finite) }),
  /** By incident id: when its automatic check finished (epoch ms), so a check lost with a stopped worker is redone
   * and a finished one is not. */
  incidents: finite,
};

/** What the checker keeps between wakes (plain JSON in `storage.session`); see {@link MemorySchemas}. */
export type StatusMemory = { [K in keyof typeof MemorySchemas]: Record<string, v.InferOutput<(typeof MemorySchemas)[K]>> };

export const EMPTY_MEMORY: StatusMemory = { reports: {}, statusPages: {}, limits: {}, incidents: {} };
/** Incidents remembered as checked, at most, and for how long, ms. */
export const MAX_CHECKED_INCIDENTS = 200;
const CHECKED_INCIDENT_TTL_MS = 2 * 60 * 60_000;

export interface StatusMemoryStore {
  load(): Promise<StatusMemory>;
  save(memory: StatusMemory): Promise<void>;
}

/** Drops expired and excess entries so the memory stays bounded. */
export function prune(memory: StatusMemory, now: number): void {
  const reports = Object.values(memory.reports).sort((a, b) => b.checkedAt - a.checkedAt);
  if (reports.length > MAX_REPORTS) memory.reports = Object.fromEntries(reports.slice(0, MAX_REPORTS).map((r) => [r.host, r]));
  const pages = Object.entries(memory.statusPages)
    .filter(([, e]) => e.expiresAt > now)
    .sort((a, b) => b[1].expiresAt - a[1].expiresAt)
    .slice(0, MAX_STATUS_PAGES);
  memory.statusPages = Object.fromEntries(pages);
  const checked = Object.entries(memory.incidents)
    .filter(([, at]) => at > now - CHECKED_INCIDENT_TTL_MS)
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_CHECKED_INCIDENTS);
  memory.incidents = Object.fromEntries(checked);
  for (const [id, limit] of Object.entries(memory.limits)) {
    const windowMs = PROVIDER_LIMITS[id as ThirdPartyProviderId]?.windowMs ?? 60_000;
    limit.starts = limit.starts.filter((t) => t > now - windowMs).slice(-50);
    if (limit.blockedUntil !== undefined && limit.blockedUntil <= now) delete limit.blockedUntil;
  }
}

/**
 * Reads stored memory defensively, entry by entry: an entry of another shape (another version, a corrupted store)
 * is dropped and the rest kept; never throws.
 */
export function parseMemory(raw: unknown): StatusMemory {
  const r = raw as Partial<Record<keyof StatusMemory, unknown>> | null | undefined;
  return {
    reports: validEntries(r?.reports, MemorySchemas.reports),
    statusPages: validEntries(r?.statusPages, MemorySchemas.statusPages),
    limits: validEntries(r?.limits, MemorySchemas.limits),
    incidents: validEntries(r?.incidents, MemorySchemas.incidents),
  };
}

function validEntries<T extends v.GenericSchema>(map: unknown, schema: T): Record<string, v.InferOutput<T>> {
  if (map === null || typeof map !== 'object' || Array.isArray(map)) return {};
  const out: Record<string, v.InferOutput<T>> = {};
  for (const [key, value] of Object.entries(map)) {
    const parsed = v.safeParse(schema, value);
    if (parsed.success) out[key] = parsed.output;
  }
  return out;
}
