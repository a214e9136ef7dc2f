/** Unit, repository and HTTP tests (no browser): `npm test`. */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/browser/**', 'node_modules/**'],
    pool: 'forks',
    // Password hashing (scrypt, 32 MiB) and the crash-safety run share two cores: give tests room
    // under load rather than fail on a slow moment.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
