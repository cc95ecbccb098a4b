/**
 * What an incident means for the user, worked out once: every surface (popup, notification, badge, report) reads these
 * rather than deriving its own. Pure.
 */
import type { Incident } from '../recovery/incident-machine';
import { MAX_RELOADS_PER_HOUR } from '../recovery/state-schema';
import { proxyLabel, siteAddress } from '../recovery/connection';
import { answersWithoutCookies } from '../recovery/cookieless';
import { whoAnswered } from '../gateway/who-answered';
import { faultSide, localHint, type FaultSide, type LocalEvidence } from '../guide/steps';
import type { I18nText } from '../shared/text';
import { compareAddresses } from '../status/addresses';
import { isCurrentFor } from '../status/describe-status';
import { isPrivateAddress } from '../status/host';
import type { GatewayHint, StatusReport } from '../status/verdict';

/** The incident still retries or watches, and will reload the page by itself when the site is back. */
export function isUnderWay(incident: Pick<Incident, 'phase'>): boolean {
  return incident.phase === 'retrying' || incident.phase === 'watching';
}

/**
 * The visible attempt the user is told about: the one under way, else the next one, capped at the number of visible
 * retries (watch mode follows the last).
 */
export function attemptShown(incident: Pick<Incident, 'attempts' | 'awaiting'>, maxVisibleRetries: number): number {
  return Math.min(incident.attempts + (incident.awaiting !== null ? 0 : 1), maxVisibleRetries);
}

/**
 * The status check that speaks for an incident: answered (not held back by consent, a private host or a limit) since
 * the incident began, or still fresh. `null` otherwise.
 *
 * @param now - epoch ms
 */
export function currentReport(
  report: StatusReport | null | undefined,
  incident: Pick<Incident, 'startedAt'> & Partial<Pick<Incident, 'connection' | 'code' | 'gateway'>>,
  now: number,
): StatusReport | null {
  // An intranet site is never checked from outside: an answer stored for its name (a public site of the same name,
  // checked before) says nothing about it.
  if (isIntranet(incident)) return null;
  return report != null && report.limitedBy === undefined && isCurrentFor(report, incident.startedAt, now) ? report : null;
}

/**
 * The site's server address as the browser reached it (`siteAddress`), or `undefined` when unknown or when what the
 * browser reached is known to be a proxy (Firefox's `proxyInfo`, or a proxy's own error page in the headers). The
 * one rule the view, the status check's gate and the archive lookup use.
 */
export function incidentSiteAddress(incident: Partial<Pick<Incident, 'connection' | 'code' | 'gateway'>>): string | undefined {
  const byProxy = incident.gateway !== undefined && whoAnswered(incident.code, incident.gateway).hint === 'user-proxy';
  return siteAddress(incident.connection, byProxy);
}

/** The browser reached the site at a private server address ({@link incidentSiteAddress}): an intranet site. */
export function isIntranet(incident: Partial<Pick<Incident, 'connection' | 'code' | 'gateway'>>): boolean {
  const address = incidentSiteAddress(incident);
  return address !== undefined && isPrivateAddress(address);
}

/** The incident fields the browser's own facts come from (`quiet` too: a `cookies` there is the same finding). */
type FactSource = Pick<Incident, 'code' | 'gateway' | 'host' | 'connection' | 'cookieless' | 'quiet'>;

/**
 * What the error's own headers say about where the fault is not, weighed against what the browser itself knows
 * (`localHint`: through a known proxy, or at an address no outside location reached, the headers prove nothing about
 * the visitor's route); `undefined` when they do not tell.
 *
 * @param report - the status check that speaks for the incident (`currentReport`), for the address comparison
 */
export function gatewayHint(incident: Pick<Incident, 'code' | 'gateway'> & Partial<FactSource>, report?: StatusReport | null): GatewayHint | undefined {
  return localHint(whoAnswered(incident.code, incident.gateway).hint, localEvidence(incident, report ?? null));
}

/** Where the fault is, from the current verdict, who answered and the browser's own facts: the one answer every surface gives. */
export function incidentFaultSide(incident: Pick<Incident, 'code' | 'gateway'> & Partial<FactSource>, report: StatusReport | null): FaultSide {
  return faultSide(report?.verdict ?? null, gatewayHint(incident, report), localEvidence(incident, report));
}

/**
 * The browser's own evidence on an incident (issue 12, points 2 and 3):
 * - the cookieless comparison got a normal answer, or a probe got a page and the tab failed again right after
 *   (`quiet: 'cookies'`): the cookies are the likely cause;
 * - Firefox reported a proxy on the way;
 * - the site's server address is private (an intranet site; in Chromium, which cannot see a proxy, possibly a proxy on
 *   the user's network): nothing about it is sent anywhere;
 * - up elsewhere, yet the browser reached an address in another network than every outside location did (see
 *   `src/status/addresses.ts` for the /24 and /48 rule and the CDN caveat).
 *
 * @param report - the status check that speaks for the incident (`currentReport`), or `null`
 */
export function localEvidence(incident: Partial<FactSource>, report: StatusReport | null): LocalEvidence {
  const address = incidentSiteAddress(incident);
  const intranet = isIntranet(incident);
  const proxy = incident.connection?.proxy;
  const elsewhere =
    !intranet && report?.verdict === 'up-elsewhere' && report.limitedBy === undefined && compareAddresses(address, report.sources).kind === 'elsewhere';
  return {
    ...(answersWithoutCookies(incident) ? { answersWithoutCookies: true } : {}),
    ...(proxy !== undefined ? { proxy: proxyLabel(proxy) } : {}),
    ...(intranet ? { intranet: true } : {}),
    ...(elsewhere ? { addressElsewhere: true } : {}),
  };
}

/** One of the browser's own facts, as the popup lists it (`data-testid="local-fact-<id>"`). */
export interface LocalFact {
  readonly id: 'cookies' | 'proxy' | 'intranet' | 'address';
  readonly text: I18nText;
}

/** The browser's own facts, in the words every surface uses; the strongest first. */
export function localFacts(incident: FactSource, report: StatusReport | null): LocalFact[] {
  const local = localEvidence(incident, report);
  const facts: LocalFact[] = [];
  if (local.answersWithoutCookies === true) facts.push({ id: 'cookies', text: { key: 'factCookies', subs: [incident.host] } });
  const address = incidentSiteAddress(incident);
  if (local.intranet === true && address !== undefined) facts.push({ id: 'intranet', text: { key: 'factIntranet', subs: [incident.host, address] } });
  if (local.proxy !== undefined) facts.push({ id: 'proxy', text: { key: 'factProxy', subs: [local.proxy] } });
  if (local.addressElsewhere === true && report !== null) {
    const c = compareAddresses(address, report.sources);
    if (c.kind === 'elsewhere') facts.push({ id: 'address', text: { key: 'factAddressElsewhere', subs: [c.browser, c.outside.join(', ')] } });
  }
  return facts;
}

/**
 * What the site answers beyond the gateway error, and what recovery does about it (issue 13, "Back means back"):
 * worked out once, so the popup and the notification say the same. Only `back` (a tab's own reload got a page) and
 * `back-watched` (watched with no tab left, after "Tell me when it's back") may be called "is back".
 *
 * While under way (the first match wins; the caller says "offline" before any of these):
 * - `quiet-cookies`: the site answers without cookies and the tab fails with them: reloading stopped for good;
 * - `reload-cap`: the site's tabs were reloaded {@link MAX_RELOADS_PER_HOUR} times in the last hour;
 * - `reloading`: a probe got a page; the tabs are being reloaded to prove it;
 * - `busy`: a probe got 429: waiting its `Retry-After`, no reloads;
 * - `challenge`: a probe got a bot check; the tabs were reloaded so the user can pass it;
 * - `answers-error`: a probe got another answer of the site's own (a 500, a 400): the tabs were reloaded once.
 *
 * Once recovered:
 * - `back`: proven by a tab's own reload;
 * - `back-watched`: proven by a probe with no tab left to reload (`keepWatching`);
 * - `answers-capped`: proven by a probe only, because the hourly cap left no reload: the user reloads;
 * - `answers-with`: the tab got an answer of the site's own that is not a page (a 500, a 429): nothing more is tried.
 *
 * `null`: nothing beyond the phase (retrying or watching a gateway error, or an ending other than `recovered`).
 */
export type SiteAnswer =
  | { readonly kind: 'quiet-cookies' | 'reload-cap' | 'reloading' | 'back' | 'back-watched' | 'answers-capped' }
  | { readonly kind: 'busy' | 'challenge' | 'answers-error' | 'answers-with'; readonly code: number };

/** True when the incident ended with the site back (a tab proved it, or a site watched without a tab answers a page). */
export function isBack(incident: Pick<Incident, 'phase' | 'answer' | 'quiet' | 'keepWatching'>): boolean {
  const kind = siteAnswer(incident)?.kind;
  return kind === 'back' || kind === 'back-watched';
}

/** See {@link SiteAnswer}. */
export function siteAnswer(incident: Pick<Incident, 'phase' | 'answer' | 'quiet' | 'keepWatching'>): SiteAnswer | null {
  const answer = incident.answer;
  if (isUnderWay(incident)) {
    // The cookie finding outranks any answer: a probe without cookies gets a page every time, and proves nothing.
    if (incident.quiet === 'cookies') return { kind: 'quiet-cookies' };
    if (incident.quiet === 'reload-cap') return { kind: 'reload-cap' };
    switch (answer?.kind) {
      case undefined:
        return null;
      case 'works':
        return { kind: 'reloading' };
      case 'busy':
        return { kind: 'busy', code: answer.code };
      case 'challenge':
        return { kind: 'challenge', code: answer.code };
      case 'server-error':
      case 'other':
        return { kind: 'answers-error', code: answer.code };
    }
  }
  if (incident.phase !== 'recovered') return null;
  if (answer === undefined) return { kind: 'back' };
  if (answer.kind === 'works') return incident.keepWatching === true ? { kind: 'back-watched' } : { kind: 'answers-capped' };
  return { kind: 'answers-with', code: answer.code };
}

