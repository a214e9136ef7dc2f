/**
 * Requests for the hub's help over HTTP, and the private history page: a facilitator asks, the hub's
 * queue shows requests across sites (a district leader only their district's), the hub answers and
 * assigns, the team sees the answer; bad input and concurrent answers change nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from '../support/http.js';
import { snapshot } from '../support/db-snapshot.js';
import { buildNetworkFixture, type NetworkFixture, type PersonaName } from '../support/network-fixture.js';
import { answerAndSubmit, consensusUrl, escapeHtml, mainOf, openCheck, personas, selfUrl, textOf, utcDay } from '../checks/helpers.js';

let f: NetworkFixture;
let as: (name: PersonaName) => Promise<Agent>;

beforeEach(async () => {
  f = await buildNetworkFixture();
  as = personas(f, 4);
});
afterEach(async () => {
  await f.app.close();
});

const requestRow = (id: number) => f.app.db.selectFrom('assistance_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const askUrl = (): string => `/groups/${f.groups.teamA1.id}/requests`;

describe('asking the hub for help', () => {
  it('a facilitator asks; the request is open, in the hub queue and on the team plan', async () => {
    const response = await (await as('facilitatorA1')).post(askUrl(), { outcome_code: '4.1', help: 'Help us plan learning walks', needed_by: utcDay(12) });
    expect(response.statusCode).toBe(303);
    const id = Number(/\/requests\/(\d+)$/.exec(String(response.headers.location))?.[1]);
    expect(await requestRow(id)).toMatchObject({ status: 'open', outcome_code: '4.1', needed_by: utcDay(12), created_by: f.people.facilitatorA1.id, version: 1 });
    const queue = textOf(mainOf((await (await as('hubMember')).get('/requests')).body));
    expect(queue).toContain('4.1 Design learning agenda Alder Elementary improvement team Alder Elementary, Alder District Help us plan learning walks');
    expect(queue).toContain('Birch High improvement team');
    expect(textOf(mainOf((await (await as('memberA1')).get(`/groups/${f.groups.teamA1.id}/plan`)).body))).toContain('Help us plan learning walks');
  });

  it.each([
    ['a date in the past', { needed_by: '2020-02-02' }, '2020-02-02 has passed'],
    ['no help described', { help: '' }, 'Say what help you need.'],
    ['an outcome the map does not have', { outcome_code: '7.7' }, 'Choose an outcome from the list.'],
    ['a date that is not a date', { needed_by: 'soon' }, 'Enter the date you need help by as a date'],
  ] as const)('refuses %s with a clear message and changes nothing', async (_name, overrides, message) => {
    const facilitator = await as('facilitatorA1');
    const before = await snapshot(f.app.db);
    const response = await facilitator.post(askUrl(), { outcome_code: '4.1', help: 'Typed help text', needed_by: utcDay(12), ...overrides });
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain(escapeHtml(message));
    if (!('help' in overrides)) expect(response.body).toContain('>Typed help text</textarea>');
    expect(response.body).toMatch(/name="_csrf" value="[^"]+"/);
    expect(await snapshot(f.app.db)).toEqual(before);
  });
});

describe("the hub's queue and answers", () => {
  it("a district leader sees their district's requests and not another district's; a team member has no queue", async () => {
    const queue = textOf(mainOf((await (await as('districtLeaderA')).get('/requests')).body));
    expect(queue).toContain('Alder Elementary improvement team');
    expect(queue).not.toContain('Birch');
    const csv = (await (await as('districtLeaderA')).get('/requests?format=csv')).body;
    expect(csv.startsWith('\uFEFFid,district,site,group,')).toBe(true);
    expect(csv.split('\r\n')).toHaveLength(2);
    expect(csv).toContain('Alder District,Alder Elementary');
    expect((await (await as('memberA1')).get('/requests')).statusCode).toBe(404);
  });

  it('the hub answers and assigns a hub member; the team sees the answer; closed requests leave the default queue', async () => {
    const hub = await as('hubMember');
    const answer = await hub.post(`/requests/${f.requests.A1}`, { version: '1', answer: 'Hugo will bring run-chart templates on Tuesday.', assignee_id: String(f.people.hubMember.id), status: 'answered' });
    expect(answer.statusCode).toBe(303);
    expect(await requestRow(f.requests.A1)).toMatchObject({ status: 'answered', assignee_id: f.people.hubMember.id, answered_by: f.people.hubMember.id, version: 2 });
    const team = textOf(mainOf((await (await as('memberA1')).get(`/requests/${f.requests.A1}`)).body));
    expect(team).toContain('Assigned to Hugo Hart');
    expect(team).toContain("The hub's answer Hugo will bring run-chart templates on Tuesday.");
    expect(team).not.toContain('Answer as the hub');

    expect((await hub.post(`/requests/${f.requests.A1}`, { version: '2', answer: 'Hugo will bring run-chart templates on Tuesday.', assignee_id: String(f.people.hubMember.id), status: 'closed' })).statusCode).toBe(303);
    expect(textOf(mainOf((await hub.get('/requests')).body))).not.toContain('Alder Elementary improvement team');
    expect(textOf(mainOf((await hub.get('/requests?status=closed')).body))).toContain('Alder Elementary improvement team');
  });

  it.each([
    ['an assignee who is not on the hub team', (fx: NetworkFixture) => ({ assignee_id: String(fx.people.memberA1.id) }), 'Assign the request to an active member of the hub team'],
    ['a status out of the list', () => ({ status: 'solved' }), 'Choose a status from the list: open, answered or closed.'],
    ['"answered" without an answer', () => ({ answer: '' }), 'Write the answer before marking the request answered.'],
  ] as const)('refuses %s with a clear message and changes nothing', async (_name, overrides, message) => {
    const hub = await as('hubMember');
    const before = await snapshot(f.app.db);
    const response = await hub.post(`/requests/${f.requests.A1}`, { version: '1', answer: 'Typed answer', assignee_id: '', status: 'answered', ...overrides(f) });
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain(escapeHtml(message));
    expect(await snapshot(f.app.db)).toEqual(before);
  });

  it("two hub members answering at once: the second gets 409 with the first's answer shown, nothing overwritten", async () => {
    const hub = await as('hubMember');
    const admin = await as('admin');
    expect((await hub.post(`/requests/${f.requests.A1}`, { version: '1', answer: 'First answer', assignee_id: '', status: 'answered' })).statusCode).toBe(303);
    const before = await snapshot(f.app.db);
    const second = await admin.post(`/requests/${f.requests.A1}`, { version: '1', answer: 'Second answer', assignee_id: '', status: 'closed' });
    expect(second.statusCode).toBe(409);
    const text = textOf(mainOf(second.body));
    expect(text).toContain('Someone else saved this request first');
    expect(text).toContain("The hub's answer First answer");
    expect(second.body).toContain('>Second answer</textarea>');
    expect(await snapshot(f.app.db)).toEqual(before);
  });
});

describe("the admins' export of actions", () => {
  it('lists every action with its place, owners, status and note count', async () => {
    expect((await (await as('memberA1')).post(`/actions/${f.actions.A1}`, { version: '1', status: 'in-progress', note: 'Started.' })).statusCode).toBe(303);
    const csv = await (await as('admin')).get('/admin/export-actions.csv');
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.split('\r\n');
    expect(lines[0]).toBe('\uFEFFaction,district,site,group,from_check,outcome,what,kind,owners,due_on,status,overdue,progress_notes,updated_at');
    expect(lines).toHaveLength(3);
    expect(csv.body).toContain(`Alder District,Alder Elementary,Alder Elementary improvement team,,1.1,Try a data wall for one PDSA cycle,Test a change with a PDSA cycle,Milo Moss,${utcDay(10)},In progress,,1,`);
    expect(csv.body).toContain('Birch District,Birch High');
  });
});

describe('personal history', () => {
  it("shows a person their own placements beside the team's agreed level, and nobody else's", async () => {
    const checkId = await openCheck(f, await as('admin'));
    await answerAndSubmit(await as('memberA1'), selfUrl(checkId, f.groups.teamA1.id), () => 2);
    await answerAndSubmit(await as('facilitatorA1'), selfUrl(checkId, f.groups.teamA1.id), () => 5);
    const facilitator = await as('facilitatorA1');
    expect((await facilitator.post(`${consensusUrl(checkId, f.groups.teamA1.id)}/reveal`, { confirm: 'on' })).statusCode).toBe(303);
    expect((await facilitator.post(`${consensusUrl(checkId, f.groups.teamA1.id)}/1.1`, { level: '4', rationale: '', dissent: '', next_step: '', version: '0' })).statusCode).toBe(303);

    const mine = await (await as('memberA1')).get('/me/history');
    expect(mine.headers['cache-control']).toBe('no-store');
    const html = mainOf(mine.body);
    expect(html).toContain('<svg');
    expect(html).toContain('you placed yourself at Level 2');
    expect(html).not.toContain('you placed yourself at Level 5');
    expect(textOf(html)).toContain('1.1 Investigate and define problem You: Level 2 Team: Level 4');
    // The facilitator's own page shows their placements, never Milo's.
    const theirs = textOf(mainOf((await facilitator.get('/me/history')).body));
    expect(theirs).toContain('You: Level 5 Team: Level 4');
    expect(theirs).not.toContain('You: Level 2');
    // Leaders and the hub see only their own (empty) history.
    expect(textOf(mainOf((await (await as('admin')).get('/me/history')).body))).toContain('Nothing yet');
  });
});
