/** The one place ICMap's addresses are built: ids in the path, filters in the query string. */
import { describe, expect, it } from 'vitest';
import {
  accessLinkPath,
  auditLogPath,
  checkGroupPath,
  consensusOutcomePath,
  groupPath,
  homePath,
  memberPath,
  networkPath,
  planOutcomePath,
  reportPath,
  requestsPath,
  roleOutcomePath,
  rosterImportPath,
  rosterUploadPath,
  withQuery,
  checkListPath,
  mapListPath,
  myHistoryPath,
  peoplePath,
  signInPath,
  signOutPath,
  surveyPagePath,
  withSection,
  consensusRecordPath,
  dataExportPath,
  rosterTemplatePath,
} from '../server/urls.js';

describe('urls', () => {
  it('puts ids and the page into the path', () => {
    expect(checkGroupPath(3, 12, 'consensus/meeting')).toBe('/checks/3/groups/12/consensus/meeting');
    expect(consensusOutcomePath(3, 12, '2.1')).toBe('/checks/3/groups/12/consensus#outcome-2.1');
    expect(groupPath(7)).toBe('/groups/7');
    expect(groupPath(7, 'actions/new')).toBe('/groups/7/actions/new');
    expect(memberPath(7, 40, 'remove')).toBe('/groups/7/members/40/remove');
    expect(roleOutcomePath({ id: 'txnsi' }, { key: 'hub-team' }, '1.2')).toBe('/maps/txnsi/roles/hub-team/outcomes/1.2');
    expect(reportPath('growth')).toBe('/reports/growth');
    expect(reportPath('sites', { check: 4, role: 'hub-team', district: undefined, page: 2 })).toBe('/reports/sites?check=4&role=hub-team&page=2');
    expect(reportPath('growth', { role: 'hub-team', open: '1', page: 3 }, 'districts-heading')).toBe('/reports/growth?role=hub-team&open=1&page=3#districts-heading');
  });

  it('names the pages without an id, and the rest of the addresses routes redirect to', () => {
    expect([homePath(), networkPath(), requestsPath(), auditLogPath(), rosterUploadPath()]).toEqual(['/', '/network', '/requests', '/admin/audit', '/admin/import']);
    expect(rosterImportPath(5)).toBe('/admin/import/5');
    expect(accessLinkPath('abc-123')).toBe('/access/abc-123');
    expect(checkGroupPath(3, 12, 'self/review')).toBe('/checks/3/groups/12/self/review');
    expect(planOutcomePath(7, '2.1')).toBe('/groups/7/plan#outcome-2.1');
  });

  it('adds a query string, keeping a filter and letting a named value replace one of its own', () => {
    expect(withQuery('/reports/sites', 'check=2&role=hub-team&page=1', { page: 2 })).toBe('/reports/sites?check=2&role=hub-team&page=2');
    expect(withQuery('/checks/1', '', { format: 'csv' })).toBe('/checks/1?format=csv');
    expect(withQuery('/people', { archived: undefined })).toBe('/people');
    expect(withQuery('/groups/7/actions/new', { check: 3, outcome: 'a&b c' })).toBe('/groups/7/actions/new?check=3&outcome=a%26b+c');
    expect(withQuery('/admin/audit', new URLSearchParams())).toBe('/admin/audit');
    expect(withQuery('/admin/audit', new URLSearchParams({ who: 'Ann Lee', before: '40' }))).toBe('/admin/audit?who=Ann+Lee&before=40');
  });

  it('names the lists, the sign-in with where to go next, and a self-assessment page', () => {
    expect([mapListPath(), checkListPath(), peoplePath(), myHistoryPath(), signOutPath(), signInPath()]).toEqual(['/maps', '/checks', '/people', '/me/history', '/sign-out', '/sign-in']);
    expect(signInPath('/checks/3?resume=1')).toBe('/sign-in?next=%2Fchecks%2F3%3Fresume%3D1');
    // encodeURIComponent, as before: a space is %20, not +.
    expect(signInPath('/people?q=a b')).toBe('/sign-in?next=%2Fpeople%3Fq%3Da%20b');
    expect(surveyPagePath(3, 12, 2)).toBe('/checks/3/groups/12/self?page=2');
    expect(checkGroupPath(3, 12, 'self/submit')).toBe('/checks/3/groups/12/self/submit');
    expect(consensusRecordPath(3, 12, '2.1')).toBe('/checks/3/groups/12/consensus/2.1');
  });

  it("names the network page's forms and the CSV files", () => {
    expect([networkPath('districts'), networkPath('groups'), networkPath('time-zone')]).toEqual(['/network/districts', '/network/groups', '/network/time-zone']);
    expect([dataExportPath('checks'), dataExportPath('actions'), rosterTemplatePath()]).toEqual(['/admin/export.csv', '/admin/export-actions.csv', '/admin/import/template.csv']);
  });

  it('adds a section of a page', () => {
    expect(withSection('/network', 'time-zone')).toBe('/network#time-zone');
    expect(withSection(surveyPagePath(3, 12, 2), 'field-level_1.2')).toBe('/checks/3/groups/12/self?page=2#field-level_1.2');
  });
});
