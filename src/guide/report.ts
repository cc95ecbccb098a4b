/**
 * "Tell the site": a short diagnostic report a visitor can paste into a message to the site's support. It carries what
 * their operations team can look up (the time in UTC, the code, who answered, the `cf-ray` or request id) and nothing
 * about the visitor: no address beyond the host (a path or query string can carry tokens), no cookies, no headers
 * of the request.
 */
import type { Incident } from '../recovery/incident-machine';
import { answersWithoutCookies } from '../recovery/cookieless';
import { reportStatusWords } from '../shared/text';
import { verdictHeadline } from '../status/describe-status';
import { whoAnswered } from '../gateway/who-answered';
import { cleanText, type StatusReport } from '../status/verdict';
import { statusPageLink } from './steps';
import type { MessageKey, I18nText } from '../shared/text';

export interface ReportInput {
  readonly incident: Pick<Incident, 'host' | 'code' | 'gateway' | 'startedAt' | 'endedAt' | 'attempts' | 'probes' | 'phase'> &
    Partial<Pick<Incident, 'cookieless' | 'quiet' | 'answer'>>;
  /** The status check that speaks for this incident, if any. */
  readonly status: StatusReport | null;
  /** When the report is made, epoch ms. */
  readonly now: number;
  /** e.g. "Chromium 156", "Firefox 153"; the family and major version only. */
  readonly browser: string;
}

/** ISO 8601 in UTC to the second: support teams match it against their logs. */
export function utcTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The report as plain text, one "label: value" line each, labels in the user's language.
 *
 * @param render - turns a {@link I18nText} into words (the i18n lookup)
 */
export function buildReport(input: ReportInput, render: (text: I18nText) => string): string {
  const { incident: i, status } = input;
  const line = (key: MessageKey, value: string) => `${render({ key })}: ${value}`;
  // Where it goes, right under the title: for whoever passes the report on. The extension knows no support address;
  // it names the site's contact page and, when the check found one, its status page.
  const statusPage = statusPageLink(status);
  const lines = [
    render({ key: 'reportTitle', subs: [i.host] }),
    line('reportSendTo', render(statusPage === undefined ? { key: 'reportSendToContact', subs: [i.host] } : { key: 'reportSendToStatus', subs: [i.host, statusPage] })),
    line('reportFirstSeen', utcTime(i.startedAt)),
    line('reportMadeAt', utcTime(input.now)),
    line('reportHost', i.host),
    line('reportCode', reportStatusWords(i.code, render)),
  ];
  // Who answered, by the signature table's product name or the site's own Server. A raw Via is left out: it may name
  // a host of the visitor's own network (a company proxy). A proxy's own error code is kept: its IT department
  // looks it up.
  const reading = whoAnswered(i.code, i.gateway);
  if (reading.label !== undefined) {
    const ownError = reading.hint === 'user-proxy' && i.gateway.ownError !== undefined ? ` (${cleanText(i.gateway.ownError, 80)})` : '';
    lines.push(line('reportAnsweredBy', `${reading.label}${ownError}`));
  }
  if (i.gateway.cfRay !== undefined) lines.push(line('reportCfRay', cleanText(i.gateway.cfRay, 80)));
  if (i.gateway.requestId !== undefined) lines.push(line('reportRequestId', cleanText(i.gateway.requestId, 120)));
  lines.push(line('reportTries', render({ key: 'reportTriesValue', subs: [String(i.attempts), String(i.probes)] })));
  // The cookieless comparison tells support whether this visitor's cookies are what the site chokes on.
  // The same finding may come from the watch-mode probe (`quiet: 'cookies'`), which asks without cookies too.
  const bare = i.cookieless;
  if (answersWithoutCookies(i)) {
    const got = bare?.result === 'normal' ? bare.code : i.answer?.code;
    // A probe's answer is gone once a probe fails again: the finding stands, its code is not known any more.
    const code = got === undefined ? '?' : got === 0 ? 'redirect' : String(got);
    lines.push(line('reportWithoutCookies', render({ key: 'reportWithoutCookiesNormal', subs: [code] })));
  } else if (bare?.result === 'gateway-error') {
    lines.push(line('reportWithoutCookies', render({ key: 'reportWithoutCookiesSame', subs: [String(bare.code ?? i.code)] })));
  }
  if (i.phase === 'recovered' && i.endedAt !== undefined) lines.push(line('reportRecoveredAt', utcTime(i.endedAt)));
  // Said either way, so support can tell "not checked" from a line left out.
  lines.push(
    line(
      'reportVerdict',
      status !== null && status.limitedBy === undefined
        ? `${render(verdictHeadline(status))} (${utcTime(status.checkedAt)})`
        : render({ key: 'reportVerdictNone' }),
    ),
  );
  lines.push(line('reportBrowser', input.browser));
  return lines.join('\n');
}
