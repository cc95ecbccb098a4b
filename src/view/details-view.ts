/**
 * The popup's folded "Details" for the person who runs the site, or helps one: the error's raw response headers, its
 * timings in ms, the server address the browser reached and whether a proxy was on the way, the tries so far, and a
 * curl command that asks for the page again. Built with the rest of the view (`incident-view.ts`); the popup derives
 * nothing. Pure.
 */
import type { Incident } from '../recovery/incident-machine';
import { proxyLabel } from '../recovery/connection';
import { whoAnswered } from '../gateway/who-answered';
import type { BrowserFamily } from '../guide/steps';
import { utcTime as reportTime } from '../guide/report';
import { statusNameText, type I18nText } from '../shared/text';
import { curlCommand } from './curl-command';
import { incidentSiteAddress } from './incident-facts';

/** One line of the details' facts, a label and its value (`data-testid="detail-<id>"` in the popup). */
export interface DetailsFact {
  readonly id: 'status' | 'address' | 'proxy' | 'error-at' | 'headers-after' | 'completed-after' | 'timings' | 'first-seen' | 'tries' | 'errors';
  readonly label: I18nText;
  readonly value: string;
}

export interface DetailsView {
  /** Status, server address, proxy, timings (ms), tries: in that order, each present when known or said unknown. */
  readonly facts: readonly DetailsFact[];
  /** The error's response headers as the browser gave them (bounded and cleaned when recorded), in order. */
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  /** Said under the headers: none reported, credentials withheld (their names), headers left out (how many). */
  readonly headerNotes: readonly I18nText[];
  /** "Copy as curl"'s command, or `null` when the page's address cannot be given to curl safely. */
  readonly curl: string | null;
  /** What the command does and does not carry (a form's body never). */
  readonly curlNotes: readonly I18nText[];
}

/** {@link reportTime}, or `?` for a time a `Date` cannot hold (stored by anyone: the view must never throw). */
function utcTime(ms: number): string {
  return Number.isFinite(new Date(ms).getTime()) ? reportTime(ms) : '?';
}

/** How a header the browser withheld is named in the view: its usual spelling. */
const HEADER_SPELLING: Readonly<Record<string, string>> = {
  'set-cookie': 'Set-Cookie',
  'set-cookie2': 'Set-Cookie2',
  cookie: 'Cookie',
  authorization: 'Authorization',
  'proxy-authorization': 'Proxy-Authorization',
  'x-csrf-token': 'X-CSRF-Token',
  'x-xsrf-token': 'X-XSRF-Token',
};

/**
 * The details of `incident`'s latest main-frame error.
 *
 * @param browser - the browser family when known: only Firefox reports a proxy (`proxyInfo`), so only there does
 *   "no proxy" mean none
 * @param render - the i18n lookup, for values that are words
 */
export function buildDetailsView(incident: Incident, browser: BrowserFamily | null, render: (t: I18nText) => string): DetailsView {
  const fact = (id: DetailsFact['id'], key: DetailsFact['label']['key'], value: string): DetailsFact => ({ id, label: { key }, value });
  const ms = (x: number) => render({ key: 'detailsMs', subs: [String(Math.max(0, Math.round(x)))] });
  const facts: DetailsFact[] = [fact('status', 'detailsStatus', `${incident.code} ${render(statusNameText(incident.code))}`)];

  const ip = incident.connection?.ip;
  const site = incidentSiteAddress(incident);
  if (site !== undefined) facts.push(fact('address', 'detailsServerAddress', site));
  else if (ip !== undefined) facts.push(fact('address', 'detailsProxyAddress', ip));
  else facts.push(fact('address', 'detailsServerAddress', render({ key: 'detailsAddressUnknown' })));

  const proxy = incident.connection?.proxy;
  const byProxy = whoAnswered(incident.code, incident.gateway).hint === 'user-proxy';
  facts.push(
    fact(
      'proxy',
      'detailsProxy',
      proxy !== undefined
        ? proxyLabel(proxy)
        : render({ key: byProxy ? 'detailsProxyAnswered' : browser === 'firefox' && ip !== undefined ? 'detailsProxyNone' : 'detailsProxyUnknown' }),
    ),
  );

  const timings = incident.response?.timings;
  if (timings !== undefined) {
    facts.push(fact('error-at', 'detailsErrorAt', utcTime(timings.completedAt)));
    if (timings.requestAt !== undefined) {
      if (timings.headersAt !== undefined) facts.push(fact('headers-after', 'detailsHeadersAfter', ms(timings.headersAt - timings.requestAt)));
      facts.push(fact('completed-after', 'detailsCompletedAfter', ms(timings.completedAt - timings.requestAt)));
    } else if (timings.headersAt !== undefined) {
      facts.push(fact('completed-after', 'detailsCompletedAfterHeaders', ms(timings.completedAt - timings.headersAt)));
    } else {
      facts.push(fact('timings', 'detailsTimings', render({ key: 'detailsNotMeasured' })));
    }
  } else {
    facts.push(fact('timings', 'detailsTimings', render({ key: 'detailsNotMeasured' })));
  }
  facts.push(fact('first-seen', 'reportFirstSeen', utcTime(incident.startedAt)));
  facts.push(fact('tries', 'reportTries', render({ key: 'reportTriesValue', subs: [String(incident.attempts), String(incident.probes)] })));
  // Each gateway error the incident saw, when (UTC, to the ms: support matches it against its logs) and its code; one
  // a line (the popup keeps line breaks in a value).
  const seen = incident.errors ?? [];
  if (seen.length > 0) {
    const clock = (at: number) => (Number.isFinite(new Date(at).getTime()) ? new Date(at).toISOString().slice(11) : '?');
    const one = (e: (typeof seen)[number]) => `${clock(e.at)} ${e.code}`;
    facts.push(fact('errors', 'detailsErrorsSeen', seen.map((e) => (e.probe === true ? render({ key: 'detailsErrorByProbe', subs: [one(e)] }) : one(e))).join('\n')));
  }

  const raw = incident.response?.headers;
  const headerNotes: I18nText[] = [];
  if (raw === undefined || raw.list.length === 0) headerNotes.push({ key: 'detailsHeadersNone' });
  if (raw?.withheld !== undefined && raw.withheld.length > 0) {
    headerNotes.push({ key: 'detailsHeadersWithheld', subs: [raw.withheld.map((n) => HEADER_SPELLING[n] ?? n).join(', ')] });
  }
  if (raw?.omitted !== undefined) headerNotes.push({ key: 'detailsHeadersOmitted', subs: [String(raw.omitted)] });

  const curl = curlCommand({ url: incident.url, serverAddress: site });
  const curlNotes: I18nText[] = curl === null ? [] : [{ key: 'detailsCurlExplain' }];
  // A form's answer failed: the command asks with GET, never with the form's data (see `curlCommand`).
  if (curl !== null && incident.method !== 'GET') curlNotes.push({ key: 'detailsCurlForm', subs: [incident.method] });
  return { facts, headers: raw?.list ?? [], headerNotes, curl, curlNotes };
}
