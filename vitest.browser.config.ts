/** Real-browser tests (headless Chromium driven by playwright-core): `npm run test:browser`. */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    exclude: ['node_modules/**'],
    pool: 'forks',
    // One Chromium at a time: the machine has two cores and each file launches its own browser.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits for a page to catch up; its 1 s default is too short on a busy machine.
    expect: { poll: { timeout: 15_000 } },
  },
});
