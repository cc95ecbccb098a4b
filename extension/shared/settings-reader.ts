/**
 * The one reader of settings, for the background and the settings pages alike, so both see the same values: the
 * user's from `storage.sync` (and this device's own from `storage.local`: the consent to status checks, what it
 * covered, and the endpoint overrides that tests and developers set there, never read from sync), an administrator's
 * from `storage.managed` on top, and one rule for the browser's data consent (Firefox):
 *
 * - an administrator's value for `statusAutoCheck` is the organisation's decision and is honoured as it is;
 * - the user's own stored "yes" without the browser's data consent reads as "no" (Firefox lets the user withdraw it
 *   in its add-ons manager without telling the extension).
 *
 * Whether a "yes" still covers what is configured is `consentStatus` (`src/settings/consent.ts`), applied where a
 * site's address would leave: the status checker and the archive lookup.
 *
 * No runtime import of the browser: callers pass `browser.storage` in, tests a fake.
 */
import type { Storage } from 'webextension-polyfill';
import { DEVICE_FIELDS, loadSettings, policyFields, type SettingKey, type Settings } from '../../src/settings/settings';

/** Settings with the fields an administrator set. */
export interface PageSettings {
  readonly settings: Settings;
  /** Fields an administrator set through policy: they win, and the pages show them disabled. */
  readonly managed: ReadonlySet<SettingKey>;
}

/** What one read gives. */
export interface ReadSettings extends PageSettings {
  /** The user's stored "yes" to automatic checks was read as "no", because the browser no longer holds the consent. */
  readonly consentWithdrawn: boolean;
}

export interface SettingsReaderDeps {
  readonly storage: Pick<Storage.Static, 'sync' | 'local' | 'managed'>;
  /** Whether the browser holds the data consent (see `data-consent.ts`); asked only when the answer matters. */
  readonly hasDataConsent: () => Promise<boolean>;
  readonly log: Pick<Console, 'warn'>;
  /**
   * Longest wait for `storage.managed`, ms; absent: as long as it takes. When the answer comes later the reader goes
   * on without the administrator's values and drops its cache once they arrive, so the next read has them.
   */
  readonly managedWaitMs?: number;
}

export interface SettingsReader {
  /** The settings and the managed fields, the consent rule applied. Never rejects (an unreadable area counts as empty). */
  read(): Promise<ReadSettings>;
  /**
   * The stored settings without the consent rule, for readers that never send anything anywhere (recovery, on every
   * main-frame completion): it asks the browser nothing. `statusAutoCheck` is always false here, so no one can act on
   * an unverified "yes".
   */
  forRecovery(): Promise<Settings>;
  /** {@link read}'s settings alone. */
  get(): Promise<Settings>;
  /** Forgets what was read from storage: call it when a storage area changed. */
  invalidate(): void;
}

/**
 * Creates a reader that keeps what it read from storage until {@link SettingsReader.invalidate}. The data consent is
 * asked afresh on every read, since its withdrawal sends no storage event.
 */
export function createSettingsReader(deps: SettingsReaderDeps): SettingsReader {
  const { storage, log } = deps;
  let cached: Promise<PageSettings> | null = null;
  let managedRead: Promise<Record<string, unknown>> | null = null;

  const readArea = (area: string, got: Promise<Record<string, unknown>>) =>
    got.catch((err: unknown) => {
      log.warn(`settings: storage.${area} is unreadable; reading it as empty`, err);
      return {};
    });

  async function readStored(): Promise<PageSettings> {
    const [stored, device, managed] = await Promise.all([
      readArea('sync', storage.sync.get(null)),
      readArea('local', storage.local.get([...DEVICE_FIELDS])),
      readManaged(),
    ]);
    const { settings, warnings } = loadSettings(stored, managed, device);
    for (const w of warnings) log.warn(w);
    return { settings, managed: policyFields(managed) };
  }

  /**
   * Firefox rejects `storage.managed` when no policy (and no native manifest) exists: that just means "none".
   * Chromium's first `storage.managed.get` of a browser session took 2.9 s on Linux without any policy (measured
   * here), which would delay the background noticing the first gateway error by as much: it waits at most
   * `managedWaitMs`.
   */
  function readManaged(): Promise<Record<string, unknown>> {
    // Kept until invalidate(): after a late answer the next read has it at once.
    const pending = (managedRead ??= storage.managed.get(null).catch(() => ({})));
    if (deps.managedWaitMs === undefined) return pending;
    const late = new Promise<null>((resolve) => setTimeout(() => resolve(null), deps.managedWaitMs));
    return Promise.race([pending, late]).then((got) => {
      if (got !== null) return got;
      void pending.then(() => (cached = null));
      return {};
    });
  }

  async function withConsentRule(read: PageSettings): Promise<ReadSettings> {
    const usersYes = read.settings.statusAutoCheck && !read.managed.has('statusAutoCheck');
    if (!usersYes || (await deps.hasDataConsent().catch(() => false))) return { ...read, consentWithdrawn: false };
    return { settings: { ...read.settings, statusAutoCheck: false }, managed: read.managed, consentWithdrawn: true };
  }

  const read = async (): Promise<ReadSettings> => {
    cached ??= readStored();
    return withConsentRule(await cached);
  };
  return {
    read,
    forRecovery: async () => {
      cached ??= readStored();
      return { ...(await cached).settings, statusAutoCheck: false };
    },
    get: async () => (await read()).settings,
    invalidate() {
      cached = null;
      managedRead = null;
    },
  };
}
