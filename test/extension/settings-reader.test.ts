/**
 * The one settings reader over a hand-made storage: what it caches, how long it waits for `storage.managed`, and
 * when it asks for the browser's data consent.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSettingsReader } from '../../extension/shared/settings-reader';

afterEach(() => vi.useRealTimers());

function fakeStorage(areas: { sync?: Record<string, unknown>; local?: Record<string, unknown>; managed?: () => Promise<Record<string, unknown>> }) {
  const calls = { sync: 0, managed: 0 };
  return {
    calls,
    storage: {
      sync: {
        get: async () => {
          calls.sync++;
          return { ...areas.sync };
        },
      },
      local: { get: async () => ({ ...areas.local }) },
      managed: {
        get: () => {
          calls.managed++;
          return areas.managed?.() ?? Promise.resolve({});
        },
      },
    } as never,
  };
}

const silent = { warn: vi.fn() };

describe('settings reader', () => {
  it('keeps what it read until invalidate(), then reads every area again', async () => {
    const sync: Record<string, unknown> = { version: 1, maxVisibleRetries: 3 };
    const f = fakeStorage({ sync });
    const reader = createSettingsReader({ storage: f.storage, hasDataConsent: async () => true, log: silent });
    expect((await reader.get()).maxVisibleRetries).toBe(3);
    sync.maxVisibleRetries = 9;
    expect((await reader.get()).maxVisibleRetries).toBe(3);
    expect(f.calls).toEqual({ sync: 1, managed: 1 });
    reader.invalidate();
    expect((await reader.get()).maxVisibleRetries).toBe(9);
    expect(f.calls).toEqual({ sync: 2, managed: 2 });
  });

  it('waits at most managedWaitMs for storage.managed, and has the late values at the next read', async () => {
    vi.useFakeTimers();
    let answer: (x: Record<string, unknown>) => void = () => {};
    const f = fakeStorage({ sync: { version: 1, notify: 'every-change' }, managed: () => new Promise((resolve) => (answer = resolve)) });
    const reader = createSettingsReader({ storage: f.storage, hasDataConsent: async () => true, log: silent, managedWaitMs: 200 });
    const first = reader.read();
    await vi.advanceTimersByTimeAsync(200);
    const early = await first;
    expect(early.settings.notify).toBe('every-change');
    expect(early.managed.size).toBe(0);
    answer({ notify: 'never' });
    await vi.advanceTimersByTimeAsync(0);
    const late = await reader.read();
    expect(late.settings.notify).toBe('never');
    expect([...late.managed]).toEqual(['notify']);
    // The late answer is kept: not asked for again.
    expect(f.calls.managed).toBe(1);
  });

  it('without managedWaitMs (the pages), waits for storage.managed however long it takes', async () => {
    vi.useFakeTimers();
    const f = fakeStorage({ managed: () => new Promise((resolve) => setTimeout(() => resolve({ maxVisibleRetries: 1 }), 3_000)) });
    const reader = createSettingsReader({ storage: f.storage, hasDataConsent: async () => true, log: silent });
    const read = reader.read();
    await vi.advanceTimersByTimeAsync(3_000);
    expect((await read).settings.maxVisibleRetries).toBe(1);
  });

  it('an unreadable area counts as empty, with a warning; a rejected storage.managed (no policy) silently so', async () => {
    const log = { warn: vi.fn() };
    const storage = {
      sync: { get: async () => Promise.reject(new Error('sync is off')) },
      local: { get: async () => ({ statusAutoCheck: false }) },
      managed: { get: async () => Promise.reject(new Error('Managed storage manifest not found')) },
    } as never;
    const read = await createSettingsReader({ storage, hasDataConsent: async () => true, log }).read();
    expect(read.settings.maxVisibleRetries).toBeGreaterThan(0);
    expect(read.managed.size).toBe(0);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(String(log.warn.mock.calls[0]![0])).toContain('storage.sync');
  });

  it('forRecovery asks the browser nothing and never hands out an unverified "yes"', async () => {
    const hasDataConsent = vi.fn(async () => true);
    const reader = createSettingsReader({ storage: fakeStorage({ local: { statusAutoCheck: true }, sync: { maxVisibleRetries: 3 } }).storage, hasDataConsent, log: silent });
    const s = await reader.forRecovery();
    expect(s.maxVisibleRetries).toBe(3);
    expect(s.statusAutoCheck).toBe(false);
    expect(hasDataConsent).not.toHaveBeenCalled();
  });

  it('asks for the data consent on every read of a user\'s "yes", never for a "no" or an administrator\'s value', async () => {
    let consent = true;
    const hasDataConsent = vi.fn(async () => consent);
    const user = createSettingsReader({ storage: fakeStorage({ local: { statusAutoCheck: true } }).storage, hasDataConsent, log: silent });
    expect(await user.read()).toMatchObject({ settings: { statusAutoCheck: true }, consentWithdrawn: false });
    // Withdrawn in Firefox's add-ons manager: no storage event, yet the next read knows.
    consent = false;
    expect(await user.read()).toMatchObject({ settings: { statusAutoCheck: false }, consentWithdrawn: true });
    expect(hasDataConsent).toHaveBeenCalledTimes(2);

    hasDataConsent.mockClear();
    const no = createSettingsReader({ storage: fakeStorage({ local: { statusAutoCheck: false } }).storage, hasDataConsent, log: silent });
    expect((await no.read()).consentWithdrawn).toBe(false);
    const admin = createSettingsReader({ storage: fakeStorage({ managed: async () => ({ statusAutoCheck: true }) }).storage, hasDataConsent, log: silent });
    expect(await admin.read()).toMatchObject({ settings: { statusAutoCheck: true }, consentWithdrawn: false });
    expect(hasDataConsent).not.toHaveBeenCalled();
  });
});
