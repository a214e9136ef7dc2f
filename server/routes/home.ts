/** GET /: for visitors, what ICMap is and its maps; for a signed-in person, their own page. */
import type { FastifyPluginAsync } from 'fastify';
import { dashboardPage } from '../pages/home.js';
import { renderPage } from '../pages/render.js';
import { dayIn } from '../services/network-time.js';

const homeRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', async (request, reply) => {
    const viewer = request.viewer;
    if (viewer === null) {
      return renderPage(reply, 'pages/home', { title: 'ICMap', nav: 'home', maps: app.maps.list() });
    }
    return renderPage(reply, 'pages/dashboard', await dashboardPage(app.db, app.maps, viewer, dayIn(request.timeZone)));
  });
};

export default homeRoutes;
