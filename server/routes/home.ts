/** GET /: what ICMap is, the maps available and their roles. */
import type { FastifyPluginAsync } from 'fastify';

const homeRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', async (_request, reply) => {
    return reply.view('pages/home', { title: 'ICMap', maps: app.maps.list() });
  });
};

export default homeRoutes;
