/** Roster import for network admins: template, upload, preview, confirm, and the new people's invitation links. */
import fastifyMultipart, { type MultipartFile, type MultipartValue } from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../errors.js';
import { importDonePage, importPreviewPage } from '../pages/admin.js';
import { renderPage } from '../pages/render.js';
import { requireViewer, setFlash, type Viewer } from '../plugins/auth.js';
import { createRosterImport, findRosterImport, peopleCreatedByImport } from '../repositories/roster-imports.js';
import { safeCsv } from '../services/csv.js';
import { requireAllowed } from '../access/guard.js';
import { countRosterRows, decodeRoster, ROSTER_COLUMNS, ROSTER_MAX_BYTES, ROSTER_MAX_ROWS, rosterTemplate } from '../services/roster-csv.js';
import { applyRoster, invitationsForImport, planRoster, type RosterPlan } from '../services/roster-import.js';
import { sendCsv } from './csv.js';
import { idField } from './fields.js';
import { linkBase } from './links.js';
import { rosterImportPath, rosterUploadPath } from '../urls.js';

const idParams = z.object({ id: idField });

const importRoutes: FastifyPluginAsyncZod = async (app) => {
  // Multipart is accepted here only, with hard limits: one file of at most 5 MB and a few fields.
  await app.register(fastifyMultipart, {
    attachFieldsToBody: true,
    limits: { fileSize: ROSTER_MAX_BYTES, files: 1, fields: 4, parts: 6, fieldSize: 1024 },
  });

  const roles = () => app.maps.primary().roles;

  function requireAdmin(request: FastifyRequest): Viewer {
    const viewer = requireViewer(request);
    requireAllowed(viewer.scope, 'manage', { kind: 'administration' });
    return viewer;
  }

  const renderUpload = (reply: FastifyReply, error?: string) =>
    renderPage(reply, 'pages/admin/import', { title: 'Import a roster', nav: 'import', columns: ROSTER_COLUMNS, error });

  app.get('/admin/import', async (request, reply) => {
    requireAdmin(request);
    return renderUpload(reply);
  });

  app.get('/admin/import/template.csv', async (request, reply) => {
    requireAdmin(request);
    return sendCsv(reply, 'icmap-roster-template', rosterTemplate());
  });

  app.post('/admin/import', async (request, reply) => {
    const viewer = requireAdmin(request);
    const body = request.body as { roster?: MultipartFile | MultipartValue | (MultipartFile | MultipartValue)[] } | undefined;
    const file = body?.roster;
    if (file === undefined || Array.isArray(file) || file.type !== 'file' || file.filename === '') {
      return renderUpload(reply.code(422), 'Choose a CSV file to upload.');
    }
    const text = decodeRoster(await file.toBuffer());
    if (typeof text !== 'string') return renderUpload(reply.code(422), `${text.reason} Nothing was changed.`);
    if (countRosterRows(text) > ROSTER_MAX_ROWS) {
      return renderUpload(
        reply.code(422),
        `The file has more than ${ROSTER_MAX_ROWS.toLocaleString('en')} rows; ICMap imports at most ${ROSTER_MAX_ROWS.toLocaleString('en')} rows at a time. Split it (by district, for example) and import each part. Nothing was changed.`,
      );
    }
    const id = await createRosterImport(app.db, { uploadedBy: viewer.id, fileName: file.filename.slice(0, 200), contents: text });
    return reply.redirect(rosterImportPath(id), 303);
  });

  async function renderPreview(reply: FastifyReply, id: number, plan?: RosterPlan) {
    const upload = await findRosterImport(app.db, id);
    if (upload === undefined) throw new NotFoundError(`There is no roster upload number ${id}.`, { backHref: rosterUploadPath(), backLabel: 'Upload a roster' });
    if (upload.applied_at !== null) return renderPage(reply, 'pages/admin/import-done', importDonePage(upload, upload.applied_at, await peopleCreatedByImport(app.db, id)));
    return renderPage(reply, 'pages/admin/import-preview', importPreviewPage(upload, plan ?? (await planRoster(app.db, upload.contents, roles()))));
  }

  app.get('/admin/import/:id', { schema: { params: idParams } }, async (request, reply) => {
    requireAdmin(request);
    return renderPreview(reply, request.params.id);
  });

  app.post('/admin/import/:id/confirm', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireAdmin(request);
    const upload = await findRosterImport(app.db, request.params.id);
    if (upload === undefined) throw new NotFoundError(`There is no roster upload number ${request.params.id}.`);
    if (upload.applied_at !== null) return reply.redirect(rosterImportPath(upload.id), 303);
    const result = await applyRoster(app.db, upload.id, upload.contents, roles(), viewer.id);
    if (!result.ok) return renderPreview(reply.code(422), upload.id, result.plan);
    setFlash(
      request,
      `Imported: ${result.plan.counts.create} new, ${result.plan.counts.update} updated, ${result.plan.counts.unchanged} unchanged.`,
    );
    return reply.redirect(rosterImportPath(upload.id), 303);
  });

  // A POST, not a link: it creates the invitations, and their links exist only in this download.
  app.post('/admin/import/:id/invitations.csv', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireAdmin(request);
    const upload = await findRosterImport(app.db, request.params.id);
    if (upload?.applied_at == null) throw new NotFoundError(`There is no imported roster number ${request.params.id}.`);
    const rows = await invitationsForImport(app.db, upload.id, viewer.id, linkBase(request, app.config));
    const csv = safeCsv(['email', 'name', 'link', 'expires_at'], rows.map((row) => [row.email, row.name, row.link, row.expiresAt]));
    return sendCsv(reply.header('cache-control', 'no-store'), `icmap-invitations-${upload.id}`, csv);
  });
};

export default importRoutes;
