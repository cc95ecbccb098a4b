/**
 * The onboarding page's ask to pin the toolbar button, where the badge shows a page being recovered: the steps for
 * this browser, what the browser says now ("on your toolbar", "not pinned yet", or that it cannot tell), and "Check
 * again". Pure over its props; the page re-checks by itself when it gets the focus back or the browser reports a change.
 */
import type { Translate } from '../shared/status-consent';
import type { PinState } from '../shared/toolbar-pin';

export interface PinSectionProps {
  /** `null` while the browser is being asked. */
  readonly pin: PinState | null;
  /** Which browser's menus the steps name. */
  readonly family: 'chrome' | 'firefox';
  readonly t: Translate;
  readonly onCheck: () => void;
}

export function PinSection({ pin, family, t, onCheck }: PinSectionProps) {
  const state = pin === null ? t('onboardingPinChecking') : pin === 'pinned' ? t('onboardingPinOn') : pin === 'unpinned' ? t('onboardingPinOff') : t('onboardingPinUnknown');
  return (
    <section aria-labelledby="pin-heading" data-testid="pin-section" data-pin={pin ?? 'checking'}>
      <h2 id="pin-heading">{t('onboardingPinTitle')}</h2>
      <p>{t('onboardingPinWhy')}</p>
      {pin !== 'pinned' && <p data-testid="pin-steps">{t(family === 'firefox' ? 'onboardingPinStepsFirefox' : 'onboardingPinStepsChrome')}</p>}
      <p class={pin === 'pinned' ? 'pin-state ok' : 'pin-state'} role="status" aria-live="polite" data-testid="pin-state">
        <span aria-hidden="true">{pin === 'pinned' ? '✓ ' : pin === 'unpinned' ? '○ ' : ''}</span>
        {state}
      </p>
      <div class="actions">
        <button type="button" class="secondary" data-testid="pin-check" onClick={onCheck}>
          {t('onboardingPinCheck')}
        </button>
      </div>
    </section>
  );
}
