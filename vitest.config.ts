import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The e2e file of long observations (see the `e2e-long` project). */
const LONG_E2E = 'test/e2e/half-up.e2e.ts';

/**
 * Short e2e files that run after {@link LONG_E2E} in the `e2e-long` lane, not in `e2e`: that lane is idle most of its
 * time and ends long before the other, so they cost the suite's wall time nothing (with them in `e2e`, `npm test`
 * came close to its 20 minutes). Each shares one browser per family and checks no schedule.
 */
const SIDE_LANE_E2E = [
  'test/e2e/pinned-requests.e2e.ts',
  'test/e2e/consent-binding.e2e.ts',
  'test/e2e/private-window.e2e.ts',
  'test/e2e/fail-closed.e2e.ts',
  'test/e2e/store-screenshots.e2e.ts',
  'test/e2e/reach.e2e.ts',
  'test/e2e/details.e2e.ts',
  'test/e2e/controls.e2e.ts',
  // Moved here from `e2e` with issue 14, whose new files made that lane the one that ends last (1032 s against 687 s
  // in CI): neither checks a schedule.
  'test/e2e/accessibility.e2e.ts',
  'test/e2e/popup-screenshots.e2e.ts',
  'test/e2e/history.e2e.ts',
  'test/e2e/first-view.e2e.ts',
];

/** The long observations first: their busy start (two browsers, 20 cases opening at once) is then over early. */
class LongFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const first = (f: TestSpecification) => (f.moduleId.endsWith(`/${LONG_E2E}`) ? 0 : 1);
    return [...(await super.sort(files))].sort((a, b) => first(a) - first(b));
  }
}

/**
 * The e2e files whose checks hold the extension to its schedule (a wait past its budget is a lost retry): they run
 * last, once the `e2e-long` run beside them has passed its busy start (two browsers, 20 cases opening at once).
 */
const SCHEDULE_CHECKS = ['faults.e2e.ts', 'recovery.e2e.ts'];

class ScheduleChecksLast extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const last = (f: TestSpecification) => (SCHEDULE_CHECKS.some((name) => f.moduleId.endsWith(`/${name}`)) ? 1 : 0);
    return [...(await super.sort(files))].sort((a, b) => last(a) - last(b));
  }
}

/**
 * Three projects: `unit` (Node, fake clock and browser, fast), `e2e` (the built extension in real Chromium and
 * Firefox against real nginx; slow, so files run one at a time on this 2-core machine) and `e2e-long` (minutes of
 * watching, run beside `e2e` by `scripts/e2e.mjs`).
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
          exclude: [LONG_E2E, ...SIDE_LANE_E2E],
          sequence: { sequencer: ScheduleChecksLast },
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          retry: 0,
        },
      },
      {
        // The half-up sites' 3-minute observations, then the short files of SIDE_LANE_E2E: idle most of the time, so
        // `scripts/e2e.mjs` runs this project beside `e2e`. The half-up cases run concurrently within their file (the
        // default of 5 would run them in waves).
        test: {
          name: 'e2e-long',
          include: [LONG_E2E, ...SIDE_LANE_E2E],
          sequence: { sequencer: LongFirst },
          environment: 'node',
          testTimeout: 420_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          maxConcurrency: 20,
          retry: 0,
        },
      },
    ],
  },
});
