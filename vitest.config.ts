import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (Node, fake clock and browser, fast) and `e2e` (the built extension in real Chromium and
 * Firefox against real nginx; slow, so files run one at a time on this 2-core machine).
 */
export default defineConfig({
  test: {
    projects: [
      {
        // The browser flag the build writes in (see vite.config.ts); a test switches it with vi.stubGlobal.
        define: { __BROWSER__: JSON.stringify('chrome') },
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx', 'test/extension/**/*.test.ts', 'test/extension/**/*.test.tsx'],
          environment: 'node',
          // The property tests and the 10 MB stand-in take 2-5 s on a busy 2-core machine: 5 s (the default) made
          // them fail on load alone. A test that hangs still fails.
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // half-up.e2e.ts runs its cases concurrently within one file (3-minute observations side by side); the default
          // of 5 would run its 18 cases in waves. No other e2e file uses `concurrent`.
          maxConcurrency: 20,
          retry: 0,
        },
      },
    ],
  },
});
