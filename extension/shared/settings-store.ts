/**
 * Settings as the options and onboarding pages see them, read by the one {@link createSettingsReader} the background
 * uses too, and a write that stores only the fields the user changed. No runtime import of the browser: the pages
 * pass `browser.storage` in, and tests a fake.
 */
import type { Translate } from '../../src/shared/text';
import type { Storage } from 'webextension-polyfill';
import { policyFields, SETTINGS_VERSION, splitByArea, type SettingKey, type Settings } from '../../src/settings/settings';
import { createSettingsReader, type PageSettings } from './settings-reader';

export type { PageSettings } from './settings-reader';
export type { SettingKey } from '../../src/settings/settings';

/** The fields one change writes. */
export type SettingsPatch = Partial<Pick<Settings, SettingKey>>;

/** What every settings page (options, onboarding) is rendered from. */
export interface SettingsPageProps extends PageSettings {
  /** An i18n lookup: `browser.i18n` in the extension, the English messages in tests. */
  readonly t: Translate;
  /** Stores the changed fields; rejects when the browser refused to store them. */
  readonly onChange: (patch: SettingsPatch) => Promise<void>;
  /** The browser's data consent (Firefox), asked when automatic checks are turned on; see `data-consent.ts`. */
  readonly requestDataConsent: () => Promise<boolean>;
}

export interface SettingsStore {
  /** Reads the settings afresh (never from a cache: the page calls it after a change elsewhere or a refused write). */
  load(): Promise<PageSettings>;
  /** Writes `patch` (and the schema version) to `storage.sync`; rejects when the browser refuses (quota, sync off). */
  save(patch: SettingsPatch): Promise<void>;
  /** Calls `listener` when stored or managed settings change, e.g. from another page. Returns the unsubscribe. */
  watch(listener: () => void): () => void;
}

export interface SettingsStoreDeps {
  readonly storage: Pick<Storage.Static, 'sync' | 'local' | 'managed' | 'onChanged'>;
  /** Whether the browser still holds the data consent (see `data-consent.ts`). */
  readonly hasDataConsent: () => Promise<boolean>;
  /** Where unreadable or invalid stored values are reported; the console when absent. */
  readonly log?: Pick<Console, 'warn'>;
}

export function createSettingsStore(deps: SettingsStoreDeps): SettingsStore {
  const { storage } = deps;
  const reader = createSettingsReader({ storage, hasDataConsent: deps.hasDataConsent, log: deps.log ?? console });
  return {
    async load() {
      reader.invalidate();
      const { settings, managed, consentWithdrawn } = await reader.read();
      // The page shows "no", and stores it, so the user's choice reads the same everywhere from now on.
      if (consentWithdrawn) await storage.local.set({ statusAutoCheck: false }).catch(() => undefined);
      return { settings, managed };
    },
    async save(patch) {
      const { sync, local } = splitByArea(patch);
      await Promise.all([
        Object.keys(sync).length > 0 ? storage.sync.set({ ...sync, version: SETTINGS_VERSION }) : undefined,
        Object.keys(local).length > 0 ? storage.local.set(local) : undefined,
      ]);
    },
    watch(listener) {
      const onChanged = (_changes: unknown, area: string) => {
        if (area === 'sync' || area === 'managed' || area === 'local') listener();
      };
      storage.onChanged.addListener(onChanged);
      return () => storage.onChanged.removeListener(onChanged);
    },
  };
}

/**
 * Which fields a policy object sets validly (see {@link policyFields}).
 *
 * @param managed - what `storage.managed.get()` returned (any shape)
 */
export const managedFields: (managed: unknown) => ReadonlySet<SettingKey> = policyFields;
