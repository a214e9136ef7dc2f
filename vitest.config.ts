/**
 * Unit, repository and HTTP tests (no browser): `npm test` runs two projects side by side. "unit" is
 * everything in-process; "slow" is the few files that start processes, compile, or listen on ports
 * (`npx vitest run --project slow`), with generous timeouts so a busy machine makes them slower, not red.
 * They share three workers: the slow files mostly wait for their child processes (the fault run waits
 * for five server restarts), so they run beside the unit files instead of after them. Vitest's own
 * default on two cores is a single worker (cores − 1).
 */
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Files that start Node processes, build, or time the event loop. */
const slow = ['test/ops/**/*.test.ts', 'test/demo/cli.test.ts'];

/** Workers for both projects together (they run as one group). */
const WORKERS = 3;

/** The longest files (wall time), started first so that none of them starts last; the fault run waits most. */
const longest = ['test/ops/faults.test.ts', 'test/reports/summaries-equality.test.ts', 'test/access/permission-matrix.test.ts', 'test/ops/production-build.test.ts'];

/**
 * Vitest's order runs one project's files before the other's; this one mixes them: `longest` first,
 * then the rest longest first by their last duration (vitest's cache), files it has not seen first.
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification): number => {
      const index = longest.findIndex((file) => spec.moduleId.endsWith(file));
      return index === -1 ? longest.length : index;
    };
    const duration = (spec: TestSpecification): number => this.ctx.cache.getTestSpecificationResult(spec)?.duration ?? Number.POSITIVE_INFINITY;
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b) || duration(b) - duration(a) || 0);
  }
}

export default defineConfig({
  test: {
    pool: 'forks',
    sequence: { sequencer: LongestFirst },
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
          maxWorkers: WORKERS,
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
          // Beside "unit" (one group needs one maxWorkers); the longest files start first (vitest's default order).
          maxWorkers: WORKERS,
          // test:faults --quick takes ~20 s idle and ~140 s at a load of 18 on two cores.
          testTimeout: 400_000,
          hookTimeout: 400_000,
        },
      },
    ],
  },
});
