/**
 * The options page's notice when the extension lacks access to every site (the manifest asks for all http and https
 * sites; Chrome's "Site access" and Firefox's add-on manager let the user take that back): gateway errors on the
 * sites it cannot see go unnoticed. One click asks for it again. Nothing is shown while access is complete.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Translate } from '../shared/status-consent';
import { ALL_SITES, type SiteAccess } from '../shared/site-access';

type Stage = 'checking' | 'held' | 'missing' | 'pending' | 'denied' | 'granted';

export function SiteAccessNotice({ t, access }: { t: Translate; access: SiteAccess }) {
  const [stage, setStage] = useState<Stage>('checking');

  useEffect(() => {
    let live = true;
    // Known before the click, because the click must request at once (Firefox). Checked again whenever the browser
    // reports a change: a grant in the browser's own settings, or access taken back while the page is open.
    const check = () =>
      void access.covers(ALL_SITES).then((held) => {
        if (!live) return;
        setStage((s) => (held ? (s === 'held' || s === 'checking' ? 'held' : 'granted') : s === 'pending' || s === 'denied' ? s : 'missing'));
      });
    check();
    const unwatch = access.watch(check);
    return () => {
      live = false;
      unwatch();
    };
  }, [access]);

  const allow = () => {
    if (stage === 'pending') return;
    // First and synchronously: Firefox refuses a request made after the click was left.
    const asked = access.request(ALL_SITES);
    setStage('pending');
    void asked.then(async (ok) => setStage(ok || (await access.covers(ALL_SITES)) ? 'granted' : 'denied'));
  };

  if (stage === 'checking' || stage === 'held') return null;
  if (stage === 'granted') {
    return (
      <p class="feedback-inline ok" role="status" data-testid="options-access-granted">
        {t('optionsAccessGranted')}
      </p>
    );
  }
  return (
    <div class="note" data-testid="options-access-missing">
      <p>{t('optionsAccessMissing')}</p>
      <div class="actions">
        <button type="button" data-testid="options-access-allow" aria-disabled={stage === 'pending'} onClick={allow}>
          {t('siteAccessAllowAll')}
        </button>
      </div>
      <p role="status" aria-live="polite" data-testid="options-access-result">
        {stage === 'pending' ? t('siteAccessPending') : stage === 'denied' ? t('siteAccessDenied') : ''}
      </p>
    </div>
  );
}
