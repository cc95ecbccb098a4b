/**
 * The popup's controls, at its end (issue 14, point 5): pause every retry for an hour or until tomorrow morning,
 * "Never retry this site", and which notifications show. Renders the background's `ControlsView` and derives nothing;
 * it only formats the pause's end as a local time.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Translate } from '../../src/shared/text';
import type { ControlsView } from '../../src/view/controls-view';
import type { NotifyMode } from '../../src/settings/settings';
import type { Response } from '../../src/messages';
import { ConfirmDialog } from '../shared/confirm-dialog';

export interface ControlsProps {
  readonly controls: ControlsView;
  readonly t: Translate;
  /** The popup's clock, epoch ms: the pause's end shows its weekday when it is not today. */
  readonly now: number;
  /** A BCP 47 tag for `Intl` (the messages' `languageTag`). */
  readonly locale: string;
  /** "For 1 hour", "Until tomorrow", "Resume now" (`off`); resolves once the background answered. */
  readonly onPause: (pause: 'hour' | 'tomorrow' | 'off') => Promise<unknown>;
  /** Adds (`true`) or takes off (`false`) the tab's site on the never-retry list; resolves with the answer. */
  readonly onNeverRetry: (listed: boolean) => Promise<Response<'setNeverRetry'>>;
  /** Opens the options page at its notification settings. */
  readonly onNotifySettings: () => void;
}

const NOTIFY_WORDS: Record<NotifyMode, 'controlsNotifyEveryChange' | 'controlsNotifyBackOnly' | 'controlsNotifyNever'> = {
  'every-change': 'controlsNotifyEveryChange',
  'back-only': 'controlsNotifyBackOnly',
  never: 'controlsNotifyNever',
};

export function Controls({ controls, t, now, locale, onPause, onNeverRetry, onNotifySettings }: ControlsProps) {
  // Nothing wrong anywhere, no pause, and a site not on the list: the popup says so and nothing else.
  const pause = controls.pausedUntil !== null || controls.offerPause;
  if (!pause && controls.site === null && controls.notify === null) return null;
  return (
    <section class="controls" aria-labelledby="controls-heading" data-testid="controls">
      <h2 id="controls-heading">{t('controlsTitle')}</h2>
      {pause && <Pause pausedUntil={controls.pausedUntil} tomorrowAt={controls.tomorrowAt} t={t} now={now} locale={locale} onPause={onPause} />}
      {controls.site !== null && <NeverRetry site={controls.site} t={t} onNeverRetry={onNeverRetry} />}
      {controls.notify !== null && (
        <p class="muted" data-testid="notify-mode">
          {t('controlsNotify', [t(NOTIFY_WORDS[controls.notify])])}{' '}
          <button type="button" class="link" data-testid="notify-settings" onClick={onNotifySettings}>
            {t('controlsNotifyChange')}
          </button>
        </p>
      )}
    </section>
  );
}

function Pause(p: { pausedUntil: number | null; tomorrowAt: number; t: Translate; now: number; locale: string; onPause: ControlsProps['onPause'] }) {
  const { t } = p;
  // Set by the user's own click: the control that replaces the one clicked takes the focus (else it falls to the body).
  const [clicked, setClicked] = useState(false);
  const resume = useRef<HTMLButtonElement>(null);
  const summary = useRef<HTMLElement>(null);
  const paused = p.pausedUntil !== null;
  useLayoutEffect(() => {
    if (clicked) (paused ? resume : summary).current?.focus();
  }, [paused]);
  const choose = (pause: 'hour' | 'tomorrow' | 'off') => {
    setClicked(true);
    void p.onPause(pause);
  };
  if (p.pausedUntil !== null) {
    return (
      <div class="paused" data-testid="paused">
        <p role="status">
          <strong>{t('controlsPausedUntil', [clockText(p.pausedUntil, p.now, p.locale)])}</strong>
        </p>
        <p class="muted">{t('controlsPausedNote')}</p>
        <div class="actions">
          <button type="button" ref={resume} data-testid="resume" onClick={() => choose('off')}>
            {t('controlsResume')}
          </button>
        </div>
      </div>
    );
  }
  return (
    <details class="pause" data-testid="pause-menu">
      <summary ref={summary} data-testid="pause">
        {t('controlsPause')}
      </summary>
      <div class="actions">
        <button type="button" class="secondary" data-testid="pause-hour" onClick={() => choose('hour')}>
          {t('controlsPauseHour')}
        </button>
        <button type="button" class="secondary" data-testid="pause-tomorrow" onClick={() => choose('tomorrow')}>
          {t('controlsPauseTomorrow', [clockText(p.tomorrowAt, p.now, p.locale, false)])}
        </button>
      </div>
    </details>
  );
}

function NeverRetry({ site, t, onNeverRetry }: { site: NonNullable<ControlsView['site']>; t: Translate; onNeverRetry: ControlsProps['onNeverRetry'] }) {
  const [stage, setStage] = useState<'idle' | 'confirming' | 'busy'>('idle');
  const [refused, setRefused] = useState(false);
  const listed = site.listedAs.length > 0;
  const change = (to: boolean) => {
    setStage('busy');
    void onNeverRetry(to)
      .then((r) => setRefused(!r.ok), () => setRefused(true))
      .finally(() => setStage('idle'));
  };
  return (
    <div class="never-retry" data-testid="never-retry">
      {listed && (
        <p role="status" data-testid="never-retry-listed">
          {t('controlsNeverRetryListed', [site.host, site.listedAs.join(', ')])}
        </p>
      )}
      {site.locked ? (
        <p class="muted">{t('controlsNeverRetryManaged')}</p>
      ) : listed ? (
        <div class="actions">
          <button type="button" class="secondary" data-testid="never-retry-remove" disabled={stage === 'busy'} onClick={() => change(false)}>
            {t('controlsNeverRetryRemove')}
          </button>
        </div>
      ) : (
        <ConfirmDialog
          open={stage === 'confirming'}
          id="never-retry"
          trigger={(ref) => (
            <div class="actions">
              <button type="button" class="secondary" data-testid="never-retry-add" ref={ref} disabled={stage === 'busy'} onClick={() => setStage('confirming')}>
                {t('controlsNeverRetry', [site.host])}
              </button>
            </div>
          )}
          question={t('controlsNeverRetryConfirm', [site.host])}
          confirmLabel={t('controlsNeverRetryConfirmButton')}
          cancelLabel={t('guideCancel')}
          testIds={{ dialog: 'never-retry-dialog', confirm: 'confirm-never-retry', cancel: 'cancel-never-retry' }}
          onConfirm={() => change(true)}
          onCancel={() => setStage('idle')}
        />
      )}
      {refused && (
        <p class="warn" role="alert" data-testid="never-retry-refused">
          {t('controlsNeverRetryRefused')}
        </p>
      )}
    </div>
  );
}

/**
 * A local clock time for `at` (epoch ms), e.g. "15:00" or "3:00 PM" as the locale writes it; with the weekday when it
 * is not on `now`'s day (unless `withDay` is false: the button says "tomorrow" itself).
 */
function clockText(at: number, now: number, locale: string, withDay = true): string {
  const sameDay = new Date(at).toDateString() === new Date(now).toDateString();
  const options: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit', ...(withDay && !sameDay ? { weekday: 'short' } : {}) };
  try {
    return new Intl.DateTimeFormat(locale, options).format(at);
  } catch {
    return new Intl.DateTimeFormat(undefined, options).format(at);
  }
}
