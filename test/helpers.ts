/** Shared test set-up: an app on a fresh in-memory database, built exactly as production builds it. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.js';
import { loadConfig, type Config } from '../server/config.js';

/** Load shedding off: a test machine under load must not turn a test's request into a 503 (test/ops/operations.test.ts turns it on). */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ DATABASE_PATH: ':memory:', LOG_LEVEL: 'silent', MAX_EVENT_LOOP_DELAY_MS: '0' }, { isTerminal: false }),
    ...overrides,
  };
}

export async function buildTestApp(overrides: Partial<Config> = {}): Promise<FastifyInstance> {
  const app = await buildApp(testConfig(overrides));
  await app.ready();
  return app;
}
