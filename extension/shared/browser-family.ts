/**
 * Which browser this build is for. The build knows it (`TARGET=chrome|firefox`, see `vite.config.ts`) and writes it
 * in as `__BROWSER__`, so every Firefox-only path reads one flag rather than guessing at run time.
 */
import type { BrowserFamily } from '../../src/shared/browser-words';

/**
 * True in the Firefox build. A function rather than a constant so tests can switch browsers with
 * `vi.stubGlobal('__BROWSER__', 'firefox')` (the unit tests' default is `chrome`, see `vitest.config.ts`).
 */
export function isFirefox(): boolean {
  return __BROWSER__ === 'firefox';
}

/** This build's browser family, as `src` names it (the Chrome build is `chromium`). */
export function browserFamily(): BrowserFamily {
  return isFirefox() ? 'firefox' : 'chromium';
}
