/** `npm run demo`: recreates the demo database (data/demo/icmap-demo.sqlite), fills it with the demo network and starts ICMap on it, printing a sign-in for each persona. */
import { buildApp } from '../../server/app.js';
import { ConfigError, loadConfig } from '../../server/config.js';
import { MapCatalog } from '../../server/maps/catalog.js';
import { loadMapsFromDirectory, MapLoadError } from '../../server/maps/loader.js';
import { serve } from '../../server/serve.js';
import { todayUtc } from '../../server/services/progress-checks.js';
import { generateNetwork, openBulkDatabase, removeDatabaseFiles } from './generate.js';
import { describeCounts, describePersonas } from './report.js';

/** Relative to the working directory, like DATABASE_PATH; recreated on every run. */
export const DEMO_DATABASE_PATH = 'data/demo/icmap-demo.sqlite';
export const DEMO_SHAPE = { sites: 8, checks: 3, seed: 1 } as const;

async function main(): Promise<void> {
  // The same configuration as `npm start` (PORT, HOST, LOG_LEVEL, MIN_GROUP_SIZE…), with the database forced to the demo file.
  const configured = loadConfig();
  const config = loadConfig({ ...process.env, DATABASE_PATH: DEMO_DATABASE_PATH });
  if (configured.databasePath === config.databasePath) {
    throw new ConfigError(`DATABASE_PATH names the demo database (${DEMO_DATABASE_PATH}), which npm run demo deletes on every run. Point DATABASE_PATH elsewhere.`);
  }
  const catalog = new MapCatalog(loadMapsFromDirectory(config.mapsDir));

  console.log(`Building the demo network in ${DEMO_DATABASE_PATH} …`);
  removeDatabaseFiles(config.databasePath);
  const bulk = openBulkDatabase(config.databasePath);
  let result;
  try {
    result = await generateNetwork(bulk.db, { ...DEMO_SHAPE, today: todayUtc(), catalog });
  } finally {
    await bulk.close();
  }

  const app = await buildApp(config);
  const base = await serve(app, config);

  console.log(
    [
      '',
      `ICMap demo: "${result.networkName}" is ready at ${base}/`,
      ...describeCounts(result.counts).map((line) => `  ${line}`),
      `  progress checks: ${result.checks.map((check) => `${check.name} (${check.opensOn} to ${check.closesOn})`).join('; ')}`,
      '',
      ...describePersonas(result.personas, `${base}/sign-in`),
      '',
      `The demo database is rebuilt from scratch on every \`npm run demo\`; your own data/icmap.sqlite is never touched.`,
      'Stop with Ctrl+C.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof MapLoadError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
