/**
 * An incident's notification and badge, as i18n message keys with substitutions (the extension looks them up with
 * `browser.i18n.getMessage`, whose `$1..$9` markers take the substitutions in order). Part of the one view model
 * (`incident-view.ts`): the attempt, the phase and the verdict line come from the same rules as the popup's. Pure,
 * so every message an incident can produce is unit-tested.
 */
import type { Incident, TabEntry } from '../recovery/incident-machine';
import { answerCodeWords, durationText, inDurationText, statusNameText, type I18nText } from '../shared/text';
import { describeVerdictLine } from '../status/describe-status';
import { answersWithoutCookies } from '../recovery/cookieless';
import { isUserProxy, whoAnswered } from '../gateway/who-answered';
import { MAX_RELOADS_PER_HOUR } from '../recovery/state-schema';
import { attemptShown, currentReport, gatewayHint, isUnderWay, siteAnswer, type SiteAnswer } from './incident-facts';
import type { StatusReport } from '../status/verdict';

export { durationText, statusNameText, type I18nText } from '../shared/text';

/** A notification's content, or `null` when the incident shows none (never-retry sites, abandoned incidents). */
export interface NotificationText {
  readonly title: I18nText;
  readonly message: I18nText;
  /** Offer a "Stop retrying" button (where the browser supports buttons). */
  readonly canStop: boolean;
  /** "Down for everyone: ..." once a status check has an answer; shown below the message. */
  readonly verdict?: I18nText;
}

/**
 * The notification for an incident at time `now` (epoch ms).
 *
 * @param render - turns a nested {@link I18nText} (a duration, a status name) into a string for substitution
 * @param status - the latest status check of the incident's host: while retries go on and it speaks for this
 *   incident (see `currentReport`), its verdict joins the text
 */
export function describeIncident(
  incident: Incident,
  now: number,
  maxVisibleRetries: number,
  render: (t: I18nText) => string,
  status?: StatusReport | null,
): NotificationText | null {
  const answer = siteAnswer(incident);
  const text = (incident.offline === true ? null : describeAnswer(incident, answer, now, render)) ?? describePhase(incident, now, maxVisibleRetries, render);
  // A private window's notification names no site, and carries no verdict (a status page's name would name it): the
  // OS keeps notifications in its history, outside the private window (issue 15).
  if (text === null || !isUnderWay(incident) || incident.incognito === true) return text;
  // The strongest "it's you" evidence outranks any verdict from elsewhere: the popup says the same (`localFacts`).
  if (answersWithoutCookies(incident)) return { ...text, verdict: { key: 'notifCookiesLine', subs: [incident.host] } };
  // The site answers again: a "down for everyone" from before would contradict what the probe just got.
  if (answer !== null && answer.kind !== 'reload-cap') return text;
  const current = currentReport(status, incident, now);
  const verdict = describeVerdictLine(current, render, gatewayHint(incident, current));
  if (verdict !== null) return { ...text, verdict };
  // Without a verdict, a proxy's own error page is the one thing known about the failure; the popup's evidence line
  // and the report name the same proxy.
  const answered = whoAnswered(incident.code, incident.gateway);
  if (isUserProxy(answered.hint)) return { ...text, verdict: { key: 'notifProxyLine', subs: [answered.label ?? 'Proxy'] } };
  return text;
}

/**
 * The notification for what the site answers now (see `siteAnswer`), or `null` to describe the phase. Only a recovery
 * proven by a tab, or watched with no tab left after "Tell me when it's back", says "is back" (issue 13).
 */
function describeAnswer(incident: Incident, answer: SiteAnswer | null, now: number, render: (t: I18nText) => string): NotificationText | null {
  const site = siteName(incident, render);
  const errorTitle: I18nText = { key: 'notifTitleError', subs: [site, String(incident.code), render(statusNameText(incident.code))] };
  const answersTitle: I18nText = { key: 'notifTitleAnswers', subs: [site] };
  const since = () => durationText((incident.endedAt ?? now) - incident.startedAt, render);
  const cap = String(MAX_RELOADS_PER_HOUR);
  switch (answer?.kind) {
    case undefined:
    case 'back':
      return null;
    case 'quiet-cookies':
      return { title: errorTitle, message: { key: 'notifQuietCookies' }, canStop: true };
    case 'reload-cap':
      return { title: errorTitle, message: { key: incident.incognito === true ? 'notifReloadCapPrivate' : 'notifReloadCap', subs: [cap] }, canStop: true };
    case 'reloading':
      return { title: answersTitle, message: { key: 'notifAnswersReloading' }, canStop: true };
    case 'busy':
      return { title: { key: 'notifTitleBusy', subs: [site] }, message: { key: 'notifBusy', subs: [answerCodeWords(answer.code, render)] }, canStop: true };
    case 'challenge':
      return { title: answersTitle, message: { key: 'notifChallenge', subs: [answerCodeWords(answer.code, render)] }, canStop: true };
    case 'answers-error':
      return { title: answersTitle, message: { key: 'notifAnswersError', subs: [answerCodeWords(answer.code, render)] }, canStop: true };
    case 'back-watched':
      return { title: { key: 'notifTitleBack', subs: [site] }, message: { key: 'notifBackWatched', subs: [since()] }, canStop: false };
    case 'answers-capped':
      return { title: answersTitle, message: { key: 'notifAnswersCapped', subs: [since(), cap] }, canStop: false };
    case 'answers-with':
      return {
        title: { key: 'notifTitleAnswersWith', subs: [site, answerCodeWords(answer.code, render)] },
        message: { key: 'notifAnswersWith' },
        canStop: false,
      };
  }
}

function describePhase(incident: Incident, now: number, maxVisibleRetries: number, render: (t: I18nText) => string): NotificationText | null {
  const code = String(incident.code);
  const name = render(statusNameText(incident.code));
  const site = siteName(incident, render);
  const errorTitle: I18nText = { key: 'notifTitleError', subs: [site, code, name] };
  switch (incident.phase) {
    case 'retrying': {
      if (incident.offline === true) return { title: errorTitle, message: { key: 'notifOffline' }, canStop: true };
      const attempt = String(attemptShown(incident, maxVisibleRetries));
      const of = String(maxVisibleRetries);
      if (incident.awaiting !== null || incident.nextAt === null) {
        return { title: errorTitle, message: { key: 'notifRetryingNow', subs: [attempt, of] }, canStop: true };
      }
      const wait = inDurationText(incident.nextAt - now, render);
      return { title: errorTitle, message: { key: 'notifRetryingIn', subs: [wait, attempt, of] }, canStop: true };
    }
    case 'watching':
      return {
        title: errorTitle,
        message: { key: incident.offline === true ? 'notifOffline' : incident.keepWatching === true ? 'notifKeepWatching' : incident.incognito === true ? 'notifWatchingPrivate' : 'notifWatching' },
        canStop: true,
      };
    case 'recovered':
      return {
        title: { key: 'notifTitleBack', subs: [site] },
        message: { key: 'notifRecovered', subs: [durationText((incident.endedAt ?? now) - incident.startedAt, render)] },
        canStop: false,
      };
    case 'gave-up':
      return {
        title: errorTitle,
        message: { key: 'notifGaveUp', subs: [durationText((incident.endedAt ?? now) - incident.startedAt, render)] },
        canStop: false,
      };
    case 'cancelled':
      return { title: errorTitle, message: { key: 'notifCancelled' }, canStop: false };
    case 'not-retried':
      if (incident.notRetriedReason === 'non-get') {
        return { title: errorTitle, message: { key: 'notifNotResent', subs: [incident.method] }, canStop: false };
      }
      return null;
    case 'abandoned':
      return null;
  }
}

/**
 * How a notification names the incident's site: its host, or for a private window's tab words that name no site
 * (`notifPrivateSite`): the OS keeps shown notifications in its history (issue 15, "Private windows stay private").
 */
function siteName(incident: Pick<Incident, 'host' | 'incognito'>, render: (t: I18nText) => string): string {
  return incident.incognito === true ? render({ key: 'notifPrivateSite' }) : incident.host;
}

/**
 * The words a notification shows: its title, and its message with the verdict line (if any) below it.
 *
 * @param render - the i18n lookup
 */
export function notificationWords(text: NotificationText, render: (t: I18nText) => string): { title: string; message: string } {
  const message = render(text.message);
  return { title: render(text.title), message: text.verdict === undefined ? message : `${message}\n${render(text.verdict)}` };
}

/** Badge of a tab: its incident's code while the page shows the error, nothing once it is back. */
export interface BadgeView {
  readonly text: string;
  /** CSS colour. */
  readonly color: string;
}

/** The badge for a tab (or `null` to clear it). */
export function describeBadge(entry: TabEntry | undefined, incident: Incident | undefined): BadgeView | null {
  if (entry === undefined || incident === undefined) return null;
  switch (incident.phase) {
    case 'retrying':
      return { text: String(incident.code), color: '#d97706' };
    case 'watching':
      return { text: String(incident.code), color: '#b91c1c' };
    case 'recovered':
    case 'abandoned':
      return null;
    default:
      return { text: String(incident.code), color: '#6b7280' };
  }
}
