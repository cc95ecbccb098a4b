/**
 * The options page's link to the history, which the background keeps. Read and cleared through the typed messages
 * (`getHistory`, `clearHistory`) rather than `storage.local` directly: the background is then the only writer, and
 * its one-at-a-time queue orders a clear against an incident being recorded at that moment (a page writing the key
 * itself could have its clear undone by a record that had read the list before it). No runtime import of the
 * browser: the page passes `runtime.sendMessage` and `storage.onChanged` in.
 */
import { HISTORY_KEY, type HistoryEntry } from '../../src/history/history';
import { createMessageClient } from '../shared/message-client';

export interface HistoryClient {
  /** The entries within the retention setting, newest first; rejects when the background could not read them. */
  list(): Promise<HistoryEntry[]>;
  /** Deletes every entry; rejects when it did not work. */
  clear(): Promise<void>;
  /** Calls `listener` when the history or its retention setting changed. Returns the unsubscribe. */
  watch(listener: () => void): () => void;
}

/** The `storage.onChanged` event, as both browsers give it. */
export interface StorageChanges {
  addListener(fn: (changes: Record<string, unknown>, area: string) => void): void;
  removeListener(fn: (changes: Record<string, unknown>, area: string) => void): void;
}

export interface HistoryClientDeps {
  readonly sendMessage: (message: unknown) => Promise<unknown>;
  readonly onChanged: StorageChanges;
}

export function createHistoryClient(deps: HistoryClientDeps): HistoryClient {
  const client = createMessageClient(deps.sendMessage);
  return {
    async list() {
      const { entries } = await client.request('getHistory', {});
      if (!Array.isArray(entries)) throw new Error('getHistory: no entries in the answer');
      return entries;
    },
    async clear() {
      const { ok } = await client.request('clearHistory', {});
      if (!ok) throw new Error('clearHistory: not cleared');
    },
    watch(listener) {
      const onChanged = (changes: Record<string, unknown>, area: string) => {
        // A new retention setting: asking again makes the background drop what fell out of it, from storage too.
        if ((area === 'local' && HISTORY_KEY in changes) || ((area === 'sync' || area === 'managed') && 'historyRetentionDays' in changes)) listener();
      };
      deps.onChanged.addListener(onChanged);
      return () => deps.onChanged.removeListener(onChanged);
    },
  };
}
