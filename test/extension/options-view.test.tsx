/** The options page and its consent text render from fixtures; what the user types is read without a browser. */
import { describe, expect, it, vi } from 'vitest';
import { renderToString } from 'preact-render-to-string';
import { CustomEndpointFields, customEndpointError, OptionsView } from '../../extension/options/options-view';
import { readCustomEndpoint, readHostList, readRetries, toggleCode } from '../../extension/options/options-input';
import { createSettingsStore, managedFields, type SettingKey } from '../../extension/shared/settings-store';
import { DEFAULT_SETTINGS, SETTINGS_VERSION, type Settings } from '../../src/settings/settings';
import { strictT } from '../locale';

const t = strictT;

/** Providers pointed at loopback stand-ins, as the e2e suite does: the page must name these, not the defaults. */
const LOOPBACK: Settings = {
  ...DEFAULT_SETTINGS,
  statusEndpoints: {
    checkHost: 'http://127.0.0.1:4101',
    cloudflareStatus: 'http://127.0.0.1:4102',
    statusPageTemplates: ['http://127.0.0.1:4103/{domain}', 'http://127.0.0.1:4104/{name}-status'],
    checkHostNodes: 5,
    archive: 'http://127.0.0.1:4105',
  },
};

const html = (settings: Settings, managed: ReadonlySet<SettingKey> = new Set()) =>
  renderToString(
    <OptionsView
      settings={settings}
      managed={managed}
      t={t}
      onChange={async () => {}}
      requestDataConsent={async () => true}
      hostAccess={{ contains: async () => true, request: async () => true }}
    />,
  );

/** The opening tag of the element with `data-testid`. */
function tag(out: string, testid: string): string {
  const m = new RegExp(`<[a-z]+[^>]*data-testid="${testid}"[^>]*>`).exec(out);
  if (m === null) throw new Error(`no element ${testid}`);
  return m[0];
}

/** The inner HTML of the consent's list of contacted services. */
function consentList(out: string): string {
  const m = /<ul[^>]*data-testid="consent-endpoints"[^>]*>([\s\S]*?)<\/ul><\/li><\/ul>|<ul[^>]*data-testid="consent-endpoints"[^>]*>([\s\S]*)<\/ul>/.exec(out);
  if (m === null) throw new Error('no consent-endpoints');
  return m[1] ?? m[2] ?? '';
}

describe('consent text', () => {
  it('names every endpoint the settings contact, with the example site filled in', () => {
    const list = consentList(html(LOOPBACK));
    for (const address of ['http://127.0.0.1:4101', 'http://127.0.0.1:4102', 'http://127.0.0.1:4103/{domain}', 'http://127.0.0.1:4104/{name}-status']) {
      expect(list).toContain(`<code>${address}</code>`);
    }
    expect(list).toContain('http://127.0.0.1:4103/example.com');
    expect(list).toContain('http://127.0.0.1:4104/example-status');
    expect(list).toContain('from 5 places');
    expect(list).not.toContain('check-host.net</code>');
  });

  it('says what is sent, when, and never for private addresses or windows', () => {
    const out = html(DEFAULT_SETTINGS);
    expect(out).toContain('https://shop.example.com');
    expect(out).toContain('never your cookies');
    expect(out).toContain('502, 503, 504, 520, 521, 522, 523, 524');
    expect(out).toContain('.home.arpa');
    expect(out).toContain('private windows');
    expect(out).toContain('Check now');
    expect(out).toContain('<code>https://check-host.net</code>');
    expect(out).toContain('<code>https://www.cloudflarestatus.com</code>');
  });

  it('lists the custom endpoint only when one is set and switched on', () => {
    const template = 'https://kuma.corp.example/api/status-page/{host}';
    expect(consentList(html(DEFAULT_SETTINGS))).not.toContain('data-provider="custom"');
    const set = { ...DEFAULT_SETTINGS, customEndpoint: { template, format: 'uptime-kuma' as const } };
    expect(consentList(html(set))).not.toContain(template);
    const on = { ...set, statusProviders: { ...set.statusProviders, custom: true } };
    const list = consentList(html(on));
    expect(list).toContain('data-provider="custom"');
    expect(list).toContain(`<code>${template}</code>`);
    expect(list).toContain('https://kuma.corp.example/api/status-page/shop.example.com');
  });

  it('leaves out a service that is switched off, and says so when all are', () => {
    const noCheckHost = { ...LOOPBACK, statusProviders: { ...LOOPBACK.statusProviders, checkHost: false } };
    expect(consentList(html(noCheckHost))).not.toContain('http://127.0.0.1:4101');
    const none = { ...DEFAULT_SETTINGS, statusProviders: { checkHost: false, statusPage: false, cdnStatus: false, custom: false } };
    const out = html(none);
    expect(out).not.toContain('data-testid="consent-endpoints"');
    expect(out).toContain('an automatic check would send nothing');
  });
});

describe('options view', () => {
  it('shows the consent checkbox as stored, labelled, and a switch per provider naming what it contacts', () => {
    const off = html(LOOPBACK);
    expect(tag(off, 'auto-check')).not.toMatch(/\bchecked\b/);
    expect(off).toMatch(/<label><input[^>]*data-testid="auto-check"[^>]*\/> Check automatically whether a site is down for everyone<\/label>/);
    expect(tag(html({ ...LOOPBACK, statusAutoCheck: true }), 'auto-check')).toMatch(/\bchecked\b/);
    for (const p of ['checkHost', 'statusPage', 'cdnStatus']) expect(tag(off, `provider-${p}`)).toMatch(/\bchecked\b/);
    // Nothing to switch on until a custom address is saved.
    expect(tag(off, 'provider-custom')).toMatch(/(?<!-)\bdisabled\b/);
    const endpoints = /id="provider-checkHost-endpoints"[\s\S]*?<\/div>/.exec(off)?.[0] ?? '';
    expect(endpoints).toContain('<code>http://127.0.0.1:4101</code>');
  });

  it('has the custom endpoint form, the recovery fields, and an empty live region for "Saved"', () => {
    const out = html({ ...DEFAULT_SETTINGS, codes: [502, 504], maxVisibleRetries: 7, neverRetry: ['a.example', 'b.example'] });
    expect(tag(out, 'custom-template')).not.toContain('value="');
    expect(tag(out, 'custom-format')).toBeTruthy();
    expect(tag(out, 'custom-save')).toContain('type="submit"');
    expect(out).not.toContain('data-testid="custom-error"');
    expect(tag(out, 'code-502')).toMatch(/\bchecked\b/);
    expect(tag(out, 'code-503')).not.toMatch(/\bchecked\b/);
    expect(out).toContain('503 Service Unavailable');
    expect(tag(out, 'retries')).toContain('value="7"');
    expect(out).toMatch(/<textarea[^>]*data-testid="never-retry"[^>]*>a.example\nb.example<\/textarea>/);
    expect(out).toMatch(/<p[^>]*role="status" aria-live="polite" data-testid="saved"><\/p>/);
  });

  it('shows a saved custom endpoint in the form, with a way to remove it', () => {
    const set = { ...DEFAULT_SETTINGS, customEndpoint: { template: 'https://gatus.example.org/api/v1/{host}', format: 'gatus' as const } };
    const out = html(set);
    expect(tag(out, 'custom-template')).toContain('value="https://gatus.example.org/api/v1/{host}"');
    expect(tag(out, 'custom-remove')).toBeTruthy();
    expect(tag(out, 'provider-custom')).not.toMatch(/(?<!-)\bdisabled\b/);
  });

  it('disables what an administrator set, with a note, and nothing else', () => {
    const managed = managedFields({ notifications: false, neverRetry: ['intranet.example'], codes: 'not a list', bogus: 1 });
    expect([...managed].sort()).toEqual(['neverRetry', 'notifications']);
    const out = html({ ...DEFAULT_SETTINGS, notifications: false }, managed);
    expect(tag(out, 'notifications')).toMatch(/(?<!-)\bdisabled\b/);
    expect(tag(out, 'never-retry')).toMatch(/(?<!-)\bdisabled\b/);
    expect(tag(out, 'never-retry-save')).toMatch(/(?<!-)\bdisabled\b/);
    expect(tag(out, 'retries')).not.toMatch(/(?<!-)\bdisabled\b/);
    expect(tag(out, 'auto-check')).not.toMatch(/(?<!-)\bdisabled\b/);
    expect(out).toContain('data-testid="managed-notifications"');
    expect(out).toContain('set by your administrator');
    expect(html(DEFAULT_SETTINGS)).not.toContain('administrator');
  });

  it('locks the consent when policy decides it', () => {
    const out = html({ ...DEFAULT_SETTINGS, statusAutoCheck: true }, managedFields({ statusAutoCheck: true }));
    expect(tag(out, 'auto-check')).toMatch(/(?<!-)\bdisabled\b/);
  });
});

describe('custom endpoint input', () => {
  it('an invalid template shows an error tied to the field', () => {
    const error = customEndpointError('ftp://kuma.example/{host}', 'uptime-kuma', t);
    expect(error).toContain('not a usable address');
    const out = renderToString(
      <CustomEndpointFields
        template="ftp://kuma.example/{host}"
        format="uptime-kuma"
        error={error}
        locked={false}
        canRemove={false}
        t={t}
        onTemplate={() => {}}
        onFormat={() => {}}
        onSubmit={() => {}}
        onRemove={() => {}}
      />,
    );
    expect(out).toMatch(/<p[^>]*data-testid="custom-error"[^>]*>This is not a usable address/);
    expect(tag(out, 'custom-template')).toContain('aria-invalid="true"');
    expect(tag(out, 'custom-template')).toContain('custom-error');
  });

  it('accepts http(s) with {host} in the path, and rejects the rest with a reason', () => {
    const ok = readCustomEndpoint('  https://kuma.example:8443/api/{host} ', 'gatus');
    expect(ok).toEqual({
      ok: true,
      endpoint: { template: 'https://kuma.example:8443/api/{host}', format: 'gatus' },
      origin: 'https://kuma.example:8443',
      pattern: 'https://kuma.example/*',
    });
    expect(customEndpointError('https://kuma.example/api/{host}', 'gatus', t)).toBeNull();
    const problem = (x: string) => {
      const r = readCustomEndpoint(x, 'uptime-kuma');
      return r.ok ? 'ok' : r.problem;
    };
    expect(problem('')).toBe('empty');
    expect(problem('kuma.example/{host}')).toBe('invalid');
    expect(problem('javascript:alert(1)')).toBe('invalid');
    expect(problem('https://user:pw@kuma.example/{host}')).toBe('invalid');
    expect(problem(`https://kuma.example/${'a'.repeat(500)}`)).toBe('too-long');
    expect(problem('https://{host}.kuma.example/')).toBe('placeholder-in-host');
  });
});

describe('recovery input', () => {
  it('reads the never-retry list: one host per line, pasted addresses, blanks and duplicates', () => {
    expect(readHostList('Example.com\n\n  https://www.shop.example/cart?x=1 \nexample.com\nlocalhost:8080\n')).toEqual({
      hosts: ['example.com', 'www.shop.example', 'localhost'],
      invalid: [],
    });
    expect(readHostList('ok.example\nnot a host\n*.example.com').invalid).toEqual(['not a host', '*.example.com']);
    expect(readHostList('bücher.example').hosts).toEqual(['xn--bcher-kva.example']);
  });

  it('reads retries from 0 to 20 only', () => {
    expect(readRetries('0')).toBe(0);
    expect(readRetries(' 20 ')).toBe(20);
    for (const bad of ['21', '-1', '2.5', '', 'five']) expect(readRetries(bad)).toBeNull();
  });

  it('toggles a code and keeps codes the page does not offer', () => {
    expect(toggleCode([500, 502, 504], 503, true)).toEqual([500, 502, 503, 504]);
    expect(toggleCode([500, 502, 504], 502, false)).toEqual([500, 504]);
  });
});

describe('settings store', () => {
  function fakeStorage(sync: Record<string, unknown>, managed: Record<string, unknown> | Error, local: Record<string, unknown> = {}) {
    const set = vi.fn(async (x: Record<string, unknown>) => void Object.assign(sync, x));
    const setLocal = vi.fn(async (x: Record<string, unknown>) => void Object.assign(local, x));
    return {
      set,
      setLocal,
      storage: {
        sync: { get: async () => ({ ...sync }), set },
        local: { get: async () => ({ ...local }), set: setLocal },
        managed: { get: async () => (managed instanceof Error ? Promise.reject(managed) : managed) },
        onChanged: { addListener: () => {}, removeListener: () => {} },
      } as never,
    };
  }

  it('reads user and policy values; a Firefox without policy rejects storage.managed, which means none', async () => {
    const a = fakeStorage({ version: 1, notifications: false }, { maxVisibleRetries: 2 });
    const loaded = await createSettingsStore({ storage: a.storage, hasDataConsent: async () => true }).load();
    expect(loaded.settings.notifications).toBe(false);
    expect(loaded.settings.maxVisibleRetries).toBe(2);
    expect([...loaded.managed]).toEqual(['maxVisibleRetries']);
    const b = fakeStorage({}, new Error('Managed storage manifest not found'));
    expect((await createSettingsStore({ storage: b.storage, hasDataConsent: async () => true }).load()).managed.size).toBe(0);
  });

  it('writes only the changed fields, with the version', async () => {
    const a = fakeStorage({}, {});
    await createSettingsStore({ storage: a.storage, hasDataConsent: async () => true }).save({ notifications: false });
    expect(a.set).toHaveBeenCalledWith({ notifications: false, version: SETTINGS_VERSION });
  });

  it('a stored "yes" without the browser\'s data consent (withdrawn in Firefox) reads and is stored as "no"', async () => {
    const a = fakeStorage({ version: 1 }, {}, { statusAutoCheck: true });
    const loaded = await createSettingsStore({ storage: a.storage, hasDataConsent: async () => false }).load();
    expect(loaded.settings.statusAutoCheck).toBe(false);
    expect(a.setLocal).toHaveBeenCalledWith({ statusAutoCheck: false });
    const b = fakeStorage({ version: 1 }, {}, { statusAutoCheck: true });
    expect((await createSettingsStore({ storage: b.storage, hasDataConsent: async () => true }).load()).settings.statusAutoCheck).toBe(true);
    expect(b.setLocal).not.toHaveBeenCalled();
  });

  it('keeps the consent on this device: it goes to storage.local, everything else to storage.sync', async () => {
    const a = fakeStorage({}, {});
    await createSettingsStore({ storage: a.storage, hasDataConsent: async () => true }).save({ statusAutoCheck: true, notifications: false });
    expect(a.setLocal).toHaveBeenCalledWith({ statusAutoCheck: true });
    expect(a.set).toHaveBeenCalledWith({ notifications: false, version: SETTINGS_VERSION });
    // A "yes" synced from another machine is not consent here.
    const b = fakeStorage({ version: 1, statusAutoCheck: true }, {});
    expect((await createSettingsStore({ storage: b.storage, hasDataConsent: async () => true }).load()).settings.statusAutoCheck).toBe(false);
  });
});
