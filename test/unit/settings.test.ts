import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as S from '../../src/settings/settings';
import { DEFAULT_SETTINGS, MIGRATIONS, SETTINGS_VERSION, loadSettings, policyFields, splitByArea, type Settings } from '../../src/settings/settings';

const DEFAULTS = {
  version: 4,
  codes: [502, 503, 504, 520, 521, 522, 523, 524],
  maxVisibleRetries: 5,
  notify: 'every-change',
  neverRetry: [],
  neverSend: [],
  statusAutoCheck: false,
  statusConsentScope: null,
  statusProviders: { checkHost: true, globalping: true, statusPage: true, cdnStatus: true, custom: false },
  statusEndpoints: {
    checkHost: 'https://check-host.net',
    cloudflareStatus: 'https://www.cloudflarestatus.com',
    statusPageTemplates: ['https://status.{domain}', 'https://{name}status.com', 'https://{name}.statuspage.io'],
    checkHostNodes: 7,
    globalping: 'https://api.globalping.io',
    globalpingProbes: 5,
    archive: 'https://archive.org',
  },
  customEndpoint: null,
  customEndpointDropped: null,
  pausedUntil: null,
  historyRetentionDays: 30,
};

/** Endpoints that differ from the defaults, as a test or a developer sets them on one device (`storage.local`). */
const DEVICE_ENDPOINTS = {
  checkHost: 'http://127.0.0.1:8081',
  cloudflareStatus: 'http://[::1]:8082',
  statusPageTemplates: ['http://status.{domain}.localhost:8083'],
  checkHostNodes: 3,
  globalping: 'http://localhost:8085',
  globalpingProbes: 10,
  archive: 'https://archive.example.net',
};

/** Valid values that all differ from the defaults, so "kept" and "fell back" can be told apart. */
const CUSTOM = {
  codes: [500, 502],
  maxVisibleRetries: 3,
  notify: 'never',
  neverRetry: ['example.com', 'intranet.local'],
  neverSend: ['corp.example', 'ci.brave.com'],
  // The consent is read from the device area only (see 'status check fields'): from sync it stays the default.
  statusAutoCheck: false,
  statusConsentScope: null,
  statusProviders: { checkHost: false, globalping: false, statusPage: true, cdnStatus: false, custom: true },
  // Endpoint overrides are read from the device area and policy only (see 'endpoint overrides'): from sync they stay the
  // defaults.
  statusEndpoints: DEFAULTS.statusEndpoints,
  customEndpoint: { template: 'https://kuma.corp.example/status/shop', format: 'uptime-kuma' },
  customEndpointDropped: null,
  // A pause is read from the device area only (see 'the pause'): from sync it stays the default.
  pausedUntil: null,
  historyRetentionDays: 7,
} as const;

type Field = 'codes' | 'maxVisibleRetries' | 'notify' | 'neverRetry';
const FIELDS: Field[] = ['codes', 'maxVisibleRetries', 'notify', 'neverRetry'];

describe('loadSettings: defaults', () => {
  it('has the documented defaults', () => {
    expect(SETTINGS_VERSION).toBe(4);
    expect(DEFAULT_SETTINGS).toEqual(DEFAULTS);
  });

  it('uses the defaults when nothing is stored', () => {
    expect(loadSettings(undefined)).toEqual({ settings: DEFAULTS, warnings: [] });
  });

  it('uses the defaults for an empty object', () => {
    expect(loadSettings({})).toEqual({ settings: DEFAULTS, warnings: [] });
  });

  it.each([
    ['null', null],
    ['an array', [{ codes: [500] }]],
    ['a string', '{"codes":[500]}'],
    ['a number', 42],
    ['a boolean', true],
  ])('uses the defaults, without throwing, when the stored value is %s', (_what, stored) => {
    expect(loadSettings(stored)).toEqual({ settings: DEFAULTS, warnings: [] });
  });
});

describe('loadSettings: stored values', () => {
  it('uses valid stored values', () => {
    expect(loadSettings({ version: 1, ...CUSTOM })).toEqual({
      settings: { version: 4, ...CUSTOM },
      warnings: [],
    });
  });

  it('uses each valid field on its own and defaults the rest', () => {
    expect(loadSettings({ version: 1, maxVisibleRetries: 0 }).settings).toEqual({ ...DEFAULTS, maxVisibleRetries: 0 });
    expect(loadSettings({ version: 1, notify: 'never' }).settings).toEqual({ ...DEFAULTS, notify: 'never' });
  });

  it.each([
    ['codes at the lower bound', { codes: [400] }],
    ['codes at the upper bound', { codes: [599] }],
    ['an empty code list', { codes: [] }],
    ['50 codes', { codes: Array.from({ length: 50 }, (_, i) => 500 + i) }],
    ['maxVisibleRetries 0', { maxVisibleRetries: 0 }],
    ['maxVisibleRetries 20', { maxVisibleRetries: 20 }],
    ['a 253-character host', { neverRetry: [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`] }],
    ['an IPv6 literal', { neverRetry: ['[::1]'] }],
    ['500 never-retry hosts', { neverRetry: Array.from({ length: 500 }, (_, i) => `h${i}.example`) }],
  ])('accepts %s', (_what, fields) => {
    const { settings, warnings } = loadSettings({ version: 1, ...fields });
    expect(warnings).toEqual([]);
    expect(settings).toEqual({ ...DEFAULTS, ...fields });
  });

  it('trims and lowercases neverRetry entries', () => {
    const { settings, warnings } = loadSettings({ version: 1, neverRetry: ['  Example.COM  ', 'WWW.Test.Org', '\tintranet\n'] });
    expect(warnings).toEqual([]);
    expect(settings.neverRetry).toEqual(['example.com', 'www.test.org', 'intranet']);
  });

  it('trims and lowercases neverSend entries and drops a trailing dot', () => {
    const { settings, warnings } = loadSettings({ version: 1, neverSend: ['  Corp.Example.  ', 'CI.Brave.com'] });
    expect(warnings).toEqual([]);
    expect(settings.neverSend).toEqual(['corp.example', 'ci.brave.com']);
  });

  it('reads settings stored before neverSend existed with an empty list, and no warning', () => {
    const { settings, warnings } = loadSettings({ version: 1, neverRetry: ['a.example'], notify: 'never' });
    expect(warnings).toEqual([]);
    expect(settings.neverSend).toEqual([]);
  });

  it('refuses a neverSend list with a non-host entry as a whole, falling back to the empty default', () => {
    for (const bad of [['*.example.com'], ['https://example.com/'], ['exa mple.com'], [''], [42], 'example.com']) {
      const { settings, warnings } = loadSettings({ version: 1, neverSend: bad });
      expect(settings.neverSend, JSON.stringify(bad)).toEqual([]);
      expect(warnings.join('\n')).toContain('neverSend is invalid');
    }
  });

  it('ignores fields it does not know', () => {
    const { settings, warnings } = loadSettings({ version: 1, theme: 'dark', notify: 'never' });
    expect(warnings).toEqual([]);
    expect(settings).toEqual({ ...DEFAULTS, notify: 'never' });
    expect(settings).not.toHaveProperty('theme');
  });

  it('does not modify the stored object', () => {
    const stored = { notify: 'never', neverRetry: [' A.com '] };
    const copy = structuredClone(stored);
    loadSettings(stored);
    expect(stored).toEqual(copy);
  });
});

describe('loadSettings: invalid fields', () => {
  const invalid: [Field, unknown][] = [
    ['codes', 'x'],
    ['codes', null],
    ['codes', [399]],
    ['codes', [600]],
    ['codes', [502.5]],
    ['codes', ['502']],
    ['codes', [502, Number.NaN]],
    ['codes', Array.from({ length: 51 }, () => 502)],
    ['codes', { 0: 502, length: 1 }],
    ['maxVisibleRetries', -1],
    ['maxVisibleRetries', 21],
    ['maxVisibleRetries', 2.5],
    ['maxVisibleRetries', '5'],
    ['maxVisibleRetries', Number.NaN],
    ['maxVisibleRetries', Number.POSITIVE_INFINITY],
    ['maxVisibleRetries', null],
    ['notify', 'true'],
    ['notify', 'sometimes'],
    ['notify', true],
    ['notify', null],
    ['neverRetry', 'example.com'],
    ['neverRetry', ['']],
    ['neverRetry', ['   ']],
    ['neverRetry', ['exa mple.com']],
    ['neverRetry', ['https://example.com/']],
    ['neverRetry', ['*.example.com']],
    ['neverRetry', ['a'.repeat(254)]],
    ['neverRetry', [42]],
    ['neverRetry', ['ok.example', null]],
    ['neverRetry', Array.from({ length: 501 }, (_, i) => `h${i}.example`)],
  ];

  it.each(invalid)('falls back to the default %s for %j and warns, keeping the valid fields', (field, value) => {
    const { settings, warnings } = loadSettings({ version: 1, ...CUSTOM, [field]: value });
    expect(settings[field]).toEqual(DEFAULT_SETTINGS[field]);
    for (const other of FIELDS.filter((f) => f !== field)) expect(settings[other]).toEqual(CUSTOM[other]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`settings (storage): ${field} is invalid`);
    expect(warnings[0]).toContain('using the default');
  });

  it('warns once per invalid field, naming each', () => {
    const { settings, warnings } = loadSettings({
      version: 1,
      codes: [1],
      maxVisibleRetries: 'x',
      notify: 1,
      neverRetry: [''],
    });
    expect(settings).toEqual(DEFAULTS);
    expect(warnings).toHaveLength(4);
    FIELDS.forEach((field, i) => expect(warnings[i]).toMatch(new RegExp(`^settings \\(storage\\): ${field} is invalid \\(.+\\); using the default$`)));
  });
});

describe('loadSettings: versions and migrations', () => {
  it('has four migrations, to versions 1, 2, 3 and 4', () => {
    expect(MIGRATIONS.map((m) => m.to)).toEqual([1, 2, 3, 4]);
    expect(MIGRATIONS[0]!.migrate({ notify: 'never' })).toEqual({ notify: 'never', version: 1 });
    expect(MIGRATIONS[1]!.migrate({ version: 1, notify: 'never' })).toEqual({ notify: 'never', version: 2 });
  });

  it('version 3: the on/off notifications become the notify mode, from storage and from a policy', () => {
    expect(MIGRATIONS[2]!.migrate({ version: 2, notifications: false })).toEqual({ notify: 'never', version: 3 });
    expect(MIGRATIONS[2]!.migrate({ version: 2, notifications: true })).toEqual({ notify: 'every-change', version: 3 });
    // Not a boolean: nothing to carry over, and the old field goes.
    expect(MIGRATIONS[2]!.migrate({ version: 2, notifications: 'no' })).toEqual({ version: 3 });
    expect(loadSettings({ version: 2, notifications: false }).settings.notify).toBe('never');
    expect(loadSettings({ notifications: false }).settings.notify).toBe('never');
    // A stored version 3 is read as it is: an old field there means nothing.
    expect(loadSettings({ version: 3, notifications: false }).settings.notify).toBe('every-change');
    expect(loadSettings({ version: 2 }, { notifications: false }).settings.notify).toBe('never');
    expect([...policyFields({ notifications: false })]).toEqual(['notify']);
  });

  it('migrates an unversioned (v0) object and reads its fields', () => {
    const { settings, warnings } = loadSettings({ ...CUSTOM });
    expect(warnings).toEqual([]);
    expect(settings).toEqual({ version: 4, ...CUSTOM });
  });

  it('version 2 keeps an old Kuma template with a fixed slug: it names the same status page', () => {
    const old = { template: 'https://kuma.corp.example/api/status-page/heartbeat/shop', format: 'uptime-kuma' };
    const { settings, warnings } = loadSettings({ version: 1, ...CUSTOM, customEndpoint: old });
    expect(warnings).toEqual([]);
    expect(settings.customEndpoint).toEqual(old);
    expect(settings.customEndpointDropped).toBeNull();
    expect(settings.statusProviders.custom).toBe(true);
  });

  it('version 2 drops the documented …/heartbeat/{host} Kuma template, which never matched, and keeps it for the note', () => {
    const old = 'https://kuma.corp.example/api/status-page/heartbeat/{host}';
    const { settings, warnings } = loadSettings({ version: 1, ...CUSTOM, customEndpoint: { template: old, format: 'uptime-kuma' } });
    expect(warnings).toEqual([]);
    expect(settings.customEndpoint).toBeNull();
    expect(settings.customEndpointDropped).toBe(old);
    expect(settings.statusProviders).toEqual({ ...CUSTOM.statusProviders, custom: false });
    // Gatus templates keep their {host}.
    const gatus = { template: 'https://gatus.corp.example/api/v1/endpoints/statuses?h={host}', format: 'gatus' };
    expect(loadSettings({ version: 1, customEndpoint: gatus }).settings.customEndpoint).toEqual(gatus);
  });

  it('a version-2 Kuma address that names no status page is refused with a warning', () => {
    const { settings, warnings } = loadSettings({ version: 2, customEndpoint: { template: 'https://kuma.corp.example/{host}', format: 'uptime-kuma' } });
    expect(settings.customEndpoint).toBeNull();
    expect(warnings[0]).toContain('customEndpoint is invalid');
  });

  it('migrates an explicit version 0', () => {
    expect(loadSettings({ version: 0, notify: 'never' })).toEqual({
      settings: { ...DEFAULTS, notify: 'never' },
      warnings: [],
    });
  });

  it('warns about a newer version but reads the fields it knows', () => {
    const { settings, warnings } = loadSettings({ version: 5, notify: 'never', maxVisibleRetries: 7, futureField: { a: 1 } });
    expect(settings).toEqual({ ...DEFAULTS, notify: 'never', maxVisibleRetries: 7 });
    expect(settings.version).toBe(SETTINGS_VERSION);
    expect(settings).not.toHaveProperty('futureField');
    expect(warnings).toEqual(['settings: version 5 is newer than 4; reading the fields this version knows']);
  });

  it('still validates the fields of a newer version', () => {
    const { settings, warnings } = loadSettings({ version: 9, codes: 'all' });
    expect(settings.codes).toEqual(DEFAULTS.codes);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('version 9 is newer');
    expect(warnings[1]).toContain('settings (storage): codes is invalid');
  });

  it.each([
    ['a string', '1', '"1"'],
    ['a negative number', -1, '-1'],
    ['a fraction', 1.5, '1.5'],
    ['null', null, 'null'],
  ])('warns about an unreadable version (%s) and reads the fields as they are', (_what, version, shown) => {
    const { settings, warnings } = loadSettings({ version, notify: 'never' });
    expect(settings).toEqual({ ...DEFAULTS, notify: 'never' });
    expect(warnings).toEqual([`settings: unreadable version ${shown}; reading fields as they are`]);
  });

  it('always reports the current version', () => {
    expect(loadSettings({ version: 0 }).settings.version).toBe(4);
    expect(loadSettings({ version: 5 }).settings.version).toBe(4);
    expect(loadSettings({ version: 'x' }).settings.version).toBe(4);
  });
});

describe('loadSettings: managed (policy) values', () => {
  it('lets valid managed fields override stored ones, field by field', () => {
    const { settings, warnings } = loadSettings(
      { version: 1, ...CUSTOM },
      { notify: 'every-change', neverRetry: ['Corp.Example'] },
    );
    expect(warnings).toEqual([]);
    expect(settings).toEqual({ version: 4, ...CUSTOM, notify: 'every-change', neverRetry: ['corp.example'] });
  });

  it('lets managed fields override the defaults when nothing is stored', () => {
    expect(loadSettings(undefined, { maxVisibleRetries: 10 }).settings).toEqual({ ...DEFAULTS, maxVisibleRetries: 10 });
  });

  it('warns about an invalid managed field, naming it, and keeps the stored value', () => {
    const { settings, warnings } = loadSettings({ version: 1, maxVisibleRetries: 3 }, { maxVisibleRetries: 99, notify: 'never' });
    expect(settings.maxVisibleRetries).toBe(3);
    expect(settings.notify).toBe('never');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('settings (policy): maxVisibleRetries is invalid');
  });

  it('falls back to the default for an invalid managed field when nothing valid is stored', () => {
    const { settings, warnings } = loadSettings({ codes: 'bad' }, { codes: [1000] });
    expect(settings.codes).toEqual(DEFAULTS.codes);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('settings (storage): codes is invalid');
    expect(warnings[1]).toContain('settings (policy): codes is invalid');
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'notify=never'],
    ['an array', [{ notify: 'never' }]],
  ])('ignores managed values that are %s', (_what, managed) => {
    expect(loadSettings({ version: 1, ...CUSTOM }, managed)).toEqual({ settings: { version: 4, ...CUSTOM }, warnings: [] });
  });

  it('does not let a managed version change the result version', () => {
    const { settings, warnings } = loadSettings(undefined, { version: 7 });
    expect(settings.version).toBe(4);
    expect(warnings).toEqual([]);
  });
});

describe('loadSettings: status check fields', () => {
  it('fills a partial provider switch object from the defaults', () => {
    expect(loadSettings({ version: 1, statusProviders: { checkHost: false } }).settings.statusProviders).toEqual({
      checkHost: false,
      globalping: true,
      statusPage: true,
      cdnStatus: true,
      custom: false,
    });
  });

  it('drops a trailing slash of a provider base URL', () => {
    const { settings } = loadSettings({}, undefined, { statusEndpoints: { checkHost: 'http://127.0.0.1:9000/' } });
    expect(settings.statusEndpoints.checkHost).toBe('http://127.0.0.1:9000');
    expect(settings.statusEndpoints.statusPageTemplates).toEqual(DEFAULTS.statusEndpoints.statusPageTemplates);
  });

  it.each([
    ['javascript:alert(1)'],
    ['file:///etc/passwd'],
    ['https://user:secret@check-host.net'],
    ['not a url'],
    ['x'.repeat(600)],
  ])('refuses the endpoint %s and keeps the defaults, with a warning', (url) => {
    const { settings, warnings } = loadSettings({}, undefined, { statusEndpoints: { checkHost: url } });
    expect(settings.statusEndpoints).toEqual(DEFAULTS.statusEndpoints);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('statusEndpoints is invalid');
  });

  it('refuses a custom endpoint with an unknown format', () => {
    const { settings, warnings } = loadSettings({ version: 1, customEndpoint: { template: 'https://x.example/{host}', format: 'nagios' } });
    expect(settings.customEndpoint).toBeNull();
    expect(warnings[0]).toContain('customEndpoint is invalid');
  });

  it('refuses a non-boolean consent, so consent is never assumed', () => {
    const { settings, warnings } = loadSettings({ version: 1 }, undefined, { statusAutoCheck: 'yes' });
    expect(settings.statusAutoCheck).toBe(false);
    expect(warnings[0]).toContain('statusAutoCheck is invalid');
  });

  it('reads the consent from this device only: a synced "yes" from another machine is not consent here', () => {
    expect(loadSettings({ version: 1, statusAutoCheck: true }).settings.statusAutoCheck).toBe(false);
    expect(loadSettings({ version: 1, statusAutoCheck: true }, undefined, { statusAutoCheck: false }).settings.statusAutoCheck).toBe(false);
    expect(loadSettings({ version: 1 }, undefined, { statusAutoCheck: true }).settings.statusAutoCheck).toBe(true);
    // Only device fields are read from the device area.
    expect(loadSettings({ version: 1 }, undefined, { notify: 'never' }).settings.notify).toBe('every-change');
    // An administrator's policy still wins.
    expect(loadSettings({ version: 1 }, { statusAutoCheck: false }, { statusAutoCheck: true }).settings.statusAutoCheck).toBe(false);
  });

  it('splits a change between the synced and the device area', () => {
    expect(splitByArea({ statusAutoCheck: true, notify: 'never' })).toEqual({ sync: { notify: 'never' }, local: { statusAutoCheck: true } });
  });

  it('keeps a history retention of 0-365 whole days; anything else is the default, 30', () => {
    const days = (x: unknown) => loadSettings({ version: 1, historyRetentionDays: x });
    expect(days(0).settings.historyRetentionDays).toBe(0);
    expect(days(365).settings.historyRetentionDays).toBe(365);
    for (const bad of [-1, 366, 2.5, '7', null]) {
      const { settings, warnings } = days(bad);
      expect(settings.historyRetentionDays).toBe(30);
      expect(warnings).toEqual([expect.stringMatching(/^settings \(storage\): historyRetentionDays is invalid/)]);
    }
    // Stored by an older version without the field: the default, no warning.
    expect(loadSettings({ version: 1, notify: 'never' })).toMatchObject({ settings: { historyRetentionDays: 30 }, warnings: [] });
  });

  it('refuses a node count outside 3-20', () => {
    expect(loadSettings({}, undefined, { statusEndpoints: { checkHostNodes: 2 } }).settings.statusEndpoints.checkHostNodes).toBe(7);
    expect(loadSettings({}, undefined, { statusEndpoints: { checkHostNodes: 20 } }).settings.statusEndpoints.checkHostNodes).toBe(20);
  });
});

describe('settings: the exported limits are the schema\'s', () => {
  /** The value of `field` after storing `value`: kept when the schema accepts it, the default otherwise. */
  const kept = (field: string, value: unknown) => {
    const { settings, warnings } = loadSettings({ version: 1, [field]: value });
    const all: Record<string, unknown> = settings;
    return warnings.length === 0 ? all[field] : 'refused';
  };

  it('accepts each bound and refuses one past it', () => {
    expect(kept('maxVisibleRetries', S.MIN_VISIBLE_RETRIES)).toBe(S.MIN_VISIBLE_RETRIES);
    expect(kept('maxVisibleRetries', S.MAX_VISIBLE_RETRIES)).toBe(S.MAX_VISIBLE_RETRIES);
    expect(kept('maxVisibleRetries', S.MAX_VISIBLE_RETRIES + 1)).toBe('refused');
    expect(kept('historyRetentionDays', S.MAX_HISTORY_RETENTION_DAYS)).toBe(S.MAX_HISTORY_RETENTION_DAYS);
    expect(kept('historyRetentionDays', S.MAX_HISTORY_RETENTION_DAYS + 1)).toBe('refused');
    expect(kept('codes', [S.MIN_GATEWAY_CODE, S.MAX_GATEWAY_CODE])).toEqual([S.MIN_GATEWAY_CODE, S.MAX_GATEWAY_CODE]);
    expect(kept('codes', [S.MIN_GATEWAY_CODE - 1])).toBe('refused');
    expect(kept('codes', [S.MAX_GATEWAY_CODE + 1])).toBe('refused');
    expect(kept('codes', Array.from({ length: S.MAX_GATEWAY_CODES + 1 }, () => 502))).toBe('refused');
    const host = (n: number) => `${'a'.repeat(n - 8)}.example`;
    expect(kept('neverRetry', [host(S.MAX_HOST_LENGTH)])).toEqual([host(S.MAX_HOST_LENGTH)]);
    expect(kept('neverRetry', [host(S.MAX_HOST_LENGTH + 1)])).toBe('refused');
    expect(kept('neverRetry', Array.from({ length: S.MAX_NEVER_RETRY_HOSTS + 1 }, (_, i) => `h${i}.example`))).toBe('refused');
    expect(kept('neverSend', [host(S.MAX_HOST_LENGTH)])).toEqual([host(S.MAX_HOST_LENGTH)]);
    expect(kept('neverSend', [host(S.MAX_HOST_LENGTH + 1)])).toBe('refused');
    expect(kept('neverSend', Array.from({ length: S.MAX_NEVER_SEND_HOSTS }, (_, i) => `h${i}.example`))).toHaveLength(S.MAX_NEVER_SEND_HOSTS);
    expect(kept('neverSend', Array.from({ length: S.MAX_NEVER_SEND_HOSTS + 1 }, (_, i) => `h${i}.example`))).toBe('refused');
    const url = (n: number) => `https://x.example/${'a'.repeat(n - 18)}`;
    expect(kept('customEndpoint', { template: url(S.MAX_ENDPOINT_LENGTH), format: 'gatus' })).toMatchObject({ format: 'gatus' });
    expect(kept('customEndpoint', { template: url(S.MAX_ENDPOINT_LENGTH + 1), format: 'gatus' })).toBe('refused');
    const nodes = (n: number) => loadSettings({}, undefined, { statusEndpoints: { checkHostNodes: n } }).settings.statusEndpoints.checkHostNodes;
    expect([nodes(S.MIN_CHECK_HOST_NODES), nodes(S.MAX_CHECK_HOST_NODES), nodes(S.MIN_CHECK_HOST_NODES - 1), nodes(S.MAX_CHECK_HOST_NODES + 1)]).toEqual([
      S.MIN_CHECK_HOST_NODES,
      S.MAX_CHECK_HOST_NODES,
      7,
      7,
    ]);
  });

  it('the managed-storage schema an administrator reads states the same retention range', () => {
    const schema = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../public/managed-schema.json'), 'utf8'));
    expect(schema.properties.historyRetentionDays).toMatchObject({ minimum: S.MIN_HISTORY_RETENTION_DAYS, maximum: S.MAX_HISTORY_RETENTION_DAYS });
    expect(schema.properties.notify.enum).toEqual([...S.NOTIFY_MODES]);
  });

  it('policyFields names the valid policy fields only', () => {
    expect([...policyFields({ notify: 'never', codes: 'not a list', bogus: 1, version: 3 })]).toEqual(['notify']);
    expect(policyFields(null).size).toBe(0);
  });
});

describe('endpoint overrides: from policy or this device, never from sync', () => {
  it('reads statusEndpoints from the device area (tests, developers) and from policy', () => {
    expect(loadSettings({}, undefined, { statusEndpoints: DEVICE_ENDPOINTS })).toEqual({ settings: { ...DEFAULTS, statusEndpoints: DEVICE_ENDPOINTS }, warnings: [] });
    const policy = { ...DEVICE_ENDPOINTS, checkHost: 'https://ch.corp.example' };
    expect(loadSettings({}, { statusEndpoints: policy }, { statusEndpoints: DEVICE_ENDPOINTS }).settings.statusEndpoints).toEqual(policy);
  });

  it('ignores statusEndpoints in synced storage, whatever its version, and version 4 drops them', () => {
    for (const version of [undefined, 1, 3, 4]) {
      const { settings } = loadSettings({ ...(version !== undefined ? { version } : {}), statusEndpoints: DEVICE_ENDPOINTS, notify: 'never' });
      expect(settings.statusEndpoints).toEqual(DEFAULTS.statusEndpoints);
      expect(settings.notify).toBe('never');
    }
    expect(MIGRATIONS[3]!.migrate({ version: 3, statusEndpoints: DEVICE_ENDPOINTS, notify: 'never' })).toEqual({ version: 4, notify: 'never' });
  });

  it('keeps endpoints, the consent and what it covers on this device, everything else synced', () => {
    expect(S.DEVICE_FIELDS).toEqual(['statusAutoCheck', 'statusConsentScope', 'statusEndpoints', 'pausedUntil']);
    expect(splitByArea({ statusEndpoints: DEVICE_ENDPOINTS, statusConsentScope: null, codes: [502] })).toEqual({
      sync: { codes: [502] },
      local: { statusEndpoints: DEVICE_ENDPOINTS, statusConsentScope: null },
    });
  });
});

describe('endpoints: https only, plain http to this machine only', () => {
  it.each([
    'https://check-host.net',
    'https://status.{domain}',
    'http://127.0.0.1:8081',
    'http://127.8.9.10',
    'http://[::1]:9000/x',
    'http://localhost:3001',
    'http://status.{domain}.localhost:8083',
  ])('accepts %s', (url) => {
    expect(S.isEndpointUrl(url)).toBe(true);
  });

  it.each([
    'http://check-host.net',
    'http://status.{domain}',
    'http://{name}status.com',
    'http://192.168.1.10:3001',
    'http://10.0.0.1',
    'http://[::2]',
    'http://localhost.example.com',
    'http://127.0.0.1.nip.io',
    'ftp://127.0.0.1',
    'https://user:pw@check-host.net',
  ])('refuses %s', (url) => {
    expect(S.isEndpointUrl(url)).toBe(false);
    const { settings, warnings } = loadSettings({}, undefined, { statusEndpoints: { checkHost: url } });
    expect(settings.statusEndpoints).toEqual(DEFAULTS.statusEndpoints);
    expect(warnings[0]).toContain('statusEndpoints is invalid (must be an https URL');
  });
});

describe('the custom endpoint: a fixed server, by the schema', () => {
  const problem = (template: string, format = 'gatus') => S.customEndpointProblem(template, format);

  it('accepts {host} in the path or the query only', () => {
    expect(problem('https://mon.example.net/api/v1/endpoints/statuses?h={host}')).toBeNull();
    expect(problem('https://mon.example.net/check/{host}')).toBeNull();
    expect(problem('http://127.0.0.1:8080/api/v1/endpoints/statuses')).toBeNull();
  });

  it.each([
    ['https://{host}/status', 'placeholder-in-host'],
    ['https://{host}.mon.example.net/x', 'placeholder-in-host'],
    ['https://mon.{domain}/x', 'placeholder-in-host'],
    ['https://mon.example.net:{host}/x', 'invalid'],
    ['http://mon.example.net/{host}', 'invalid'],
    ['', 'empty'],
    [`https://x.example/${'a'.repeat(600)}`, 'too-long'],
  ])('refuses %s (%s), in the options page and in stored settings alike', (template, why) => {
    expect(problem(template)).toBe(why);
    const { settings, warnings } = loadSettings({ customEndpoint: { template, format: 'gatus' } });
    expect(settings.customEndpoint).toBeNull();
    expect(warnings[0]).toContain(`customEndpoint is invalid (${S.CUSTOM_ENDPOINT_PROBLEMS[why as S.CustomEndpointProblem]})`);
  });

  it('refuses a placeholder-host endpoint from policy too, which then locks nothing', () => {
    const managed = { customEndpoint: { template: 'https://{host}/x', format: 'gatus' } };
    expect(loadSettings({}, managed).settings.customEndpoint).toBeNull();
    expect(policyFields(managed).has('customEndpoint')).toBe(false);
  });
});

describe('the pause (pausedUntil)', () => {
  it('is read from this device only: neither sync nor a policy sets it', () => {
    expect(loadSettings({ pausedUntil: 5_000 }).settings.pausedUntil).toBeNull();
    expect(loadSettings({}, { pausedUntil: 5_000 }).settings.pausedUntil).toBeNull();
    expect(policyFields({ pausedUntil: 5_000 }).has('pausedUntil')).toBe(false);
    expect(loadSettings({}, undefined, { pausedUntil: 5_000 }).settings.pausedUntil).toBe(5_000);
    expect(splitByArea({ pausedUntil: 5_000, notify: 'never' })).toEqual({ sync: { notify: 'never' }, local: { pausedUntil: 5_000 } });
  });

  it.each([[-1], [1.5], ['5000'], [Number.NaN]])('refuses %s, with a warning, as no pause', (value) => {
    const { settings, warnings } = loadSettings({}, undefined, { pausedUntil: value });
    expect(settings.pausedUntil).toBeNull();
    expect(warnings.join('\n')).toContain('pausedUntil is invalid');
  });
});

// Compile-time check that the fixtures match the Settings shape.
const _typed: Settings = { version: 4, ...CUSTOM };
void _typed;
