/** GET /me/history: a person's own placements across checks, per outcome, beside their team's agreed level. Private to them. */
import type { FastifyPluginAsync } from 'fastify';
import { requireAllowed } from '../access/guard.js';
import { personalHistorySvg } from '../charts/personal-history.js';
import { findRole, levelName } from '../maps/catalog.js';
import { requireViewer } from '../plugins/auth.js';
import { ownPlacementHistory } from '../repositories/self-assessments.js';

const historyRoutes: FastifyPluginAsync = async (app) => {
  app.get('/me/history', async (request, reply) => {
    const viewer = requireViewer(request);
    // The policy, not the URL, keeps it private: only the person themselves may see their history.
    requireAllowed(viewer.scope, 'view', { kind: 'history', personId: viewer.id });
    const map = app.maps.primary();
    const rows = await ownPlacementHistory(app.db, viewer.id);
    const groupIds = [...new Set(rows.map((row) => row.group_id))];
    const groups = groupIds.flatMap((groupId) => {
      const mine = rows.filter((row) => row.group_id === groupId);
      const first = mine[0];
      const role = first === undefined ? undefined : findRole(map, first.role_key);
      if (first === undefined || role === undefined) return [];
      const checks = [...new Map(mine.map((row) => [row.check_id, { key: String(row.check_id), label: row.check_name }])).values()];
      const cell = (code: string, checkKey: string) => mine.find((row) => row.outcome_code === code && String(row.check_id) === checkKey);
      const table = role.outcomes.map((outcome) => ({
        outcome,
        cells: checks.map((check) => {
          const row = cell(outcome.code, check.key);
          return { own: row === undefined ? '—' : row.level === null ? 'not sure' : `Level ${row.level}`, team: row?.team_level === null || row === undefined ? '—' : `Level ${row.team_level}` };
        }),
      }));
      return [
        {
          id: groupId,
          name: first.group_name,
          roleName: role.name,
          checks,
          table,
          chart: personalHistorySvg({
            id: `history-${groupId}`,
            title: `Your placements in ${first.group_name}, beside the team's agreed level`,
            description: `One panel per outcome; checks left to right, oldest first. Level 1 (Ideal) is at the top. Only you can see this.`,
            levelCount: map.levels.length,
            levelLabel: (level) => levelName(map, level),
            checks,
            outcomes: role.outcomes.map((outcome) => ({ code: outcome.code, title: outcome.title })),
            points: mine.map((row) => ({ outcomeCode: row.outcome_code, checkKey: String(row.check_id), own: row.level, team: row.team_level })),
          }),
        },
      ];
    });
    return reply.header('cache-control', 'no-store').view('pages/history/show', { title: 'Your placements over time', nav: 'home', groups });
  });
};

export default historyRoutes;
