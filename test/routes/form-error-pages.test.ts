/**
 * Every form of ICMap, sent wrong once: the page shown again (422, 409, 401, 400, the error page) keeps
 * what the person typed, carries a CSRF token that works, and the form read from that page, corrected
 * as a person would correct it, is accepted. Nothing a person typed is lost to a refused submit. The
 * forms are read from the HTML as a browser would submit them (test/support/html-forms.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findNetwork } from '../../server/repositories/network.js';
import { findPerson } from '../../server/repositories/people.js';
import { upsertPlacements } from '../../server/repositories/self-assessments.js';
import { issueAccessLink } from '../../server/services/access-links.js';
import { prepareFirstRun } from '../../server/services/first-run.js';
import { archivePerson } from '../../server/services/organisation.js';
import { buildTestApp } from '../helpers.js';
import { anonymous, csrfFrom, type Agent, type Response } from '../support/http.js';
import { fieldOf, filled, postFormIn, postFormsIn, type PageForm } from '../support/html-forms.js';
import { buildNetworkFixture, PASSWORD, type NetworkFixture } from '../support/network-fixture.js';
import { ALL_CODES, assessmentOf, consensusUrl, openCheck, personas, selfUrl, utcDay } from '../checks/helpers.js';

let f: NetworkFixture;

beforeAll(async () => {
  f = await buildNetworkFixture();
});

afterAll(async () => {
  await f.app.close();
});

interface ErrorPath {
  /** What a person did wrong, for the failure message. */
  what: string;
  agent: Agent;
  /** The page the form is on (GET), or its HTML when the test already has it. */
  page: string;
  action: string;
  /** The wrong submit: fields changed from what the page carries. */
  wrong: Record<string, string | null>;
  /** Runs between loading the page and sending it (another tab saving first, say). */
  meanwhile?: () => Promise<void>;
  status: number;
  /** Text the person typed that the page shown again must still carry, by field. */
  kept?: Record<string, string>;
  /** The correction, applied to the form as the page shown again carries it. */
  fix: Record<string, string | null>;
  /** Runs before the corrected form is sent. */
  beforeFix?: () => Promise<void>;
  submitter?: [string, string];
  /** The corrected submit's status: a redirect unless said otherwise. */
  fixedStatus?: number;
}

/** The `_csrf` of the sign-out form of a page, if it has one. */
function signOutToken(html: string, pagePath: string): string | undefined {
  const form = postFormsIn(html, pagePath).find((candidate) => candidate.action === '/sign-out');
  return form === undefined ? undefined : fieldOf(form, '_csrf');
}

function expectUsableToken(form: PageForm, html: string, label: string): void {
  const token = fieldOf(form, '_csrf');
  expect(token, `${label}: the form's CSRF token`).toMatch(/^[\w-]{20,}/);
  const signOut = signOutToken(html, form.action);
  if (signOut !== undefined) expect(signOut, `${label}: the sign-out form's CSRF token`).toMatch(/^[\w-]{20,}/);
}

/** Sends the form wrong, checks the page shown again, corrects and sends the form read from that page. */
async function walk(path: ErrorPath): Promise<Response> {
  const html = path.page.startsWith('<') ? path.page : (await path.agent.get(path.page)).body;
  const pagePath = path.page.startsWith('<') ? path.action : path.page.split('?')[0] ?? path.page;
  const form = postFormIn(html, pagePath, path.action);
  await path.meanwhile?.();
  const refused = await path.agent.submit(path.action, filled(form, path.wrong, path.submitter));
  expect(refused.statusCode, `${path.what}: status of the wrong submit (${refused.body.slice(0, 200)})`).toBe(path.status);
  const again = postFormIn(refused.body, path.action, path.action);
  expectUsableToken(again, refused.body, path.what);
  for (const [name, value] of Object.entries(path.kept ?? {})) {
    expect(fieldOf(again, name), `${path.what}: the page shown again keeps ${name}`).toBe(value);
  }
  await path.beforeFix?.();
  const fixed = await path.agent.submit(path.action, filled(again, path.fix, path.submitter));
  expect(fixed.statusCode, `${path.what}: status of the corrected submit (${fixed.body.slice(0, 300)})`).toBe(path.fixedStatus ?? 303);
  return fixed;
}

/** A multipart/form-data body, as a browser sends a file upload. */
function multipart(fields: [string, string][], file?: { name: string; filename: string; content: string }): { body: string; type: string } {
  const boundary = '----icmap-test-boundary';
  const parts = fields.map(([name, value]) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  if (file !== undefined) {
    parts.push(`--${boundary}\r\ncontent-disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\ncontent-type: text/csv\r\n\r\n${file.content}\r\n`);
  }
  return { body: `${parts.join('')}--${boundary}--\r\n`, type: `multipart/form-data; boundary=${boundary}` };
}

describe('a form shown again after an error', () => {
  it('keeps the typed text and submits, for every form of the app', { timeout: 120_000 }, async () => {
    const as = personas(f, 7);
    const admin = await as('admin');
    const member = await as('memberA1');
    const facilitator = await as('facilitatorA1');
    const teamId = f.groups.teamA1.id;

    // ---- progress checks ----
    await walk({
      what: 'opening a check that closes before it opens',
      agent: admin,
      page: '/checks',
      action: '/checks',
      wrong: { name: 'Spring check', opens_on: utcDay(5), closes_on: utcDay(1) },
      status: 422,
      kept: { name: 'Spring check', opens_on: utcDay(5), closes_on: utcDay(1) },
      fix: { closes_on: utcDay(20) },
    });
    const closing = await openCheck(f, admin);
    expect((await admin.post(`/checks/${closing}/close`, { confirm: 'yes' })).statusCode).toBe(303);
    await walk({
      what: 'reopening a check with a closing date in the past',
      agent: admin,
      page: `/checks/${closing}`,
      action: `/checks/${closing}/reopen`,
      wrong: { closes_on: '2020-01-01' },
      status: 422,
      fix: { closes_on: utcDay(7) },
    });

    // ---- the survey ----
    const checkId = await openCheck(f, admin);
    const survey = selfUrl(checkId, teamId);
    const longNote = 'We meet weekly. '.repeat(70);
    await walk({
      what: 'a survey page with an evidence note over the limit',
      agent: member,
      page: `${survey}?page=1`,
      action: survey,
      wrong: { 'level_1.1': '2', 'evidence_1.1': longNote },
      status: 422,
      kept: { 'level_1.1': '2', 'evidence_1.1': longNote },
      fix: { 'evidence_1.1': 'We meet weekly.' },
      submitter: ['go', 'save'],
    });
    await walk({
      what: 'a survey page saved in another tab first (the two-tab conflict page)',
      agent: member,
      page: `${survey}?page=2`,
      action: survey,
      meanwhile: async () => {
        const otherTab = postFormIn((await member.get(`${survey}?page=2`)).body, survey, survey);
        const saved = await member.submit(survey, filled(otherTab, { 'level_2.1': '4' }, ['go', 'save']));
        expect(saved.statusCode).toBe(303);
      },
      wrong: { 'level_2.1': '3', 'evidence_2.1': 'From this tab.' },
      status: 409,
      kept: { 'level_2.1': '3', 'evidence_2.1': 'From this tab.' },
      fix: {},
      submitter: ['go', 'save'],
    });
    await walk({
      what: 'submitting an incomplete survey',
      agent: member,
      page: `${survey}/review`,
      action: `${survey}/submit`,
      wrong: {},
      status: 422,
      fix: {},
      beforeFix: async () => {
        // The person answers the rest (in the database: the review form's version stays current).
        const assessment = await assessmentOf(f, checkId, teamId, f.people.memberA1.id);
        if (assessment === undefined) throw new Error('no self-assessment');
        await upsertPlacements(f.app.db, assessment.id, ALL_CODES.map((code) => ({ outcomeCode: code, level: 3, evidence: '' })));
      },
    });
    expect((await assessmentOf(f, checkId, teamId, f.people.memberA1.id))?.submitted_at).not.toBeNull();

    // ---- consensus ----
    const consensus = consensusUrl(checkId, teamId);
    expect((await facilitator.post(`${consensus}/reveal`, { confirm: 'on' })).statusCode).toBe(303);
    await walk({
      what: 'consensus saved without a level',
      agent: facilitator,
      page: consensus,
      action: `${consensus}/1.1`,
      wrong: { level: null, rationale: 'Most of us place ourselves here.', dissent: 'Two of us see Level 4.' },
      status: 422,
      kept: { rationale: 'Most of us place ourselves here.', dissent: 'Two of us see Level 4.' },
      fix: { level: '3' },
    });
    await walk({
      what: 'consensus saved without a level in meeting mode',
      agent: facilitator,
      page: `${consensus}/meeting?outcome=1.2`,
      action: `${consensus}/1.2`,
      wrong: { level: null, rationale: 'In the meeting.' },
      status: 422,
      kept: { rationale: 'In the meeting.', meeting: '1' },
      fix: { level: '2' },
    });
    await walk({
      what: 'consensus saved by someone else first (the 409 page)',
      agent: facilitator,
      page: consensus,
      action: `${consensus}/1.3`,
      meanwhile: async () => {
        const otherForm = postFormIn((await facilitator.get(consensus)).body, consensus, `${consensus}/1.3`);
        expect((await facilitator.submit(`${consensus}/1.3`, filled(otherForm, { level: '4', rationale: 'Saved first.' }))).statusCode).toBe(303);
      },
      wrong: { level: '3', rationale: 'Saved second.' },
      status: 409,
      kept: { level: '3', rationale: 'Saved second.' },
      fix: {},
    });
    // Named view has its own confirmation page now, offered only before anyone submits; its refusals
    // are walked in test/checks/consensus-meeting.test.ts.

    // ---- the network: names, groups, members, archiving ----
    await walk({ what: 'renaming the network to nothing', agent: admin, page: '/network', action: '/network', wrong: { name: '' }, status: 422, fix: { name: 'Riverside Network' } });
    await walk({ what: 'a time zone Intl does not know', agent: admin, page: '/network', action: '/network/time-zone', wrong: { time_zone: 'Mars/Olympus_Mons' }, status: 422, fix: { time_zone: 'America/Chicago' } });
    const district = await walk({ what: 'a district without a name', agent: admin, page: '/network', action: '/network/districts', wrong: { name: ' ' }, status: 422, fix: { name: 'Cedar District' } });
    await walk({ what: 'a hub group without a name', agent: admin, page: '/network', action: '/network/groups', wrong: { name: '' }, status: 422, fix: { name: 'Hub data team' } });
    const districtPath = String(district.headers.location);
    await walk({ what: 'renaming a district to nothing', agent: admin, page: districtPath, action: districtPath, wrong: { name: '' }, status: 422, fix: { name: 'Cedar Valley District' } });
    const site = await walk({ what: 'a site without a name', agent: admin, page: districtPath, action: `${districtPath}/sites`, wrong: { name: '' }, status: 422, fix: { name: 'Cedar Elementary' } });
    await walk({ what: 'a district group without a name', agent: admin, page: districtPath, action: `${districtPath}/groups`, wrong: { name: '' }, status: 422, fix: { name: 'Cedar district leaders' } });
    const sitePath = String(site.headers.location);
    await walk({ what: 'renaming a site to nothing', agent: admin, page: sitePath, action: sitePath, wrong: { name: '' }, status: 422, fix: { name: 'Cedar Primary' } });
    const group = await walk({ what: 'a site group without a name', agent: admin, page: sitePath, action: `${sitePath}/groups`, wrong: { name: '' }, status: 422, fix: { name: 'Cedar improvement team' } });
    const groupPath = String(group.headers.location);
    await walk({ what: 'renaming a group to nothing', agent: admin, page: groupPath, action: groupPath, wrong: { name: '' }, status: 422, fix: { name: 'Cedar team' } });
    await walk({
      what: 'adding an unknown email to a group',
      agent: admin,
      page: groupPath,
      action: `${groupPath}/members`,
      wrong: { email: 'nobody@cedar.test' },
      status: 422,
      kept: { email: 'nobody@cedar.test' },
      fix: { email: f.people.memberB1.email },
    });
    const memberPath = `${groupPath}/members/${f.people.memberB1.id}/facilitator`;
    await walk({ what: 'a facilitator switch with a value the checkbox cannot send', agent: admin, page: groupPath, action: memberPath, wrong: { facilitator: 'maybe' }, status: 422, fix: { facilitator: 'on' } });
    for (const [what, path] of [['site', sitePath], ['district', districtPath], ['group', groupPath]] as const) {
      await walk({ what: `archiving a ${what} with a value the form cannot send`, agent: admin, page: path, action: `${path}/archive`, wrong: { archived: 'maybe' }, status: 422, fix: {} });
    }

    // ---- people ----
    const added = await walk({
      what: 'adding a person with a broken email address',
      agent: admin,
      page: '/people',
      action: '/people',
      wrong: { name: 'Pat Park', email: 'pat.park-at-cedar' },
      status: 422,
      kept: { name: 'Pat Park', email: 'pat.park-at-cedar' },
      fix: { email: 'pat.park@cedar.test' },
    });
    const personPath = String(added.headers.location);
    await walk({
      what: 'editing a person to have no name',
      agent: admin,
      page: personPath,
      action: personPath,
      wrong: { name: '' },
      status: 422,
      kept: { email: 'pat.park@cedar.test' },
      fix: { name: 'Pat Parker' },
    });
    const patId = Number(personPath.split('/').pop());
    // The 409 page (a link asked for on a page loaded before the person was archived) offers the restore form.
    const archivedPage = (await admin.get(personPath)).body;
    await archivePerson(f.app.db, f.people.admin.id, patId, true);
    const refusedLink = await admin.submit(`${personPath}/access-link`, postFormIn(archivedPage, personPath, `${personPath}/access-link`).fields);
    expect(refusedLink.statusCode).toBe(409);
    const restore = postFormIn(refusedLink.body, `${personPath}/access-link`, `${personPath}/archive`);
    expectUsableToken(restore, refusedLink.body, 'the 409 page of a link for an archived person');
    expect((await admin.submit(`${personPath}/archive`, restore.fields)).statusCode).toBe(303);

    // ---- roster import (multipart) ----
    const importPage = (await admin.get('/admin/import')).body;
    const upload = postFormIn(importPage, '/admin/import', '/admin/import');
    const sendMultipart = (fields: [string, string][], file?: { name: string; filename: string; content: string }) => {
      const body = multipart(fields, file);
      return f.app.inject({ method: 'POST', url: '/admin/import', headers: { cookie: admin.cookie, 'content-type': body.type }, payload: body.body });
    };
    const refusedUpload = await sendMultipart(upload.fields);
    expect(refusedUpload.statusCode).toBe(422);
    const uploadAgain = postFormIn(refusedUpload.body, '/admin/import', '/admin/import');
    expectUsableToken(uploadAgain, refusedUpload.body, 'an upload without a file');
    const roster = 'email,name,district,site,role,facilitator\nrio.reyes@cedar.test,Rio Reyes,Alder District,Alder Elementary,improvement-team,no\n';
    expect((await sendMultipart(uploadAgain.fields, { name: 'roster', filename: 'roster.csv', content: roster })).statusCode).toBe(303);

    // ---- invitations and sign-in ----
    const newcomer = await findPerson(f.app.db, f.newcomerA1.id);
    if (newcomer === undefined) throw new Error('no newcomer');
    const link = await issueAccessLink(f.app.db, newcomer, f.people.admin.id);
    await walk({
      what: 'an invitation with a password too short',
      agent: anonymous(f.app, { remoteAddress: '10.7.1.1' }),
      page: `/access/${link.token}`,
      action: `/access/${link.token}`,
      wrong: { password: 'short', password_confirmation: 'short' },
      status: 422,
      fix: { password: 'a long enough sentence', password_confirmation: 'a long enough sentence' },
    });
    const visitor = anonymous(f.app, { remoteAddress: '10.7.1.2' });
    await walk({
      what: 'signing in with the wrong password',
      agent: visitor,
      page: '/sign-in',
      action: '/sign-in',
      wrong: { email: f.people.memberA1.email, password: 'not the password' },
      status: 401,
      kept: { email: f.people.memberA1.email },
      fix: { password: PASSWORD },
    });

    // ---- pages with no form of their own (400, the expired-form page): their sign-out works ----
    const badSurvey = await member.submit(survey, [['_csrf', csrfFrom((await member.get(`${survey}?page=1`)).body) ?? ''], ['version', '1']]);
    expect(badSurvey.statusCode).toBe(400);
    const expired = await visitor.submit('/network', [['_csrf', 'not-a-token'], ['name', 'x']]);
    expect(expired.statusCode).toBe(403);
    const expiredSignOut = signOutToken(expired.body, '/network');
    expect(expiredSignOut).toMatch(/^[\w-]{20,}/);
    const signOut = signOutToken(badSurvey.body, survey);
    expect(signOut).toMatch(/^[\w-]{20,}/);
    const signedOut = await member.submit('/sign-out', [['_csrf', signOut ?? '']]);
    expect(signedOut.statusCode).toBe(303);
    expect((await member.get(survey)).statusCode).toBe(303);
  });

  it('keeps the typed text and submits on first-run setup', async () => {
    const app = await buildTestApp();
    try {
      const firstRun = await prepareFirstRun(app.db, undefined);
      if (firstRun.state !== 'setup-needed') throw new Error(`expected a setup link, got ${firstRun.state}`);
      const path = `/setup/${firstRun.token}`;
      const setUp = await walk({
        what: 'setup with passwords that do not match',
        agent: anonymous(app),
        page: path,
        action: path,
        wrong: { network_name: 'Cedar Network', time_zone: 'America/Chicago', name: 'Cy Admin', email: 'cy@cedar.test', password: 'a long enough sentence', password_confirmation: 'a long enough sentense' },
        status: 422,
        kept: { network_name: 'Cedar Network', time_zone: 'America/Chicago', name: 'Cy Admin', email: 'cy@cedar.test' },
        fix: { password: 'a long enough sentence', password_confirmation: 'a long enough sentence' },
      });
      expect(setUp.headers.location).toBe('/network');
      expect(await findNetwork(app.db)).toMatchObject({ name: 'Cedar Network', time_zone: 'America/Chicago' });
    } finally {
      await app.close();
    }
  });
});
