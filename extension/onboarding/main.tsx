/** Onboarding entry, opened by the background after install: renders {@link OnboardingView} over the stored settings. */
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { hasDataConsent, requestDataConsent, withdrawDataConsent } from '../shared/data-consent';
import { applyPageLanguage, t } from '../shared/i18n';
import { createSettingsStore, type PageSettings, type SettingsPatch, type SettingsStore } from '../shared/settings-store';
import { isFirefox } from '../shared/browser-family';
import { createToolbarPin, type PinState, type ToolbarPin } from '../shared/toolbar-pin';
import { OnboardingView } from './onboarding-view';

function App({ store, toolbar }: { store: SettingsStore; toolbar: ToolbarPin }) {
  const [state, setState] = useState<PageSettings | null>(null);
  const [pin, setPin] = useState<PinState | null>(null);

  const checkPin = useCallback(() => void toolbar.read().then(setPin), [toolbar]);
  useEffect(() => {
    checkPin();
    return toolbar.watch(checkPin);
  }, [toolbar, checkPin]);

  useEffect(() => {
    const reload = () => void store.load().then(setState, (err: unknown) => console.error('onboarding: cannot read settings', err));
    reload();
    return store.watch(reload);
  }, [store]);

  if (state === null) return null;

  const onChange = async (patch: SettingsPatch) => {
    await store.save(patch);
    setState((s) => (s === null ? s : { ...s, settings: { ...s.settings, ...patch } }));
    if (patch.statusAutoCheck === false) await withdrawDataConsent();
  };

  return (
    <OnboardingView
      settings={state.settings}
      managed={state.managed}
      t={t}
      onChange={onChange}
      requestDataConsent={requestDataConsent}
      openOptions={() => void browser.runtime.openOptionsPage()}
      pin={pin}
      family={isFirefox() ? 'firefox' : 'chrome'}
      onCheckPin={checkPin}
    />
  );
}

document.title = t('onboardingTitle');
applyPageLanguage();
const root = document.getElementById('app');
if (root) render(<App store={createSettingsStore({ storage: browser.storage, hasDataConsent })} toolbar={createToolbarPin()} />, root);
