/** The popup's view of one tab's incident. Pure over its props: rendered against fixtures in tests. */
import type { MessageKey } from '../../src/shared/text';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { TabView } from '../../src/messages';
import { durationText, statusNameText, type Text } from '../../src/view/describe';
import { StatusSection } from './status-section';
import { GuideSection } from './guide-section';
import type { GuideActions } from './guide-actions';
import { chooseSteps, type BrowserFamily, type PlatformOs } from '../../src/guide/steps';
import { buildReport } from '../../src/guide/report';
import { isCurrentFor } from '../../src/status/describe-status';
import type { StatusReport } from '../../src/status/verdict';

/** Facts about the browser the guide depends on, read once by the popup. */
export interface GuideEnvironment {
  readonly browser: BrowserFamily;
  /** e.g. "Chromium 156", for the report. */
  readonly browserLabel: string;
  readonly os: PlatformOs;
  /** The tab is in a private window. */
  readonly incognito: boolean;
  /** The extension may open private windows. */
  readonly canOpenPrivate: boolean;
}

export interface PopupViewProps {
  /** `null` until the background has answered. */
  readonly view: TabView | null;
  /** False when the tab is not an http(s) page. */
  readonly watchable: boolean;
  readonly t: (key: MessageKey, subs?: readonly string[]) => string;
  /** Epoch ms; the countdown ticks from it. */
  readonly now: number;
  readonly onRetryNow: () => void;
  readonly onStop: () => void;
  /** "Check now": a status check the user asked for (their consent for that one check). */
  readonly onCheckNow: () => void;
  /** `null` until read; the guide waits for it. */
  readonly env: GuideEnvironment | null;
  readonly actions: GuideActions;
}

export function PopupView({ view, watchable, t, now, onRetryNow, onStop, onCheckNow, env, actions }: PopupViewProps) {
  const render = (x: Text) => t(x.key, x.subs);
  if (!watchable) return <p class="muted">{t('popupNoTab')}</p>;
  if (view === null) return null;
  if (view.incident === null) {
    return (
      <>
        <h1>{t('popupNothing')}</h1>
        <SubresourceNote view={view} t={t} />
      </>
    );
  }
  const { incident } = view.incident;
  const code = String(incident.code);
  const active = incident.phase === 'retrying' || incident.phase === 'watching';
  const recovered = incident.phase === 'recovered';
  const current = currentReport(view, now);
  const downForEveryone = current?.verdict === 'down-for-everyone';
  const status = <StatusSection status={view.status} host={incident.host} t={t} now={now} onCheckNow={onCheckNow} stillWatching={active} />;
  const seconds = incident.nextAt === null ? null : Math.max(0, Math.ceil((incident.nextAt - now) / 1000));
  const tail =
    incident.offline === true
      ? ''
      : incident.awaiting !== null
        ? t('popupRetryingNow')
        : seconds !== null
          ? t(incident.phase === 'retrying' ? 'popupNextRetry' : 'popupNextCheck', [String(seconds)])
          : '';
  const since = render(durationText((incident.endedAt ?? now) - incident.startedAt));
  const line = phaseLine(view, t, since);
  const who = incident.gateway.server ?? incident.gateway.via ?? t('popupUnknownServer');
  return (
    <>
      <h1>{t('popupAnswered', [incident.host, code, render(statusNameText(incident.code))])}</h1>
      <p data-phase={incident.phase}>
        {line}
        {/* Its own line, one line high whatever it says (or when it says nothing, offline), so neither the ticks nor
            a retry going out reflow the phase line and move the page under the user's pointer. A timer is not read
            out at every tick (role "timer" is not live); the announcement below says when the next try is set. */}
        {active && (
          <>
            {' '}
            <span class="muted next" role="timer" data-testid={incident.awaiting === null ? 'countdown' : 'retrying-now'}>
              {tail}
            </span>
          </>
        )}
      </p>
      <Announcement text={`${line} ${active ? tail : ''}`.trim()} changeKey={[incident.phase, incident.attempts, incident.probes, incident.awaiting?.at, incident.nextAt, incident.offline].join('|')} />
      <dl>
        <dt>{t('popupWhoAnswered')}</dt>
        <dd data-testid="server">{who}</dd>
        {incident.gateway.cfRay !== undefined && (
          <>
            <dt>cf-ray</dt>
            <dd>{incident.gateway.cfRay}</dd>
          </>
        )}
      </dl>
      <SubresourceNote view={view} t={t} />
      {/* Back: the page works, so nothing is left to retry, check or fix. */}
      {!recovered && (
        <div class="actions">
          {incident.notRetriedReason !== 'non-get' && (
            <button type="button" onClick={onRetryNow} data-testid="retry-now">
              {t('popupRetryNow')}
            </button>
          )}
          {active && (
            <button type="button" class="secondary" onClick={onStop} data-testid="stop">
              {t('popupStop')}
            </button>
          )}
        </div>
      )}
      {incident.notRetriedReason === 'non-get' && <ResendForm method={incident.method} t={t} actions={actions} />}
      {/* What to do comes first and the evidence for "down for everyone?" after it (the guide's summary gives its
          upshot); when it is down for everyone, the verdict and its evidence are the news, and the guide only adds
          what is left to do. */}
      {!recovered && downForEveryone && status}
      {!recovered && env !== null && (
        <Guide view={view} status={current} stillWatching={active} env={env} t={t} now={now} actions={actions} onCheckNow={onCheckNow} />
      )}
      {!recovered && !downForEveryone && status}
    </>
  );
}

/**
 * What a screen reader hears of the incident: its phase and the next try as it stood when that try was set, said again
 * only when something changes (a try goes out, its answer comes, a new wait is set), not at every tick of the
 * countdown nor at every poll.
 */
function Announcement({ text, changeKey }: { text: string; changeKey: string }) {
  const said = useMemo(() => text, [changeKey]);
  return (
    <p class="visually-hidden" role="status" aria-live="polite" data-testid="announcement">
      {said}
    </p>
  );
}

/**
 * The guide for the tab's incident, from what is known now: who answered, the verdict if current (`status`, see
 * {@link currentReport}), whether retries go on, the browser.
 */
function Guide({
  view,
  status,
  stillWatching,
  env,
  t,
  now,
  actions,
  onCheckNow,
}: Pick<PopupViewProps, 't' | 'now' | 'actions' | 'onCheckNow'> & { view: TabView; status: StatusReport | null; stillWatching: boolean; env: GuideEnvironment }) {
  const { incident, tab } = view.incident!;
  const guide = chooseSteps({
    host: incident.host,
    cookieDomain: view.siteDomain ?? incident.host,
    code: incident.code,
    gateway: incident.gateway,
    verdict: status?.verdict ?? null,
    browser: env.browser,
    os: env.os,
    incognito: env.incognito,
    canOpenPrivate: env.canOpenPrivate,
    stillWatching,
    formFailed: incident.notRetriedReason === 'non-get',
  });
  const text = buildReport({ incident, status, now, browser: env.browserLabel }, (x) => t(x.key, x.subs));
  return (
    <GuideSection
      guide={guide}
      t={t}
      actions={actions}
      pageUrl={tab.url}
      report={text}
      archiveOffered={view.status?.privateHost !== true && (status?.verdict === 'down-for-everyone' || incident.phase === 'gave-up')}
      stillWatching={stillWatching}
      onCheckNow={onCheckNow}
      // Down for everyone while retries go on: the verdict above already said it in the same words.
      showSummary={!(status?.verdict === 'down-for-everyone' && stillWatching)}
    />
  );
}

/** The status check that speaks for the tab's incident: answered (not held back by a limit) since it began. */
function currentReport(view: TabView, now: number): StatusReport | null {
  const report = view.status?.report ?? null;
  const incident = view.incident?.incident;
  return report !== null && incident !== undefined && report.limitedBy === undefined && isCurrentFor(report, incident.startedAt, now) ? report : null;
}

/** A form's answer failed: say why it is not sent again, and let the user send it on purpose after a warning. */
function ResendForm({ method, t, actions }: { method: string; t: PopupViewProps['t']; actions: GuideActions }) {
  const [stage, setStage] = useState<'idle' | 'confirming' | 'sent' | 'refused'>('idle');
  return (
    <div class="resend" data-testid="resend">
      <p>{t('popupResendExplain', [method])}</p>
      {stage === 'idle' && (
        <button type="button" class="secondary" data-testid="resend-form" onClick={() => setStage('confirming')}>
          {t('popupResendButton')}
        </button>
      )}
      {stage === 'confirming' && (
        <div class="confirm" role="alertdialog" aria-labelledby="resend-warning">
          <p id="resend-warning" class="warn">
            {t('popupResendConfirm')}
          </p>
          <div class="actions">
            <button type="button" data-testid="confirm-resend" onClick={() => void actions.resendForm().then((ok) => setStage(ok ? 'sent' : 'refused'))}>
              {t('popupResendConfirmButton')}
            </button>
            <button type="button" class="secondary" onClick={() => setStage('idle')}>
              {t('guideCancel')}
            </button>
          </div>
        </div>
      )}
      <p role="status" aria-live="polite" class="muted">
        {stage === 'sent' ? t('popupResendDone') : ''}
      </p>
    </div>
  );
}

/** Gateway errors of the page's parts: told, so a broken image is explained, and never a reason to reload. */
function SubresourceNote({ view, t }: { view: TabView; t: PopupViewProps['t'] }) {
  const errors = view.subresourceErrors;
  if (errors.length === 0) return null;
  const hosts = [...new Set(errors.map((e) => `${e.host} (${e.code})`))].slice(0, 3).join(', ');
  return (
    <p class="muted" data-testid="subresources">
      {t('popupSubresources', [String(errors.length), hosts])}
    </p>
  );
}

function phaseLine(view: TabView, t: PopupViewProps['t'], since: string): string {
  const { incident } = view.incident!;
  switch (incident.phase) {
    case 'retrying':
      if (incident.offline === true) return t('popupOffline');
      return t('popupPhaseRetrying', [
        String(Math.min(incident.attempts + (incident.awaiting ? 0 : 1), view.maxVisibleRetries)),
        String(view.maxVisibleRetries),
      ]);
    case 'watching':
      return incident.offline === true ? t('popupOffline') : t('popupPhaseWatching');
    case 'recovered':
      return t('popupPhaseRecovered', [since]);
    case 'gave-up':
      return t('popupPhaseGaveUp', [since]);
    case 'cancelled':
    case 'abandoned':
      return t('popupPhaseCancelled');
    case 'not-retried':
      return incident.notRetriedReason === 'non-get'
        ? t('popupPhaseNonGet', [incident.method])
        : t('popupPhaseNeverRetry');
  }
}

/**
 * The clock the countdown shows, epoch ms: the background's `start`, moved on with the popup's own clock. Each poll
 * hands a new `start`, which is taken at once; between polls it ticks 4 times a second. (Ticking once a second from
 * each new `start` froze the countdown in Firefox, where the 1 s poll kept restarting the tick before it fired.)
 */
export function useNow(start: number): number {
  const [now, setNow] = useState(start);
  useEffect(() => {
    const offset = start - Date.now();
    setNow(start);
    const id = setInterval(() => setNow(Date.now() + offset), 250);
    return () => clearInterval(id);
  }, [start]);
  return now;
}
