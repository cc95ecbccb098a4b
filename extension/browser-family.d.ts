/** The browser a build is for; Vite's `define` replaces it (`vite.config.ts`, `vitest.config.ts`). */
declare const __BROWSER__: 'chrome' | 'firefox';
