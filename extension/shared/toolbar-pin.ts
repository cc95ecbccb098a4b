/**
 * Whether the extension's toolbar button is pinned, as far as the browser says. Chrome 91+ answers
 * `action.getUserSettings()` with `isOnToolbar` and, from Chrome 130, reports a change through
 * `action.onUserSettingsChanged`; Firefox has both for MV3 (MDN "action.getUserSettings", "action.onUserSettingsChanged";
 * its `isOnToolbar` is true once the button sits in a toolbar, which the manifest's `default_area: "navbar"` does at
 * install). Firefox for Android answers `{}`. Where the browser does not say, the state is `unknown` and the page says
 * so instead of guessing.
 */
import browser from 'webextension-polyfill';

/** `pinned`/`unpinned` as the browser reports it; `unknown` when it has no way to tell. */
export type PinState = 'pinned' | 'unpinned' | 'unknown';

/** The part of `action` this reads; optional because older browsers lack it. */
export interface ActionSettingsApi {
  getUserSettings?: () => Promise<{ isOnToolbar?: boolean }>;
  onUserSettingsChanged?: {
    addListener(listener: (change: { isOnToolbar?: boolean }) => void): void;
    removeListener(listener: (change: { isOnToolbar?: boolean }) => void): void;
  };
}

/** Reads the pin state from `action`. Never throws: a refusal is `unknown`. */
export async function readPinState(action: ActionSettingsApi | undefined): Promise<PinState> {
  if (typeof action?.getUserSettings !== 'function') return 'unknown';
  try {
    const { isOnToolbar } = await action.getUserSettings();
    return isOnToolbar === true ? 'pinned' : isOnToolbar === false ? 'unpinned' : 'unknown';
  } catch {
    return 'unknown';
  }
}

export interface ToolbarPin {
  read(): Promise<PinState>;
  /**
   * Calls `onChange` when the pin may have changed: the browser's event where it has one, and whenever the page gets
   * the focus back or becomes visible (the user pinned in the toolbar, outside the page). Returns the unsubscribe.
   */
  watch(onChange: () => void): () => void;
}

/** {@link ToolbarPin} over the browser's `action` and the page's `window`. */
export function createToolbarPin(action: ActionSettingsApi | undefined = browser.action as unknown as ActionSettingsApi): ToolbarPin {
  return {
    read: () => readPinState(action),
    watch(onChange) {
      const listener = () => onChange();
      const onVisible = () => document.visibilityState === 'visible' && onChange();
      const event = typeof action?.onUserSettingsChanged?.addListener === 'function' ? action.onUserSettingsChanged : undefined;
      event?.addListener(listener);
      window.addEventListener('focus', listener);
      document.addEventListener('visibilitychange', onVisible);
      return () => {
        event?.removeListener(listener);
        window.removeEventListener('focus', listener);
        document.removeEventListener('visibilitychange', onVisible);
      };
    },
  };
}
