/** The policy's view rules as SQL conditions, so list queries load only what a person may see. */
import { type ExpressionBuilder, type Expression, type SqlBool, sql } from 'kysely';
import type { AccessScope } from '../access/scope.js';
import type { Database } from '../db/schema.js';

// Comparisons, not 0 and 1: PostgreSQL wants a boolean where SQLite takes any number.
const nothing = sql<SqlBool>`1 = 0`;
const everything = sql<SqlBool>`1 = 1`;

export function districtVisible(
  eb: ExpressionBuilder<Database, 'districts'>,
  scope: AccessScope,
): Expression<SqlBool> {
  if (scope.seesWholeNetwork) return everything;
  return scope.ledDistrictIds.length === 0 ? nothing : eb('districts.id', 'in', scope.ledDistrictIds);
}

export function siteVisible(eb: ExpressionBuilder<Database, 'sites'>, scope: AccessScope): Expression<SqlBool> {
  if (scope.seesWholeNetwork) return everything;
  const conditions: Expression<SqlBool>[] = [];
  if (scope.ledDistrictIds.length > 0) conditions.push(eb('sites.district_id', 'in', scope.ledDistrictIds));
  if (scope.ledSiteIds.length > 0) conditions.push(eb('sites.id', 'in', scope.ledSiteIds));
  return conditions.length === 0 ? nothing : eb.or(conditions);
}

/** A group is visible to its members and to the leaders of the place it sits at. */
export function groupVisible(eb: ExpressionBuilder<Database, 'groups'>, scope: AccessScope): Expression<SqlBool> {
  if (scope.seesWholeNetwork) return everything;
  const conditions: Expression<SqlBool>[] = [];
  if (scope.groupIds.length > 0) conditions.push(eb('groups.id', 'in', scope.groupIds));
  if (scope.ledSiteIds.length > 0) conditions.push(eb('groups.site_id', 'in', scope.ledSiteIds));
  if (scope.ledDistrictIds.length > 0) {
    conditions.push(eb('groups.district_id', 'in', scope.ledDistrictIds));
    conditions.push(
      eb('groups.site_id', 'in', eb.selectFrom('sites').select('sites.id').where('sites.district_id', 'in', scope.ledDistrictIds)),
    );
  }
  return conditions.length === 0 ? nothing : eb.or(conditions);
}

/** A person is visible to themselves and to the leaders of any place where they belong to a group. */
export function personVisible(eb: ExpressionBuilder<Database, 'people'>, scope: AccessScope): Expression<SqlBool> {
  if (scope.seesWholeNetwork) return everything;
  const ledGroupIds = eb
    .selectFrom('groups')
    .select('groups.id')
    .where((groups) => {
      const conditions: Expression<SqlBool>[] = [];
      if (scope.ledSiteIds.length > 0) conditions.push(groups('groups.site_id', 'in', scope.ledSiteIds));
      if (scope.ledDistrictIds.length > 0) {
        conditions.push(groups('groups.district_id', 'in', scope.ledDistrictIds));
        conditions.push(
          groups(
            'groups.site_id',
            'in',
            groups.selectFrom('sites').select('sites.id').where('sites.district_id', 'in', scope.ledDistrictIds),
          ),
        );
      }
      return conditions.length === 0 ? nothing : groups.or(conditions);
    });
  return eb.or([
    eb('people.id', '=', scope.personId),
    eb('people.id', 'in', eb.selectFrom('group_members').select('group_members.person_id').where('group_members.group_id', 'in', ledGroupIds)),
  ]);
}

/** `column` names a group the viewer may see: for queries that join groups with other tables. */
export function groupIdVisible<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  column: Parameters<ExpressionBuilder<DB, TB>['ref']>[0],
  scope: AccessScope,
): Expression<SqlBool> {
  if (scope.seesWholeNetwork) return everything;
  const visibleIds = (eb as unknown as ExpressionBuilder<Database, never>)
    .selectFrom('groups')
    .select('groups.id')
    .where((groups) => groupVisible(groups, scope));
  return eb(eb.ref(column), 'in', visibleIds as never);
}

/** Actions and requests for help are group-level: visible exactly where their group is. */
export function actionVisible(eb: ExpressionBuilder<Database, 'actions'>, scope: AccessScope): Expression<SqlBool> {
  return groupIdVisible(eb, 'actions.group_id', scope);
}

export function requestVisible(eb: ExpressionBuilder<Database, 'assistance_requests'>, scope: AccessScope): Expression<SqlBool> {
  return groupIdVisible(eb, 'assistance_requests.group_id', scope);
}
