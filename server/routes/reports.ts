/** Reports: a team's consensus heatmap and findings, the site comparison and role growth, each with its table and CSV (built in pages/reports.ts). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { groupRoleKeys } from '../access/group-roles.js';
import { requireAllowed } from '../access/guard.js';
import { renderPage } from '../pages/render.js';
import { growthCsv, growthPage, siteComparisonCsv, siteComparisonReportPage, teamReportCsv, teamReportPage, type CsvFile, type ReportSources } from '../pages/reports.js';
import { requireViewer, type Viewer } from '../plugins/auth.js';
import { checkGroupFor } from '../services/check-access.js';
import { safeCsv } from '../services/csv.js';
import { fullExport } from '../services/export.js';
import { dayIn } from '../services/network-time.js';
import { sendCsv } from './csv.js';
import { idField, pageField } from './fields.js';

const params = z.object({ id: idField, groupId: idField });
const formatQuery = z.object({ format: z.enum(['csv'], { message: 'format can only be csv' }).optional() });
const roleField = z.enum(groupRoleKeys as [string, ...string[]], { message: 'Choose a role from the list.' });
/** A select left at "All" sends an empty value: that means no filter. */
const optionalId = z.preprocess((value) => (value === '' ? undefined : value), idField.optional());
const reportPage = pageField(10_000).default(1);
const siteQuery = formatQuery.extend({
  check: optionalId,
  role: roleField.default('improvement-team'),
  district: optionalId,
  sort: z.string().regex(/^(overall|\d+)$/, 'Sort by overall or by a principle number.').default('overall'),
  page: reportPage,
});
const growthQuery = formatQuery.extend({
  role: roleField.default('improvement-team'),
  district: optionalId,
  /** Open checks are left out unless asked for: their consensus is still being agreed. */
  open: z.enum(['1'], { message: 'open can only be 1' }).optional(),
  /** The page of districts side by side. */
  page: reportPage,
});

function sendCsvFile(reply: FastifyReply, file: CsvFile): FastifyReply {
  return sendCsv(reply, file.name, safeCsv(file.fields, file.rows));
}

const reportRoutes: FastifyPluginAsyncZod = async (app) => {
  const sources: ReportSources = { db: app.db, maps: app.maps, minGroupSize: app.config.minGroupSize };

  function requireOverview(request: FastifyRequest): Viewer {
    const viewer = requireViewer(request);
    requireAllowed(viewer.scope, 'view', { kind: 'overview', of: 'reports' });
    return viewer;
  }

  // ---- one team ----

  app.get('/checks/:id/groups/:groupId/report', { schema: { params, querystring: formatQuery } }, async (request, reply) => {
    const viewer = requireViewer(request);
    // Answers 404 or 403 through the guard, as every check-group page does.
    const context = await checkGroupFor(app.db, app.maps, viewer.scope, request.params.id, request.params.groupId);
    if (request.query.format === 'csv') return sendCsvFile(reply, await teamReportCsv(sources, viewer, context));
    return renderPage(reply, 'pages/reports/team', await teamReportPage(sources, viewer, context, dayIn(request.timeZone)));
  });

  // ---- site comparison ----

  app.get('/reports/sites', { schema: { querystring: siteQuery } }, async (request, reply) => {
    const viewer = requireOverview(request);
    if (request.query.format === 'csv') return sendCsvFile(reply, await siteComparisonCsv(sources, viewer.scope, request.query));
    return renderPage(reply, 'pages/reports/sites', await siteComparisonReportPage(sources, viewer.scope, request.query, dayIn(request.timeZone)));
  });

  // ---- growth ----

  app.get('/reports/growth', { schema: { querystring: growthQuery } }, async (request, reply) => {
    const viewer = requireOverview(request);
    const today = dayIn(request.timeZone);
    if (request.query.format === 'csv') return sendCsvFile(reply, await growthCsv(sources, viewer.scope, request.query, today));
    return renderPage(reply, 'pages/reports/growth', await growthPage(sources, viewer.scope, request.query, today));
  });
};

export default reportRoutes;

/** GET /admin/export.csv: every check's placements (numbered, never named, only where privacy allows) and consensus. */
export const exportRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/admin/export.csv', async (request, reply) => {
    const viewer = requireViewer(request);
    requireAllowed(viewer.scope, 'export', { kind: 'administration' });
    const stream = fullExport(app.db, app.config);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="icmap-export.csv"')
      .header('cache-control', 'no-store')
      .send(stream);
  });
};
