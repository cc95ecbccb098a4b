/**
 * Options entry: loads the settings (the user's and an administrator's), renders {@link OptionsView} and stores what
 * the user changes. Re-reads when settings change elsewhere (the onboarding page, another window, a new policy).
 */
import { followConsent } from '../../src/settings/consent';
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { hasDataConsent, requestDataConsent, withdrawDataConsent } from '../shared/data-consent';
import { applyPageLanguage, t } from '../shared/i18n';
import { createSettingsStore, type PageSettings, type SettingsStore, type SettingsPatch } from '../shared/settings-store';
import { pruneHistory, type HistoryEntry } from '../../src/history/history';
import { createHistoryClient, type HistoryClient } from './history-client';
import { createHostAccess } from './host-access';
import { createSiteAccess } from '../shared/site-access-adapter';
import { OptionsView, type HistoryModel } from './options-view';

function App({ store, historyClient }: { store: SettingsStore; historyClient: HistoryClient }) {
  const [state, setState] = useState<PageSettings | null>(null);
  const hostAccess = useMemo(createHostAccess, []);
  const siteAccess = useMemo(createSiteAccess, []);
  const [entries, setEntries] = useState<HistoryEntry[] | null>(null);
  const [historyError, setHistoryError] = useState(false);

  useEffect(() => {
    const reload = () => void store.load().then(setState, (err: unknown) => console.error('options: cannot read settings', err));
    reload();
    return store.watch(reload);
  }, [store]);

  useEffect(() => {
    const reload = () =>
      void historyClient.list().then(
        (list) => {
          setEntries(list);
          setHistoryError(false);
        },
        (err: unknown) => {
          console.error('options: cannot read the history', err);
          setHistoryError(true);
        },
      );
    reload();
    return historyClient.watch(reload);
  }, [historyClient]);

  // A link to a section (the popup's "Change" of notifications: `#notifications`): the page is drawn after it loaded,
  // too late for the browser's own jump to the fragment.
  const loaded = state !== null;
  useEffect(() => {
    if (loaded && location.hash.length > 1) document.getElementById(location.hash.slice(1))?.scrollIntoView();
  }, [loaded]);

  if (state === null) return null;

  const onChange = async (change: SettingsPatch) => {
    // A change of the codes, a provider or the user's own checker made here, beside the consent text, carries an
    // up-to-date consent with it (`followConsent`); one made elsewhere does not.
    const patch = followConsent(state.settings, change);
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

  const history: HistoryModel = {
    // A lowered retention shows at once, before the background has pruned its copy.
    entries: entries === null ? null : pruneHistory(entries, { now: Date.now(), retentionDays: state.settings.historyRetentionDays }),
    error: historyError,
    clear: async () => {
      await historyClient.clear();
      setEntries([]);
    },
    formatTime,
  };

  return (
    <OptionsView
      settings={state.settings}
      managed={state.managed}
      t={t}
      onChange={onChange}
      requestDataConsent={requestDataConsent}
      hostAccess={hostAccess}
      siteAccess={siteAccess}
      history={history}
    />
  );
}

/** The history's start times: local time, in the browser's language (the system's if the browser names none it knows). */
const timeFormat = (() => {
  const style = { dateStyle: 'medium', timeStyle: 'short' } as const;
  try {
    return new Intl.DateTimeFormat(browser.i18n.getUILanguage(), style);
  } catch {
    return new Intl.DateTimeFormat(undefined, style);
  }
})();
const formatTime = (epochMs: number) => timeFormat.format(epochMs);

document.title = t('optionsTitle');
applyPageLanguage();
const root = document.getElementById('app');
if (root) {
  render(
    <App
      store={createSettingsStore({ storage: browser.storage, hasDataConsent })}
      historyClient={createHistoryClient({ sendMessage: (m) => browser.runtime.sendMessage(m), onChanged: browser.storage.onChanged })}
    />,
    root,
  );
}
