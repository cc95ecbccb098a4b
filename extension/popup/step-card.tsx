/**
 * One step of the guide: why it may help, what it does, its button (and the confirmation a cookie clear asks), the
 * outcome in words, then "Did that help?". Pure over its props: actions come in as an interface.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ArchiveResult } from '../../src/guide/archive';
import type { GuideStep, StepAction } from '../../src/guide/steps';
import type { ReloadStart } from '../../src/messages';
import type { MessageKey, I18nText } from '../../src/shared/text';
import { reasonKey } from '../../src/status/verdict';
import { ConfirmDialog } from '../shared/confirm-dialog';
import type { GuideActions } from './guide-actions';
import type { GuideSectionProps } from './guide-section';

export interface StepCardProps extends Omit<GuideSectionProps, 'guide'> {
  readonly step: GuideStep;
  readonly index: number;
  readonly total: number;
  readonly asked: boolean;
  /** Move the focus to this step's heading when it appears (the user moved to it). */
  readonly focusOnShow: boolean;
  readonly onActed: () => void;
  /** "Yes": the closing line is the step's own (`step.ask.done`) when it has one. */
  readonly onHelped: () => void;
  readonly onNext: () => void;
}

export function StepCard(props: StepCardProps) {
  const { step, index, total, t, asked } = props;
  const render = (x: I18nText) => t(x.key, x.subs);
  const [result, setResult] = useState<{ text: string; tone: 'ok' | 'warn' | 'muted' } | null>(null);
  const [confirming, setConfirming] = useState(false);
  // The actions that ask first: clearing cookies (sign-in, basket) and sending a form again (a second order).
  const confirmAction = step.action?.kind === 'clear-cookies' || step.action?.kind === 'resend-form' ? step.action : undefined;
  const [busy, setBusy] = useState(false);
  const [archive, setArchive] = useState<ArchiveResult | null>(null);
  // Steps done by hand (no button) ask at once; the others after their button ran. Nothing to ask when there was
  // nothing to try.
  const askNow = !step.informational && (asked || step.action === undefined);
  const heading = useRef<HTMLHeadingElement>(null);
  useLayoutEffect(() => {
    if (props.focusOnShow) heading.current?.focus();
  }, []);

  // Buttons are never `disabled` while busy: a disabled button drops the keyboard focus to the page (Chromium).
  const run = async (action: StepAction) => {
    if (busy) return;
    setBusy(true);
    try {
      const outcome = await perform(action, props);
      if (outcome !== null) setResult(outcome);
      if (action.kind !== 'check-status') props.onActed();
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="step" data-testid="guide-step" data-step={step.id}>
      <h3 ref={heading} tabIndex={-1}>
        <span class="muted small">{t('guideStepOf', [String(index + 1), String(total)])}</span> {render(step.title)}
      </h3>
      <p>{t('guideWhy', [render(step.why)])}</p>
      <p class="muted">{render(step.what)}</p>
      {step.hints !== undefined && (
        <ul class="hints" data-testid="step-hints">
          {step.hints.map((h) => (
            <li key={h.key}>{render(h)}</li>
          ))}
        </ul>
      )}
      {step.link !== undefined && (
        <p>
          <a href={step.link.url} target="_blank" rel="noreferrer noopener" data-testid="step-link">
            {render(step.link.label)}
          </a>
        </p>
      )}
      {step.snippets?.map((s) => (
        <div class="snippet" key={s.text}>
          <span class="small">{render(s.label)}</span>
          <div class="row">
            <code>{s.text}</code>
            <CopyButton text={s.text} t={t} copy={props.actions.copy} />
          </div>
        </div>
      ))}
      {step.action?.kind === 'copy-report' && (
        <details>
          <summary>{t('guideTellPreview')}</summary>
          <pre data-testid="report-preview">{props.report}</pre>
        </details>
      )}
      <ConfirmDialog
        open={confirming && confirmAction !== undefined}
        id={confirmAction?.kind ?? 'confirm'}
        trigger={(ref) => (
          <div class="actions">
            {step.action !== undefined && (
              <button
                type="button"
                ref={ref}
                data-testid={`action-${step.action.kind}`}
                aria-disabled={busy}
                onClick={() => (confirmAction !== undefined ? setConfirming(true) : void run(step.action!))}
              >
                {t(ACTION_LABEL[step.action.kind])}
              </button>
            )}
            {step.secondary !== undefined && (
              <button type="button" class="secondary" data-testid={`action-${step.secondary.kind}`} aria-disabled={busy} onClick={() => void run(step.secondary!)}>
                {t(ACTION_LABEL[step.secondary.kind])}
              </button>
            )}
            {step.id === 'down-for-everyone' && props.archiveOffered && (
              <button
                type="button"
                class="secondary"
                data-testid="action-archive"
                aria-disabled={busy}
                onClick={() => {
                  if (busy) return;
                  setBusy(true);
                  void props.actions.findArchive().then((r) => {
                    setArchive(r);
                    setBusy(false);
                  });
                }}
              >
                {t('guideArchiveButton')}
              </button>
            )}
          </div>
        )}
        question={confirmAction !== undefined ? render(confirmAction.confirm) : ''}
        questionClass="warn"
        confirmLabel={t(confirmAction?.kind === 'resend-form' ? 'popupResendConfirmButton' : 'guideCookiesConfirmButton')}
        cancelLabel={t('guideCancel')}
        // A second order or payment cannot be undone: the safe choice has the focus there.
        initialFocus={confirmAction?.kind === 'resend-form' ? 'cancel' : 'confirm'}
        testIds={{ confirm: confirmAction?.kind === 'resend-form' ? 'confirm-resend' : 'confirm-clear-cookies' }}
        onConfirm={() => {
          setConfirming(false);
          void run(step.action!);
        }}
        onCancel={() => setConfirming(false)}
      />
      {step.id === 'down-for-everyone' && props.archiveOffered && archive === null && <p class="muted small">{t('guideArchiveWhatIsSent')}</p>}
      <div aria-live="polite">{archive !== null && <ArchiveLine result={archive} t={t} host={hostOf(props.pageUrl)} />}</div>
      {/* Always present, so the popup does not jump when a result appears; announced when it changes. */}
      <p class={`result ${result?.tone ?? ''}`} role="status" aria-live="polite" data-testid="step-result">
        {result?.text ?? ''}
      </p>
      {step.informational ? (
        <button type="button" class="secondary" data-testid="next" onClick={props.onNext}>
          {t('guideNextStep')}
        </button>
      ) : askNow ? (
        <div class="actions" role="group" aria-label={step.ask !== undefined ? render(step.ask.question) : t('guideDidItHelp')}>
          <span>{step.ask !== undefined ? render(step.ask.question) : t('guideDidItHelp')}</span>
          <button type="button" class="secondary" data-testid="helped-yes" onClick={props.onHelped}>
            {step.ask !== undefined ? render(step.ask.yes) : t('guideYes')}
          </button>
          <button type="button" class="secondary" data-testid="helped-no" onClick={props.onNext}>
            {step.ask !== undefined ? render(step.ask.no) : t('guideNo')}
          </button>
        </div>
      ) : (
        <button type="button" class="link" data-testid="skip" onClick={props.onNext}>
          {t('guideSkip')}
        </button>
      )}
    </div>
  );
}

const RELOAD_RESULT: Record<ReloadStart, MessageKey> = {
  started: 'guideRefreshDone',
  'under-way': 'guideRefreshUnderWay',
  none: 'guideRefreshNone',
};

const ACTION_LABEL: Record<StepAction['kind'], MessageKey> = {
  reload: 'guideRefreshButton',
  'clear-cookies': 'guideCookiesButton',
  'open-private': 'guidePrivateButton',
  'copy-link': 'guideCopyLinkButton',
  'check-status': 'guideCheckButton',
  'copy-report': 'guideTellButton',
  'resend-form': 'popupResendButton',
};

/** Carries out one action; returns the line to show, or `null` (the status section shows the check itself). */
async function perform(action: StepAction, p: StepCardProps): Promise<{ text: string; tone: 'ok' | 'warn' | 'muted' } | null> {
  const { t, actions } = p;
  switch (action.kind) {
    case 'reload': {
      const started = await actions.reload();
      return { text: t(RELOAD_RESULT[started]), tone: started === 'started' ? 'ok' : 'muted' };
    }
    case 'clear-cookies': {
      const r = await actions.clearCookies(action.domain);
      if (r.ok) {
        if (r.removed === 0) return { text: t(r.reloaded ? 'guideCookiesNone' : 'guideCookiesNoneNoReload', [r.domain]), tone: 'muted' };
        return { text: t(r.reloaded ? 'guideCookiesRemoved' : 'guideCookiesRemovedNoReload', [String(r.removed), r.domain]), tone: 'ok' };
      }
      if (r.reason === 'no-permission') return { text: t('guideCookiesNoPermission'), tone: 'warn' };
      if (r.reason === 'failed') return { text: t('guideCookiesFailed', [r.detail ?? '']), tone: 'warn' };
      if (r.reason === 'public-suffix') return { text: t('guideCookiesPublicSuffix'), tone: 'warn' };
      if (r.reason === 'no-store') return { text: t('guideCookiesNoStore'), tone: 'warn' };
      // The tab moved on to another site, or its failure is gone: said in words, not as a code.
      return { text: t(r.reason === 'site-changed' ? 'guideCookiesSiteChanged' : 'guideCookiesNoIncident'), tone: 'warn' };
    }
    case 'open-private': {
      const r = await actions.openPrivate();
      return r.ok ? { text: t('guidePrivateOpened'), tone: 'ok' } : { text: t('guidePrivateFailed', [r.reason]), tone: 'warn' };
    }
    case 'copy-link':
      return (await actions.copy(p.pageUrl)) ? { text: t('guideCopied'), tone: 'ok' } : { text: t('guideCopyFailed'), tone: 'warn' };
    case 'copy-report':
      return (await actions.copy(p.report)) ? { text: t('guideCopied'), tone: 'ok' } : { text: t('guideCopyFailed'), tone: 'warn' };
    case 'check-status':
      p.onCheckNow();
      return null;
    case 'resend-form':
      return (await actions.resendForm()) ? { text: t('popupResendDone'), tone: 'ok' } : { text: t('guideResendFailed'), tone: 'warn' };
  }
}

function CopyButton({ text, t, copy }: { text: string; t: GuideSectionProps['t']; copy: GuideActions['copy'] }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <>
      <button type="button" class="secondary small" onClick={() => void copy(text).then(setCopied)} aria-label={`${t('guideCopy')}: ${text}`}>
        {t('guideCopy')}
      </button>
      <span class="small" role="status" aria-live="polite">
        {copied === null ? '' : copied ? t('guideCopied') : t('guideCopyFailed')}
      </span>
    </>
  );
}

/** The host of an address, for messages; `''` if it cannot be read. */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

function ArchiveLine({ result, t, host }: { result: ArchiveResult; t: GuideSectionProps['t']; host: string }) {
  if (result.found) {
    const label = result.takenAt === null ? t('guideArchiveFoundUndated') : t('guideArchiveFound', [new Date(result.takenAt).toLocaleDateString()]);
    return (
      <p data-testid="archive">
        <a href={result.url} target="_blank" rel="noreferrer noopener">
          {label}
        </a>
      </p>
    );
  }
  return (
    <p class="muted" data-testid="archive">
      {result.reason === undefined
        ? t('guideArchiveNone')
        : result.reason.code === 'private-host'
          ? t('guideArchivePrivate', [host])
          : t('guideArchiveUnknown', [t(reasonKey(result.reason.code))])}
    </p>
  );
}
