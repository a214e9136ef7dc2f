/**
 * Follow-through over HTTP: a facilitator turns a consensus next step into actions; owners move them
 * on with signed notes; the plan page filters, prints and exports; the next check's consensus looks
 * back on them; every bad input is refused with a clear message and changes nothing; two people saving
 * one action never overwrite each other.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveConsensusVersion } from '../../server/repositories/consensus.js';
import { setGroupArchived } from '../../server/repositories/organisation.js';
import { setPersonArchived } from '../../server/repositories/people.js';
import type { Agent } from '../support/http.js';
import { snapshot } from '../support/db-snapshot.js';
import { buildNetworkFixture, type NetworkFixture, type PersonaName } from '../support/network-fixture.js';
import { answerAndSubmit, consensusUrl, escapeHtml, mainOf, openCheck, personas, postRaw, seedSubmitted, selfUrl, textOf, utcDay } from '../checks/helpers.js';

let f: NetworkFixture;
let as: (name: PersonaName) => Promise<Agent>;

beforeEach(async () => {
  f = await buildNetworkFixture();
  as = personas(f, 3);
});
afterEach(async () => {
  await f.app.close();
});

const planUrl = (): string => `/groups/${f.groups.teamA1.id}/plan`;
const actionsUrl = (): string => `/groups/${f.groups.teamA1.id}/actions`;

/** The fields of a valid "plan an action" form, with overrides; `owners` may repeat. */
function actionFields(overrides: Record<string, string | undefined> = {}, owners: readonly number[] = [f.people.memberA1.id]): [string, string][] {
  const form: Record<string, string | undefined> = { outcome_code: '1.2', what: 'Visit a bright-spot school', kind: 'learn', due_on: utcDay(20), ...overrides };
  const fields = Object.entries(form).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return [...fields, ...owners.map((id): [string, string] => ['owners', String(id)])];
}

async function createAction(overrides: Record<string, string | undefined> = {}, owners?: readonly number[]) {
  return postRaw(f, await as('facilitatorA1'), actionsUrl(), actionFields(overrides, owners));
}

const actionRow = (id: number) => f.app.db.selectFrom('actions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const latestActionId = async (): Promise<number> => (await f.app.db.selectFrom('actions').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;

describe('planning an action', () => {
  it('a facilitator plans an action with two owners; the plan page lists it under its principle and outcome', async () => {
    const response = await createAction({ what: 'Shadow a teacher at Birch for a day' }, [f.people.memberA1.id, f.people.facilitatorA1.id]);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`${planUrl()}#outcome-1.2`);
    const row = await actionRow(await latestActionId());
    expect(row).toMatchObject({ what: 'Shadow a teacher at Birch for a day', kind: 'learn', status: 'planned', due_on: utcDay(20), version: 1 });
    const owners = await f.app.db.selectFrom('action_owners').select('person_id').where('action_id', '=', row.id).orderBy('person_id').execute();
    expect(owners.map((owner) => owner.person_id)).toEqual([f.people.facilitatorA1.id, f.people.memberA1.id].sort((a, b) => a - b));

    const page = mainOf((await (await as('memberA1')).get(planUrl())).body);
    expect(page).toContain('id="principle-1"');
    expect(page).toContain('id="outcome-1.2"');
    expect(textOf(page)).toContain('Shadow a teacher at Birch for a day Learn more Fay Fisher, Milo Moss');
  });

  it('the form opened from a consensus outcome is pre-filled with the agreed next step and goes back to the consensus', async () => {
    const checkId = await openCheck(f, await as('admin'));
    await answerAndSubmit(await as('facilitatorA1'), selfUrl(checkId, f.groups.teamA1.id), () => 3);
    const facilitator = await as('facilitatorA1');
    expect((await facilitator.post(`${consensusUrl(checkId, f.groups.teamA1.id)}/reveal`, { confirm: 'on' })).statusCode).toBe(303);
    const saved = await facilitator.post(`${consensusUrl(checkId, f.groups.teamA1.id)}/1.3`, { level: '3', rationale: '', dissent: '', next_step: 'Start a PDSA on exit tickets', version: '0' });
    expect(saved.statusCode).toBe(303);

    const consensus = (await facilitator.get(consensusUrl(checkId, f.groups.teamA1.id))).body;
    const link = `/groups/${f.groups.teamA1.id}/actions/new?check=${checkId}&amp;outcome=1.3`;
    expect(consensus).toContain(link);
    const form = (await facilitator.get(link.replace('&amp;', '&'))).body;
    expect(form).toContain('>Start a PDSA on exit tickets</textarea>');
    expect(form).toContain(`name="check_id" value="${checkId}"`);

    const created = await postRaw(f, facilitator, actionsUrl(), [...actionFields({ outcome_code: '1.3', what: 'Start a PDSA on exit tickets', kind: 'pdsa' }), ['check_id', String(checkId)], ['return_to', 'consensus']]);
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toBe(`${consensusUrl(checkId, f.groups.teamA1.id)}#outcome-1.3`);
    expect(await actionRow(await latestActionId())).toMatchObject({ check_id: checkId, outcome_code: '1.3' });
    expect(textOf((await facilitator.get(consensusUrl(checkId, f.groups.teamA1.id))).body)).toContain('Start a PDSA on exit tickets · Milo Moss');
  });

  type BadCase = [name: string, overrides: Record<string, string | undefined>, owners: (fx: NetworkFixture) => number[], message: string];
  const badCases: BadCase[] = [
    ['a due date in the past', { due_on: '2020-01-01' }, (fx) => [fx.people.memberA1.id], '2020-01-01 has passed'],
    ['a due date that is not a date', { due_on: 'next week' }, (fx) => [fx.people.memberA1.id], 'Enter a due date as a date, like 2026-05-01.'],
    ['a due date that is not a real day', { due_on: '2031-02-30' }, (fx) => [fx.people.memberA1.id], 'Enter a due date as a real calendar date.'],
    ['an owner who is not a member of the group', {}, (fx) => [fx.people.memberB1.id], 'Owners must be active members of Alder Elementary improvement team'],
    ['no owner', {}, () => [], 'Choose at least one person responsible.'],
    ['an owner id that is not a number', {}, () => [], 'Choose owners from the list.'],
    ['a kind out of the list', { kind: 'hope' }, (fx) => [fx.people.memberA1.id], 'Choose the kind of next step from the list.'],
    ['an outcome the map does not have', { outcome_code: '9.9' }, (fx) => [fx.people.memberA1.id], 'Choose an outcome from the list.'],
    ['nothing about what will be done', { what: '   ' }, (fx) => [fx.people.memberA1.id], 'Say what will be done.'],
    ['a check the group does not take part in', { check_id: '999' }, (fx) => [fx.people.memberA1.id], 'That progress check does not include this group'],
  ];

  it.each(badCases)('refuses %s with a clear message, keeps the typed text, changes nothing', async (name, overrides, owners, message) => {
    const facilitator = await as('facilitatorA1');
    const before = await snapshot(f.app.db);
    const fields = actionFields({ what: 'Typed words stay', ...overrides }, owners(f));
    if (name.includes('not a number')) fields.push(['owners', 'milo']);
    const response = await postRaw(f, facilitator, actionsUrl(), fields);
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain(escapeHtml(message));
    if (!('what' in overrides)) expect(response.body).toContain('>Typed words stay</textarea>');
    expect(await snapshot(f.app.db)).toEqual(before);
    // The error page's own form submits: its CSRF token is valid.
    const token = /name="_csrf" value="([^"]+)"/.exec(mainOf(response.body))?.[1];
    expect(token).toBeDefined();
    const retry = await f.app.inject({ method: 'POST', url: actionsUrl(), headers: { cookie: facilitator.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams([...actionFields(), ['_csrf', token ?? '']]).toString() });
    expect(retry.statusCode).toBe(303);
  });

  it('refuses an archived person as owner', async () => {
    await setPersonArchived(f.app.db, f.people.memberA1.id, true);
    const before = await snapshot(f.app.db);
    const response = await createAction({}, [f.people.memberA1.id]);
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('Owners must be active members');
    expect(await snapshot(f.app.db)).toEqual(before);
  });

  it('refuses any change to the plan of an archived group, saying why, and changes nothing', async () => {
    const facilitator = await as('facilitatorA1');
    const owner = await as('memberA1');
    await setGroupArchived(f.app.db, f.groups.teamA1.id, true);
    const before = await snapshot(f.app.db);
    for (const response of [
      await postRaw(f, facilitator, actionsUrl(), actionFields()),
      await owner.post(`/actions/${f.actions.A1}`, { version: '1', status: 'done', note: 'late' }),
      await postRaw(f, facilitator, `/groups/${f.groups.teamA1.id}/requests`, [['outcome_code', '1.1'], ['help', 'x'], ['needed_by', utcDay(5)]]),
    ]) {
      expect(response.statusCode).toBe(409);
      expect(response.body).toContain('Alder Elementary improvement team is archived, so its action plan is read-only. Nothing was saved.');
    }
    expect(await snapshot(f.app.db)).toEqual(before);
    expect((await owner.get(planUrl())).statusCode).toBe(200);
  });
});

describe('moving an action on', () => {
  const actionUrl = (): string => `/actions/${f.actions.A1}`;

  it('an owner marks their action done with a note: status, version and a signed, dated note are kept', async () => {
    const owner = await as('memberA1');
    const page = (await owner.get(actionUrl())).body;
    expect(page).toContain('Move your action on');
    expect(page).not.toContain('name="what"');
    const response = await owner.post(actionUrl(), { version: '1', status: 'done', note: 'Ran it with two classes; exit tickets up.' });
    expect(response.statusCode).toBe(303);
    expect(await actionRow(f.actions.A1)).toMatchObject({ status: 'done', version: 2, updated_by: f.people.memberA1.id });
    const after = textOf(mainOf((await owner.get(actionUrl())).body));
    expect(after).toContain(`Milo Moss · ${utcDay(0)} · Done Ran it with two classes; exit tickets up.`);
  });

  it('an owner cannot change what the action is, its date or its owners: those fields are ignored', async () => {
    const owner = await as('memberA1');
    const response = await postRaw(f, owner, actionUrl(), [['version', '1'], ['status', 'in-progress'], ['note', ''], ['what', 'Something else'], ['due_on', utcDay(90)], ['owners', String(f.people.facilitatorA1.id)]]);
    expect(response.statusCode).toBe(303);
    const row = await actionRow(f.actions.A1);
    expect(row).toMatchObject({ what: 'Try a data wall for one PDSA cycle', due_on: utcDay(10), status: 'in-progress' });
    const owners = await f.app.db.selectFrom('action_owners').select('person_id').where('action_id', '=', f.actions.A1).execute();
    expect(owners).toEqual([{ person_id: f.people.memberA1.id }]);
  });

  it('a facilitator edits everything, and may keep a due date that has since passed but not set a new past one', async () => {
    const facilitator = await as('facilitatorA1');
    await f.app.db.updateTable('actions').set({ due_on: '2021-05-01' }).where('id', '=', f.actions.A1).execute();
    const keep = await postRaw(f, facilitator, actionUrl(), [['version', '1'], ['status', 'in-progress'], ['note', ''], ['what', 'A sharper action'], ['kind', 'adapt'], ['due_on', '2021-05-01'], ['owners', String(f.people.facilitatorA1.id)]]);
    expect(keep.statusCode).toBe(303);
    expect(await actionRow(f.actions.A1)).toMatchObject({ what: 'A sharper action', kind: 'adapt', due_on: '2021-05-01', version: 2 });
    const before = await snapshot(f.app.db);
    const past = await postRaw(f, facilitator, actionUrl(), [['version', '2'], ['status', 'in-progress'], ['note', ''], ['what', 'A sharper action'], ['kind', 'adapt'], ['due_on', '2021-04-01'], ['owners', String(f.people.facilitatorA1.id)]]);
    expect(past.statusCode).toBe(422);
    expect(past.body).toContain('2021-04-01 has passed');
    expect(await snapshot(f.app.db)).toEqual(before);
  });

  it.each([
    ['a status out of the list', { status: 'finished' }, 'Choose a status from the list: planned, in progress, done or dropped.'],
    ['no version', { version: undefined }, 'The form is missing its version; reload the page.'],
    ['a note that is too long', { note: 'x'.repeat(1001) }, 'Keep the progress note to 1000 characters.'],
  ] as const)('refuses %s with a clear message and changes nothing', async (_name, overrides, message) => {
    const owner = await as('memberA1');
    const before = await snapshot(f.app.db);
    const form = Object.fromEntries(Object.entries({ version: '1', status: 'done', note: 'typed', ...overrides }).filter((entry): entry is [string, string] => entry[1] !== undefined));
    const response = await owner.post(actionUrl(), form);
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain(escapeHtml(message));
    expect(await snapshot(f.app.db)).toEqual(before);
  });

  it('two people saving one action: the second is refused with 409, shown the winner\'s values, and nothing is overwritten', async () => {
    const owner = await as('memberA1');
    const facilitator = await as('facilitatorA1');
    const first = await owner.post(actionUrl(), { version: '1', status: 'done', note: 'Finished it.' });
    expect(first.statusCode).toBe(303);
    const before = await snapshot(f.app.db);
    const second = await postRaw(f, facilitator, actionUrl(), [['version', '1'], ['status', 'dropped'], ['note', 'Dropping this one.'], ['what', 'Try a data wall for one PDSA cycle'], ['kind', 'pdsa'], ['due_on', utcDay(10)], ['owners', String(f.people.memberA1.id)]]);
    expect(second.statusCode).toBe(409);
    const text = textOf(mainOf(second.body));
    expect(text).toContain('Someone else saved this action first');
    expect(text).toContain('Milo Moss saved it');
    expect(text).toContain('status Done');
    expect(second.body).toContain('>Dropping this one.</textarea>');
    expect(second.body).toContain('name="version" value="2"');
    expect(await snapshot(f.app.db)).toEqual(before);
  });
});

describe('the plan page', () => {
  beforeEach(async () => {
    // A second, overdue action owned by the facilitator, and a done one.
    const overdue = (await createAction({ outcome_code: '2.2', what: 'Overdue thing' }, [f.people.facilitatorA1.id])).statusCode;
    expect(overdue).toBe(303);
    await f.app.db.updateTable('actions').set({ due_on: '2021-01-01' }).where('what', '=', 'Overdue thing').execute();
    expect((await createAction({ outcome_code: '3.3', what: 'Finished thing' }, [f.people.facilitatorA1.id])).statusCode).toBe(303);
    await f.app.db.updateTable('actions').set({ status: 'done' }).where('what', '=', 'Finished thing').execute();
  });

  it('filters by mine, overdue and status, and counts every state', async () => {
    const member = await as('memberA1');
    const all = textOf(mainOf((await member.get(planUrl())).body));
    expect(all).toContain('3 actions: 2 planned · 0 in progress · 1 done · 0 dropped · 1 overdue');
    const mine = textOf(mainOf((await member.get(`${planUrl()}?mine=on`)).body));
    expect(mine).toContain('Try a data wall');
    expect(mine).not.toContain('Overdue thing');
    const overdue = textOf(mainOf((await member.get(`${planUrl()}?overdue=on`)).body));
    expect(overdue).toContain('Overdue thing');
    expect(overdue).not.toContain('Try a data wall');
    const done = textOf(mainOf((await member.get(`${planUrl()}?status=done`)).body));
    expect(done).toContain('Finished thing');
    expect(done).not.toContain('Overdue thing');
    expect((await member.get(`${planUrl()}?status=finished`)).statusCode).toBe(400);
  });

  it('offers a one-page print view without dropped actions, and the plan as CSV', async () => {
    await f.app.db.updateTable('actions').set({ status: 'dropped' }).where('what', '=', 'Finished thing').execute();
    const member = await as('memberA1');
    const print = textOf(mainOf((await member.get(`${planUrl()}/print`)).body));
    expect(print).toContain('Overdue thing');
    expect(print).not.toContain('Finished thing');
    const csv = await member.get(`${planUrl()}?format=csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[0]).toBe('\uFEFFoutcome,outcome_title,what,kind,owners,due_on,status,overdue,from_check,progress_notes');
    expect(csv.body).toContain('2.2,');
    expect(csv.body).toContain('Overdue thing,Learn more,Fay Fisher,2021-01-01,Planned,yes');
  });

  it("a member's home lists their open actions due soon, overdue ones included, and nobody else's", async () => {
    const facilitatorHome = textOf(mainOf((await (await as('facilitatorA1')).get('/')).body));
    expect(facilitatorHome).toContain('Your actions due soon');
    expect(facilitatorHome).toContain('Overdue thing');
    expect(facilitatorHome).not.toContain('Finished thing');
    expect(facilitatorHome).not.toContain('Try a data wall');
    const memberHome = textOf(mainOf((await (await as('memberA1')).get('/')).body));
    expect(memberHome).toContain('Try a data wall for one PDSA cycle · Alder Elementary improvement team, 1.1');
    expect(memberHome).not.toContain('Overdue thing');
  });
});

describe('the site comparison', () => {
  it("shows each group's actions done and overdue, within the viewer's part of the network", async () => {
    const checkId = await openCheck(f, await as('admin'));
    for (const [team, persona] of [[f.groups.teamA1.id, f.newcomerA1.id], [f.groups.teamB1.id, f.people.memberB1.id]] as const) {
      await seedSubmitted(f, checkId, team, persona, () => 3);
      await f.app.db.updateTable('check_groups').set({ revealed_at: new Date().toISOString() }).where('check_id', '=', checkId).where('group_id', '=', team).execute();
      // Through the repository, as the app records consensus: the report summaries count it in the same write.
      await saveConsensusVersion(f.app.db, { checkId, groupId: team, outcomeCode: '1.1', level: 3, rationale: '', dissent: '', nextStep: '', recordedBy: f.people.admin.id }, 0);
    }
    await f.app.db.updateTable('actions').set({ due_on: '2021-01-01' }).where('id', '=', f.actions.A1).execute();
    const hub = textOf(mainOf((await (await as('hubMember')).get(`/reports/sites?check=${checkId}`)).body));
    expect(hub).toContain('Follow-through: actions done and overdue per group');
    expect(hub).toMatch(/Alder Elementary 0 1 1/);
    // Birch High's team has one member: its record is one person's answers, so it is left out (issue 14.17).
    expect(hub).toContain('1 one-person group is not shown');
    expect(hub).not.toMatch(/Birch High 0 0 1/);
    const district = textOf(mainOf((await (await as('districtLeaderA')).get(`/reports/sites?check=${checkId}`)).body));
    expect(district).toMatch(/Alder Elementary 0 1 1/);
    expect(district).not.toContain('Birch High');
  });
});

describe('looking back at the next check', () => {
  it("once revealed, the next check's consensus shows last check's agreed level, next step and its actions with their status", async () => {
    const admin = await as('admin');
    const facilitator = await as('facilitatorA1');
    const first = await openCheck(f, admin);
    await seedSubmitted(f, first, f.groups.teamA1.id, f.newcomerA1.id, () => 4);
    expect((await facilitator.post(`${consensusUrl(first, f.groups.teamA1.id)}/reveal`, { confirm: 'on' })).statusCode).toBe(303);
    expect((await facilitator.post(`${consensusUrl(first, f.groups.teamA1.id)}/2.1`, { level: '4', rationale: '', dissent: '', next_step: 'Look at attendance data weekly', version: '0' })).statusCode).toBe(303);
    expect((await postRaw(f, facilitator, actionsUrl(), [...actionFields({ outcome_code: '2.1', what: 'Weekly attendance huddle' }), ['check_id', String(first)]])).statusCode).toBe(303);
    const actionId = await latestActionId();
    expect((await (await as('memberA1')).post(`/actions/${actionId}`, { version: '1', status: 'done', note: 'Huddles running since March.' })).statusCode).toBe(303);
    // The first check becomes last term's.
    await f.app.db.updateTable('progress_checks').set({ opens_on: utcDay(-120), closes_on: utcDay(-100) }).where('id', '=', first).execute();

    const second = await openCheck(f, admin);
    await seedSubmitted(f, second, f.groups.teamA1.id, f.newcomerA1.id, () => 3);
    const hidden = textOf(mainOf((await facilitator.get(consensusUrl(second, f.groups.teamA1.id))).body));
    expect(hidden).not.toContain('Weekly attendance huddle');
    expect((await facilitator.post(`${consensusUrl(second, f.groups.teamA1.id)}/reveal`, { confirm: 'on' })).statusCode).toBe(303);
    const shown = textOf(mainOf((await (await as('memberA1')).get(consensusUrl(second, f.groups.teamA1.id))).body));
    const checkName = (await f.app.db.selectFrom('progress_checks').select('name').where('id', '=', first).executeTakeFirstOrThrow()).name;
    const outcome = shown.slice(shown.indexOf('2.1 Establish an aim statement'), shown.indexOf('2.2 Identify drivers'));
    expect(outcome).toContain(`Last check: ${checkName} Agreed Level 4`);
    expect(outcome).toContain(`Next step: Look at attendance data weekly Weekly attendance huddle · Milo Moss · due ${utcDay(20)} · Done`);
    // The team report's change per outcome says what the team did about last time's next step.
    const report = textOf(mainOf((await facilitator.get(`/checks/${second}/groups/${f.groups.teamA1.id}/report`)).body));
    expect(report).toContain('2.1 Establish an aim statement');
    expect(report).toMatch(/2\.1 Establish an aim statement[^]*?Weekly attendance huddle ?: done/);
    // Outcomes the team agreed nothing on last time show no look-back.
    expect(shown.slice(shown.indexOf('1.1 Investigate'), shown.indexOf('1.2 Access'))).not.toContain('Last check');
  });
});
