/**
 * Settings as the options and onboarding pages see them: the user's values from `storage.sync` (and this device's
 * own, the consent to status checks, from `storage.local`), an administrator's
 * from `storage.managed` (which win, and which the pages show but do not let the user change), and a write that
 * stores only the fields the user changed. No runtime import of the browser: the pages pass `browser.storage` in, and
 * tests a fake.
 */
import type { MessageKey } from '../../src/shared/text';
import type { Storage } from 'webextension-polyfill';
import { DEFAULT_SETTINGS, DEVICE_FIELDS, loadSettings, SETTINGS_VERSION, splitByArea, type Settings } from '../../src/settings/settings';

/** A setting the user can change (every field but `version`). */
export type SettingKey = Exclude<keyof Settings, 'version'>;

/** The fields one change writes. */
export type SettingsPatch = Partial<Pick<Settings, SettingKey>>;

export interface PageSettings {
  readonly settings: Settings;
  /** Fields an administrator set through policy: shown disabled. */
  readonly managed: ReadonlySet<SettingKey>;
}

/** What every settings page (options, onboarding) is rendered from. */
export interface SettingsPageProps extends PageSettings {
  /** An i18n lookup: `browser.i18n` in the extension, the English messages in tests. */
  readonly t: (key: MessageKey, subs?: readonly string[]) => string;
  /** Stores the changed fields; rejects when the browser refused to store them. */
  readonly onChange: (patch: SettingsPatch) => Promise<void>;
  /** The browser's data consent (Firefox), asked when automatic checks are turned on; see `data-consent.ts`. */
  readonly requestDataConsent: () => Promise<boolean>;
}

export interface SettingsStore {
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
}

export function createSettingsStore(deps: SettingsStoreDeps): SettingsStore {
  const { storage } = deps;
  return {
    async load() {
      const [stored, device, managedRaw] = await Promise.all([
        storage.sync.get(null),
        storage.local.get([...DEVICE_FIELDS]),
        // Firefox rejects storage.managed when no policy (and no native manifest) exists: that just means "none".
        storage.managed.get(null).catch(() => ({})),
      ]);
      const { settings, warnings } = loadSettings(stored, managedRaw, device);
      for (const w of warnings) console.warn(w);
      const managed = managedFields(managedRaw);
      // Firefox lets the user withdraw the data consent in its add-ons manager, without telling the extension: a
      // stored "yes" without the permission is no longer a yes, so the page shows, and stores, "no".
      if (settings.statusAutoCheck && !managed.has('statusAutoCheck') && !(await deps.hasDataConsent())) {
        await storage.local.set({ statusAutoCheck: false }).catch(() => undefined);
        return { settings: { ...settings, statusAutoCheck: false }, managed };
      }
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
 * Which fields a policy object sets validly. An invalid policy field is ignored by {@link loadSettings}, so it must
 * not lock the user's own value either.
 *
 * @param managed - what `storage.managed.get()` returned (any shape)
 */
export function managedFields(managed: unknown): ReadonlySet<SettingKey> {
  const out = new Set<SettingKey>();
  if (managed === null || typeof managed !== 'object' || Array.isArray(managed)) return out;
  for (const [key, value] of Object.entries(managed)) {
    if (key === 'version' || !(key in DEFAULT_SETTINGS)) continue;
    if (loadSettings(undefined, { [key]: value }).warnings.length === 0) out.add(key as SettingKey);
  }
  return out;
}
