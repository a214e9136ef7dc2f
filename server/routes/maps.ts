/** The map browser (no sign-in): a map, a role's rubric, an outcome across roles, and what changes between levels. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findPrinciple, outcomeAcrossRoles, outcomesByPrinciple } from '../maps/catalog.js';
import { adjacentLevelChanges } from '../maps/level-changes.js';
import { NotFoundError } from '../errors.js';
import { neighbouringOutcomes, requireMap, requireOutcome, requireRole } from '../services/map-browser.js';
import { mapPath } from '../urls.js';

const segment = z.string().min(1).max(100);
const mapParams = z.object({ mapId: segment });
const roleParams = mapParams.extend({ roleKey: segment });
const outcomeParams = mapParams.extend({ code: segment });
const roleOutcomeParams = roleParams.extend({ code: segment });

const mapRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/', async (_request, reply) => {
    return reply.view('pages/maps/index', { title: 'IC maps', maps: app.maps.list() });
  });

  app.get('/:mapId', { schema: { params: mapParams } }, async (request, reply) => {
    const map = requireMap(app.maps, request.params.mapId);
    return reply.view('pages/maps/show', { title: map.title, map });
  });

  app.get('/:mapId/roles/:roleKey', { schema: { params: roleParams } }, async (request, reply) => {
    const map = requireMap(app.maps, request.params.mapId);
    const role = requireRole(map, request.params.roleKey);
    return reply.view('pages/maps/role', {
      title: `${role.name} — ${map.title}`,
      map,
      role,
      sections: outcomesByPrinciple(map, role),
    });
  });

  app.get('/:mapId/outcomes/:code', { schema: { params: outcomeParams } }, async (request, reply) => {
    const map = requireMap(app.maps, request.params.mapId);
    const rows = outcomeAcrossRoles(map, request.params.code);
    const first = rows[0];
    if (first === undefined) {
      throw new NotFoundError(`The map "${map.title}" has no outcome "${request.params.code}".`, {
        backHref: mapPath(map),
        backLabel: `See the outcomes of ${map.title}`,
      });
    }
    return reply.view('pages/maps/outcome', {
      title: `${first.outcome.code} across roles — ${map.title}`,
      map,
      code: first.outcome.code,
      principle: findPrinciple(map, first.outcome.principle),
      rows,
    });
  });

  app.get('/:mapId/roles/:roleKey/outcomes/:code', { schema: { params: roleOutcomeParams } }, async (request, reply) => {
    const map = requireMap(app.maps, request.params.mapId);
    const role = requireRole(map, request.params.roleKey);
    const outcome = requireOutcome(map, role, request.params.code);
    return reply.view('pages/maps/role-outcome', {
      title: `${outcome.code} ${outcome.title} — ${role.name}`,
      map,
      role,
      outcome,
      principle: findPrinciple(map, outcome.principle),
      changes: adjacentLevelChanges(outcome),
      ...neighbouringOutcomes(role, outcome.code),
    });
  });
};

export default mapRoutes;
