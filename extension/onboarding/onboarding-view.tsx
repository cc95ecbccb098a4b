/**
 * The page opened once after install: what the extension does, and the one question it must ask, whether automatic
 * "down for everyone?" checks may send site addresses to the services listed. Pure over its props.
 */
import { grantConsent } from '../../src/settings/consent';
import { useState } from 'preact/hooks';
import type { TargetedMouseEvent } from 'preact';
import type { SettingsPageProps } from '../shared/settings-store';
import { PrivacyLink } from '../shared/privacy-link';
import { StatusConsent, type Translate } from '../shared/status-consent';
import type { PinState } from '../shared/toolbar-pin';
import { PinSection } from './pin-section';
import { WhatHappens } from './what-happens';

/** `managed`: when `statusAutoCheck` is set by an administrator, the page does not ask. */
export interface OnboardingViewProps extends SettingsPageProps {
  readonly openOptions: () => void;
  /** Whether the toolbar button is pinned, as the browser says; `null` while it is being asked. */
  readonly pin: PinState | null;
  /** Which browser's menus the pin steps name. */
  readonly family: 'chrome' | 'firefox';
  /** "Check again": asks the browser again whether the button is pinned. */
  readonly onCheckPin: () => void;
}

type Outcome = 'on' | 'off' | 'denied' | { readonly error: string };

export function OnboardingView({ settings, managed, t, onChange, requestDataConsent, openOptions, pin, family, onCheckPin }: OnboardingViewProps) {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);

  const store = async (on: boolean) => {
    try {
      // A "yes" is recorded with what it covers: the addresses and codes this page lists.
      await onChange(on ? grantConsent(settings) : { statusAutoCheck: false });
      setOutcome(on ? 'on' : 'off');
    } catch (err) {
      setOutcome({ error: err instanceof Error ? err.message : String(err) });
    }
  };

  // While one choice is being stored the buttons say so (aria-disabled) and ignore clicks; they are not `disabled`,
  // which would drop the keyboard focus to the page.
  const accept = () => {
    if (busy) return;
    // First and synchronously: Firefox shows its consent prompt only while the click is being handled.
    const granted = requestDataConsent();
    setBusy(true);
    void granted
      .catch(() => false)
      .then(async (ok) => {
        if (ok) await store(true);
        else setOutcome('denied');
      })
      .finally(() => setBusy(false));
  };

  const decline = () => {
    if (busy) return;
    setBusy(true);
    void store(false).finally(() => setBusy(false));
  };

  const onOptions = (e: TargetedMouseEvent<HTMLAnchorElement>) => {
    e.preventDefault();
    openOptions();
  };

  const locked = managed.has('statusAutoCheck');
  return (
    <>
      <h1>{t('onboardingTitle')}</h1>
      <p>{t('onboardingIntro')}</p>
      <WhatHappens t={t} />
      <PinSection pin={pin} family={family} t={t} onCheck={onCheckPin} />

      <section aria-labelledby="consent-heading">
        <h2 id="consent-heading">{t('onboardingConsentTitle')}</h2>
        <StatusConsent settings={settings} t={t}>
          {locked ? (
            <p class="managed" data-testid="consent-managed">
              {t(settings.statusAutoCheck ? 'onboardingManagedOn' : 'onboardingManagedOff')}
            </p>
          ) : (
            <div class="actions">
              <button type="button" data-testid="consent-accept" aria-disabled={busy} onClick={accept}>
                {t('consentAccept')}
              </button>
              <button type="button" class="secondary" data-testid="consent-decline" aria-disabled={busy} onClick={decline}>
                {t('consentDecline')}
              </button>
            </div>
          )}
        </StatusConsent>
        <p role="status" aria-live="polite" data-testid="consent-result" class={typeof outcome === 'object' && outcome !== null ? 'error' : ''}>
          {outcome !== null && (
            <>
              {outcomeText(outcome, t)} {t('onboardingChangeLater')}
            </>
          )}
        </p>
      </section>

      <p>
        <a href="../options/index.html" data-testid="open-options" onClick={onOptions}>
          {t('onboardingOpenOptions')}
        </a>
        {' · '}
        <PrivacyLink t={t} />
      </p>
    </>
  );
}

function outcomeText(outcome: Outcome, t: Translate): string {
  if (outcome === 'on') return t('onboardingChoseOn');
  if (outcome === 'off') return t('onboardingChoseOff');
  if (outcome === 'denied') return t('consentDenied');
  return t('onboardingSaveFailed', [outcome.error]);
}
