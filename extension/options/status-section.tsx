/**
 * The options page's status-check section: the consent to automatic checks (with the browser's own data consent on
 * Firefox), a switch per provider naming what it contacts, the domains never sent anywhere, and the user's own checker.
 */
import type { TargetedMouseEvent } from 'preact';
import { useState } from 'preact/hooks';
import type { Settings, ThirdPartyProviderId } from '../../src/settings/settings';
import type { MessageKey } from '../../src/shared/text';
import { consentStatus, grantConsent } from '../../src/settings/consent';
import { ConsentOutdatedNote, EndpointList, PROVIDERS, providerEndpoints, StatusConsent, type Translate } from '../shared/status-consent';
import { CustomEndpointForm, type HostAccess } from './custom-endpoint-field';
import { HostListField } from './host-list-field';
import { ManagedNote, type SectionProps } from './section';

export function StatusSection({
  settings,
  managed,
  t,
  save,
  requestDataConsent,
  hostAccess,
}: SectionProps & { requestDataConsent: () => Promise<boolean>; hostAccess: HostAccess }) {
  const [asking, setAsking] = useState(false);
  const [denied, setDenied] = useState(false);
  // Checked only while the user's "yes" covers what is configured now; an outdated one shows what changed.
  const consent = consentStatus(settings);

  const onAutoCheck = (e: TargetedMouseEvent<HTMLInputElement>) => {
    // Asking already (the browser's prompt is open): this click changes nothing. The box is not `disabled` meanwhile,
    // which would drop the keyboard focus to the page.
    if (asking) {
      e.preventDefault();
      return;
    }
    setDenied(false);
    if (consent.kind === 'given') {
      void save({ statusAutoCheck: false });
      return;
    }
    // Unchecked until the browser has granted (Firefox) and the value is stored. Not preventDefault(): the browser
    // would restore the box after Preact's re-render ran, leaving it out of step with the state.
    e.currentTarget.checked = false;
    // First and synchronously: Firefox shows its consent prompt only while the click is being handled.
    const granted = requestDataConsent();
    setAsking(true);
    void granted
      .catch(() => false)
      .then(async (ok) => {
        setAsking(false);
        // The "yes" is recorded with what it covers: the addresses and codes this page lists now.
        if (ok) await save(grantConsent(settings));
        else setDenied(true);
      });
  };

  const providersLocked = managed.has('statusProviders');
  return (
    <section aria-labelledby="status-heading">
      <h2 id="status-heading">{t('optionsStatusSection')}</h2>
      {consent.kind === 'outdated' && <ConsentOutdatedNote changes={consent.changes} t={t} />}
      <StatusConsent settings={settings} t={t}>
        <p class="control">
          <label>
            <input
              type="checkbox"
              data-testid="auto-check"
              checked={consent.kind === 'given'}
              disabled={managed.has('statusAutoCheck')}
              aria-disabled={asking}
              aria-describedby={denied ? 'auto-check-denied' : undefined}
              onClick={onAutoCheck}
            />{' '}
            {t('optionsAutoCheck')}
          </label>
          <ManagedNote field="statusAutoCheck" managed={managed} t={t} />
        </p>
        {denied && (
          <p class="error" id="auto-check-denied">
            {t('consentDenied')}
          </p>
        )}
      </StatusConsent>

      <fieldset>
        <legend>{t('optionsProvidersTitle')}</legend>
        <p class="muted">{t('optionsProvidersHelp')}</p>
        <ManagedNote field="statusProviders" managed={managed} t={t} />
        {PROVIDERS.map((p) => (
          <ProviderSwitch key={p} provider={p} settings={settings} locked={providersLocked} t={t} save={save} />
        ))}
      </fieldset>

      <HostListField
        key={settings.neverSend.join('\n')}
        field="neverSend"
        id="never-send"
        labelKey="optionsNeverSend"
        helpKey="optionsNeverSendHelp"
        invalidKey="optionsNeverSendInvalid"
        saveKey="optionsNeverSendSave"
        settings={settings}
        managed={managed}
        t={t}
        save={save}
      />

      <CustomEndpointForm
        key={`${settings.customEndpoint?.template ?? ''}|${settings.customEndpoint?.format ?? ''}`}
        settings={settings}
        managed={managed}
        t={t}
        save={save}
        hostAccess={hostAccess}
      />
    </section>
  );
}

const PROVIDER_LABELS: { readonly [K in ThirdPartyProviderId]: MessageKey } = {
  checkHost: 'optionsProviderCheckHost',
  globalping: 'optionsProviderGlobalping',
  statusPage: 'optionsProviderStatusPage',
  cdnStatus: 'optionsProviderCdnStatus',
  custom: 'optionsProviderCustom',
};

function ProviderSwitch({
  provider,
  settings,
  locked,
  t,
  save,
}: {
  provider: ThirdPartyProviderId;
  settings: Settings;
  locked: boolean;
  t: Translate;
  save: SectionProps['save'];
}) {
  const lines = providerEndpoints(settings, provider);
  const id = `provider-${provider}`;
  // The custom switch has nothing to turn on until an address is saved below.
  const empty = lines.length === 0;
  return (
    <div class="provider">
      <label>
        <input
          type="checkbox"
          data-testid={id}
          aria-describedby={`${id}-endpoints`}
          checked={settings.statusProviders[provider] && !empty}
          disabled={locked || empty}
          onChange={(e) => void save({ statusProviders: { ...settings.statusProviders, [provider]: e.currentTarget.checked } })}
        />{' '}
        {t(PROVIDER_LABELS[provider])}
      </label>
      <div id={`${id}-endpoints`} class="provider-endpoints">
        {empty ? (
          <p class="muted">{t('optionsCustomNotSet')}</p>
        ) : (
          <>
            <span class="muted">{t('optionsContacts')}</span>
            <EndpointList lines={lines} t={t} />
          </>
        )}
      </div>
    </div>
  );
}

