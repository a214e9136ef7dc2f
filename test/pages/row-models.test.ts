/** Page-model builders hand templates camelCase objects with real booleans, never database rows with 0/1. */
import { describe, expect, it } from 'vitest';
import { importDonePage } from '../../server/pages/admin.js';
import { groupProgressRow, listedCheck, shownCheck } from '../../server/pages/checks.js';
import { listedPerson, personGroup } from '../../server/pages/people.js';
import { actionRow, requestRow, shownPerson, shownPlan } from '../../server/pages/plans.js';
import type { ProgressCheck } from '../../server/db/schema.js';
import type { PrincipleWithOutcomes } from '../../server/maps/catalog.js';
import type { PlannedAction } from '../../server/services/action-plans.js';
import type { ShownRequest } from '../../server/services/assistance-requests.js';

const check: ProgressCheck = {
  id: 4,
  name: '2026-27 Beginning of year',
  map_id: 'txnsi',
  map_version: '1.0.0',
  opens_on: '2026-09-01',
  closes_on: '2026-09-30',
  closed_at: null,
  district_id: null,
  created_by: 1,
  created_at: '2026-08-20T10:00:00.000Z',
};

describe('row models', () => {
  it('shows a check by what the pages read', () => {
    expect(shownCheck(check)).toEqual({ id: 4, name: '2026-27 Beginning of year', opensOn: '2026-09-01', closesOn: '2026-09-30', mapVersion: '1.0.0' });
    expect(listedCheck({ ...check, group_count: 12 }, 'open')).toEqual({ id: 4, name: '2026-27 Beginning of year', opensOn: '2026-09-01', closesOn: '2026-09-30', state: 'open', groupCount: 12 });
  });

  it("names a group's place, its district beside a site, and whether it revealed", () => {
    const row = { group_id: 9, group_name: 'Elm team', role_key: 'improvement-team', site_id: 3, site_name: 'Elm Middle', district_id: 2, district_name: 'Cedar ISD', member_count: 5, submitted_count: 4, revealed_at: null, agreed_count: 0 };
    const shown = { roleName: 'Improvement team', waitingFor: ['Ann'], stage: 'Waiting for submissions', isMine: false };
    expect(groupProgressRow(row, shown)).toEqual({ groupId: 9, name: 'Elm team', place: 'Elm Middle', districtName: 'Cedar ISD', members: 5, submitted: 4, revealed: false, agreed: 0, ...shown });
    const district = groupProgressRow({ ...row, site_id: null, site_name: null, revealed_at: '2026-09-10T09:00:00.000Z' }, shown);
    expect([district.place, district.districtName, district.revealed]).toEqual(['Cedar ISD', undefined, true]);
    expect(groupProgressRow({ ...row, site_id: null, site_name: null, district_id: null, district_name: null }, shown).place).toBe('Network hub');
  });

  it("turns a person's 0/1 flags into booleans and their seats into schools and roles", () => {
    const person = { id: 7, name: 'Ann Lee', email: 'ann@example.org', is_network_admin: 0, archived_at: null, created_at: '2026-01-01', can_sign_in: 1 };
    const seats = [
      { person_id: 7, role_key: 'improvement-team', site_name: 'Elm Middle', district_name: 'Cedar ISD', is_facilitator: 1 },
      { person_id: 8, role_key: 'hub-team', site_name: null, district_name: null, is_facilitator: 0 },
    ];
    expect(listedPerson(person, seats, (key) => key.toUpperCase())).toEqual({ id: 7, name: 'Ann Lee', email: 'ann@example.org', isNetworkAdmin: false, canSignIn: true, schools: ['Elm Middle'], roles: ['IMPROVEMENT-TEAM (facilitator)'] });
    const group = { id: 3, name: 'Hub', role_key: 'hub-team', district_id: null, site_id: null, archived_at: '2026-02-01', created_at: '2026-01-01', site_name: null, district_name: null, place: { districtId: null, siteId: null }, is_facilitator: 0 };
    expect(personGroup(group)).toEqual({ id: 3, name: 'Hub', place: 'Network hub', isFacilitator: false, archived: true });
  });

  it('shows a request with its dates cut to the day', () => {
    const request: ShownRequest = {
      id: 5, group_id: 3, check_id: null, outcome_code: '1.2', help: 'Coaching', needed_by: '2026-10-01', status: 'answered', answer: 'Yes', assignee_id: 2, answered_by: 2,
      answered_at: '2026-09-20T08:00:00.000Z', version: 2, created_by: 7, created_at: '2026-09-15T12:00:00.000Z', updated_at: '2026-09-20T08:00:00.000Z',
      group_name: 'Elm team', group_role_key: 'improvement-team', site_name: 'Elm Middle', district_name: 'Cedar ISD', asked_by_name: 'Ann Lee', assignee_name: 'Hana Kim', answered_by_name: 'Hana Kim',
      statusLabel: 'Answered', outcomeTitle: 'Shared vision', href: '/requests/5', place: 'Elm Middle, Cedar ISD', late: false,
    };
    expect(requestRow(request)).toMatchObject({ id: 5, outcomeCode: '1.2', groupName: 'Elm team', neededBy: '2026-10-01', askedByName: 'Ann Lee', askedOn: '2026-09-15', assigneeName: 'Hana Kim', answeredByName: 'Hana Kim', answeredOn: '2026-09-20', late: false });
    expect(requestRow({ ...request, answered_at: null }).answeredOn).toBe('');
  });

  it("shows an action with its owners' names and, when it came from a consensus, a link to that outcome there", () => {
    const action: PlannedAction = {
      id: 11, group_id: 3, check_id: 4, outcome_code: '2.1', what: 'Try a data wall', kind: 'pdsa', due_on: '2026-10-01', status: 'planned', version: 1,
      created_by: 7, created_at: '2026-09-15T12:00:00.000Z', updated_by: 7, updated_at: '2026-09-16T08:30:00.000Z',
      owners: [{ person_id: 7, name: 'Ann Lee' }, { person_id: 8, name: 'Ben Ode' }], check_name: 'Fall check',
      overdue: false, statusLabel: 'Planned', kindLabel: 'PDSA cycle', mine: true, href: '/actions/11',
    };
    expect(actionRow(action)).toEqual({
      id: 11, href: '/actions/11', what: 'Try a data wall', kindLabel: 'PDSA cycle', ownerNames: ['Ann Lee', 'Ben Ode'], dueOn: '2026-10-01', overdue: false,
      status: 'planned', statusLabel: 'Planned', outcomeCode: '2.1', fromCheck: { name: 'Fall check', href: '/checks/4/groups/3/consensus#outcome-2.1' }, updatedAt: '2026-09-16T08:30:00.000Z',
    });
    expect(actionRow({ ...action, check_id: null, check_name: null }).fromCheck).toBeUndefined();
  });

  it("shows a plan's group by id and name and its members as people, not membership rows", () => {
    const group = { id: 3, name: 'Elm team', role_key: 'improvement-team', district_id: 2, site_id: 5, archived_at: null, created_at: '2026-01-01', site_name: 'Elm Middle', district_name: 'Cedar ISD', place: { districtId: 2, siteId: 5 } };
    const members = [
      { person_id: 7, name: 'Ann Lee', email: 'ann@example.org', is_facilitator: 1, archived_at: null },
      { person_id: 8, name: 'Ben Ode', email: 'ben@example.org', is_facilitator: 0, archived_at: null },
    ];
    const sections: PrincipleWithOutcomes[] = [];
    expect(shownPlan({ group, sections, members, canManage: true, archived: false })).toEqual({
      group: { id: 3, name: 'Elm team' }, sections, members: [{ id: 7, name: 'Ann Lee' }, { id: 8, name: 'Ben Ode' }], canManage: true, archived: false,
    });
    expect(shownPerson({ person_id: 2, name: 'Hana Kim' })).toEqual({ id: 2, name: 'Hana Kim' });
  });

  it('counts the people an import added and those who cannot sign in yet', () => {
    const upload = { id: 2, uploaded_by: 1, file_name: 'roster.csv', contents: 'email,name', created_at: '2026-09-01T10:00:00.000Z', applied_at: '2026-09-01T10:05:00.000Z' };
    const person = (id: number, hash: string | null, archived: string | null) => ({ id, email: `p${id}@example.org`, name: `P${id}`, is_network_admin: 0, password_hash: hash, created_at: '2026-09-01', archived_at: archived });
    expect(importDonePage(upload, upload.applied_at, [person(1, null, null), person(2, 'x', null), person(3, null, '2026-09-02')])).toEqual({
      title: 'Roster imported',
      nav: 'import',
      upload: { id: 2, fileName: 'roster.csv', uploadedAt: '2026-09-01T10:00:00.000Z', appliedAt: '2026-09-01T10:05:00.000Z' },
      createdCount: 3,
      waiting: 1,
    });
  });
});
