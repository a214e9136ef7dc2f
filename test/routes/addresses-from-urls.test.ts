/**
 * No route builds an in-app address by hand: redirects, back links and hrefs in server/routes/* come
 * from server/urls.ts, so an address changes in one place. A grep over the source, with the detector
 * itself tested. Route patterns (`app.get('/checks/:id', …)`, a route table's `route:`) are not addresses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROUTES = join(import.meta.dirname, '../../server/routes');

/** What may hold a literal starting with "/": a route's pattern, and a test of an address someone sent. */
const ALLOWED = [
  /\bapp\.(?:get|post|put|patch|delete|head|all)\(\s*(['"`])(?:\\.|(?!\1).)*\1/g,
  /\broute:\s*(['"`])(?:\\.|(?!\1).)*\1/g,
  /\.(?:startsWith|endsWith)\(\s*(['"`])(?:\\.|(?!\1).)*\1/g,
];

const rules: { why: string; pattern: RegExp }[] = [
  { why: 'a literal address', pattern: /(['"`])\/(?![/*])/ },
  { why: 'a path, query or fragment added to an address by hand', pattern: /`\$\{[^}]*\}[/?#]/ },
];

/** Every line of `source` that builds an address by hand, as "line: why: code". */
function findHandBuiltAddresses(source: string): string[] {
  return source.split('\n').flatMap((line, index) => {
    const code = line.trim();
    if (code.startsWith('//') || code.startsWith('*') || code.startsWith('/*')) return [];
    const rest = ALLOWED.reduce((text, allowed) => text.replace(allowed, 'ALLOWED'), code);
    return rules.filter((rule) => rule.pattern.test(rest)).map((rule) => `${index + 1}: ${rule.why}: ${code}`);
  });
}

describe('the detector', () => {
  it.each([
    'return reply.redirect(`/checks/${id}`, 303);',
    "backHref: '/admin/import',",
    'return reply.redirect("/", 303);',
    "return { flash: 'Saved.', to: '/network' };",
    'printHref: `${planHref(plan.group.id)}/print`,',
    'csvHref: `${base}?format=csv`,',
    'const back = `${groupPath(id)}#outcome-${code}`;',
    "if (next === undefined) return '/';",
    'url: `${linkBase(request, app.config)}/access/${link.token}`,',
  ])('flags %s', (line) => {
    expect(findHandBuiltAddresses(line)).not.toEqual([]);
  });

  it.each([
    "app.get('/checks/:id', { schema: { params: idParams } }, async (request, reply) => {",
    'app.post(`${place.route}/archive`, { schema: { params: idParams } }, async (request, reply) => {',
    "route: '/districts/:id',",
    'return reply.redirect(checkPath(check.id), 303);',
    "csvHref: withQuery(groupPath(plan.group.id, 'plan'), { format: 'csv' }),",
    "if (!path.startsWith('/')) return homePath();",
    'value: `district-${district.id}`,',
    "import { checkPath } from '../urls.js';",
    '// Back to /checks/3 once it is saved.',
    ' * Only same-site paths: "/groups/3" yes; "//evil.example" no.',
    'url: `${linkBase(request, app.config)}${accessLinkPath(link.token)}`,',
    'title: `${page.principle.code}. ${page.principle.title} — ${context.check.name}`,',
    'if (!/^\\/(?![/\\\\])[^\\s]*$/.test(next)) return homePath();',
  ])('lets %s pass', (line) => {
    expect(findHandBuiltAddresses(line)).toEqual([]);
  });
});

describe('server/routes', () => {
  const files = readdirSync(ROUTES).filter((name) => name.endsWith('.ts'));

  it('has route files to read', () => {
    expect(files).toEqual(expect.arrayContaining(['checks.ts', 'network.ts', 'people.ts', 'self-assessment.ts']));
  });

  it.each(files)('%s takes its addresses from server/urls.ts', (name) => {
    expect(findHandBuiltAddresses(readFileSync(join(ROUTES, name), 'utf8'))).toEqual([]);
  });
});
