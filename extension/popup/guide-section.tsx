/**
 * The guide in the popup: one step at a time, each saying why it may help and what it does, doing it where an
 * extension can, then asking "Did that help?" before the next. Pure over its props (actions come in as an
 * interface), so every step renders against fixtures.
 */
import { useState } from 'preact/hooks';
import type { ArchiveResult } from '../../src/guide/archive';
import type { Guide, GuideStep, StepAction } from '../../src/guide/steps';
import type { Text } from '../../src/text';
import type { GuideActions } from './guide-actions';

export interface GuideSectionProps {
  readonly guide: Guide;
  readonly t: (key: string, subs?: readonly string[]) => string;
  readonly actions: GuideActions;
  /** The failed page's address ("copy the link"). */
  readonly pageUrl: string;
  /** The diagnostic report, built by the caller ("tell the site"). */
  readonly report: string;
  /** Offer "Find an archived copy" (the site is down for everyone, or retries gave up). */
  readonly archiveOffered: boolean;
  /** "Check now" of the status section (the popup's consent handling lives there). */
  readonly onCheckNow: () => void;
}

type Stage =
  | { readonly kind: 'step'; readonly index: number; readonly asked: boolean }
  | { readonly kind: 'done' }
  | { readonly kind: 'end' };

export function GuideSection({ guide, t, actions, pageUrl, report, archiveOffered, onCheckNow }: GuideSectionProps) {
  const [stage, setStage] = useState<Stage>({ kind: 'step', index: 0, asked: false });
  const render = (x: Text) => t(x.key, x.subs);
  const steps = guide.steps;
  const next = (index: number) => setStage(index + 1 < steps.length ? { kind: 'step', index: index + 1, asked: false } : { kind: 'end' });
  const current = stage.kind === 'step' ? steps[stage.index] : undefined;

  return (
    <section class="guide" aria-labelledby="guide-heading" data-testid="guide" data-side={guide.side}>
      <h2 id="guide-heading">{t('guideHeading')}</h2>
      <p data-testid="guide-summary">{render(guide.summary)}</p>
      <ol class="toc" aria-label={t('guideShowAll')}>
        {steps.map((s, i) => (
          <li key={s.id}>
            <button
              type="button"
              class="link"
              aria-current={stage.kind === 'step' && stage.index === i ? 'step' : undefined}
              onClick={() => setStage({ kind: 'step', index: i, asked: false })}
              data-testid={`toc-${s.id}`}
            >
              {render(s.title)}
            </button>
          </li>
        ))}
      </ol>
      {current !== undefined && stage.kind === 'step' && (
        <StepCard
          key={current.id}
          step={current}
          index={stage.index}
          total={steps.length}
          t={t}
          actions={actions}
          pageUrl={pageUrl}
          report={report}
          archiveOffered={archiveOffered}
          onCheckNow={onCheckNow}
          asked={stage.asked}
          onActed={() => setStage({ kind: 'step', index: stage.index, asked: true })}
          onHelped={() => setStage({ kind: 'done' })}
          onNext={() => next(stage.index)}
        />
      )}
      {stage.kind === 'done' && (
        <p class="ok" role="status" data-testid="guide-done">
          {t('guideDone')}
        </p>
      )}
      {stage.kind === 'end' && (
        <p role="status" data-testid="guide-end">
          {t('guideEnd')}
        </p>
      )}
      {stage.kind !== 'step' && (
        <button type="button" class="secondary" onClick={() => setStage({ kind: 'step', index: 0, asked: false })}>
          {t('guideRestart')}
        </button>
      )}
    </section>
  );
}

export interface StepCardProps extends Omit<GuideSectionProps, 'guide'> {
  readonly step: GuideStep;
  readonly index: number;
  readonly total: number;
  readonly asked: boolean;
  readonly onActed: () => void;
  readonly onHelped: () => void;
  readonly onNext: () => void;
}

export function StepCard(props: StepCardProps) {
  const { step, index, total, t, asked } = props;
  const render = (x: Text) => t(x.key, x.subs);
  const [result, setResult] = useState<{ text: string; tone: 'ok' | 'warn' | 'muted' } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [archive, setArchive] = useState<ArchiveResult | null>(null);
  // Steps done by hand (no button) ask at once; the others after their button ran.
  const askNow = asked || step.action === undefined;

  const run = async (action: StepAction) => {
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
      <h3>
        <span class="muted small">{t('guideStepOf', [String(index + 1), String(total)])}</span> {render(step.title)}
      </h3>
      <p>{t('guideWhy', [render(step.why)])}</p>
      <p class="muted">{render(step.what)}</p>
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
      {confirming && step.action?.kind === 'clear-cookies' ? (
        <div class="confirm" role="alertdialog" aria-labelledby="confirm-text">
          <p id="confirm-text" class="warn">
            {render(step.action.confirm)}
          </p>
          <div class="actions">
            <button
              type="button"
              data-testid="confirm-clear-cookies"
              disabled={busy}
              onClick={() => {
                setConfirming(false);
                void run(step.action!);
              }}
            >
              {t('guideCookiesConfirmButton')}
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              {t('guideCancel')}
            </button>
          </div>
        </div>
      ) : (
        <div class="actions">
          {step.action !== undefined && (
            <button
              type="button"
              data-testid={`action-${step.action.kind}`}
              disabled={busy}
              onClick={() => (step.action!.kind === 'clear-cookies' ? setConfirming(true) : void run(step.action!))}
            >
              {t(ACTION_LABEL[step.action.kind])}
            </button>
          )}
          {step.secondary !== undefined && (
            <button type="button" class="secondary" data-testid={`action-${step.secondary.kind}`} disabled={busy} onClick={() => void run(step.secondary!)}>
              {t(ACTION_LABEL[step.secondary.kind])}
            </button>
          )}
          {step.id === 'down-for-everyone' && props.archiveOffered && (
            <button
              type="button"
              class="secondary"
              data-testid="action-archive"
              disabled={busy}
              onClick={() => {
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
      {step.id === 'down-for-everyone' && props.archiveOffered && archive === null && <p class="muted small">{t('guideArchiveWhatIsSent')}</p>}
      {archive !== null && <ArchiveLine result={archive} t={t} />}
      {/* Always present, so the popup does not jump when a result appears; announced when it changes. */}
      <p class={`result ${result?.tone ?? ''}`} role="status" aria-live="polite" data-testid="step-result">
        {result?.text ?? ''}
      </p>
      {askNow ? (
        <div class="actions" role="group" aria-label={t('guideDidItHelp')}>
          <span>{t('guideDidItHelp')}</span>
          <button type="button" class="secondary" data-testid="helped-yes" onClick={props.onHelped}>
            {t('guideYes')}
          </button>
          <button type="button" class="secondary" data-testid="helped-no" onClick={props.onNext}>
            {t('guideNo')}
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

const ACTION_LABEL: Record<StepAction['kind'], string> = {
  reload: 'guideRefreshButton',
  'clear-cookies': 'guideCookiesButton',
  'open-private': 'guidePrivateButton',
  'copy-link': 'guideCopyLinkButton',
  'check-status': 'guideCheckButton',
  'copy-report': 'guideTellButton',
};

/** Carries out one action; returns the line to show, or `null` (the status section shows the check itself). */
async function perform(action: StepAction, p: StepCardProps): Promise<{ text: string; tone: 'ok' | 'warn' | 'muted' } | null> {
  const { t, actions } = p;
  switch (action.kind) {
    case 'reload':
      await actions.reload();
      return { text: t('guideRefreshDone'), tone: 'ok' };
    case 'clear-cookies': {
      const r = await actions.clearCookies();
      if (r.ok) {
        return r.removed === 0
          ? { text: t('guideCookiesNone', [r.domain]), tone: 'muted' }
          : { text: t('guideCookiesRemoved', [String(r.removed), r.domain]), tone: 'ok' };
      }
      if (r.reason === 'no-permission') return { text: t('guideCookiesNoPermission'), tone: 'warn' };
      return { text: t('guideCookiesFailed', [r.detail ?? r.reason]), tone: 'warn' };
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
  }
}

function CopyButton({ text, t, copy }: { text: string; t: GuideSectionProps['t']; copy: GuideActions['copy'] }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <button type="button" class="secondary small" onClick={() => void copy(text).then(setCopied)} aria-label={`${t('guideCopy')}: ${text}`}>
      {copied === null ? t('guideCopy') : copied ? t('guideCopied') : t('guideCopyFailed')}
    </button>
  );
}

function ArchiveLine({ result, t }: { result: ArchiveResult; t: GuideSectionProps['t'] }) {
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
      {result.reason === undefined ? t('guideArchiveNone') : t('guideArchiveUnknown', [result.reason.detail ?? result.reason.code])}
    </p>
  );
}
