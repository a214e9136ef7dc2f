/** Entry point: load the configuration, build the app, listen, and shut down gracefully on SIGINT/SIGTERM. */
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { MapLoadError } from './maps/loader.js';
import { prepareFirstRun } from './services/first-run.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await buildApp(config);

  // On a signal: stop accepting connections, let in-flight requests finish, close the database.
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
  });

  await app.listen({ port: config.port, host: config.host });
  const base = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  app.log.info(`ICMap is ready at ${base}/`);

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
