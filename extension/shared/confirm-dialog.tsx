/**
 * A confirmation asked in the page (not `window.confirm`, which blocks the page and cannot be styled or tested), for
 * any action that cannot be undone: the options page's "Clear history", and meant for the popup's two as well. Accessible as an `alertdialog`: named by its question, the focus moves to the
 * safe choice when it opens and back to the control that opened it when it closes, and Escape cancels.
 */
import type { ComponentChildren, RefObject, TargetedKeyboardEvent } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';

export interface ConfirmDialogProps {
  /** The question is being asked; when false, {@link trigger} is shown instead. */
  readonly open: boolean;
  /** The control that asks (shown while closed); it takes `ref`, so the focus can come back to it. */
  readonly trigger: (ref: RefObject<HTMLButtonElement | null>) => ComponentChildren;
  /** Unique in the page: the question's element id is `${id}-question`. */
  readonly id: string;
  readonly question: ComponentChildren;
  readonly questionClass?: string;
  readonly confirmLabel: string;
  readonly cancelLabel: string;
  /** The button that takes the focus on opening: the safe `cancel` unless told otherwise. */
  readonly initialFocus?: 'confirm' | 'cancel';
  /** `danger` for a destructive action. */
  readonly confirmClass?: string;
  /** The action is under way: both choices are disabled, and Escape does nothing. */
  readonly busy?: boolean;
  /** `data-testid`s of the dialog and its two buttons. */
  readonly testIds?: { readonly dialog?: string; readonly confirm?: string; readonly cancel?: string };
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}

export function ConfirmDialog(p: ConfirmDialogProps) {
  const confirm = useRef<HTMLButtonElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);
  // A layout effect: the focused button is gone once this renders, and a deferred effect (Preact runs those after the
  // next frame, which a background tab may not draw for a while) would leave the focus on the body meanwhile.
  useLayoutEffect(() => {
    if (p.open) (p.initialFocus === 'confirm' ? confirm : cancel).current?.focus();
    else if (wasOpen.current && focusIsLost()) trigger.current?.focus();
    wasOpen.current = p.open;
  }, [p.open]);

  if (!p.open) return <>{p.trigger(trigger)}</>;

  const onKeyDown = (e: TargetedKeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'Escape' || p.busy === true) return;
    e.preventDefault();
    p.onCancel();
  };
  const questionId = `${p.id}-question`;
  return (
    <div class="confirm" role="alertdialog" aria-labelledby={questionId} data-testid={p.testIds?.dialog} onKeyDown={onKeyDown}>
      <p id={questionId} class={p.questionClass}>
        {p.question}
      </p>
      <div class="actions">
        <button type="button" class={p.confirmClass} data-testid={p.testIds?.confirm} ref={confirm} disabled={p.busy} onClick={p.onConfirm}>
          {p.confirmLabel}
        </button>
        <button type="button" class="secondary" data-testid={p.testIds?.cancel} ref={cancel} disabled={p.busy} onClick={p.onCancel}>
          {p.cancelLabel}
        </button>
      </div>
    </div>
  );
}

/** True when the focus went with the dialog's buttons, rather than to somewhere the page put it on purpose. */
function focusIsLost(): boolean {
  const active = document.activeElement;
  return active === null || active === document.body;
}
