/** The background's settings: the one reader the pages use too (`extension/shared/settings-reader.ts`). */
import browser from 'webextension-polyfill';
import { hasDataConsent } from '../shared/data-consent';
import { createSettingsReader, type SettingsReader } from '../shared/settings-reader';

/**
 * Longest wait for `storage.managed` before reading settings without it, ms: Chromium's first answer of a session took
 * 2.9 s here, which would delay noticing the first gateway error by as much. A late answer is kept for the next read.
 */
const MANAGED_WAIT_MS = 200;

/** Cached until `invalidate()` (a storage area changed). */
export function createSettingsSource(log: Pick<Console, 'warn'>): SettingsReader {
  return createSettingsReader({ storage: browser.storage, hasDataConsent, log, managedWaitMs: MANAGED_WAIT_MS });
}
