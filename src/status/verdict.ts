/**
 * "Down for everyone, or just me?": the verdict every status provider returns, and how the sources combine into one.
 *
 * A provider says what it saw as a {@link SourceReport}; it only ever claims `down-for-everyone`, `up-elsewhere` or
 * `partial` from an answer it could read and validate. Anything else (a timeout, HTML, a 429, a schema mismatch, too
 * few locations) is `unknown` with a {@link UnknownReason}: never "up".
 */
import ipaddr from 'ipaddr.js';
import * as v from 'valibot';
import type { GatewayHint } from '../gateway/headers';
import { cleanText, type EvidenceKey, type I18nText } from '../shared/text';

export { cleanText, safeLink } from '../shared/text';
export type { GatewayHint } from '../gateway/headers';

/*
 * The schemas below are the types' one definition: a report is plain JSON kept in `storage.session`, and what is read
 * back from there is parsed with these same schemas (see `parseMemory` in `checker.ts`).
 */

const epochMs = v.pipe(v.number(), v.finite());

export const VerdictSchema = v.picklist(['down-for-everyone', 'up-elsewhere', 'partial', 'unknown']);
export type Verdict = v.InferOutput<typeof VerdictSchema>;

/** Every source of evidence; `gateway` reads the error's own headers and sends nothing anywhere. */
const ProviderIdSchema = v.picklist(['gateway', 'checkHost', 'globalping', 'statusPage', 'cdnStatus', 'custom']);
export type ProviderId = v.InferOutput<typeof ProviderIdSchema>;

const UnknownReasonCodeSchema = v.picklist([
  /** Automatic checks are off and the user did not ask for this one. */
  'no-consent',
  /** The host is private (loopback, LAN, `.local`, ...) and is never sent. */
  'private-host',
  /** The provider is turned off in the options. */
  'disabled',
  'timeout',
  'too-large',
  'not-json',
  /** JSON that does not have the documented shape. */
  'invalid-answer',
  /** The provider answered with an HTTP error status. */
  'http-error',
  /**
   * The answer was a redirect that is not followed: not https, not on the same registrable domain, to a private
   * address, more than `MAX_REDIRECT_HOPS`, or to a target the browser does not show (`fetch`'s opaque redirect).
   */
  'redirect',
  /** The provider asked us to slow down (429, `Retry-After`), or our own per-provider limit holds the request. */
  'rate-limited',
  'network',
  /** Too few check locations reported in time for a vote. */
  'too-few-locations',
  /** The site has no status page we could find. */
  'no-status-page',
  /** The provider has nothing to say about this error (e.g. the CDN status when the CDN was not involved). */
  'not-applicable',
  /** The answer was read, and it says nothing either way (e.g. a status page reporting all systems operational). */
  'no-signal',
]);
export type UnknownReasonCode = v.InferOutput<typeof UnknownReasonCodeSchema>;

const UnknownReasonSchema = v.pipe(
  v.object({
    code: UnknownReasonCodeSchema,
    /** For the log and the popup's details, in English; never shown as the main text. At most 300 characters. */
    detail: v.string(),
  }),
  v.readonly(),
);
export type UnknownReason = v.InferOutput<typeof UnknownReasonSchema>;

/** The message key that says each reason to people. */
const REASON_KEYS = {
  'no-consent': 'reason_no_consent',
  'private-host': 'reason_private_host',
  disabled: 'reason_disabled',
  timeout: 'reason_timeout',
  'too-large': 'reason_too_large',
  'not-json': 'reason_not_json',
  'invalid-answer': 'reason_invalid_answer',
  'http-error': 'reason_http_error',
  redirect: 'reason_redirect',
  'rate-limited': 'reason_rate_limited',
  network: 'reason_network',
  'too-few-locations': 'reason_too_few_locations',
  'no-status-page': 'reason_no_status_page',
  'not-applicable': 'reason_not_applicable',
  'no-signal': 'reason_no_signal',
} as const satisfies Record<UnknownReasonCode, EvidenceKey>;

/** The message key of an {@link UnknownReason}, e.g. `reason_rate_limited`. */
export function reasonKey(code: UnknownReasonCode): EvidenceKey {
  return REASON_KEYS[code];
}

/**
 * Every evidence key, so a stored report naming a key this version does not have (another version wrote it) is
 * dropped rather than shown as a raw key. The compiler checks the table against `messages.json` both ways: a key
 * missing here, or one here that is not an evidence message, is a type error.
 */
const EVIDENCE_KEYS = {
  evidenceCloudflareOrigin: true,
  evidenceEdgeOriginFailed: true,
  evidenceSiteEdge: true,
  evidenceSiteHost: true,
  evidenceSiteGateway: true,
  evidenceProxyError: true,
  // Written by versions before the signature table (a bare Via read as "a proxy"); still shown when read back.
  evidenceProxy: true,
  evidenceCannotTell: true,
  evidenceUnknownVia: true,
  evidenceNoServer: true,
  evidenceTooFewLocations: true,
  evidenceLocationsNoConnection: true,
  evidenceLocationsDown: true,
  evidenceLocationsUp: true,
  evidenceLocationsMixed: true,
  evidencePageOperational: true,
  evidencePageMinor: true,
  evidencePageMajor: true,
  evidencePageMaintenance: true,
  evidencePageMaintenanceAll: true,
  evidencePageMaintenancePartial: true,
  evidencePageIncident: true,
  evidencePageIncidentMajor: true,
  evidenceCdnOperational: true,
  evidenceCdnMinor: true,
  evidenceCdnMajor: true,
  evidenceCdnMaintenance: true,
  evidenceNoStatusPage: true,
  evidenceMonitors: true,
  evidenceNoMonitor: true,
  reason_no_consent: true,
  reason_private_host: true,
  reason_disabled: true,
  reason_timeout: true,
  reason_too_large: true,
  reason_not_json: true,
  reason_invalid_answer: true,
  reason_http_error: true,
  reason_redirect: true,
  reason_rate_limited: true,
  reason_network: true,
  reason_too_few_locations: true,
  reason_no_status_page: true,
  reason_not_applicable: true,
  reason_no_signal: true,
} satisfies Record<EvidenceKey, true>;

function isEvidenceKey(x: unknown): x is EvidenceKey {
  return typeof x === 'string' && Object.hasOwn(EVIDENCE_KEYS, x);
}

/** A source's evidence: an evidence key with its substitutions (see `I18nText` in `src/shared/text.ts`). */
const EvidenceSchema = v.pipe(
  v.object({
    key: v.custom<EvidenceKey>(isEvidenceKey, 'not an evidence message key'),
    subs: v.optional(v.pipe(v.array(v.string()), v.readonly())),
  }),
  v.readonly(),
);

const count = v.pipe(v.number(), v.integer(), v.minValue(0));

/** Most outside addresses a report keeps: a CDN answers from many, and the comparison needs only a sample. */
export const MAX_ADDRESSES = 16;

/**
 * An IP address as ipaddr.js reads it, in its normal form (IPv4 dotted quad, IPv6 in RFC 5952 short form), or
 * `undefined`. Only strict four-part IPv4 is taken: `ipaddr.parse` also reads `0x7f.1` and the like, which no
 * location reports.
 */
export function normaliseAddress(x: unknown): string | undefined {
  if (typeof x !== 'string' || x.length > 45) return undefined;
  try {
    if (ipaddr.IPv4.isValidFourPartDecimal(x)) return ipaddr.IPv4.parse(x).toString();
    if (ipaddr.IPv6.isValid(x) && !x.includes('%')) return ipaddr.IPv6.parse(x).toRFC5952String();
  } catch {
    return undefined;
  }
  return undefined;
}

/** The distinct valid addresses among `xs`, in first-seen order, at most {@link MAX_ADDRESSES}. */
export function collectAddresses(xs: Iterable<unknown>): string[] {
  const out = new Set<string>();
  for (const x of xs) {
    const a = normaliseAddress(x);
    if (a !== undefined) out.add(a);
    if (out.size >= MAX_ADDRESSES) break;
  }
  return [...out];
}

const AddressSchema = v.custom<string>((x) => typeof x === 'string' && normaliseAddress(x) === x, 'not an IP address in normal form');

/** One source's evidence. */
const SourceReportSchema = v.pipe(
  v.object({
    provider: ProviderIdSchema,
    verdict: VerdictSchema,
    /** What it saw, for people (e.g. "6 of 7 locations got 502"). */
    evidence: EvidenceSchema,
    /** Set whenever `verdict` is `unknown`. */
    reason: v.optional(UnknownReasonSchema),
    /** A public page with the full report (check-host's report, the status page); always an http(s) URL. */
    link: v.optional(v.string()),
    /** Epoch ms when the source answered (or gave up). */
    checkedAt: epochMs,
    /** Vote counts of a multi-location check. */
    locations: v.optional(v.pipe(v.object({ down: count, up: count, reported: count, asked: count }), v.readonly())),
    /**
     * The addresses the outside locations reached (check-host's per-node IP, Globalping's `resolvedAddress`), distinct,
     * in normal form, at most {@link MAX_ADDRESSES}: to compare with the address the browser connected to (a stale DNS
     * entry or a proxy shows as an address no location reached; CDNs answer from many addresses, so a miss is a hint).
     */
    addresses: v.optional(v.pipe(v.array(AddressSchema), v.maxLength(MAX_ADDRESSES), v.readonly())),
    /** Only from the `gateway` source. */
    hint: v.optional(v.picklist(['site-gateway', 'cdn-origin-failed', 'site-edge', 'user-proxy'] satisfies GatewayHint[])),
  }),
  v.readonly(),
);
export type SourceReport = v.InferOutput<typeof SourceReportSchema>;

/** The combined answer for one host. */
export const StatusReportSchema = v.pipe(
  v.object({
    /** The host asked about (lowercase, IDN in punycode). */
    host: v.string(),
    verdict: VerdictSchema,
    sources: v.pipe(v.array(SourceReportSchema), v.readonly()),
    /** Epoch ms when the check finished. */
    checkedAt: epochMs,
    /** Epoch ms after which the answer is stale and a new check may be made. */
    expiresAt: epochMs,
    /** The sources that decided the verdict and said the same (see {@link combineReport}); absent on older reports. */
    agreeing: v.optional(v.pipe(v.array(ProviderIdSchema), v.readonly())),
    /** The deciding sources that said something else. */
    disagreeing: v.optional(v.pipe(v.array(ProviderIdSchema), v.readonly())),
    /** Set when third parties were not asked at all, and why (`never-retry`, `paused`: an automatic check of such a site, or during the user's pause). */
    limitedBy: v.optional(v.picklist(['no-consent', 'private-host', 'incognito', 'never-retry', 'paused'])),
  }),
  v.readonly(),
);
export type StatusReport = v.InferOutput<typeof StatusReportSchema>;

/**
 * Sources that measure the site from elsewhere (check-host's locations, the user's own monitors) outrank sources that
 * only report on it (a status page, which often lags an outage or speaks of one part of a service).
 */
const MEASURED: ReadonlySet<ProviderId> = new Set(['checkHost', 'globalping', 'custom']);

/** The combined verdict, and which deciding sources said it and which said something else. */
export interface Combined {
  readonly verdict: Verdict;
  /** Deciding sources whose own verdict is the combined one, in the sources' order. */
  readonly agreeing: readonly ProviderId[];
  /** Deciding sources whose own verdict differs (so the combined one is `partial`). */
  readonly disagreeing: readonly ProviderId[];
}

/**
 * Combines the sources' verdicts. The measuring sources that could tell (not `unknown`) decide; when none could, the
 * reporting ones do. Within the deciding group: all agree, that is the verdict; they disagree, it is `partial` (some
 * see the site down, some up); none could tell, it is `unknown`.
 *
 * A reporting source alone never makes "down for everyone": a status page is found by guessing names, and a page on a
 * name the site does not control can be squatted (issue 15). Without a measuring source agreeing, its "major outage"
 * counts as `partial`, which the view words as "the site reports an incident" ({@link isReportedOnly}).
 */
export function combineReport(sources: readonly Pick<SourceReport, 'verdict' | 'provider'>[]): Combined {
  const known = sources.filter((s) => s.verdict !== 'unknown');
  const measured = known.filter((s) => MEASURED.has(s.provider));
  const group = measured.length > 0 ? measured : known;
  const said = new Set(group.map((s) => s.verdict));
  const combined: Verdict = said.size === 0 ? 'unknown' : said.size === 1 ? [...said][0]! : 'partial';
  const verdict: Verdict = measured.length === 0 && combined === 'down-for-everyone' ? 'partial' : combined;
  const agreesWith = (s: Pick<SourceReport, 'verdict'>) => s.verdict === verdict || (verdict !== combined && s.verdict === combined);
  return {
    verdict,
    agreeing: group.filter(agreesWith).map((s) => s.provider),
    disagreeing: group.filter((s) => !agreesWith(s)).map((s) => s.provider),
  };
}

/**
 * True when the report's verdict rests on reporting sources alone (a status page), none measuring the site from
 * elsewhere: the view then says "the site reports an incident", never "down for everyone". Reports stored before
 * `agreeing` existed are judged by their sources.
 */
export function isReportedOnly(report: Pick<StatusReport, 'verdict' | 'sources' | 'agreeing'>): boolean {
  if (report.verdict === 'unknown') return false;
  const deciding = report.agreeing ?? report.sources.filter((s) => s.verdict !== 'unknown').map((s) => s.provider);
  return deciding.length > 0 && deciding.every((p) => !MEASURED.has(p));
}

/** The combined verdict alone; see {@link combineReport}. */
export function combineVerdicts(sources: readonly Pick<SourceReport, 'verdict' | 'provider'>[]): Verdict {
  return combineReport(sources).verdict;
}

/** An `unknown` report with its reason; `evidence` defaults to the reason's own message key. */
export function unknownReport(provider: ProviderId, reason: UnknownReason, checkedAt: number, evidence?: I18nText<EvidenceKey>): SourceReport {
  return {
    provider,
    verdict: 'unknown',
    evidence: evidence ?? { key: reasonKey(reason.code) },
    reason: { code: reason.code, detail: cleanText(reason.detail, 300) },
    checkedAt,
  };
}
