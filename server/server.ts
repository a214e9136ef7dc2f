/** Entry point: load the configuration, build the app, listen, and shut down gracefully on SIGINT/SIGTERM. */
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { MapLoadError } from './maps/loader.js';
import { serve } from './serve.js';
import { prepareFirstRun } from './services/first-run.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await buildApp(config);

  const base = await serve(app, config);

  const firstRun = await prepareFirstRun(app.db, config.initialAdmin);
  if (firstRun.state === 'setup-needed') {
    // Printed, not only logged: the person running `npm start` needs this link to create the first admin.
    console.log(
      `\nICMap has no network administrator yet. Open this one-time link to set up your network\n` +
        `(it works once, until ${firstRun.expiresAt}; restarting prints a new one):\n\n  ${base}/setup/${firstRun.token}\n`,
    );
  } else if (firstRun.state === 'admin-created') {
    app.log.info({ email: firstRun.email }, 'created the first network administrator from ICMAP_ADMIN_EMAIL');
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof MapLoadError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
