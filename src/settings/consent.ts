/**
 * The consent to status checks, bound to what it covers (issue 15, "Consent bound to what it covers"). A "yes" is
 * recorded with the scope it was given for (`statusConsentScope`, see `consentScope` in `./settings.ts`): the
 * addresses a lookup may send a site's address to, the providers switched on and the gateway codes. When what is
 * configured no longer matches that scope (a change from sync, a new policy, an update of the defaults), the consent
 * no longer applies: no automatic check and no lookup that sends a site's address (a "Check now", the archive) goes
 * out until the user agrees again, and the pages say what changed.
 *
 * A consent recorded before settings version 4 has no scope. It counts for the defaults only: those are what the
 * consent screen listed for everyone who had not changed anything, and for anyone else nothing tells what their
 * screen showed, so agreeing again is the only safe reading.
 *
 * Pure: no browser, no storage.
 */
import { consentScope, type ConsentScope, type Settings } from './settings';

/** What a consent decision depends on. */
export type ConsentSettings = Pick<Settings, 'statusAutoCheck' | 'statusConsentScope' | 'codes' | 'statusProviders' | 'statusEndpoints' | 'customEndpoint'>;

/** One part of the scope that changed since the consent; each has its own line on the pages. */
export type ConsentChange = 'checkHost' | 'globalping' | 'cloudflareStatus' | 'statusPageTemplates' | 'archive' | 'customEndpoint' | 'providers' | 'codes';

/** Every {@link ConsentChange}, in the order the pages list them. */
export const CONSENT_CHANGES: readonly ConsentChange[] = [
  'checkHost',
  'globalping',
  'cloudflareStatus',
  'statusPageTemplates',
  'customEndpoint',
  'archive',
  'providers',
  'codes',
];

/**
 * Where the user stands:
 * - `given`: they said yes to what is configured now (or an administrator decided yes);
 * - `not-given`: they did not say yes (or withdrew it);
 * - `outdated`: they said yes to something else; `changes` says what differs (never empty).
 */
export type ConsentStatus =
  | { readonly kind: 'given' }
  | { readonly kind: 'not-given' }
  | { readonly kind: 'outdated'; readonly changes: readonly ConsentChange[] };

/**
 * A canonical serialisation of a scope: the same scope always gives the same string, whatever the order its object's
 * keys were written or read in. Not a secret and not a hash: equal strings mean equal scopes.
 */
export function consentFingerprint(scope: ConsentScope): string {
  return stableJson(scope);
}

/**
 * What a consent without a recorded scope (older than settings version 4) covers: the defaults of those versions,
 * which the consent screen showed. Written out, not derived from today's defaults: a later build that changes a
 * default address must ask those users again, not carry their old "yes" over to the new address.
 */
export const LEGACY_CONSENT_SCOPE: ConsentScope = {
  codes: [502, 503, 504, 520, 521, 522, 523, 524],
  providers: { checkHost: true, globalping: true, statusPage: true, cdnStatus: true, custom: false },
  endpoints: {
    checkHost: 'https://check-host.net',
    globalping: 'https://api.globalping.io',
    cloudflareStatus: 'https://www.cloudflarestatus.com',
    statusPageTemplates: ['https://status.{domain}', 'https://{name}status.com', 'https://{name}.statuspage.io'],
    archive: 'https://archive.org',
  },
  customEndpoint: null,
};

/**
 * The one consent rule: whether lookups that send a site's address may go out under `settings`.
 *
 * @param settings - as loaded (`loadSettings`: a policy's `statusAutoCheck` comes with the configured scope)
 */
export function consentStatus(settings: ConsentSettings): ConsentStatus {
  if (!settings.statusAutoCheck) return { kind: 'not-given' };
  const covered = settings.statusConsentScope ?? LEGACY_CONSENT_SCOPE;
  const changes = consentChanges(covered, consentScope(settings));
  return changes.length === 0 ? { kind: 'given' } : { kind: 'outdated', changes };
}

/**
 * Whether a lookup that sends a site's address may go out now. An automatic one (`auto`) needs a "yes" to what is
 * configured now; one the user starts (`user`: "Check now", "Find an archived copy") is consent for itself, but not
 * while an earlier "yes" covers other addresses than these: the user is asked again first, and told what changed.
 * Firefox's data consent (`browsingActivity`) is asked for separately, by the page the click came from.
 *
 * @param settings - as loaded
 * @param trigger - who started the lookup
 */
export function mayLookUp(settings: ConsentSettings, trigger: 'auto' | 'user'): boolean {
  const kind = consentStatus(settings).kind;
  return trigger === 'auto' ? kind === 'given' : kind !== 'outdated';
}

/** The parts of `now` that differ from `covered`, in {@link CONSENT_CHANGES} order. */
export function consentChanges(covered: ConsentScope, now: ConsentScope): ConsentChange[] {
  const part = (scope: ConsentScope, change: ConsentChange): unknown => {
    switch (change) {
      case 'customEndpoint':
        return scope.customEndpoint;
      case 'providers':
        return scope.providers;
      case 'codes':
        return scope.codes;
      default:
        return scope.endpoints[change];
    }
  };
  return CONSENT_CHANGES.filter((c) => stableJson(part(covered, c)) !== stableJson(part(now, c)));
}

/** The fields a "yes" given now writes: the consent and the scope it covers. */
export function grantConsent(settings: ConsentSettings): Pick<Settings, 'statusAutoCheck' | 'statusConsentScope'> {
  return { statusAutoCheck: true, statusConsentScope: consentScope(settings) };
}

/**
 * A change the user makes on the options page, with the consent following it: when they had agreed to what was
 * configured and now change the codes, a provider or their own checker there (where the consent text and the list of
 * addresses stand beside the control), the consent covers their new choice. A consent that was already outdated stays
 * outdated: only agreeing again covers a change made elsewhere.
 *
 * @param settings - what the page shows (before the change)
 * @param patch - the fields the user changed
 */
export function followConsent<P extends Partial<Settings>>(settings: ConsentSettings, patch: P): P | (P & Pick<Settings, 'statusConsentScope'>) {
  if ('statusAutoCheck' in patch || 'statusConsentScope' in patch) return patch;
  if (consentStatus(settings).kind !== 'given') return patch;
  const next = { ...settings, ...patch };
  if (consentFingerprint(consentScope(next)) === consentFingerprint(consentScope(settings))) return patch;
  return { ...patch, statusConsentScope: consentScope(next) };
}

function stableJson(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(stableJson).join(',')}]`;
  if (x !== null && typeof x === 'object') {
    const entries = Object.keys(x)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((x as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(x) ?? 'null';
}
