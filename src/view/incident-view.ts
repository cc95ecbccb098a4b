/**
 * The one view model of an incident. The background builds it from the stored state, the status check, the settings
 * and the browser's facts; the popup, the notification, the badge and the copied report render it and derive nothing
 * of their own, so they cannot disagree. It travels to the popup in place of the stored state (`messages.ts`). Pure.
 */
import type { Incident, SubresourceError, TabEntry } from '../recovery/incident-machine';
import { buildReport } from '../guide/report';
import { chooseSteps, keyNames, localHint, statusPageLink, type BrowserFamily, type Guide, type PlatformOs } from '../guide/steps';
import { MAX_RELOADS_PER_HOUR } from '../recovery/state-schema';
import { answerCodeWords, clipWords, durationText, type I18nText } from '../shared/text';
import { isUserProxy, whoAnswered } from '../gateway/who-answered';
import {
  attemptShown,
  currentReport,
  gatewayHint,
  incidentFaultSide,
  incidentSiteAddress,
  isUnderWay,
  localEvidence,
  localFacts,
  siteAnswer,
  type LocalFact,
  type SiteAnswer,
} from './incident-facts';
import { describeBadge, describeIncident, type BadgeView, type NotificationText } from './notification';
import { buildDetailsView, type DetailsView } from './details-view';
import { buildStatusPanel, type StatusFacts, type StatusPanel } from './status-panel';
import type { ControlsView } from './controls-view';

/** Facts about the browser the guide and the report depend on; any part the browser will not tell is a safe guess. */
export interface BrowserFacts {
  readonly browser: BrowserFamily;
  /** e.g. "Chromium 156", for the report: the family and major version only. */
  readonly browserLabel: string;
  readonly os: PlatformOs;
  /** The tab is in a private window. */
  readonly incognito: boolean;
  /** The extension may open private windows. */
  readonly canOpenPrivate: boolean;
}

/** When the next try is due, for the headline's second line; it ticks from `at` with the popup's own clock. */
export type Countdown =
  /**
   * `key` takes the wait left in words, "in 20 seconds" (`inDurationText` in `src/shared/text.ts`): "Retrying in 20
   * seconds" (`popupHeadRetrying`), "Checking again in 5 minutes" (`popupHeadChecking`, watch mode); `at` is epoch ms.
   */
  | { readonly kind: 'next'; readonly key: 'popupHeadRetrying' | 'popupHeadChecking'; readonly at: number }
  /** A reload or probe is out now. */
  | { readonly kind: 'now'; readonly text: I18nText };

/** The guide for an incident that is not over yet. */
export interface GuideView {
  readonly guide: Guide;
  /** The failed page's address ("copy the link"). */
  readonly pageUrl: string;
  /** The diagnostic report for the site's support, in the user's language. */
  readonly report: string;
  /** Offer "Find an archived copy" (the site is down for everyone, or the retries gave up). */
  readonly archiveOffered: boolean;
  /** Show the one-sentence answer to "is it me?" (off when the verdict above just said it). */
  readonly showSummary: boolean;
}

export interface IncidentView {
  /** The incident's id (also its notification's id): what "Stop" names. */
  readonly id: string;
  readonly host: string;
  readonly phase: Incident['phase'];
  /** Still retrying or watching: the page will reload by itself when the site is back. */
  readonly underWay: boolean;
  /**
   * Back, proven by the tab's own reload: the page works, so nothing is left to retry, check or fix. False for a
   * recovery that left the tab on the site's own error page, or that only a probe saw (see `SiteAnswer`).
   */
  readonly pageWorks: boolean;
  /**
   * "Tell me when it's back": `offer` the button (under way, a GET page, and not the cookie finding, which a probe
   * without cookies can never end); `on` once asked (the incident goes on watching after the tab closes, until the
   * site is back or 24 h pass); `null` otherwise.
   */
  readonly watchSite: 'offer' | 'on' | null;
  /**
   * The popup's one headline: "shop.example.com is down", "shop.example.com is back" once the page works, or
   * "... answers again, with 500 Internal Server Error" when the site answers an error of its own. While under way the
   * popup adds the countdown as its second line ("Retrying in 20 seconds").
   */
  readonly headline: I18nText;
  /**
   * Who failed, in one line, from the fault side (verdict, who answered, the browser's own facts): "The site's server
   * failed (nginx)", "Down for everyone, not just you", "Your network or a proxy is the likely cause", "Not known yet".
   */
  readonly whoFailed: I18nText;
  /** What is happening, e.g. "Retrying with the cache bypassed: attempt 2 of 5.", or why reloading stopped. */
  readonly phaseLine: I18nText;
  /**
   * The phase line belongs in the first view: nothing ticks in the headline (over, offline, never retried, a form
   * that is never sent again by itself), so the phase line says what happens. Otherwise it is folded with the details.
   */
  readonly phaseFirst: boolean;
  /** `null` when nothing is due (offline, or over). */
  readonly countdown: Countdown | null;
  /** Changes exactly when a screen reader should hear the phase line again (a try goes out, its answer, a new wait). */
  readonly announceKey: string;
  /**
   * What the browser itself found out, strongest first: the site answers without the cookies, the site is an intranet
   * one (private server address), a proxy was on the way, or the address reached differs from every outside one.
   * Empty when none. The popup renders each with `data-testid="local-fact-<id>"`.
   */
  readonly localFacts: readonly LocalFact[];
  /** Who answered the error (the signature table's name, its `Server` or `Via`), or the words for "unknown gateway". */
  readonly answeredBy: string;
  readonly cfRay?: string;
  /** Offer "Retry now": not once the page works, never for a form. */
  readonly canRetryNow: boolean;
  /** Offer "Stop": while retrying or watching. */
  readonly canStop: boolean;
  /** A form's answer failed: the method, which is never re-sent by itself. */
  readonly formMethod: string | null;
  /** "Down for everyone, or just you?"; `null` once the page is back. */
  readonly check: StatusPanel | null;
  /** The verdict is the news (down for everyone): the popup shows the check before the guide. */
  readonly checkFirst: boolean;
  /**
   * "Check now" is what is useful next (no verdict yet, a check may run, or one is running): the popup shows the check
   * in its first view instead of with the details.
   */
  readonly checkInFirstView: boolean;
  /** `null` once the page is back, or while the browser's facts are unknown. */
  readonly guide: GuideView | null;
  /** What the incident's notification says now, or `null` when it shows none. */
  readonly notification: NotificationText | null;
  readonly badge: BadgeView | null;
  /** The folded details for the site's operator: raw headers, timings, server address, "Copy as curl". */
  readonly details: DetailsView;
}

/** What the popup shows for one tab. */
export interface TabView {
  /** The incident the tab belongs to, if any. */
  readonly incident: IncidentView | null;
  /** Gateway errors of the page's images, scripts and frames (never retried), or `null` when none. */
  readonly subresources: I18nText | null;
  /** The background's clock when it answered, epoch ms (the popup's countdown starts from it). */
  readonly now: number;
  /** The popup's controls: pause, never-retry, notifications (`controls-view.ts`); absent: none shown. */
  readonly controls?: ControlsView;
}

export interface IncidentViewInput {
  readonly incident: Incident;
  readonly tab: TabEntry;
  /** Epoch ms. */
  readonly now: number;
  readonly maxVisibleRetries: number;
  /** The "down for everyone?" check of the incident's host; `null` when unknown. */
  readonly check: StatusFacts | null;
  /**
   * The domain whose cookies "Clear cookies" removes (`cookieDomain` in `src/guide/cookie-domain.ts`), or `null` when
   * none may be: the host is a public suffix.
   */
  readonly siteDomain: string | null;
  /** `null` while unknown: the view then has no guide yet. */
  readonly browser: BrowserFacts | null;
  /** The end of the user's pause in force, epoch ms (`activePause`): no try is due before it. Absent: none. */
  readonly pausedUntil?: number;
}

/**
 * Builds the view of one incident for one tab.
 *
 * @param render - the i18n lookup, for the parts that nest words (durations, status names, the report)
 */
export function buildIncidentView(input: IncidentViewInput, render: (t: I18nText) => string): IncidentView {
  const { incident, tab, now, maxVisibleRetries } = input;
  const underWay = isUnderWay(incident);
  // Recovered, whether the page works or shows the site's own error: either way nothing is left to check or guide.
  const back = incident.phase === 'recovered';
  const answer = siteAnswer(incident);
  const pageWorks = answer?.kind === 'back';
  const current = currentReport(input.check?.report, incident, now);
  const hint = gatewayHint(incident, current);
  const local = localEvidence(incident, current);
  const downForEveryone = current?.verdict === 'down-for-everyone';
  const formMethod = incident.notRetriedReason === 'non-get' ? incident.method : null;
  const canRetryNow = !pageWorks && formMethod === null;
  const check =
    back || input.check === null
      ? null
      : buildStatusPanel(input.check, hint, incident.host, underWay, local.intranet === true ? incidentSiteAddress(incident) : undefined);
  const next = underWay ? countdown(incident, input.pausedUntil) : null;
  const checkInFirstView = check !== null && check.verdict === null && check.privateNote === null;
  return {
    id: incident.id,
    host: incident.host,
    phase: incident.phase,
    underWay,
    pageWorks,
    // Never offered in a private window: watching without a tab takes probes from the regular profile.
    watchSite: !underWay ? null : incident.keepWatching === true ? 'on' : incident.method === 'GET' && incident.quiet !== 'cookies' && incident.incognito !== true ? 'offer' : null,
    headline:
      answer?.kind === 'answers-with'
        ? { key: 'popupAnswersWith', subs: [incident.host, answerCodeWords(answer.code, render)] }
        : { key: pageWorks || answer?.kind === 'back-watched' ? 'popupHeadBack' : 'popupHeadDown', subs: [incident.host] },
    whoFailed: whoFailed(incident, current, render),
    phaseLine: (incident.offline === true ? null : answerLine(incident, answer, now, render)) ?? phaseLine(incident, now, maxVisibleRetries, render),
    phaseFirst: next === null,
    countdown: next,
    announceKey: [
      incident.phase,
      incident.attempts,
      incident.probes,
      incident.awaiting?.at,
      incident.nextAt,
      incident.offline,
      answer?.kind,
      incident.keepWatching,
    ].join('|'),
    localFacts: localFacts(incident, current),
    answeredBy: answeredBy(incident, render),
    ...(incident.gateway.cfRay !== undefined ? { cfRay: incident.gateway.cfRay } : {}),
    canRetryNow,
    canStop: underWay,
    formMethod,
    check,
    // The site answering this browser without its cookies outranks a "down" from elsewhere: the guide comes first.
    checkFirst: downForEveryone && local.answersWithoutCookies !== true,
    checkInFirstView,
    guide:
      back || input.browser === null
        ? null
        : {
            guide: withoutFirstViewActions(
              chooseSteps({
              host: incident.host,
              cookieDomain: input.siteDomain,
              code: incident.code,
              gateway: incident.gateway,
              verdict: current?.verdict ?? null,
              browser: input.browser.browser,
              os: input.browser.os,
              keys: keyNames(render),
              incognito: input.browser.incognito,
              canOpenPrivate: input.browser.canOpenPrivate,
              underWay: underWay,
              formFailed: formMethod !== null,
              local,
              statusPage: statusPageLink(current),
              }),
              { retryNow: canRetryNow, checkNow: checkInFirstView },
            ),
            pageUrl: tab.url,
            report: buildReport({ incident, status: current, now, browser: input.browser.browserLabel }, render),
            // The archive lookup sends the address to a third party: never for a private host or an intranet site.
            archiveOffered: input.check?.privateHost !== true && local.intranet !== true && (downForEveryone || incident.phase === 'gave-up'),
            // Down for everyone while retries go on: the verdict above already said it in the same words.
            showSummary: !(downForEveryone && underWay),
          },
    notification: describeIncident(incident, now, maxVisibleRetries, render, input.check?.report ?? null),
    badge: describeBadge(tab, incident),
    details: buildDetailsView(incident, input.browser?.browser ?? null, render),
  };
}

/**
 * The guide without the steps whose button the popup's first view already shows (issue 14: one "Retry now"): its reload
 * while "Retry now" is offered (both reload the page with the cache bypassed), and its "Check now" while the status
 * check is in the first view. A guide left without steps keeps them.
 */
function withoutFirstViewActions(guide: Guide, shown: { readonly retryNow: boolean; readonly checkNow: boolean }): Guide {
  const steps = guide.steps.filter((s) => !(shown.retryNow && s.action?.kind === 'reload') && !(shown.checkNow && s.action?.kind === 'check-status'));
  return steps.length > 0 && steps.length < guide.steps.length ? { ...guide, steps } : guide;
}

/**
 * Who failed, in one line: the browser's cookies, a proxy or the user's network, the site (down for everyone, or its
 * own gateway answered), or not known yet; the same fault side the guide's summary gives (`incidentFaultSide`).
 */
function whoFailed(incident: Incident, report: ReturnType<typeof currentReport>, render: (t: I18nText) => string): I18nText {
  const local = localEvidence(incident, report);
  const by = answeredBy(incident, render);
  if (local.answersWithoutCookies === true) return { key: 'popupWhoCookies' };
  const side = incidentFaultSide(incident, report);
  if (side === 'site') return { key: 'popupWhoEveryone' };
  if (isUserProxy(localHint(gatewayHint(incident, report), local))) return { key: 'popupWhoProxy', subs: [by] };
  if (side === 'likely-site') return { key: 'popupWhoSite', subs: [by] };
  if (side === 'likely-you') return { key: 'popupWhoYou' };
  return { key: 'popupWhoUnknown', subs: [by] };
}

/** Who answered, for the popup: the signature table's name or the site's Server, else the Via (cut at a word). */
function answeredBy(incident: Incident, render: (t: I18nText) => string): string {
  const label = whoAnswered(incident.code, incident.gateway).label;
  if (label !== undefined) return label;
  const via = incident.gateway.via;
  return via !== undefined && via.trim() !== '' ? clipWords(via) : render({ key: 'popupUnknownServer' });
}

/** The note on gateway errors of a page's parts, or `null` when there are none. */
export function subresourceNote(errors: readonly SubresourceError[]): I18nText | null {
  if (errors.length === 0) return null;
  const hosts = [...new Set(errors.map((e) => `${e.host} (${e.code})`))].slice(0, 3).join(', ');
  return { key: 'popupSubresources', subs: [String(errors.length), hosts] };
}

function countdown(incident: Incident, pausedUntil = 0): Countdown | null {
  if (incident.offline === true) return null;
  if (incident.awaiting !== null) return { kind: 'now', text: { key: 'popupRetryingNow' } };
  if (incident.nextAt === null) return null;
  // A private window's incident reloads its tab in watch mode too (it has no background check). While the user's pause
  // holds, nothing is tried before it ends.
  const at = Math.max(incident.nextAt, pausedUntil);
  return { kind: 'next', key: incident.phase === 'retrying' || incident.incognito === true ? 'popupHeadRetrying' : 'popupHeadChecking', at };
}

/** The phase line for what the site answers now (see `SiteAnswer`), or `null` to describe the phase. */
function answerLine(incident: Incident, answer: SiteAnswer | null, now: number, render: (t: I18nText) => string): I18nText | null {
  const since = () => durationText((incident.endedAt ?? now) - incident.startedAt, render);
  const cap = String(MAX_RELOADS_PER_HOUR);
  const host = incident.host;
  switch (answer?.kind) {
    case undefined:
    case 'back':
      return null;
    case 'quiet-cookies':
      return { key: 'popupPhaseQuietCookies', subs: [host] };
    case 'reload-cap':
      return { key: incident.incognito === true ? 'popupPhaseReloadCapPrivate' : 'popupPhaseReloadCap', subs: [cap] };
    case 'reloading':
      return { key: 'popupPhaseAnswersReloading', subs: [host] };
    case 'busy':
      return { key: 'popupPhaseBusy', subs: [host, answerCodeWords(answer.code, render)] };
    case 'challenge':
      return { key: 'popupPhaseChallenge', subs: [host, answerCodeWords(answer.code, render)] };
    case 'answers-error':
      return { key: 'popupPhaseAnswersError', subs: [host, answerCodeWords(answer.code, render)] };
    case 'back-watched':
      return { key: 'popupPhaseBackWatched', subs: [since()] };
    case 'answers-capped':
      return { key: 'popupPhaseAnswersCapped', subs: [host, since(), cap] };
    case 'answers-with':
      return { key: 'popupPhaseAnswersWith' };
  }
}

function phaseLine(incident: Incident, now: number, maxVisibleRetries: number, render: (t: I18nText) => string): I18nText {
  const since = () => durationText((incident.endedAt ?? now) - incident.startedAt, render);
  switch (incident.phase) {
    case 'retrying':
      if (incident.offline === true) return { key: 'popupOffline' };
      return { key: 'popupPhaseRetrying', subs: [String(attemptShown(incident, maxVisibleRetries)), String(maxVisibleRetries)] };
    case 'watching':
      return { key: incident.offline === true ? 'popupOffline' : incident.incognito === true ? 'popupPhaseWatchingPrivate' : 'popupPhaseWatching' };
    case 'recovered':
      return { key: 'popupPhaseRecovered', subs: [since()] };
    case 'gave-up':
      return { key: 'popupPhaseGaveUp', subs: [since()] };
    case 'cancelled':
    case 'abandoned':
      return { key: 'popupPhaseCancelled' };
    case 'not-retried':
      return incident.notRetriedReason === 'non-get' ? { key: 'popupPhaseNonGet', subs: [incident.method] } : { key: 'popupPhaseNeverRetry' };
  }
}
