/**
 * What the user is told about a status check, as i18n keys (see `src/shared/text.ts`). Pure, so every wording a report can
 * produce is unit-tested.
 */
import type { MessageKey, I18nText } from '../shared/text';
import { isSiteSide } from '../gateway/who-answered';
import { isReportedOnly, type GatewayHint, type SourceReport, type StatusReport, type Verdict } from './verdict';

/** The source whose evidence best explains the combined verdict: the first that said the same, else the first that
 * could tell at all. */
function decidingSource(report: StatusReport): SourceReport | undefined {
  return report.sources.find((s) => s.verdict === report.verdict && s.verdict !== 'unknown') ?? report.sources.find((s) => s.verdict !== 'unknown');
}

const HEADLINE = {
  'down-for-everyone': 'verdictDown',
  'up-elsewhere': 'verdictUp',
  partial: 'verdictPartial',
  unknown: 'verdictUnknown',
} as const satisfies Record<Verdict, MessageKey>;
/** The headline with its evidence, e.g. "Down for everyone: 6 of 7 locations got 502."; `unknown` has none. */
const HEADLINE_LINE = {
  'down-for-everyone': `${HEADLINE['down-for-everyone']}Line`,
  'up-elsewhere': `${HEADLINE['up-elsewhere']}Line`,
  partial: `${HEADLINE.partial}Line`,
} as const satisfies Record<Exclude<Verdict, 'unknown'>, MessageKey>;

/**
 * The verdict as a short headline ("Down for everyone"); "The site reports an incident" when only the site's status
 * page said so (`isReportedOnly`: no check from elsewhere agreed).
 */
export function verdictHeadline(report: Pick<StatusReport, 'verdict' | 'sources' | 'agreeing'>): I18nText {
  return { key: isReportedOnly(report) ? 'verdictSiteReports' : HEADLINE[report.verdict] };
}

/**
 * The line a notification gains once a check has an answer, e.g. "Down for everyone: 6 of 7 locations got 502.", or
 * `null` when the answer is `unknown` or third parties were not asked (the notification then says nothing of it).
 *
 * @param render - turns the deciding source's evidence into a string for substitution
 * @param hint - what the error's own headers say (`whoAnswered`), so the line agrees with the popup's advice
 */
export function describeVerdictLine(report: StatusReport | null | undefined, render: (t: I18nText) => string, hint?: GatewayHint): I18nText | null {
  if (report == null || report.limitedBy !== undefined || report.verdict === 'unknown') return null;
  const source = decidingSource(report);
  if (source === undefined) return null;
  // Up elsewhere, yet the site's own gateway answered this user: their network reaches the site, so the line must not
  // blame it (the popup's advice says the same).
  const key = isReportedOnly(report)
    ? 'verdictSiteReportsLine'
    : report.verdict === 'up-elsewhere' && isSiteSide(hint)
      ? 'verdictUpLineSiteGateway'
      : HEADLINE_LINE[report.verdict];
  return { key, subs: [render(source.evidence)] };
}

/**
 * Whether a report may speak in an incident's notification: reached during the incident, or still fresh. An answer
 * from an hour ago says nothing about the site now.
 *
 * @param startedAt - the incident's start, epoch ms
 * @param now - epoch ms
 */
export function isCurrentFor(report: StatusReport | null | undefined, startedAt: number, now: number): report is StatusReport {
  return report != null && (report.checkedAt >= startedAt || report.expiresAt > now);
}
