/** GET /: for visitors, what ICMap is and its maps; for a signed-in person, their own page. */
import type { FastifyPluginAsync } from 'fastify';
import { may } from '../access/policy.js';
import { findNetwork } from '../repositories/network.js';
import { groupsOfPerson } from '../repositories/organisation.js';
import { checksForPerson } from '../repositories/progress-checks.js';
import { homeModel } from '../services/home.js';
import { dayIn } from '../services/network-time.js';
import { checkState } from '../services/progress-checks.js';
import { findRole } from '../maps/catalog.js';
import { checkGroupPath, rolePath } from '../urls.js';
import { addDaysTo, decorateAction, DUE_SOON_DAYS } from '../services/action-plans.js';
import { openActionsOwnedBy } from '../repositories/action-plans.js';

const homeRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', async (request, reply) => {
    const viewer = request.viewer;
    if (viewer === null) {
      return reply.view('pages/home', { title: 'ICMap', nav: 'home', maps: app.maps.list() });
    }
    const map = app.maps.primary();
    const [network, groups, checks] = await Promise.all([findNetwork(app.db), groupsOfPerson(app.db, viewer.id), checksForPerson(app.db, viewer.id)]);
    const today = dayIn(request.timeZone);
    const dueSoon = (await openActionsOwnedBy(app.db, viewer.scope, viewer.id, addDaysTo(today, DUE_SOON_DAYS))).map((action) => ({ ...decorateAction(action, viewer.id, today), group_name: action.group_name }));
    const home = await homeModel(app.db, viewer, checks, today);
    return reply.view('pages/dashboard', {
      dueSoon,
      home,
      title: 'Your page',
      nav: 'home',
      network,
      groups: groups
        .filter((group) => group.archived_at === null)
        .map((group) => {
          const role = findRole(map, group.role_key);
          return { ...group, roleName: app.maps.roleName(group.role_key), mapHref: role === undefined ? undefined : rolePath(map, role) };
        }),
      hasOverview: may(viewer.scope, 'view', { kind: 'network' }),
      checks: checks
        .map((row) => ({
          ...row,
          state: checkState(row, today),
          status: row.submitted_at !== null ? 'Submitted' : row.has_draft === 1 ? 'Draft' : 'Not started',
          selfHref: checkGroupPath(row.check_id, row.group_id, 'self'),
          consensusHref: checkGroupPath(row.check_id, row.group_id, 'consensus'),
        }))
        .filter((row) => row.state !== 'closed' || row.closes_on >= addDaysTo(today, -90)),
    });
  });
};

export default homeRoutes;
