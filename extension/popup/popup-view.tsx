/** The popup's view of one tab's incident. Pure over its props: rendered against fixtures in tests. */
import { useEffect, useState } from 'preact/hooks';
import type { TabView } from '../../src/messages';
import { durationText, statusNameText, type Text } from '../../src/recovery/describe';
import { StatusSection } from './status-section';

export interface PopupViewProps {
  /** `null` until the background has answered. */
  readonly view: TabView | null;
  /** False when the tab is not an http(s) page. */
  readonly watchable: boolean;
  readonly t: (key: string, subs?: readonly string[]) => string;
  /** Epoch ms; the countdown ticks from it. */
  readonly now: number;
  readonly onRetryNow: () => void;
  readonly onStop: () => void;
  /** "Check now": a status check the user asked for (their consent for that one check). */
  readonly onCheckNow: () => void;
}

export function PopupView({ view, watchable, t, now, onRetryNow, onStop, onCheckNow }: PopupViewProps) {
  const render = (x: Text) => t(x.key, x.subs);
  if (!watchable) return <p class="muted">{t('popupNoTab')}</p>;
  if (view === null) return null;
  if (view.incident === null) {
    return (
      <>
        <p>{t('popupNothing')}</p>
        <SubresourceNote view={view} t={t} />
      </>
    );
  }
  const { incident } = view.incident;
  const code = String(incident.code);
  const active = incident.phase === 'retrying' || incident.phase === 'watching';
  const seconds = incident.nextAt === null ? null : Math.max(0, Math.ceil((incident.nextAt - now) / 1000));
  const since = render(durationText((incident.endedAt ?? now) - incident.startedAt));
  const who = incident.gateway.server ?? incident.gateway.via ?? t('popupUnknownServer');
  return (
    <>
      <h1>{t('popupAnswered', [incident.host, code, render(statusNameText(incident.code))])}</h1>
      <p role="status" aria-live="polite" data-phase={incident.phase}>
        {phaseLine(view, t, since)}
        {active && seconds !== null && incident.awaiting === null && incident.offline !== true && (
          <>
            {' '}
            <span class="muted" data-testid="countdown">
              {t(incident.phase === 'retrying' ? 'popupNextRetry' : 'popupNextCheck', [String(seconds)])}
            </span>
          </>
        )}
        {active && incident.awaiting !== null && (
          <>
            {' '}
            <span class="muted">{t('popupRetryingNow')}</span>
          </>
        )}
      </p>
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
      {incident.gateway.server !== undefined && incident.method !== 'POST' && <p class="muted">{t('popupSiteSide')}</p>}
      <SubresourceNote view={view} t={t} />
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
      <StatusSection status={view.status} host={incident.host} t={t} now={now} onCheckNow={onCheckNow} />
    </>
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

/** Re-renders every second while mounted, for the countdown. */
export function useNow(start: number): number {
  const [now, setNow] = useState(start);
  useEffect(() => {
    const offset = start - Date.now();
    const id = setInterval(() => setNow(Date.now() + offset), 1000);
    return () => clearInterval(id);
  }, [start]);
  return now;
}
