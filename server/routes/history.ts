/** GET /me/history: a person's own placements across checks, per outcome, beside their team's agreed level. Private to them. */
import type { FastifyPluginAsync } from 'fastify';
import { requireAllowed } from '../access/guard.js';
import { historyPage } from '../pages/home.js';
import { renderPage } from '../pages/render.js';
import { requireViewer } from '../plugins/auth.js';

const historyRoutes: FastifyPluginAsync = async (app) => {
  app.get('/me/history', async (request, reply) => {
    const viewer = requireViewer(request);
    // The policy, not the URL, keeps it private: only the person themselves may see their history.
    requireAllowed(viewer.scope, 'view', { kind: 'history', personId: viewer.id });
    return renderPage(reply.header('cache-control', 'no-store'), 'pages/history/show', await historyPage(app.db, app.maps, viewer.id));
  });
};

export default historyRoutes;
