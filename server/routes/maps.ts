/** The map browser (no sign-in): a map, a role's rubric, an outcome across roles, and what changes between levels. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findOutcome, findRole, type MapCatalog } from '../maps/catalog.js';
import type { IcMap, Outcome, Role } from '../maps/schema.js';
import { NotFoundError } from '../errors.js';
import { outcomeAcrossRolesPage, roleMapPage, roleOutcomePage } from '../pages/maps.js';
import { renderPage } from '../pages/render.js';
import { homePath, mapPath, rolePath } from '../urls.js';

const segment = z.string().min(1).max(100);
const mapParams = z.object({ mapId: segment });
const roleParams = mapParams.extend({ roleKey: segment });
const outcomeParams = mapParams.extend({ code: segment });
const roleOutcomeParams = roleParams.extend({ code: segment });

// A map, role or outcome by URL segment, or a 404 that says exactly what was not found and leads one level up.
function requireMap(catalog: MapCatalog, mapId: string): IcMap {
  const map = catalog.find(mapId);
  if (map === undefined) {
    throw new NotFoundError(`There is no IC map called "${mapId}".`, {
      backHref: homePath(),
      backLabel: 'See the maps that are available',
    });
  }
  return map;
}

function requireRole(map: IcMap, roleKey: string): Role {
  const role = findRole(map, roleKey);
  if (role === undefined) {
    throw new NotFoundError(`The map "${map.title}" has no role called "${roleKey}".`, {
      backHref: mapPath(map),
      backLabel: `See the roles of ${map.title}`,
    });
  }
  return role;
}

function requireOutcome(map: IcMap, role: Role, code: string): Outcome {
  const outcome = findOutcome(role, code);
  if (outcome === undefined) {
    throw new NotFoundError(`The ${role.name} map has no outcome "${code}".`, {
      backHref: rolePath(map, role),
      backLabel: `See the ${role.name} map`,
    });
  }
  return outcome;
}

const mapRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/', async (_request, reply) => {
    return renderPage(reply, 'pages/maps/index', { title: 'IC maps', maps: app.maps.list() });
  });

  app.get('/:mapId', { schema: { params: mapParams } }, async (request, reply) => {
    const map = requireMap(app.maps, request.params.mapId);
    return renderPage(reply, 'pages/maps/show', { title: map.title, map });
  });

  app.get('/:mapId/roles/:roleKey', { schema: { params: roleParams } }, async (request, reply) => {
    const map = requireMap(app.maps, request.params.mapId);
    return renderPage(reply, 'pages/maps/role', roleMapPage(map, requireRole(map, request.params.roleKey)));
  });

  app.get('/:mapId/outcomes/:code', { schema: { params: outcomeParams } }, async (request, reply) => {
    const map = requireMap(app.maps, request.params.mapId);
    const page = outcomeAcrossRolesPage(map, request.params.code);
    if (page === undefined) {
      throw new NotFoundError(`The map "${map.title}" has no outcome "${request.params.code}".`, {
        backHref: mapPath(map),
        backLabel: `See the outcomes of ${map.title}`,
      });
    }
    return renderPage(reply, 'pages/maps/outcome', page);
  });

  app.get('/:mapId/roles/:roleKey/outcomes/:code', { schema: { params: roleOutcomeParams } }, async (request, reply) => {
    const map = requireMap(app.maps, request.params.mapId);
    const role = requireRole(map, request.params.roleKey);
    return renderPage(reply, 'pages/maps/role-outcome', roleOutcomePage(map, role, requireOutcome(map, role, request.params.code)));
  });
};

export default mapRoutes;
