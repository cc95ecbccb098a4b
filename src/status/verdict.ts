/**
 * "Down for everyone, or just me?": the verdict every status provider returns, and how the sources combine into one.
 *
 * A provider says what it saw as a {@link SourceReport}; it only ever claims `down-for-everyone`, `up-elsewhere` or
 * `partial` from an answer it could read and validate. Anything else (a timeout, HTML, a 429, a schema mismatch, too
 * few locations) is `unknown` with a {@link UnknownReason}: never "up".
 */
import { cleanText, type Text } from '../shared/text';

export { cleanText, safeLink } from '../shared/text';

export type Verdict = 'down-for-everyone' | 'up-elsewhere' | 'partial' | 'unknown';

/** Every source of evidence; `gateway` reads the error's own headers and sends nothing anywhere. */
export type ProviderId = 'gateway' | 'checkHost' | 'statusPage' | 'cdnStatus' | 'custom';

export type UnknownReasonCode =
  /** Automatic checks are off and the user did not ask for this one. */
  | 'no-consent'
  /** The host is private (loopback, LAN, `.local`, ...) and is never sent. */
  | 'private-host'
  /** The provider is turned off in the options. */
  | 'disabled'
  | 'timeout'
  | 'too-large'
  | 'not-json'
  /** JSON that does not have the documented shape. */
  | 'invalid-answer'
  /** The provider answered with an HTTP error status. */
  | 'http-error'
  /** The provider asked us to slow down (429, `Retry-After`), or our own per-provider limit holds the request. */
  | 'rate-limited'
  | 'network'
  /** Too few check locations reported in time for a vote. */
  | 'too-few-locations'
  /** The site has no status page we could find. */
  | 'no-status-page'
  /** The provider has nothing to say about this error (e.g. the CDN status when the CDN was not involved). */
  | 'not-applicable'
  /** The answer was read, and it says nothing either way (e.g. a status page reporting all systems operational). */
  | 'no-signal';

export interface UnknownReason {
  readonly code: UnknownReasonCode;
  /** For the log and the popup's details, in English; never shown as the main text. At most 300 characters. */
  readonly detail: string;
}

export type { GatewayHint } from '../gateway/headers';
import type { GatewayHint } from '../gateway/headers';

/** One source's evidence. Plain JSON: it is kept in `storage.session`. */
export interface SourceReport {
  readonly provider: ProviderId;
  readonly verdict: Verdict;
  /** What it saw, for people (e.g. "6 of 7 locations got 502"). */
  readonly evidence: Text;
  /** Set whenever `verdict` is `unknown`. */
  readonly reason?: UnknownReason;
  /** A public page with the full report (check-host's report, the status page); always an http(s) URL. */
  readonly link?: string;
  /** Epoch ms when the source answered (or gave up). */
  readonly checkedAt: number;
  /** Vote counts of a multi-location check. */
  readonly locations?: { readonly down: number; readonly up: number; readonly reported: number; readonly asked: number };
  /** Only from the `gateway` source. */
  readonly hint?: GatewayHint;
}

/** The combined answer for one host. */
export interface StatusReport {
  /** The host asked about (lowercase, IDN in punycode). */
  readonly host: string;
  readonly verdict: Verdict;
  readonly sources: readonly SourceReport[];
  /** Epoch ms when the check finished. */
  readonly checkedAt: number;
  /** Epoch ms after which the answer is stale and a new check may be made. */
  readonly expiresAt: number;
  /** Set when third parties were not asked at all, and why. */
  readonly limitedBy?: 'no-consent' | 'private-host' | 'incognito';
}

/**
 * Sources that measure the site from elsewhere (check-host's locations, the user's own monitors) outrank sources that
 * only report on it (a status page, which often lags an outage or speaks of one part of a service).
 */
const MEASURED: ReadonlySet<ProviderId> = new Set(['checkHost', 'custom']);

/**
 * Combines the sources' verdicts. The measuring sources that could tell (not `unknown`) decide; when none could, the
 * reporting ones do. Within the deciding group: all agree, that is the verdict; they disagree, it is `partial` (some
 * see the site down, some up); none could tell, it is `unknown`.
 */
export function combineVerdicts(sources: readonly Pick<SourceReport, 'verdict' | 'provider'>[]): Verdict {
  const known = sources.filter((s) => s.verdict !== 'unknown');
  const measured = known.filter((s) => MEASURED.has(s.provider));
  const deciding = new Set((measured.length > 0 ? measured : known).map((s) => s.verdict));
  if (deciding.size === 0) return 'unknown';
  if (deciding.size === 1) return [...deciding][0]!;
  return 'partial';
}

/** An `unknown` report with its reason; `evidence` defaults to the reason's own message key. */
export function unknownReport(provider: ProviderId, reason: UnknownReason, checkedAt: number, evidence?: Text): SourceReport {
  return {
    provider,
    verdict: 'unknown',
    evidence: evidence ?? { key: `reason_${reason.code.replace(/-/g, '_')}` },
    reason: { code: reason.code, detail: cleanText(reason.detail, 300) },
    checkedAt,
  };
}
