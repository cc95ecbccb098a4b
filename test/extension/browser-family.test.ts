/** The one browser flag, and the Firefox-only data consent that reads it. */
import { afterEach, describe, expect, it, vi } from 'vitest';

const request = vi.fn(async () => true);
const contains = vi.fn(async () => false);
// The English messages, as the browser serves them.
const getMessage = vi.fn((key: string, subs?: string[]) => realGetMessage(key, subs));
vi.mock('webextension-polyfill', () => ({ default: { permissions: { request, contains }, i18n: { getMessage } } }));

const { getMessage: realGetMessage } = await import('../locale');
const { browserFamily, isFirefox } = await import('../../extension/shared/browser-family');
const { t } = await import('../../extension/shared/i18n');
const { hasDataConsent, requestDataConsent } = await import('../../extension/shared/data-consent');

afterEach(() => {
  vi.unstubAllGlobals();
  request.mockClear();
  contains.mockClear();
});

describe('browser family', () => {
  it('is Chrome unless the build (or a test) says Firefox', () => {
    expect(isFirefox()).toBe(false);
    vi.stubGlobal('__BROWSER__', 'firefox');
    expect(isFirefox()).toBe(true);
  });

  it('names itself as src does: chromium or firefox', () => {
    expect(browserFamily()).toBe('chromium');
    vi.stubGlobal('__BROWSER__', 'firefox');
    expect(browserFamily()).toBe('firefox');
  });

  it("the i18n lookup names a private window in the browser's own word", () => {
    expect(t('guidePrivateOpened')).toBe('Opened in an Incognito window.');
    expect(t('guidePrivateFailed', ['denied'])).toBe('The Incognito window could not be opened: denied');
    expect(t('guideRefreshTitle')).toBe(realGetMessage('guideRefreshTitle'));
    vi.stubGlobal('__BROWSER__', 'firefox');
    expect(t('guidePrivateOpened')).toBe('Opened in a private window.');
  });

  it('Chrome has no data consent to ask for: granted, and the browser is not asked', async () => {
    expect(await requestDataConsent()).toBe(true);
    expect(await hasDataConsent()).toBe(true);
    expect(request).not.toHaveBeenCalled();
    expect(contains).not.toHaveBeenCalled();
  });

  it("Firefox asks the browser for its built-in consent", async () => {
    vi.stubGlobal('__BROWSER__', 'firefox');
    expect(await requestDataConsent()).toBe(true);
    expect(request).toHaveBeenCalledWith({ data_collection: ['browsingActivity'] });
    expect(await hasDataConsent()).toBe(false);
  });
});
