/** Unit, repository and HTTP tests (no browser): `npm test`. */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/browser/**', 'node_modules/**'],
    pool: 'forks',
    // Cheap password hashes (see server/services/passwords.ts); child processes inherit it.
    env: { NODE_ENV: 'test', ICMAP_TEST_HASH_COST: 'low' },
    // Password hashing (scrypt, 32 MiB) and the crash-safety run share two cores: give tests room
    // under load rather than fail on a slow moment.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
