/**
 * Which browser this build is for. The build knows it (`TARGET=chrome|firefox`, see `vite.config.ts`) and writes it
 * in as `__BROWSER__`, so every Firefox-only path reads one flag rather than guessing at run time.
 */

/**
 * True in the Firefox build. A function rather than a constant so tests can switch browsers with
 * `vi.stubGlobal('__BROWSER__', 'firefox')` (the unit tests' default is `chrome`, see `vitest.config.ts`).
 */
export function isFirefox(): boolean {
  return __BROWSER__ === 'firefox';
}
