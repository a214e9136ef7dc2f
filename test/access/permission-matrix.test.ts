/**
 * Who may see and do what, over HTTP: every persona of the network fixture against every route of
 * the app (network, people, audit, roster import, progress checks, self-assessment, consensus and
 * meeting mode, reports, exports, action plans, requests for help); a test below fails when a route
 * has no row. Public routes (sign-in, the map browser) are listed as such.
 *
 * Rules under test (server/access/policy.ts, through access/guard.ts): outside a person's scope
 * answers 404, as if absent; seen but not theirs to change answers 403 (a check of another district
 * is 404 to close, reopen or report on; one seen through a group but not led is 403); a successful POST answers 303 (the access link: 200,
 * shown once). Anonymous visitors are sent to sign in (303) and change nothing.
 *
 * Refused cells run on one shared app and must leave the database exactly as it was. Cells that
 * succeed and change state each get a fresh app, so no cell depends on another.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadAccessScope } from '../../server/access/load-scope.js';
import { findPerson } from '../../server/repositories/people.js';
import { addMembership } from '../../server/services/organisation.js';
import { openCheck } from '../../server/services/progress-checks.js';
import { checkTables, utcDay } from '../checks/helpers.js';
import { anonymous, signIn, type Agent, type Form } from '../support/http.js';
import { auditEvents, snapshot } from '../support/db-snapshot.js';
import { buildNetworkFixture, PASSWORD, personaNames, type FixturePerson, type NetworkFixture, type PersonaName } from '../support/network-fixture.js';

type Persona = PersonaName | 'anonymous';
const personas: readonly Persona[] = [...personaNames, 'anonymous'];

/** One status per persona, in the order of `personas`. */
type Statuses = readonly [admin: number, hubMember: number, districtLeaderA: number, schoolLeaderA1: number, facilitatorA1: number, memberA1: number, memberB1: number, anonymous: number];

interface Route {
  method: 'GET' | 'POST';
  /** The path with the fixture's names for ids, as it appears in test names: /districts/B. */
  label: string;
  action?: string;
  url: (f: NetworkFixture, me: FixturePerson) => string;
  form?: (f: NetworkFixture) => Form;
  /** The audit action a successful POST records; none: it changes the check tables instead (answers, consensus). */
  audit?: string;
  statuses: Statuses;
  /** Personas whose allowed POST has nothing to act on (no one they may invite): it must change nothing. */
  changesNothingFor?: readonly Persona[];
}

interface Cell {
  persona: Persona;
  method: 'GET' | 'POST';
  name: string;
  url: (f: NetworkFixture, me: FixturePerson) => string;
  form: ((f: NetworkFixture) => Form) | undefined;
  audit: string | undefined;
  expected: number;
  changesNothing: boolean;
}

const get = (label: string, url: Route['url'], statuses: Statuses): Route => ({ method: 'GET', label, url, statuses });
const post = (label: string, action: string, url: Route['url'], form: Route['form'], audit: string | undefined, statuses: Statuses, changesNothingFor: readonly Persona[] = []): Route => ({
  method: 'POST',
  label,
  action,
  url,
  form,
  ...(audit === undefined ? {} : { audit }),
  statuses,
  changesNothingFor,
});

/**
 * Two progress checks opened in every app the matrix uses: one for the whole network (every role)
 * and one for district B's improvement teams only.
 */
interface FixtureChecks {
  network: number;
  districtB: number;
}
const checksOf = new WeakMap<NetworkFixture, FixtureChecks>();
const checks = (f: NetworkFixture): FixtureChecks => {
  const found = checksOf.get(f);
  if (found === undefined) throw new Error('openFixtureChecks(f) was not called for this fixture');
  return found;
};

async function openFixtureChecks(f: NetworkFixture): Promise<NetworkFixture> {
  const admin = (await findPerson(f.app.db, f.people.admin.id))!;
  const actor = { id: admin.id, scope: await loadAccessScope(f.app.db, admin) };
  const open = (name: string, districtId: number | null, roleKeys: string[]) =>
    openCheck(f.app.db, f.app.maps, actor, { name, mapId: 'txnsi', opensOn: utcDay(0), closesOn: utcDay(14), districtId, roleKeys });
  checksOf.set(f, {
    network: await open('Network check', null, ['hub-team', 'district-leader', 'school-leader', 'improvement-team']),
    districtB: await open('Birch check', f.districts.B.id, ['improvement-team']),
  });
  return f;
}

const fixtureWithChecks = async (): Promise<NetworkFixture> => openFixtureChecks(await buildNetworkFixture());

const rename = () => ({ name: 'A new name' });
const inDays = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const newAction = (ownerId: number) => ({ outcome_code: '1.2', what: 'Visit a bright-spot school', kind: 'learn', due_on: inDays(20), owners: String(ownerId) });
/** Owners send status and note; facilitators send every field: one form serves both (extra fields are ignored for owners). */
const markDone = (ownerId: number) => ({ version: '1', status: 'done', note: 'Ran the cycle with two classes.', what: 'Try a data wall for one PDSA cycle', kind: 'pdsa', due_on: inDays(10), owners: String(ownerId) });
const askHub = () => ({ outcome_code: '3.1', help: 'Someone to show us run charts', needed_by: inDays(15) });
const answer = (hubMemberId: number) => ({ version: '1', answer: 'Hugo will visit on Tuesday.', assignee_id: String(hubMemberId), status: 'answered' });
const archive = () => ({ archived: 'true' });
const openForm = (place: string) => ({ name: 'Spring check', map_id: 'txnsi', opens_on: utcDay(0), closes_on: utcDay(14), place, role_keys: 'improvement-team' });
const newDates = () => ({ opens_on: utcDay(0), closes_on: utcDay(30) });
const draft = () => ({ version: '1', page: '1', go: 'save', 'level_1.1': '2' });
const agree = () => ({ level: '2', version: '0', rationale: 'We saw it in every classroom.' });
const selfIn = (f: NetworkFixture, which: 'network' | 'districtB', group: 'teamA1' | 'teamB1', rest = ''): string => `/checks/${checks(f)[which]}/groups/${f.groups[group].id}/self${rest}`;
const consensusIn = (f: NetworkFixture, which: 'network' | 'districtB', group: 'teamA1' | 'teamB1', rest = ''): string => `/checks/${checks(f)[which]}/groups/${f.groups[group].id}/consensus${rest}`;

// prettier-ignore
const routes: Route[] = [
  //                                                                                         adm  hub  dlA  slA1 facA1 memA1 memB1 anon
  get('/',                        () => '/',                                                [200, 200, 200, 200, 200, 200, 200, 200]),
  get('/network',                 () => '/network',                                         [200, 200, 200, 200, 404, 404, 404, 303]),
  get('/districts/A',             (f) => `/districts/${f.districts.A.id}`,                  [200, 200, 200, 404, 404, 404, 404, 303]),
  get('/districts/B',             (f) => `/districts/${f.districts.B.id}`,                  [200, 200, 404, 404, 404, 404, 404, 303]),
  get('/districts/999 (missing)', () => '/districts/999',                                   [404, 404, 404, 404, 404, 404, 404, 303]),
  get('/sites/A1',                (f) => `/sites/${f.sites.A1.id}`,                         [200, 200, 200, 200, 404, 404, 404, 303]),
  get('/sites/B1',                (f) => `/sites/${f.sites.B1.id}`,                         [200, 200, 404, 404, 404, 404, 404, 303]),
  get('/groups/districtLeadersA', (f) => `/groups/${f.groups.districtLeadersA.id}`,         [200, 200, 200, 404, 404, 404, 404, 303]),
  get('/groups/schoolLeadersA1',  (f) => `/groups/${f.groups.schoolLeadersA1.id}`,          [200, 200, 200, 200, 404, 404, 404, 303]),
  get('/groups/teamA1',           (f) => `/groups/${f.groups.teamA1.id}`,                   [200, 200, 200, 200, 200, 200, 404, 303]),
  get('/groups/teamB1',           (f) => `/groups/${f.groups.teamB1.id}`,                   [200, 200, 404, 404, 404, 404, 200, 303]),
  get('/groups/hub',              (f) => `/groups/${f.groups.hub.id}`,                      [200, 200, 404, 404, 404, 404, 404, 303]),
  get('/people',                  () => '/people',                                          [200, 200, 200, 200, 404, 404, 404, 303]),
  get('/people/self',             (_f, me) => `/people/${me.id}`,                           [200, 200, 200, 200, 200, 200, 200, 303]),
  get('/people/districtLeaderA',  (f) => `/people/${f.people.districtLeaderA.id}`,          [200, 200, 200, 404, 404, 404, 404, 303]),
  get('/people/memberA1',         (f) => `/people/${f.people.memberA1.id}`,                 [200, 200, 200, 200, 404, 200, 404, 303]),
  get('/people/memberB1',         (f) => `/people/${f.people.memberB1.id}`,                 [200, 200, 404, 404, 404, 404, 200, 303]),
  get('/people/admin',            (f) => `/people/${f.people.admin.id}`,                    [200, 200, 404, 404, 404, 404, 404, 303]),
  get('/admin/audit',             () => '/admin/audit',                                     [200, 403, 404, 404, 404, 404, 404, 303]),
  get('/admin/audit?who=&kind=people&from=2020-01-01', () => '/admin/audit?who=ada&kind=people&from=2020-01-01', [200, 403, 404, 404, 404, 404, 404, 303]),
  get('/admin/import',            () => '/admin/import',                                    [200, 403, 404, 404, 404, 404, 404, 303]),
  get('/admin/import/template.csv', () => '/admin/import/template.csv',                     [200, 403, 404, 404, 404, 404, 404, 303]),
  get('/admin/import/999 (missing)', () => '/admin/import/999',                             [404, 403, 404, 404, 404, 404, 404, 303]),

  // ---- action plans, requests for help, personal history (issue 16) ----
  get('/groups/teamA1/plan',      (f) => `/groups/${f.groups.teamA1.id}/plan`,              [200, 200, 200, 200, 200, 200, 404, 303]),
  get('/groups/teamB1/plan',      (f) => `/groups/${f.groups.teamB1.id}/plan`,              [200, 200, 404, 404, 404, 404, 200, 303]),
  get('/groups/teamA1/plan?format=csv', (f) => `/groups/${f.groups.teamA1.id}/plan?format=csv`, [200, 200, 200, 200, 200, 200, 404, 303]),
  get('/groups/teamA1/plan/print', (f) => `/groups/${f.groups.teamA1.id}/plan/print`,       [200, 200, 200, 200, 200, 200, 404, 303]),
  get('/groups/teamA1/actions/new', (f) => `/groups/${f.groups.teamA1.id}/actions/new`,     [200, 200, 200, 200, 200, 200, 404, 303]),
  get('/groups/teamB1/actions/new', (f) => `/groups/${f.groups.teamB1.id}/actions/new`,     [200, 200, 404, 404, 404, 404, 200, 303]),
  get('/actions/A1',              (f) => `/actions/${f.actions.A1}`,                        [200, 200, 200, 200, 200, 200, 404, 303]),
  get('/actions/B1',              (f) => `/actions/${f.actions.B1}`,                        [200, 200, 404, 404, 404, 404, 200, 303]),
  get('/actions/999 (missing)',   () => '/actions/999',                                     [404, 404, 404, 404, 404, 404, 404, 303]),
  get('/groups/teamA1/requests/new', (f) => `/groups/${f.groups.teamA1.id}/requests/new`,   [200, 200, 200, 200, 200, 200, 404, 303]),
  get('/requests',                () => '/requests',                                        [200, 200, 200, 200, 404, 404, 404, 303]),
  get('/requests?format=csv',     () => '/requests?format=csv',                             [200, 200, 200, 200, 404, 404, 404, 303]),
  get('/requests/A1',             (f) => `/requests/${f.requests.A1}`,                      [200, 200, 200, 200, 200, 200, 404, 303]),
  get('/requests/B1',             (f) => `/requests/${f.requests.B1}`,                      [200, 200, 404, 404, 404, 404, 200, 303]),
  get('/admin/export-actions.csv', () => '/admin/export-actions.csv',                     [200, 403, 404, 404, 404, 404, 404, 303]),
  get('/me/history',              () => '/me/history',                                      [200, 200, 200, 200, 200, 200, 200, 303]),

  // ---- the network ----                                                                                                         adm  hub  dlA  slA1 facA1 memA1 memB1 anon
  post('/network', 'rename',                () => '/network',                               rename,                                 'network.rename',      [303, 403, 403, 403, 404, 404, 404, 303]),
  post('/network/time-zone', 'set',        () => '/network/time-zone',                     () => ({ time_zone: 'America/Chicago' }), 'network.time-zone', [303, 403, 403, 403, 404, 404, 404, 303]),
  post('/network/districts', 'add',         () => '/network/districts',                     () => ({ name: 'Cedar District' }),     'district.create',     [303, 403, 403, 403, 404, 404, 404, 303]),
  post('/network/groups', 'add',            () => '/network/groups',                        () => ({ name: 'Second hub', role_key: 'hub-team' }), 'group.create', [303, 403, 403, 403, 404, 404, 404, 303]),
  // ---- districts ----
  post('/districts/A', 'rename',            (f) => `/districts/${f.districts.A.id}`,          rename,                                 'district.rename',     [303, 403, 403, 404, 404, 404, 404, 303]),
  post('/districts/B', 'rename',            (f) => `/districts/${f.districts.B.id}`,          rename,                                 'district.rename',     [303, 403, 404, 404, 404, 404, 404, 303]),
  post('/districts/A/archive', 'archive',   (f) => `/districts/${f.districts.A.id}/archive`,  archive,                                'district.archive',    [303, 403, 403, 404, 404, 404, 404, 303]),
  post('/districts/B/archive', 'archive',   (f) => `/districts/${f.districts.B.id}/archive`,  archive,                                'district.archive',    [303, 403, 404, 404, 404, 404, 404, 303]),
  post('/districts/A/sites', 'add site',    (f) => `/districts/${f.districts.A.id}/sites`,    () => ({ name: 'Alder Middle' }),       'site.create',         [303, 403, 403, 404, 404, 404, 404, 303]),
  post('/districts/B/sites', 'add site',    (f) => `/districts/${f.districts.B.id}/sites`,    () => ({ name: 'Birch Middle' }),       'site.create',         [303, 403, 404, 404, 404, 404, 404, 303]),
  post('/districts/A/groups', 'add group',  (f) => `/districts/${f.districts.A.id}/groups`,   () => ({ name: 'More leaders', role_key: 'district-leader' }), 'group.create', [303, 403, 403, 404, 404, 404, 404, 303]),
  post('/districts/B/groups', 'add group',  (f) => `/districts/${f.districts.B.id}/groups`,   () => ({ name: 'More leaders', role_key: 'district-leader' }), 'group.create', [303, 403, 404, 404, 404, 404, 404, 303]),
  // ---- sites ----
  post('/sites/A1', 'rename',               (f) => `/sites/${f.sites.A1.id}`,                 rename,                                 'site.rename',         [303, 403, 403, 403, 404, 404, 404, 303]),
  post('/sites/B1', 'rename',               (f) => `/sites/${f.sites.B1.id}`,                 rename,                                 'site.rename',         [303, 403, 404, 404, 404, 404, 404, 303]),
  post('/sites/A1/archive', 'archive',      (f) => `/sites/${f.sites.A1.id}/archive`,         archive,                                'site.archive',        [303, 403, 403, 403, 404, 404, 404, 303]),
  post('/sites/B1/archive', 'archive',      (f) => `/sites/${f.sites.B1.id}/archive`,         archive,                                'site.archive',        [303, 403, 404, 404, 404, 404, 404, 303]),
  post('/sites/A1/groups', 'add group',     (f) => `/sites/${f.sites.A1.id}/groups`,          () => ({ name: 'Second team', role_key: 'improvement-team' }), 'group.create', [303, 403, 403, 403, 404, 404, 404, 303]),
  post('/sites/B1/groups', 'add group',     (f) => `/sites/${f.sites.B1.id}/groups`,          () => ({ name: 'Second team', role_key: 'improvement-team' }), 'group.create', [303, 403, 404, 404, 404, 404, 404, 303]),
  // ---- groups ----
  post('/groups/districtLeadersA', 'rename', (f) => `/groups/${f.groups.districtLeadersA.id}`, rename,                                'group.rename',        [303, 403, 403, 404, 404, 404, 404, 303]),
  post('/groups/teamA1', 'rename',          (f) => `/groups/${f.groups.teamA1.id}`,           rename,                                 'group.rename',        [303, 403, 403, 403, 403, 403, 404, 303]),
  post('/groups/teamB1', 'rename',          (f) => `/groups/${f.groups.teamB1.id}`,           rename,                                 'group.rename',        [303, 403, 404, 404, 404, 404, 403, 303]),
  post('/groups/teamA1/archive', 'archive', (f) => `/groups/${f.groups.teamA1.id}/archive`,   archive,                                'group.archive',       [303, 403, 403, 403, 403, 403, 404, 303]),
  post('/groups/teamB1/archive', 'archive', (f) => `/groups/${f.groups.teamB1.id}/archive`,   archive,                                'group.archive',       [303, 403, 404, 404, 404, 404, 403, 303]),
  post('/groups/teamA1/members', 'add memberB1 as facilitator', (f) => `/groups/${f.groups.teamA1.id}/members`, (f) => ({ email: f.people.memberB1.email, facilitator: 'on' }), 'group.add-member', [303, 403, 403, 403, 403, 403, 404, 303]),
  post('/groups/teamB1/members', 'add memberA1 as facilitator', (f) => `/groups/${f.groups.teamB1.id}/members`, (f) => ({ email: f.people.memberA1.email, facilitator: 'on' }), 'group.add-member', [303, 403, 404, 404, 404, 404, 403, 303]),
  post('/groups/teamA1/members/memberA1/remove', 'remove',           (f) => `/groups/${f.groups.teamA1.id}/members/${f.people.memberA1.id}/remove`,      undefined, 'group.remove-member', [303, 403, 403, 403, 403, 403, 404, 303]),
  post('/groups/teamB1/members/memberB1/remove', 'remove',           (f) => `/groups/${f.groups.teamB1.id}/members/${f.people.memberB1.id}/remove`,      undefined, 'group.remove-member', [303, 403, 404, 404, 404, 404, 403, 303]),
  post('/groups/teamA1/members/memberA1/facilitator', 'make facilitator', (f) => `/groups/${f.groups.teamA1.id}/members/${f.people.memberA1.id}/facilitator`, () => ({ facilitator: 'on' }), 'group.add-member', [303, 403, 403, 403, 403, 403, 404, 303]),
  post('/groups/teamB1/members/memberB1/facilitator', 'make facilitator', (f) => `/groups/${f.groups.teamB1.id}/members/${f.people.memberB1.id}/facilitator`, () => ({ facilitator: 'on' }), 'group.add-member', [303, 403, 404, 404, 404, 404, 403, 303]),
  // ---- action plans and requests for help (issue 16) ----
  post('/groups/teamA1/actions', 'plan', (f) => `/groups/${f.groups.teamA1.id}/actions`, (f) => newAction(f.people.memberA1.id), 'action.create', [403, 403, 403, 403, 303, 403, 404, 303]),
  post('/groups/teamB1/actions', 'plan', (f) => `/groups/${f.groups.teamB1.id}/actions`, (f) => newAction(f.people.memberB1.id), 'action.create', [403, 403, 404, 404, 404, 404, 403, 303]),
  post('/actions/A1', 'mark done',       (f) => `/actions/${f.actions.A1}`,              (f) => markDone(f.people.memberA1.id),  'action.update',       [403, 403, 403, 403, 303, 303, 404, 303]),
  post('/actions/B1', 'mark done',       (f) => `/actions/${f.actions.B1}`,              (f) => markDone(f.people.memberB1.id),  'action.update',       [403, 403, 404, 404, 404, 404, 303, 303]),
  post('/groups/teamA1/requests', 'ask', (f) => `/groups/${f.groups.teamA1.id}/requests`, askHub,                               'request.create',      [403, 403, 403, 403, 303, 403, 404, 303]),
  post('/groups/teamB1/requests', 'ask', (f) => `/groups/${f.groups.teamB1.id}/requests`, askHub,                               'request.create',      [403, 403, 404, 404, 404, 404, 403, 303]),
  post('/requests/A1', 'answer',         (f) => `/requests/${f.requests.A1}`,            (f) => answer(f.people.hubMember.id),   'request.answer',      [303, 303, 403, 403, 403, 403, 404, 303]),
  post('/requests/B1', 'answer',         (f) => `/requests/${f.requests.B1}`,            (f) => answer(f.people.hubMember.id),   'request.answer',      [303, 303, 404, 404, 404, 404, 403, 303]),
  // ---- roster import and invitation slips ----                                                                                adm  hub  dlA  slA1 facA1 memA1 memB1 anon
  post('/admin/import', 'upload no file',   () => '/admin/import',                          () => ({}),                             undefined,             [422, 403, 404, 404, 404, 404, 404, 303]),
  post('/admin/import/999/confirm', 'apply (missing)', () => '/admin/import/999/confirm',   undefined,                              undefined,             [404, 403, 404, 404, 404, 404, 404, 303]),
  post('/admin/import/999/invitations.csv', 'invite (missing)', () => '/admin/import/999/invitations.csv', undefined,               undefined,             [404, 403, 404, 404, 404, 404, 404, 303]),
  post('/admin/import/999/invitation-slips', 'slips (missing)', () => '/admin/import/999/invitation-slips', undefined,               undefined,             [404, 403, 404, 404, 404, 404, 404, 303]),
  // Leaders print slips for the people they may invite; the hub oversees but invites nobody, so its page has no slip.
  post('/groups/teamA1/invitation-slips', 'print slips', (f) => `/groups/${f.groups.teamA1.id}/invitation-slips`, undefined,          'invitation.create',   [200, 200, 200, 200, 403, 403, 404, 303], ['hubMember']),
  post('/groups/teamB1/invitation-slips', 'print slips', (f) => `/groups/${f.groups.teamB1.id}/invitation-slips`, undefined,          'invitation.create',   [200, 200, 404, 404, 404, 404, 403, 303], ['admin', 'hubMember']),
  // ---- people ----
  post('/people', 'add',                    () => '/people',                                  () => ({ name: 'Nora New', email: 'nora.new@alder.test' }), 'person.create', [303, 403, 403, 403, 404, 404, 404, 303]),
  post('/people/memberA1', 'edit',          (f) => `/people/${f.people.memberA1.id}`,         (f) => ({ name: 'Milo Moss-Smith', email: f.people.memberA1.email }), 'person.update', [303, 403, 403, 403, 404, 403, 404, 303]),
  post('/people/memberB1', 'edit',          (f) => `/people/${f.people.memberB1.id}`,         (f) => ({ name: 'Bea Brook-Smith', email: f.people.memberB1.email }), 'person.update', [303, 403, 404, 404, 404, 404, 403, 303]),
  post('/people/memberA1/admin', 'make admin', (f) => `/people/${f.people.memberA1.id}/admin`, () => ({ admin: 'true' }),             'person.grant-admin',  [303, 403, 403, 403, 404, 403, 404, 303]),
  post('/people/memberB1/admin', 'make admin', (f) => `/people/${f.people.memberB1.id}/admin`, () => ({ admin: 'true' }),             'person.grant-admin',  [303, 403, 404, 404, 404, 404, 403, 303]),
  post('/people/memberA1/archive', 'archive', (f) => `/people/${f.people.memberA1.id}/archive`, archive,                              'person.archive',      [303, 403, 403, 403, 404, 403, 404, 303]),
  post('/people/memberB1/archive', 'archive', (f) => `/people/${f.people.memberB1.id}/archive`, archive,                              'person.archive',      [303, 403, 404, 404, 404, 404, 403, 303]),
  post('/people/memberA1/unlock', 'lift the sign-in lock', (f) => `/people/${f.people.memberA1.id}/unlock`, undefined,           'person.unlock',       [303, 403, 403, 403, 404, 403, 404, 303]),
  post('/people/memberB1/unlock', 'lift the sign-in lock', (f) => `/people/${f.people.memberB1.id}/unlock`, undefined,           'person.unlock',       [303, 403, 404, 404, 404, 404, 403, 303]),
  // A person's devices are theirs alone: they sign themselves out elsewhere; nobody else can.
  post('/people/self/sessions/end-others', 'sign out elsewhere', (_f, me) => `/people/${me.id}/sessions/end-others`, undefined,      'session.end-others',  [303, 303, 303, 303, 303, 303, 303, 303]),
  post('/people/memberA1/sessions/end-others', 'sign out elsewhere', (f) => `/people/${f.people.memberA1.id}/sessions/end-others`, undefined, 'session.end-others', [403, 403, 403, 403, 404, 303, 404, 303]),
  // A person with no password gets an invitation; one with a password gets a reset link, which is a
  // way into their account (and their private placements): leaders may invite, only admins may reset.
  post('/people/newcomerA1/access-link', 'invitation', (f) => `/people/${f.newcomerA1.id}/access-link`, undefined,                  'invitation.create',   [200, 403, 200, 200, 404, 404, 404, 303]),
  post('/people/memberA1/access-link', 'reset', (f) => `/people/${f.people.memberA1.id}/access-link`, undefined,                     'reset.create',        [200, 403, 403, 403, 404, 403, 404, 303]),
  post('/people/memberB1/access-link', 'reset', (f) => `/people/${f.people.memberB1.id}/access-link`, undefined,                     'reset.create',        [200, 403, 404, 404, 404, 404, 403, 303]),
  post('/people/self/access-link', 'reset', (_f, me) => `/people/${me.id}/access-link`,       undefined,                              'reset.create',        [200, 403, 403, 403, 403, 403, 403, 303]),

  // ---- progress checks ----                                                                                                   adm  hub  dlA  slA1 facA1 memA1 memB1 anon
  get('/checks',                  () => '/checks',                                          [200, 200, 200, 200, 200, 200, 200, 303]),
  get('/checks/network',          (f) => `/checks/${checks(f).network}`,                     [200, 200, 200, 200, 200, 200, 200, 303]),
  get('/checks/districtB',        (f) => `/checks/${checks(f).districtB}`,                   [200, 200, 404, 404, 404, 404, 200, 303]),
  get('/checks/999 (missing)',    () => '/checks/999',                                      [404, 404, 404, 404, 404, 404, 404, 303]),
  post('/checks/network/close', 'close',          (f) => `/checks/${checks(f).network}/close`,   () => ({ confirm: 'yes' }),                   'check.close',         [303, 403, 403, 403, 403, 403, 403, 303]),
  post('/checks/districtB/close', 'close',        (f) => `/checks/${checks(f).districtB}/close`, () => ({ confirm: 'yes' }),                   'check.close',         [303, 403, 404, 404, 404, 404, 403, 303]),
  post('/checks/999/close', 'close (missing)',    () => '/checks/999/close',                     () => ({ confirm: 'yes' }),                   'check.close',         [404, 404, 404, 404, 404, 404, 404, 303]),
  post('/checks/districtB/reopen', 'reopen',      (f) => `/checks/${checks(f).districtB}/reopen`, () => ({ closes_on: utcDay(20) }), 'check.reopen',   [303, 403, 404, 404, 404, 404, 403, 303]),
  post('/checks/network/reopen', 'reopen',        (f) => `/checks/${checks(f).network}/reopen`,   () => ({ closes_on: utcDay(20) }), 'check.reopen',   [303, 403, 403, 403, 403, 403, 403, 303]),
  post('/checks/999/reopen', 'reopen (missing)',  () => '/checks/999/reopen',                     () => ({ closes_on: utcDay(20) }), 'check.reopen',   [404, 404, 404, 404, 404, 404, 404, 303]),
  post('/checks/network/dates', 'move',           (f) => `/checks/${checks(f).network}/dates`,   newDates,                                     'check.dates',         [303, 403, 403, 403, 403, 403, 403, 303]),
  post('/checks/districtB/dates', 'move',         (f) => `/checks/${checks(f).districtB}/dates`, newDates,                                     'check.dates',         [303, 403, 404, 404, 404, 404, 403, 303]),
  get('/checks/network/close (confirm)',          (f) => `/checks/${checks(f).network}/close`,                                                                        [200, 403, 403, 403, 403, 403, 403, 303]),
  get('/checks/districtB/close (confirm)',        (f) => `/checks/${checks(f).districtB}/close`,                                                                      [200, 403, 404, 404, 404, 404, 403, 303]),
  get('/checks/districtB?format=csv',             (f) => `/checks/${checks(f).districtB}?format=csv`,                                                                 [200, 200, 404, 404, 404, 404, 200, 303]),
  // Opening: admins for the network, district leaders for their own district; the check list is everyone's, so the rest is 403.
  post('/checks', 'open for the network',         () => '/checks',                               () => openForm('network'),                    'check.open',          [303, 403, 403, 403, 403, 403, 403, 303]),
  post('/checks', 'open for district A',          () => '/checks',                               (f) => openForm(`district-${f.districts.A.id}`), 'check.open',       [303, 403, 303, 403, 403, 403, 403, 303]),
  // ---- a group's part in a check: survey, consensus, team report ----
  get('/checks/network/groups/teamA1/self',      (f) => `/checks/${checks(f).network}/groups/${f.groups.teamA1.id}/self`,      [404, 404, 404, 404, 200, 200, 404, 303]),
  get('/checks/districtB/groups/teamB1/self',    (f) => selfIn(f, 'districtB', 'teamB1'),                                      [404, 404, 404, 404, 404, 404, 200, 303]),
  get('/checks/network/groups/teamA1/self/review', (f) => selfIn(f, 'network', 'teamA1', '/review'),                           [404, 404, 404, 404, 200, 200, 404, 303]),
  // Only members have a self-assessment: leaders and admins who see the group get the same 404 as outsiders.
  post('/checks/network/groups/teamA1/self', 'save a draft', (f) => selfIn(f, 'network', 'teamA1'), draft, undefined,         [404, 404, 404, 404, 303, 303, 404, 303]),
  post('/checks/districtB/groups/teamB1/self', 'save a draft', (f) => selfIn(f, 'districtB', 'teamB1'), draft, undefined,     [404, 404, 404, 404, 404, 404, 303, 303]),
  // Submitting nothing is let through the guard and refused for what is missing (422), changing nothing.
  post('/checks/network/groups/teamA1/self/submit', 'submit unanswered', (f) => selfIn(f, 'network', 'teamA1', '/submit'), () => ({ version: '0' }), undefined, [404, 404, 404, 404, 422, 422, 404, 303]),
  post('/checks/districtB/groups/teamB1/self/submit', 'submit unanswered', (f) => selfIn(f, 'districtB', 'teamB1', '/submit'), () => ({ version: '0' }), undefined, [404, 404, 404, 404, 404, 404, 422, 303]),
  get('/checks/network/groups/teamA1/consensus', (f) => `/checks/${checks(f).network}/groups/${f.groups.teamA1.id}/consensus`, [200, 200, 200, 200, 200, 200, 404, 303]),
  get('/checks/network/groups/teamA1/consensus/meeting', (f) => `/checks/${checks(f).network}/groups/${f.groups.teamA1.id}/consensus/meeting`, [200, 200, 200, 200, 200, 200, 404, 303]),
  get('/checks/network/groups/teamA1/report',    (f) => `/checks/${checks(f).network}/groups/${f.groups.teamA1.id}/report`,    [200, 200, 200, 200, 200, 200, 404, 303]),
  get('/checks/network/groups/teamA1/report.csv', (f) => `/checks/${checks(f).network}/groups/${f.groups.teamA1.id}/report?format=csv`, [200, 200, 200, 200, 200, 200, 404, 303]),
  get('/checks/districtB/groups/teamB1/consensus', (f) => `/checks/${checks(f).districtB}/groups/${f.groups.teamB1.id}/consensus`, [200, 200, 404, 404, 404, 404, 200, 303]),
  get('/checks/districtB/groups/teamB1/consensus/meeting', (f) => consensusIn(f, 'districtB', 'teamB1', '/meeting'),          [200, 200, 404, 404, 404, 404, 200, 303]),
  get('/checks/districtB/groups/teamB1/report',  (f) => `/checks/${checks(f).districtB}/groups/${f.groups.teamB1.id}/report`,  [200, 200, 404, 404, 404, 404, 200, 303]),
  get('/checks/districtB/groups/teamA1/report (not taking part)', (f) => `/checks/${checks(f).districtB}/groups/${f.groups.teamA1.id}/report`, [404, 404, 404, 404, 404, 404, 404, 303]),
  // Recording an agreed level (on the consensus page or in meeting mode): the group's facilitators only.
  post('/checks/network/groups/teamA1/consensus/1.1', 'record', (f) => consensusIn(f, 'network', 'teamA1', '/1.1'), agree, undefined, [403, 403, 403, 403, 303, 403, 404, 303]),
  post('/checks/network/groups/teamA1/consensus/1.1', 'record in meeting mode', (f) => consensusIn(f, 'network', 'teamA1', '/1.1'), () => ({ ...agree(), meeting: '1' }), undefined, [403, 403, 403, 403, 303, 403, 404, 303]),
  post('/checks/districtB/groups/teamB1/consensus/1.1', 'record', (f) => consensusIn(f, 'districtB', 'teamB1', '/1.1'), agree, undefined, [403, 403, 404, 404, 404, 404, 403, 303]),
  get('/checks/districtB/groups/teamA1/consensus (not taking part)', (f) => `/checks/${checks(f).districtB}/groups/${f.groups.teamA1.id}/consensus`, [404, 404, 404, 404, 404, 404, 404, 303]),
  post('/checks/network/groups/teamA1/consensus/reveal', 'reveal', (f) => `/checks/${checks(f).network}/groups/${f.groups.teamA1.id}/consensus/reveal`, () => ({ confirm: 'on' }), 'consensus.reveal', [403, 403, 403, 403, 303, 403, 404, 303]),
  post('/checks/districtB/groups/teamB1/consensus/reveal', 'reveal', (f) => `/checks/${checks(f).districtB}/groups/${f.groups.teamB1.id}/consensus/reveal`, () => ({ confirm: 'on' }), 'consensus.reveal', [403, 403, 404, 404, 404, 404, 403, 303]),
  get('/checks/network/groups/teamA1/consensus/named-view', (f) => `/checks/${checks(f).network}/groups/${f.groups.teamA1.id}/consensus/named-view`, [403, 403, 403, 403, 200, 403, 404, 303]),
  get('/checks/districtB/groups/teamB1/consensus/named-view', (f) => `/checks/${checks(f).districtB}/groups/${f.groups.teamB1.id}/consensus/named-view`, [403, 403, 404, 404, 404, 404, 403, 303]),
  post('/checks/network/groups/teamA1/consensus/named-view', 'names on', (f) => `/checks/${checks(f).network}/groups/${f.groups.teamA1.id}/consensus/named-view`, () => ({ shows_names: 'on', confirm: 'on' }), 'consensus.named-view-on', [403, 403, 403, 403, 303, 403, 404, 303]),
  post('/checks/districtB/groups/teamB1/consensus/named-view', 'names on', (f) => `/checks/${checks(f).districtB}/groups/${f.groups.teamB1.id}/consensus/named-view`, () => ({ shows_names: 'on', confirm: 'on' }), 'consensus.named-view-on', [403, 403, 404, 404, 404, 404, 403, 303]),
  // ---- reports and exports ----
  get('/reports/sites',           () => '/reports/sites',                                   [200, 200, 200, 200, 404, 404, 404, 303]),
  get('/reports/sites?check=network', (f) => `/reports/sites?check=${checks(f).network}`,    [200, 200, 200, 200, 404, 404, 404, 303]),
  get('/reports/sites?check=districtB', (f) => `/reports/sites?check=${checks(f).districtB}`, [200, 200, 404, 404, 404, 404, 404, 303]),
  get('/reports/sites?check=districtB&format=csv', (f) => `/reports/sites?check=${checks(f).districtB}&format=csv`, [200, 200, 404, 404, 404, 404, 404, 303]),
  get('/reports/growth',          () => '/reports/growth',                                  [200, 200, 200, 200, 404, 404, 404, 303]),
  get('/reports/growth?format=csv', () => '/reports/growth?format=csv',                     [200, 200, 200, 200, 404, 404, 404, 303]),
  get('/admin/export.csv',        () => '/admin/export.csv',                                [200, 403, 404, 404, 404, 404, 404, 303]),
];

/** The table: one row per persona and route, with the exact status expected. */
const cells: Cell[] = routes.flatMap((route) =>
  personas.map((persona, index) => {
    const expected = route.statuses[index]!;
    const action = route.action === undefined ? '' : ` (${route.action})`;
    return {
      persona,
      method: route.method,
      name: `${persona}: ${route.method} ${route.label}${action} → ${expected}`,
      url: route.url,
      form: route.form,
      audit: route.audit,
      expected,
      changesNothing: route.changesNothingFor?.includes(persona) ?? false,
    };
  }),
);

/** A successful action changes state: it gets an app of its own. */
const changesState = (cell: Cell): boolean => cell.method === 'POST' && cell.persona !== 'anonymous' && cell.expected < 400 && !cell.changesNothing;

const meOf = (f: NetworkFixture, persona: Persona): FixturePerson => f.people[persona === 'anonymous' ? 'admin' : persona];

async function agentFor(f: NetworkFixture, persona: Persona, index: number): Promise<Agent> {
  const remoteAddress = `10.0.0.${index + 1}`;
  if (persona === 'anonymous') return anonymous(f.app, { remoteAddress });
  return signIn(f.app, f.people[persona].email, PASSWORD, { remoteAddress });
}

function send(agent: Agent, f: NetworkFixture, cell: Cell) {
  const url = cell.url(f, meOf(f, cell.persona));
  if (cell.method === 'GET') return agent.get(url);
  return agent.post(url, cell.form?.(f) ?? {}, { tokenFrom: cell.persona === 'anonymous' ? '/sign-in' : '/' });
}

describe('permission matrix: refusals, reads and sign-in redirects (one shared app)', () => {
  let f: NetworkFixture;
  const agents = new Map<Persona, Agent>();

  beforeAll(async () => {
    f = await fixtureWithChecks();
    for (const [index, persona] of personas.entries()) agents.set(persona, await agentFor(f, persona, index));
  });
  afterAll(async () => {
    await f.app.close();
  });

  it.each(cells.filter((cell) => !changesState(cell)).map((cell) => [cell.name, cell] as const))('%s', async (_name, cell) => {
    const before = { ...(await snapshot(f.app.db)), ...(await checkTables(f)) };
    const response = await send(agents.get(cell.persona)!, f, cell);

    expect(response.statusCode).toBe(cell.expected);
    if (cell.expected === 404) expect(response.body).toMatch(/in your part of the network|There is no|You have no self-assessment in this group/);
    if (cell.expected === 403) expect(response.body).toMatch(/your role does not let you change it|Only the group(’|&#39;)s facilitators can do this|Only network administrators open checks|open checks only for a district you lead/);
    if (cell.persona === 'anonymous' && cell.expected === 303) {
      const url = cell.url(f, meOf(f, cell.persona));
      expect(response.headers.location).toBe(cell.method === 'GET' ? `/sign-in?next=${encodeURIComponent(url)}` : '/sign-in');
    }
    if (cell.method === 'GET' && cell.expected === 200 && cell.persona !== 'anonymous' && String(response.headers['content-type']).startsWith('text/html')) {
      expect(response.body).toContain(`<span class="account__name">${f.people[cell.persona].name}</span>`);
    }
    // Refused or not, nothing about the network, its people, links, audit log or checks changed.
    expect({ ...(await snapshot(f.app.db)), ...(await checkTables(f)) }).toEqual(before);
  });
});

/**
 * Routes anyone may use, signed in or not: nothing to decide. Every other route of the app must have
 * its row in the matrix above.
 */
const PUBLIC_ROUTES = new Set([
  'GET /*',
  'GET /healthz',
  'GET /sign-in',
  'POST /sign-in',
  'POST /sign-out',
  'GET /setup/:token',
  'POST /setup/:token',
  'GET /access/:token',
  'POST /access/:token',
  'GET /maps',
  'GET /maps/',
  'GET /maps/:mapId',
  'GET /maps/:mapId/roles/:roleKey',
  'GET /maps/:mapId/roles/:roleKey/outcomes/:code',
  'GET /maps/:mapId/outcomes/:code',
]);

/** "GET /checks/:id" for every GET and POST route, read from Fastify's own route tree. */
function registeredRoutes(tree: string): string[] {
  const found: string[] = [];
  const stack: { depth: number; path: string }[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([\s│├└─]*?)(?:[├└]── )?(\S+) \(([A-Z, ]+)\)$/.exec(line);
    if (match === null) continue;
    const depth = line.indexOf(match[2]!);
    while (stack.length > 0 && stack.at(-1)!.depth >= depth) stack.pop();
    const path = `${stack.at(-1)?.path ?? ''}${stack.length > 0 && !match[2]!.startsWith('/') && !stack.at(-1)!.path.endsWith('/') ? '/' : ''}${match[2]!}`;
    stack.push({ depth, path });
    for (const method of match[3]!.split(', ')) if (method === 'GET' || method === 'POST') found.push(`${method} ${path}`);
  }
  return found;
}

describe('permission matrix: every route has its row', () => {
  let f: NetworkFixture;
  beforeAll(async () => {
    f = await fixtureWithChecks();
  });
  afterAll(async () => {
    await f.app.close();
  });

  it('reads the route tree (the reader itself)', () => {
    expect(registeredRoutes(f.app.printRoutes({ commonPrefix: false }))).toEqual(
      expect.arrayContaining(['GET /', 'GET /checks/:id', 'POST /checks/:id/groups/:groupId/consensus/:code', 'GET /maps/:mapId/roles/:roleKey/outcomes/:code', 'POST /people/:id/sessions/end-others']),
    );
  });

  it('every GET and POST route that is not public is in the matrix, for every persona', () => {
    const registered = registeredRoutes(f.app.printRoutes({ commonPrefix: false }));
    const pattern = (route: string): RegExp => new RegExp(`^${route.replace(/:[A-Za-z]+/g, '[^/]+').replaceAll('.', '\\.')}$`);
    const staticSegments = (route: string): number => route.split('/').filter((segment) => !segment.startsWith(':') && segment !== '*').length;
    // The route each row reaches, as the router picks it: a static segment wins over a parameter.
    const reached = new Set(
      routes.map((route) => {
        const row = `${route.method} ${route.url(f, f.people.admin).split('?')[0]!}`;
        return registered.filter((candidate) => pattern(candidate).test(row)).sort((a, b) => staticSegments(b) - staticSegments(a))[0];
      }),
    );
    const missing = registered.filter((route) => !PUBLIC_ROUTES.has(route) && !reached.has(route));
    expect(missing).toEqual([]);
  });
});

describe('permission matrix: actions that succeed (a fresh app each)', () => {
  // Each cell has its own app, so they can run side by side (sign-in's scrypt runs off the main thread).
  it.concurrent.for(cells.filter(changesState).map((cell) => [cell.name, cell] as const))('%s', async ([, cell], { expect }) => {
    const f = await fixtureWithChecks();
    try {
      const agent = await agentFor(f, cell.persona, 0);
      const before = await auditEvents(f.app.db);
      const tablesBefore = await checkTables(f);
      const response = await send(agent, f, cell);

      expect(response.statusCode).toBe(cell.expected);
      if (cell.expected === 303) {
        expect(response.headers.location).toMatch(/^\/(?!sign-in)/);
      } else {
        // The link is shown on this response only, and must not be cached.
        expect(response.body).toMatch(/\/access\/[A-Za-z0-9_-]{20,}/);
        expect(response.headers['cache-control']).toBe('no-store');
      }
      const after = await auditEvents(f.app.db);
      if (cell.audit === undefined) {
        // Answers and consensus are not audited: they show in the check tables instead.
        expect(after).toEqual(before);
        expect(await checkTables(f)).not.toEqual(tablesBefore);
        return;
      }
      expect(after).toHaveLength(before.length + 1);
      expect(after.at(-1)).toMatchObject({ action: cell.audit, actor_id: meOf(f, cell.persona).id });
    } finally {
      await f.app.close();
    }
  });
});

describe('membership forms, sent exactly as the group page sends them', () => {
  let f: NetworkFixture;
  let admin: Agent;
  beforeEach(async () => {
    f = await buildNetworkFixture();
    admin = await signIn(f.app, f.people.admin.email, PASSWORD);
  });
  afterEach(async () => {
    await f.app.close();
  });
  const membership = (groupId: number, personId: number) =>
    f.app.db.selectFrom('group_members').select('is_facilitator').where('group_id', '=', groupId).where('person_id', '=', personId).executeTakeFirst();

  it('admin: POST /groups/teamA1/members with the Facilitator box unticked (no field) → 303, a plain member', async () => {
    // An unticked checkbox is not sent at all.
    const response = await admin.post(`/groups/${f.groups.teamA1.id}/members`, { email: f.people.memberB1.email });
    expect(response.statusCode).toBe(303);
    expect(await membership(f.groups.teamA1.id, f.people.memberB1.id)).toEqual({ is_facilitator: 0 });
  });

  it('admin: POST /groups/teamA1/members/facilitatorA1/facilitator from "Stop facilitating" (no field) → 303, no longer facilitates', async () => {
    const page = await admin.get(`/groups/${f.groups.teamA1.id}`);
    const stopForm = new RegExp(`action="/groups/${f.groups.teamA1.id}/members/${f.people.facilitatorA1.id}/facilitator"[^]*?</form>`).exec(page.body)?.[0];
    expect(stopForm).toContain('Stop facilitating');
    expect(stopForm).not.toContain('name="facilitator"');

    const response = await admin.post(`/groups/${f.groups.teamA1.id}/members/${f.people.facilitatorA1.id}/facilitator`, {});
    expect(response.statusCode).toBe(303);
    expect(await membership(f.groups.teamA1.id, f.people.facilitatorA1.id)).toEqual({ is_facilitator: 0 });
  });
});

describe('what each persona sees in lists', () => {
  let f: NetworkFixture;
  const agents = new Map<Persona, Agent>();
  const page = async (persona: Persona, url: string): Promise<string> => {
    const response = await agents.get(persona)!.get(url);
    expect(response.statusCode, `${persona} GET ${url}`).toBe(200);
    return response.body;
  };

  beforeAll(async () => {
    f = await buildNetworkFixture();
    for (const [index, persona] of personas.entries()) agents.set(persona, await agentFor(f, persona, index));
  });
  afterAll(async () => {
    await f.app.close();
  });

  it('the district leader of A sees district A on /network, not B, not the hub', async () => {
    const html = await page('districtLeaderA', '/network');
    expect(html).toContain(`href="/districts/${f.districts.A.id}"`);
    expect(html).toContain(f.districts.A.name);
    expect(html).not.toContain(`href="/districts/${f.districts.B.id}"`);
    expect(html).not.toContain('Birch');
    expect(html).not.toContain(f.groups.hub.name);
    expect(html).not.toContain('Manage the network');
  });

  it("the district leader of A sees A's sites and district groups on /districts/A", async () => {
    const html = await page('districtLeaderA', `/districts/${f.districts.A.id}`);
    expect(html).toContain(`href="/sites/${f.sites.A1.id}"`);
    expect(html).toContain(f.sites.A1.name);
    expect(html).toContain(`href="/groups/${f.groups.districtLeadersA.id}"`);
    expect(html).not.toContain('Birch');
    expect(html).not.toContain('Manage this district');
  });

  it("the district leader of A sees A's people, with emails, on /people and none of B's", async () => {
    const html = await page('districtLeaderA', '/people');
    for (const persona of ['districtLeaderA', 'schoolLeaderA1', 'facilitatorA1', 'memberA1'] as const) {
      expect(html).toContain(f.people[persona].name);
      expect(html).toContain(f.people[persona].email);
    }
    for (const persona of ['memberB1', 'admin', 'hubMember'] as const) {
      expect(html).not.toContain(f.people[persona].name);
      expect(html).not.toContain(f.people[persona].email);
    }
    expect(html).toContain(f.newcomerA1.email);
    expect(html).toContain('5 people');
    expect(html).not.toContain('Add a person');
  });

  it('a search on /people stays inside the scope', async () => {
    const html = await page('districtLeaderA', '/people?q=birch');
    expect(html).toContain('0 people');
    expect(html).not.toContain(f.people.memberB1.name);
  });

  it('the school leader of A1 sees their site on /network but no district, and only A1 people', async () => {
    const network = await page('schoolLeaderA1', '/network');
    expect(network).toContain('Your sites');
    expect(network).toContain(`href="/sites/${f.sites.A1.id}"`);
    expect(network).not.toContain('href="/districts/');
    expect(network).not.toContain('Birch');

    const people = await page('schoolLeaderA1', '/people');
    for (const persona of ['schoolLeaderA1', 'facilitatorA1', 'memberA1'] as const) expect(people).toContain(f.people[persona].email);
    for (const persona of ['districtLeaderA', 'memberB1', 'admin', 'hubMember'] as const) expect(people).not.toContain(f.people[persona].name);
    expect(people).toContain('4 people');
  });

  it.each(['memberA1', 'facilitatorA1'] as const)("%s sees teammates' names but not their emails on /groups/teamA1", async (persona) => {
    const html = await page(persona, `/groups/${f.groups.teamA1.id}`);
    expect(html).toContain(f.people.facilitatorA1.name);
    expect(html).toContain(f.people.memberA1.name);
    expect(html).not.toContain(f.people.facilitatorA1.email);
    expect(html).not.toContain(f.people.memberA1.email);
    expect(html).not.toContain('href="/people/');
    expect(html).not.toContain('Manage this group');
  });

  it.each(['schoolLeaderA1', 'districtLeaderA', 'admin'] as const)('%s sees the emails of team A1 on /groups/teamA1', async (persona) => {
    const html = await page(persona, `/groups/${f.groups.teamA1.id}`);
    expect(html).toContain(f.people.facilitatorA1.email);
    expect(html).toContain(f.people.memberA1.email);
    expect(html).toContain(`href="/people/${f.people.memberA1.id}"`);
  });

  it('a team member of B1 sees only their own team on their page and in their group', async () => {
    const home = await page('memberB1', '/');
    expect(home).toContain(f.groups.teamB1.name);
    expect(home).not.toContain('Alder');
    expect(home).not.toContain('href="/network"');
    const group = await page('memberB1', `/groups/${f.groups.teamB1.id}`);
    expect(group).toContain(f.people.memberB1.name);
    expect(group).not.toContain('Alder');
  });

  it('team members get no Network, People or admin links; leaders get Network and People; only the admin gets the audit log', async () => {
    const nav = async (persona: Persona) => {
      const html = await page(persona, '/');
      return {
        network: html.includes('href="/network"'),
        people: html.includes('href="/people"'),
        audit: html.includes('href="/admin/audit"'),
      };
    };
    expect(await nav('memberA1')).toEqual({ network: false, people: false, audit: false });
    expect(await nav('facilitatorA1')).toEqual({ network: false, people: false, audit: false });
    expect(await nav('schoolLeaderA1')).toEqual({ network: true, people: true, audit: false });
    expect(await nav('districtLeaderA')).toEqual({ network: true, people: true, audit: false });
    expect(await nav('hubMember')).toEqual({ network: true, people: true, audit: false });
    expect(await nav('admin')).toEqual({ network: true, people: true, audit: true });
  });

  it('the hub team sees the whole network read-only; the admin sees it with the forms to change it', async () => {
    for (const persona of ['hubMember', 'admin'] as const) {
      const html = await page(persona, '/network');
      expect(html).toContain(f.districts.A.name);
      expect(html).toContain(f.districts.B.name);
      expect(html).toContain(f.groups.hub.name);
      expect(html.includes('Manage the network'), persona).toBe(persona === 'admin');
    }
    const people = await page('hubMember', '/people');
    expect(people).toContain('8 people');
  });

  it('an out-of-scope district answers exactly as a missing one (no existence leak)', async () => {
    const normalise = (html: string, id: number) => html.replace(/name="_csrf" value="[^"]*"/g, '').replaceAll(`number ${id}`, 'number N');
    const hidden = await agents.get('districtLeaderA')!.get(`/districts/${f.districts.B.id}`);
    const missing = await agents.get('districtLeaderA')!.get('/districts/999');
    expect(hidden.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(normalise(hidden.body, f.districts.B.id)).toBe(normalise(missing.body, 999));
  });
});

describe('links handed out by leaders', () => {
  it('a district leader cannot hand out a password-reset link for a network admin who sits in one of their groups', async () => {
    // An admin who also belongs to a team of district A (a hub facilitator on a school team, say).
    const f = await buildNetworkFixture();
    try {
      await addMembership(f.app.db, f.people.admin.id, f.groups.teamA1.id, f.people.admin.id, false);
      const leader = await signIn(f.app, f.people.districtLeaderA.email, PASSWORD, { remoteAddress: '10.9.0.2' });
      const before = await snapshot(f.app.db);

      const response = await leader.post(`/people/${f.people.admin.id}/access-link`);

      // A reset link for the admin, in the leader's hands, is the admin's account: it must be refused.
      expect(response.statusCode).toBe(403);
      expect(response.body).not.toMatch(/\/access\/[A-Za-z0-9_-]{20,}/);
      expect(await snapshot(f.app.db)).toEqual(before);
    } finally {
      await f.app.close();
    }
  });
});

describe('permission matrix: running a progress check (a network check and a check of district A)', () => {
  const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  /** Opens both checks as the admin, directly: the matrix is about who may use them. */
  async function withChecks(f: NetworkFixture): Promise<{ network: number; districtA: number }> {
    const admin = await findPerson(f.app.db, f.people.admin.id);
    const actor = { id: f.people.admin.id, scope: await loadAccessScope(f.app.db, admin!) };
    const input = { mapId: 'txnsi', opensOn: day(0), closesOn: day(14), roleKeys: ['improvement-team'] };
    return {
      network: await openCheck(f.app.db, f.app.maps, actor, { ...input, name: 'Network check', districtId: null }),
      districtA: await openCheck(f.app.db, f.app.maps, actor, { ...input, name: 'Alder check', districtId: f.districts.A.id }),
    };
  }
  type Which = 'network' | 'districtA';
  interface CheckRoute {
    method: 'GET' | 'POST';
    label: string;
    which: Which;
    path: (id: number) => string;
    form?: Form;
    audit?: string;
    statuses: Statuses;
  }
  const dates = { opens_on: day(0), closes_on: day(30) };
  // prettier-ignore
  const checkRoutes: CheckRoute[] = [
    //                                                                                                                     adm  hub  dlA  slA1 facA1 memA1 memB1 anon
    { method: 'GET',  label: '/checks/network',                 which: 'network',   path: (id) => `/checks/${id}`,                   statuses: [200, 200, 200, 200, 200, 200, 200, 303] },
    { method: 'GET',  label: '/checks/network?format=csv',      which: 'network',   path: (id) => `/checks/${id}?format=csv`,        statuses: [200, 200, 200, 200, 200, 200, 200, 303] },
    { method: 'GET',  label: '/checks/network/close (confirm)', which: 'network',   path: (id) => `/checks/${id}/close`,             statuses: [200, 403, 403, 403, 403, 403, 403, 303] },
    { method: 'GET',  label: '/checks/districtA',               which: 'districtA', path: (id) => `/checks/${id}`,                   statuses: [200, 200, 200, 200, 200, 200, 404, 303] },
    { method: 'GET',  label: '/checks/districtA?format=csv',    which: 'districtA', path: (id) => `/checks/${id}?format=csv`,        statuses: [200, 200, 200, 200, 200, 200, 404, 303] },
    { method: 'GET',  label: '/checks/districtA/close (confirm)', which: 'districtA', path: (id) => `/checks/${id}/close`,            statuses: [200, 403, 200, 403, 403, 403, 404, 303] },
    { method: 'POST', label: '/checks/network/dates',           which: 'network',   path: (id) => `/checks/${id}/dates`, form: dates, audit: 'check.dates', statuses: [303, 403, 403, 403, 403, 403, 403, 303] },
    { method: 'POST', label: '/checks/districtA/dates',         which: 'districtA', path: (id) => `/checks/${id}/dates`, form: dates, audit: 'check.dates', statuses: [303, 403, 303, 403, 403, 403, 404, 303] },
    { method: 'POST', label: '/checks/network/close',           which: 'network',   path: (id) => `/checks/${id}/close`, form: { confirm: 'yes' }, audit: 'check.close', statuses: [303, 403, 403, 403, 403, 403, 403, 303] },
    { method: 'POST', label: '/checks/districtA/close',         which: 'districtA', path: (id) => `/checks/${id}/close`, form: { confirm: 'yes' }, audit: 'check.close', statuses: [303, 403, 303, 403, 403, 403, 404, 303] },
  ];
  const checkCells = checkRoutes.flatMap((route) =>
    personas.map((persona, index) => ({ persona, route, expected: route.statuses[index]!, name: `${persona}: ${route.method} ${route.label} → ${route.statuses[index]!}` })),
  );
  const succeeds = (cell: (typeof checkCells)[number]): boolean => cell.route.method === 'POST' && cell.persona !== 'anonymous' && cell.expected < 400;
  const sendTo = (agent: Agent, cell: (typeof checkCells)[number], ids: { network: number; districtA: number }) => {
    const url = cell.route.path(ids[cell.route.which]);
    return cell.route.method === 'GET' ? agent.get(url) : agent.post(url, cell.route.form ?? {}, { tokenFrom: cell.persona === 'anonymous' ? '/sign-in' : '/' });
  };

  let f: NetworkFixture;
  let ids: { network: number; districtA: number };
  const agents = new Map<Persona, Agent>();
  beforeAll(async () => {
    f = await buildNetworkFixture();
    ids = await withChecks(f);
    for (const [index, persona] of personas.entries()) agents.set(persona, await agentFor(f, persona, index));
  });
  afterAll(async () => {
    await f.app.close();
  });

  it.each(checkCells.filter((cell) => !succeeds(cell)).map((cell) => [cell.name, cell] as const))('%s', async (_name, cell) => {
    const before = await snapshot(f.app.db);
    const checksBefore = await f.app.db.selectFrom('progress_checks').selectAll().orderBy('id').execute();
    const response = await sendTo(agents.get(cell.persona)!, cell, ids);
    expect(response.statusCode).toBe(cell.expected);
    if (cell.expected === 404) expect(response.body).toMatch(/in your part of the network|There is no/);
    if (cell.expected === 403) expect(response.body).toContain('your role does not let you change it');
    expect(await snapshot(f.app.db)).toEqual(before);
    expect(await f.app.db.selectFrom('progress_checks').selectAll().orderBy('id').execute()).toEqual(checksBefore);
  });

  it.concurrent.for(checkCells.filter(succeeds).map((cell) => [cell.name, cell] as const))('%s', async ([, cell], { expect }) => {
    const fresh = await buildNetworkFixture();
    try {
      const freshIds = await withChecks(fresh);
      const agent = await agentFor(fresh, cell.persona, 0);
      const before = await auditEvents(fresh.app.db);
      const response = await sendTo(agent, cell, freshIds);
      expect(response.statusCode).toBe(cell.expected);
      expect(response.headers.location).toBe(`/checks/${freshIds[cell.route.which]}`);
      const after = await auditEvents(fresh.app.db);
      expect(after).toHaveLength(before.length + 1);
      expect(after.at(-1)).toMatchObject({ action: cell.route.audit, actor_id: meOf(fresh, cell.persona).id });
    } finally {
      await fresh.app.close();
    }
  });
});
