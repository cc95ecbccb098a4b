import { describe, expect, it } from 'vitest';
import { consentFingerprint, consentStatus, followConsent, grantConsent, LEGACY_CONSENT_SCOPE } from '../../src/settings/consent';
import { consentScope, DEFAULT_SETTINGS, loadSettings, type Settings } from '../../src/settings/settings';

const STAND_INS = {
  ...DEFAULT_SETTINGS.statusEndpoints,
  checkHost: 'http://127.0.0.1:8081',
  statusPageTemplates: ['http://status.{domain}.localhost:8083'],
};

/** Settings as this device reads them: `sync`, then `local` (consent, endpoints), then `managed`. */
function read(sync: Record<string, unknown>, local: Record<string, unknown>, managed?: Record<string, unknown>): Settings {
  return loadSettings({ version: 4, ...sync }, managed, local).settings;
}

/** A "yes" given on this device to `settings`, as the pages store it. */
function agreed(settings: Settings): Record<string, unknown> {
  return { ...grantConsent(settings), statusEndpoints: settings.statusEndpoints };
}

describe('consentFingerprint', () => {
  it('is the same for the same scope, whatever the order of keys and codes', () => {
    const a = consentScope(DEFAULT_SETTINGS);
    const b = consentScope({ ...DEFAULT_SETTINGS, codes: [...DEFAULT_SETTINGS.codes].reverse().concat([502]) });
    const shuffled = JSON.parse(JSON.stringify({ customEndpoint: a.customEndpoint, endpoints: a.endpoints, providers: a.providers, codes: a.codes }));
    expect(consentFingerprint(b)).toBe(consentFingerprint(a));
    expect(consentFingerprint(shuffled)).toBe(consentFingerprint(a));
  });

  it('differs when any covered address, provider switch, the custom endpoint or a code differs', () => {
    const base = consentFingerprint(consentScope(DEFAULT_SETTINGS));
    const variants: Partial<Settings>[] = [
      { statusEndpoints: { ...DEFAULT_SETTINGS.statusEndpoints, checkHost: 'https://ch.example' } },
      { statusEndpoints: { ...DEFAULT_SETTINGS.statusEndpoints, globalping: 'https://gp.example' } },
      { statusEndpoints: { ...DEFAULT_SETTINGS.statusEndpoints, cloudflareStatus: 'https://cf.example' } },
      { statusEndpoints: { ...DEFAULT_SETTINGS.statusEndpoints, archive: 'https://archive.example' } },
      { statusEndpoints: { ...DEFAULT_SETTINGS.statusEndpoints, statusPageTemplates: ['https://status.{domain}'] } },
      { customEndpoint: { template: 'https://mon.example/{host}', format: 'gatus' } },
      { statusProviders: { ...DEFAULT_SETTINGS.statusProviders, custom: true } },
      { codes: [502] },
    ];
    const prints = variants.map((v) => consentFingerprint(consentScope({ ...DEFAULT_SETTINGS, ...v })));
    expect(new Set([base, ...prints]).size).toBe(variants.length + 1);
  });

  it('ignores what does not change where a site address goes (node and probe counts)', () => {
    const more = { ...DEFAULT_SETTINGS, statusEndpoints: { ...DEFAULT_SETTINGS.statusEndpoints, checkHostNodes: 12, globalpingProbes: 9 } };
    expect(consentFingerprint(consentScope(more))).toBe(consentFingerprint(consentScope(DEFAULT_SETTINGS)));
  });
});

describe('consentStatus: the consent covers what it was given for', () => {
  it('is not given until the user says yes', () => {
    expect(consentStatus(read({}, {}))).toEqual({ kind: 'not-given' });
  });

  it('is given for what was configured when the user said yes', () => {
    const before = read({}, { statusEndpoints: STAND_INS });
    expect(consentStatus(read({}, agreed(before)))).toEqual({ kind: 'given' });
  });

  it('is outdated when synced settings change the codes, a provider or the custom endpoint, and says what changed', () => {
    const local = agreed(read({}, { statusEndpoints: STAND_INS }));
    expect(consentStatus(read({ codes: [500, 502] }, local))).toEqual({ kind: 'outdated', changes: ['codes'] });
    const custom = { customEndpoint: { template: 'https://mon.example/{host}', format: 'gatus' }, statusProviders: { custom: true } };
    expect(consentStatus(read(custom, local))).toEqual({ kind: 'outdated', changes: ['customEndpoint', 'providers'] });
  });

  it('is outdated when this device\'s endpoint override changes', () => {
    const local = agreed(read({}, { statusEndpoints: STAND_INS }));
    const moved = { ...local, statusEndpoints: { ...STAND_INS, checkHost: 'http://127.0.0.1:9999', archive: 'https://archive.example' } };
    expect(consentStatus(read({}, moved))).toEqual({ kind: 'outdated', changes: ['checkHost', 'archive'] });
  });

  it('ignores endpoints in synced storage: they neither change the consent nor the addresses', () => {
    const local = agreed(read({}, {}));
    const settings = read({ statusEndpoints: { ...STAND_INS, checkHost: 'https://evil.example' } }, local);
    expect(settings.statusEndpoints).toEqual(DEFAULT_SETTINGS.statusEndpoints);
    expect(consentStatus(settings)).toEqual({ kind: 'given' });
  });

  it('is given again once the user agrees to the new configuration', () => {
    const local = agreed(read({}, {}));
    const changed = read({ codes: [500] }, local);
    expect(consentStatus(changed).kind).toBe('outdated');
    expect(consentStatus(read({ codes: [500] }, { ...local, ...grantConsent(changed) }))).toEqual({ kind: 'given' });
  });

  it('an older consent without a scope covers the defaults only', () => {
    // Today's defaults are still those of version 3; a build that changes one must not widen an old "yes".
    expect(LEGACY_CONSENT_SCOPE).toEqual(consentScope(DEFAULT_SETTINGS));
    expect(consentStatus(read({}, { statusAutoCheck: true }))).toEqual({ kind: 'given' });
    expect(consentStatus(read({ codes: [502] }, { statusAutoCheck: true }))).toEqual({ kind: 'outdated', changes: ['codes'] });
    expect(consentStatus(read({}, { statusAutoCheck: true, statusEndpoints: STAND_INS }))).toEqual({
      kind: 'outdated',
      changes: ['checkHost', 'statusPageTemplates'],
    });
  });

  it('an unreadable recorded scope counts as none: the defaults only', () => {
    const settings = read({ codes: [502] }, { statusAutoCheck: true, statusConsentScope: { codes: 'all' } });
    expect(settings.statusConsentScope).toBeNull();
    expect(consentStatus(settings).kind).toBe('outdated');
  });

  it('an administrator\'s yes covers the configuration in force, whatever this device recorded', () => {
    const managed = { statusAutoCheck: true, statusEndpoints: { ...DEFAULT_SETTINGS.statusEndpoints, checkHost: 'https://ch.corp.example' } };
    expect(consentStatus(read({ codes: [500] }, {}, managed))).toEqual({ kind: 'given' });
    expect(consentStatus(read({}, agreed(read({}, {})), { statusAutoCheck: false }))).toEqual({ kind: 'not-given' });
  });

  it('what a consent covered is recorded on this device only: never read from sync or policy', () => {
    const elsewhere = consentScope({ ...DEFAULT_SETTINGS, codes: [500] });
    expect(read({ statusConsentScope: elsewhere }, {}).statusConsentScope).toBeNull();
    expect(read({}, {}, { statusConsentScope: elsewhere }).statusConsentScope).toBeNull();
    expect(consentStatus(read({ codes: [500] }, { statusAutoCheck: true }, { statusConsentScope: elsewhere })).kind).toBe('outdated');
  });
});

describe('followConsent: a change the user makes beside the consent text', () => {
  it('carries an up-to-date scope when the consent covered what was configured', () => {
    const settings = read({}, agreed(read({}, {})));
    const patch = followConsent(settings, { codes: [500, 502] });
    expect(patch).toEqual({ codes: [500, 502], statusConsentScope: consentScope({ ...settings, codes: [500, 502] }) });
    expect(consentStatus({ ...settings, ...patch }).kind).toBe('given');
  });

  it('leaves an outdated or absent consent as it is, and a change that covers nothing new alone', () => {
    const outdated = read({ codes: [500] }, agreed(read({}, {})));
    expect(followConsent(outdated, { codes: [502] })).toEqual({ codes: [502] });
    expect(followConsent(read({}, {}), { codes: [502] })).toEqual({ codes: [502] });
    const given = read({}, agreed(read({}, {})));
    expect(followConsent(given, { notify: 'never' })).toEqual({ notify: 'never' });
    expect(followConsent(given, { statusAutoCheck: false })).toEqual({ statusAutoCheck: false });
  });
});
