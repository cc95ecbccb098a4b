/**
 * Options entry: loads the settings (the user's and an administrator's), renders {@link OptionsView} and stores what
 * the user changes. Re-reads when settings change elsewhere (the onboarding page, another window, a new policy).
 */
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { hasDataConsent, requestDataConsent, withdrawDataConsent } from '../shared/data-consent';
import { t } from '../shared/i18n';
import { createSettingsStore, type PageSettings, type SettingsStore, type SettingsPatch } from '../shared/settings-store';
import { createHostAccess } from './host-access';
import { OptionsView } from './options-view';

function App({ store }: { store: SettingsStore }) {
  const [state, setState] = useState<PageSettings | null>(null);
  const hostAccess = useMemo(createHostAccess, []);

  useEffect(() => {
    const reload = () => void store.load().then(setState, (err: unknown) => console.error('options: cannot read settings', err));
    reload();
    return store.watch(reload);
  }, [store]);

  if (state === null) return null;

  const onChange = async (patch: SettingsPatch) => {
    // Shown at once; a refused write puts the stored values back.
    setState((s) => (s === null ? s : { ...s, settings: { ...s.settings, ...patch } }));
    try {
      await store.save(patch);
    } catch (err) {
      setState(await store.load());
      throw err;
    }
    if (patch.statusAutoCheck === false) await withdrawDataConsent();
  };

  return (
    <OptionsView
      settings={state.settings}
      managed={state.managed}
      t={t}
      onChange={onChange}
      requestDataConsent={requestDataConsent}
      hostAccess={hostAccess}
    />
  );
}

document.title = t('optionsTitle');
const root = document.getElementById('app');
if (root) render(<App store={createSettingsStore({ storage: browser.storage, hasDataConsent })} />, root);
