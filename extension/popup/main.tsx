/**
 * Popup entry. Shows the active tab's incident, or the tab named by `?tabId=` (so the page also works opened in a
 * tab of its own). Polls the background every second while open: the state changes as retries happen.
 */
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { TabView } from '../../src/messages';
import { parsePageAddress } from '../../src/shared/page-address';
import { applyPageLanguage, t } from '../shared/i18n';
import { createMessageClient, type MessageClient } from '../shared/message-client';
import { requestDataConsent } from '../shared/data-consent';
import { PopupView, useNow } from './popup-view';
import { createGuideActions } from './guide-actions';
import type { SiteAccess } from '../shared/site-access';
import { createSiteAccess } from '../shared/site-access-adapter';
import { accessAsk, SiteAccessAsk, type AccessSite } from './site-access';
import { Controls } from './controls';

interface TargetTab {
  readonly id: number;
  readonly url: string | undefined;
}

async function targetTab(): Promise<TargetTab | null> {
  const param = new URLSearchParams(location.search).get('tabId');
  const tab =
    param !== null && /^\d+$/.test(param)
      ? await browser.tabs.get(Number(param)).catch(() => null)
      : (await browser.tabs.query({ active: true, currentWindow: true }))[0];
  return tab?.id === undefined ? null : { id: tab.id, url: tab.url };
}

function App({ client, access }: { client: MessageClient; access: SiteAccess }) {
  const [tab, setTab] = useState<TargetTab | null | undefined>(undefined);
  const [ask, setAsk] = useState<AccessSite | null | false | undefined>(undefined);
  const [view, setView] = useState<TabView | null>(null);
  const [base, setBase] = useState(Date.now());
  const now = useNow(base);

  const refresh = useCallback(async () => {
    const target = tab ?? (await targetTab());
    if (tab === undefined) setTab(target);
    if (target === null) return;
    const next = await client.request('getTabView', { tabId: target.id });
    setView(next);
    setBase(next.now);
  }, [tab, client]);

  useEffect(() => {
    if (tab === undefined || tab === null || ask !== undefined) return;
    void accessAsk(tab.url, access).then(setAsk);
  }, [tab, access, ask]);

  useEffect(() => {
    void refresh();
    const id = setInterval(() => void refresh(), 1000);
    return () => clearInterval(id);
  }, [refresh]);

  if (tab === undefined || (tab !== null && ask === undefined)) return null;
  // Without access to the site the extension sees nothing there: "no gateway error seen" would be a false all-clear.
  // Once the page's next load fails, the incident is shown as usual.
  if (tab !== null && ask !== undefined && ask !== false && view?.incident == null) {
    return <SiteAccessAsk site={ask} t={t} access={access} alone onReload={() => void loadAgain(tab.id)} />;
  }
  const watchable = tab !== null && (view?.incident != null || parsePageAddress(tab.url) !== null);
  return (
    <>
      <PopupView
        view={view}
        watchable={watchable}
        t={t}
        now={now}
        onRetryNow={() => tab && void client.request('retryNow', { tabId: tab.id }).then(refresh)}
        onStop={() => view?.incident && void client.request('stopRetrying', { incidentId: view.incident.id }).then(refresh)}
        onWatchSite={() => (tab ? client.request('watchSite', { tabId: tab.id }).then(refresh) : Promise.resolve())}
        onCheckNow={() => tab && void checkNow(client, tab.id).then(refresh)}
        onReviewConsent={() => void browser.runtime.openOptionsPage()}
        actions={createGuideActions(client, tab?.id ?? -1, view?.incident?.guide?.pageUrl ?? tab?.url ?? '')}
      />
      {/* The controls (pause, never-retry, notifications) come last, in every state of the popup. */}
      {view?.controls !== undefined && tab !== null && (
        <Controls
          controls={view.controls}
          t={t}
          now={now}
          locale={t('languageTag')}
          onPause={(pause) => client.request('setPause', { pause }).then(refresh)}
          onNeverRetry={(listed) => client.request('setNeverRetry', { tabId: tab.id, listed }).then(async (r) => (await refresh(), r))}
          onNotifySettings={() => void browser.tabs.create({ url: `${browser.runtime.getURL('extension/options/index.html')}#notifications` })}
        />
      )}
    </>
  );
}

/**
 * Loads the tab's address again after access was granted (now the browser shows it): a new GET of the address, never
 * `tabs.reload`, which would send a form again.
 */
async function loadAgain(tabId: number): Promise<void> {
  const url = (await browser.tabs.get(tabId)).url;
  if (parsePageAddress(url) !== null) await browser.tabs.update(tabId, { url });
}

/**
 * "Check now" is the user's consent for one check. On Firefox the browser's own data consent is asked for inside the
 * click (a permission request needs the user's gesture), and the request goes to the background at once: Firefox's
 * prompt may close the popup, and the background waits for the user's answer and sends nothing if they decline.
 */
async function checkNow(client: MessageClient, tabId: number): Promise<void> {
  const consent = requestDataConsent();
  // The background answers when the check is done (up to 20 s); the popup's polling shows "Checking…" meanwhile.
  void client.request('checkStatus', { tabId });
  await consent;
}

document.title = t('extensionName');
applyPageLanguage();
const root = document.getElementById('app');
if (root) render(<App client={createMessageClient((m) => browser.runtime.sendMessage(m))} access={createSiteAccess()} />, root);
