/**
 * No view builds an in-app address by hand: hrefs, form actions and addresses handed to partials come
 * from server/urls.ts (as `it.h.*`) or from the page's model, so an address changes in one place. A grep
 * over views/, with the detector itself tested. In-page anchors (`href="#main"`) and the paths of
 * layouts and partials (`include('/partials/csrf', it)`) are not addresses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const VIEWS = join(import.meta.dirname, '../../views');

/** Template paths, not addresses. */
const ALLOWED = [/\b(?:include|layout)\(\s*(['"`])\/(?:\\.|(?!\1).)*\1/g];

const rules: { why: string; pattern: RegExp }[] = [
  { why: 'a literal address', pattern: /\b(?:href|action|formaction|src)="[/?]/ },
  { why: 'a literal address', pattern: /(['"`])[/?](?![/*])/ },
  { why: 'a path, query or fragment added to an address by hand', pattern: /\b(?:href|action|formaction|src)="[^"]*%>[/?#&]/ },
  { why: 'a path, query or fragment added to an address by hand', pattern: /\+\s*(['"`])[/?#&]/ },
  { why: 'a path, query or fragment added to an address by hand', pattern: /`[^`]*\$\{[^}]*\}[/?#]/ },
];

/** Every line of an Eta template that builds an address by hand, as "line: why: code". */
function findHandBuiltAddresses(source: string): string[] {
  return source.split('\n').flatMap((line, index) => {
    const code = line.trim();
    const rest = ALLOWED.reduce((text, allowed) => text.replace(allowed, 'ALLOWED'), code);
    return rules.filter((rule) => rule.pattern.test(rest)).map((rule) => `${index + 1}: ${rule.why}: ${code}`);
  });
}

function templates(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? templates(join(dir, entry.name)) : entry.name.endsWith('.eta') ? [join(dir, entry.name)] : [],
  );
}

describe('the detector', () => {
  it.each([
    '<a class="brand" href="/">ICMap</a>',
    '<li><a href="/maps"<% if (it.nav === \'maps\') { %> aria-current="page"<% } %>>IC maps</a></li>',
    '<form method="post" action="/sign-out" class="inline-form">',
    '<a href="?page=2">Next</a>',
    '<li><a href="<%= it.base %>?page=<%= page.number %>">',
    '<li><a href="<%= it.base %>/review">Review</a></li>',
    '<form method="post" action="<%= it.base %>/<%= e.outcome.code %>" class="form">',
    '<a href="<%= it.ft.planHref %>#outcome-<%= it.code %>">action plan</a>',
    "<a href=\"<%= it.meeting ? it.base + '/meeting?outcome=' + e.outcome.code : it.base + '#outcome-' + e.outcome.code %>\">keep theirs</a>",
    "<% const base = '/checks/' + it.check.id + '?' + (it.filter ? it.filter + '&' : '') %>",
    "<%~ include('/partials/rename-form', { action: '/sites/' + it.site.id, name: it.site.name }) %>",
    '<a href="<%= `${it.base}/meeting` %>">Meeting</a>',
    "<a href=\"<%= it.h.withQuery('/people', { archived: 1 }) %>\">Archived</a>",
  ])('flags %s', (line) => {
    expect(findHandBuiltAddresses(line)).not.toEqual([]);
  });

  it.each([
    '<a class="skip-link" href="#main">Skip to content</a>',
    '<li><a href="#outcome-<%= outcome.code %>"><%= outcome.code %></a></li>',
    "<% layout('/layouts/main', { ...it, nav: 'maps' }) %>",
    "<%~ include('/partials/csrf', it) %>",
    '<a class="brand" href="<%= it.h.homePath() %>">ICMap</a>',
    "<a href=\"<%= it.h.withQuery(it.h.checkPath(it.check.id), it.filter, { page: it.pageNumber + 1 }) %>\">Next →</a>",
    "<a href=\"<%= it.h.withSection(it.ft.planHref, 'outcome-' + it.code) %>\">action plan</a>",
    '<form method="post" action="<%= it.base %>" class="survey">',
    '<link rel="stylesheet" href="<%= it.h.asset(\'css/app.css\') %>">',
    "<%~ include('/partials/group-table', { h: it.h, caption: 'Groups at ' + it.site.name }) %>",
    '<p>Levels <%= entry.spread.min %>–<%= entry.spread.max %> and/or not sure</p>',
  ])('lets %s pass', (line) => {
    expect(findHandBuiltAddresses(line)).toEqual([]);
  });
});

describe('views', () => {
  const files = templates(VIEWS).map((file) => relative(VIEWS, file));

  it('has templates to read', () => {
    expect(files).toEqual(expect.arrayContaining(['layouts/main.eta', 'errors/error.eta', 'pages/checks/show.eta', 'partials/survey-heading.eta']));
  });

  it.each(files)('%s takes its addresses from server/urls.ts', (name) => {
    expect(findHandBuiltAddresses(readFileSync(join(VIEWS, name), 'utf8'))).toEqual([]);
  });
});
