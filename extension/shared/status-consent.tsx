/**
 * What an automatic "down for everyone?" check sends, to whom and when: the text a user agrees to, shared by the
 * onboarding and options pages. The list of addresses is computed from the settings the status check runs with, so
 * it names what is really contacted (tests point the providers at loopback stand-ins, and the list follows).
 *
 * Pure over its props; the controls (buttons or a checkbox) come in as children.
 */
import type { MessageKey } from '../../src/shared/text';
import type { ComponentChildren } from 'preact';
import type { Settings, ThirdPartyProviderId } from '../../src/settings/settings';
import type { ConsentChange } from '../../src/settings/consent';
import { CONSENT_CHANGE_KEY } from '../../src/view/status-panel';

/** An i18n lookup: `browser.i18n` in the extension, the English messages in tests. */
export type { Translate } from '../../src/shared/text';
import type { Translate } from '../../src/shared/text';

/** The providers in the order they are explained and switched. */
export const PROVIDERS: readonly ThirdPartyProviderId[] = ['checkHost', 'globalping', 'statusPage', 'cdnStatus', 'custom'];

/**
 * The made-up site every example uses. Its registrable domain is `example.com`, and that without the suffix `example`
 * (what `{domain}` and `{name}` stand for in status page templates).
 */
export const EXAMPLE_SITE = { origin: 'https://shop.example.com', host: 'shop.example.com', domain: 'example.com', name: 'example' } as const;

/** One address a provider contacts. */
export interface EndpointLine {
  /** As configured, placeholders included. */
  readonly address: string;
  /** The address for {@link EXAMPLE_SITE}, when it differs from `address` (a template). */
  readonly example?: string;
}

/**
 * The addresses `provider` contacts under `settings`, whether or not it is switched on.
 * An empty list means it has nothing to contact (a custom endpoint that is not set).
 */
export function providerEndpoints(settings: Settings, provider: ThirdPartyProviderId): readonly EndpointLine[] {
  const ep = settings.statusEndpoints;
  switch (provider) {
    case 'checkHost':
      return [{ address: ep.checkHost }];
    case 'globalping':
      return [{ address: ep.globalping }];
    case 'statusPage':
      return ep.statusPageTemplates.map((address) => withExample(address));
    case 'cdnStatus':
      return [{ address: ep.cloudflareStatus }];
    case 'custom':
      return settings.customEndpoint === null ? [] : [withExample(settings.customEndpoint.template)];
  }
}

/** The providers an automatic check may contact: switched on, with somewhere to go. */
export function contactedProviders(settings: Settings): readonly ThirdPartyProviderId[] {
  return PROVIDERS.filter((p) => settings.statusProviders[p] && providerEndpoints(settings, p).length > 0);
}

function withExample(address: string): EndpointLine {
  const example = address
    .replaceAll('{host}', EXAMPLE_SITE.host)
    .replaceAll('{domain}', EXAMPLE_SITE.domain)
    .replaceAll('{name}', EXAMPLE_SITE.name);
  return example === address ? { address } : { address, example };
}

/** The addresses of one provider, as code, each template with its example. */
export function EndpointList({ lines, t }: { lines: readonly EndpointLine[]; t: Translate }) {
  return (
    <ul class="endpoints">
      {lines.map((line) => (
        <li key={line.address}>
          <code>{line.address}</code>
          {line.example !== undefined && <span class="muted"> {t('consentExample', [EXAMPLE_SITE.host, line.example])}</span>}
        </li>
      ))}
    </ul>
  );
}

const WHO_KEYS: { readonly [K in ThirdPartyProviderId]: MessageKey } = {
  checkHost: 'consentWhoCheckHost',
  globalping: 'consentWhoGlobalping',
  statusPage: 'consentWhoStatusPage',
  cdnStatus: 'consentWhoCdnStatus',
  custom: 'consentWhoCustom',
};

/**
 * The user's "yes" covers other addresses, providers or codes than those configured now: says so, and what changed.
 * The page's consent control (unchecked meanwhile) asks again.
 */
export function ConsentOutdatedNote({ changes, t }: { changes: readonly ConsentChange[]; t: Translate }) {
  return (
    <div class="warn" role="note" data-testid="consent-outdated">
      <p>
        <strong>{t('consentOutdatedTitle')}</strong> {t('consentOutdatedIntro')}
      </p>
      <ul>
        {changes.map((c) => (
          <li key={c}>{t(CONSENT_CHANGE_KEY[c])}</li>
        ))}
      </ul>
      <p>{t('consentOutdatedAgain')}</p>
    </div>
  );
}

export interface StatusConsentProps {
  readonly settings: Settings;
  readonly t: Translate;
  /** The controls that give or withdraw consent, shown after the explanation. */
  readonly children?: ComponentChildren;
}

export function StatusConsent({ settings, t, children }: StatusConsentProps) {
  const providers = contactedProviders(settings);
  const codes = [...settings.codes].sort((a, b) => a - b).join(', ');
  return (
    <div class="consent">
      <p>{t('consentIntro')}</p>

      <h3>{t('consentWhatTitle')}</h3>
      <p>{t('consentWhat', [EXAMPLE_SITE.origin])}</p>
      <p>{t('consentWhatNot')}</p>

      <h3>{t('consentWhoTitle')}</h3>
      {providers.length === 0 ? (
        <p data-testid="consent-none">{t('consentWhoNone')}</p>
      ) : (
        <ul class="providers" data-testid="consent-endpoints">
          {providers.map((p) => (
            <li key={p} data-provider={p}>
              {t(WHO_KEYS[p], [String(p === 'globalping' ? settings.statusEndpoints.globalpingProbes : settings.statusEndpoints.checkHostNodes)])}
              <EndpointList lines={providerEndpoints(settings, p)} t={t} />
            </li>
          ))}
        </ul>
      )}
      <p>{t('consentWhoSees')}</p>

      <h3>{t('consentWhenTitle')}</h3>
      <ul>
        <li>{t('consentWhenError', [codes])}</li>
        <li>{t('consentWhenNotPrivate')}</li>
        <li>{t('consentWhenNotIncognito')}</li>
        <li>{t('consentWhenCheckNow')}</li>
      </ul>
      {children}
    </div>
  );
}
