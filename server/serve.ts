/** Listens on the configured address and shuts down gracefully on SIGINT/SIGTERM: shared by `npm start` and `npm run demo`. */
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';

/** Starts listening and returns the address people should open. */
export async function serve(app: FastifyInstance, config: Config): Promise<string> {
  // On a signal: stop accepting connections, let in-flight requests finish, close the database.
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
  });
  await app.listen({ port: config.port, host: config.host });
  const base = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  app.log.info(`ICMap is ready at ${base}/`);
  return base;
}
