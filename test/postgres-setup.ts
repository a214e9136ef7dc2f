/**
 * Vitest global set-up for the PostgreSQL run (TEST_DATABASE_URL): gives this run a schema-name prefix
 * of its own, checks the server answers before any test starts, and drops the run's schemas at the end.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  const url = process.env.TEST_DATABASE_URL;
  if (url === undefined || url === '') return undefined;
  const prefix = `icmap_test_${randomBytes(4).toString('hex')}`;
  // Test workers start after this and inherit the environment.
  process.env.ICMAP_TEST_SCHEMA_PREFIX = prefix;
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(`TEST_DATABASE_URL: cannot reach PostgreSQL (${(error as Error).message})`, { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
  return async () => {
    const cleaner = new pg.Client({ connectionString: url });
    await cleaner.connect();
    try {
      const { rows } = await cleaner.query<{ nspname: string }>('select nspname from pg_namespace where starts_with(nspname, $1)', [`${prefix}_`]);
      for (const { nspname } of rows) await cleaner.query(`drop schema "${nspname}" cascade`);
    } finally {
      await cleaner.end();
    }
  };
}
