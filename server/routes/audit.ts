/** GET /admin/audit: the audit log for network admins, as sentences, newest first, fifty at a time, filtered by who, kind and date. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { renderPage } from '../pages/render.js';
import { requireViewer } from '../plugins/auth.js';
import { listAuditEvents } from '../repositories/audit.js';
import { AUDIT_KINDS, describeAuditEvents, type AuditKind } from '../services/audit.js';
import { requireAllowed } from '../access/guard.js';
import { idField } from './fields.js';
import { auditLogPath, withQuery } from '../urls.js';

const PAGE_SIZE = 50;
const empty = (value: unknown) => (value === '' ? undefined : value);
const day = (what: string) => z.preprocess(empty, z.iso.date({ message: `Enter the ${what} date as YYYY-MM-DD.` }).optional());
const auditQuery = z.object({
  before: idField.optional(),
  who: z.string().trim().max(200, 'Search for at most 200 characters.').default(''),
  kind: z.preprocess(empty, z.enum(Object.keys(AUDIT_KINDS) as [AuditKind, ...AuditKind[]], { message: 'Choose a kind from the list.' }).optional()),
  from: day('first'),
  to: day('last'),
});

const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/admin/audit', { schema: { querystring: auditQuery } }, async (request, reply) => {
    const viewer = requireViewer(request);
    requireAllowed(viewer.scope, 'manage', { kind: 'administration' });
    const query = request.query;
    const filter = {
      who: query.who,
      ...(query.kind === undefined ? {} : { actionPrefixes: AUDIT_KINDS[query.kind].prefixes }),
      ...(query.from === undefined ? {} : { from: query.from }),
      ...(query.to === undefined ? {} : { to: query.to }),
    };
    const events = await listAuditEvents(app.db, { limit: PAGE_SIZE + 1, filter, ...(query.before === undefined ? {} : { beforeId: query.before }) });
    const page = events.slice(0, PAGE_SIZE);
    const params = new URLSearchParams();
    for (const key of ['who', 'kind', 'from', 'to'] as const) {
      const value = query[key];
      if (value !== undefined && value !== '') params.set(key, value);
    }
    const filtered = params.size > 0;
    const older = new URLSearchParams(params);
    older.set('before', String(page.at(-1)?.id ?? ''));
    return renderPage(reply, 'pages/admin/audit', {
      title: 'Audit log',
      nav: 'audit',
      lines: await describeAuditEvents(app.db, page),
      query,
      kinds: Object.entries(AUDIT_KINDS).map(([value, kind]) => ({ value, label: kind.label })),
      filtered,
      newestHref: query.before === undefined ? undefined : withQuery(auditLogPath(), params),
      olderHref: events.length > PAGE_SIZE ? withQuery(auditLogPath(), older) : undefined,
    });
  });
};

export default auditRoutes;
