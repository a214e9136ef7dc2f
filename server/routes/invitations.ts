/** Invitation slips to print (name, link, QR code): for a group's members or a whole roster import. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../errors.js';
import { renderPage } from '../pages/render.js';
import { requireViewer } from '../plugins/auth.js';
import { findNetwork } from '../repositories/network.js';
import { findRosterImport } from '../repositories/roster-imports.js';
import { invitationsForGroup, withQrCodes } from '../services/invitation-slips.js';
import { requireAllowed } from '../access/guard.js';
import { groupFor } from '../services/organisation-access.js';
import { invitationsForImport } from '../services/roster-import.js';
import { idField } from './fields.js';
import { linkBase } from './links.js';
import { groupPath, rosterImportPath } from '../urls.js';

const idParams = z.object({ id: idField });

const invitationRoutes: FastifyPluginAsyncZod = async (app) => {
  // POSTs, not links: they make the invitations, whose links exist only on the page they answer.
  app.post('/groups/:id/invitation-slips', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    const group = await groupFor(app.db, viewer.scope, request.params.id, 'oversee');
    const rows = await invitationsForGroup(app.db, viewer, group.id, linkBase(request, app.config));
    const network = await findNetwork(app.db);
    return renderPage(reply.header('cache-control', 'no-store'), 'pages/invitations/slips', {
      title: `Invitation slips: ${group.name}`,
      nav: 'network',
      forWhat: `${group.name}: members who cannot sign in yet`,
      backHref: groupPath(group.id),
      backLabel: group.name,
      networkName: network?.name ?? 'the network',
      slips: await withQrCodes(rows),
    });
  });

  app.post('/admin/import/:id/invitation-slips', { schema: { params: idParams } }, async (request, reply) => {
    const viewer = requireViewer(request);
    requireAllowed(viewer.scope, 'manage', { kind: 'administration' });
    const upload = await findRosterImport(app.db, request.params.id);
    if (upload?.applied_at == null) throw new NotFoundError(`There is no imported roster number ${request.params.id}.`);
    const rows = await invitationsForImport(app.db, upload.id, viewer.id, linkBase(request, app.config));
    const network = await findNetwork(app.db);
    return renderPage(reply.header('cache-control', 'no-store'), 'pages/invitations/slips', {
      title: `Invitation slips: ${upload.file_name}`,
      nav: 'import',
      forWhat: `the new people of ${upload.file_name}`,
      backHref: rosterImportPath(upload.id),
      backLabel: upload.file_name,
      networkName: network?.name ?? 'the network',
      slips: await withQrCodes(rows),
    });
  });
};

export default invitationRoutes;
