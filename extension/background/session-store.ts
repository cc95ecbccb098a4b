/** What the background keeps in `storage.session`: kept while the browser runs, gone when it closes, out of reach of pages. */
import browser from 'webextension-polyfill';
import type { RecoveryState } from '../../src/recovery/incident-machine';
import { parseStoredState, type StateStore } from './recovery-service';

const STATE_KEY = 'recovery';

/** One key of `storage.session`. What is read back goes through `parse`, since another version of the extension may have written it. */
export function createSessionStore<T>(key: string, parse: (raw: unknown) => T): { load(): Promise<T>; save(value: T): Promise<void> } {
  return {
    async load() {
      const got = await browser.storage.session.get(key);
      return parse(got[key]);
    },
    async save(value: T) {
      await browser.storage.session.set({ [key]: value });
    },
  };
}

/** Recovery state in `storage.session`. */
export function createSessionStateStore(log: Pick<Console, 'warn'>): StateStore {
  return createSessionStore<RecoveryState>(STATE_KEY, (raw) => parseStoredState(raw, log));
}
