/**
 * Unit, repository and HTTP tests (no browser): `npm test` runs two projects. "unit" is everything
 * in-process, in parallel; "slow" is the few files that start processes, compile, or listen on ports
 * (`npx vitest run --project slow`), at most two files at a time after "unit", with generous timeouts so a
 * busy machine makes them slower, not red.
 */
import { defineConfig } from 'vitest/config';

/** Files that start Node processes, build, or time the event loop. */
const slow = ['test/ops/**/*.test.ts', 'test/demo/cli.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    // With TEST_DATABASE_URL: a schema prefix for this run, and its schemas dropped at the end.
    globalSetup: ['test/postgres-setup.ts'],
    // Cheap password hashes (see server/services/passwords.ts); child processes inherit it.
    env: { NODE_ENV: 'test', ICMAP_TEST_HASH_COST: 'low' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**', 'node_modules/**', ...slow],
          // A worker keeps the modules it has loaded (fastify, kysely, the app) from one file to the next
          // instead of evaluating them again for every file: about half the CPU time of the suite. Tests
          // share no state through modules (each builds its own app and database).
          isolate: false,
          // No unit test needs more than a few seconds idle, but at a load of 25 on two cores the permission
          // matrix's fresh-app tests took 30-45 s: a timeout here catches a hang, not slowness.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'slow',
          include: slow,
          // After "unit", two files at a time: their child processes get the cores to themselves.
          sequence: { groupOrder: 1 },
          maxWorkers: 2,
          // test:faults --quick takes ~20 s idle and ~140 s at a load of 18 on two cores.
          testTimeout: 400_000,
          hookTimeout: 400_000,
        },
      },
    ],
  },
});
