/**
 * The guide in the popup: one step at a time, each saying why it may help and what it does, doing it where an
 * extension can, then asking "Did that help?" before the next. Pure over its props (actions come in as an
 * interface), so every step renders against fixtures.
 */
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Guide, StepId } from '../../src/guide/steps';
import type { I18nText, Translate } from '../../src/shared/text';
import type { GuideActions } from './guide-actions';
import { StepCard } from './step-card';

export interface GuideSectionProps {
  readonly guide: Guide;
  readonly t: Translate;
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
  /** "Yes" on a step: its own closing line (`GuideStep.ask.done`), else "Glad it works again." */
  | { readonly kind: 'done'; readonly text?: I18nText }
  | { readonly kind: 'end' };

export function GuideSection({ guide, t, actions, pageUrl, report, archiveOffered, onCheckNow, underWay, showSummary = true }: GuideSectionProps) {
  const steps = guide.steps;
  const [stage, setStage] = useState<Stage>({ kind: 'step', id: steps[0]!.id, asked: false });
  // Moved by the user (not on first paint): focus follows to the new step's heading or the closing line.
  const [moved, setMoved] = useState(false);
  const render = (x: I18nText) => t(x.key, x.subs);
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
          onHelped={() => go(current.ask !== undefined ? { kind: 'done', text: current.ask.done } : { kind: 'done' })}
          onNext={() => next(index)}
        />
      )}
      {/* Present from the start, so screen readers announce the closing line when it fills in. */}
      <div role="status" aria-live="polite">
        {stage.kind === 'done' && (
          <FocusedLine class="ok" testId="guide-done" focus={moved}>
            {stage.text !== undefined ? render(stage.text) : t('guideDone')}
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
