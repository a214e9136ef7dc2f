/**
 * A person's own self-assessment over HTTP: save and resume, submit once however often it is sent,
 * two tabs never overwriting each other (form and JSON autosave), every bad input refused without a
 * change, nobody else reaching it, and read-only once the check closes.
 */
import type { Agent } from '../support/http.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNetworkFixture, type NetworkFixture, type PersonaName } from '../support/network-fixture.js';
import {
  ALL_CODES,
  answerAll,
  assessmentOf,
  checkTables,
  openCheck,
  PAGES,
  personas,
  savePage,
  selfUrl,
  textOf,
  utcDay,
  versionIn,
  type Response,
} from './helpers.js';

let f: NetworkFixture;
let as: (name: PersonaName) => Promise<Agent>;

beforeAll(async () => {
  f = await buildNetworkFixture();
  as = personas(f, 2);
});

afterAll(async () => {
  await f.app.close();
});

/** A fresh network check for the improvement teams, and memberA1's survey in it. */
async function freshSurvey(): Promise<{ id: number; url: string; member: Agent }> {
  const id = await openCheck(f, await as('admin'));
  return { id, url: selfUrl(id, f.groups.teamA1.id), member: await as('memberA1') };
}

const memberAssessment = (id: number) => assessmentOf(f, id, f.groups.teamA1.id, f.people.memberA1.id);

/** The level radio of an outcome that is checked on a page, if any. */
function checkedLevel(html: string, code: string): string | undefined {
  const match = new RegExp(`name="level_${code.replace('.', '\\.')}" value="([^"]+)" checked`).exec(html);
  return match?.[1];
}

/** POST the survey as JSON (the autosave path), with the agent's session and a CSRF header. */
async function autosave(agent: Agent, url: string, form: Record<string, string>): Promise<Response> {
  const token = await agent.csrfToken('/');
  return f.app.inject({
    method: 'POST',
    url,
    headers: { cookie: agent.cookie, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': token },
    payload: new URLSearchParams(form).toString(),
  });
}

describe('saving, resuming and reviewing', () => {
  it('a saved page comes back; GET without a page resumes at the first page with an unanswered outcome; all answered → 303 to the review', async () => {
    const { url, member } = await freshSurvey();
    const start = await member.get(url);
    expect(start.statusCode).toBe(200);
    expect(start.body).toContain('Page 1 of 5');
    expect(versionIn(start.body)).toBe(1);

    // Page 1 partly answered (1.3 left out), page 2 fully.
    const saved = await savePage(member, url, 1, 1, { '1.1': 2, '1.2': 'not-sure' }, { evidence: { '1.1': 'We run weekly empathy interviews.' }, action: 'next' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${url}?page=2`);
    expect((await savePage(member, url, 2, 2, { '2.1': 1, '2.2': 2, '2.3': 3 })).statusCode).toBe(303);

    const resume = await member.get(url);
    expect(resume.statusCode).toBe(200);
    expect(resume.body).toContain('Page 1 of 5');
    expect(checkedLevel(resume.body, '1.1')).toBe('2');
    expect(checkedLevel(resume.body, '1.2')).toBe('not-sure');
    expect(checkedLevel(resume.body, '1.3')).toBeUndefined();
    expect(resume.body).toContain('We run weekly empathy interviews.');
    expect(versionIn(resume.body)).toBe(3);
    expect(textOf(resume.body)).toContain('5 of 15 outcomes answered');

    // 1.3 answered: the first gap is now page 3.
    expect((await savePage(member, url, 1, 3, { '1.3': 4 })).statusCode).toBe(303);
    expect((await member.get(url)).body).toContain('Page 3 of 5');

    await answerAll(member, url, () => 3);
    const done = await member.get(url);
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`${url}/review`);
    const review = await member.get(`${url}/review`);
    expect(review.statusCode).toBe(200);
    expect(review.body).toContain('Submit my self-assessment');
  });

  it('"previous" and "review" go where they say', async () => {
    const { url, member } = await freshSurvey();
    const back = await savePage(member, url, 3, 1, { '3.1': 2 }, { action: 'previous' });
    expect(back.headers.location).toBe(`${url}?page=2`);
    const review = await savePage(member, url, 5, 2, { '5.1': 2 }, { action: 'review' });
    expect(review.headers.location).toBe(`${url}/review`);
  });
});

describe('submitting', () => {
  it('with missing outcomes → 422 listing the missing ones, nothing submitted', async () => {
    const { id, url, member } = await freshSurvey();
    // Nothing saved at all: every outcome is missing.
    const empty = await member.post(`${url}/submit`, { version: '1' });
    expect(empty.statusCode).toBe(422);
    expect(await memberAssessment(id)).toBeUndefined();

    for (const [index, codes] of PAGES.slice(0, 4).entries()) {
      const version = versionIn((await member.get(`${url}?page=${index + 1}`)).body);
      expect((await savePage(member, url, index + 1, version, Object.fromEntries(codes.map((code) => [code, 2])))).statusCode).toBe(303);
    }
    const before = await checkTables(f);
    const version = versionIn((await member.get(`${url}/review`)).body);
    const response = await member.post(`${url}/submit`, { version: String(version) });
    expect(response.statusCode).toBe(422);
    const summary = textOf(/<div class="error-summary"[^]*?<\/div>/.exec(response.body)?.[0] ?? '');
    expect(summary).toContain('Answer every outcome before submitting');
    for (const code of ['5.1', '5.2', '5.3']) expect(summary).toContain(code);
    for (const code of ['1.1', '2.2', '4.3']) expect(summary).not.toContain(`${code} `);
    expect(await checkTables(f)).toEqual(before);
    expect((await memberAssessment(id))?.submitted_at).toBeNull();
  });

  it('complete → 303 and submitted_at set; sending it again (refresh, double click) keeps one row and the first time', async () => {
    const { id, url, member } = await freshSurvey();
    const version = await answerAll(member, url, (code) => (code === '3.2' ? 'not-sure' : 2));
    const response = await member.post(`${url}/submit`, { version: String(version) });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`${url}/review`);
    const first = await memberAssessment(id);
    expect(first?.submitted_at).toEqual(expect.any(String));
    const review = await member.get(`${url}/review`);
    expect(review.body).toContain('You submitted this self-assessment on');
    expect(review.body).not.toContain('Submit my self-assessment');

    await new Promise((resolve) => setTimeout(resolve, 5));
    for (let i = 0; i < 2; i += 1) {
      const again = await member.post(`${url}/submit`, { version: String(version) });
      expect(again.statusCode).toBe(303);
    }
    const rows = await f.app.db.selectFrom('self_assessments').selectAll().where('check_id', '=', id).where('person_id', '=', f.people.memberA1.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.submitted_at).toBe(first?.submitted_at);
    expect(rows[0]?.version).toBe(first?.version);
  });

  it('20 identical submits at once → one row, submitted once', async () => {
    const { id, url, member } = await freshSurvey();
    const version = await answerAll(member, url, () => 4);
    const token = await member.csrfToken('/');
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => member.post(`${url}/submit`, { version: String(version) }, { csrf: token })),
    );
    expect(responses.map((response) => response.statusCode)).toEqual(Array.from({ length: 20 }, () => 303));
    const rows = await f.app.db.selectFrom('self_assessments').selectAll().where('check_id', '=', id).where('person_id', '=', f.people.memberA1.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.submitted_at).toEqual(expect.any(String));
    // Only one submit claimed the version: it moved on by exactly one.
    expect(rows[0]?.version).toBe(version + 1);
    const placements = await f.app.db.selectFrom('placements').selectAll().where('self_assessment_id', '=', rows[0]?.id ?? -1).execute();
    expect(placements).toHaveLength(15);
  });
});

describe('two tabs', () => {
  it('both load version N; tab 1 saves, tab 2 saves → 409 page naming the differing outcome; tab 1 wins', async () => {
    const { id, url, member } = await freshSurvey();
    expect((await savePage(member, url, 1, 1, { '1.1': 5, '1.2': 5 })).statusCode).toBe(303);
    const tab1 = versionIn((await member.get(`${url}?page=1`)).body);
    const tab2 = versionIn((await member.get(`${url}?page=1`)).body);
    expect(tab1).toBe(2);
    expect(tab2).toBe(2);

    expect((await savePage(member, url, 1, tab1, { '1.1': 2, '1.2': 5 }, { evidence: { '1.1': 'From tab one' } })).statusCode).toBe(303);
    const before = await checkTables(f);
    const conflict = await savePage(member, url, 1, tab2, { '1.1': 4, '1.2': 5 }, { evidence: { '1.1': 'From tab one' } });
    expect(conflict.statusCode).toBe(409);
    const text = textOf(conflict.body);
    expect(text).toContain('Your answers changed in another tab or window');
    expect(text).toContain('Nothing was overwritten.');
    expect(text).toMatch(/1\.1 ?: saved Level 2; on this page Level 4/);
    expect(text).not.toMatch(/1\.2 ?: saved/);
    // The form now carries the newer version, to save again on purpose.
    expect(versionIn(conflict.body)).toBe(3);
    expect(await checkTables(f)).toEqual(before);

    const assessment = await memberAssessment(id);
    const stored = await f.app.db.selectFrom('placements').selectAll().where('self_assessment_id', '=', assessment?.id ?? -1).where('outcome_code', '=', '1.1').executeTakeFirst();
    expect(stored).toMatchObject({ level: 2, evidence: 'From tab one' });
  });

  it('the JSON autosave answers {version}, and 409 {conflict: true} for a stale version, changing nothing', async () => {
    const { id, url, member } = await freshSurvey();
    const first = await autosave(member, url, { version: '1', page: '2', level_2_1: '3' });
    // A field name that is no outcome is refused as JSON too.
    expect(first.statusCode).toBe(422);
    expect(first.json()).toEqual({ errors: { level_2_1: expect.any(String) } });

    const ok = await autosave(member, url, { version: '1', page: '2', 'level_2.1': '3' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ version: 2 });
    const next = await autosave(member, url, { version: '2', page: '2', 'level_2.2': 'not-sure' });
    expect(next.json()).toEqual({ version: 3 });

    const before = await checkTables(f);
    const stale = await autosave(member, url, { version: '2', page: '2', 'level_2.1': '1' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ conflict: true, version: 3 });
    expect(await checkTables(f)).toEqual(before);

    const bad = await autosave(member, url, { version: '3', page: '2', 'level_2.1': '7' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toEqual({ errors: { 'level_2.1': 'Choose a level from 1 to 5, or "Not sure yet", for 2.1.' } });
    expect(await checkTables(f)).toEqual(before);
    expect((await memberAssessment(id))?.version).toBe(3);
  });
});

describe('bad input is refused and changes nothing', () => {
  let url: string;
  let member: Agent;
  let version: number;

  beforeAll(async () => {
    ({ url, member } = await freshSurvey());
    expect((await savePage(member, url, 1, 1, { '1.1': 2, '1.2': 3, '1.3': 4 }, { evidence: { '1.1': 'kept' } })).statusCode).toBe(303);
    version = 2;
  });

  const page1 = (extra: Record<string, string>): Record<string, string> => ({ version: String(version), page: '1', go: 'save', ...extra });

  const cases: [string, () => Record<string, string>, number, string | undefined][] = [
    ['level "0"', () => page1({ 'level_1.1': '0' }), 422, 'Choose a level from 1 to 5, or &quot;Not sure yet&quot;, for 1.1.'],
    ['level "6"', () => page1({ 'level_1.1': '6' }), 422, 'Choose a level from 1 to 5, or &quot;Not sure yet&quot;, for 1.1.'],
    ['level "abc"', () => page1({ 'level_1.1': 'abc' }), 422, 'Choose a level from 1 to 5, or &quot;Not sure yet&quot;, for 1.1.'],
    ['level "2.5"', () => page1({ 'level_1.1': '2.5' }), 422, 'for 1.1.'],
    ['level "-1"', () => page1({ 'level_1.1': '-1' }), 422, 'for 1.1.'],
    ['an outcome of another page (level_2.1 on page 1)', () => page1({ 'level_1.1': '1', 'level_2.1': '2' }), 422, 'There is no outcome &quot;2.1&quot; on this page.'],
    ['an outcome not in the map (level_9.9)', () => page1({ 'level_9.9': '2' }), 422, 'There is no outcome &quot;9.9&quot; on this page.'],
    ['evidence for an outcome not in the map', () => page1({ 'level_1.1': '1', 'evidence_9.9': 'x' }), 422, 'There is no outcome &quot;9.9&quot; on this page.'],
    ['evidence over 1000 characters', () => page1({ 'level_1.1': '1', 'evidence_1.1': 'e'.repeat(1001) }), 422, 'The evidence note for 1.1 is 1,001 characters; keep it to 1,000.'],
    ['evidence without a level', () => page1({ 'evidence_1.2': 'a note with no level' }), 422, 'Choose a level, or &quot;Not sure yet&quot;, for 1.2 to keep your evidence note.'],
    ['a missing version', () => ({ page: '1', 'level_1.1': '1' }), 400, 'Nothing was saved.'],
    ['a version that is not a number', () => page1({ version: 'latest', 'level_1.1': '1' }), 400, 'Nothing was saved.'],
    ['page 0', () => page1({ page: '0', 'level_1.1': '1' }), 400, 'Nothing was saved.'],
    ['page 6', () => page1({ page: '6', 'level_6.1': '1' }), 400, 'Nothing was saved.'],
    ['a missing page', () => ({ version: String(version), 'level_1.1': '1' }), 400, 'Nothing was saved.'],
    ['an unknown action', () => page1({ go: 'delete', 'level_1.1': '1' }), 400, 'Nothing was saved.'],
  ];

  it.each(cases.map(([label, form, status, message]) => ({ label, form, status, message })))('$label → $status', async ({ form, status, message }) => {
    const before = await checkTables(f);
    const response = await member.post(url, form());
    expect(response.statusCode).toBe(status);
    if (message !== undefined) expect(response.body).toContain(message);
    expect(await checkTables(f)).toEqual(before);
  });

  it('a refused page is shown back as the person sent it, with the message by the field', async () => {
    const before = await checkTables(f);
    const typed = `My long note. ${'n'.repeat(1000)}`;
    const response = await member.post(url, page1({ 'level_1.1': '5', 'level_1.2': 'not-sure', 'level_1.3': '1', 'evidence_1.3': typed }));
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain(`The evidence note for 1.3 is ${typed.length.toLocaleString('en-US')} characters; keep it to 1,000.`);
    expect(await checkTables(f)).toEqual(before);
    // Nothing typed on the page is lost: the choices and the note come back to be fixed.
    expect(checkedLevel(response.body, '1.1')).toBe('5');
    expect(checkedLevel(response.body, '1.2')).toBe('not-sure');
    expect(checkedLevel(response.body, '1.3')).toBe('1');
    expect(response.body).toContain(typed);
  });

  it('evidence of exactly 1000 characters (plus surrounding spaces) is fine', async () => {
    const response = await member.post(url, page1({ 'level_1.1': '1', 'evidence_1.1': `  ${'e'.repeat(1000)}  ` }));
    expect(response.statusCode).toBe(303);
    version += 1;
  });

  it('a line break counts as one character, as the counter in the browser counts it (browsers send CR LF)', async () => {
    const note = Array.from({ length: 10 }, () => 'e'.repeat(99)).join('\r\n');
    expect(note.replace(/\r\n/g, '\n')).toHaveLength(999);
    const response = await member.post(url, page1({ 'level_1.1': '1', 'evidence_1.1': note }));
    expect(response.statusCode).toBe(303);
    version += 1;
  });
});

describe("nobody else reaches a person's self-assessment", () => {
  it('the URL has no person id: two members of a team share it and each sees only their own answers', async () => {
    const { id, url, member } = await freshSurvey();
    expect((await savePage(member, url, 1, 1, { '1.1': 2 }, { evidence: { '1.1': 'MILO-PRIVATE-NOTE' } })).statusCode).toBe(303);
    const facilitator = await as('facilitatorA1');
    const theirs = await facilitator.get(`${url}?page=1`);
    expect(theirs.statusCode).toBe(200);
    expect(theirs.body).not.toContain('MILO-PRIVATE-NOTE');
    expect(checkedLevel(theirs.body, '1.1')).toBeUndefined();
    expect((await facilitator.get(`${url}/review`)).body).not.toContain('MILO-PRIVATE-NOTE');
    // Even with someone's id appended, the page is the viewer's own.
    const withId = await facilitator.get(`${url}?page=1&person=${f.people.memberA1.id}`);
    expect(withId.body).not.toContain('MILO-PRIVATE-NOTE');
    expect(await assessmentOf(f, id, f.groups.teamA1.id, f.people.facilitatorA1.id)).toBeUndefined();
  });

  it.each(['memberB1', 'districtLeaderA', 'schoolLeaderA1', 'hubMember', 'admin'] as const)(
    "%s (not in the team) gets 404 for the team's self-assessment pages and cannot write",
    async (persona) => {
      const { url } = await freshSurvey();
      const agent = await as(persona);
      for (const path of [url, `${url}?page=2`, `${url}/review`]) {
        expect((await agent.get(path)).statusCode, path).toBe(404);
      }
      const before = await checkTables(f);
      expect((await savePage(agent, url, 1, 1, { '1.1': 1 })).statusCode).toBe(404);
      expect((await agent.post(`${url}/submit`, { version: '1' })).statusCode).toBe(404);
      expect(await checkTables(f)).toEqual(before);
    },
  );

  it('a group not in the check → 404', async () => {
    const admin = await as('admin');
    const districtA = await openCheck(f, admin, { place: `district-${f.districts.A.id}` });
    const leadersOnly = await openCheck(f, admin, { role_keys: ['school-leader'] });
    const before = await checkTables(f);
    expect((await (await as('memberB1')).get(selfUrl(districtA, f.groups.teamB1.id))).statusCode).toBe(404);
    expect((await savePage(await as('memberB1'), selfUrl(districtA, f.groups.teamB1.id), 1, 1, { '1.1': 1 })).statusCode).toBe(404);
    expect((await (await as('memberA1')).get(selfUrl(leadersOnly, f.groups.teamA1.id))).statusCode).toBe(404);
    expect((await savePage(await as('memberA1'), selfUrl(leadersOnly, f.groups.teamA1.id), 1, 1, { '1.1': 1 })).statusCode).toBe(404);
    expect((await (await as('memberA1')).get(selfUrl(999_999, f.groups.teamA1.id))).statusCode).toBe(404);
    expect(await checkTables(f)).toEqual(before);
  });
});

describe('after the check closes', () => {
  it('the pages render read-only (disabled fieldsets, no buttons) and every POST answers 409, changing nothing', async () => {
    const { id, url, member } = await freshSurvey();
    const version = await answerAll(member, url, () => 2);
    expect((await (await as('admin')).post(`/checks/${id}/close`, { confirm: 'yes' })).statusCode).toBe(303);

    const page = await member.get(`${url}?page=1`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('your answers are shown read-only');
    const fieldsets = page.body.match(/<fieldset class="outcome[^>]*>/g) ?? [];
    expect(fieldsets).toHaveLength(3);
    for (const fieldset of fieldsets) expect(fieldset).toContain(' disabled');
    expect(page.body).not.toContain('name="go"');
    expect(checkedLevel(page.body, '1.1')).toBe('2');
    const review = await member.get(`${url}/review`);
    expect(review.statusCode).toBe(200);
    expect(review.body).not.toContain('Submit my self-assessment');

    const before = await checkTables(f);
    const save = await savePage(member, url, 1, version, { '1.1': 1 });
    expect(save.statusCode).toBe(409);
    expect(textOf(save.body)).toContain('This progress check is not open');
    const submit = await member.post(`${url}/submit`, { version: String(version) });
    expect(submit.statusCode).toBe(409);
    expect((await autosave(member, url, { version: String(version), page: '1', 'level_1.1': '1' })).statusCode).toBe(409);
    expect(await checkTables(f)).toEqual(before);
    expect((await memberAssessment(id))?.submitted_at).toBeNull();
  });

  it('a check that has not opened yet cannot be answered either', async () => {
    const id = await openCheck(f, await as('admin'), { opens_on: utcDay(3), closes_on: utcDay(10) });
    const url = selfUrl(id, f.groups.teamA1.id);
    const before = await checkTables(f);
    expect((await savePage(await as('memberA1'), url, 1, 1, { '1.1': 1 })).statusCode).toBe(409);
    expect(await checkTables(f)).toEqual(before);
  });
});

it("the helpers' page layout is the map's: one principle per page, three outcomes each", () => {
  const role = f.app.maps.find('txnsi')?.roles.find((candidate) => candidate.key === 'improvement-team');
  expect(role?.outcomes.map((outcome) => outcome.code)).toEqual(ALL_CODES);
  expect(role?.outcomes.map((outcome) => outcome.principle)).toEqual(PAGES.flatMap((codes, index) => codes.map(() => String(index + 1))));
});
