/**
 * The popup's controls, background side: the global pause of retries and "Never retry this site" (issue 14, point 5).
 * Both are stored settings (`pausedUntil` on this device, `neverRetry` synced); what they mean lives in `src`
 * (`src/recovery/pause.ts`, `src/recovery/never-retry.ts`), and the incident machine and the status checker apply
 * them. This file writes them and tells the recovery service at once, so a change does not wait for the next step.
 * No runtime import of the browser: the entry passes it in, and tests a fake.
 */
import type { Storage } from 'webextension-polyfill';
import type { ProtocolMap, Response } from '../../src/messages';
import { withNeverRetry, withoutNeverRetry } from '../../src/recovery/never-retry';
import { pauseEnd, type UtcOffsetAt } from '../../src/recovery/pause';
import { MAX_NEVER_RETRY_HOSTS, SETTINGS_VERSION } from '../../src/settings/settings';
import { parsePageAddress } from '../../src/shared/page-address';
import { buildControlsView, type ControlsView } from '../../src/view/controls-view';
import type { SettingsReader } from '../shared/settings-reader';
import type { RecoveryService, TabState } from './recovery-service';

export interface ControlsDeps {
  readonly storage: Pick<Storage.Static, 'sync' | 'local'>;
  readonly settings: Pick<SettingsReader, 'read' | 'invalidate'>;
  readonly service: Pick<RecoveryService, 'dispatch' | 'tabView' | 'activeIncidents'>;
  /** Runs whatever is due now, and the automatic checks left to make (the background's `wake`). */
  readonly wake: () => Promise<void>;
  /** Epoch ms. */
  readonly now: () => number;
  /** The local time zone (see `UtcOffsetAt`); in the browser `(ms) => -new Date(ms).getTimezoneOffset()`. */
  readonly offsetAt: UtcOffsetAt;
  /** The URL the tab shows, `undefined` when unknown; whether it is in a private window (true when unsure). */
  readonly tab: (tabId: number) => Promise<{ readonly url: string | undefined; readonly incognito: boolean }>;
  readonly log: Pick<Console, 'warn'>;
}

export type Controls = ReturnType<typeof createControls>;

export function createControls(deps: ControlsDeps) {
  /**
   * The site of the tab the popup is for: its incident's host, else its page's. `null` for no http(s) page, and for a
   * private window's tab: the list is kept in `storage.sync`, on disk and on the user's other machines, and nothing of a
   * private window may be written there (issue 15); the options page stays the place to list such a site on purpose.
   */
  async function siteOf(tabId: number, known?: TabState): Promise<{ host: string | null; tabIncident: boolean }> {
    const [state, tab] = await Promise.all([known ?? deps.service.tabView(tabId), deps.tab(tabId)]);
    const incident = state.incident?.incident;
    const tabIncident = incident !== undefined;
    if (tab.incognito || incident?.incognito === true) return { host: null, tabIncident };
    return { host: incident?.host ?? parsePageAddress(tab.url)?.host ?? null, tabIncident };
  }

  async function fresh() {
    // A page (the options) may have changed the settings a moment ago: read them again, not this worker's copy.
    deps.settings.invalidate();
    return deps.settings.read();
  }

  return {
    /**
     * The controls' view for the popup of `tabId`.
     *
     * @param known - what recovery knows of the tab, when the caller has read it already
     */
    async view(tabId: number, known?: TabState): Promise<ControlsView> {
      const [{ settings, managed }, site, active] = await Promise.all([deps.settings.read(), siteOf(tabId, known), deps.service.activeIncidents()]);
      return buildControlsView({
        now: deps.now(),
        offsetAt: deps.offsetAt,
        settings,
        neverRetryManaged: managed.has('neverRetry'),
        ...site,
        anyUnderWay: active.length > 0,
      });
    },

    async setPause({ pause }: ProtocolMap['setPause']['request']): Promise<Response<'setPause'>> {
      const until = pause === 'off' ? null : pauseEnd(pause, deps.now(), deps.offsetAt);
      try {
        await deps.storage.local.set({ pausedUntil: until });
      } catch (err) {
        deps.log.warn('controls: storing the pause failed', err);
        return { ok: false, pausedUntil: null };
      }
      deps.settings.invalidate();
      // Paused: the wake moves to the pause's end. Resumed: the tries that fell due go out now, and the automatic
      // checks held back are made.
      await deps.wake();
      return { ok: true, pausedUntil: until };
    },

    async setNeverRetry({ tabId, listed }: ProtocolMap['setNeverRetry']['request']): Promise<Response<'setNeverRetry'>> {
      const { host } = await siteOf(tabId);
      if (host === null) return { ok: false, reason: 'no-site' };
      const { settings, managed } = await fresh();
      if (managed.has('neverRetry')) return { ok: false, reason: 'managed' };
      const next = listed ? withNeverRetry(settings.neverRetry, host, MAX_NEVER_RETRY_HOSTS) : withoutNeverRetry(settings.neverRetry, host);
      if (next === null) return { ok: false, reason: 'full' };
      if (next !== settings.neverRetry) {
        try {
          // As the options page stores it (`settings-store.ts`): the field and the schema version, in sync.
          await deps.storage.sync.set({ neverRetry: [...next], version: SETTINGS_VERSION });
        } catch (err) {
          deps.log.warn('controls: storing the never-retry list failed', err);
          return { ok: false, reason: 'failed' };
        }
        deps.settings.invalidate();
      }
      // Listed: its incident under way ends now, not at its next step.
      if (listed) await deps.service.dispatch({ type: 'never-retry-changed' });
      return { ok: true, host };
    },
  };
}
