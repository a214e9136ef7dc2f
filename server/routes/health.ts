/** GET /healthz: 200 once the database answers a query, 503 when it cannot. */
import { sql } from 'kysely';
import type { FastifyPluginAsync } from 'fastify';

const healthRoutes: FastifyPluginAsync = async (app) => {
  // Light and never shed: a busy server is still a healthy one, and a monitor must not restart it for that.
  app.get('/healthz', { config: { pressureHandler: () => undefined } }, async (request, reply) => {
    try {
      await sql`select 1`.execute(app.db);
      return { status: 'ok' };
    } catch (error) {
      request.log.error({ err: error }, 'health check: database unavailable');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
};

export default healthRoutes;
