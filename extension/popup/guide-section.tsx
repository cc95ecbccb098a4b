/**
 * The guide in the popup: one step at a time, each saying why it may help and what it does, doing it where an
 * extension can, then asking "Did that help?" before the next. Pure over its props (actions come in as an
 * interface), so every step renders against fixtures.
 */
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ArchiveResult } from '../../src/guide/archive';
import type { ReloadStart } from '../../src/messages';
import type { Guide, GuideStep, StepAction, StepId } from '../../src/guide/steps';
import type { MessageKey, Text } from '../../src/shared/text';
import { reasonKey } from '../../src/status/verdict';
import type { GuideActions } from './guide-actions';
import { ConfirmDialog } from '../shared/confirm-dialog';

export interface GuideSectionProps {
  readonly guide: Guide;
  readonly t: (key: MessageKey, subs?: readonly string[]) => string;
  readonly actions: GuideActions;
  /** The failed page's address ("copy the link"). */
  readonly pageUrl: string;
  /** The diagnostic report, built by the caller ("tell the site"). */
  readonly report: string;
  /** Offer "Find an archived copy" (the site is down for everyone, or retries gave up). */
  readonly archiveOffered: boolean;
  /** "Check now" of the status section (the popup's consent handling lives there). */
  readonly onCheckNow: () => void;
  /** The extension still retries or watches (and will reload the page when the site is back). */
  readonly underWay: boolean;
  /** Show the one-sentence answer to "is it me?" (default true; off when the popup just said it). */
  readonly showSummary?: boolean;
}

/**
 * Where the user is, by step id rather than position: a verdict that arrives meanwhile reorders the steps (or drops
 * the chores), and the user stays on the step they were at if it is still there.
 */
type Stage =
  | { readonly kind: 'step'; readonly id: StepId; readonly asked: boolean }
  | { readonly kind: 'done' }
  | { readonly kind: 'end' };

export function GuideSection({ guide, t, actions, pageUrl, report, archiveOffered, onCheckNow, underWay, showSummary = true }: GuideSectionProps) {
  const steps = guide.steps;
  const [stage, setStage] = useState<Stage>({ kind: 'step', id: steps[0]!.id, asked: false });
  // Moved by the user (not on first paint): focus follows to the new step's heading or the closing line.
  const [moved, setMoved] = useState(false);
  const render = (x: Text) => t(x.key, x.subs);
  const found = stage.kind === 'step' ? steps.findIndex((s) => s.id === stage.id) : -1;
  const index = stage.kind === 'step' ? Math.max(0, found) : -1;
  const current = stage.kind === 'step' ? steps[index] : undefined;
  const go = (next: Stage) => {
    setMoved(true);
    setStage(next);
  };
  const next = (i: number) => go(i + 1 < steps.length ? { kind: 'step', id: steps[i + 1]!.id, asked: false } : { kind: 'end' });

  return (
    <section class="guide" aria-labelledby="guide-heading" data-testid="guide" data-side={guide.side}>
      <h2 id="guide-heading">{t('guideHeading')}</h2>
      {showSummary && <p data-testid="guide-summary">{render(guide.summary)}</p>}
      {/* Folded: the step card says "Step n of N", and the popup keeps the current step in view at its size. */}
      <details class="toc" data-testid="toc">
        <summary>{t('guideShowAll', [String(steps.length)])}</summary>
        <ol aria-label={t('guideShowAll', [String(steps.length)])}>
          {steps.map((s, i) => (
            <li key={s.id}>
              <button
                type="button"
                class="link"
                aria-current={i === index ? 'step' : undefined}
                onClick={() => go({ kind: 'step', id: s.id, asked: false })}
                data-testid={`toc-${s.id}`}
              >
                {render(s.title)}
              </button>
            </li>
          ))}
        </ol>
      </details>
      {current !== undefined && stage.kind === 'step' && (
        <StepCard
          key={current.id}
          step={current}
          index={index}
          total={steps.length}
          t={t}
          actions={actions}
          pageUrl={pageUrl}
          report={report}
          archiveOffered={archiveOffered}
          onCheckNow={onCheckNow}
          underWay={underWay}
          asked={stage.asked && found >= 0}
          focusOnShow={moved}
          onActed={() => setStage({ kind: 'step', id: current.id, asked: true })}
          onHelped={() => go({ kind: 'done' })}
          onNext={() => next(index)}
        />
      )}
      {/* Present from the start, so screen readers announce the closing line when it fills in. */}
      <div role="status" aria-live="polite">
        {stage.kind === 'done' && (
          <FocusedLine class="ok" testId="guide-done" focus={moved}>
            {t('guideDone')}
          </FocusedLine>
        )}
        {stage.kind === 'end' && (
          <FocusedLine testId="guide-end" focus={moved}>
            {t(underWay ? 'guideEnd' : 'guideEndStopped')}
          </FocusedLine>
        )}
      </div>
      {stage.kind !== 'step' && (
        <button type="button" class="secondary" onClick={() => go({ kind: 'step', id: steps[0]!.id, asked: false })}>
          {t('guideRestart')}
        </button>
      )}
    </section>
  );
}

/** A paragraph that takes the focus when it appears (`tabIndex=-1`: focusable by script only). */
function FocusedLine({ children, testId, focus, class: cls }: { children: ComponentChildren; testId: string; focus: boolean; class?: string }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useLayoutEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus]);
  return (
    <p ref={ref} tabIndex={-1} class={cls} data-testid={testId}>
      {children}
    </p>
  );
}

export interface StepCardProps extends Omit<GuideSectionProps, 'guide'> {
  readonly step: GuideStep;
  readonly index: number;
  readonly total: number;
  readonly asked: boolean;
  /** Move the focus to this step's heading when it appears (the user moved to it). */
  readonly focusOnShow: boolean;
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
        open={confirming && step.action?.kind === 'clear-cookies'}
        id="clear-cookies"
        trigger={(ref) => (
          <div class="actions">
            {step.action !== undefined && (
              <button
                type="button"
                ref={ref}
                data-testid={`action-${step.action.kind}`}
                aria-disabled={busy}
                onClick={() => (step.action!.kind === 'clear-cookies' ? setConfirming(true) : void run(step.action!))}
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
        question={step.action?.kind === 'clear-cookies' ? render(step.action.confirm) : ''}
        questionClass="warn"
        confirmLabel={t('guideCookiesConfirmButton')}
        cancelLabel={t('guideCancel')}
        initialFocus="confirm"
        testIds={{ confirm: 'confirm-clear-cookies' }}
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
