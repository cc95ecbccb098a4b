/**
 * The status check: asks the enabled providers about one host and combines their answers into a
 * {@link StatusReport}. It is where the privacy and good-citizen rules live:
 * - nothing leaves the browser without consent (automatic checks switched on, or a check the user asked for), never
 *   for a private host or one under a domain on the user's never-send list (`isWithheldHost`, the one rule every
 *   provider is behind), and never automatically from a private window;
 * - answers are cached per host (a "down" for about a minute, an "up" for about 5 minutes) and a site's status page
 *   (or its absence) per registrable domain for a day; concurrent asks for one host share one check;
 * - each provider has a rate limit, and its `Retry-After` holds it back (RFC 9110 §10.2.3);
 * - a whole check ends within {@link CHECK_DEADLINE_MS}, whatever the providers do.
 */
import { mayLookUp } from '../settings/consent';
import type { GatewayInfo } from '../recovery/classify';
import { parsePageAddress } from '../shared/page-address';
import { isNeverRetry } from '../recovery/never-retry';
import { activePause } from '../recovery/pause';
import { createSerialQueue } from '../shared/serial-queue';
import type { Settings, ThirdPartyProviderId } from '../settings/settings';
import { isPrivateAddress, isWithheldHost, loadPublicSuffixList, normaliseHost } from './host';
import type { HttpClient } from './http';
import { type ProviderContext, type ProviderOutcome, type StatusPageRef, type StatusProvider, type StatusQuery } from './provider';
import { checkHostProvider } from './providers/check-host';
import { globalpingProvider } from './providers/globalping';
import { customEndpointProvider } from './providers/custom-endpoint';
import { readGateway } from './gateway-report';
import { EMPTY_MEMORY, MAX_REPORTS, PROVIDER_LIMITS, prune, type StatusMemory, type StatusMemoryStore } from './memory';

export { EMPTY_MEMORY, MAX_CHECKED_INCIDENTS, MAX_REPORTS, MAX_STATUS_PAGES, parseMemory, PROVIDER_LIMITS, prune, type StatusMemory, type StatusMemoryStore } from './memory';
import { cdnStatusProvider, statusPageProvider } from './providers/status-page';
import { combineReport, combineVerdicts, unknownReport, type SourceReport, type StatusReport, type Verdict } from './verdict';

/** A whole check gives up after this long, ms; providers that have not answered by then count as `unknown`. */
export const CHECK_DEADLINE_MS = 20_000;

/** How long an answer is reused, ms, by verdict. */
export const REPORT_TTL_MS: Record<Verdict, number> = {
  'down-for-everyone': 60_000,
  partial: 60_000,
  'up-elsewhere': 5 * 60_000,
  unknown: 30_000,
};
/** How long a status page found (or not found) for a registrable domain is remembered, ms. */
export const STATUS_PAGE_TTL_MS = 24 * 60 * 60_000;

/** A provider's `Retry-After` is honoured within these bounds, ms. */
const RETRY_AFTER_MIN_MS = 1_000;
const RETRY_AFTER_MAX_MS = 60 * 60_000;

/** One ask. */
export interface StatusCheckRequest {
  /** The page (or origin) asked about; only its scheme, host and port are used. */
  readonly url: string;
  readonly code?: number;
  readonly gateway?: GatewayInfo;
  /** `user`: the user clicked "Check now" (consent for this check alone). `auto`: a gateway error started it. */
  readonly trigger: 'auto' | 'user';
  /**
   * The page is in a private window: never checked automatically; a check the user asks for skips the providers that
   * contact the site's own domain ({@link SITE_CONTACTING_PROVIDERS}), and its answer is kept in memory only.
   */
  readonly incognito?: boolean;
  /**
   * The site's server address as the browser reached it (`siteAddress` of the incident's connection). A private or
   * loopback one means an intranet site (or, in Chromium, which cannot tell, a proxy on the user's network): nothing
   * about it is sent, whatever its name.
   */
  readonly serverAddress?: string;
  /** The incident the check is for: recorded once the check has finished (see {@link StatusChecker.wasChecked}). */
  readonly incidentId?: string;
}

interface StatusCheckerDeps {
  readonly http: HttpClient;
  /** Epoch ms. */
  readonly now: () => number;
  readonly settings: () => Promise<Settings>;
  readonly store: StatusMemoryStore;
  readonly log: Pick<Console, 'warn'>;
  /** Waits `ms` ms or rejects when `signal` aborts; defaults to a timer. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Defaults to {@link CHECK_DEADLINE_MS}. */
  readonly deadlineMs?: number;
  /** The third-party providers, in display order; defaults to all. */
  readonly providers?: readonly StatusProvider[];
}

/**
 * Providers that send requests to the site's own domain (`status.<domain>` and the other status-page guesses): from
 * the background they go out of the regular profile, which would record a private window's site in its network state
 * (HSTS, alt-svc, cache), so a private window's check never asks them (issue 15, "Private windows stay private").
 */
export const SITE_CONTACTING_PROVIDERS: ReadonlySet<string> = new Set(['statusPage']);

export const THIRD_PARTY_PROVIDERS: readonly StatusProvider[] = [checkHostProvider, globalpingProvider, statusPageProvider, cdnStatusProvider, customEndpointProvider];

export type StatusChecker = ReturnType<typeof createStatusChecker>;

export function createStatusChecker(deps: StatusCheckerDeps) {
  const providers = deps.providers ?? THIRD_PARTY_PROVIDERS;
  const sleep = deps.sleep ?? defaultSleep;
  const deadlineMs = deps.deadlineMs ?? CHECK_DEADLINE_MS;
  /** Checks under way, by {@link flightKey}. */
  const inFlight = new Map<string, Promise<StatusReport>>();
  /** Answers of checks asked for in a private window, by host: this worker's memory only (issue 15). */
  const privateReports = new Map<string, StatusReport>();
  const writes = createSerialQueue();

  /** Read-modify-write of the memory, one at a time (providers finish concurrently). */
  function update<T>(change: (m: StatusMemory) => T): Promise<T> {
    const run = writes.run(async () => {
      const memory = await deps.store.load();
      const out = change(memory);
      prune(memory, deps.now());
      await deps.store.save(memory);
      return out;
    });
    void run.catch((err: unknown) => deps.log.warn('status: memory update failed', err));
    return run;
  }

  async function run(query: StatusQuery, settings: Settings, gateway: SourceReport, incidentId: string | undefined, incognito: boolean): Promise<StatusReport> {
    const memory = await deps.store.load();
    const now = deps.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DOMException('status check deadline', 'TimeoutError')), deadlineMs);
    const remembered = new Map<string, { page: StatusPageRef | null; ttlMs: number }>();
    const ctx: ProviderContext = {
      http: deps.http,
      now: deps.now,
      sleep,
      signal: controller.signal,
      settings,
      statusPages: {
        get: (domain) => {
          if (remembered.has(domain)) return remembered.get(domain)!.page;
          const e = memory.statusPages[domain];
          return e !== undefined && e.expiresAt > now ? e.page : undefined;
        },
        remember: (domain, page, ttlMs = STATUS_PAGE_TTL_MS) => void remembered.set(domain, { page, ttlMs }),
      },
    };
    const chosen = providers.filter(
      (p) => settings.statusProviders[p.id as ThirdPartyProviderId] === true && !(incognito && SITE_CONTACTING_PROVIDERS.has(p.id)) && p.applies(query, settings),
    );
    try {
      const outcomes = await Promise.all(chosen.map((p) => guarded(p, query, ctx)));
      const sources = [gateway, ...outcomes.map((o) => o.report)];
      const finished = deps.now();
      const { verdict, agreeing, disagreeing } = combineReport(sources);
      const report: StatusReport = { host: query.host, verdict, sources, agreeing, disagreeing, checkedAt: finished, expiresAt: finished + REPORT_TTL_MS[verdict] };
      if (incognito) {
        if (privateReports.size >= MAX_REPORTS) privateReports.clear();
        privateReports.set(query.host, report);
      }
      await update((m) => {
        // A private window's answer names its site: only the providers' limits (no host in them) are stored.
        if (!incognito) {
          m.reports[query.host] = report;
          if (incidentId !== undefined) m.incidents[incidentId] = finished;
          for (const [domain, { page, ttlMs }] of remembered) m.statusPages[domain] = { page, expiresAt: finished + ttlMs };
        }
        chosen.forEach((p, i) => {
          const o = outcomes[i]!;
          const limit = (m.limits[p.id] ??= { starts: [] });
          const wait = o.retryAfterMs;
          if (wait !== undefined) limit.blockedUntil = finished + Math.min(Math.max(wait, RETRY_AFTER_MIN_MS), RETRY_AFTER_MAX_MS);
        });
      });
      for (const s of sources) {
        if (s.reason !== undefined && s.reason.code !== 'no-signal' && s.reason.code !== 'no-status-page') {
          deps.log.warn(`status: ${s.provider} for ${query.host}: ${s.reason.code} (${s.reason.detail})`);
        }
      }
      return report;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Takes a slot of the provider's rate limit, or says why not. The slot is written before the provider is asked,
   * one reservation at a time, so a burst of concurrent checks cannot all pass on the same stale count.
   */
  function reserve(id: ThirdPartyProviderId): Promise<string | null> {
    return update((m) => {
      const now = deps.now();
      const limit = (m.limits[id] ??= { starts: [] });
      const { max, windowMs } = PROVIDER_LIMITS[id];
      if (limit.blockedUntil !== undefined && limit.blockedUntil > now) {
        return `provider asked to wait; ${Math.ceil((limit.blockedUntil - now) / 1000)} s left`;
      }
      if (limit.starts.filter((t) => t > now - windowMs).length >= max) return `more than ${max} checks in ${windowMs / 1000} s`;
      limit.starts.push(now);
      return null;
    });
  }

  /**
   * Runs one provider under its rate limit. A provider that throws, or that is still busy at the deadline whatever
   * it made of the abort signal, yields `unknown`: the check itself always ends.
   */
  async function guarded(p: StatusProvider, query: StatusQuery, ctx: ProviderContext): Promise<ProviderOutcome & { started: boolean }> {
    const refused = await reserve(p.id as ThirdPartyProviderId).catch(() => 'rate limit unreadable');
    if (refused !== null) return { started: false, report: unknownReport(p.id, { code: 'rate-limited', detail: refused }, deps.now()) };
    const deadline = new Promise<ProviderOutcome>((resolve) => {
      const give = () => resolve({ report: unknownReport(p.id, { code: 'timeout', detail: 'no answer by the deadline' }, deps.now()) });
      if (ctx.signal.aborted) give();
      else ctx.signal.addEventListener('abort', give, { once: true });
    });
    try {
      return { ...(await Promise.race([p.check(query, ctx), deadline])), started: true };
    } catch (err) {
      const detail = err instanceof Error ? `${err.name}: ${err.message}` : 'failed';
      return { started: true, report: unknownReport(p.id, { code: ctx.signal.aborted ? 'timeout' : 'invalid-answer', detail }, deps.now()) };
    }
  }

  return {
    /**
     * Answers "down for everyone, or just me?" for the page at `request.url`. Never rejects: every failure is an
     * `unknown` source with its reason. When third parties may not be asked, the report carries only what the
     * error's headers say and `limitedBy` says why.
     */
    async check(request: StatusCheckRequest): Promise<StatusReport> {
      const now = deps.now();
      const address = parsePageAddress(request.url);
      const host = address === null ? null : normaliseHost(address.host);
      const gateway = readGateway(request, now);
      const limited = (limitedBy: NonNullable<StatusReport['limitedBy']>, h: string): StatusReport => ({
        host: h,
        verdict: combineVerdicts([gateway]),
        sources: [gateway],
        checkedAt: now,
        expiresAt: now,
        limitedBy,
      });
      if (address === null || host === null) return limited('private-host', host ?? 'invalid');
      // A public-looking name the browser reached at a private address (split DNS, an intranet name under a public
      // domain): an intranet site.
      if (request.serverAddress !== undefined && isPrivateAddress(request.serverAddress)) return limited('private-host', host);
      // The private-host rule and the status-page lookup read the Public Suffix List. Whatever the trigger, a private
      // host or a never-send domain goes to no provider: check-host, status pages, Globalping, the custom endpoint.
      const [settings] = await Promise.all([deps.settings(), loadPublicSuffixList()]);
      if (isWithheldHost(host, settings.neverSend)) return limited('private-host', host);
      // One consent rule (`src/settings/consent.ts`), for automatic checks and "Check now" alike.
      if (!mayLookUp(settings, request.trigger)) return limited('no-consent', host);
      if (request.trigger === 'auto' && request.incognito === true) return limited('incognito', host);
      // A site on the never-retry list is left alone: no automatic check either. "Check now" is the user asking about
      // this one site, so it still runs (consent for it alone, like any check the user starts).
      if (request.trigger === 'auto' && isNeverRetry(host, settings.neverRetry)) return limited('never-retry', host);
      // The user's pause holds: no automatic check for any site (see `pause.ts`); it is made once the pause is over
      // (a limited answer records no check for the incident). "Check now" still runs.
      if (request.trigger === 'auto' && activePause(settings.pausedUntil, now) !== null) return limited('paused', host);

      const incognito = request.incognito === true;
      const cached = (incognito ? privateReports.get(host) : undefined) ?? (await deps.store.load()).reports[host];
      // A cached "unknown" is not reused when the user asks: they want a fresh try.
      if (cached !== undefined && cached.expiresAt > now && (request.trigger === 'auto' || cached.verdict !== 'unknown')) {
        const id = request.incidentId;
        if (id !== undefined) await update((m) => void (m.incidents[id] = now)).catch(() => undefined);
        return cached;
      }
      const key = flightKey(host, incognito);
      const pending = inFlight.get(key);
      if (pending !== undefined) return pending;
      const query: StatusQuery = {
        host,
        origin: address.origin,
        ...(request.code !== undefined ? { code: request.code } : {}),
        ...(request.gateway !== undefined ? { gateway: request.gateway } : {}),
      };
      const check = run(query, settings, gateway, request.incidentId, incognito)
        .catch((err: unknown): StatusReport => {
          deps.log.warn('status: check failed', err);
          const failed = unknownReport('gateway', { code: 'network', detail: String(err).slice(0, 200) }, deps.now());
          return { host, verdict: 'unknown', sources: [gateway, failed], checkedAt: deps.now(), expiresAt: deps.now() };
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, check);
      return check;
    },

    /**
     * The latest answer for `host` (fresh or stale), or `null`. A private window's view (`incognito`) sees the answers
     * of checks asked for in private windows first; a normal window's never does.
     */
    async latest(host: string, incognito = false): Promise<StatusReport | null> {
      const h = normaliseHost(host);
      if (h === null) return null;
      return (incognito ? privateReports.get(h) : undefined) ?? (await deps.store.load()).reports[h] ?? null;
    },

    /** Forgets the answers of checks asked for in private windows: the last private window closed (issue 15). */
    forgetPrivate(): void {
      privateReports.clear();
    },

    /** True once the automatic check of incident `id` has an answer (its own or a cached one). */
    async wasChecked(id: string): Promise<boolean> {
      return Object.hasOwn((await deps.store.load()).incidents, id);
    },

    /** True while a check of `host` runs in this worker. */
    isChecking(host: string): boolean {
      const h = normaliseHost(host);
      return h !== null && (inFlight.has(flightKey(h, false)) || inFlight.has(flightKey(h, true)));
    },
  };
}

/** A private window's check and a normal one of the same host never share a flight (nor its answer's storage). */
function flightKey(host: string, incognito: boolean): string {
  return `${incognito ? 'private' : 'normal'} ${host}`;
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
