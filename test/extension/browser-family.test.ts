/** The one browser flag, and the Firefox-only data consent that reads it. */
import { afterEach, describe, expect, it, vi } from 'vitest';

const request = vi.fn(async () => true);
const contains = vi.fn(async () => false);
vi.mock('webextension-polyfill', () => ({ default: { permissions: { request, contains } } }));

const { isFirefox } = await import('../../extension/shared/browser-family');
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
