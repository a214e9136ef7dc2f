/**
 * No route decides access by itself: server/routes/* never reads a person's scope (roles, led
 * places, memberships, facilitation) nor throws a 403 by hand; they ask access/guard.ts
 * (requireAllowed) or the policy (may). A grep over the source, with the detector itself tested.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROUTES = join(import.meta.dirname, '../../server/routes');

/** The fields of AccessScope (server/access/scope.ts) and the viewer's own admin flag. */
const SCOPE_FIELDS = ['isNetworkAdmin', 'seesWholeNetwork', 'ledDistrictIds', 'ledSiteIds', 'groupIds', 'facilitatedGroupIds'];

const rules: { why: string; pattern: RegExp }[] = [
  { why: 'reads a scope field', pattern: new RegExp(`\\.\\s*(?:${SCOPE_FIELDS.join('|')})\\b`) },
  { why: 'reads a property of a scope', pattern: /(?<![\w/$])scope\s*\??\.\s*[A-Za-z_$]/ },
  { why: 'takes a scope apart', pattern: /\}\s*=\s*(?:[\w$]+\s*\.\s*)?scope\b/ },
  { why: 'decides from the scope module (hasOverview)', pattern: /\bhasOverview\s*\(|^import\s+\{(?![^}]*\btype\b)[^}]*\}\s+from\s+'\.\.\/access\/scope\.js'/ },
  { why: 'refuses by hand instead of asking requireAllowed', pattern: /\bForbiddenError\b|statusCode\s*=\s*403|code\(403\)/ },
];

/** Every line of `source` that breaks a rule, as "line: why". */
function findDirectDecisions(source: string): string[] {
  return source.split('\n').flatMap((line, index) =>
    rules.filter((rule) => rule.pattern.test(line)).map((rule) => `${index + 1}: ${rule.why}: ${line.trim()}`),
  );
}

describe('the detector', () => {
  it.each([
    'if (!viewer.scope.groupIds.includes(groupId)) throw new NotFoundError("x");',
    'const leads = scope.ledDistrictIds.length > 0;',
    'canManage: viewer.isNetworkAdmin,',
    'const facilitated = new Set(viewer.scope.facilitatedGroupIds);',
    'const { seesWholeNetwork } = viewer.scope;',
    'viewer.scope?.seesWholeNetwork ? [] : sites',
    "import { hasOverview } from '../access/scope.js';",
    'if (!hasOverview(viewer.scope)) throw new NotFoundError("x");',
    'if (!context.canAnswer) throw new ForbiddenError();',
    'return reply.code(403).view("errors/error", {});',
  ])('flags %s', (line) => {
    expect(findDirectDecisions(line)).not.toEqual([]);
  });

  it.each([
    "requireAllowed(viewer.scope, 'manage', { kind: 'administration' });",
    'const rows = await listPeople(app.db, viewer.scope, { search });',
    "canManage: may(viewer.scope, 'manage', { kind: 'network' }),",
    "import type { AccessScope } from '../access/scope.js';",
    'const groupIds = [...new Set(rows.map((row) => row.group_id))];',
    'person: { isNetworkAdmin: person.is_network_admin === 1 },',
  ])('lets %s pass', (line) => {
    expect(findDirectDecisions(line)).toEqual([]);
  });
});

describe('server/routes', () => {
  const files = readdirSync(ROUTES).filter((name) => name.endsWith('.ts'));

  it('has route files to read', () => {
    expect(files).toEqual(expect.arrayContaining(['checks.ts', 'consensus.ts', 'people.ts', 'reports.ts', 'self-assessment.ts']));
  });

  it.each(files)('%s leaves every access decision to the guard and the policy', (name) => {
    expect(findDirectDecisions(readFileSync(join(ROUTES, name), 'utf8'))).toEqual([]);
  });
});
