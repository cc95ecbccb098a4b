/** The pin state as each browser reports it, and never "pinned" without the browser saying so. */
import { describe, expect, it, vi } from 'vitest';
import { readPinState } from '../../extension/shared/toolbar-pin';

vi.mock('webextension-polyfill', () => ({ default: {} }));

describe('readPinState', () => {
  it('reads isOnToolbar: true and false', async () => {
    expect(await readPinState({ getUserSettings: async () => ({ isOnToolbar: true }) })).toBe('pinned');
    expect(await readPinState({ getUserSettings: async () => ({ isOnToolbar: false }) })).toBe('unpinned');
  });

  it('is unknown without the API, with an empty answer (Firefox for Android), or on a refusal', async () => {
    expect(await readPinState(undefined)).toBe('unknown');
    expect(await readPinState({})).toBe('unknown');
    expect(await readPinState({ getUserSettings: async () => ({}) })).toBe('unknown');
    expect(await readPinState({ getUserSettings: async () => Promise.reject(new Error('no')) })).toBe('unknown');
  });
});
