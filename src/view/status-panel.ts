/**
 * "Down for everyone, or just you?" as the popup shows it: the verdict with its advice, each source with its
 * evidence, and whether a check may be offered. Part of the one view model (`incident-view.ts`). Pure.
 */
import { isSiteSide } from '../gateway/who-answered';
import type { ConsentChange } from '../settings/consent';
import type { MessageKey, I18nText } from '../shared/text';
import { verdictHeadline } from '../status/describe-status';
import { isReportedOnly, type GatewayHint, type ProviderId, type SourceReport, type StatusReport, type Verdict } from '../status/verdict';

/** What the background knows of the status check of an incident's host. */
export interface StatusFacts {
  /** The latest answer for the host (possibly stale: see its `checkedAt`), or `null`. */
  readonly report: StatusReport | null;
  /** A check of the host is under way. */
  readonly checking: boolean;
  /** The user has switched automatic checks on, for what is configured now (`consentStatus` is `given`). */
  readonly autoCheck: boolean;
  /**
   * The user's "yes" covers other addresses, providers or codes than those configured now (`consentStatus` is
   * `outdated`): what changed. Absent otherwise. No check and no archive lookup goes out until they agree again.
   */
  readonly consentChanges?: readonly ConsentChange[];
  /**
   * The host is never sent to a status provider: private (localhost, LAN, an address spelled in a nip.io name, a
   * tailnet, ...) or under a domain on the user's never-send list (`isWithheldHost`).
   */
  readonly privateHost: boolean;
}

/** One source's line under the verdict. */
export interface EvidenceLine {
  readonly provider: ProviderId;
  readonly verdict: Verdict;
  /** The source's name, e.g. "check-host.net". */
  readonly label: I18nText;
  readonly evidence: I18nText;
  /** A public page with the full report; an http(s) URL. */
  readonly link?: string;
}

/**
 * Which sources agreed on the verdict, e.g. "check-host.net and Globalping agree: down from 9 of 10 places.": a
 * message whose first substitution is the sources' names joined (see {@link agreementText}) and whose others are
 * `subs`.
 */
export interface AgreementLine {
  readonly key: MessageKey;
  /** The sources' names, in the report's order. */
  readonly names: readonly I18nText[];
  /** The message's `$2`, `$3`, ... */
  readonly subs: readonly string[];
}

export interface StatusPanel {
  readonly checking: boolean;
  /** The host is never sent anywhere: no check is offered. */
  readonly privateHost: boolean;
  /**
   * The latest answer for the host, however old (the popup says how old), or `null` when none came or third parties
   * were not asked.
   */
  readonly verdict: null | {
    readonly verdict: Verdict;
    readonly headline: I18nText;
    readonly advice: I18nText;
    readonly evidence: readonly EvidenceLine[];
    /** Whether two or more deciding sources agreed, or disagreed; `null` when fewer than two decided. */
    readonly agreement: AgreementLine | null;
    /** Epoch ms; the popup says how long ago. */
    readonly checkedAt: number;
  };
  /** The check button's label ("Check now" or "Check again"). */
  readonly checkLabel: I18nText;
  /** What a check would send, said before the user's first consent; `null` once automatic checks are on. */
  readonly whatIsSent: I18nText | null;
  /** The private-host note (or the intranet note: a public-looking name at a private address), or `null`. */
  readonly privateNote: I18nText | null;
  /**
   * The consent no longer covers what is configured: one line per change, and the popup asks the user to agree again
   * (in the options, where the addresses are listed) instead of offering a check. `null` otherwise.
   */
  readonly consentOutdated: readonly I18nText[] | null;
}

/** How each change of a consent's scope is named to people. */
export const CONSENT_CHANGE_KEY: { readonly [K in ConsentChange]: MessageKey } = {
  checkHost: 'consentChangeCheckHost',
  globalping: 'consentChangeGlobalping',
  cloudflareStatus: 'consentChangeCloudflareStatus',
  statusPageTemplates: 'consentChangeStatusPageTemplates',
  customEndpoint: 'consentChangeCustomEndpoint',
  archive: 'consentChangeArchive',
  providers: 'consentChangeProviders',
  codes: 'consentChangeCodes',
};

const PROVIDER_KEY: Record<ProviderId, MessageKey> = {
  gateway: 'providerGateway',
  checkHost: 'providerCheckHost',
  globalping: 'providerGlobalping',
  statusPage: 'providerStatusPage',
  cdnStatus: 'providerCdnStatus',
  custom: 'providerCustom',
};

const ADVICE_KEY: Record<Verdict, MessageKey> = {
  'down-for-everyone': 'verdictDownAdvice',
  'up-elsewhere': 'verdictUpAdvice',
  partial: 'verdictPartialAdvice',
  unknown: 'verdictUnknownAdvice',
};

/**
 * What to tell the user, from the verdict and from who answered the error: when the site's own gateway, host or CDN
 * answered, the user's DNS and connection demonstrably work, so "up elsewhere" cannot be blamed on them and "can't
 * tell" still means the fault is on the site's side; when a proxy answered with its own error page, the proxy, a VPN
 * or the network are the candidates, whatever the sources say short of "down for everyone".
 *
 * @param underWay - the extension still retries or watches, so it will reload the page by itself
 * @param reportedOnly - only the site's status page said so (`isReportedOnly`): it reports an incident, and nothing
 *   from elsewhere confirmed it
 */
export function adviceKey(verdict: Verdict, hint: GatewayHint | undefined, underWay: boolean, reportedOnly = false): MessageKey {
  if (reportedOnly) return 'verdictSiteReportsAdvice';
  // Nothing promises a reload by itself once the retries ended.
  if (verdict === 'down-for-everyone' && !underWay) return 'verdictDownAdviceStopped';
  const siteSide = isSiteSide(hint);
  if (verdict === 'up-elsewhere' && siteSide) return 'verdictUpAdviceSiteGateway';
  if (verdict === 'up-elsewhere' && hint === 'user-proxy') return 'verdictUpAdviceProxy';
  if (verdict === 'unknown' && siteSide) return 'verdictUnknownAdviceSiteGateway';
  if (verdict === 'unknown' && hint === 'user-proxy') return 'verdictUnknownAdviceProxy';
  return ADVICE_KEY[verdict];
}

/**
 * The panel for an incident's host.
 *
 * @param hint - what the error's own headers say (`gatewayHint`, weighed against the browser's own facts)
 * @param intranetAddress - the site's private server address, when the browser reached it at one: an intranet site,
 *   never checked from outside, and the note says why
 */
export function buildStatusPanel(
  facts: StatusFacts,
  hint: GatewayHint | undefined,
  host: string,
  underWay: boolean,
  intranetAddress?: string,
): StatusPanel {
  const intranet = intranetAddress !== undefined && !facts.privateHost;
  // An intranet site is never checked from outside: an answer stored for its name before says nothing about it.
  const shown = !intranet && facts.report !== null && facts.report.limitedBy === undefined ? facts.report : null;
  return {
    checking: facts.checking && !intranet,
    privateHost: facts.privateHost || intranet,
    verdict:
      shown === null
        ? null
        : {
            verdict: shown.verdict,
            headline: verdictHeadline(shown),
            advice: { key: adviceKey(shown.verdict, hint, underWay, isReportedOnly(shown)) },
            evidence: shown.sources.map((s) => ({
              provider: s.provider,
              verdict: s.verdict,
              label: { key: PROVIDER_KEY[s.provider] },
              evidence: s.evidence,
              ...(s.link !== undefined ? { link: s.link } : {}),
            })),
            agreement: agreementLine(shown),
            checkedAt: shown.checkedAt,
          },
    checkLabel: { key: shown === null ? 'popupStatusCheckNow' : 'popupStatusCheckAgain' },
    whatIsSent: facts.autoCheck ? null : { key: 'popupStatusWhatIsSent', subs: [host] },
    privateNote: facts.privateHost
      ? { key: 'popupStatusPrivate', subs: [host] }
      : intranet
        ? { key: 'popupStatusIntranet', subs: [host, intranetAddress] }
        : null,
    consentOutdated: facts.consentChanges === undefined ? null : facts.consentChanges.map((c) => ({ key: CONSENT_CHANGE_KEY[c] })),
  };
}

/**
 * Which deciding sources agreed (`StatusReport.agreeing`) or disagreed, with their places summed, or `null` when fewer
 * than two sources decided (one source agreeing with itself says nothing).
 */
export function agreementLine(report: Pick<StatusReport, 'verdict' | 'sources' | 'agreeing' | 'disagreeing'>): AgreementLine | null {
  const agreeing = report.agreeing ?? [];
  const disagreeing = report.disagreeing ?? [];
  const deciding = report.sources.filter((s) => agreeing.includes(s.provider) || disagreeing.includes(s.provider));
  if (deciding.length < 2) return null;
  const names = deciding.map((s) => ({ key: PROVIDER_KEY[s.provider] }));
  const sum = (pick: (l: NonNullable<SourceReport['locations']>) => number) =>
    deciding.reduce((n, s) => n + (s.locations === undefined ? 0 : pick(s.locations)), 0);
  const counted = deciding.some((s) => s.locations !== undefined && s.locations.reported > 0);
  const reported = String(sum((l) => l.reported));
  if (disagreeing.length > 0) {
    return counted ? { key: 'statusSourcesDisagree', names, subs: [String(sum((l) => l.down)), String(sum((l) => l.up))] } : null;
  }
  if (counted && report.verdict === 'down-for-everyone') return { key: 'statusSourcesAgreeDown', names, subs: [String(sum((l) => l.down)), reported] };
  if (counted && report.verdict === 'up-elsewhere') return { key: 'statusSourcesAgreeUp', names, subs: [String(sum((l) => l.up)), reported] };
  return { key: 'statusSourcesAgree', names, subs: [] };
}

/** The line as text: the names joined pairwise ("a and b", "a and b and c"), then the message. */
export function agreementText(line: AgreementLine, render: (t: I18nText) => string): string {
  const names = line.names.map(render).reduce((a, b) => render({ key: 'statusSourcesAnd', subs: [a, b] }));
  return render({ key: line.key, subs: [names, ...line.subs] });
}
