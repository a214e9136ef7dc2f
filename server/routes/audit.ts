/** GET /admin/audit: the audit log for network admins, newest first, fifty at a time. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireViewer } from '../plugins/auth.js';
import { listAuditEvents } from '../repositories/audit.js';
import { checkAdministration } from '../services/organisation-access.js';
import { idField } from './fields.js';

const PAGE_SIZE = 50;
const auditQuery = z.object({ before: idField.optional() });

const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/admin/audit', { schema: { querystring: auditQuery } }, async (request, reply) => {
    const viewer = requireViewer(request);
    checkAdministration(viewer.scope);
    const events = await listAuditEvents(app.db, { limit: PAGE_SIZE + 1, ...(request.query.before === undefined ? {} : { beforeId: request.query.before }) });
    const page = events.slice(0, PAGE_SIZE);
    return reply.view('pages/admin/audit', {
      title: 'Audit log',
      nav: 'audit',
      events: page.map((event) => ({ ...event, detail: event.detail === null ? null : (JSON.parse(event.detail) as Record<string, unknown>) })),
      olderHref: events.length > PAGE_SIZE ? `/admin/audit?before=${page[page.length - 1]?.id ?? ''}` : undefined,
    });
  });
};

export default auditRoutes;
