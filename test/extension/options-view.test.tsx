// @vitest-environment happy-dom
/**
 * The options page renders from fixtures and is used the way a person uses it: found by role and name, clicked and
 * typed into. What the user types is read without a browser; the settings store runs over a fake storage.
 */
import { grantConsent } from '../../src/settings/consent';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import * as v from 'valibot';
import { OptionsView, type OptionsViewProps } from '../../extension/options/options-view';
import { OFFERED_CODES, readCustomEndpoint, readHostList, readNumberSetting, toggleCode } from '../../extension/options/options-input';
import { createSettingsStore, managedFields, type SettingKey } from '../../extension/shared/settings-store';
import {
  consentScope,
  DEFAULT_SETTINGS,
  MAX_ENDPOINT_LENGTH,
  MAX_HISTORY_RETENTION_DAYS,
  MAX_NEVER_SEND_HOSTS,
  MAX_VISIBLE_RETRIES,
  SETTINGS_FIELDS,
  SETTINGS_VERSION,
  type Settings,
} from '../../src/settings/settings';
import { strictT } from '../locale';

const t = strictT;

afterEach(cleanup);

/** Providers pointed at loopback stand-ins, as the e2e suite does: the page must name these, not the defaults. */
const LOOPBACK: Settings = {
  ...DEFAULT_SETTINGS,
  statusEndpoints: {
    checkHost: 'http://127.0.0.1:4101',
    cloudflareStatus: 'http://127.0.0.1:4102',
    statusPageTemplates: ['http://127.0.0.1:4103/{domain}', 'http://127.0.0.1:4104/{name}-status'],
    checkHostNodes: 5,
    globalping: 'http://127.0.0.1:4106',
    globalpingProbes: 5,
    archive: 'http://127.0.0.1:4105',
  },
};

function show(settings: Settings, managed: ReadonlySet<SettingKey> = new Set(), extra: Partial<OptionsViewProps> = {}) {
  const props: OptionsViewProps = {
    settings,
    managed,
    t,
    onChange: vi.fn(async () => {}),
    requestDataConsent: vi.fn(async () => true),
    hostAccess: { contains: vi.fn(async () => true), request: vi.fn(async () => true) },
    ...extra,
  };
  render(<OptionsView {...props} />);
  return props;
}

/** The consent's list of contacted services. */
const consentList = () => within(screen.getByTestId('consent-endpoints'));
const box = (name: string) => screen.getByRole<HTMLInputElement>('checkbox', { name });
const pageText = () => document.body.textContent ?? '';

describe('consent text', () => {
  it('names every endpoint the settings contact, with the example site filled in', () => {
    show(LOOPBACK);
    for (const address of ['http://127.0.0.1:4101', 'http://127.0.0.1:4102', 'http://127.0.0.1:4103/{domain}', 'http://127.0.0.1:4104/{name}-status']) {
      expect(consentList().getByText(address, { selector: 'code' })).toBeTruthy();
    }
    const text = screen.getByTestId('consent-endpoints').textContent;
    expect(text).toContain('http://127.0.0.1:4103/example.com');
    expect(text).toContain('http://127.0.0.1:4104/example-status');
    expect(text).toContain('from 5 places');
    expect(consentList().queryByText('https://check-host.net', { selector: 'code' })).toBeNull();
  });

  it('says what is sent, when, and never for private addresses or windows', () => {
    show(DEFAULT_SETTINGS);
    for (const words of ['https://shop.example.com', 'never your cookies', '502, 503, 504, 520, 521, 522, 523, 524', '.home.arpa', 'private windows', 'Check now']) {
      expect(pageText()).toContain(words);
    }
    expect(consentList().getByText('https://check-host.net', { selector: 'code' })).toBeTruthy();
    expect(consentList().getByText('https://www.cloudflarestatus.com', { selector: 'code' })).toBeTruthy();
  });

  it('lists the custom endpoint only when one is set and switched on', () => {
    const template = 'https://gatus.corp.example/api/v1/endpoints/statuses?host={host}';
    const who = t('consentWhoCustom');
    show(DEFAULT_SETTINGS);
    expect(consentList().queryByText(who, { exact: false })).toBeNull();
    cleanup();
    const set = { ...DEFAULT_SETTINGS, customEndpoint: { template, format: 'gatus' as const } };
    show(set);
    expect(consentList().queryByText(template, { selector: 'code' })).toBeNull();
    cleanup();
    show({ ...set, statusProviders: { ...set.statusProviders, custom: true } });
    expect(consentList().getByText(who, { exact: false })).toBeTruthy();
    expect(consentList().getByText(template, { selector: 'code' })).toBeTruthy();
    expect(screen.getByTestId('consent-endpoints').textContent).toContain('https://gatus.corp.example/api/v1/endpoints/statuses?host=shop.example.com');
    cleanup();
    // A Kuma status page is named as it is: the site's host name is matched here, never sent to it.
    const kuma = 'https://kuma.corp.example/status/shop';
    show({ ...set, customEndpoint: { template: kuma, format: 'uptime-kuma' }, statusProviders: { ...set.statusProviders, custom: true } });
    expect(consentList().getByText(kuma, { selector: 'code' })).toBeTruthy();
  });

  it('leaves out a service that is switched off, and says so when all are', () => {
    show({ ...LOOPBACK, statusProviders: { ...LOOPBACK.statusProviders, checkHost: false } });
    expect(consentList().queryByText('http://127.0.0.1:4101', { selector: 'code' })).toBeNull();
    cleanup();
    show({ ...DEFAULT_SETTINGS, statusProviders: { checkHost: false, globalping: false, statusPage: false, cdnStatus: false, custom: false } });
    expect(screen.queryByTestId('consent-endpoints')).toBeNull();
    expect(pageText()).toContain('an automatic check would send nothing');
  });
});

describe('options view', () => {
  it('links to the privacy policy shipped in the extension, near the top', () => {
    show(DEFAULT_SETTINGS);
    const link = screen.getByRole('link', { name: 'Privacy policy' });
    expect(link.getAttribute('href')).toBe('../../privacy.html');
    expect(link.compareDocumentPosition(screen.getByRole('checkbox', { name: /automatic/i })) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('shows the consent checkbox as stored, labelled, and a switch per provider naming what it contacts', () => {
    show(LOOPBACK);
    const autoCheck = box('Check automatically whether a site is down for everyone');
    expect(autoCheck.checked).toBe(false);
    for (const p of ['optionsProviderCheckHost', 'optionsProviderStatusPage', 'optionsProviderCdnStatus']) expect(box(t(p)).checked).toBe(true);
    // Nothing to switch on until a custom address is saved.
    expect(box(t('optionsProviderCustom')).disabled).toBe(true);
    const described = document.getElementById(box(t('optionsProviderCheckHost')).getAttribute('aria-describedby') ?? '');
    expect(within(described!).getByText('http://127.0.0.1:4101', { selector: 'code' })).toBeTruthy();
    cleanup();
    show({ ...LOOPBACK, ...grantConsent(LOOPBACK) });
    expect(box(t('optionsAutoCheck')).checked).toBe(true);
    expect(screen.queryByTestId('consent-outdated')).toBeNull();
    cleanup();
    // A "yes" given to other settings (here one stored before consents recorded their scope: the defaults) is no
    // "yes" to these: the box is off, and the page says what changed.
    show({ ...LOOPBACK, statusAutoCheck: true });
    expect(box(t('optionsAutoCheck')).checked).toBe(false);
    const note = screen.getByTestId('consent-outdated');
    expect(note.textContent).toContain(t('consentOutdatedTitle'));
    expect(within(note).getAllByRole('listitem').map((li) => li.textContent)).toEqual(
      ['consentChangeCheckHost', 'consentChangeGlobalping', 'consentChangeCloudflareStatus', 'consentChangeStatusPageTemplates', 'consentChangeArchive'].map((k) => t(k)),
    );
  });

  it('has the custom endpoint form, the recovery fields, and an empty live region for "Saved"', () => {
    show({ ...DEFAULT_SETTINGS, codes: [502, 504], maxVisibleRetries: 7, neverRetry: ['a.example', 'b.example'] });
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: t('optionsCustomTemplate') }).value).toBe('');
    expect(screen.getByRole('combobox', { name: t('optionsCustomFormat') })).toBeTruthy();
    expect(screen.getByRole('button', { name: t('optionsCustomSave') }).getAttribute('type')).toBe('submit');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(box('502 Bad Gateway').checked).toBe(true);
    expect(box('503 Service Unavailable').checked).toBe(false);
    expect(screen.getByRole<HTMLInputElement>('spinbutton', { name: t('optionsRetries') }).value).toBe('7');
    expect(screen.getByRole<HTMLTextAreaElement>('textbox', { name: t('optionsNeverRetry') }).value).toBe('a.example\nb.example');
    const live = screen.getByRole('status');
    expect(live.getAttribute('aria-live')).toBe('polite');
    expect(live.textContent).toBe('');
  });

  it('shows a saved custom endpoint in the form, with a way to remove it', () => {
    show({ ...DEFAULT_SETTINGS, customEndpoint: { template: 'https://gatus.example.org/api/v1/{host}', format: 'gatus' } });
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: t('optionsCustomTemplate') }).value).toBe('https://gatus.example.org/api/v1/{host}');
    expect(screen.getByRole('button', { name: t('optionsCustomRemove') })).toBeTruthy();
    expect(box(t('optionsProviderCustom')).disabled).toBe(false);
  });

  it('disables what an administrator set, with a note, and nothing else', () => {
    const managed = managedFields({ notify: 'never', neverRetry: ['intranet.example'], codes: 'not a list', bogus: 1 });
    expect([...managed].sort()).toEqual(['neverRetry', 'notify']);
    show({ ...DEFAULT_SETTINGS, notify: 'never' }, managed);
    for (const key of ['optionsNotifyEveryChange', 'optionsNotifyBackOnly', 'optionsNotifyNever'] as const) {
      expect(screen.getByRole<HTMLInputElement>('radio', { name: t(key) }).disabled).toBe(true);
    }
    expect(screen.getByRole<HTMLTextAreaElement>('textbox', { name: t('optionsNeverRetry') }).disabled).toBe(true);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: t('optionsNeverRetrySave') }).disabled).toBe(true);
    expect(screen.getByRole<HTMLInputElement>('spinbutton', { name: t('optionsRetries') }).disabled).toBe(false);
    expect(box(t('optionsAutoCheck')).disabled).toBe(false);
    expect(screen.getByTestId('managed-notify').textContent).toContain(t('optionsManaged'));
    expect(pageText()).toContain(t('optionsManagedNote'));
    cleanup();
    show(DEFAULT_SETTINGS);
    expect(pageText()).not.toContain('administrator');
  });

  it('locks the consent when policy decides it', () => {
    show({ ...DEFAULT_SETTINGS, statusAutoCheck: true }, managedFields({ statusAutoCheck: true }));
    expect(box(t('optionsAutoCheck')).disabled).toBe(true);
  });

  it('turning the consent on asks the browser first, then stores it and says "Saved"', async () => {
    const props = show(DEFAULT_SETTINGS);
    fireEvent.click(box(t('optionsAutoCheck')));
    expect(props.requestDataConsent).toHaveBeenCalledTimes(1);
    // The "yes" is stored with what it covers: the settings the page lists.
    await waitFor(() => expect(props.onChange).toHaveBeenCalledWith({ statusAutoCheck: true, statusConsentScope: consentScope(DEFAULT_SETTINGS) }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe(t('optionsSaved')));
  });

  it('an outdated consent is asked again by the same box, and the new "yes" covers what the page lists now', async () => {
    const props = show({ ...LOOPBACK, statusAutoCheck: true });
    fireEvent.click(box(t('optionsAutoCheck')));
    expect(props.requestDataConsent).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(props.onChange).toHaveBeenCalledWith({ statusAutoCheck: true, statusConsentScope: consentScope(LOOPBACK) }));
  });

  it('a refused consent stores nothing and says why, next to the box', async () => {
    const props = show(DEFAULT_SETTINGS, new Set(), { requestDataConsent: vi.fn(async () => false) });
    const autoCheck = box(t('optionsAutoCheck'));
    fireEvent.click(autoCheck);
    await waitFor(() => expect(document.getElementById(autoCheck.getAttribute('aria-describedby') ?? '')?.textContent).toBe(t('consentDenied')));
    expect(props.onChange).not.toHaveBeenCalled();
  });
});

describe('custom endpoint form', () => {
  const template = () => screen.getByRole<HTMLInputElement>('textbox', { name: t('optionsCustomTemplate') });

  it('an invalid template shows an error tied to the field, and stores nothing', () => {
    const props = show(DEFAULT_SETTINGS);
    fireEvent.input(template(), { target: { value: 'ftp://kuma.example/{host}' } });
    fireEvent.click(screen.getByRole('button', { name: t('optionsCustomSave') }));
    const error = screen.getByRole('alert');
    expect(error.textContent).toMatch(/^This is not a usable address/);
    expect(template().getAttribute('aria-invalid')).toBe('true');
    expect(template().getAttribute('aria-describedby')?.split(' ')).toContain(error.id);
    expect(props.onChange).not.toHaveBeenCalled();
    // Typing again clears it.
    fireEvent.input(template(), { target: { value: 'https://kuma.example/{host}' } });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('a valid one asks for its host permission, then is saved with its switch on', async () => {
    const hostAccess = { contains: vi.fn(async () => false), request: vi.fn(async () => true) };
    const props = show(DEFAULT_SETTINGS, new Set(), { hostAccess });
    fireEvent.input(template(), { target: { value: 'https://kuma.example:8443/api/{host}' } });
    fireEvent.change(screen.getByRole('combobox', { name: t('optionsCustomFormat') }), { target: { value: 'gatus' } });
    fireEvent.click(screen.getByRole('button', { name: t('optionsCustomSave') }));
    expect(hostAccess.request).toHaveBeenCalledWith('https://kuma.example/*');
    await waitFor(() =>
      expect(props.onChange).toHaveBeenCalledWith({
        customEndpoint: { template: 'https://kuma.example:8443/api/{host}', format: 'gatus' },
        customEndpointDropped: null,
        statusProviders: { ...DEFAULT_SETTINGS.statusProviders, custom: true },
      }),
    );
  });

  it('Uptime Kuma takes the address of one status page, not a template', () => {
    const problem = (x: string) => {
      const r = readCustomEndpoint(x, 'uptime-kuma');
      return r.ok ? r.endpoint.template : r.problem;
    };
    expect(problem(' https://kuma.example/status/main ')).toBe('https://kuma.example/status/main');
    expect(problem('https://kuma.example:3001/api/status-page/heartbeat/main')).toBe('https://kuma.example:3001/api/status-page/heartbeat/main');
    expect(problem('https://kuma.example/api/status-page/heartbeat/{host}')).toBe('not-kuma-page');
    expect(problem('https://kuma.example/dashboard')).toBe('not-kuma-page');
    expect(t('optionsCustomNotKumaPage')).toContain('/status/main');
  });

  it('the field shows an example of the chosen kind', () => {
    show(DEFAULT_SETTINGS);
    expect(template().placeholder).toBe('https://status.example.org/status/main');
    fireEvent.change(screen.getByRole('combobox', { name: t('optionsCustomFormat') }), { target: { value: 'gatus' } });
    expect(template().placeholder).toBe('https://status.example.org/api/v1/endpoints/statuses');
  });

  it('an old Kuma template the settings update dropped is named in a note until a checker is saved or removed', async () => {
    const old = 'https://kuma.example/api/status-page/heartbeat/{host}';
    const props = show({ ...DEFAULT_SETTINGS, customEndpointDropped: old });
    expect(screen.getByTestId('custom-dropped').textContent).toBe(t('optionsCustomKumaDropped', [old]));
    fireEvent.click(screen.getByRole('button', { name: t('optionsCustomRemove') }));
    await waitFor(() =>
      expect(props.onChange).toHaveBeenCalledWith({
        customEndpoint: null,
        customEndpointDropped: null,
        statusProviders: { ...DEFAULT_SETTINGS.statusProviders, custom: false },
      }),
    );
  });

  it('accepts http(s) with {host} in the path, and rejects the rest with a reason', () => {
    expect(readCustomEndpoint('  https://kuma.example:8443/api/{host} ', 'gatus')).toEqual({
      ok: true,
      endpoint: { template: 'https://kuma.example:8443/api/{host}', format: 'gatus' },
      origin: 'https://kuma.example:8443',
      pattern: 'https://kuma.example/*',
    });
    const problem = (x: string) => {
      const r = readCustomEndpoint(x, 'gatus');
      return r.ok ? 'ok' : r.problem;
    };
    expect(problem('https://kuma.example/api/{host}')).toBe('ok');
    expect(problem('')).toBe('empty');
    expect(problem('kuma.example/{host}')).toBe('invalid');
    expect(problem('javascript:alert(1)')).toBe('invalid');
    expect(problem('https://user:pw@kuma.example/{host}')).toBe('invalid');
    expect(problem(`https://kuma.example/${'a'.repeat(MAX_ENDPOINT_LENGTH)}`)).toBe('too-long');
    expect(problem('https://{host}.kuma.example/')).toBe('placeholder-in-host');
    // Plain http only to this machine (a local checker), by the same schema the settings are read with.
    expect(problem('http://kuma.example/api/{host}')).toBe('invalid');
    expect(problem('http://127.0.0.1:3001/api/{host}')).toBe('ok');
    expect(problem('http://localhost:3001/api/{host}')).toBe('ok');
  });
});

describe('recovery fields', () => {
  it('a number is stored when the field is left; an invalid one is said beside it and not stored', async () => {
    const props = show(DEFAULT_SETTINGS);
    const retries = screen.getByRole<HTMLInputElement>('spinbutton', { name: t('optionsRetries') });
    fireEvent.input(retries, { target: { value: '21' } });
    fireEvent.change(retries);
    expect(screen.getByRole('alert').textContent).toBe(t('optionsRetriesInvalid'));
    expect(retries.getAttribute('aria-invalid')).toBe('true');
    expect(props.onChange).not.toHaveBeenCalled();
    fireEvent.input(retries, { target: { value: '2' } });
    fireEvent.change(retries);
    expect(screen.queryByRole('alert')).toBeNull();
    await waitFor(() => expect(props.onChange).toHaveBeenCalledWith({ maxVisibleRetries: 2 }));
    expect(retries.min).toBe('0');
    expect(retries.max).toBe(String(MAX_VISIBLE_RETRIES));
  });

  it('a code switched off keeps the others; the never-retry list is stored by its button', async () => {
    const props = show(DEFAULT_SETTINGS);
    fireEvent.click(box('503 Service Unavailable'));
    await waitFor(() => expect(props.onChange).toHaveBeenCalledWith({ codes: [502, 504, 520, 521, 522, 523, 524] }));
    const list = screen.getByRole('textbox', { name: t('optionsNeverRetry') });
    fireEvent.input(list, { target: { value: 'not a host\nok.example' } });
    fireEvent.click(screen.getByRole('button', { name: t('optionsNeverRetrySave') }));
    expect(screen.getByRole('alert').textContent).toBe(t('optionsNeverRetryInvalid', ['not a host']));
    fireEvent.input(list, { target: { value: 'ok.example' } });
    fireEvent.click(screen.getByRole('button', { name: t('optionsNeverRetrySave') }));
    await waitFor(() => expect(props.onChange).toHaveBeenCalledWith({ neverRetry: ['ok.example'] }));
  });

  it('the never-send list is shown as stored, checked as typed, and stored by its own button', async () => {
    const props = show({ ...DEFAULT_SETTINGS, neverSend: ['corp.example'] });
    const list = screen.getByRole<HTMLTextAreaElement>('textbox', { name: t('optionsNeverSend') });
    expect(list.value).toBe('corp.example');
    expect(document.getElementById(list.getAttribute('aria-describedby')!)?.textContent).toBe(t('optionsNeverSendHelp'));
    fireEvent.input(list, { target: { value: 'https://Intranet.Example.org/wiki\n*.example.net' } });
    fireEvent.click(screen.getByRole('button', { name: t('optionsNeverSendSave') }));
    expect(screen.getByRole('alert').textContent).toBe(t('optionsNeverSendInvalid', ['*.example.net']));
    expect(list.getAttribute('aria-invalid')).toBe('true');
    expect(props.onChange).not.toHaveBeenCalled();
    fireEvent.input(list, { target: { value: 'https://Intranet.Example.org/wiki\ncorp.example' } });
    fireEvent.click(screen.getByRole('button', { name: t('optionsNeverSendSave') }));
    await waitFor(() => expect(props.onChange).toHaveBeenCalledWith({ neverSend: ['intranet.example.org', 'corp.example'] }));
  });

  it('an administrator\'s never-send list is shown locked', () => {
    show({ ...DEFAULT_SETTINGS, neverSend: ['corp.example'] }, new Set(['neverSend']));
    expect(screen.getByRole<HTMLTextAreaElement>('textbox', { name: t('optionsNeverSend') }).disabled).toBe(true);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: t('optionsNeverSendSave') }).disabled).toBe(true);
    expect(screen.getByTestId('managed-neverSend')).toBeTruthy();
  });

  it('a refused write is said in the live region', async () => {
    show(DEFAULT_SETTINGS, new Set(), { onChange: vi.fn(async () => Promise.reject(new Error('QUOTA_BYTES quota exceeded'))) });
    fireEvent.click(screen.getByRole('radio', { name: t('optionsNotifyBackOnly') }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe(t('optionsSaveFailed', ['QUOTA_BYTES quota exceeded'])));
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

  it('keeps each host list to its schema limit', () => {
    const many = Array.from({ length: MAX_NEVER_SEND_HOSTS + 1 }, (_, i) => `h${i}.example`).join('\n');
    const read = readHostList(many, 'neverSend');
    expect(read.hosts).toHaveLength(MAX_NEVER_SEND_HOSTS);
    expect(read.invalid).toEqual([`h${MAX_NEVER_SEND_HOSTS}.example`]);
  });

  it('reads retries from 0 to 20 only', () => {
    expect(readNumberSetting('maxVisibleRetries', '0')).toBe(0);
    expect(readNumberSetting('maxVisibleRetries', ' 20 ')).toBe(20);
    for (const bad of ['21', '-1', '2.5', '', 'five']) expect(readNumberSetting('maxVisibleRetries', bad)).toBeNull();
  });

  it('toggles a code and keeps codes the page does not offer', () => {
    expect(toggleCode([500, 502, 504], 503, true)).toEqual([500, 502, 503, 504]);
    expect(toggleCode([500, 502, 504], 502, false)).toEqual([500, 504]);
  });

  it('offers only codes the settings schema keeps, and its messages state the schema\'s limits', () => {
    expect(v.is(SETTINGS_FIELDS.codes, OFFERED_CODES)).toBe(true);
    for (const key of ['optionsRetriesHelp', 'optionsRetriesInvalid']) expect(t(key)).toContain(String(MAX_VISIBLE_RETRIES));
    for (const key of ['optionsHistoryRetentionHelp', 'optionsHistoryRetentionInvalid']) expect(t(key)).toContain(String(MAX_HISTORY_RETENTION_DAYS));
    expect(t('optionsCustomTooLong')).toContain(String(MAX_ENDPOINT_LENGTH));
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
    const a = fakeStorage({ version: 1, notify: 'never' }, { maxVisibleRetries: 2 });
    const loaded = await createSettingsStore({ storage: a.storage, hasDataConsent: async () => true }).load();
    expect(loaded.settings.notify).toBe('never');
    expect(loaded.settings.maxVisibleRetries).toBe(2);
    expect([...loaded.managed]).toEqual(['maxVisibleRetries']);
    const b = fakeStorage({}, new Error('Managed storage manifest not found'));
    expect((await createSettingsStore({ storage: b.storage, hasDataConsent: async () => true }).load()).managed.size).toBe(0);
  });

  it('writes only the changed fields, with the version', async () => {
    const a = fakeStorage({}, {});
    await createSettingsStore({ storage: a.storage, hasDataConsent: async () => true }).save({ notify: 'never' });
    expect(a.set).toHaveBeenCalledWith({ notify: 'never', version: SETTINGS_VERSION });
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

  it('an administrator\'s "yes" stays "yes" without the browser\'s data consent, and nothing is stored', async () => {
    const a = fakeStorage({ version: 1 }, { statusAutoCheck: true });
    const loaded = await createSettingsStore({ storage: a.storage, hasDataConsent: async () => false }).load();
    expect(loaded.settings.statusAutoCheck).toBe(true);
    expect(a.setLocal).not.toHaveBeenCalled();
  });

  it('keeps the consent on this device: it goes to storage.local, everything else to storage.sync', async () => {
    const a = fakeStorage({}, {});
    await createSettingsStore({ storage: a.storage, hasDataConsent: async () => true }).save({ statusAutoCheck: true, notify: 'never' });
    expect(a.setLocal).toHaveBeenCalledWith({ statusAutoCheck: true });
    expect(a.set).toHaveBeenCalledWith({ notify: 'never', version: SETTINGS_VERSION });
    // A "yes" synced from another machine is not consent here.
    const b = fakeStorage({ version: 1, statusAutoCheck: true }, {});
    expect((await createSettingsStore({ storage: b.storage, hasDataConsent: async () => true }).load()).settings.statusAutoCheck).toBe(false);
  });
});
