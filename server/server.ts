/** Entry point: load the configuration, build the app, listen, and shut down gracefully on SIGINT/SIGTERM. */
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { MapLoadError } from './maps/loader.js';

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
  app.log.info(`ICMap is ready at http://${config.host}:${config.port}/`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof MapLoadError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
