/**
 * The options page: status checks (consent, providers, the user's own checker), recovery, and the recent-incidents
 * history. Pure over its props: the browser reaches it only through `onChange`, `requestDataConsent`, `hostAccess`
 * and `history`, so tests render it from fixtures.
 */
import { useState } from 'preact/hooks';
import type { SettingsPageProps, SettingsPatch } from '../shared/settings-store';
import type { HostAccess } from './custom-endpoint-field';
import { HistorySection, type HistoryModel } from './history-section';
import { PrivacyLink } from '../shared/privacy-link';
import { RecoverySection } from './recovery-section';
import { StatusSection } from './status-section';
import { SiteAccessNotice } from './site-access-notice';
import type { SiteAccess } from '../shared/site-access';

export type { HostAccess } from './custom-endpoint-field';
export type { HistoryModel } from './history-section';

export interface OptionsViewProps extends SettingsPageProps {
  readonly hostAccess: HostAccess;
  /** Access to every site, for the notice when some is missing; without it, no notice. */
  readonly siteAccess?: SiteAccess;
  /** Absent until the page has asked the background: shown as loading. */
  readonly history?: HistoryModel;
}

type Feedback = { readonly n: number; readonly text: string; readonly error: boolean };

export function OptionsView({ settings, managed, t, onChange, requestDataConsent, hostAccess, siteAccess, history }: OptionsViewProps) {
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  /** Says `text` in the live region. */
  const announce = (text: string, error: boolean) => setFeedback((f) => ({ n: (f?.n ?? 0) + 1, text, error }));

  /** Stores `patch` and says so in the live region; a refusal is said there too. */
  const save = async (patch: SettingsPatch): Promise<boolean> => {
    try {
      await onChange(patch);
      announce(t('optionsSaved'), false);
      return true;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      announce(t('optionsSaveFailed', [why]), true);
      return false;
    }
  };

  return (
    <>
      <h1>{t('optionsTitle')}</h1>
      {siteAccess !== undefined && <SiteAccessNotice t={t} access={siteAccess} />}
      {managed.size > 0 && <p class="note">{t('optionsManagedNote')}</p>}
      <p>
        <PrivacyLink t={t} />
      </p>
      <StatusSection settings={settings} managed={managed} t={t} save={save} requestDataConsent={requestDataConsent} hostAccess={hostAccess} />
      <RecoverySection settings={settings} managed={managed} t={t} save={save} />
      <HistorySection settings={settings} managed={managed} t={t} save={save} history={history} announce={announce} />
      {/* Always in the page, so screen readers announce what is put into it; a new key makes a repeat "Saved" news. */}
      <p class={feedback?.error ? 'feedback error' : 'feedback'} role="status" aria-live="polite" data-testid="saved">
        {feedback !== null && <span key={feedback.n}>{feedback.text}</span>}
      </p>
    </>
  );
}
