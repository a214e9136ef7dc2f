/** `npm run db:migrate`: brings the configured database to the latest schema and says what it applied. */
import { ConfigError, loadConfig } from '../config.js';
import { describeDatabase, openConfiguredDatabase } from '../db/connection.js';
import { migrateToLatest } from '../db/migrator.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const { db, close } = await openConfiguredDatabase(config);
  const where = describeDatabase(config);
  try {
    const applied = await migrateToLatest(db);
    console.log(
      applied.length === 0
        ? `${where}: already up to date`
        : `${where}: applied ${applied.join(', ')}`,
    );
  } finally {
    await close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
